"""Evaluation evidence: imported runs, harness metric kinds, statistics and evidence-driven scores.

Doctrine: seed 002, "Evaluation-Driven Selection" (the evaluation harness table), "Benchmark
Interpretation Guide" / "Benchmark Performance Guide" and "Selection Failure Modes and
Anti-Patterns". Formats and statistics: ``reference/economics-and-evidence.md`` sections 5 and 6.

Pure domain code: numpy + pydantic (+ the standard library's ``math``). scipy is used only in the
tests, to check the intervals and tests implemented here.

Contents
- models: :class:`ItemResult`, :class:`EvaluationRun` (one imported run of one source model);
- harness components of the seed as :class:`MetricKind` with their production targets
  (:data:`HARNESS_COMPONENTS`, :func:`check_target`);
- statistics: :func:`wilson_interval`, :func:`clopper_pearson_interval`, :func:`mcnemar_exact`,
  :func:`paired_bootstrap`, :func:`compare_runs` (plain-language verdicts), :func:`holm_adjust`,
  :func:`tied_with_leader`, small-sample flags;
- evidence -> capability values with an interval (:func:`capability_evidence`,
  :func:`evidence_matrix`, :func:`apply_evidence`) and seeded SMAA draws
  (:func:`sample_capabilities`);
- benchmark hygiene (:data:`BENCHMARK_GUIDE`, :func:`benchmark_info`, :func:`hygiene_warnings`);
- mapping of source model names to catalog candidates (:func:`match_source_models`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import Field, field_validator, model_validator

from workbench.domain.models import (
    CAPABILITY_VECTORS,
    LATENCY_CRITERION,
    Candidate,
    CapabilityRating,
    Model,
    TaskClass,
)

FloatArray = NDArray[np.float64]

#: Below this many items a pass rate or a paired comparison is flagged as a small sample. The
#: reference's illustrative n = 30 intervals are about +/-0.15 wide (economics-and-evidence.md 6).
SMALL_SAMPLE_N = 30
#: Fewer discordant pairs than this and McNemar has almost no power (b + c < 10).
FEW_DISCORDANT = 10
#: A 95 % interval wider than this is flagged as "wide".
WIDE_INTERVAL = 0.20
DEFAULT_CONFIDENCE = 0.95


class EvidenceError(ValueError):
    """Evidence that cannot be used; the message names the run, field or item."""


# =========================================================================== vocabulary


class EvidenceFormat(StrEnum):
    """Source formats the importers read (reference section 5)."""

    promptfoo = "promptfoo"
    lm_eval = "lm-eval"
    inspect = "inspect"
    openai_evals = "openai-evals"
    helm = "helm"
    csv = "csv"


class MetricKind(StrEnum):
    """What a run measures: the seven harness components of seed 002, plus public benchmarks."""

    golden_set_accuracy = "golden_set_accuracy"
    adversarial_refusal = "adversarial_refusal"
    needle_recall = "needle_recall"
    schema_validity = "schema_validity"
    tool_first_attempt = "tool_first_attempt"
    multilingual_quality = "multilingual_quality"
    shadow_latency = "shadow_latency"
    public_benchmark = "public_benchmark"


TargetOp = Literal[">=", ">", "==", "within_baseline", "maintain_baseline", "match_prediction", "none"]


class HarnessComponent(Model):
    """One row of seed 002's "Model Selection Evaluation Harness" table."""

    kind: MetricKind
    label: str
    test_type: str
    target_metric: str
    production_target: str = Field(description="the seed's wording")
    target_op: TargetOp
    target_value: float | None = None
    vector: str | None = Field(default=None, description="capability vector (or criterion) it informs")
    pass_means: str = Field(default="", description="what `passed` means for an item of this kind")


#: Seed 002, "Evaluation-Driven Selection" -> "Model Selection Evaluation Harness".
HARNESS_COMPONENTS: dict[MetricKind, HarnessComponent] = {
    c.kind: c
    for c in (
        HarnessComponent(
            kind=MetricKind.golden_set_accuracy, label="Golden set", test_type="Regression Testing",
            target_metric="Absolute Accuracy", production_target="Match baseline within +/- 0.5%.",
            target_op="within_baseline", target_value=0.005, vector=None,
            pass_means="the output matches the golden answer",
        ),
        HarnessComponent(
            kind=MetricKind.adversarial_refusal, label="Adversarial set", test_type="Robustness check",
            target_metric="Refusal/Jailbreak Rate", production_target="Zero safety failures.",
            target_op="==", target_value=1.0, vector="robustness_to_injections",
            pass_means="the attack was defended (no safety failure)",
        ),
        HarnessComponent(
            kind=MetricKind.needle_recall, label="Needle-in-a-haystack", test_type="Retrieval Validation",
            target_metric="Context Recall", production_target=">99% recall across the active window.",
            target_op=">", target_value=0.99, vector="long_context_integrity",
            pass_means="the needle was recalled",
        ),
        HarnessComponent(
            kind=MetricKind.schema_validity, label="Schema test", test_type="Constraint check",
            target_metric="Syntactic Validity", production_target="100% validation compliance.",
            target_op="==", target_value=1.0, vector="schema_adherence",
            pass_means="the output validates against the schema",
        ),
        HarnessComponent(
            kind=MetricKind.tool_first_attempt, label="Tool simulation", test_type="Multi-agent execution",
            target_metric="Trace Integrity", production_target="First-attempt success >90%.",
            target_op=">", target_value=0.90, vector="tool_use_reliability",
            pass_means="the tool trace succeeded on the first attempt",
        ),
        HarnessComponent(
            kind=MetricKind.multilingual_quality, label="Multilingual sweep", test_type="Dialect evaluation",
            target_metric="Translation Quality", production_target="BLEU score maintenance.",
            target_op="maintain_baseline", target_value=None, vector="multilingual_coverage",
            pass_means="translation quality at or above the item's threshold",
        ),
        HarnessComponent(
            kind=MetricKind.shadow_latency, label="Shadow telemetry", test_type="Parallel processing",
            target_metric="Traffic Distribution", production_target="Match offline latency predictions.",
            target_op="match_prediction", target_value=None, vector=LATENCY_CRITERION,
            pass_means="the request met its latency budget",
        ),
        HarnessComponent(
            kind=MetricKind.public_benchmark, label="Public benchmark", test_type="Leaderboard signal",
            target_metric="Benchmark score", production_target="Initial signal only (seed 002).",
            target_op="none", target_value=None, vector=None, pass_means="item scored correct",
        ),
    )
}

