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
    """Marker diameter (px): area proportional to output tokens/s, 8..30 px; 14 px (open) for unknown speed."""
    if speed is None or top <= 0:
        return 14.0
    return 8.0 + 22.0 * math.sqrt(speed / top)


def _plotted(p: MarketPoint) -> bool:
    return bool(p.price_usd_per_mtok and p.price_usd_per_mtok > 0 and p.quality is not None)


def _hover_row(p: MarketPoint) -> list[str]:
    speed = "unknown speed" if p.speed_tokens_per_s is None else f"{p.speed_tokens_per_s:,.0f} tokens/s"
    return [escape(p.name), speed, escape(p.reason[:140]) or f"rank {p.rank}"]


def _group_trace(name: str, group: Sequence[MarketPoint], colour: str, top: float) -> go.Scatter:
    return go.Scatter(
        name=name, mode="markers", x=[p.price_usd_per_mtok for p in group],
        y=[100.0 * float(p.quality or 0.0) for p in group],
        marker={"size": [_size(p.speed_tokens_per_s, top) for p in group], "color": colour, "opacity": 0.85,
                "line": {"width": 2, "color": colour},
                "symbol": ["circle" if p.speed_tokens_per_s else "circle-open" for p in group]},
        customdata=[_hover_row(p) for p in group],
        hovertemplate="%{customdata[0]}<br>$%{x:.3f} per 1M tokens (3:1 blend)<br>quality %{y:.1f}%<br>"
                      "%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
    )


def market_scatter(points: Sequence[MarketPoint], *, leader: str | None = None,
                   title: str = "The market: price, quality and speed") -> go.Figure:
    shown = [p for p in points if _plotted(p)]
    top = max((p.speed_tokens_per_s or 0.0 for p in shown), default=0.0)
    fig = go.Figure()
    excluded = [p for p in shown if p.excluded]
    eligible = [p for p in shown if not p.excluded]
    if excluded:
        fig.add_trace(_group_trace("Excluded by the profile", excluded, theme.EXCLUDED, top))
    if eligible:
        fig.add_trace(_group_trace("Eligible", eligible, theme.PALETTE[0], top))
    named = sorted((p for p in shown if p.rank is not None), key=lambda p: p.rank or 0)[:LABELLED]
    if named:
        fig.add_trace(go.Scatter(
            name="Top of the ranking", mode="markers+text", showlegend=False, hoverinfo="skip",
            marker={"size": 22, "color": "rgba(0,0,0,0)"},  # invisible: keeps the name clear of the point
            x=[p.price_usd_per_mtok for p in named], y=[100.0 * float(p.quality or 0.0) for p in named],
            text=[(f"<b>{escape(p.name)}</b>" if p.name == leader else escape(p.name)) for p in named],
            textposition="top center", textfont={"size": theme.TICK_PX, "color": theme.INK}))
    fig.update_layout(title=title, xaxis_title="Blended price (USD per 1M tokens, 3:1 input:output, log scale)",
                      yaxis_title="Quality (profile-weighted capability score, %)",
                      legend={"orientation": "h", "y": -0.2}, height=520)
    theme.cost_axis(fig, axis="x", values=[p.price_usd_per_mtok for p in shown])
    return theme.apply(fig, takeaway=market_takeaway(points, leader))


def _cheaper_and_as_good(eligible: Sequence[MarketPoint], lead: MarketPoint) -> int:
    return sum(1 for p in eligible if p.name != lead.name and _plotted(p)
               and (p.price_usd_per_mtok or 0.0) < (lead.price_usd_per_mtok or 0.0)
               and (p.quality or 0.0) >= (lead.quality or 0.0))


def market_takeaway(points: Sequence[MarketPoint], leader: str | None) -> str:
    eligible = [p for p in points if not p.excluded]
    unshown = sum(1 for p in points if not _plotted(p))
    lead = next((p for p in points if p.name == leader), None)
    text = f"{len(eligible)} of {len(points)} candidates are eligible (excluded ones grey; marker area = output speed)"
    if lead is not None and _plotted(lead):
        text += (f"; the leader {lead.name} scores {100 * (lead.quality or 0.0):.1f}% at "
                 f"${lead.price_usd_per_mtok:,.3f} per 1M tokens, and {_cheaper_and_as_good(eligible, lead)} "
                 "eligible candidates are cheaper with at least its quality")
    slow_unknown = sum(1 for p in points if _plotted(p) and p.speed_tokens_per_s is None)
    if slow_unknown:
        text += f"; output speed unknown for {slow_unknown} (open circles)"
    if unshown:
        text += f"; {unshown} without a price or a known quality are not plotted"
    return text + "."
