"""Extra Economics-page figures (pure: numbers in, plotly Figure out; axis titles carry units)."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from workbench.charts import theme
from workbench.domain.economics import RagComparison
from workbench.domain.economics_view import rag_monthly_curves


def _break_even_label(be: float) -> str:
    """``break-even 1,234/month``; below one query per month ``break-even < 1/month`` (not "1")."""
    return "break-even < 1/month" if be < 1 else f"break-even {math.ceil(be):,}/month"


def rag_chart(rag: RagComparison, *, max_queries: float | None = None,
              title: str = "Context stuffing vs RAG by monthly query volume") -> go.Figure:
    """Monthly USD of stuffing and RAG over queries per month; the break-even volume and the
    current volume marked."""
    be = rag.break_even_queries_per_month
    top = max_queries or max(rag.queries_per_month, be if math.isfinite(be) else 0.0) * 2 or 10_000.0
    q = np.linspace(0.0, top, 201)
    stuff, rag_cost = rag_monthly_curves(rag, q)
    fig = go.Figure()
    fig.add_trace(go.Scatter(name="Context stuffing", x=q, y=stuff, mode="lines",
                             hovertemplate="%{x:,.0f} queries/month: $%{y:,.2f}/month<extra>stuffing</extra>"))
    fig.add_trace(go.Scatter(name="RAG (incl. index amortisation + fixed)", x=q, y=rag_cost, mode="lines",
                             hovertemplate="%{x:,.0f} queries/month: $%{y:,.2f}/month<extra>RAG</extra>"))
    if math.isfinite(be) and be <= top:
        fig.add_vline(x=be, line_dash="dot", line_color=theme.CEILING, annotation_text=_break_even_label(be))
    if rag.queries_per_month > 0:
        fig.add_vline(x=rag.queries_per_month, line_dash="dash", line_color="gray",
                      annotation_text="your volume", annotation_position="bottom right")
    fig.update_layout(title=title, xaxis_title="Queries per month", yaxis_title="Cost (USD per month)",
                      legend={"orientation": "h", "y": -0.2})
    said = (f"At {rag.queries_per_month:,.0f} queries per month context stuffing costs "
            f"${rag.stuffing_monthly_usd:,.2f} and RAG ${rag.rag_monthly_usd:,.2f} per month; "
            + ("RAG is cheaper at any volume." if be < 1 else
               f"RAG is cheaper above {math.ceil(be):,} queries per month." if math.isfinite(be) else
               "RAG is never cheaper."))
    return theme.apply(fig, takeaway=said)