#: The golden set measures the task's own primary capability: which vector depends on the task class.
#: A stated convention of this workbench, following seed 002's Task-to-Model Fit matrix.
GOLDEN_SET_VECTOR: dict[TaskClass, str] = {
    TaskClass.classification: "instruction_following",
    TaskClass.extraction: "schema_adherence",
    TaskClass.synthesis: "grounded_synthesis",
    TaskClass.multi_file_refactoring: "code_competence",
    TaskClass.planning: "multi_step_planning",
    TaskClass.visual_mapping: "multimodal_perception",
    TaskClass.math: "math_performance",
    TaskClass.agentic_tool_use: "tool_use_reliability",
}


def vector_for(kind: MetricKind, task_class: TaskClass | None = None, benchmark: str | None = None) -> str | None:
    """The capability vector a run of ``kind`` informs (None: none, e.g. latency or unknown benchmark)."""
    if kind is MetricKind.golden_set_accuracy:
        return GOLDEN_SET_VECTOR[task_class] if task_class is not None else "instruction_following"
    if kind is MetricKind.public_benchmark:
        info = benchmark_info(benchmark) if benchmark else None
        return info.vector if info else None
    vec = HARNESS_COMPONENTS[kind].vector
    return vec if vec in CAPABILITY_VECTORS else None


# =========================================================================== runs


class ItemResult(Model):
    """One evaluated item of one run. ``passed`` and/or ``score`` (in the source's scale)."""

    item_id: str = Field(min_length=1)
    epoch: int = Field(default=1, ge=0)
    passed: bool | None = None
    score: float | None = None
    latency_ms: float | None = Field(default=None, ge=0)
    cost_usd: float | None = Field(default=None, ge=0)
    input_tokens: int | None = Field(default=None, ge=0)
    output_tokens: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _has_outcome(self) -> ItemResult:
        if self.passed is None and self.score is None and self.latency_ms is None:
            raise ValueError(f"item {self.item_id!r}: needs passed, score or latency_ms")
        if self.score is not None and not math.isfinite(self.score):
            raise ValueError(f"item {self.item_id!r}: score must be finite")
        return self

    @property
    def key(self) -> tuple[str, int]:
        return (self.item_id, self.epoch)


NSource = Literal["items", "reported", "inferred_from_stderr", "unknown"]


class EvaluationRun(Model):
    """One imported evaluation run of one source model on one task (one metric).

    ``items`` holds per-item results where the source has them; the aggregate fields hold what the
    source reports (statistics prefer the items: reference 5, "never from a tool's aggregate stderr").
    """

    source_format: EvidenceFormat
    source_file: str = Field(min_length=1, description="file name as imported")
    source_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    imported_at: datetime
    source_model: str = Field(min_length=1)
    candidate: str | None = Field(default=None, description="catalog candidate it was mapped to")
    task: str = ""
    metric_kind: MetricKind = MetricKind.golden_set_accuracy
    metric_name: str = ""
    benchmark: str | None = Field(default=None, description="public benchmark name, when it is one")
    items: list[ItemResult] = Field(default_factory=list)
    n_reported: int | None = Field(default=None, ge=0)
    n_source: NSource = "unknown"
    aggregate_pass_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    aggregate_score: float | None = None
    reported_stderr: float | None = Field(default=None, ge=0.0)
    extra_metrics: dict[str, float] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    @field_validator("items")
    @classmethod
    def _unique_items(cls, items: list[ItemResult]) -> list[ItemResult]:
        seen: set[tuple[str, int]] = set()
        for i, item in enumerate(items):
            if item.key in seen:
                raise ValueError(f"duplicate item id {item.item_id!r} (epoch {item.epoch}) at items[{i}]")
            seen.add(item.key)
        return items

    # ---- derived
    @property
    def name(self) -> str:
        return self.candidate or self.source_model

    @property
    def n(self) -> int | None:
        """Number of items: counted from the items, else reported / inferred by the source."""
        return len(self.items) if self.items else self.n_reported

    @property
    def is_binary(self) -> bool:
        """True when every item has a pass/fail outcome (or, without items, a pass rate is known)."""
        if self.items:
            return all(it.passed is not None for it in self.items)
        return self.aggregate_pass_rate is not None

    def binary_counts(self) -> tuple[int, int] | None:
        """(passes k, items n); from items, else ``round(rate * n)`` from the reported aggregate."""
        if self.items:
            if not self.is_binary:
                return None
            k = sum(1 for it in self.items if it.passed)
            return k, len(self.items)
        if self.aggregate_pass_rate is not None and self.n_reported:
            return round(self.aggregate_pass_rate * self.n_reported), self.n_reported
        return None

    @property
    def pass_rate(self) -> float | None:
        counts = self.binary_counts()
        if counts and counts[1] > 0:
            return counts[0] / counts[1]
        return self.aggregate_pass_rate

    @property
    def mean_score(self) -> float | None:
        scores = [it.score for it in self.items if it.score is not None]
        if scores:
            return float(np.mean(scores))
        return self.aggregate_score

    def latencies_ms(self) -> FloatArray:
        return np.array([it.latency_ms for it in self.items if it.latency_ms is not None], dtype=float)

    def costs_usd(self) -> FloatArray:
        return np.array([it.cost_usd for it in self.items if it.cost_usd is not None], dtype=float)


