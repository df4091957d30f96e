"""Routing economics table: direct premium, cascade, diagnostic router, human escalation and
speculative decoding (seed 002 "Routing Economics Framework")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.domain.economics._validate import (
    FloatArray,
    _nonneg,
    _positive,
    _probability,
)

# --------------------------------------------------------------------------- routing comparison

ROUTING_STRATEGIES: tuple[str, ...] = ("direct_premium", "cascade", "diagnostic_router", "human_escalation")
ROUTING_LABELS: dict[str, str] = {
    "direct_premium": "Direct route (premium)",
    "cascade": "Model cascade",
    "diagnostic_router": "Diagnostic router",
    "human_escalation": "Human escalation",
    "speculative": "Speculative decoding (premium)",
}


@dataclass(frozen=True)
class RoutingComparison:
    strategies: list[str]
    cost_per_request_usd: FloatArray
    quality: FloatArray
    cost_per_success_usd: FloatArray
    latency_ms: FloatArray
    savings_vs_premium: FloatArray  #: premium cost per success / strategy cost per success

    def rows(self) -> list[dict[str, object]]:
        return [
            {
                "strategy": s, "label": ROUTING_LABELS[s],
                "cost_per_request_usd": float(self.cost_per_request_usd[i]), "quality": float(self.quality[i]),
                "cost_per_success_usd": float(self.cost_per_success_usd[i]), "latency_ms": float(self.latency_ms[i]),
                "savings_vs_premium": float(self.savings_vs_premium[i]),
            }
            for i, s in enumerate(self.strategies)
        ]


def routing_comparison(
    *,
    cheap_cost_usd: float,
    cheap_quality: float,
    cheap_latency_ms: float,
    premium_cost_usd: float,
    premium_quality: float,
    premium_latency_ms: float,
    escalation_rate: float,
    cheap_quality_accepted: float | None = None,
    router_cost_usd: float = 0.0,
    router_latency_ms: float = 0.0,
    router_strong_share: float = 0.5,
    routing_accuracy: float = 1.0,
    human_cost_usd: float = 0.0,
    human_quality: float = 1.0,
    human_latency_ms: float = 0.0,
    human_share: float = 0.0,
    speculative_speedup: float | None = None,
) -> RoutingComparison:
    """Seed 002 "Routing Economics Framework" as numbers: cost per request, quality, cost per
    success (= cost / quality) and mean latency of each routing protocol.

    * Direct premium: ``C_H``, ``Q_H``, ``T_H``.
    * Cascade: ``C_L + p*C_H``; ``(1-p)*Q_L|accepted + p*Q_H`` (``Q_L|accepted`` defaults to
      ``Q_L``, i.e. escalation uninformative); latency ``T_L + p*T_H`` (sequential stages).
    * Diagnostic router (pre-generation): ``C_R + f*C_H + (1-f)*C_L``; quality
      ``a*Q_H + (1-a)*Q_L`` with routing accuracy ``a`` (a correctly routed query gets the answer
      quality it needs; a misrouted one is assumed to get the cheap model's quality — a
      conservative approximation); latency ``T_R + f*T_H + (1-f)*T_L``.
    * Human escalation: premium model, share ``h`` escalated to a person:
      ``C_H + h*C_human``; ``(1-h)*Q_H + h*Q_human``; ``T_H + h*T_human``.
    * Speculative decoding (optional, self-hosted premium): premium cost and quality (the target
      distribution is unchanged), latency ``T_H / speed-up``.
    """
    cl = float(_nonneg("cheap_cost_usd", cheap_cost_usd))
    ch = float(_nonneg("premium_cost_usd", premium_cost_usd))
    ql = float(_probability("cheap_quality", cheap_quality))
    qh = float(_probability("premium_quality", premium_quality))
    qla = ql if cheap_quality_accepted is None else float(_probability("cheap_quality_accepted", cheap_quality_accepted))
    tl = float(_nonneg("cheap_latency_ms", cheap_latency_ms))
    th = float(_nonneg("premium_latency_ms", premium_latency_ms))
    p = float(_probability("escalation_rate", escalation_rate))
    cr = float(_nonneg("router_cost_usd", router_cost_usd))
    tr = float(_nonneg("router_latency_ms", router_latency_ms))
    f = float(_probability("router_strong_share", router_strong_share))
    acc = float(_probability("routing_accuracy", routing_accuracy))
    chum = float(_nonneg("human_cost_usd", human_cost_usd))
    qhum = float(_probability("human_quality", human_quality))
    thum = float(_nonneg("human_latency_ms", human_latency_ms))
    h = float(_probability("human_share", human_share))
    strategies = list(ROUTING_STRATEGIES)
    cost = [ch, cl + p * ch, cr + f * ch + (1 - f) * cl, ch + h * chum]
    quality = [qh, (1 - p) * qla + p * qh, acc * qh + (1 - acc) * ql, (1 - h) * qh + h * qhum]
    latency = [th, tl + p * th, tr + f * th + (1 - f) * tl, th + h * thum]
    if speculative_speedup is not None:
        sp = float(_positive("speculative_speedup", speculative_speedup))
        strategies.append("speculative")
        cost.append(ch)
        quality.append(qh)
        latency.append(th / sp)
    c, q = np.array(cost, dtype=np.float64), np.array(quality, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        cps = np.where(q > 0, c / np.where(q > 0, q, 1.0), np.inf)
        savings = np.where(cps > 0, cps[0] / np.where(cps > 0, cps, 1.0), np.inf)
    return RoutingComparison(strategies, c, q, np.asarray(cps, dtype=np.float64),
                             np.array(latency, dtype=np.float64), np.asarray(savings, dtype=np.float64))
