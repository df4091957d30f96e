"""`workbench recheck [--profile P] [--today YYYY-MM-DD] [--json]`: are accepted decisions still sound?

Evaluates every accepted record's reconsideration triggers against the current workspace
(:mod:`workbench.services.recheck`). Exit 1 when any trigger fired (for a nightly CI job), 0 when none did,
2 for bad input. ``--json`` -> ``{"today", "price_basis", "records_checked", "fired", "records": [{"record",
"id", "title", "profile", "chosen", "triggers_source", "fired", "error", "outcomes": [{"kind", "model",
"status", "trigger", "summary", "then", "now", "spec"}]}]}``.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from workbench.cli import CliError
from workbench.cli._common import print_json
from workbench.cli._store import engine
from workbench.services.recheck import PRICE_BASIS, recheck
from workbench.store.repository import StoreError


def _today(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CliError(f"--today: {text!r} is not a date (YYYY-MM-DD)") from exc


def cmd_recheck(args: argparse.Namespace) -> int:
    today = _today(args.today)
    try:
        report = recheck(engine(), today, args.profile)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(report.as_json())
        return 1 if report.fired else 0
    if not report.checks:
        print("no accepted decision records" + (f" for profile {args.profile}" if args.profile else ""))
    for check in report.checks:
        rec = check.record
        head = f"{rec.mdr_id} ({rec.record.profile_name}: {check.chosen or 'no model selected'})"
        if check.error:
            print(f"{head}: not checked: {check.error}")
            continue
        fired = check.fired
        source = "" if check.source == "record" else " [default triggers: the record carries none]"
        print(f"{head}: {len(fired)} of {len(check.outcomes)} trigger(s) fired{source}")
        for outcome in fired:
            print(f"  FIRED {outcome.trigger.kind}: {outcome.summary}")
            print(f"        then {json.dumps(outcome.then, default=str)}  now {json.dumps(outcome.now, default=str)}")
        for outcome in check.outcomes:
            if outcome.status == "unknown":
                print(f"  unknown {outcome.trigger.kind}: {outcome.summary}")
    print(f"{report.fired} trigger(s) fired in {len(report.checks)} accepted record(s); prices compared with "
          f"the record's {PRICE_BASIS}")
    return 1 if report.fired else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("recheck", help="check accepted decision records against the current workspace "
                                       "(exit 1 if a reconsideration trigger fired)")
    p.add_argument("--profile", help="only this profile's records")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="the date deprecations are measured from (default today)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_recheck)
