"""The market at a glance: every candidate's price, quality and speed for one profile, excluded ones
marked (the way Artificial Analysis shows a market: price against intelligence, speed beside it).

- Price: the blended API price in USD per 1M tokens, 3 input : 1 output
  (``(3·P_in + P_out) / 4``, Artificial Analysis' "blended price (3:1)",
  https://artificialanalysis.ai/methodology); None without API pricing.
- Quality: the profile-weighted capability score the ranking reports (``RankedRow.quality``: the
  capability values weighted by the profile's capability weights, 0–1; unknowns at the middle of
  their range). For an excluded candidate the same formula on its matrix row, or None if a weighted
  capability is unknown (never a guess).
- Speed: the catalog's output tokens per second (None = unknown).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine

from workbench.domain.market import MarketPoint, blended_price
from workbench.domain.models import CAPABILITY_VECTORS
from workbench.services.decide import Decision, decide


@dataclass(frozen=True)
class Market:
    profile: str
    points: tuple[MarketPoint, ...]
    leader: str | None
    quality_definition: str


def _excluded_quality(decision: Decision) -> dict[str, float | None]:
    """Quality of excluded candidates from their matrix rows; None where a weighted capability is unknown."""
    ranking, matrix = decision.ranking, decision.matrix
    caps = [c for c in ranking.criteria if c in CAPABILITY_VECTORS]
    cols = [list(matrix.criteria).index(c) for c in caps]
    w = np.array([ranking.weights.get(c, 0.0) for c in caps])
    out: dict[str, float | None] = {}
    for e in ranking.excluded:
        row = matrix.values[list(matrix.names).index(e.name), cols]
        weighted = w > 0
        if w.sum() <= 0 or np.isnan(row[weighted]).any():
            out[e.name] = None
        else:
            out[e.name] = float(np.dot(np.nan_to_num(row), w) / w.sum())
    return out


def market(engine: Engine, profile_name: str) -> Market:
    """Every candidate of the workspace as a market point for ``profile_name``'s ranking."""
    decision = decide(engine, profile_name)
    ranking = decision.ranking
    ranked = {r.name: r for r in ranking.rows}
    reasons = {e.name: "; ".join(e.reasons) for e in ranking.excluded}
    excluded_q = _excluded_quality(decision)
    points = []
    for c in decision.candidates:
        price = blended_price(c.pricing.input_per_mtok, c.pricing.output_per_mtok) if c.pricing else None
        row = ranked.get(c.name)
        points.append(MarketPoint(
            name=c.name, price_usd_per_mtok=price,
            quality=row.quality if row is not None else excluded_q.get(c.name),
            speed_tokens_per_s=c.latency.output_tokens_per_s, excluded=c.name in reasons,
            reason=reasons.get(c.name, ""), rank=row.rank if row is not None else None))
    return Market(profile=profile_name, points=tuple(points), leader=ranking.winner,
                  quality_definition=ranking.quality_definition)
