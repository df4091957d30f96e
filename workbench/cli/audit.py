"""`workbench audit verify`: check the audit log's hash chain.

``workbench audit verify [--json]`` walks every audit event in id order and re-computes the chain
(:mod:`workbench.store.audit`): an event edited after it was written, or an event inserted, deleted or
reordered, is reported with its id, time, actor and action. Exit 0: intact; exit 1: problems found;
exit 2: the command could not run (e.g. the database). ``--json`` ->
``{"intact": bool, "events": int, "head": "<sha256 hex of the newest event>" | null,
"problems": [{"id", "at", "actor", "action", "problem"}]}`` (at most 100 problems).
"""

from __future__ import annotations

import argparse

from sqlalchemy.exc import SQLAlchemyError

from workbench.cli import CliError
from workbench.cli._common import command_group, print_json
from workbench.cli._store import engine
from workbench.services.audit import verify_audit_log


def register(sub: argparse._SubParsersAction) -> None:
    group = command_group(sub, "audit", "check the audit log")
    p = group.add_parser("verify", help="re-compute the audit log's hash chain; report edited or inserted events")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    try:
        report = verify_audit_log(engine())
    except SQLAlchemyError as exc:
        raise CliError(f"cannot read the audit log ({str(exc).splitlines()[0][:200]})") from exc
    if args.json:
        print_json(report.as_json())
    elif report.intact:
        print(f"audit log intact: {report.events} events, newest hash {report.head or '-'}")
    else:
        print(f"audit log BROKEN: {len(report.problems)} problem(s) in {report.events} events")
        for p in report.problems:
            print(f"  event #{p['id']} ({p['at']}, {p['actor']}, {p['action']}): {p['problem']}")
    return 0 if report.intact else 1
