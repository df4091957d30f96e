"""``workbench mdr edit|propose|accept|reject|supersede``: the record lifecycle from the command line, with the
app's rules (an accepted record's text is immutable; accepting needs a decision-maker and, when the record
requires approvals, their quorum; rejecting needs a reason). ``ID`` is ``MDR-0007`` or ``7``.

* ``mdr edit ID (--set PATH=VALUE ... | --from FILE) [--expect-version V]``: PATH is ``section.field`` (e.g.
  ``rollout.canary_traffic_pct``, ``alternatives.alternatives[1].reason``), ``title``, ``decision-makers``,
  ``consulted`` or ``informed``; VALUE is JSON when it parses as JSON, else text. FILE is JSON:
  ``{"title", "decision-makers", "consulted", "informed", "body": {section: {field: value}}}``.
* ``mdr propose ID``, ``mdr accept ID [--decision-maker NAME ...]``, ``mdr reject ID --reason TEXT``.
* ``mdr supersede OLD --by NEW``: both accepted; OLD becomes ``superseded`` and both records are linked.

``--expect-version V`` fails (exit 2, naming who saved) instead of acting on a newer version. ``--json`` prints
the record document of ``mdr show`` (for ``supersede``: ``{"old": summary, "new": summary}``). Errors exit 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli import CliError
from workbench.cli._common import print_json

MAX_FILE_BYTES = 2_000_000


def add_commands(mdr_sub: Any) -> None:
    p = mdr_sub.add_parser("edit", help="edit a draft or proposed record (--set PATH=VALUE or --from FILE)")
    p.add_argument("id", help="MDR-0007 or 7")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="PATH=VALUE",
                   help="section.field=value (repeatable); also title=, decision-makers=, consulted=, informed=")
    p.add_argument("--from", dest="from_file", type=Path, help="JSON file with title, people and body fields")
    _common(p)
    p.set_defaults(handler=cmd_edit)

    p = mdr_sub.add_parser("propose", help="draft -> proposed")
    p.add_argument("id", help="MDR-0007 or 7")
    _common(p)
    p.set_defaults(handler=cmd_status, to="proposed")

    p = mdr_sub.add_parser("accept", help="proposed -> accepted (freezes the text)")
    p.add_argument("id", help="MDR-0007 or 7")
    p.add_argument("--decision-maker", dest="decision_makers", action="append", default=[], metavar="NAME",
                   help="add a decision-maker before accepting (repeatable)")
    _common(p)
    p.set_defaults(handler=cmd_status, to="accepted")

    p = mdr_sub.add_parser("reject", help="proposed -> rejected (with the reason)")
    p.add_argument("id", help="MDR-0007 or 7")
    p.add_argument("--reason", required=True, help="why the record is rejected")
    _common(p)
    p.set_defaults(handler=cmd_status, to="rejected")

    p = mdr_sub.add_parser("supersede", help="mark an accepted record superseded by another accepted one")
    p.add_argument("id", metavar="OLD", help="the record to supersede")
    p.add_argument("--by", required=True, metavar="NEW", help="the accepted record that replaces it")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_supersede)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--expect-version", type=int, default=None, metavar="V",
                   help="fail instead of acting when the record is no longer at version V")
    p.add_argument("--json", action="store_true", help="print one JSON document")


def _errors() -> tuple[type[Exception], ...]:
    from workbench.services.records import DraftError
    from workbench.store.repository import StoreError

    return (StoreError, DraftError, ValueError)


def _print(args: argparse.Namespace, rec: Any, what: str) -> int:
    from workbench.cli.mdr_store import _document

    if args.json:
        print_json(_document(rec))
    else:
        print(f"{rec.mdr_id}: {what} (status {rec.status.value}, version {rec.version})")
    return 0


def _sets(items: list[str]) -> list[tuple[str, Any]]:
    from workbench.services.records import parse_value

    out = []
    for i, item in enumerate(items, start=1):
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            raise CliError(f"--set #{i} {item!r}: write PATH=VALUE, e.g. rollout.canary_traffic_pct=5")
        out.append((path.strip(), parse_value(value, f"--set {path.strip()}")))
    return out


def _document_file(path: Path) -> dict[str, Any]:
    from workbench.io.json_text import load_json

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CliError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes")
        doc = load_json(path.read_bytes(), str(path))
    except OSError as exc:
        raise CliError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if not isinstance(doc, dict):
        raise CliError(f"{path}: must hold a JSON object")
    return doc


def cmd_edit(args: argparse.Namespace) -> int:
    from workbench.cli.catalog import cli_actor
    from workbench.cli.mdr_store import _engine
    from workbench.services.records import edit_record
    from workbench.store.decisions import decision_by_ref

    sets = _sets(args.sets)
    document = _document_file(args.from_file) if args.from_file else None
    try:
        engine = _engine()
        rec = decision_by_ref(engine, args.id)
        rec = edit_record(engine, rec.id, cli_actor(), sets=sets, document=document, seen_version=args.expect_version)
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    return _print(args, rec, "saved")


def cmd_status(args: argparse.Namespace) -> int:
    from workbench.cli.catalog import cli_actor
    from workbench.cli.mdr_store import _engine
    from workbench.services.records import change_status
    from workbench.store.decisions import decision_by_ref

    try:
        engine = _engine()
        rec = decision_by_ref(engine, args.id)
        rec = change_status(engine, rec.id, args.to, cli_actor(), seen_version=args.expect_version,
                            decision_makers=getattr(args, "decision_makers", ()), reason=getattr(args, "reason", None))
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    return _print(args, rec, args.to)


def cmd_supersede(args: argparse.Namespace) -> int:
    from workbench.cli.catalog import cli_actor
    from workbench.cli.mdr_store import _engine
    from workbench.store.decisions import decision_by_ref, supersede_decision

    try:
        engine = _engine()
        old, new = decision_by_ref(engine, args.id), decision_by_ref(engine, args.by)
        old, new = supersede_decision(engine, old.id, new.id, cli_actor())
    except _errors() as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json({"old": old.summary(), "new": new.summary()})
    else:
        print(f"{old.mdr_id} is superseded by {new.mdr_id}")
    return 0