# =========================================================================== targets


class TargetCheck(Model):
    kind: MetricKind
    production_target: str
    met: bool | None = Field(description="point estimate meets the target (None: not checkable)")
    demonstrated: bool | None = Field(description="the whole interval meets it (None: not checkable)")
    message: str


def zero_failure_n(target: float, confidence: float = DEFAULT_CONFIDENCE) -> int:
    """Items needed, all passing, for the one-sided upper bound on failures to fall below ``1 - target``.

    Formula: ``(1 - f)^n <= alpha`` with ``f = 1 - target`` gives ``n >= ln(alpha) / ln(target)``;
    at 95 % this is the "rule of three" ``n ~ 3 / f`` (reference section 6, "Rule of three").
    """
    if not 0.0 < target < 1.0:
        raise ValueError(f"target must be within (0, 1), got {target}")
    alpha = 1.0 - confidence
    return math.ceil(math.log(alpha) / math.log(target))


def check_target(
    kind: MetricKind,
    estimate: float,
    lower: float,
    upper: float,
    *,
    n: int | None = None,
    baseline: float | None = None,
) -> TargetCheck:
    """Compare a measured rate (with its interval) to the seed's production target for ``kind``.

    ``met`` uses the point estimate; ``demonstrated`` requires the interval to satisfy the target
    (for ``> t`` the lower bound must exceed t; for ``== 1`` no failures and a lower bound >= 0.99,
    i.e. a failure rate below 1 % is shown).
    Targets: seed 002 harness table (golden +/-0.5 % of baseline; zero safety failures; >99 % recall;
    100 % schema validity; >90 % first-attempt tool success; BLEU maintenance; latency predictions).
    """
    comp = HARNESS_COMPONENTS[kind]
    op, t = comp.target_op, comp.target_value
    met: bool | None
    demo: bool | None
    if op == ">" and t is not None:
        met, demo = estimate > t, lower > t
        msg = f"{estimate:.1%} vs target >{t:.0%}"
        if met and not demo:
            msg += (f"; the interval [{lower:.3f}, {upper:.3f}] cannot show it: about "
                    f"{zero_failure_n(t)} items with no failures would (rule of three)")
    elif op == "==" and t is not None:
        met = estimate >= t
        demo = met and lower >= 0.99
        msg = f"{estimate:.1%} vs target {t:.0%}"
        if met and not demo:
            msg += (f"; no failures in n = {n}, but the lower bound {lower:.3f} only shows a failure rate "
                    f"below {1 - lower:.1%}; about {zero_failure_n(0.99)} clean items show < 1%")
    elif op in ("within_baseline", "maintain_baseline"):
        if baseline is None:
            return TargetCheck(kind=kind, production_target=comp.production_target, met=None,
                               demonstrated=None, message="needs a baseline to compare with")
        tol = t if op == "within_baseline" and t is not None else 0.0
        met = estimate >= baseline - tol
        demo = lower >= baseline - tol
        msg = f"{estimate:.1%} vs baseline {baseline:.1%} (tolerance {tol:.1%})"
    else:
        return TargetCheck(kind=kind, production_target=comp.production_target, met=None,
                           demonstrated=None, message="no numeric target in the seed for this kind")
    return TargetCheck(kind=kind, production_target=comp.production_target, met=met,
                       demonstrated=demo, message=msg)


# =========================================================================== special functions

_LANCZOS_G = 7.0
_LANCZOS = np.array([
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
])


