"""Ranking kernels of the Trade-offs capability: pure numpy over all candidates at once.

Everything here works on plain arrays (``m`` candidates x ``n`` criteria); the adapter from
``Candidate`` / ``Profile`` lives in :mod:`workbench.domain.decision_matrix`. DESIGN.md section 3,
"Scoring", is the spec; ``reference/decisions-signing-excel.md`` section 1 gives the method notes.

Pinned conventions (state them wherever a ranking is shown):

* **Weighted sum (WSM)** uses **min-max normalisation**, benefit-oriented
  (:func:`minmax_normalise`); weights are normalised to sum to 1, so scores lie in [0, 1].
  This is scikit-criteria's ``MinMaxInverter`` followed by ``WeightedSumModel``.
* **TOPSIS** uses **vector normalisation** (:func:`vector_normalise`, Hwang & Yoon 1981), the
  ideal / anti-ideal take each criterion's direction, Euclidean distance, closeness in [0, 1].
  This is scikit-criteria's ``VectorScaler(target="matrix")`` followed by ``TOPSIS()``.
* **Missing data (NaN)** is imputed with the **worst observed value** of that criterion among the
  candidates being ranked (the minimum for a benefit criterion, the maximum for a cost criterion),
  and every imputed cell is reported (:func:`impute_worst`). A criterion nobody has data for
  contributes 0 to every candidate. Never silently zero.
* **Ties** are broken deterministically (:data:`TIE_BREAK_RULE`): score descending, scores equal
  after rounding to :data:`TIE_DECIMALS` decimals count as tied, then name ascending (Unicode
  code-point order), then input order.
* **Hard constraints** never score; they exclude, and every violated constraint of every excluded
  candidate is reported with both values (:func:`evaluate_constraints`). Unknown values fail a
  constraint (fail closed): a constraint that cannot be checked is not met.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]

Method = Literal["wsm", "topsis"]
METHODS: tuple[str, ...] = ("wsm", "topsis")
METHOD_LABELS: dict[str, str] = {"wsm": "Weighted sum (WSM)", "topsis": "TOPSIS"}
NORMALISATION: dict[str, str] = {"wsm": "min-max", "topsis": "vector"}
NORMALISATION_LABELS: dict[str, str] = {
    "min-max": "min-max, benefit-oriented: benefit (x - min)/(max - min), cost (max - x)/(max - min); "
    "a constant criterion scores 1",
    "vector": "vector: x / sqrt(sum of x^2) per criterion; direction enters through the ideal "
    "(max for benefit, min for cost) and anti-ideal",
}
#: Decimal places at which two scores count as equal (floating-point noise is far below this).
TIE_DECIMALS = 12
TIE_BREAK_RULE = (
    f"score descending (equal when equal to {TIE_DECIMALS} decimal places), then name ascending "
    "(Unicode code-point order), then input order"
)
IMPUTATION_POLICY = (
    "unknown value -> worst observed value of that criterion among the ranked candidates "
    "(minimum for a benefit criterion, maximum for a cost criterion); a criterion no ranked "
    "candidate has data for contributes 0 to every candidate"
)


class ScoringError(ValueError):
    """Bad input to a ranking kernel (shape, NaN weights, all-zero weights, ...)."""


# --------------------------------------------------------------------------- validation


def as_matrix(values: ArrayLike, name: str = "matrix") -> FloatArray:
    """Return ``values`` as a 2-D float64 array; NaN allowed (unknown), +-inf rejected."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2:
        raise ScoringError(f"{name} must be 2-D (candidates x criteria), got shape {x.shape}")
    if np.isinf(x).any():
        rows, cols = np.nonzero(np.isinf(x))
        raise ScoringError(f"{name} has an infinite value at row {int(rows[0])}, column {int(cols[0])}")
    return x


