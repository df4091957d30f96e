"""`workbench candidates show|add|set|export|import|delete`: the Candidates page, headless.

Same validation and provenance as the form (:mod:`workbench.services.candidates`); ``--source`` is the form's
"Source of this edit". ``--expect-version V`` makes a change fail (exit 2) unless the candidate is still at
version V. ``--json`` documents are described in docs/cli.md.
"""

from __future__ import annotations

import argparse
import sys

from workbench.cli._common import command_group, print_json
from workbench.cli._store import engine
from workbench.cli.catalog import cli_actor
from workbench.cli.profiles import (
    add_expect_version,
    guarded,
    read_input,
    record_json,
    report_deleted,
    write_output,
)
from workbench.domain.editing import changed_fields
from workbench.services import candidates as svc
from workbench.services.profiles import render_document
from workbench.store.workspace import candidate_by_name


@guarded
def cmd_show(args: argparse.Namespace) -> int:
    record = candidate_by_name(engine(), args.name)
    if args.json:
        print_json({**record_json(record, "candidate"), "origin": record.origin})
        return 0
    sys.stdout.write(render_document(record.model.model_dump(mode="json", exclude={"architecture"}), "x.yaml"))
    return 0


@guarded
def cmd_add(args: argparse.Namespace) -> int:
    record = svc.add_candidate(engine(), args.name, args.assignments, args.source or "", cli_actor())
    if args.json:
        print_json({**record_json(record, "candidate"), "origin": record.origin})
    else:
        print(f"added candidate {record.model.name} (id {record.id})")
    return 0


@guarded
def cmd_set(args: argparse.Namespace) -> int:
    db = engine()
    before = candidate_by_name(db, args.name)
    saved = svc.set_candidate(db, args.name, args.assignments, args.source or "", args.expect_version, cli_actor())
    changed = changed_fields(before.model, saved.model)
    if args.json:
        print_json({**record_json(saved, "candidate"), "changed": changed})
    else:
        print(f"saved candidate {saved.model.name} (version {saved.version}); changed: {', '.join(changed) or 'nothing'}")
    return 0


@guarded
def cmd_export(args: argparse.Namespace) -> int:
    document = svc.candidates_document(engine(), args.name or ())
    size = write_output(render_document(document, args.file), args.file)
    if args.file == "-":
        return 0
    count = len(document["candidates"])
    if args.json:
        print_json({"file": args.file, "bytes": size, "candidates": count})
    else:
        print(f"wrote {args.file} ({count} candidate(s), {size} bytes)")
    return 0


@guarded
def cmd_import(args: argparse.Namespace) -> int:
    data, source = read_input(args.file)
    report = svc.import_candidates(engine(), data, source, cli_actor(), update=args.update,
                                   edit_source=args.source or "")
    if args.json:
        print_json({"file": args.file, **report})
    else:
        print(", ".join(f"{len(v)} {k}" for k, v in report.items()) + f" (from {args.file})")
    return 0


@guarded
def cmd_delete(args: argparse.Namespace) -> int:
    return report_deleted(svc.delete_candidate(engine(), args.name, args.expect_version, cli_actor()), "candidate",
                          args.json)


def _assignments(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("assignments", nargs="+" if required else "*", metavar="KEY=VALUE",
                   help="dotted keys (pricing.input_per_mtok=2.5, capabilities.schema_adherence.rating=E, "
                        "context_window=200000); value is JSON or plain text for text fields")
    p.add_argument("--source", help="where the values come from (recorded as provenance; default "
                                    "'entered in the workbench')")


def register(sub: argparse._SubParsersAction) -> None:
    group = command_group(sub, "candidates", "candidate models: show, add, edit, export, import, delete")

    p = group.add_parser("show", help="print a candidate (YAML; --json for the stored record)")
    p.add_argument("name", help="candidate name")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_show)

    p = group.add_parser("add", help="add a candidate (validated and stamped with provenance like the form)")
    p.add_argument("--name", required=True, help="candidate name (unique)")
    _assignments(p, required=False)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_add)

    p = group.add_parser("set", help="change a candidate's fields: key=value with dotted keys")
    p.add_argument("name", help="candidate name")
    _assignments(p, required=True)
    add_expect_version(p, "candidate")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_set)

    p = group.add_parser("export", help="write candidates (all, or --name ...) to a JSON or YAML file")
    p.add_argument("file", help="output file (.json, .yaml/.yml; '-' = stdout)")
    p.add_argument("--name", action="append", metavar="NAME", help="only this candidate (repeatable)")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.set_defaults(handler=cmd_export)

    p = group.add_parser("import", help="create candidates from a file (one transaction: all or nothing)")
    p.add_argument("file", help="file from `candidates export` (.json, .yaml/.yml; '-' = stdin as JSON)")
    p.add_argument("--update", action="store_true", help="also update candidates that already exist")
    p.add_argument("--source", help="provenance for values the file gives none for (default 'imported from FILE')")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_import)

    p = group.add_parser("delete", help="delete a candidate")
    p.add_argument("name", help="candidate name")
    add_expect_version(p, "candidate")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_delete)
