"""Unknown is a range, not a guess: ranges, completeness, rank bounds, draws.

* **Plausible range of an unknown cell** (:func:`cell_ranges`): a capability rating spans D..E
  (0..1 on the E = 1, A = 0.5, D = 0 scale); cost per success, p95 latency and context fit span the
  best to the worst value observed for that criterion over the whole catalog being ranked (so a
  constraint that removes one candidate never moves another's range). A criterion with no observed
  value anywhere has no range (it then scores 0 for everyone, see ``scoring.unknown_ranges``).
* **Evidence**: own per-item evidence is a measured value with its interval (SMAA draws it); a
  benchmark-proxy measurement gets a wider interval (``domain.benchmark_proxy``: the mapping's
  half-width, and an effective n so the SMAA draws spread as wide) and own evidence wins a cell; a
  seed E/A/D rating is a prior (a point value, the seed's judgement) and counts as known.
* **Completeness** = share of the weighted criteria (weight > 0) whose value is known:
  ``known_i / weighted``; "2 of 14 weighted criteria known" (:func:`completeness`).
* **Rank bounds**: with score ranges ``[lo_i, hi_i]`` that vary independently (the normalisation
  reference is the envelope, so they do), the best possible rank of i is ``1 + #{j: lo_j > hi_i}`` and
  the worst ``1 + #{j != i: hi_j > lo_i}``. A candidate's rank *depends on unknowns* when they differ.
* **SMAA draws** of unknown cells (:func:`draw_unknowns`): uniform in the range, Latin-hypercube
  stratified over the K draws (each cell's K draws fall one in each of K equal strata, in random
  order), so a share like "the unknown exceeds 2/3 of its range" is hit to within 1/K.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.domain.models import CAPABILITY_VECTORS, CONTEXT_CRITERION, COST_CRITERION, LATENCY_CRITERION
from workbench.domain.scoring_types import BoolArray, FloatArray, IntArray

RESOLVE: dict[str, str] = {
    **dict.fromkeys(CAPABILITY_VECTORS, "rate it (E/A/D) on Candidates, or import evaluation evidence for this profile"),
    COST_CRITERION: "import a price (LiteLLM price file), or its config.json for a self-hosted GPU cost",
    LATENCY_CRITERION: "enter TTFT p95 and decode speed, or import latency evidence (shadow traffic)",
    CONTEXT_CRITERION: "enter its context window",
}


@dataclass(frozen=True)
class Ranges:
    """Unknown cells as ranges (:func:`unknown_ranges`); arrays are m x n unless noted."""

    point: FloatArray  #: known values; unknown cells at the midpoint of their range (0 when no range)
    lower: FloatArray  #: plausible lower bound (= value where known)
    upper: FloatArray  #: plausible upper bound (= value where known)
    unknown: BoolArray  #: True where the value is unknown
    inert: BoolArray  #: n: no candidate has data and no range exists: the criterion scores 0 for all
    env_lo: FloatArray  #: n: normalisation reference, min of ``lower`` over the candidates
    env_hi: FloatArray  #: n: max of ``upper``

    @property
    def any(self) -> bool:
        return bool(self.unknown.any())


def unknown_ranges(x: FloatArray, cell_lower: FloatArray | None = None,
                   cell_upper: FloatArray | None = None) -> Ranges:
    """Point values, ranges and the normalisation envelope of a candidates x criteria matrix.

    ``cell_lower`` / ``cell_upper`` give the plausible range of each cell (read where ``x`` is NaN;
    NaN there = no range). Unknown point = ``(lower + upper) / 2``. A column where some cell is
    unknown without a range and nobody is known is *inert* (filled with 0, weight ineffective); an
    unknown cell without a range in a column with data takes that column's observed envelope.
    """
    m, n = x.shape
    unknown = np.isnan(x)
    if m == 0 or not unknown.any():
        xt = x.T
        lo = xt.min(axis=1) if m else np.zeros(n)
        hi = xt.max(axis=1) if m else np.ones(n)
        return Ranges(x, x, x, unknown, np.zeros(n, dtype=bool), lo, hi)
    cl = np.full((m, n), np.nan) if cell_lower is None else np.asarray(cell_lower, dtype=np.float64)
    cu = np.full((m, n), np.nan) if cell_upper is None else np.asarray(cell_upper, dtype=np.float64)
    lower = np.where(unknown, cl, x)
    upper = np.where(unknown, cu, x)
    with np.errstate(invalid="ignore"):
        col_lo = np.nanmin(np.where(np.isnan(lower), np.inf, lower), axis=0)
        col_hi = np.nanmax(np.where(np.isnan(upper), -np.inf, upper), axis=0)
    inert = np.asarray(~np.isfinite(col_lo) | ~np.isfinite(col_hi), dtype=bool)
    col_lo = np.where(inert, 0.0, col_lo)
    col_hi = np.where(inert, 0.0, col_hi)
    lower = np.where(np.isnan(lower), col_lo[None, :], lower)
    upper = np.where(np.isnan(upper), col_hi[None, :], upper)
    point = np.asfortranarray(np.where(unknown, 0.5 * (lower + upper), x))
    return Ranges(point, np.asfortranarray(lower), np.asfortranarray(upper), unknown, inert, col_lo, col_hi)


def cell_ranges(values: FloatArray, criteria: Sequence[str]) -> tuple[FloatArray, FloatArray]:
    """Per-cell plausible range ``(lower, upper)`` for the unknown cells of ``values`` (m x n).

    Known cells get their value; unknown capability cells 0..1; unknown cost, latency and context-fit
    cells the observed min..max of their column over all rows (NaN when nobody has a value).
    """
    m, n = values.shape
    unknown = np.isnan(values)
    with np.errstate(all="ignore"):
        any_known = (~unknown).any(axis=0)
        col_lo = np.where(any_known, np.nanmin(np.where(unknown, np.inf, values), axis=0) if m else 0.0, np.nan)
        col_hi = np.where(any_known, np.nanmax(np.where(unknown, -np.inf, values), axis=0) if m else 0.0, np.nan)
    capability = np.array([c in CAPABILITY_VECTORS for c in criteria], dtype=bool)
    col_lo = np.where(capability, 0.0, col_lo)
    col_hi = np.where(capability, 1.0, col_hi)
    lower = np.where(unknown, np.broadcast_to(col_lo, (m, n)), values)
    upper = np.where(unknown, np.broadcast_to(col_hi, (m, n)), values)
    return np.asfortranarray(lower), np.asfortranarray(upper)


def completeness(unknown: BoolArray, weights: FloatArray) -> tuple[FloatArray, IntArray, int]:
    """``(share known, known count, weighted count)`` over the criteria with weight > 0."""
    weighted = weights > 0
    total = int(weighted.sum())
    known = (~unknown[:, weighted]).sum(axis=1).astype(np.intp) if unknown.shape[0] else np.zeros(0, np.intp)
    share = known / total if total else np.ones(unknown.shape[0])
    return share.astype(np.float64), known, total


def rank_bounds(lo: FloatArray, hi: FloatArray) -> tuple[IntArray, IntArray]:
    """Best and worst possible rank of each candidate from independent score ranges (module docstring).

    O(m log m): counts via ``searchsorted`` on the sorted bounds.
    """
    m = lo.shape[0]
    if m == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    lo_sorted = np.sort(lo)
    hi_sorted = np.sort(hi)
    better_for_sure = m - np.searchsorted(lo_sorted, hi, side="right")  # #{j: lo_j > hi_i}
    may_be_better = m - np.searchsorted(hi_sorted, lo, side="right")  # #{j: hi_j > lo_i}, i included if hi_i > lo_i
    may_be_better = may_be_better - (hi > lo)
    return (1 + better_for_sure).astype(np.intp), (1 + may_be_better).astype(np.intp)


def draw_unknowns(lower: FloatArray, upper: FloatArray, unknown: BoolArray, draws: int, seed: int
                  ) -> FloatArray:
    """``draws`` x (number of unknown cells) values, uniform and Latin-hypercube stratified per cell."""
    cells = int(unknown.sum())
    rng = np.random.default_rng(seed)
    strata = rng.permuted(np.broadcast_to(np.arange(draws, dtype=np.float64)[:, None], (draws, cells)), axis=0)
    u = (strata + rng.random((draws, cells))) / draws
    lo = lower[unknown]
    return lo[None, :] + u * (upper[unknown] - lo)[None, :]


def gap_text(known: int, total: int) -> str:
    """"2 of 14 weighted criteria known"."""
    return f"{known} of {total} weighted criteria known"