def take_rows(x: FloatArray, index: ArrayLike) -> FloatArray:
    """Rows ``index`` of ``x``, Fortran-ordered (criteria contiguous), the kernels' fast layout.

    The kernels reduce per criterion; with a Fortran-ordered matrix those reductions run over
    contiguous memory (about 10x faster than over a C-ordered candidates x criteria matrix).
    """
    out: FloatArray = np.take(x.T, np.asarray(index, dtype=np.intp), axis=1).T
    return out


def as_benefit(benefit: ArrayLike, n: int) -> BoolArray:
    """Direction mask: True = benefit (higher is better), False = cost (lower is better)."""
    b = np.asarray(benefit, dtype=bool)
    if b.shape != (n,):
        raise ScoringError(f"benefit mask must have shape ({n},), got {b.shape}")
    return b


def normalise_weights(weights: ArrayLike, criteria: Sequence[str] | None = None) -> FloatArray:
    """Validate criterion weights and scale them to sum to 1: ``w_j / sum_k w_k``.

    Raises :class:`ScoringError` (a ``ValueError``) naming the criterion for a NaN, infinite or
    negative weight, and with a clear message when every weight is zero (no division by zero).
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1:
        raise ScoringError(f"weights must be 1-D, got shape {w.shape}")
    if criteria is not None and len(criteria) != w.shape[0]:
        raise ScoringError(f"{w.shape[0]} weights for {len(criteria)} criteria")

    def _name(j: int) -> str:
        return criteria[j] if criteria is not None else f"criterion {j}"

    bad = np.flatnonzero(~np.isfinite(w))
    if bad.size:
        raise ScoringError(f"weight of {_name(int(bad[0]))} is not a finite number")
    negative = np.flatnonzero(w < 0)
    if negative.size:
        raise ScoringError(f"weight of {_name(int(negative[0]))} is negative ({w[negative[0]]:g}); use >= 0")
    total = float(w.sum())
    if total <= 0.0:
        raise ScoringError("all criterion weights are zero: set at least one weight above zero to rank")
    return w / total


# --------------------------------------------------------------------------- missing data


@dataclass(frozen=True)
class Imputation:
    """Result of :func:`impute_worst`."""

    filled: FloatArray  #: m x n, NaN replaced (the input itself when nothing was missing)
    imputed: BoolArray  #: m x n, True where a value was missing
    fill_values: FloatArray  #: n, the value used per criterion (NaN when the column was all missing)
    all_missing: BoolArray  #: n, criterion with no observed value at all

    @property
    def any(self) -> bool:
        return bool(self.imputed.any())


def impute_worst(x: FloatArray, benefit: BoolArray) -> Imputation:
    """Replace NaN by the worst observed value of its column.

    ``fill_j = min_i x_ij`` for a benefit criterion, ``max_i x_ij`` for a cost criterion, over the
    observed (non-NaN) values. A column with no observed value is filled with 0 and flagged in
    ``all_missing`` (callers then give it no influence). Policy: DESIGN.md 3 / issue 3 "Bad input".
    """
    imputed = np.isnan(x)
    m, n = x.shape
    if m == 0 or not imputed.any():
        return Imputation(x, imputed, np.full(n, np.nan), np.zeros(n, dtype=bool))
    col_min = np.where(imputed, np.inf, x).T.min(axis=1)
    col_max = np.where(imputed, -np.inf, x).T.max(axis=1)
    all_missing: BoolArray = np.asarray(imputed.T.all(axis=1), dtype=bool)
    worst = np.where(benefit, col_min, col_max)
    fill_values = np.where(all_missing, np.nan, worst)
    filled = np.where(imputed, np.where(all_missing, 0.0, worst)[None, :], x)
    return Imputation(filled, imputed, fill_values, all_missing)


# --------------------------------------------------------------------------- normalisation


def minmax_affine(x: FloatArray, benefit: BoolArray) -> tuple[FloatArray, FloatArray]:
    """Per-criterion ``(a, c)`` with ``n_ij = a_j * x_ij + c_j`` = the min-max normalisation below.

    Benefit: ``a = 1/(max - min)``, ``c = -min/(max - min)``; cost: ``a = -1/(max - min)``,
    ``c = max/(max - min)``; constant column: ``a = 0``, ``c = 1``.
    """
    if x.shape[0] == 0:
        return np.zeros(x.shape[1]), np.ones(x.shape[1])
    xt = x.T  # criteria-major: contiguous per criterion when x is Fortran-ordered
    lo = xt.min(axis=1)
    hi = xt.max(axis=1)
    span = hi - lo
    constant = span <= 0
    inv = 1.0 / np.where(constant, 1.0, span)
    a = np.where(constant, 0.0, np.where(benefit, inv, -inv))
    c = np.where(constant, 1.0, np.where(benefit, -lo * inv, hi * inv))
    return a, c


def minmax_normalise(x: FloatArray, benefit: BoolArray) -> FloatArray:
    """Benefit-oriented min-max normalisation into [0, 1].

    ``n_ij = (x_ij - min_j) / (max_j - min_j)`` for a benefit criterion and
    ``n_ij = (max_j - x_ij) / (max_j - min_j)`` for a cost criterion, so 1 is always best
    (computed as the affine map of :func:`minmax_affine`). A constant column (``max_j == min_j``)
    maps to 1 for everyone: every candidate is at the best observed value (scikit-criteria
    ``MinMaxInverter`` maps it to 0 instead; the ranking is the same, since a constant shifts every
    score equally). Source: scikit-criteria ``MinMaxInverter``; reference/decisions-signing-excel.md
    "Normalisation pitfalls".
    """
    a, c = minmax_affine(x, benefit)
    out = x * a
    out += c
    return out


def vector_norms(x: FloatArray) -> FloatArray:
    """``sqrt(sum_i x_ij^2)`` per criterion, with 1 in place of 0 (a zero column stays zero)."""
    xt = x.T
    norm = np.sqrt(np.einsum("ji,ji->j", xt, xt))
    return np.where(norm > 0, norm, 1.0)


def vector_normalise(x: FloatArray) -> FloatArray:
    """Vector normalisation per criterion: ``r_ij = x_ij / sqrt(sum_i x_ij^2)``.

    Direction is not applied here: TOPSIS handles it through the ideal and anti-ideal points.
    A column of zeros stays 0. Source: Hwang & Yoon (1981); scikit-criteria ``VectorScaler``.
    """
    return x / vector_norms(x)


# --------------------------------------------------------------------------- methods


class ScoreOutput:
    """Scores of one method; the per-criterion breakdown is computed on first access.

    ``scores`` (m, higher is better, in [0, 1]); ``normalised`` (m x n, the matrix the method
    worked on); ``contributions`` (m x n, per-criterion share of the score; rows sum to ``scores``).
    """

    def __init__(self, scores: FloatArray, normalised: Callable[[], FloatArray],
                 contributions: Callable[[FloatArray], FloatArray]) -> None:
        self.scores = scores
        self._normalised_fn = normalised
        self._contributions_fn = contributions

    @cached_property
    def normalised(self) -> FloatArray:
        return self._normalised_fn()

    @cached_property
    def contributions(self) -> FloatArray:
        return self._contributions_fn(self.normalised)


def weighted_sum(x: FloatArray, benefit: BoolArray, weights: FloatArray, *,
                 inert: BoolArray | None = None) -> ScoreOutput:
    """Weighted sum model on min-max normalised values.

    ``S_i = sum_j w_j * n_ij`` with ``w`` summing to 1 and ``n`` from :func:`minmax_normalise`;
    the contribution of criterion j is ``w_j * n_ij`` (they add up to the score). Computed as
    ``S = x @ (w * a) + w . c`` with the affine map of :func:`minmax_affine` (no m x n temporary).
    Columns flagged ``inert`` (e.g. no data at all) are set to 0. Source: Fishburn (1967);
    scikit-criteria ``WeightedSumModel``.
    """
    a, c = minmax_affine(x, benefit)
    if inert is not None and inert.any():
        a = np.where(inert, 0.0, a)
        c = np.where(inert, 0.0, c)
    scores = (weights * a) @ x.T + float(weights @ c)

    def normalised() -> FloatArray:
        out = x * a
        out += c
        return out

    return ScoreOutput(scores, normalised, lambda n: n * weights)


def topsis(x: FloatArray, benefit: BoolArray, weights: FloatArray) -> ScoreOutput:
    """TOPSIS on vector-normalised values (Hwang & Yoon 1981).

    ``v_ij = w_j * r_ij``; ideal ``v+_j = max_i v_ij`` for benefit, ``min_i v_ij`` for cost, the
    anti-ideal ``v-_j`` the other way; ``D+_i = ||v_i - v+||``, ``D-_i = ||v_i - v-||`` (Euclidean);
    closeness ``C_i = D-_i / (D+_i + D-_i)``. When every candidate is identical on the weighted
    criteria (``D+ = D- = 0``) the closeness is 1. Computed as ``D+^2 = ((x - x+)^2) @ s^2`` with
    ``s = w / ||x_j||`` (weights are >= 0, so the ideal of ``v`` is ``s`` times the ideal of ``x``).

    TOPSIS is not additive, so the breakdown is an attribution: the closeness split in proportion
    to each criterion's share of the squared distance to the anti-ideal,
    ``c_ij = C_i * (v_ij - v-_j)^2 / D-_i^2`` (``C_i * w_j`` when ``D+ = D- = 0``).
    Worked example (Tzeng & Huang 2011, as in scikit-criteria's tests): closeness 0.5037, 0.6581,
    0.7482, 0.3340.
    """
    norms = vector_norms(x)
    if x.shape[0] == 0:
        return ScoreOutput(np.zeros(0), lambda: x / norms, lambda n: n.copy())
    s = weights / norms
    s2 = s * s
    xt = x.T  # criteria-major: contiguous per criterion when x is Fortran-ordered
    xmax = xt.max(axis=1)
    xmin = xt.min(axis=1)
    ideal = np.where(benefit, xmax, xmin)
    anti = np.where(benefit, xmin, xmax)
    d = xt - ideal[:, None]
    d *= d
    dp2 = s2 @ d
    np.subtract(xt, anti[:, None], out=d)
    d *= d
    dm2 = s2 @ d
    d_plus = np.sqrt(dp2)
    d_minus = np.sqrt(dm2)
    denom = d_plus + d_minus
    positive = denom > 0
    closeness = np.where(positive, d_minus / np.where(positive, denom, 1.0), 1.0)

    def contributions(r: FloatArray) -> FloatArray:
        per = ((x - anti) * s) ** 2
        share = np.where(dm2[:, None] > 0, per / np.where(dm2 > 0, dm2, 1.0)[:, None],
                         np.where(positive[:, None], 0.0, weights[None, :]))
        return closeness[:, None] * share

    return ScoreOutput(closeness, lambda: x / norms, contributions)


def score(method: str, x: FloatArray, benefit: BoolArray, weights: FloatArray, *,
          inert: BoolArray | None = None) -> ScoreOutput:
    """Dispatch to :func:`weighted_sum` or :func:`topsis` (``method`` = "wsm" | "topsis")."""
    if method == "wsm":
        return weighted_sum(x, benefit, weights, inert=inert)
    if method == "topsis":
        return topsis(x, benefit, weights)
    raise ScoringError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")


# --------------------------------------------------------------------------- ordering


def name_order_key(names: Sequence[str]) -> IntArray:
    """Position of each name in ascending code-point order (input order breaks equal names).

    Precompute once per candidate set; :func:`rank_order` uses it as the tie-breaker.
    """
    order = np.argsort(np.asarray(names, dtype=object).astype(str), kind="stable")
    key = np.empty(len(names), dtype=np.intp)
    key[order] = np.arange(len(names), dtype=np.intp)
    return key


@dataclass(frozen=True)
class Ordering:
    order: IntArray  #: candidate indices, best first
    rank: IntArray  #: 1-based position of each candidate (input order), unique
    tied: BoolArray  #: per candidate: same rounded score as the candidate ranked just above it


def rank_order(scores: FloatArray, tiebreak: IntArray) -> Ordering:
    """Deterministic ordering: see :data:`TIE_BREAK_RULE`.

    ``tiebreak`` holds unique non-negative ints (:func:`name_order_key` of the names), so the
    order is total. Two scores are equal when ``rint(score * 10^TIE_DECIMALS)`` is equal. Ranks are
    positions 1..m after the tie-break; tied candidates are flagged, not given equal ranks.

    Implementation: the integer score key and the tie-break are packed into one int64 and sorted
    (a plain integer sort is several times faster than argsort/lexsort); when the keys do not fit
    (scores far outside [0, 1]) a lexsort gives the same order.
    """
    m = scores.shape[0]
    tb = np.asarray(tiebreak, dtype=np.int64)
    if tb.shape != (m,):
        raise ScoringError(f"tiebreak must have shape ({m},), got {tb.shape}")
    tied = np.zeros(m, dtype=bool)
    rank = np.empty(m, dtype=np.intp)
    if m == 0:
        return Ordering(np.zeros(0, dtype=np.intp), rank, tied)
    if not np.isfinite(scores).all():
        raise ScoringError("scores must be finite")
    scaled = scores * 10.0**TIE_DECIMALS
    top = float(scaled.max())
    spread = top - float(scaled.min())
    tb_max = int(tb.max())
    bits = max(1, tb_max.bit_length())
    if tb.min() >= 0 and spread < 2.0 ** (62 - bits) and abs(top) < 2.0**62:
        k = np.rint(scaled).astype(np.int64)
        loss = k.max() - k  # >= 0, smaller = better
        packed = (loss << bits) | tb
        packed.sort()
        local = np.empty(tb_max + 1, dtype=np.intp)
        local[tb] = np.arange(m, dtype=np.intp)
        order = local[packed & ((1 << bits) - 1)]
        loss_sorted = packed >> bits
    else:
        neg = -np.rint(scaled)
        order = np.lexsort((tb, neg)).astype(np.intp)
        loss_sorted = neg[order]
    if m > 1:
        tied[order[1:]] = loss_sorted[1:] == loss_sorted[:-1]
    rank[order] = np.arange(1, m + 1, dtype=np.intp)
    return Ordering(order, rank, tied)


# --------------------------------------------------------------------------- Pareto


def pareto_front(objectives: FloatArray, maximise: ArrayLike) -> BoolArray:
    """Non-dominated mask over rows of ``objectives`` (m x k).

    Row a dominates row b when a is at least as good on every objective and strictly better on
    one (scikit-criteria ``FilterNonDominated(strict=False)`` semantics); equal rows do not
    dominate each other. Rows with a NaN are never on the front (the caller reports them).

    Algorithm (skyline sweep): sort rows by the sum of their min-oriented, min-max scaled
    objectives (then lexicographically); the first remaining row cannot be dominated by any
    remaining row, so it is on the front; drop every row it dominates (one vectorised comparison)
    and repeat. Cost O(m * front size), each step vectorised over all remaining rows.
    """
    f = np.asarray(objectives, dtype=np.float64)
    if f.ndim != 2:
        raise ScoringError(f"objectives must be 2-D, got shape {f.shape}")
    mx = np.asarray(maximise, dtype=bool)
    if mx.shape != (f.shape[1],):
        raise ScoringError(f"maximise mask must have shape ({f.shape[1]},), got {mx.shape}")
    front = np.zeros(f.shape[0], dtype=bool)
    valid = np.flatnonzero(~np.isnan(f).any(axis=1))
    if valid.size == 0:
        return front
    g = np.where(mx, -f[valid], f[valid])  # minimise everything
    lo, hi = g.min(axis=0), g.max(axis=0)
    scaled = (g - lo) / np.where(hi > lo, hi - lo, 1.0)
    keys = [g[:, j] for j in range(g.shape[1] - 1, -1, -1)] + [scaled.sum(axis=1)]
    remaining = np.lexsort(keys)
    while remaining.size:
        p = remaining[0]
        front[valid[p]] = True
        rest = remaining[1:]
        gr = g[rest]
        dominated = (gr >= g[p]).all(axis=1) & (gr > g[p]).any(axis=1)
        remaining = rest[~dominated]
    return front


# --------------------------------------------------------------------------- constraints


def _fmt_number(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


class Check(Protocol):
    """A hard constraint evaluated over all candidates at once."""

    @property
    def key(self) -> str: ...

    @property
    def requirement(self) -> str: ...

    def violated(self) -> BoolArray: ...

    def reasons(self, i: int) -> list[str]: ...


@dataclass(frozen=True)
class ThresholdCheck:
    """Numeric bound: ``values >= threshold`` (kind "min") or ``values <= threshold`` (kind "max").

    Reason text: ``"<label> <value> < <word> <threshold>"``, e.g. "context 128K < required 200K";
    an unknown value reads "context unknown; required 200K".
    """

    key: str
    label: str
    values: FloatArray
    threshold: float
    kind: Literal["min", "max"]
    word: str = "required"
    fmt: Callable[[float], str] = _fmt_number

    @property
    def requirement(self) -> str:
        op = ">=" if self.kind == "min" else "<="
        return f"{self.label} {op} {self.fmt(self.threshold)}"

    def violated(self) -> BoolArray:
        with np.errstate(invalid="ignore"):
            ok = self.values >= self.threshold if self.kind == "min" else self.values <= self.threshold
        return ~ok  # NaN compares False -> violated (fail closed)

    def reasons(self, i: int) -> list[str]:
        v = float(self.values[i])
        if np.isnan(v):
            return [f"{self.label} unknown; {self.word} {self.fmt(self.threshold)}"]
        op = "<" if self.kind == "min" else ">"
        return [f"{self.label} {self.fmt(v)} {op} {self.word} {self.fmt(self.threshold)}"]


@dataclass(frozen=True)
class SetCheck:
    """Set requirement over k items: the candidate must offer ``all`` wanted items, or ``any`` one.

    ``offered`` is m x k, ``known`` m (False = nothing recorded, which fails), ``wanted`` k.
    Reason text: "residency: offers us, required eu"; lists join with " + " (all) or " or " (any).
    """

    key: str
    label: str
    offered: BoolArray
    known: BoolArray
    wanted: BoolArray
    mode: Literal["all", "any"]
    items: tuple[str, ...]
    word: str = "required"
    shown: BoolArray | None = None  #: m x k items to display as offered (default: ``offered``)

    def _wanted_text(self) -> str:
        sep = " + " if self.mode == "all" else " or "
        return sep.join(self.items[j] for j in np.flatnonzero(self.wanted))

    @property
    def requirement(self) -> str:
        return f"{self.label}: {self.word} {self._wanted_text()}"

    def violated(self) -> BoolArray:
        if self.mode == "all":
            ok = ~(self.wanted & ~self.offered).any(axis=1)
        else:
            ok = (self.offered & self.wanted).any(axis=1)
        return ~(ok & self.known)

    def reasons(self, i: int) -> list[str]:
        if not self.known[i]:
            return [f"{self.label}: unknown, {self.word} {self._wanted_text()}"]
        shown = self.offered if self.shown is None else self.shown
        offered = " + ".join(self.items[j] for j in np.flatnonzero(shown[i])) or "none"
        text = f"{self.label}: offers {offered}, {self.word} {self._wanted_text()}"
        if self.mode == "all":
            missing = ", ".join(self.items[j] for j in np.flatnonzero(self.wanted & ~self.offered[i]))
            text += f" (missing {missing})"
        return [text]


@dataclass(frozen=True)
class ForbiddenCheck:
    """The candidate must carry none of the forbidden items (e.g. licence restrictions).

    ``present`` is m x k, ``known`` m (unknown fails), ``forbidden`` k; ``phrases[j]`` is the full
    reason for item j, e.g. "license forbids unlicensed professional (...) practice".
    """

    key: str
    label: str
    present: BoolArray
    known: BoolArray
    forbidden: BoolArray
    phrases: tuple[str, ...]
    short: tuple[str, ...]

    @property
    def requirement(self) -> str:
        return f"{self.label} free of: " + ", ".join(self.short[j] for j in np.flatnonzero(self.forbidden))

    def violated(self) -> BoolArray:
        return ~self.known | (self.present & self.forbidden).any(axis=1)

    def reasons(self, i: int) -> list[str]:
        if not self.known[i]:
            return [f"{self.label} unknown; cannot confirm it allows this use ({self.requirement})"]
        return [self.phrases[j] for j in np.flatnonzero(self.present[i] & self.forbidden)]


@dataclass(frozen=True)
class FlagCheck:
    """A precomputed yes/no constraint with a fixed reason (e.g. "closed weights; open weights required")."""

    key: str
    requirement: str
    failing: BoolArray
    reason: str

    def violated(self) -> BoolArray:
        return self.failing

    def reasons(self, i: int) -> list[str]:
        return [self.reason]


@dataclass(frozen=True)
class ReasonCheck:
    """A constraint evaluated elsewhere (e.g. GPU memory fit): one reason per failing candidate, None = passes."""

    key: str
    requirement: str
    outcome: tuple[str | None, ...]

    def violated(self) -> BoolArray:
        return np.array([reason is not None for reason in self.outcome], dtype=bool)

    def reasons(self, i: int) -> list[str]:
        reason = self.outcome[i]
        return [reason] if reason is not None else []


@dataclass(frozen=True)
class ConstraintImpact:
    key: str
    requirement: str
    excluded: int  #: candidates this constraint excludes (they may fail others too)
    sole_blocker: int  #: candidates excluded by this constraint alone: relaxing it brings them back


@dataclass(frozen=True)
class ConstraintEvaluation:
    """Violation masks of all checks over all candidates."""

    checks: tuple[Check, ...]
    masks: BoolArray  #: c x m, True = candidate violates check c
    feasible: BoolArray  #: m, violates nothing

    @property
    def violations(self) -> BoolArray:
        """m x c view of :attr:`masks`."""
        return self.masks.T

    def reasons(self, i: int) -> list[str]:
        """Every violated constraint of candidate ``i``, as human text with both values."""
        out: list[str] = []
        for c in np.flatnonzero(self.masks[:, i]):
            out.extend(self.checks[c].reasons(i))
        return out

    def violated_keys(self, i: int) -> list[str]:
        return [self.checks[c].key for c in np.flatnonzero(self.masks[:, i])]

    def impacts(self) -> list[ConstraintImpact]:
        """Per constraint: how many it excludes and how many it alone excludes; tightest first."""
        if not self.checks:
            return []
        excluded = self.masks.sum(axis=1)
        sole = (self.masks & (self.masks.sum(axis=0) == 1)[None, :]).sum(axis=1)
        items = [ConstraintImpact(ch.key, ch.requirement, int(excluded[c]), int(sole[c]))
                 for c, ch in enumerate(self.checks)]
        return sorted(items, key=lambda it: (-it.excluded, -it.sole_blocker, it.key))


def evaluate_constraints(checks: Sequence[Check], m: int) -> ConstraintEvaluation:
    """Evaluate every check over all ``m`` candidates: one vectorised mask per constraint."""
    if checks:
        masks = np.stack([np.asarray(ch.violated(), dtype=bool) for ch in checks])
        if masks.shape[1] != m:
            raise ScoringError(f"constraint masks have {masks.shape[1]} entries for {m} candidates")
        feasible = ~np.logical_or.reduce(masks, axis=0)
    else:
        masks = np.zeros((0, m), dtype=bool)
        feasible = np.ones(m, dtype=bool)
    return ConstraintEvaluation(tuple(checks), masks, np.asarray(feasible, dtype=bool))
