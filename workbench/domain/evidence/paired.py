"""Paired comparison of two runs on the same items: exact McNemar (scipy.stats.binomtest) for
pass/fail, paired bootstrap for scores, plain-language verdicts."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from pydantic import Field
from scipy import stats

from workbench.domain.evidence.intervals import IntervalMethod, proportion_interval, sample_flags
from workbench.domain.evidence.runs import (
    DEFAULT_CONFIDENCE,
    FEW_DISCORDANT,
    EvaluationRun,
    EvidenceError,
    ItemResult,
)
from workbench.domain.models import (
    Model,
)

# =========================================================================== paired tests


class McNemarResult(Model):
    b: int = Field(ge=0, description="A passed, B failed")
    c: int = Field(ge=0, description="A failed, B passed")
    n_discordant: int
    p_value: float
    statistic_cc: float | None = Field(description="(|b-c|-1)^2/(b+c), chi-square with continuity correction")
    p_value_chi2_cc: float | None


def mcnemar_exact(b: int, c: int) -> McNemarResult:
    """Exact McNemar test: two-sided binomial test of b successes in b + c trials at p = 1/2
    (``scipy.stats.binomtest(b, b + c, 0.5).pvalue``).

    The chi-square form with continuity correction ``(|b - c| - 1)^2 / (b + c)`` (chi-square, 1 dof)
    is reported beside it (reference 6; McNemar 1947). [[23, 15], [19, 31]] -> exact p = 0.6076,
    chi2_cc 0.2647 (p 0.6069) (statsmodels' tests, real-world-2026.md 6); RouteLLM GSM8K b = 95,
    c = 383 -> p ~ 5.1e-42.
    """
    if b < 0 or c < 0:
        raise ValueError(f"discordant counts must be >= 0, got b={b}, c={c}")
    total = b + c
    if total == 0:
        return McNemarResult(b=b, c=c, n_discordant=0, p_value=1.0, statistic_cc=None, p_value_chi2_cc=None)
    p = min(1.0, float(stats.binomtest(b, total, 0.5).pvalue))
    stat = (abs(b - c) - 1.0) ** 2 / total if b != c else 0.0
    p_chi = float(stats.chi2.sf(stat, 1))
    return McNemarResult(b=b, c=c, n_discordant=total, p_value=p, statistic_cc=stat, p_value_chi2_cc=p_chi)


class BootstrapResult(Model):
    mean_difference: float
    lower: float
    upper: float
    p_value: float
    n: int
    n_boot: int
    seed: int


def paired_bootstrap(
    a: ArrayLike,
    b: ArrayLike,
    *,
    n_boot: int = 10_000,
    seed: int = 0,
    confidence: float = DEFAULT_CONFIDENCE,
) -> BootstrapResult:
    """Paired bootstrap of the mean difference ``mean(a_i - b_i)`` over the same items (seeded).

    Resamples item indices with replacement ``n_boot`` times (numpy ``default_rng(seed)``); the
    interval is the percentile interval; the two-sided p-value is
    ``min(1, 2 * min(P*(d <= 0), P*(d >= 0)))`` (percentile-inversion). Reference 6, "Paired,
    non-binary or cost-adjusted: bootstrap over item IDs".
    """
    a_ = np.asarray(a, dtype=float)
    b_ = np.asarray(b, dtype=float)
    if a_.shape != b_.shape or a_.ndim != 1:
        raise ValueError("paired bootstrap needs two 1-D arrays of equal length")
    n = a_.size
    if n < 2:
        raise ValueError("paired bootstrap needs at least 2 paired items")
    if n_boot < 100:
        raise ValueError("n_boot must be >= 100")
    diff = a_ - b_
    rng = np.random.default_rng(seed)
    means = np.empty(n_boot)
    chunk = max(1, min(n_boot, 2_000_000 // n))
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        idx = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = diff[idx].mean(axis=1)
    alpha = 1.0 - confidence
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    p = min(1.0, 2.0 * min(float(np.mean(means <= 0)), float(np.mean(means >= 0))))
    return BootstrapResult(mean_difference=float(diff.mean()), lower=float(lo), upper=float(hi),
                           p_value=p, n=n, n_boot=n_boot, seed=seed)


class PairedComparison(Model):
    """Two candidates on the same items: rates, intervals, test, p-value and a verdict."""

    a: str
    b: str
    n_paired: int
    only_in_a: int = Field(description="items of A with no partner in B (left out)")
    only_in_b: int
    test: Literal["mcnemar-exact", "paired-bootstrap"]
    rate_a: float
    rate_b: float
    interval_a: tuple[float, float]
    interval_b: tuple[float, float]
    difference: float = Field(description="rate_a - rate_b (or mean score difference)")
    difference_interval: tuple[float, float] | None = None
    both_pass: int | None = None
    a_only: int | None = Field(default=None, description="b of McNemar: A passed, B failed")
    b_only: int | None = Field(default=None, description="c of McNemar: A failed, B passed")
    neither: int | None = None
    p_value: float
    alpha: float
    significant: bool
    verdict: str
    flags: list[str] = Field(default_factory=list)


def _align(run_a: EvaluationRun, run_b: EvaluationRun) -> tuple[list[tuple[ItemResult, ItemResult]], int, int]:
    """Pair items by (item id, epoch); report how many were left unpaired on each side."""
    by_b = {it.key: it for it in run_b.items}
    pairs = [(it, by_b[it.key]) for it in run_a.items if it.key in by_b]
    return pairs, len(run_a.items) - len(pairs), len(run_b.items) - len(pairs)


def verdict_text(name_a: str, name_b: str, difference: float, p: float, n: int, alpha: float) -> str:
    """Plain language: "A better than B ..." or "not distinguishable at n = 30 (p = 0.42)"."""
    if p < alpha and difference != 0:
        better, worse = (name_a, name_b) if difference > 0 else (name_b, name_a)
        return f"{better} is better than {worse} (p = {p:.2g}, n = {n} paired items)"
    return f"not distinguishable at n = {n} (p = {p:.2g})"


def compare_runs(
    run_a: EvaluationRun,
    run_b: EvaluationRun,
    *,
    alpha: float = 0.05,
    method: IntervalMethod = "wilson",
    n_boot: int = 10_000,
    seed: int = 0,
) -> PairedComparison:
    """Paired comparison of two runs on the same items.

    Binary outcomes -> exact McNemar on the discordant pairs (b = A only, c = B only); scores ->
    paired bootstrap of the mean difference. Items are paired on (item id, epoch); unpaired items are
    counted and left out. Reference 6: "McNemar on b (A right, B wrong), c (A wrong, B right)".
    """
    if not run_a.items or not run_b.items:
        missing = run_a.name if not run_a.items else run_b.name
        raise EvidenceError(f"{missing}: no per-item results; a paired comparison needs items")
    pairs, only_a, only_b = _align(run_a, run_b)
    n = len(pairs)
    if n == 0:
        raise EvidenceError(f"{run_a.name} and {run_b.name} share no item ids; nothing to pair")
    flags = []
    if only_a or only_b:
        flags.append(f"{only_a} item(s) only in {run_a.name}, {only_b} only in {run_b.name}: left out")
    binary = all(x.passed is not None and y.passed is not None for x, y in pairs)
    if binary:
        pa = np.array([bool(x.passed) for x, _ in pairs])
        pb = np.array([bool(y.passed) for _, y in pairs])
        both = int(np.sum(pa & pb))
        b_ = int(np.sum(pa & ~pb))
        c_ = int(np.sum(~pa & pb))
        neither = int(np.sum(~pa & ~pb))
        mc = mcnemar_exact(b_, c_)
        k = np.array([pa.sum(), pb.sum()], dtype=float)
        lo, hi = proportion_interval(k, np.array([n, n], dtype=float), method, 1.0 - alpha)
        rate_a, rate_b = float(k[0] / n), float(k[1] / n)
        diff = rate_a - rate_b
        p = mc.p_value
        if b_ + c_ < FEW_DISCORDANT:
            flags.append(f"few discordant pairs: b + c = {b_ + c_} < {FEW_DISCORDANT}")
        result_kw: dict[str, object] = {"both_pass": both, "a_only": b_, "b_only": c_, "neither": neither,
                                        "test": "mcnemar-exact"}
        diff_iv: tuple[float, float] | None = None
    else:
        if any(x.score is None or y.score is None for x, y in pairs):
            raise EvidenceError("items need either pass/fail on both sides or a score on both sides")
        sa = np.array([float(x.score) for x, _ in pairs if x.score is not None])
        sb = np.array([float(y.score) for _, y in pairs if y.score is not None])
        boot = paired_bootstrap(sa, sb, n_boot=n_boot, seed=seed, confidence=1 - alpha)
        rate_a, rate_b = float(sa.mean()), float(sb.mean())
        diff, p = boot.mean_difference, boot.p_value
        ia = paired_bootstrap(sa, np.zeros(n), n_boot=n_boot, seed=seed, confidence=1 - alpha)
        ib = paired_bootstrap(sb, np.zeros(n), n_boot=n_boot, seed=seed + 1, confidence=1 - alpha)
        lo = np.array([ia.lower, ib.lower])
        hi = np.array([ia.upper, ib.upper])
        diff_iv = (boot.lower, boot.upper)
        result_kw = {"test": "paired-bootstrap"}
    flags += sample_flags(n)
    return PairedComparison(
        a=run_a.name, b=run_b.name, n_paired=n, only_in_a=only_a, only_in_b=only_b,
        rate_a=rate_a, rate_b=rate_b, interval_a=(float(lo[0]), float(hi[0])),
        interval_b=(float(lo[1]), float(hi[1])), difference=diff, difference_interval=diff_iv,
        p_value=p, alpha=alpha, significant=p < alpha,
        verdict=verdict_text(run_a.name, run_b.name, diff, p, n, alpha), flags=flags,
        **result_kw,
    )
