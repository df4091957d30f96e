"""Use case: plan the sample size of a paired evaluation of two candidates on a profile's evidence.

Reads the two candidates' stored runs (``store.evidence.compare_candidates`` pairs them on item ids),
takes their discordance, and asks :func:`workbench.domain.evidence.plan_sample_size` for the minimum
detectable difference now, the items needed for a target difference at the given power, and what
those items cost. Cost per item = cost per call of A + of B (both answer every item): the mean
measured cost per item of the paired runs where the source logged costs, else the candidate's API
price on the profile's workload (``economics.cost_breakdown_for``), else unknown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sqlalchemy import Engine

from workbench.domain.economics import cost_breakdown_for
from workbench.domain.evidence import (
    EvaluationRun,
    EvidenceError,
    MetricKind,
    SampleSizePlan,
    plan_sample_size,
)
from workbench.domain.models import Candidate, Profile
from workbench.store import evidence as store
from workbench.store.repository import Record
from workbench.store.workspace import list_candidates


def _measured_cost(run: EvaluationRun) -> float | None:
    costs = run.costs_usd()
    return float(np.mean(costs)) if costs.size and len(costs) == len(run.items) else None


def _api_costs(candidates: Sequence[Candidate], profile: Profile) -> list[float | None]:
    calls = cost_breakdown_for(list(candidates), profile.workload).call.total_usd
    return [None if math.isnan(float(c)) else float(c) for c in calls]


def plan_for_profile(
    engine: Engine,
    profile: Record[Profile],
    a: str,
    b: str,
    *,
    target_difference: float | None = None,
    alpha: float = 0.05,
    power: float = 0.80,
    metric_kind: MetricKind | str | None = None,
) -> SampleSizePlan:
    """The planner for candidates ``a`` and ``b`` on ``profile`` (EvidenceError when they share no
    pass/fail items)."""
    outcome = store.compare_candidates(engine, profile.id, a, b, metric_kind=metric_kind, alpha=alpha)
    cmp = outcome.comparison
    if cmp.test != "mcnemar-exact" or cmp.a_only is None or cmp.b_only is None:
        raise EvidenceError(f"{a} and {b}: the planner needs pass/fail items (these runs carry scores)")
    measured = [_measured_cost(outcome.a.run), _measured_cost(outcome.b.run)]
    if all(m is not None for m in measured):
        costs, basis = measured, "measured: mean cost per item of the paired runs"
    else:
        by_name = {r.model.name: r.model for r in list_candidates(engine)}
        found = [by_name[n] for n in (a, b) if n in by_name]
        costs = _api_costs(found, profile.model) if len(found) == 2 else [None, None]
        basis = f"API prices on profile {profile.model.name}'s workload ({profile.model.workload.input_tokens:,} in / "\
                f"{profile.model.workload.output_tokens:,} out tokens per call)"
    return plan_sample_size(a=a, b=b, n_paired=cmp.n_paired, a_only=cmp.a_only, b_only=cmp.b_only,
                            target_difference=target_difference, alpha=alpha, power=power,
                            cost_per_call_a_usd=costs[0], cost_per_call_b_usd=costs[1], cost_basis=basis)
