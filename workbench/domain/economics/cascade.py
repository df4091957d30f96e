"""Cascade and router cost formulas, break-even rates and the threshold sweep (seed 002 "Cascade
Routing Math"; reference section 1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.domain.economics._validate import (
    ArrayLike,
    EconomicsInputError,
    FloatArray,
    _array,
    _nonneg,
    _positive,
    _probability,
)
from workbench.domain.economics.crossover import _pct

# =========================================================================== cascade and router


def cascade_expected_cost(
    cheap_cost: ArrayLike, premium_cost: ArrayLike, escalation_rate: ArrayLike, judge_cost: ArrayLike = 0.0
) -> FloatArray:
    """Expected cost of a two-model cascade (seed 002 "Cascade Routing Math"; reference section 1).

    ``E[C] = C_L + C_J + P(s_L < tau) * C_H``: the cheap model (and a judge/scorer, if any) is
    always paid; the premium model only on escalation. Any consistent cost unit (USD per call,
    USD per 1M tokens) works.
    """
    cl, ch = _nonneg("cheap_cost", cheap_cost), _nonneg("premium_cost", premium_cost)
    cj = _nonneg("judge_cost", judge_cost)
    p = _probability("escalation_rate", escalation_rate)
    return np.asarray(cl + cj + p * ch, dtype=np.float64)


def cascade_expected_quality(
    escalation_rate: ArrayLike, cheap_quality_accepted: ArrayLike, premium_quality_escalated: ArrayLike
) -> FloatArray:
    """``E[Q] = P(s_L >= tau) * Q_L(s_L >= tau) + P(s_L < tau) * Q_H(s_L < tau)`` (seed 002
    "Cascade Routing Math")."""
    p = _probability("escalation_rate", escalation_rate)
    ql = _probability("cheap_quality_accepted", cheap_quality_accepted)
    qh = _probability("premium_quality_escalated", premium_quality_escalated)
    return np.asarray((1.0 - p) * ql + p * qh, dtype=np.float64)


def cascade_break_even_rate(cheap_cost: ArrayLike, premium_cost: ArrayLike, judge_cost: ArrayLike = 0.0) -> FloatArray:
    """Escalation rate below which the cascade is cheaper than premium-direct.

    ``r* = 1 - (C_L + C_J) / C_H`` (reference section 1). ``r* <= 0`` means the cascade never
    pays off (the cheap stage alone costs as much as premium-direct).
    """
    cl, cj = _nonneg("cheap_cost", cheap_cost), _nonneg("judge_cost", judge_cost)
    ch = _positive("premium_cost", premium_cost)
    return np.asarray(1.0 - (cl + cj) / ch, dtype=np.float64)


def router_expected_cost(
    cheap_cost: ArrayLike, premium_cost: ArrayLike, strong_share: ArrayLike, router_cost: ArrayLike = 0.0
) -> FloatArray:
    """Expected cost of a pre-generation router (reference section 1, RouteLLM).

    ``E[C] = C_R + f * C_H + (1 - f) * C_L``: each query pays the router and *either* the cheap or
    the premium model, unlike a cascade, which always pays the cheap model first.
    """
    cl, ch = _nonneg("cheap_cost", cheap_cost), _nonneg("premium_cost", premium_cost)
    cr = _nonneg("router_cost", router_cost)
    f = _probability("strong_share", strong_share)
    return np.asarray(cr + f * ch + (1.0 - f) * cl, dtype=np.float64)


def router_break_even_share(cheap_cost: ArrayLike, premium_cost: ArrayLike, router_cost: ArrayLike = 0.0) -> FloatArray:
    """Strong-model share below which the router is cheaper than premium-direct:
    ``f* = (C_H - C_R - C_L) / (C_H - C_L)`` (from ``C_R + f*C_H + (1-f)*C_L = C_H``)."""
    cl, cr = _nonneg("cheap_cost", cheap_cost), _nonneg("router_cost", router_cost)
    ch = _positive("premium_cost", premium_cost)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(ch > cl, (ch - cr - cl) / np.where(ch > cl, ch - cl, 1.0), -np.inf)
    return np.asarray(out, dtype=np.float64)


def savings_ratio(premium_cost: ArrayLike, expected_cost: ArrayLike) -> FloatArray:
    """Cost-saving ratio against premium-direct: ``C_H / E[C]`` (RouteLLM's "3.66x")."""
    ch = _nonneg("premium_cost", premium_cost)
    ec = _positive("expected_cost", expected_cost)
    return np.asarray(ch / ec, dtype=np.float64)


@dataclass(frozen=True)
class ThresholdSweep:
    """Cascade cost and quality over the threshold tau (escalate when confidence < tau)."""

    tau: FloatArray
    escalation_rate: FloatArray
    expected_cost: FloatArray  #: in the unit of cheap_cost / premium_cost
    expected_quality: FloatArray
    cost_per_success: FloatArray
    premium_direct_cost: float
    premium_direct_quality: float
    n_items: int


def cascade_threshold_sweep(
    confidence: ArrayLike,
    cheap_correct: ArrayLike,
    *,
    cheap_cost: float,
    premium_cost: float,
    premium_quality: float | None = None,
    premium_correct: ArrayLike | None = None,
    judge_cost: float = 0.0,
) -> ThresholdSweep:
    """Exact cascade curve over tau from per-item calibration data (seed 002 "Cascade Routing
    Math": escalate when ``s_L < tau``).

    The curve is a step function that changes only at observed scores, so tau runs over every
    distinct score plus one value above the maximum (escalate everything). With items sorted by
    score and ``e(tau)`` escalated items (``searchsorted``):

    * ``P(esc) = e / N``; ``E[C] = C_L + C_J + P(esc) * C_H``;
    * ``E[Q] = (sum of cheap correctness over accepted + sum of premium correctness over
      escalated) / N``, premium correctness per item if given, else the scalar ``premium_quality``.
    """
    s = _array("confidence", confidence)
    ok = _probability("cheap_correct", cheap_correct)
    if s.ndim != 1 or s.size == 0:
        raise EconomicsInputError("confidence must be a non-empty 1-D array")
    if ok.shape != s.shape:
        raise EconomicsInputError("cheap_correct must have one value per confidence score")
    if premium_correct is not None:
        qh_items = _probability("premium_correct", premium_correct)
        if qh_items.shape != s.shape:
            raise EconomicsInputError("premium_correct must have one value per confidence score")
    elif premium_quality is not None:
        qh_items = np.full(s.shape, float(_probability("premium_quality", premium_quality)))
    else:
        raise EconomicsInputError("premium_quality (or per-item premium_correct) is missing")
    order = np.argsort(s, kind="stable")
    s_sorted = s[order]
    uniq = np.unique(s_sorted)
    tau = np.concatenate([uniq, [np.nextafter(uniq[-1], np.inf)]])
    escalated = np.searchsorted(s_sorted, tau, side="left")
    n = s.size
    prefix_l = np.concatenate([[0.0], np.cumsum(ok[order])])
    prefix_h = np.concatenate([[0.0], np.cumsum(qh_items[order])])
    quality = (prefix_l[-1] - prefix_l[escalated] + prefix_h[escalated]) / n
    rate = escalated / n
    cost = cascade_expected_cost(cheap_cost, premium_cost, rate, judge_cost)
    with np.errstate(divide="ignore"):
        cps = np.where(quality > 0, cost / np.where(quality > 0, quality, 1.0), np.inf)
    return ThresholdSweep(
        tau=tau, escalation_rate=np.asarray(rate, dtype=np.float64), expected_cost=cost,
        expected_quality=np.asarray(quality, dtype=np.float64), cost_per_success=np.asarray(cps, dtype=np.float64),
        premium_direct_cost=float(premium_cost), premium_direct_quality=float(prefix_h[-1] / n), n_items=n,
    )


@dataclass(frozen=True)
class BestThreshold:
    index: int
    tau: float
    escalation_rate: float
    expected_cost: float
    expected_quality: float
    cheaper_than_premium: bool
    explanation: str


def best_threshold(sweep: ThresholdSweep, target_quality: float) -> BestThreshold | None:
    """Cheapest tau whose expected quality reaches ``target_quality`` (ties: higher quality);
    None when no tau reaches it."""
    target = float(_probability("target_quality", target_quality))
    meets = sweep.expected_quality >= target - 1e-12
    if not meets.any():
        return None
    idx = np.flatnonzero(meets)
    best = int(idx[np.lexsort((-sweep.expected_quality[idx], sweep.expected_cost[idx]))[0]])
    cost = float(sweep.expected_cost[best])
    cheaper = cost < sweep.premium_direct_cost
    text = (
        f"tau = {sweep.tau[best]:.4g} escalates {_pct(float(sweep.escalation_rate[best]))} of items and reaches "
        f"{_pct(float(sweep.expected_quality[best]))} (target {_pct(target)}) at expected cost {cost:.4g} vs "
        f"premium-direct {sweep.premium_direct_cost:.4g}: "
        + ("the cascade is cheaper." if cheaper else "premium-direct is cheaper.")
    )
    return BestThreshold(best, float(sweep.tau[best]), float(sweep.escalation_rate[best]), cost,
                         float(sweep.expected_quality[best]), cheaper, text)
