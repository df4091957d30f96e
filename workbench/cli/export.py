"""`workbench export excel`: the decision matrix workbook for a profile (and scenario)."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli import CliError
from workbench.cli._common import command_group, print_json
from workbench.cli._store import engine
from workbench.domain.scoring import ScoringError
from workbench.io.excel import write_decision_workbook
from workbench.services.decide import decide, robustness
from workbench.services.workbook import decision_workbook
from workbench.store.repository import NotFoundError


def _excel(args: argparse.Namespace) -> int:
    try:
        decision = decide(engine(), args.profile, args.scenario, args.method)
        smaa = robustness(decision, args.smaa) if args.smaa and decision.ranking.rows else None
        workbook = decision_workbook(decision, smaa)
    except (NotFoundError, ScoringError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        raise CliError(f"folder {out.parent} does not exist")
    write_decision_workbook(workbook, out)
    report = {"file": str(out), "bytes": out.stat().st_size, "profile": workbook.profile,
              "scenario": workbook.scenario, "method": workbook.method, "winner": workbook.winner,
              "candidates": len(workbook.scoring.candidates), "snapshot_hash": workbook.snapshot_hash}
    if args.json:
        print_json(report)
    else:
        print(f"wrote {out} ({report['bytes']:,} bytes): winner {workbook.winner}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    group = command_group(sub, "export", "export decision matrices")
    excel = group.add_parser("excel", help="write the Excel decision matrix (.xlsx)")
    excel.add_argument("--profile", required=True)
    excel.add_argument("--scenario")
    excel.add_argument("--method", choices=["wsm", "topsis"])
    excel.add_argument("--smaa", type=int, default=2000, metavar="N", help="SMAA samples for the headline (0 = none)")
    excel.add_argument("--out", required=True, help="target .xlsx file")
    excel.add_argument("--json", action="store_true")
    excel.set_defaults(handler=_excel)