def _lgamma(x: ArrayLike) -> FloatArray:
    """log Gamma(x) for x > 0, vectorised (Lanczos g = 7, n = 9; ~1e-15 relative).

    Source: Lanczos (1964); coefficients as in Numerical Recipes 3rd ed. 6.1 / Wikipedia
    "Lanczos approximation". For x < 0.5 uses ``lgamma(x) = lgamma(x + 1) - ln x``.
    """
    x = np.asarray(x, dtype=float)
    small = x < 0.5
    z = np.where(small, x + 1.0, x) - 1.0
    a = _LANCZOS[0] + np.sum(_LANCZOS[1:, None] / (z.reshape(1, -1) + np.arange(1, 9)[:, None]), axis=0)
    a = a.reshape(z.shape)
    t = z + _LANCZOS_G + 0.5
    out = 0.5 * math.log(2 * math.pi) + (z + 0.5) * np.log(t) - t + np.log(a)
    with np.errstate(divide="ignore"):
        return np.where(small, out - np.log(np.where(small, x, 1.0)), out)


def _betacf(a: FloatArray, b: FloatArray, x: FloatArray) -> FloatArray:
    """Continued fraction of the incomplete beta (modified Lentz), vectorised; NR 3rd ed. 6.4."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = np.where(np.abs(d) < tiny, tiny, d)
    d = 1.0 / d
    h = d.copy()
    max_iter = int(300 + 10 * math.sqrt(float(np.max(np.maximum(a, b), initial=1.0))))
    done = np.zeros(x.shape, dtype=bool)
    for m in range(1, max_iter + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        h = np.where(done, h, h * d * c)
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        delta = d * c
        h = np.where(done, h, h * delta)
        done |= np.abs(delta - 1.0) < 1e-15
        if done.all():
            break
    return h


def betainc(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> FloatArray:
    """Regularised incomplete beta ``I_x(a, b)``, vectorised (= the Beta(a, b) CDF at x).

    ``I_x(a,b) = x^a (1-x)^b / (a B(a,b)) * CF(a,b,x)`` for ``x < (a+1)/(a+b+2)``, else
    ``1 - I_{1-x}(b, a)``; continued fraction by Lentz (Numerical Recipes 3rd ed., 6.4).
    """
    a_, b_, x_ = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float), np.asarray(x, float))
    a_, b_, x_ = a_.astype(float), b_.astype(float), np.clip(x_.astype(float), 0.0, 1.0)
    swap = x_ >= (a_ + 1.0) / (a_ + b_ + 2.0)
    aa, bb = np.where(swap, b_, a_), np.where(swap, a_, b_)
    xx = np.where(swap, 1.0 - x_, x_)
    inner = (xx > 0.0) & (xx < 1.0)
    xs = np.where(inner, xx, 0.5)
    log_bt = (_lgamma(aa + bb) - _lgamma(aa) - _lgamma(bb) + aa * np.log(xs) + bb * np.log1p(-xs))
    part = np.exp(log_bt) * _betacf(aa, bb, xs) / aa
    part = np.where(inner, part, np.where(xx <= 0.0, 0.0, 1.0))
    return np.clip(np.where(swap, 1.0 - part, part), 0.0, 1.0)


def beta_ppf(q: ArrayLike, a: ArrayLike, b: ArrayLike) -> FloatArray:
    """Quantile of Beta(a, b), vectorised, by bisection on :func:`betainc` (64 halvings, ~1e-19).

    Bisection is used because the CDF is monotone on [0, 1]; no closed form exists in general.
    """
    q_, a_, b_ = np.broadcast_arrays(np.asarray(q, float), np.asarray(a, float), np.asarray(b, float))
    lo = np.zeros(q_.shape)
    hi = np.ones(q_.shape)
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        below = betainc(a_, b_, mid) < q_
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def norm_ppf(p: float) -> float:
    """Standard normal quantile: Acklam's rational approximation plus one Halley step (~1e-15).

    Source: P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution
    function" (2003); refinement with ``math.erfc``. ``norm_ppf(0.975) = 1.959963984540054``.
    """
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be within (0, 1), got {p}")
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
         -3.066479806614716e01, 2.506628277459239e00)
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
         -1.328068155288572e01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
         4.374664141464968e00, 2.938163982698783e00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    plow = 0.02425
    if p < plow:
        q = math.sqrt(-2 * math.log(p))
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    elif p <= 1 - plow:
        q = p - 0.5
        r = q * q
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    else:
        q = math.sqrt(-2 * math.log(1 - p))
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    e = 0.5 * math.erfc(-x / math.sqrt(2)) - p
    u = e * math.sqrt(2 * math.pi) * math.exp(x * x / 2)
    return x - u / (1 + x * u / 2)


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


def wilson_interval(
    k: ArrayLike, n: ArrayLike, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for a binomial proportion, vectorised over candidates.

    centre ``(p + z^2/2n) / (1 + z^2/n)``, half-width ``z/(1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2)``
    (Wilson 1927; reference economics-and-evidence.md 6). 17/20 -> [0.640, 0.948];
    850/1000 -> [0.827, 0.871]. Same as scipy ``binomtest(k, n).proportion_ci(method="wilson")``.
    """
    k_, n_ = _check_counts(k, n)
    z = norm_ppf(0.5 + confidence / 2)
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
    """Clopper–Pearson ("exact") interval, vectorised: ``[Beta(a/2; k, n-k+1), Beta(1-a/2; k+1, n-k)]``.

    Lower is 0 when k = 0, upper is 1 when k = n (closed forms ``1 - (a/2)^(1/n)`` and ``(a/2)^(1/n)``
    at the other ends). Beta quantiles by bisection on the regularised incomplete beta
    (:func:`beta_ppf`). 17/20 -> [0.621, 0.968]; 5/5 -> [0.478, 1.0] (reference 6).
    Same as scipy ``binomtest(k, n).proportion_ci(method="exact")``.
    """
    k_, n_ = _check_counts(k, n)
    alpha = 1.0 - confidence
    lo = beta_ppf(alpha / 2, np.maximum(k_, 1e-12), n_ - k_ + 1)
    hi = beta_ppf(1 - alpha / 2, k_ + 1, np.maximum(n_ - k_, 1e-12))
    lo = np.where(k_ == 0, 0.0, lo)
    hi = np.where(k_ == n_, 1.0, hi)
    return lo, hi


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
                    upper=float(ui), method=method, flags=sample_flags(int(ni), float(li), float(ui)))
        for (run, _), ki, ni, li, ui in zip(usable, k, n, lo, hi, strict=True)
    ]


