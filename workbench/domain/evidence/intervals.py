"""Binomial proportion intervals (Wilson, Clopper-Pearson via scipy.stats), Holm adjustment, the
interval-overlap "tied with leader" band, rate summaries and small-sample flags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import Field
from scipy import stats

from workbench.domain.evidence.runs import (
    DEFAULT_CONFIDENCE,
    SMALL_SAMPLE_N,
    WIDE_INTERVAL,
    EvaluationRun,
    FloatArray,
)
from workbench.domain.models import (
    Model,
)

# =========================================================================== intervals

IntervalMethod = Literal["wilson", "clopper-pearson"]


def _check_counts(k: ArrayLike, n: ArrayLike) -> tuple[FloatArray, FloatArray]:
    k_ = np.asarray(k, dtype=float)
    n_ = np.asarray(n, dtype=float)
    if np.any(n_ <= 0):
        raise ValueError("n (items) must be > 0")
    if np.any(k_ < 0) or np.any(k_ > n_):
        raise ValueError("k (passes) must be within 0..n")
    return k_, n_


def z_quantile(confidence: float) -> float:
    """Two-sided standard normal quantile ``z = Phi^-1(1 - alpha/2)`` for ``confidence = 1 - alpha``
    (``scipy.stats.norm.ppf``; 0.95 -> 1.959964)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be within (0, 1), got {confidence}")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(
    k: ArrayLike, n: ArrayLike, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for a binomial proportion, vectorised over candidates.

    centre ``(p + z^2/2n) / (1 + z^2/n)``, half-width ``z/(1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2)``
    with ``z = Phi^-1(1 - alpha/2)`` (Wilson 1927; reference economics-and-evidence.md 6).
    17/20 -> [0.640, 0.948]; 18/20 -> [0.698966, 0.972134] (R ``binom.confint``, real-world-2026.md 6).
    Same as scipy ``binomtest(k, n).proportion_ci(confidence, method="wilson")``.
    """
    k_, n_ = _check_counts(k, n)
    z = z_quantile(confidence)
    p = k_ / n_
    denom = 1.0 + z * z / n_
    centre = (p + z * z / (2 * n_)) / denom
    half = z / denom * np.sqrt(p * (1 - p) / n_ + z * z / (4 * n_ * n_))
    lo = np.where(k_ == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi = np.where(k_ == n_, 1.0, np.clip(centre + half, 0.0, 1.0))
    return lo, hi


def clopper_pearson_interval(
    k: ArrayLike, n: ArrayLike, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[FloatArray, FloatArray]:
    """Clopper–Pearson ("exact") interval, vectorised: ``[Beta(a/2; k, n-k+1), Beta(1-a/2; k+1, n-k)]``
    with Beta quantiles from ``scipy.stats.beta.ppf``.

    Lower is 0 when k = 0, upper is 1 when k = n. 17/20 -> [0.621, 0.968]; 5/5 -> [0.478, 1.0]
    (reference 6). Same as scipy ``binomtest(k, n).proportion_ci(confidence, method="exact")``.
    """
    k_, n_ = _check_counts(k, n)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be within (0, 1), got {confidence}")
    alpha = 1.0 - confidence
    lo = stats.beta.ppf(alpha / 2, np.maximum(k_, 1e-12), n_ - k_ + 1)
    hi = stats.beta.ppf(1 - alpha / 2, k_ + 1, np.maximum(n_ - k_, 1e-12))
    lo = np.where(k_ == 0, 0.0, lo)
    hi = np.where(k_ == n_, 1.0, hi)
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)


def proportion_interval(
    k: ArrayLike, n: ArrayLike, method: IntervalMethod = "wilson", confidence: float = DEFAULT_CONFIDENCE
) -> tuple[FloatArray, FloatArray]:
    """Wilson (default) or Clopper–Pearson interval, by name."""
    if method == "wilson":
        return wilson_interval(k, n, confidence)
    if method == "clopper-pearson":
        return clopper_pearson_interval(k, n, confidence)
    raise ValueError(f"unknown interval method {method!r}; use 'wilson' or 'clopper-pearson'")


def holm_adjust(pvalues: ArrayLike) -> FloatArray:
    """Holm–Bonferroni step-down adjusted p-values (Holm 1979; reference 6, "Many comparisons").

    ``p_(i)^adj = max_{j<=i} min(1, (m - j + 1) p_(j))`` over the ascending order.
    """
    p = np.asarray(pvalues, dtype=float)
    m = p.size
    order = np.argsort(p)
    adj = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adj
    return out


def tied_with_leader(estimates: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> NDArray[np.bool_]:
    """Candidates whose interval reaches the leader's lower bound: the "tied with leader" band.

    ``tied_i = upper_i >= lower_leader`` where the leader has the highest point estimate
    (Chatbot Arena shows overlapping CIs as ties; reference 6 and 8).
    """
    est = np.asarray(estimates, dtype=float)
    lo = np.asarray(lower, dtype=float)
    hi = np.asarray(upper, dtype=float)
    leader = int(np.nanargmax(est))
    return np.asarray(hi >= lo[leader])


class RateSummary(Model):
    """A pass rate with its interval and flags, ready for a table or a chart."""

    name: str
    k: int
    n: int
    rate: float
    lower: float
    upper: float
    method: IntervalMethod
    confidence: float = DEFAULT_CONFIDENCE
    flags: list[str] = Field(default_factory=list)


def sample_flags(n: int, lower: float | None = None, upper: float | None = None) -> list[str]:
    """Plain-language small-sample flags (n < 30; 95 % interval wider than 0.20)."""
    flags = []
    if n < SMALL_SAMPLE_N:
        flags.append(f"small sample: n = {n} < {SMALL_SAMPLE_N}")
    if lower is not None and upper is not None and upper - lower > WIDE_INTERVAL:
        flags.append(f"wide interval: {upper - lower:.2f} across")
    return flags


def summarize_rates(
    runs: Sequence[EvaluationRun], method: IntervalMethod = "wilson", confidence: float = DEFAULT_CONFIDENCE
) -> list[RateSummary]:
    """Pass rate and interval per binary run (runs with no pass/fail outcome are skipped).

    Intervals are computed in one vectorised call over all runs.
    """
    counted = [(run, run.binary_counts()) for run in runs]
    usable = [(run, c) for run, c in counted if c is not None and c[1] > 0]
    if not usable:
        return []
    k = np.array([c[0] for _, c in usable], dtype=float)
    n = np.array([c[1] for _, c in usable], dtype=float)
    lo, hi = proportion_interval(k, n, method, confidence)
    return [
        RateSummary(name=run.name, k=int(ki), n=int(ni), rate=float(ki / ni), lower=float(li),
                    upper=float(ui), method=method, confidence=confidence, flags=sample_flags(int(ni), float(li), float(ui)))
        for (run, _), ki, ni, li, ui in zip(usable, k, n, lo, hi, strict=True)
    ]
