"""A Model Decision Record for a portfolio: each step's decision and rejected alternatives, the routing policy and
the monolith comparison, in the seed's seven sections.

The record is anchored on the portfolio's first step: its profile owns the record, and the decision snapshot is
that step's full snapshot (so restore re-ranks it bit for bit, and signing, lifecycle, quorum and triggers work as
for a single decision). The whole portfolio — its definition, every step's figures, the end-to-end and monolith
comparison and the routing policy with its SHA-256 — is added to the snapshot under ``portfolio``, so the signed
bundle carries it, and the record's text names the policy's digest.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Engine

from workbench.domain.mdr import MDR
from workbench.domain.mdr.model import RejectedAlternative
from workbench.domain.money import usd_per_success
from workbench.services.portfolio import PortfolioResult, export_router, rank_portfolio, result_json
from workbench.services.portfolios import portfolio_by_name
from workbench.services.records import DraftError, draft_record, gather, ranking_empty_message, snapshot_for
from workbench.store.decisions import DecisionRecord, create_decision


def _usd(value: float | None) -> str:
    return "unknown" if value is None else usd_per_success(value)


def _step_lines(result: PortfolioResult) -> list[str]:
    lines = []
    for step in result.steps:
        route = step.route
        cost = (route.cost_per_request_usd / route.success_probability
                if route.cost_per_request_usd is not None and route.success_probability > 0 else None)
        lines.append(f"Step {step.key} (profile “{step.profile}”, {step.calls:g} call(s) per request): "
                     f"{step.winner or 'nothing ranked'} via {route.kind} ({' → '.join(route.models) or '—'}), "
                     f"{_usd(cost)} per success; recovery: {step.recovery.action}.")
    return lines


def _rejected(result: PortfolioResult) -> list[RejectedAlternative]:
    """Each later step's runner-up and exclusions, and the monolith, as rejected alternatives of the portfolio."""
    out: list[RejectedAlternative] = []
    for step in result.steps[1:]:
        rows = step.decision.ranking.rows
        for row in rows[1:3]:
            out.append(RejectedAlternative(
                name=f"{step.key}: {row.name}",
                reason=f"ranked {row.rank} at step {step.key} (score {row.score:.3f} against "
                       f"{rows[0].score:.3f} for {rows[0].name})"))
        for excluded in step.decision.ranking.excluded[:3]:
            out.append(RejectedAlternative(name=f"{step.key}: {excluded.name}",
                                           reason="; ".join(excluded.reasons)))
    mono = result.monolith
    ours = result.end_to_end.cost_per_success_usd
    if mono.figures is not None:
        name = next(iter({m for m in mono.choice.values() if m}), "?")
        out.append(RejectedAlternative(
            name=f"single-model monolith: {name}",
            reason=f"{_usd(mono.figures.cost_per_success_usd)} per successful end-to-end outcome against "
                   f"{_usd(ours)} for the portfolio (seed 002 anti-pattern: the single model monolith)"))
    return out


def portfolio_mdr(base: MDR, result: PortfolioResult, policy_sha256: str) -> MDR:
    """The anchor step's draft, widened to the portfolio."""
    p = result.portfolio
    e2e = result.end_to_end
    body = base.body
    graph = ", ".join(f"{a} → {b}" for a, b in p.edges) or " | ".join(n.key for n in p.nodes)
    context = body.context.model_copy(update={
        "task_node": f"Portfolio “{p.name}”: task graph {graph}",
        "problem_statement": " ".join(filter(None, [p.description, body.context.problem_statement])),
        "other_constraints": (*body.context.other_constraints,
                              *([f"end-to-end p95 ≤ {p.sla_p95_ms:,.0f} ms"] if p.sla_p95_ms else []))})
    selection = body.selection.model_copy(update={"selection_basis": " ".join([
        *_step_lines(result),
        f"Routing policy: routing-policy.yaml, SHA-256 {policy_sha256} (in the snapshot under portfolio).",
        body.selection.selection_basis]).strip()})
    alternatives = body.alternatives.model_copy(update={
        "alternatives": (*body.alternatives.alternatives, *_rejected(result))})
    extra = [(label, value) for label, value in (
        ("end-to-end cost per successful outcome", e2e.cost_per_success_usd),
        ("end-to-end cost per month", e2e.monthly_usd),
        ("single-model monolith, cost per successful outcome",
         result.monolith.figures.cost_per_success_usd if result.monolith.figures else None),
        ("premium everywhere, cost per successful outcome",
         result.premium.figures.cost_per_success_usd if result.premium.figures else None)) if value is not None]
    economics = body.economics.model_copy(update={
        "additional_usd": (*body.economics.additional_usd, *extra),
        "assumptions": (*body.economics.assumptions, *result.notes,
                        "End to end: cost per request = Σ calls × cost per request of each step; success = Π step "
                        "success^calls; cost per success = cost / success (docs/portfolio.md).",
                        f"End-to-end p95 {'unknown' if e2e.latency_p95_ms is None else f'{e2e.latency_p95_ms:,.0f} ms'}"
                        f" along {' → '.join(e2e.critical_path) or 'an unknown path'}.")})
    fragile = ([f"The fragile choice is step {result.fragile_step}: reconsider when its winner's first-rank "
                "share falls further."] if result.fragile_step else [])
    rollout = body.rollout.model_copy(update={"reconsideration_conditions": (
        *body.rollout.reconsideration_conditions, *fragile,
        "Any change of the routing policy (its SHA-256 above) needs a superseding record.")})
    new_body = body.model_copy(update={"context": context, "selection": selection, "alternatives": alternatives,
                                       "economics": economics, "rollout": rollout})
    winners = ", ".join(f"{s.key}: {s.winner}" for s in result.steps if s.winner)
    return base.model_copy(update={"title": f"Portfolio {p.name} — {winners}"[:300], "body": new_body,
                                   "generated": new_body})


def draft_portfolio_record(engine: Engine, name: str, actor: str) -> DecisionRecord:
    """Rank the portfolio, draft the record and store it (``workbench portfolio draft`` and the page)."""
    portfolio = portfolio_by_name(engine, name).model
    result = rank_portfolio(engine, portfolio)
    anchor = result.steps[0]
    inputs = gather(engine, anchor.profile)
    if inputs.selected is None:
        raise DraftError(f"step {anchor.key}: {ranking_empty_message(inputs.decision.ranking)}")
    policy = export_router(result, "policy")
    digest = hashlib.sha256(policy.encode("utf-8")).hexdigest()
    record = portfolio_mdr(draft_record(inputs), result, digest)
    snapshot: dict[str, Any] = snapshot_for(inputs)
    snapshot["portfolio"] = {"definition": portfolio.model_dump(mode="json"), "result": result_json(result),
                             "routing_policy": policy, "routing_policy_sha256": digest,
                             "alternatives": [a.name for a in _rejected(result)]}
    return create_decision(engine, inputs.decision.profile.id, record, snapshot, actor)