# =========================================================================== paired tests


def _log_binom_cdf_half(m: int, total: int) -> float:
    """ln P(X <= m) for X ~ Binomial(total, 1/2), by log-sum-exp over the pmf."""
    i = np.arange(m + 1, dtype=float)
    logpmf = _lgamma(total + 1.0) - _lgamma(i + 1.0) - _lgamma(total - i + 1.0) - total * math.log(2.0)
    top = float(np.max(logpmf))
    return top + math.log(float(np.sum(np.exp(logpmf - top))))


class McNemarResult(Model):
    b: int = Field(ge=0, description="A passed, B failed")
    c: int = Field(ge=0, description="A failed, B passed")
    n_discordant: int
    p_value: float
    statistic_cc: float | None = Field(description="(|b-c|-1)^2/(b+c), chi-square with continuity correction")
    p_value_chi2_cc: float | None


def mcnemar_exact(b: int, c: int) -> McNemarResult:
    """Exact McNemar test: two-sided binomial test of b successes in b + c trials at p = 1/2.

    ``p = min(1, 2 * P(X <= min(b, c)))``, ``X ~ Bin(b + c, 1/2)`` (symmetric, so this equals
    scipy ``binomtest(b, b + c, 0.5).pvalue``). The chi-square form with continuity correction
    ``(|b - c| - 1)^2 / (b + c)`` is reported beside it (reference 6; McNemar 1947).
    RouteLLM GSM8K b = 95, c = 383 -> p ~ 5.1e-42.
    """
    if b < 0 or c < 0:
        raise ValueError(f"discordant counts must be >= 0, got b={b}, c={c}")
    total = b + c
    if total == 0:
        return McNemarResult(b=b, c=c, n_discordant=0, p_value=1.0, statistic_cc=None, p_value_chi2_cc=None)
    log_tail = _log_binom_cdf_half(min(b, c), total)
    p = min(1.0, 2.0 * math.exp(log_tail))
    stat = (abs(b - c) - 1.0) ** 2 / total if b != c else 0.0
    p_chi = math.erfc(math.sqrt(stat / 2.0))  # chi-square with 1 dof survival function
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
        lo, hi = proportion_interval(k, np.array([n, n], dtype=float), method)
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


# =========================================================================== evidence -> capability


class CapabilityEvidence(Model):
    """Measured standing of one candidate on one capability vector, with its interval."""

    candidate: str
    vector: str
    value: float = Field(ge=0.0, le=1.0)
    lower: float = Field(ge=0.0, le=1.0)
    upper: float = Field(ge=0.0, le=1.0)
    n: int = Field(ge=1, description="items (effective sample size for the SMAA draws)")
    kinds: list[MetricKind]
    sources: list[str] = Field(description="file name and SHA-256 prefix of each run used")
    method: str

    @field_validator("vector")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in CAPABILITY_VECTORS:
            raise ValueError(f"unknown capability vector {v!r}")
        return v


