"""Tipping points: how far a weight or a price must move to swap two candidates.

**Weight stability interval (weighted sum).** With raw weights ``W`` (the sliders; the method divides
by ``sum W``, which does not change a sign) and normalised rows ``n_a`` (winner) and ``n_b``
(challenger), the winner stays ahead while ``D(W) = sum_j W_j (n_aj - n_bj) > 0``. Changing only
``W_k`` to ``W_k'`` gives ``D = D0 + (W_k' - W_k) d_k`` with ``d_k = n_ak - n_bk``, so they swap at

    ``W_k* = W_k - D0 / d_k``

(a weight is never below 0). ``d_k > 0``: the winner stays ahead for ``W_k' > W_k*``, the interval is
``[max(0, W_k*), inf)``; ``d_k < 0``: for ``W_k' < W_k*``, ``[0, W_k*]``; ``d_k = 0``: the weight
cannot swap them. This is the one-at-a-time sensitivity of Triantaphyllou & Sánchez (1997) for WSM
(their "absolute-change" criticality), exact because the min-max reference does not depend on the
weights. TOPSIS is not linear in the weights, so weight tipping points are stated for WSM only.

**Price threshold.** The cost-per-success value of one candidate at which the two swap under the
ranking's own method, found by bisection on the re-scored matrix (the normalisation reference moves
when the new cost leaves the envelope, so it is not linear); a service turns the cost into an output
price per 1M tokens with the economics module (cost per success is affine in the output price).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from workbench.domain import scoring
from workbench.domain.ranking_result import TippingPoint
from workbench.domain.scoring import Ranges
from workbench.domain.scoring_types import BoolArray, FloatArray


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def weight_tipping_points(normalised: FloatArray, raw_weights: FloatArray, criteria: Sequence[str],
                          labels: dict[str, str], winner: int, challenger: int, winner_name: str,
                          challenger_name: str) -> list[TippingPoint]:
    """Stability interval of every weighted-sum weight for ``winner`` against ``challenger`` (rows)."""
    d = normalised[winner] - normalised[challenger]
    d0 = float(raw_weights @ d)
    out: list[TippingPoint] = []
    for k, criterion in enumerate(criteria):
        dk = float(d[k])
        wk = float(raw_weights[k])
        label = labels.get(criterion, criterion)
        if abs(dk) < 1e-12:
            continue
        threshold = wk - d0 / dk
        if dk > 0:
            if threshold <= 0:
                continue  # lowering this weight to 0 keeps the winner ahead
            interval: list[float | None] = [threshold, None]
            text = (f"{challenger_name} overtakes {winner_name} if the {label} weight drops below "
                    f"{_fmt(threshold)} (now {_fmt(wk)})")
        else:
            interval = [0.0, threshold]
            text = (f"{challenger_name} overtakes {winner_name} if the {label} weight rises above "
                    f"{_fmt(threshold)} (now {_fmt(wk)})")
        out.append(TippingPoint(kind="weight", criterion=criterion, candidate=challenger_name, current=wk,
                                threshold=round(threshold, 12), interval=interval, text=text))
    out.sort(key=lambda t: abs((t.threshold or 0.0) - t.current) / max(t.current, 1e-9))
    return out


def _rescored(method: str, ranges: Ranges, benefit: BoolArray, weights: FloatArray, row: int, column: int,
              value: float) -> FloatArray:
    point = np.array(ranges.point, dtype=np.float64, copy=True)
    point[row, column] = value
    lo = np.array(ranges.env_lo, copy=True)
    hi = np.array(ranges.env_hi, copy=True)
    lo[column] = min(lo[column], value, float(point[:, column].min()))
    hi[column] = max(hi[column], value, float(point[:, column].max()))
    if not ranges.any:  # no envelope in force: the reference is the column min / max
        lo[column] = float(point[:, column].min())
        hi[column] = float(point[:, column].max())
    if method == "wsm":
        return scoring.weighted_sum(point, benefit, weights, inert=ranges.inert, lo=lo, hi=hi).scores
    return scoring.topsis(point, benefit, weights, lo=lo, hi=hi).scores


def cost_threshold(method: str, ranges: Ranges, benefit: BoolArray, weights: FloatArray, column: int,
                   mover: int, other: int, mover_wins: bool, iterations: int = 60) -> float | None:
    """The value of ``point[mover, column]`` (a cost criterion) at which ``mover`` and ``other`` swap.

    ``mover_wins``: the mover is behind now and the threshold is the cost below which it wins (search
    0..current); otherwise the mover leads and the threshold is the cost above which it loses (search
    current..1000 x current). None when no cost in the search range swaps them.
    """
    current = float(ranges.point[mover, column])
    if not math.isfinite(current) or current <= 0:
        return None

    def ahead(value: float) -> bool:
        s = _rescored(method, ranges, benefit, weights, mover, column, value)
        return bool(s[mover] > s[other])

    lo, hi = (0.0, current) if mover_wins else (current, current * 1000.0)
    if mover_wins and not ahead(lo):
        return None
    if not mover_wins and ahead(hi):
        return None
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        if ahead(mid):  # the mover is ahead at lo and behind at hi in both cases
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
