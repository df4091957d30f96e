"""A market point: one candidate's blended price, quality and speed (pure; see services.market)."""

from __future__ import annotations

from dataclasses import dataclass

BLEND_INPUT, BLEND_OUTPUT = 3.0, 1.0


@dataclass(frozen=True)
class MarketPoint:
    name: str
    price_usd_per_mtok: float | None  #: blended 3:1
    quality: float | None  #: 0-1, profile-weighted capability score
    speed_tokens_per_s: float | None
    excluded: bool
    reason: str  #: why excluded ('' when eligible)
    rank: int | None  #: rank among eligible candidates


def blended_price(input_per_mtok: float, output_per_mtok: float) -> float:
    """``(3·P_in + 1·P_out) / 4`` USD per 1M tokens (Artificial Analysis' 3:1 blend)."""
    return (BLEND_INPUT * input_per_mtok + BLEND_OUTPUT * output_per_mtok) / (BLEND_INPUT + BLEND_OUTPUT)