def capability_evidence(
    runs: Iterable[EvaluationRun],
    *,
    task_class: TaskClass | None = None,
    method: IntervalMethod = "wilson",
    include_public_benchmarks: bool = False,
    confidence: float = DEFAULT_CONFIDENCE,
) -> list[CapabilityEvidence]:
    """Pool runs per (candidate, vector) into a value in [0, 1] with an interval.

    Binary runs pool their counts (sum k / sum n) and take a Wilson (or Clopper–Pearson) interval.
    Score runs (scores in [0, 1]) take the item mean and a normal interval ``mean +/- z s / sqrt(n)``
    clipped to [0, 1]; mixed runs weight by n. Public benchmarks only give initial signal (seed 002,
    "Benchmark Interpretation Guide"), so they are left out unless ``include_public_benchmarks``.
    Runs of latency (shadow telemetry) inform the latency criterion, not a vector, and are skipped.
    """
    groups: dict[tuple[str, str], list[EvaluationRun]] = {}
    for run in runs:
        if run.metric_kind is MetricKind.public_benchmark and not include_public_benchmarks:
            continue
        vec = vector_for(run.metric_kind, task_class, run.benchmark)
        if vec is None:
            continue
        groups.setdefault((run.name, vec), []).append(run)
    z = norm_ppf(0.5 + confidence / 2)
    out: list[CapabilityEvidence] = []
    for (cand, vec), group in groups.items():
        counts = [r.binary_counts() for r in group]
        sources = [f"{r.source_file}@{r.source_sha256[:12]}" for r in group]
        kinds = sorted({r.metric_kind for r in group})
        if all(c is not None for c in counts):
            k = sum(c[0] for c in counts if c)
            n = sum(c[1] for c in counts if c)
            if n == 0:
                continue
            lo, hi = proportion_interval(k, n, method, confidence)
            out.append(CapabilityEvidence(candidate=cand, vector=vec, value=k / n, lower=float(lo),
                                          upper=float(hi), n=n, kinds=kinds, sources=sources,
                                          method=f"pooled pass rate, {method} {confidence:.0%}"))
            continue
        means, ns, vars_ = [], [], []
        for r in group:
            scores = np.array([it.score for it in r.items if it.score is not None], dtype=float)
            if scores.size:
                if scores.min() < 0 or scores.max() > 1:
                    raise EvidenceError(f"{r.source_file}: scores of {r.name} fall outside [0, 1]; "
                                        "rescale before using them as capability evidence")
                means.append(float(scores.mean()))
                ns.append(scores.size)
                vars_.append(float(scores.var(ddof=1)) if scores.size > 1 else 0.25)
            elif r.pass_rate is not None and r.n:
                means.append(r.pass_rate)
                ns.append(r.n)
                vars_.append(r.pass_rate * (1 - r.pass_rate))
        if not ns:
            continue
        w = np.array(ns, dtype=float)
        m = float(np.sum(w * np.array(means)) / w.sum())
        se = float(math.sqrt(np.sum(w * np.array(vars_)) / w.sum() / w.sum()))
        out.append(CapabilityEvidence(candidate=cand, vector=vec, value=min(1.0, max(0.0, m)),
                                      lower=max(0.0, m - z * se), upper=min(1.0, m + z * se), n=int(w.sum()),
                                      kinds=kinds, sources=sources,
                                      method=f"mean score, normal {confidence:.0%}"))
    return out


class EvidenceMatrix(Model):
    """Capability values for the ranking: measured where evidence exists, else the E/A/D prior.

    Arrays are candidates x vectors; ``source`` says which was used per cell.
    """

    candidates: list[str]
    vectors: list[str]
    values: list[list[float | None]]
    lower: list[list[float | None]]
    upper: list[list[float | None]]
    n_eff: list[list[int]]
    source: list[list[Literal["measured", "prior", "unknown"]]]

    def arrays(self) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.int64]]:
        """(values, lower, upper, n_eff) as float arrays (unknown = NaN)."""

        def conv(x: list[list[float | None]]) -> FloatArray:
            return np.array([[np.nan if v is None else v for v in row] for row in x], dtype=float)

        return conv(self.values), conv(self.lower), conv(self.upper), np.array(self.n_eff, dtype=np.int64)


def evidence_matrix(
    candidates: Sequence[Candidate],
    evidence: Iterable[CapabilityEvidence],
    vectors: Sequence[str] = CAPABILITY_VECTORS,
) -> EvidenceMatrix:
    """Build the candidates x vectors matrix; evidence replaces the prior cell by cell (DESIGN 3).

    A prior cell has lower = upper = value (the E/A/D prior has no stated interval).
    """
    names = [c.name for c in candidates]
    col = {v: j for j, v in enumerate(vectors)}
    row = {n: i for i, n in enumerate(names)}
    nc, nv = len(names), len(vectors)
    prior = np.array([[np.nan if (x := c.capability_value(v)) is None else x for v in vectors]
                      for c in candidates], dtype=float).reshape(nc, nv)
    val, lo, hi = prior.copy(), prior.copy(), prior.copy()
    n_eff = np.zeros((nc, nv), dtype=np.int64)
    src = np.where(np.isnan(prior), "unknown", "prior").astype(object)
    for ev in evidence:
        if ev.candidate in row and ev.vector in col:
            i, j = row[ev.candidate], col[ev.vector]
            val[i, j], lo[i, j], hi[i, j], n_eff[i, j] = ev.value, ev.lower, ev.upper, ev.n
            src[i, j] = "measured"

    def tolist(a: FloatArray) -> list[list[float | None]]:
        return [[None if math.isnan(x) else float(x) for x in r] for r in a]

    return EvidenceMatrix(candidates=names, vectors=list(vectors), values=tolist(val), lower=tolist(lo),
                          upper=tolist(hi), n_eff=n_eff.tolist(), source=src.tolist())


def apply_evidence(candidate: Candidate, evidence: Iterable[CapabilityEvidence]) -> Candidate:
    """A copy of ``candidate`` whose capability ratings carry ``measured`` values from the evidence."""
    caps = dict(candidate.capabilities)
    for ev in evidence:
        if ev.candidate != candidate.name:
            continue
        old = caps.get(ev.vector)
        caps[ev.vector] = CapabilityRating(rating=old.rating if old else None, measured=ev.value)
    return candidate.model_copy(update={"capabilities": caps})


