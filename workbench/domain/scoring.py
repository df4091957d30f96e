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
* **Unknown data (NaN) is a range, never a guess**: every unknown cell carries a
  plausible range ``[lower, upper]`` (a capability D..E, a price or latency from the best to the
  worst observed value; :mod:`workbench.domain.unknowns` builds them). The point value of an unknown
  cell is the midpoint of its range (the mean of the uniform draw SMAA uses); each candidate also
  gets a score range, its worst and best case over its own unknowns (:func:`score_bounds`). A
  criterion nobody has data for has no range and contributes 0 to every candidate.
* **Normalisation reference** (min-max bounds, TOPSIS ideal / anti-ideal) is the envelope of the
  ranked candidates' ranges per criterion: ``min_i lower_ij`` .. ``max_i upper_ij``. With no unknowns
  this is the observed min / max (scikit-criteria's convention); with unknowns it does not move
  with the value an unknown takes, so one candidate's unknowns never shift another's score.
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
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from workbench.domain.scoring_types import BoolArray, FloatArray, IntArray, ScoringError
from workbench.domain.unknowns import Ranges, unknown_ranges

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
    "unknown value -> its plausible range (capability D..E = 0..1; cost, latency, context fit: best to worst "
    "observed over the catalog); point score at the range midpoint, score range = worst..best case over the "
    "candidate's own unknowns, SMAA draws unknowns uniformly from their ranges; a criterion no candidate has "
    "data for contributes 0 to every candidate. No imputation by worst observed value."
)


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


# --------------------------------------------------------------------------- normalisation


def minmax_affine(x: FloatArray, benefit: BoolArray, lo: FloatArray | None = None,
                  hi: FloatArray | None = None) -> tuple[FloatArray, FloatArray]:
    """Per-criterion ``(a, c)`` with ``n_ij = a_j * x_ij + c_j`` = the min-max normalisation below.

    Benefit: ``a = 1/(max - min)``, ``c = -min/(max - min)``; cost: ``a = -1/(max - min)``,
    ``c = max/(max - min)``; constant column: ``a = 0``, ``c = 1``. ``lo`` / ``hi`` override the
    column min / max (the envelope of the unknowns' ranges, :class:`Ranges`).
    """
    if x.shape[0] == 0:
        return np.zeros(x.shape[1]), np.ones(x.shape[1])
    xt = x.T  # criteria-major: contiguous per criterion when x is Fortran-ordered
    lo = xt.min(axis=1) if lo is None else lo
    hi = xt.max(axis=1) if hi is None else hi
    span = hi - lo
    constant = span <= 0
    inv = 1.0 / np.where(constant, 1.0, span)
    a = np.where(constant, 0.0, np.where(benefit, inv, -inv))
    c = np.where(constant, 1.0, np.where(benefit, -lo * inv, hi * inv))
    return a, c


def minmax_normalise(x: FloatArray, benefit: BoolArray, lo: FloatArray | None = None,
                     hi: FloatArray | None = None) -> FloatArray:
    """Benefit-oriented min-max normalisation into [0, 1].

    ``n_ij = (x_ij - min_j) / (max_j - min_j)`` for a benefit criterion and
    ``n_ij = (max_j - x_ij) / (max_j - min_j)`` for a cost criterion, so 1 is always best
    (computed as the affine map of :func:`minmax_affine`). A constant column (``max_j == min_j``)
    maps to 1 for everyone: every candidate is at the best observed value (scikit-criteria
    ``MinMaxInverter`` maps it to 0 instead; the ranking is the same, since a constant shifts every
    score equally). Source: scikit-criteria ``MinMaxInverter``; reference/decisions-signing-excel.md
    "Normalisation pitfalls".
    """
    a, c = minmax_affine(x, benefit, lo, hi)
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
                 inert: BoolArray | None = None, lo: FloatArray | None = None,
                 hi: FloatArray | None = None) -> ScoreOutput:
    """Weighted sum model on min-max normalised values.

    ``S_i = sum_j w_j * n_ij`` with ``w`` summing to 1 and ``n`` from :func:`minmax_normalise`;
    the contribution of criterion j is ``w_j * n_ij`` (they add up to the score). Computed as
    ``S = x @ (w * a) + w . c`` with the affine map of :func:`minmax_affine` (no m x n temporary).
    Columns flagged ``inert`` (e.g. no data at all) are set to 0; ``lo`` / ``hi`` override the
    normalisation bounds (the envelope of :class:`Ranges`). Source: Fishburn (1967);
    scikit-criteria ``WeightedSumModel``.
    """
    a, c = _wsm_affine(x, benefit, inert, lo, hi)
    scores = (weights * a) @ x.T + float(weights @ c)

    def normalised() -> FloatArray:
        out = x * a
        out += c
        return out

    return ScoreOutput(scores, normalised, lambda n: n * weights)


