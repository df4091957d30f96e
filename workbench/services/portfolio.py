"""Rank a portfolio: each step with its own profile (the Trade-offs ranking), routes and recovery per step, the
end-to-end figures, and the comparison with the single-model monolith and "premium everywhere".

The per-step cost is the ranking's own cost per successful outcome (on its stated basis), so a step's figure here
and the Trade-offs page for that profile agree to the cent: cost per request = cost per success x P(success),
with P(success) from the step's workload (valid-output rate and retries)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Engine

from workbench.domain.economics import cost_breakdown_for
from workbench.domain.portfolio import (
    DEFAULT_ESCALATION_RATE,
    SEED_ROUTE,
    EndToEnd,
    Option,
    Portfolio,
    PortfolioNode,
    Recovery,
    Route,
    StepFigures,
    end_to_end,
    recovery_for,
    routes_for,
)
from workbench.domain.portfolio.compare import StepRanking, monolith_choice, premium_choice
from workbench.domain.portfolio.routes import RouteKind
from workbench.io.router_config import deployment, litellm_router_config, routing_policy, to_yaml
from workbench.services.decide import Decision, decide, robustness
from workbench.store.repository import NotFoundError

SMAA_SAMPLES = 2_000  # per step: enough for a first-rank share to ±2.2 points (1.96·√(0.25/2000))


class PortfolioError(ValueError):
    """A portfolio that cannot be ranked (a step's profile is missing); the message names the step."""


@dataclass(frozen=True)
class StepResult:
    key: str
    profile: str
    calls: float
    decision: Decision
    options: dict[str, Option]  # every ranked candidate of the step
    routes: list[Route]
    route: Route  # the proposed route
    recovery: Recovery
    escalation_basis: str
    first_rank_share: float | None = None

    @property
    def winner(self) -> str | None:
        return self.decision.ranking.winner

    def figures(self, route: Route | None = None) -> StepFigures:
        r = route or self.route
        return StepFigures(self.key, self.calls, r.cost_per_request_usd, r.success_probability, r.latency_p95_ms,
                           r.quality)


@dataclass(frozen=True)
class Alternative:
    label: str
    choice: dict[str, str | None]  # step -> model
    figures: EndToEnd | None
    note: str = ""


@dataclass(frozen=True)
class PortfolioResult:
    portfolio: Portfolio
    steps: list[StepResult]
    requests_per_month: float
    end_to_end: EndToEnd
    monolith: Alternative
    premium: Alternative
    fragile_step: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def sla_met(self) -> bool | None:
        sla, latency = self.portfolio.sla_p95_ms, self.end_to_end.latency_p95_ms
        return None if sla is None or latency is None else latency <= sla


def _options(decision: Decision) -> dict[str, Option]:
    """Every ranked candidate as an Option: the ranking's cost per success back to cost per request."""
    by_name = {c.name: c for c in decision.candidates}
    ranked = [by_name[row.name] for row in decision.ranking.rows]
    success = cost_breakdown_for(ranked, decision.effective.workload).success.success_probability
    out: dict[str, Option] = {}
    for row, p in zip(decision.ranking.rows, success, strict=True):
        cps = row.cost_per_success
        cost = None if cps is None or not math.isfinite(cps) else cps * float(p)
        out[row.name] = Option(row.name, cost, float(p), row.latency_p95_ms, row.quality)
    return out


def _wanted_route(decision: Decision, setting: str) -> tuple[RouteKind, str]:
    if setting != "auto":
        return cast(RouteKind, setting), "set on the step"
    template = decision.effective.template
    if template in SEED_ROUTE:
        return SEED_ROUTE[template], f"seed 002's recommended routing for {template}"
    return "direct", "direct: the profile has no workflow-class template to take a recommendation from"


def _step(engine: Engine, node: PortfolioNode, with_robustness: bool) -> StepResult:
    node_key, profile, calls, rate = node.key, node.profile, node.calls_per_request, node.escalation_rate
    try:
        decision = decide(engine, profile)
    except NotFoundError as exc:
        raise PortfolioError(f"step {node_key!r}: {exc}") from exc
    options = _options(decision)
    escalation = rate if rate is not None else DEFAULT_ESCALATION_RATE
    basis = "what-if set on the step" if rate is not None else f"default what-if {DEFAULT_ESCALATION_RATE:.0%}"
    winner = decision.ranking.winner
    if winner is None:
        empty = Route("direct", [], None, 0.0, None, 0.0, note=decision.ranking.empty_state or "nothing ranked")
        routes, route = [empty], empty
    else:
        wanted, why = _wanted_route(decision, node.route)
        routes, route = routes_for(options[winner], list(options.values()), escalation, wanted)
        basis = f"route: {why}; escalation rate: {basis}"
    stronger = max((o for o in options.values() if o.name != winner), key=lambda o: (o.quality, o.name),
                   default=None)
    stronger_name = stronger.name if stronger and winner and stronger.quality > options[winner].quality else None
    workload = decision.effective.workload
    recovery = recovery_for(decision.effective.failure_policy.value, stronger_name, workload.human_review_cost_usd)
    share = None
    if with_robustness and winner is not None:
        smaa = robustness(decision, SMAA_SAMPLES)
        share = next((c.first_rank for c in smaa.candidates if c.name == winner), None)
    return StepResult(node_key, profile, calls, decision, options, routes, route, recovery, basis, share)


def _alternative(label: str, steps: list[StepResult], choice: dict[str, str | None], edges: list[tuple[str, str]],
                 requests: float, note: str = "") -> Alternative:
    figures: list[StepFigures] = []
    for step in steps:
        name = choice.get(step.key)
        if name is None or name not in step.options:
            return Alternative(label, choice, None, note or f"step {step.key!r} has no admissible model")
        o = step.options[name]
        figures.append(StepFigures(step.key, step.calls, o.cost_per_request_usd, o.success_probability,
                                   o.latency_p95_ms, o.quality))
    return Alternative(label, choice, end_to_end(figures, edges, requests), note)


def rank_portfolio(engine: Engine, portfolio: Portfolio, *, with_robustness: bool = True) -> PortfolioResult:
    """Rank every step, propose its route and recovery, and compare the whole with the alternatives."""
    steps = [_step(engine, n, with_robustness) for n in portfolio.nodes]
    first_workload = steps[0].decision.effective.workload
    requests = float(portfolio.requests_per_month if portfolio.requests_per_month is not None
                     else first_workload.requests_per_month)
    totals = end_to_end([s.figures() for s in steps], portfolio.edges, requests)
    rankings = [StepRanking(s.key, s.calls, {r.name: r.score for r in s.decision.ranking.rows},
                            {r.name: r.quality for r in s.decision.ranking.rows}) for s in steps]
    mono = monolith_choice(rankings)
    monolith = (_alternative("single-model monolith", steps, dict.fromkeys((s.key for s in steps), mono),
                             portfolio.edges, requests)
                if mono else Alternative("single-model monolith", {}, None,
                                         "none does: no candidate meets every step's hard constraints"))
    premium = _alternative("premium everywhere", steps, {r.key: premium_choice(r) for r in rankings},
                           portfolio.edges, requests)
    shares = {s.key: s.first_rank_share for s in steps if s.first_rank_share is not None}
    fragile = min(shares, key=lambda k: (shares[k], k)) if shares else None
    notes = [f"requests per month: {requests:,.0f} "
             + ("(the portfolio's)" if portfolio.requests_per_month is not None
                else f"(from step {steps[0].key!r}'s workload)")]
    return PortfolioResult(portfolio, steps, requests, totals, monolith, premium, fragile, notes)


def result_json(result: PortfolioResult) -> dict[str, Any]:
    """The `workbench portfolio rank --json` document (docs/cli.md)."""
    def alternative(a: Alternative) -> dict[str, Any]:
        models = {m for m in a.choice.values() if m}
        return {"label": a.label, "candidate": next(iter(models)) if len(models) == 1 else None,
                "choice": a.choice, "note": a.note, **(a.figures.as_json() if a.figures else {
                    "cost_per_success_usd": None, "latency_p95_ms": None, "monthly_usd": None})}

    return {
        "portfolio": result.portfolio.name,
        "requests_per_month": result.requests_per_month,
        "sla_p95_ms": result.portfolio.sla_p95_ms,
        "sla_met": result.sla_met,
        "nodes": [{
            "key": s.key, "profile": s.profile, "calls_per_request": s.calls, "winner": s.winner,
            "route": s.route.kind, "route_detail": s.route.as_json(),
            "routes": [r.as_json() for r in s.routes],
            "basis": s.escalation_basis,
            "cost_per_success_usd": (s.route.cost_per_request_usd / s.route.success_probability
                                     if s.route.cost_per_request_usd is not None and s.route.success_probability > 0
                                     else None),
            "latency_p95_ms": s.route.latency_p95_ms,
            "recovery": {"policy": s.recovery.policy, "action": s.recovery.action,
                         "human_review_usd": s.recovery.human_review_usd},
            "first_rank_share": s.first_rank_share,
            "excluded": [e.name for e in s.decision.ranking.excluded],
        } for s in result.steps],
        "end_to_end": result.end_to_end.as_json(),
        "monolith": alternative(result.monolith),
        "premium_everywhere": alternative(result.premium),
        "fragile_node": result.fragile_step,
        "notes": result.notes,
    }


def _step_plan(step: StepResult) -> dict[str, Any]:
    by_name = {c.name: c for c in step.decision.candidates}
    models = list(step.route.models)
    stronger = step.recovery.action.removeprefix("retry on ").split(", then")[0] \
        if step.recovery.action.startswith("retry on ") else None
    deployments = {}
    for name in [*models, *([stronger] if stronger else [])]:
        c = by_name[name]
        deployments[name] = deployment(step.key, name, c.pricing.litellm_key if c.pricing else None, c.hf_repo)
    return {"key": step.key, "profile": step.profile, "route": step.route.kind, "models": models,
            "escalation_rate": step.route.escalation_rate, "stronger": stronger, "deployments": deployments,
            "recovery": {"policy": step.recovery.policy, "action": step.recovery.action}, "basis": step.escalation_basis}


def export_router(result: PortfolioResult, fmt: str) -> str:
    """YAML: ``litellm-router`` (LiteLLM Router config) or ``policy`` (the routing policy the MDR references)."""
    plans = [_step_plan(s) for s in result.steps]
    if fmt == "litellm-router":
        return to_yaml(litellm_router_config(result.portfolio.name, plans))
    if fmt == "policy":
        doc = result_json(result)
        for plan in plans:
            plan.pop("deployments")
        return to_yaml(routing_policy(result.portfolio.name, plans, doc["end_to_end"], doc["monolith"]))
    raise PortfolioError(f"format: {fmt!r} is not one of litellm-router, policy")
