"""Seed 002's routes for one step of a portfolio: direct, cascade, diagnostic router; and the recovery policy.

For a step whose ranking chose ``H`` (the leader) and offers a cheaper ranked candidate ``L``:

* **direct**: every call goes to ``H``: cost ``c_H``, success ``s_H``.
* **cascade** (seed 002 "Cascade Routing Math"): ``L`` answers first and escalates to ``H`` at rate ``r``:
  ``E[C] = c_L + r * c_H``; success ``(1 - r) * s_L + r * s_H``; it pays while ``r < r* = 1 - c_L / c_H``
  (clipped to [0, 1]).
* **diagnostic router** (pre-generation split, RouteLLM arXiv 2406.18665): a router sends a share ``f = r`` to
  ``H`` and the rest to ``L``: ``E[C] = c_R + r * c_H + (1 - r) * c_L``, with ``c_R`` the router's cost per
  request (RouteLLM reports $3.19-$5.23 per 1M requests; we take the causal-LLM router's $5.23).

Which route a step takes never trades quality for cost silently: the proposal is the route seed 002's Task-to-Model
Fit matrix recommends for the step's workflow class ("Recommended Routing": direct for extraction, synthesis, code
and visual documents; a pre-generation router for tool-use loops and mathematical problem solving), or the route a
person set on the step; without either it is *direct*. Cheaper routes are shown beside it with their expected
quality. A recommended cascade or router falls back to direct when no cheaper ranked candidate exists.
The escalation rate is a what-if unless calibration data gives one; the step says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from workbench.domain.economics.cascade import (
    cascade_break_even_rate,
    cascade_expected_cost,
    router_expected_cost,
)

ROUTER_COST_PER_REQUEST_USD = 5.23e-6  # RouteLLM (arXiv 2406.18665), causal-LLM router, $5.23 per 1M requests
DEFAULT_ESCALATION_RATE = 0.3  # a what-if, stated wherever it is used

RouteKind = Literal["direct", "cascade", "router"]

#: Seed 002, Task-to-Model Fit matrix, "Recommended Routing" per workflow class (keyed by the workflow class a profile was created from).
SEED_ROUTE: dict[str, RouteKind] = {
    "High-Precision Extraction": "direct",      # "Direct route to dedicated extraction model with schema validation."
    "Research Synthesis": "direct",             # "Context compilation and retrieval-grounded generation."
    "Tool-Use Agentic Loops": "router",         # "Pre-generation validation router with immediate retry loop."
    "Mathematical Problem Solving": "router",   # "Pre-generation diagnostic routing to high-effort processing tier."
    "Production Code Refactoring": "direct",    # "Routing to specialized coding model at medium effort."
    "Visual Document Intelligence": "direct",   # "Native multimodal routing with structural parser validation."
}


@dataclass(frozen=True)
class Option:
    """One candidate as a route needs it."""

    name: str
    cost_per_request_usd: float | None
    success_probability: float
    latency_p95_ms: float | None
    quality: float


@dataclass(frozen=True)
class Route:
    kind: RouteKind
    models: list[str]  # the models called, cheap first
    cost_per_request_usd: float | None
    success_probability: float
    latency_p95_ms: float | None
    quality: float
    escalation_rate: float | None = None
    break_even_rate: float | None = None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "models": self.models, "cost_per_request_usd": self.cost_per_request_usd,
                "success_probability": self.success_probability, "latency_p95_ms": self.latency_p95_ms,
                "quality": self.quality, "escalation_rate": self.escalation_rate,
                "break_even_rate": self.break_even_rate, "note": self.note}


def direct(leader: Option) -> Route:
    return Route("direct", [leader.name], leader.cost_per_request_usd, leader.success_probability,
                 leader.latency_p95_ms, leader.quality, note=f"every call to {leader.name}")


def cheaper_option(leader: Option, ranked: list[Option]) -> Option | None:
    """The cheapest ranked candidate that costs less than the leader (None when there is none or prices are
    unknown)."""
    if leader.cost_per_request_usd is None:
        return None
    cheaper = [o for o in ranked if o.name != leader.name and o.cost_per_request_usd is not None
               and o.cost_per_request_usd < leader.cost_per_request_usd]
    return min(cheaper, key=lambda o: (o.cost_per_request_usd, o.name)) if cheaper else None


def _latency(*values: float | None) -> float | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def cascade(cheap: Option, leader: Option, rate: float) -> Route:
    c_l, c_h = cheap.cost_per_request_usd or 0.0, leader.cost_per_request_usd or 0.0
    cost = float(cascade_expected_cost(c_l, c_h, rate))
    break_even = float(cascade_break_even_rate(c_l, c_h)) if c_h > 0 else 0.0
    return Route(
        "cascade", [cheap.name, leader.name], cost,
        (1 - rate) * cheap.success_probability + rate * leader.success_probability,
        _latency(cheap.latency_p95_ms, leader.latency_p95_ms),  # an escalated call waits for both
        (1 - rate) * cheap.quality + rate * leader.quality, rate, break_even,
        note=f"{cheap.name} first; {rate:.0%} escalate to {leader.name}; pays below {break_even:.0%} escalation")


def router(cheap: Option, leader: Option, rate: float) -> Route:
    c_l, c_h = cheap.cost_per_request_usd or 0.0, leader.cost_per_request_usd or 0.0
    cost = float(router_expected_cost(c_l, c_h, rate, ROUTER_COST_PER_REQUEST_USD))
    slowest = max((v for v in (cheap.latency_p95_ms, leader.latency_p95_ms) if v is not None), default=None)
    latency = None if None in (cheap.latency_p95_ms, leader.latency_p95_ms) else slowest
    return Route(
        "router", [cheap.name, leader.name], cost,
        (1 - rate) * cheap.success_probability + rate * leader.success_probability,
        latency, (1 - rate) * cheap.quality + rate * leader.quality, rate,
        note=f"a pre-generation router sends {rate:.0%} to {leader.name}, the rest to {cheap.name} "
             f"(router ${ROUTER_COST_PER_REQUEST_USD * 1e6:.2f} per 1M requests, RouteLLM)")


def routes_for(leader: Option, ranked: list[Option], rate: float, wanted: RouteKind = "direct"
               ) -> tuple[list[Route], Route]:
    """Every route for the step, and the one ``wanted`` (seed recommendation or a person's choice; direct when
    the wanted route needs a cheaper ranked candidate and there is none)."""
    options = [direct(leader)]
    cheap = cheaper_option(leader, ranked)
    if cheap is not None:
        options += [cascade(cheap, leader, rate), router(cheap, leader, rate)]
    proposal = next((r for r in options if r.kind == wanted), options[0])
    return options, proposal


@dataclass(frozen=True)
class Recovery:
    policy: str
    action: str
    human_review_usd: float


def recovery_for(failure_policy: str, stronger: str | None, human_review_usd: float) -> Recovery:
    """Seed 002's recovery policy: fail-open logs and continues; fail-closed retries on a stronger model, then
    sends the case to human review at its cost."""
    if failure_policy == "fail_open":
        return Recovery("fail-open", "log the failure and continue", 0.0)
    retry = f"retry on {stronger}, then " if stronger else ""
    review = f"human review at ${human_review_usd:,.2f} per case" if human_review_usd else "human review"
    return Recovery("fail-closed", f"{retry}{review}", human_review_usd)
