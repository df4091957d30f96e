"""Notes on a ranking that need more than the matrix: ties with the leader and price tipping points.

* **Tied with the leader**: where both the leader and a candidate have per-item
  evidence on the heaviest-weighted measured capability, the evidence engineer's
  ``evidence.leader_ties`` decides (exact McNemar on shared items, Holm across the pairs; tied iff the
  adjusted p >= alpha). Elsewhere a candidate is tied when its score range overlaps the leader's
  (``score_range``: worst..best over unknowns) -- "intervals overlap".
* **Price tipping points**: the output price (per 1M tokens, on the candidate's cost basis)
  at which the runner-up overtakes the winner, and at which the winner falls behind it: the cost per
  success threshold from ``tipping.cost_threshold`` turned into a price with the economics formula,
  which is affine in the output price (``c(p) = c(0) + p * (c(1) - c(0))``).

These depend on imported runs and prices, so they sit beside the reproducible ranking (the snapshot
stores the ranking alone); ``Decision.ranking_json`` merges them for ``workbench rank --json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from workbench.domain.checks import Check
from workbench.domain.decision_matrix import COST_INDEX, DecisionMatrix
from workbench.domain.economics import cost_per_success_for
from workbench.domain.evidence import EvaluationRun, leader_ties, vector_for
from workbench.domain.models import CAPABILITY_VECTORS, Candidate, Pricing, Profile
from workbench.domain.ranking import prepare
from workbench.domain.ranking_result import RankingResult, TiedWith, TippingPoint
from workbench.domain.tipping import cost_threshold
from workbench.services.costing import self_hosted_pricing

MAX_TIE_ROWS = 20


@dataclass(frozen=True)
class RankingNotes:
    price_tipping_points: list[TippingPoint] = field(default_factory=list)
    tied_with_leader: list[TiedWith] = field(default_factory=list)


def _measured_vector(profile: Profile, runs: Mapping[str, Sequence[EvaluationRun]], leader: str) -> str | None:
    vectors = {vector_for(r.metric_kind, profile.task_class, r.benchmark) for r in runs.get(leader, [])}
    ranked = sorted((v for v in vectors if v in CAPABILITY_VECTORS), key=lambda v: -profile.weights.get(v, 0.0))
    return ranked[0] if ranked and profile.weights.get(ranked[0], 0.0) > 0 else None


def ties(ranking: RankingResult, profile: Profile, runs: Mapping[str, Sequence[EvaluationRun]]) -> list[TiedWith]:
    if len(ranking.rows) < 2:
        return []
    leader, others = ranking.rows[0], ranking.rows[1:1 + MAX_TIE_ROWS]
    paired = {}
    vector = _measured_vector(profile, runs, leader.name)
    if vector is not None:
        table = leader_ties(leader.name, [o.name for o in others], criterion=vector, runs_by_candidate=runs,
                            task_class=profile.task_class)
        paired = {row.candidate: row for row in table.rows if row.basis == "paired"}
    out: list[TiedWith] = []
    for o in others:
        row = paired.get(o.name)
        if row is not None:
            if row.tied:
                out.append(TiedWith(name=o.name, basis=f"exact McNemar on {vector} items (Holm)"
                                    if row.test == "mcnemar-exact" else f"paired bootstrap on {vector} (Holm)",
                                    p_value=row.p_holm))
        elif o.score_range[1] >= leader.score_range[0] and (o.tied or o.score_range[1] > o.score_range[0]
                                                             or leader.score_range[1] > leader.score_range[0]):
            out.append(TiedWith(name=o.name, basis="intervals overlap"))
    return out


def _price_at(candidate: Candidate, profile: Profile, basis: str) -> Pricing | None:
    if basis == "self_hosted":
        found = self_hosted_pricing(candidate, profile)
        return found[0] if found else None
    return candidate.pricing if basis == "api" else None


def _output_price_for_cost(candidate: Candidate, pricing: Pricing, profile: Profile, cost: float) -> float:
    at = [candidate.model_copy(update={"pricing": pricing.model_copy(update={"output_per_mtok": p})})
          for p in (0.0, 1.0)]
    c0, c1 = cost_per_success_for(at, profile.workload).tolist()
    return (cost - c0) / (c1 - c0) if c1 > c0 else float("nan")


def price_points(ranking: RankingResult, dm: DecisionMatrix, candidates: Sequence[Candidate], profile: Profile,
                 extra: Sequence[Check]) -> list[TippingPoint]:
    if len(ranking.rows) < 2 or profile.weights.get("cost_per_success", 0.0) <= 0:
        return []
    prep = prepare(dm, profile.weights, profile.constraints, extra)
    position = {dm.names[int(i)]: p for p, i in enumerate(prep.index.tolist())}
    by_name = {c.name: c for c in candidates}
    winner = ranking.rows[0]
    out: list[TippingPoint] = []
    for challenger in ranking.rows[1:3]:
        for mover, other, wins in ((challenger, winner, True), (winner, challenger, False)):
            if mover.name not in position or other.name not in position or mover.cost_per_success is None:
                continue
            pricing = _price_at(by_name[mover.name], profile, mover.cost_basis)
            cost = cost_threshold(ranking.method, prep.ranges, dm.benefit, prep.weights, COST_INDEX,
                                  position[mover.name], position[other.name], wins)
            if pricing is None or cost is None:
                continue
            price = _output_price_for_cost(by_name[mover.name], pricing, profile, cost)
            where = "self-hosted " if mover.cost_basis == "self_hosted" else ""
            now = pricing.output_per_mtok
            if wins:
                text = (f"{mover.name} overtakes {other.name} if its {where}output price drops below ${price:,.4g} "
                        f"per 1M (now ${now:,.4g})" if price >= 0 else
                        f"no output price of {mover.name} alone overtakes {other.name} (needs cost per success "
                        f"below ${cost:.4g})")
            else:
                text = (f"{mover.name} falls behind {other.name} if its {where}output price rises above "
                        f"${price:,.4g} per 1M (now ${now:,.4g})")
            out.append(TippingPoint(kind="price", criterion="output_price", candidate=challenger.name, current=now,
                                    threshold=round(price, 6) if price >= 0 else None, text=text))
    return out


def annotate(ranking: RankingResult, dm: DecisionMatrix, candidates: Sequence[Candidate], profile: Profile,
             extra: Sequence[Check], runs: Mapping[str, Sequence[EvaluationRun]]) -> RankingNotes:
    return RankingNotes(price_points(ranking, dm, candidates, profile, extra), ties(ranking, profile, runs))
