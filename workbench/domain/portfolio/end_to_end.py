"""End-to-end figures of a portfolio: cost per successful end-to-end outcome, critical-path latency, monthly cost.

Per step ``i`` (called ``k_i`` times per end-to-end request) the route chosen there has a cost per call-request
``c_i`` (USD: expected attempts x cost per attempt + human review, as in :func:`cost_per_success`) and a success
probability ``s_i`` (a valid output within the allowed retries). Then, for one end-to-end request:

* cost ``C = sum_i k_i * c_i``;
* success ``S = prod_i s_i ** k_i`` — every call must succeed (seed 002: "node success rates multiply");
* cost per successful end-to-end outcome ``CPS = C / S``; for a single step with ``k = 1`` this is the step's own
  cost per success ``c / s``;
* monthly cost ``requests_per_month * C``.

Every step is paid on every request, even after an earlier step failed (no early stop): ``CPS`` is therefore an
upper bound when a pipeline stops at the first failure.

Latency: the critical path is the longest path through the task graph with step weight ``ceil(k_i) * p95_i``
(sequential calls; a step called on a share of requests counts once). The sum of per-step p95 values equals the
p95 of the sum when step latencies move together and is usually conservative otherwise.

An unknown input (price, p95) makes the figure that needs it unknown, and the steps responsible are named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from workbench.domain.portfolio.model import topological_order


@dataclass(frozen=True)
class StepFigures:
    """One step's chosen route, as the end-to-end arithmetic needs it."""

    key: str
    calls: float
    cost_per_request_usd: float | None  # None: unknown (no price)
    success_probability: float
    latency_p95_ms: float | None  # None: unknown
    quality: float = 0.0


@dataclass(frozen=True)
class EndToEnd:
    cost_per_request_usd: float | None
    success_probability: float
    cost_per_success_usd: float | None
    monthly_usd: float | None
    latency_p95_ms: float | None
    critical_path: list[str]
    unknown: dict[str, list[str]] = field(default_factory=dict)  # figure -> steps whose input is unknown

    def as_json(self) -> dict[str, Any]:
        return {"cost_per_request_usd": self.cost_per_request_usd, "success_probability": self.success_probability,
                "cost_per_success_usd": self.cost_per_success_usd, "monthly_usd": self.monthly_usd,
                "latency_p95_ms": self.latency_p95_ms, "critical_path": self.critical_path,
                "unknown": self.unknown}


def critical_path(keys: list[str], edges: list[tuple[str, str]], weight: dict[str, float]
                  ) -> tuple[float, list[str]]:
    """Longest path (sum of weights) through the DAG and its steps, in order."""
    best: dict[str, float] = {}
    previous: dict[str, str | None] = {}
    for key in topological_order(keys, edges):
        parents = [a for a, b in edges if b == key]
        parent = max(parents, key=lambda p: (best[p], p), default=None)
        best[key] = weight[key] + (best[parent] if parent else 0.0)
        previous[key] = parent
    end = max(keys, key=lambda k: (best[k], k))
    path = [end]
    while (step := previous[path[-1]]) is not None:
        path.append(step)
    return best[end], path[::-1]


def end_to_end(steps: list[StepFigures], edges: list[tuple[str, str]], requests_per_month: float) -> EndToEnd:
    """The formulas of the module docstring."""
    unknown: dict[str, list[str]] = {}
    no_cost = [s.key for s in steps if s.cost_per_request_usd is None]
    no_latency = [s.key for s in steps if s.latency_p95_ms is None]
    success = math.prod(s.success_probability ** s.calls for s in steps)
    cost = None if no_cost else sum(s.calls * (s.cost_per_request_usd or 0.0) for s in steps)
    if no_cost:
        unknown["cost"] = no_cost
    keys = [s.key for s in steps]
    weights = {s.key: math.ceil(s.calls) * (s.latency_p95_ms or 0.0) for s in steps}
    total, path = critical_path(keys, edges, weights)
    latency: float | None = total
    if no_latency:
        unknown["latency"] = no_latency
        latency, path = None, []  # an unknown step could lie on (or become) the critical path
    return EndToEnd(
        cost_per_request_usd=cost,
        success_probability=success,
        cost_per_success_usd=(cost / success) if cost is not None and success > 0 else None,
        monthly_usd=(cost * requests_per_month) if cost is not None else None,
        latency_p95_ms=latency,
        critical_path=path,
        unknown=unknown,
    )
