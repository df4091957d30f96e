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


def _raw_cascade_break_even(cheap_cost: ArrayLike, premium_cost: ArrayLike, judge_cost: ArrayLike) -> FloatArray:
    cl, cj = _nonneg("cheap_cost", cheap_cost), _nonneg("judge_cost", judge_cost)
    ch = _positive("premium_cost", premium_cost)
    return np.asarray(1.0 - (cl + cj) / ch, dtype=np.float64)


def cascade_break_even_rate(cheap_cost: ArrayLike, premium_cost: ArrayLike, judge_cost: ArrayLike = 0.0) -> FloatArray:
    """Escalation rate below which the cascade is cheaper than premium-direct, clipped to [0, 1].

    ``r* = clip(1 - (C_L + C_J) / C_H, 0, 1)`` (reference section 1: cheaper iff
    ``r < 1 - (c_W + c_J) / c_S``). 0 means the cascade never pays off (the cheap stage and judge
    alone cost at least as much as premium-direct); :func:`cascade_break_even` says so in words.
    A rate is a probability, so a negative "break-even" (e.g. -1.21) is never returned.
    """
    return np.asarray(np.clip(_raw_cascade_break_even(cheap_cost, premium_cost, judge_cost), 0.0, 1.0),
                      dtype=np.float64)


@dataclass(frozen=True)
class BreakEven:
    """A break-even rate in [0, 1] and the plain sentence that goes with it."""

    rate: float  #: clipped to [0, 1]
    unclipped: float  #: the formula's value (may be < 0 or -inf: never pays)
    never_pays: bool
    sentence: str


def cascade_break_even(cheap_cost: float, premium_cost: float, judge_cost: float = 0.0) -> BreakEven:
    """:func:`cascade_break_even_rate` with a sentence: "never pays" when ``C_L + C_J >= C_H``."""
    raw = float(_raw_cascade_break_even(cheap_cost, premium_cost, judge_cost))
    rate = min(max(raw, 0.0), 1.0)
    if raw <= 0.0:
        text = ("The cascade never pays: the cheap model and judge alone cost at least as much as "
                "premium-direct, so it is not cheaper at any escalation rate.")
    elif raw >= 1.0:
        text = "The cascade's first stage is free: it is cheaper than premium-direct at any escalation rate below 100%."
    else:
        text = f"The cascade is cheaper than premium-direct while fewer than {_pct(rate)} of requests escalate."
    return BreakEven(rate, raw, raw <= 0.0, text)


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


def _raw_router_break_even(cheap_cost: ArrayLike, premium_cost: ArrayLike, router_cost: ArrayLike) -> FloatArray:
    cl, cr = _nonneg("cheap_cost", cheap_cost), _nonneg("router_cost", router_cost)
    ch = _positive("premium_cost", premium_cost)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(ch > cl, (ch - cr - cl) / np.where(ch > cl, ch - cl, 1.0), -np.inf)
    return np.asarray(out, dtype=np.float64)


def router_break_even_share(cheap_cost: ArrayLike, premium_cost: ArrayLike, router_cost: ArrayLike = 0.0) -> FloatArray:
    """Strong-model share below which the router is cheaper than premium-direct, clipped to [0, 1]:
    ``f* = clip((C_H - C_R - C_L) / (C_H - C_L), 0, 1)`` (from ``C_R + f*C_H + (1-f)*C_L = C_H``).
    0 means the router never pays (the cheap model is not cheaper than the premium one, or the
    router costs at least the saving); :func:`router_break_even` says so in words."""
    return np.asarray(np.clip(_raw_router_break_even(cheap_cost, premium_cost, router_cost), 0.0, 1.0),
                      dtype=np.float64)


def router_break_even(cheap_cost: float, premium_cost: float, router_cost: float = 0.0) -> BreakEven:
    """:func:`router_break_even_share` with a sentence: "never pays" when ``C_R >= C_H - C_L``."""
    raw = float(_raw_router_break_even(cheap_cost, premium_cost, router_cost))
    rate = min(max(raw, 0.0), 1.0)
    if _nonneg("premium_cost", premium_cost) <= _nonneg("cheap_cost", cheap_cost):
        text = ("The router never pays: the cheap model is not cheaper than the premium model, so no "
                "strong-model share makes routing cheaper than premium-direct.")
    elif raw <= 0.0:
        text = ("The router never pays: the router's cost is at least what sending a query to the cheap model "
                "saves, so it is not cheaper than premium-direct at any strong-model share.")
    else:
        text = f"The router is cheaper than premium-direct while fewer than {_pct(rate)} of queries go to the premium model."
    return BreakEven(rate, raw, raw <= 0.0, text)


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
