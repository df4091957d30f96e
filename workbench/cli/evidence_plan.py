"""`workbench evidence plan`: how many paired items two candidates need, and what they cost.

``workbench evidence plan --profile P --a A --b B [--target-difference D] [--alpha 0.05] [--power 0.8]
[--metric-kind KIND] [--json]``: from the two candidates' paired pass/fail items on profile P, the
minimum detectable difference at the current n, the items needed to detect D (default: the observed
difference) at the given power, and their cost. ``--json`` prints the plan (shape in docs/evidence.md):
``{"profile", "a", "b", "n_paired", "a_only", "b_only", "discordance", "observed_difference", "alpha",
"power", "mde_at_current_n", "power_at_current_n", "target_difference", "target_source",
"planning_discordance", "n_needed", "additional_items", "cost_per_item_usd", "cost_basis",
"cost_needed_usd", "cost_additional_usd", "notes"}``. Errors (unknown profile or candidate, no shared
items, alpha/power/difference out of range) exit 2 with one line.
"""

from __future__ import annotations

import argparse

from workbench.cli import CliError
from workbench.cli._common import print_json
from workbench.cli._store import engine
from workbench.domain.evidence import EvidenceError, MetricKind
from workbench.domain.money import usd_per_month, usd_per_request
from workbench.services.evidence_plan import plan_for_profile
from workbench.store.repository import NotFoundError
from workbench.store.workspace import profile_by_name


def _fraction(name: str, value: float | None, *, upper_inclusive: bool = False) -> None:
    if value is None:
        return
    ok = 0.0 < value <= 1.0 if upper_inclusive else 0.0 < value < 1.0
    if not ok:
        raise CliError(f"--{name} must be between 0 and 1, got {value}")


def _plan(args: argparse.Namespace) -> int:
    _fraction("alpha", args.alpha)
    _fraction("power", args.power)
    _fraction("target-difference", args.target_difference, upper_inclusive=True)
    db = engine()
    try:
        profile = profile_by_name(db, args.profile)
        plan = plan_for_profile(db, profile, args.a, args.b, target_difference=args.target_difference,
                                alpha=args.alpha, power=args.power, metric_kind=args.metric_kind)
    except (NotFoundError, EvidenceError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    doc = {"profile": args.profile, **plan.model_dump(mode="json")}
    if args.json:
        print_json(doc)
        return 0
    print(f"{plan.a} vs {plan.b}: {plan.n_paired} paired items, only {plan.a} passed {plan.a_only}, "
          f"only {plan.b} passed {plan.b_only}")
    if plan.mde_at_current_n is not None:
        print(f"minimum detectable difference now: {100 * plan.mde_at_current_n:.1f} points "
              f"(alpha {plan.alpha:g}, power {plan.power:.0%})")
    if plan.n_needed is not None and plan.target_difference is not None:
        print(f"to detect {100 * plan.target_difference:.1f} points ({plan.target_source}): {plan.n_needed:,} "
              f"paired items, {plan.additional_items:,} more than now")
        if plan.cost_needed_usd is not None and plan.cost_per_item_usd is not None:
            print(f"cost: {usd_per_month(plan.cost_needed_usd)} in all, {usd_per_month(plan.cost_additional_usd)} "
                  f"for the additional items ({usd_per_request(plan.cost_per_item_usd)} per item; {plan.cost_basis})")
    for note in plan.notes:
        print(f"  note: {note}")
    return 0


def register(esub: argparse._SubParsersAction) -> None:
    """Add ``plan`` to the ``workbench evidence`` group."""
    p = esub.add_parser("plan", help="sample size for a paired comparison: detectable difference, items needed, cost")
    p.add_argument("--profile", required=True)
    p.add_argument("--a", required=True, metavar="CANDIDATE")
    p.add_argument("--b", required=True, metavar="CANDIDATE")
    p.add_argument("--target-difference", type=float, default=None, metavar="D",
                   help="difference in pass rate to detect, 0..1 (default: the observed difference)")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    p.add_argument("--power", type=float, default=0.80, help="power (default 0.80)")
    p.add_argument("--metric-kind", choices=[k.value for k in MetricKind], default=None,
                   help="plan on runs of this kind only")
    p.add_argument("--json", action="store_true", help="print one JSON document (shape in the module docstring)")
    p.set_defaults(handler=_plan)