def _wsm_affine(x: FloatArray, benefit: BoolArray, inert: BoolArray | None, lo: FloatArray | None,
                hi: FloatArray | None) -> tuple[FloatArray, FloatArray]:
    a, c = minmax_affine(x, benefit, lo, hi)
    if inert is not None and inert.any():
        a = np.where(inert, 0.0, a)
        c = np.where(inert, 0.0, c)
    return a, c


def _topsis_reference(x: FloatArray, benefit: BoolArray, weights: FloatArray, lo: FloatArray | None,
                      hi: FloatArray | None) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``(norms, s^2, ideal, anti)`` in raw units; ideal / anti from the column min / max or the envelope."""
    norms = vector_norms(x)
    s = weights / norms
    xt = x.T  # criteria-major: contiguous per criterion when x is Fortran-ordered
    xmax = xt.max(axis=1) if hi is None else hi
    xmin = xt.min(axis=1) if lo is None else lo
    return norms, s * s, np.where(benefit, xmax, xmin), np.where(benefit, xmin, xmax)


def _closeness(x: FloatArray, s2: FloatArray, ideal: FloatArray, anti: FloatArray
               ) -> tuple[FloatArray, FloatArray, BoolArray]:
    """``(C, D-^2, positive)`` per row of ``x`` for fixed reference points (raw units, s = w / norm)."""
    xt = x.T
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
    return np.where(positive, d_minus / np.where(positive, denom, 1.0), 1.0), dm2, positive


def topsis(x: FloatArray, benefit: BoolArray, weights: FloatArray, *, lo: FloatArray | None = None,
           hi: FloatArray | None = None) -> ScoreOutput:
    """TOPSIS on vector-normalised values (Hwang & Yoon 1981).

    ``v_ij = w_j * r_ij``; ideal ``v+_j = max_i v_ij`` for benefit, ``min_i v_ij`` for cost, the
    anti-ideal ``v-_j`` the other way; ``D+_i = ||v_i - v+||``, ``D-_i = ||v_i - v-||`` (Euclidean);
    closeness ``C_i = D-_i / (D+_i + D-_i)``. When every candidate is identical on the weighted
    criteria (``D+ = D- = 0``) the closeness is 1. Computed as ``D+^2 = ((x - x+)^2) @ s^2`` with
    ``s = w / ||x_j||`` (weights are >= 0, so the ideal of ``v`` is ``s`` times the ideal of ``x``).
    ``lo`` / ``hi`` replace the column min / max in the ideal and anti-ideal (the envelope of
    :class:`Ranges`, so that unknowns' ranges lie between them).

    TOPSIS is not additive, so the breakdown is an attribution: the closeness split in proportion
    to each criterion's share of the squared distance to the anti-ideal,
    ``c_ij = C_i * (v_ij - v-_j)^2 / D-_i^2`` (``C_i * w_j`` when ``D+ = D- = 0``).
    Worked example (Tzeng & Huang 2011, as in scikit-criteria's tests): closeness 0.5037, 0.6581,
    0.7482, 0.3340.
    """
    if x.shape[0] == 0:
        norms = vector_norms(x)
        return ScoreOutput(np.zeros(0), lambda: x / norms, lambda n: n.copy())
    norms, s2, ideal, anti = _topsis_reference(x, benefit, weights, lo, hi)
    closeness, dm2, positive = _closeness(x, s2, ideal, anti)
    s = np.sqrt(s2)

    def contributions(r: FloatArray) -> FloatArray:
        per = ((x - anti) * s) ** 2
        share = np.where(dm2[:, None] > 0, per / np.where(dm2 > 0, dm2, 1.0)[:, None],
                         np.where(positive[:, None], 0.0, weights[None, :]))
        return closeness[:, None] * share

    return ScoreOutput(closeness, lambda: x / norms, contributions)


def score(method: str, x: FloatArray, benefit: BoolArray, weights: FloatArray, *,
          inert: BoolArray | None = None, ranges: Ranges | None = None) -> ScoreOutput:
    """Dispatch to :func:`weighted_sum` or :func:`topsis` (``method`` = "wsm" | "topsis").

    With ``ranges`` the point matrix is ``ranges.point`` (pass it as ``x``) and the normalisation
    reference is the envelope of the ranges.
    """
    lo = ranges.env_lo if ranges is not None and ranges.any else None
    hi = ranges.env_hi if ranges is not None and ranges.any else None
    if method == "wsm":
        return weighted_sum(x, benefit, weights, inert=inert, lo=lo, hi=hi)
    if method == "topsis":
        return topsis(x, benefit, weights, lo=lo, hi=hi)
    raise ScoringError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")


def reference_points(method: str, x: FloatArray, benefit: BoolArray, ranges: Ranges | None = None,
                     inert: BoolArray | None = None) -> tuple[FloatArray, FloatArray]:
    """The method's ideal and anti-ideal per criterion, in the units of its normalised matrix.

    WSM: the min-max image of the best and worst reference value (1 and 0; a constant criterion 1 and
    1; an inert one 0 and 0). TOPSIS: ``ideal_j / ||x_j||`` and ``anti_j / ||x_j||`` (raw ideal = max for
    benefit, min for cost, over the column or the envelope of the ranges).
    """
    lo = ranges.env_lo if ranges is not None and ranges.any else None
    hi = ranges.env_hi if ranges is not None and ranges.any else None
    if x.shape[0] == 0:
        return np.ones(x.shape[1]), np.zeros(x.shape[1])
    xt = x.T
    top = xt.max(axis=1) if hi is None else hi
    bottom = xt.min(axis=1) if lo is None else lo
    best, worst = np.where(benefit, top, bottom), np.where(benefit, bottom, top)
    if method == "wsm":
        a, c = _wsm_affine(x, benefit, inert, lo, hi)
        return a * best + c, a * worst + c
    norms = vector_norms(x)
    return best / norms, worst / norms


def weighted_sum_of_normalised(normalised: FloatArray, weights: FloatArray) -> FloatArray:
    """``S_i = sum_j w_j n_ij / sum_j w_j`` on an already normalised, higher-is-better matrix (the
    Excel sheet's ``SUMPRODUCT(weights, row) / SUM(weights)``)."""
    w = np.asarray(weights, dtype=np.float64)
    return np.asarray(normalised, dtype=np.float64) @ (w / w.sum())


def closeness_of_normalised(normalised: FloatArray, weights: FloatArray, ideal: FloatArray,
                            anti: FloatArray) -> FloatArray:
    """TOPSIS closeness of already normalised rows against given reference points (the Excel sheet's
    live formula): ``D± = sqrt(sum_j (w_j / sum w)^2 (n_ij - ref_j)^2)``, ``C = D- / (D+ + D-)``, and 1
    when ``D+ = D- = 0`` (every candidate identical on the weighted criteria), as :func:`topsis`."""
    n = np.asarray(normalised, dtype=np.float64)
    if n.shape[0] == 0:
        return np.zeros(0)
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    return _closeness(n, w * w, np.asarray(ideal, dtype=np.float64), np.asarray(anti, dtype=np.float64))[0]


def score_bounds(method: str, ranges: Ranges, benefit: BoolArray, weights: FloatArray,
                 scores: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Each candidate's worst and best score over its own unknowns (others held at their points).

    The normalisation reference is the envelope, which does not depend on the values the unknowns
    take, so a candidate's score is monotone in each of its own cells: the best case puts every
    unknown at the favourable end of its range (``upper`` for a benefit criterion, ``lower`` for a
    cost), the worst case at the other end. WSM: ``S = w.(a * x) + w.c`` is linear, so this is exact.
    TOPSIS: closeness grows as a cell moves from the anti-ideal to the ideal (``D+`` falls, ``D-``
    rises); the vector norms stay those of the point matrix. Known candidates get ``(score, score)``.
    """
    if not ranges.any:
        return scores, scores
    best_x = np.where(benefit, ranges.upper, ranges.lower)
    worst_x = np.where(benefit, ranges.lower, ranges.upper)
    lo, hi = ranges.env_lo, ranges.env_hi
    if method == "wsm":
        a, c = _wsm_affine(ranges.point, benefit, ranges.inert, lo, hi)
        wa, base = weights * a, float(weights @ c)
        return wa @ worst_x.T + base, wa @ best_x.T + base
    _norms, s2, ideal, anti = _topsis_reference(ranges.point, benefit, weights, lo, hi)
    return _closeness(worst_x, s2, ideal, anti)[0], _closeness(best_x, s2, ideal, anti)[0]


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


__all__ = ["BoolArray", "FloatArray", "IntArray", "Ranges", "ScoringError", "unknown_ranges"]
