"""`workbench rank`: the Trade-offs ranking, headless."""

from __future__ import annotations

import argparse

from workbench.cli import CliError
from workbench.cli._common import print_json
from workbench.cli._store import engine
from workbench.domain.scoring import ScoringError
from workbench.domain.smaa import SmaaError
from workbench.services.decide import DEFAULT_SMAA_SEED, decide, robustness
from workbench.store.repository import NotFoundError


def _rank(args: argparse.Namespace) -> int:
    try:
        decision = decide(engine(), args.profile, args.scenario, args.method)
        smaa = robustness(decision, args.smaa, args.seed, args.spread) if args.smaa else None
    except (NotFoundError, ScoringError, SmaaError) as exc:
        raise CliError(str(exc)) from exc
    result = decision.ranking
    if args.json:
        print_json({
            "profile": decision.profile.model.name,
            "scenario": decision.scenario.model.name if decision.scenario else None,
            "method": decision.method,
            "ranking": decision.ranking_json(),
            "smaa": smaa.model_dump(mode="json") if smaa else None,
        })
        return 0
    print(f"{decision.profile.model.name}" + (f" / {decision.scenario.model.name}" if decision.scenario else "")
          + f" — {result.method_label}, normalisation {result.normalisation}")
    if result.empty_state:
        print(result.empty_state)
    for row in result.rows:
        cost = "cost unknown" if row.cost_per_success is None else f"${row.cost_per_success:.5f}/success ({row.cost_basis})"
        spread = (f" range {row.score_range[0]:.3f}-{row.score_range[1]:.3f}, {row.completeness:.0%} known"
                  if row.unknown else "")
        print(f"{row.rank:3}. {row.name:32} score {row.score:.4f}{spread}  {cost}{'  [Pareto]' if row.pareto else ''}"
              + ("  [rank depends on unknowns]" if row.rank_depends_on_unknowns else ""))
    if not result.methods_agree:
        print(f"  methods disagree: weighted sum -> {result.winners['wsm']}, TOPSIS -> {result.winners['topsis']}")
    for tip in [*result.tipping_points[:3], *(decision.notes.price_tipping_points if decision.notes else [])[:2]]:
        print(f"  tipping point: {tip.text}")
    for ex in result.excluded:
        print(f"  excluded {ex.name}: {'; '.join(ex.reasons)}")
    if smaa:
        print(smaa.headline)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("rank", help="rank candidates for a profile (optionally a scenario)")
    parser.add_argument("--profile", required=True, help="profile name")
    parser.add_argument("--scenario", help="scenario of that profile")
    parser.add_argument("--method", choices=["wsm", "topsis"], help="default: the scenario's, else wsm")
    parser.add_argument("--smaa", type=int, metavar="N", help="also run SMAA-2 with N weight samples")
    parser.add_argument("--seed", type=int, default=DEFAULT_SMAA_SEED, help="SMAA seed (reproducible)")
    parser.add_argument("--spread", type=float, help="SMAA weight spread (default: scenario's, else 0.5)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=_rank)