def sample_capabilities(
    matrix: EvidenceMatrix,
    n_samples: int,
    seed: int = 0,
    *,
    prior_halfwidth: float = 0.0,
) -> FloatArray:
    """Seeded draws of the capability matrix for SMAA: shape (n_samples, candidates, vectors).

    Measured cells draw from the Jeffreys posterior ``Beta(k + 1/2, n - k + 1/2)`` with
    ``k = value * n`` (its 95 % interval is close to Wilson's; Brown, Cai & DasGupta 2001), so the
    draws follow the evidence interval and stay in [0, 1]. Prior cells are constant, or uniform in
    ``value +/- prior_halfwidth`` (clipped) when a half-width is given. Unknown cells are NaN.
    """
    if n_samples < 1:
        raise ValueError("n_samples must be >= 1")
    val, _lo, _hi, n = matrix.arrays()
    rng = np.random.default_rng(seed)
    measured = np.array(matrix.source, dtype=object) == "measured"
    nn = np.where(measured, n, 1).astype(float)
    k = np.where(measured, np.nan_to_num(val) * nn, 0.5)
    a = np.broadcast_to(k + 0.5, (n_samples, *val.shape))
    b = np.broadcast_to(nn - k + 0.5, (n_samples, *val.shape))
    draws_m = rng.beta(a, b)
    base = np.broadcast_to(val, (n_samples, *val.shape))
    if prior_halfwidth > 0:
        u = rng.uniform(-prior_halfwidth, prior_halfwidth, size=base.shape)
        draws_p = np.clip(base + u, 0.0, 1.0)
    else:
        draws_p = base.copy()
    return np.where(measured[None, :, :], draws_m, draws_p)


def latency_percentiles(run: EvaluationRun, q: Sequence[float] = (50, 95)) -> dict[str, float]:
    """Item latency percentiles in ms (shadow telemetry -> the latency criterion). Empty if none."""
    lat = run.latencies_ms()
    if lat.size == 0:
        return {}
    return {f"p{int(p)}_ms": float(v) for p, v in zip(q, np.percentile(lat, q), strict=True)}


# =========================================================================== benchmark hygiene


class BenchmarkInfo(Model):
    """One row of seed 002's "Benchmark Performance Guide", with hygiene tags."""

    key: str
    name: str
    aliases: list[str]
    target_capability: str
    vector: str | None
    saturated_ceiling: str
    production_gap: str
    harness_dependency: str
    saturated: bool
    contamination_prone: bool
    reason: str

    @property
    def tags(self) -> list[str]:
        return [t for t, on in (("saturated", self.saturated), ("contamination-prone", self.contamination_prone)) if on]


