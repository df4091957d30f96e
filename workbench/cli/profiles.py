"""`workbench profiles create|show|set|export|import|duplicate|delete` (``list`` lives in catalog.py).

Same validation, optimistic lock and audit as the Profiles page (:mod:`workbench.services.profiles`).
``--expect-version V`` makes a change fail (exit 2, naming who saved in between) unless the profile is still
at version V. ``--json`` documents are described in docs/cli.md.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.cli import CliError
from workbench.cli._common import command_group, print_json
from workbench.cli._store import engine
from workbench.cli.catalog import cli_actor
from workbench.domain.editing import changed_fields
from workbench.services import profiles as svc
from workbench.store.repository import Record, StoreError
from workbench.store.workspace import list_scenarios, profile_by_name


def guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn input, store and file errors into a one-line CliError (exit 2)."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except (svc.InputError, StoreError) as exc:
            raise CliError(str(exc)) from exc
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise CliError(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from exc

    return run


#: Read at most this much of an input file (the services apply their own, smaller limits with a message).
MAX_READ_BYTES = 64 * 1024 * 1024


def read_input(file: str) -> tuple[bytes, str]:
    """The bytes of FILE ('-' = stdin, read as JSON) and the name errors should carry; a file larger than
    :data:`MAX_READ_BYTES` is refused without reading it whole."""
    if file == "-":
        data, source = sys.stdin.buffer.read(MAX_READ_BYTES + 1), "<stdin>"
    else:
        with Path(file).open("rb") as handle:
            data, source = handle.read(MAX_READ_BYTES + 1), file
    if len(data) > MAX_READ_BYTES:
        raise svc.InputError(f"{source}: larger than the {MAX_READ_BYTES:,}-byte limit")
    return data, source


def write_output(text: str, file: str) -> int:
    """Write atomically (a .partial file renamed over the target); '-' = stdout. Returns the byte count."""
    data = text.encode("utf-8")
    if file == "-":
        sys.stdout.write(text)
        return len(data)
    path = Path(file)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(data)


def record_json(record: Record[Any], key: str) -> dict[str, Any]:
    return {"id": record.id, "version": record.version, "updated_by": record.updated_by,
            "updated_at": record.updated_at.isoformat(), key: record.model.model_dump(mode="json")}


def _fmt(file: str) -> str:
    return "yaml" if file.lower().endswith((".yaml", ".yml")) else "json"


# --------------------------------------------------------------------------- handlers


@guarded
def cmd_create(args: argparse.Namespace) -> int:
    record = svc.create_profile(engine(), args.name, args.template, cli_actor())
    if args.json:
        print_json(record_json(record, "profile"))
    else:
        print(f"created profile {record.model.name} (id {record.id}, version {record.version}"
              + (f", template {args.template})" if args.template else ")"))
    return 0


@guarded
def cmd_show(args: argparse.Namespace) -> int:
    db = engine()
    record = profile_by_name(db, args.name)
    scens = [s.model.name for s in list_scenarios(db, record.id)]
    if args.json:
        print_json({**record_json(record, "profile"), "scenarios": scens})
        return 0
    sys.stdout.write(svc.render_document(svc.profile_document(db, args.name), "x.yaml"))
    return 0


@guarded
def cmd_set(args: argparse.Namespace) -> int:
    db = engine()
    before = profile_by_name(db, args.name)
    saved = svc.set_profile(db, args.name, args.assignments, args.expect_version, cli_actor())
    changed = changed_fields(before.model, saved.model)
    if args.json:
        print_json({**record_json(saved, "profile"), "changed": changed})
    else:
        print(f"saved profile {saved.model.name} (version {saved.version}); changed: {', '.join(changed) or 'nothing'}")
    return 0


@guarded
def cmd_export(args: argparse.Namespace) -> int:
    document = svc.profile_document(engine(), args.name)
    target = args.file if args.format is None else f"x.{args.format}"
    size = write_output(svc.render_document(document, target), args.file)
    if args.file == "-":
        return 0
    summary = {"file": args.file, "format": _fmt(target), "bytes": size, "profile": args.name,
               "scenarios": len(document["scenarios"])}
    if args.json:
        print_json(summary)
    else:
        print(f"wrote {args.file} (profile {args.name}, {summary['scenarios']} scenario(s), {size} bytes)")
    return 0


@guarded
def cmd_import(args: argparse.Namespace) -> int:
    data, source = read_input(args.file)
    record = svc.import_profile(engine(), data, source, cli_actor(), rename=args.name)
    scens = [s.model.name for s in list_scenarios(engine(), record.id)]
    if args.json:
        print_json({"file": args.file, **record_json(record, "profile"), "scenarios": scens})
    else:
        print(f"imported profile {record.model.name} (id {record.id}) with {len(scens)} scenario(s)")
    return 0


@guarded
def cmd_duplicate(args: argparse.Namespace) -> int:
    record = svc.duplicate_profile(engine(), args.name, args.new_name, cli_actor())
    if args.json:
        print_json({**record_json(record, "profile"), "source": args.name})
    else:
        print(f"duplicated {args.name} as {record.model.name} (id {record.id})")
    return 0


def report_deleted(record: Record[Any], kind: str, as_json: bool) -> int:
    """What a delete command prints (the deleted record's name, id and last version)."""
    if as_json:
        print_json({"deleted": record.model.name, "id": record.id, "version": record.version})
    else:
        print(f"deleted {kind} {record.model.name}")
    return 0


@guarded
def cmd_delete(args: argparse.Namespace) -> int:
    return report_deleted(svc.delete_profile(engine(), args.name, args.expect_version, cli_actor()), "profile",
                          args.json)


def add_expect_version(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--expect-version", type=int, metavar="V",
                        help=f"fail instead of overwriting unless the {what} is still at version V")


def register(sub: argparse._SubParsersAction) -> None:
    group = command_group(sub, "profiles", "requirement profiles")

    p = group.add_parser("create", help="create a profile, blank or from a workflow-class template")
    p.add_argument("--name", required=True, help="profile name (unique)")
    p.add_argument("--template", metavar="KEY", help=f"template key: {', '.join(svc.template_keys())}")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_create)

    p = group.add_parser("show", help="print a profile (YAML; --json for the stored record)")
    p.add_argument("name", help="profile name")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_show)

    p = group.add_parser("set", help="change fields: key=value with dotted keys (weights.schema_adherence=3)")
    p.add_argument("name", help="profile name")
    p.add_argument("assignments", nargs="+", metavar="KEY=VALUE",
                   help="value is JSON (3, true, null, [\"text\"], {...}) or plain text for text fields")
    add_expect_version(p, "profile")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_set)

    p = group.add_parser("export", help="write a profile and its scenarios to a JSON or YAML file")
    p.add_argument("name", help="profile name")
    p.add_argument("file", help="output file (.json, .yaml/.yml; '-' = stdout)")
    p.add_argument("--format", choices=["json", "yaml"], help="default: from the file name (JSON otherwise)")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.set_defaults(handler=cmd_export)

    p = group.add_parser("import", help="create a profile (and its scenarios) from a file, in one transaction")
    p.add_argument("file", help="file from `profiles export` (.json, .yaml/.yml; '-' = stdin as JSON)")
    p.add_argument("--name", help="store it under this name instead")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_import)

    p = group.add_parser("duplicate", help="copy a profile under a new name")
    p.add_argument("name", help="profile to copy")
    p.add_argument("--as", dest="new_name", required=True, metavar="NEW", help="name of the copy")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_duplicate)

    p = group.add_parser("delete", help="delete a profile (refused while decision records use it)")
    p.add_argument("name", help="profile name")
    add_expect_version(p, "profile")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_delete)
