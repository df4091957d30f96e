"""The market scatter: every candidate's blended price (log) against quality, marker area by speed,
excluded candidates grey, the leader and the top of the ranking named. Pure: points in, Figure out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import plotly.graph_objects as go

from workbench.charts import theme
from workbench.domain.market import MarketPoint

LABELLED = 8  # the top of the ranking named on the chart; every point is named in its hover


def _size(speed: float | None, top: float) -> float:
    """Marker diameter (px): area proportional to output tokens/s, 8..30 px; 9 px for unknown speed."""
    if speed is None or top <= 0:
        return 9.0
    return 8.0 + 22.0 * math.sqrt(speed / top)


def market_scatter(points: Sequence[MarketPoint], *, leader: str | None = None,
                   title: str = "The market: price, quality and speed") -> go.Figure:
    shown = [p for p in points if p.price_usd_per_mtok and p.price_usd_per_mtok > 0 and p.quality is not None]
    top = max((p.speed_tokens_per_s or 0.0 for p in shown), default=0.0)
    fig = go.Figure()
    groups = (("Excluded by the profile", [p for p in shown if p.excluded], theme.EXCLUDED),
              ("Eligible", [p for p in shown if not p.excluded], theme.PALETTE[0]))
    for name, group, colour in groups:
        if not group:
            continue
        fig.add_trace(go.Scatter(
            name=name, mode="markers", x=[p.price_usd_per_mtok for p in group],
            y=[100.0 * float(p.quality) for p in group],  # type: ignore[arg-type]
            marker={"size": [_size(p.speed_tokens_per_s, top) for p in group], "color": colour,
                    "opacity": 0.85, "line": {"width": 1, "color": "white"},
                    "symbol": ["circle" if p.speed_tokens_per_s else "circle-open" for p in group]},
            customdata=[[escape(p.name), "unknown" if p.speed_tokens_per_s is None else
                         f"{p.speed_tokens_per_s:,.0f} tokens/s", escape(p.reason[:140]) or
                         f"rank {p.rank}"] for p in group],
            hovertemplate="%{customdata[0]}<br>$%{x:.3f} per 1M tokens (3:1 blend)<br>quality %{y:.1f}%<br>"
                          "%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
        ))
    named = sorted((p for p in shown if p.rank is not None), key=lambda p: p.rank or 0)[:LABELLED]
    if named:
        fig.add_trace(go.Scatter(
            name="Top of the ranking", mode="text", showlegend=False, hoverinfo="skip",
            x=[p.price_usd_per_mtok for p in named], y=[100.0 * float(p.quality) for p in named],  # type: ignore[arg-type]
            text=[(f"<b>{escape(p.name)}</b>" if p.name == leader else escape(p.name)) for p in named],
            textposition="top center", textfont={"size": theme.TICK_PX, "color": theme.INK}))
    fig.update_layout(title=title, xaxis_title="Blended price (USD per 1M tokens, 3:1 input:output, log scale)",
                      yaxis_title="Quality (profile-weighted capability score, %)",
                      legend={"orientation": "h", "y": -0.2}, height=520)
    theme.cost_axis(fig, axis="x", values=[p.price_usd_per_mtok for p in shown])
    return theme.apply(fig, takeaway=market_takeaway(points, leader))


def market_takeaway(points: Sequence[MarketPoint], leader: str | None) -> str:
    total = len(points)
    eligible = [p for p in points if not p.excluded]
    unshown = sum(1 for p in points if not (p.price_usd_per_mtok and p.quality is not None))
    lead = next((p for p in points if p.name == leader), None)
    text = f"{len(eligible)} of {total} candidates are eligible (excluded ones grey; marker area = output speed)"
    if lead is not None and lead.price_usd_per_mtok and lead.quality is not None:
        better_cheaper = sum(1 for p in eligible if p.name != lead.name and p.price_usd_per_mtok
                             and p.quality is not None and p.price_usd_per_mtok < lead.price_usd_per_mtok
                             and p.quality >= lead.quality)
        text += (f"; the leader {lead.name} scores {100 * lead.quality:.1f}% at ${lead.price_usd_per_mtok:,.3f} "
                 f"per 1M tokens, and {better_cheaper} eligible candidates are cheaper with at least its quality")
    if unshown:
        text += f"; {unshown} without a price or a known quality are not plotted"
    return text + "."