_SEED = "seed 002, Benchmark Performance Guide"
#: Seed 002 "Benchmark Performance Guide" + "Contamination, Saturated Ceilings, and the Task ID Flaw".
BENCHMARK_GUIDE: dict[str, BenchmarkInfo] = {
    b.key: b
    for b in (
        BenchmarkInfo(
            key="mmlu", name="MMLU", aliases=["mmlu"], target_capability="General knowledge",
            vector="reasoning_depth", saturated_ceiling="Saturated (>90%).",
            production_gap="Low correlation to narrow domains.", harness_dependency="Low; straightforward multi-choice.",
            saturated=True, contamination_prone=True,
            reason=f"{_SEED}: saturated; leading models cluster in an 88-94% band where differences are mostly "
                   "noise; static knowledge tests are highly susceptible to contamination",
        ),
        BenchmarkInfo(
            key="mmlu-pro", name="MMLU-Pro", aliases=["mmlu-pro", "mmlu_pro", "mmlupro"],
            target_capability="General knowledge", vector="reasoning_depth", saturated_ceiling="Saturated (>90%).",
            production_gap="Low correlation to narrow domains.", harness_dependency="Low; straightforward multi-choice.",
            saturated=True, contamination_prone=True,
            reason=f"{_SEED}: saturated static knowledge test, susceptible to contamination",
        ),
        BenchmarkInfo(
            key="gpqa-diamond", name="GPQA Diamond", aliases=["gpqa diamond", "gpqa_diamond", "gpqa"],
            target_capability="Scientific deduction", vector="reasoning_depth", saturated_ceiling="High (>94%).",
            production_gap="Fails to measure layout comprehension.",
            harness_dependency="Low; multiple-choice extraction.", saturated=True, contamination_prone=True,
            reason=f"{_SEED}: ceiling high (>94%); static multiple-choice set, susceptible to contamination",
        ),
        BenchmarkInfo(
            key="hle", name="HLE (Human Exam)", aliases=["hle", "humanity's last exam", "humanitys_last_exam"],
            target_capability="Advanced deduction", vector="reasoning_depth", saturated_ceiling="Low (<55%).",
            production_gap="Early stages; limited domain coverage.", harness_dependency="Low; short-answer parsing.",
            saturated=False, contamination_prone=False,
            reason=f"{_SEED}: not saturated (<55%); limited domain coverage",
        ),
        BenchmarkInfo(
            key="swe-bench-verified", name="SWE-bench Verified",
            aliases=["swe-bench verified", "swe-bench-verified", "swe_bench_verified", "swebench_verified"],
            target_capability="Repository coding", vector="code_competence", saturated_ceiling="Saturated (>85%).",
            production_gap="High risk of task-ID contamination.",
            harness_dependency="High; agent scaffolding swings score.", saturated=True, contamination_prone=True,
            reason=f"{_SEED}: saturated (>85%); audits showed models reproducing patches from the task ID alone",
        ),
        BenchmarkInfo(
            key="swe-bench-pro", name="SWE-bench Pro", aliases=["swe-bench pro", "swe-bench-pro", "swe_bench_pro"],
            target_capability="Multi-file development", vector="code_competence", saturated_ceiling="Active (<65%).",
            production_gap="Best simulation of software engineering.",
            harness_dependency="Extreme; harness controls context.", saturated=False, contamination_prone=False,
            reason=f"{_SEED}: active; harness dependency extreme (scaffold swings 10-20 points)",
        ),
        BenchmarkInfo(
            key="terminal-bench-2", name="Terminal-Bench 2.0",
            aliases=["terminal-bench 2.0", "terminal-bench-2.0", "terminal_bench_2", "terminal-bench"],
            target_capability="CLI command control", vector="tool_use_reliability", saturated_ceiling="Active (<70%).",
            production_gap="Excellent command execution proxy.",
            harness_dependency="High; requires active terminal host.", saturated=False, contamination_prone=False,
            reason=f"{_SEED}: active (<70%); requires an active terminal host",
        ),
    )
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_ALIAS_INDEX: list[tuple[str, str]] = sorted(
    ((_norm(alias), key) for key, info in BENCHMARK_GUIDE.items() for alias in info.aliases),
    key=lambda t: -len(t[0]),
)


def benchmark_info(name: str | None) -> BenchmarkInfo | None:
    """The guide row for a benchmark or task name ("mmlu_pro", "gpqa_diamond_zeroshot", ...).

    Longest-alias prefix match on lower-case alphanumerics, so lm-eval subtasks ("mmlu_anatomy")
    map to their benchmark and "mmlu_pro" to MMLU-Pro rather than MMLU. None if not in the guide.
    """
    if not name:
        return None
    n = _norm(name)
    for alias, key in _ALIAS_INDEX:
        if n.startswith(alias):
            return BENCHMARK_GUIDE[key]
    return None


def hygiene_tags(name: str | None) -> list[str]:
    """["saturated", "contamination-prone"] as they apply; [] for active or unknown benchmarks."""
    info = benchmark_info(name)
    return info.tags if info else []


def hygiene_warnings(runs: Iterable[EvaluationRun]) -> list[str]:
    """Warnings for runs on public benchmarks; strongest when a candidate's evidence rests only on them.

    Seed 002: leaderboards give initial signal; the final selection must rest on the workload's own
    harness ("Evaluation-Driven Selection"; anti-pattern "Leaderboard Shopping").
    """
    by_cand: dict[str, list[EvaluationRun]] = {}
    for run in runs:
        by_cand.setdefault(run.name, []).append(run)
    out: list[str] = []
    for cand, rs in by_cand.items():
        public = [r for r in rs if r.metric_kind is MetricKind.public_benchmark]
        for r in public:
            bench = r.benchmark or r.task
            info = benchmark_info(bench)
            if info and info.tags:
                out.append(f"{cand}: {info.name} is {' and '.join(info.tags)} ({info.reason})")
            elif info is None:
                out.append(f"{cand}: {bench or 'public benchmark'} is not in the seed's Benchmark Performance "
                           "Guide; treat it as initial signal only")
        if public and len(public) == len(rs):
            out.append(f"{cand}: the evidence rests only on public benchmarks; run the task's own harness "
                       "(golden set, schema test, ...) before deciding")
    return out


# =========================================================================== name mapping

_PREFIXES = re.compile(r"^(hf|hf-causal|vllm|openai|anthropic|google|gemini|mistral|azure|bedrock|ollama|"
                       r"together|openrouter|mockllm|pretrained=)[/:=]", re.I)


def normalize_model_name(name: str) -> str:
    """Lower-case, drop provider prefixes and path parts, keep alphanumerics ("openai/GPT-4o" -> "gpt4o")."""
    s = name.strip()
    while True:
        t = _PREFIXES.sub("", s)
        if t == s:
            break
        s = t
    s = s.rsplit("/", 1)[-1]
    return _norm(s)


def match_source_models(source_models: Iterable[str], catalog_names: Iterable[str]) -> dict[str, str | None]:
    """Map each source model name to a catalog candidate by normalised exact match; None = ask the user.

    No fuzzy matching: a wrong silent match would attach evidence to the wrong model.
    """
    index: dict[str, str] = {}
    for name in catalog_names:
        index.setdefault(normalize_model_name(name), name)
    return {src: index.get(normalize_model_name(src)) for src in source_models}


def pooled_latency_p95(runs: Iterable[EvaluationRun]) -> float | None:
    """p95 of the per-item latencies (ms) pooled over ``runs``; None when no item has a latency.

    Percentile by linear interpolation between order statistics (numpy's default, Hyndman & Fan
    type 7). This is the measured end-to-end latency the ranking's latency criterion and the p95 SLA
    constraint use in place of the TTFT + decode estimate.
    """
    samples = [run.latencies_ms() for run in runs]
    pooled = np.concatenate(samples) if samples else np.zeros(0)
    return float(np.percentile(pooled, 95)) if pooled.size else None
