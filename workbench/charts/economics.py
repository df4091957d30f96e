"""Plotly figures for the Economics page. Pure functions: domain result -> Figure (no Streamlit).

Axis titles carry units: USD per successful outcome, USD per month, requests per month, etc.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from workbench.domain.economics import (
    CONCURRENCY_TRAP_BATCH,
    COST_COMPONENT_LABELS,
    COST_COMPONENTS,
    ROUTING_LABELS,
    BestThreshold,
    CandidateCosts,
    CrossoverResult,
    Options,
    RoutingComparison,
    SpeculativeCurve,
    ThresholdSweep,
    VolumeComparison,
    cascade_break_even_rate,
    cascade_expected_cost,
)
from workbench.domain.money import usd_per_success

_COLORS = ("#4C78A8", "#72B7B2", "#F58518", "#E45756", "#B279A2", "#9D755D")


def cost_breakdown_bar(costs: CandidateCosts, *, title: str = "Cost per successful outcome") -> go.Figure:
    """Stacked bar per candidate: components of the cost per successful outcome (USD). Candidates
    without pricing get no bar and are listed as 'pricing unknown' in the x label."""
    names = [n if known else f"{n} (pricing unknown)" for n, known in zip(costs.names, costs.pricing_known, strict=True)]
    fig = go.Figure()
    for color, key in zip(_COLORS, COST_COMPONENTS, strict=True):
        values = costs.success.components_usd[key]
        fig.add_trace(go.Bar(
            name=COST_COMPONENT_LABELS[key], x=names, y=values, marker_color=color,
            hovertemplate="%{x}<br>" + COST_COMPONENT_LABELS[key] + ": $%{y:.6f}<extra></extra>",
        ))
    totals = costs.success.total_usd
    fig.add_trace(go.Scatter(
        name="Total", x=names, y=totals, mode="text", showlegend=False,
        text=[usd_per_success(float(t)) for t in totals],
        textposition="top center",
    ))
    fig.update_layout(barmode="stack", title=title, xaxis_title="Candidate",
                      yaxis_title="USD per successful outcome", legend_title="Component")
    return fig


def crossover_chart(options: Options, result: CrossoverResult, *, title: str = "Cost-quality crossover") -> go.Figure:
    """Quality (%) vs cost per success (USD) of every candidate x effort tier; each candidate's
    tiers joined by a line, the cheapest-option frontier as a step line and each crossover point
    marked with its explanation in the hover."""
    fig = go.Figure()
    cost = options.cost_per_success_usd
    quality = options.quality * 100.0
    for n, cand in enumerate(dict.fromkeys(options.candidates)):
        idx = [i for i, c in enumerate(options.candidates) if c == cand]
        fig.add_trace(go.Scatter(
            name=cand, x=cost[idx], y=quality[idx], mode="lines+markers+text",
            text=[options.tiers[i] for i in idx], textposition="top center",
            marker={"size": 9, "color": _COLORS[n % len(_COLORS)]}, line={"dash": "dot"},
            hovertemplate="%{text}: %{y:.1f}%, $%{x:.5f} per success<extra>" + cand + "</extra>",
        ))
    if result.segments:
        xs: list[float] = []
        ys: list[float] = []
        for seg in result.segments:
            xs += [seg.cost_per_success_usd, seg.cost_per_success_usd]
            ys += [seg.q_from * 100.0, seg.q_to * 100.0]
        fig.add_trace(go.Scatter(name="Cheapest at required quality", x=xs, y=ys, mode="lines",
                                 line={"color": "black", "width": 2}, hoverinfo="skip"))
    if result.crossovers:
        fig.add_trace(go.Scatter(
            name="Crossover points", mode="markers",
            x=[c.to_cost_usd for c in result.crossovers], y=[c.at_quality * 100.0 for c in result.crossovers],
            marker={"symbol": "x", "size": 13, "color": "crimson"},
            text=[c.explanation for c in result.crossovers], hovertemplate="%{text}<extra></extra>",
        ))
        for c in result.crossovers:
            fig.add_hline(y=c.at_quality * 100.0, line_dash="dash", line_color="crimson", opacity=0.4)
    fig.update_layout(title=title, xaxis_title="Cost per successful outcome (USD)",
                      yaxis_title="Quality / required quality (%)", legend_title="Candidate")
    return fig


def volume_chart(comp: VolumeComparison, *, title: str = "API vs self-hosting by monthly volume") -> go.Figure:
    """Monthly cost (USD) of the API and of self-hosting over requests per month, crossovers marked."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(name="API (per token)", x=comp.volumes, y=comp.api_monthly_usd, mode="lines"))
    fig.add_trace(go.Scatter(name="Self-hosted (GPU hours)", x=comp.volumes, y=comp.self_host_monthly_usd,
                             mode="lines", line={"shape": "hv"}))
    vmax = float(comp.volumes.max()) if comp.volumes.size else 0.0
    shown = comp.crossings[comp.crossings <= vmax] if vmax else comp.crossings
    if shown.size:
        api_rate = float(comp.api_monthly_usd[-1] / comp.volumes[-1]) if vmax else 0.0
        fig.add_trace(go.Scatter(
            name="Crossover", x=shown, y=shown * api_rate, mode="markers",
            marker={"symbol": "x", "size": 13, "color": "crimson"},
            hovertemplate="%{x:,.0f} requests/month, $%{y:,.2f}/month<extra>crossover</extra>",
        ))
        for v in shown:
            fig.add_vline(x=float(v), line_dash="dash", line_color="crimson", opacity=0.5)
    fig.update_layout(title=title, xaxis_title="Requests per month", yaxis_title="Cost (USD per month)")
    fig.add_annotation(text=comp.explanation, xref="paper", yref="paper", x=0, y=1.08, showarrow=False,
                       align="left", font={"size": 11})
    return fig


def cascade_escalation_chart(
    cheap_cost: float, premium_cost: float, escalation_rate: float, *, judge_cost: float = 0.0,
    cost_unit: str = "USD per request", title: str = "Cascade cost vs escalation rate",
) -> go.Figure:
    """``E[C] = C_L + C_J + p*C_H`` over p in [0, 1], premium-direct as a line, break-even and the
    current rate marked."""
    p = np.linspace(0.0, 1.0, 101)
    ec = cascade_expected_cost(cheap_cost, premium_cost, p, judge_cost)
    fig = go.Figure()
    fig.add_trace(go.Scatter(name="Cascade E[C]", x=p * 100, y=ec, mode="lines"))
    fig.add_trace(go.Scatter(name="Premium direct", x=[0, 100], y=[premium_cost, premium_cost], mode="lines",
                             line={"dash": "dash"}))
    current = float(cascade_expected_cost(cheap_cost, premium_cost, escalation_rate, judge_cost))
    fig.add_trace(go.Scatter(name="Current", x=[escalation_rate * 100], y=[current], mode="markers",
                             marker={"size": 12, "color": "black"}))
    be = float(cascade_break_even_rate(cheap_cost, premium_cost, judge_cost)) if premium_cost > 0 else -1.0
    if 0.0 < be <= 1.0:
        fig.add_vline(x=be * 100, line_dash="dot", line_color="crimson",
                      annotation_text=f"break-even {be * 100:.1f}%")
    fig.update_layout(title=title, xaxis_title="Escalation rate P(s_L < tau) (%)", yaxis_title=f"Expected cost ({cost_unit})")
    return fig


def cascade_sweep_chart(
    sweep: ThresholdSweep, best: BestThreshold | None = None, *, target_quality: float | None = None,
    cost_unit: str = "USD per request", title: str = "Cascade cost and quality over tau",
) -> go.Figure:
    """Expected cost (left axis) and expected quality (right axis, %) over tau; premium-direct
    cost dashed; the best tau for the target quality marked."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(name="Expected cost", x=sweep.tau, y=sweep.expected_cost, mode="lines",
                             line={"shape": "hv"}, yaxis="y"))
    fig.add_trace(go.Scatter(name="Expected quality", x=sweep.tau, y=sweep.expected_quality * 100, mode="lines",
                             line={"shape": "hv"}, yaxis="y2",
                             customdata=sweep.escalation_rate * 100,
                             hovertemplate="tau %{x:.4g}: %{y:.1f}% quality, %{customdata:.1f}% escalated<extra></extra>"))
    fig.add_trace(go.Scatter(name="Premium direct cost", x=[sweep.tau[0], sweep.tau[-1]],
                             y=[sweep.premium_direct_cost] * 2, mode="lines", line={"dash": "dash"}, yaxis="y"))
    if target_quality is not None:
        fig.add_trace(go.Scatter(name="Target quality", x=[sweep.tau[0], sweep.tau[-1]], y=[target_quality * 100] * 2,
                                 mode="lines", line={"dash": "dot"}, yaxis="y2"))
    if best is not None:
        fig.add_vline(x=best.tau, line_color="crimson", annotation_text=f"best tau {best.tau:.3g}")
    fig.update_layout(
        title=title, xaxis_title="Threshold tau (escalate when confidence < tau)",
        yaxis={"title": f"Expected cost ({cost_unit})"},
        yaxis2={"title": "Expected quality (%)", "overlaying": "y", "side": "right", "range": [0, 100]},
    )
    return fig


def routing_chart(comp: RoutingComparison, *, title: str = "Routing strategies") -> go.Figure:
    """Cost per success (USD) per routing strategy, quality and latency in the labels and hover."""
    labels = [ROUTING_LABELS[s] for s in comp.strategies]
    fig = go.Figure(go.Bar(
        x=labels, y=comp.cost_per_success_usd,
        text=[f"{q * 100:.1f}% · {lat:,.0f} ms" for q, lat in zip(comp.quality, comp.latency_ms, strict=True)],
        textposition="outside",
        customdata=np.stack([comp.quality * 100, comp.latency_ms, comp.savings_vs_premium], axis=-1),
        hovertemplate="%{x}<br>$%{y:.6f} per success<br>quality %{customdata[0]:.1f}%<br>"
                      "latency %{customdata[1]:,.0f} ms<br>%{customdata[2]:.2f}x vs premium<extra></extra>",
    ))
    fig.update_layout(title=title, xaxis_title="Routing strategy", yaxis_title="Cost per successful outcome (USD)")
    return fig


def speculative_chart(curve: SpeculativeCurve, *, title: str = "Speculative decoding speed-up vs batch size") -> go.Figure:
    """Expected speed-up (x) over batch size; no-gain line at 1x; the seed's concurrency-trap zone
    (batch > 16) shaded; the model's break-even batch marked."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(name="Expected speed-up", x=curve.batch, y=curve.speedup, mode="lines+markers"))
    xmax = float(curve.batch.max()) if curve.batch.size else CONCURRENCY_TRAP_BATCH * 2
    fig.add_vrect(x0=CONCURRENCY_TRAP_BATCH, x1=max(xmax, CONCURRENCY_TRAP_BATCH + 1), fillcolor="crimson",
                  opacity=0.12, line_width=0, annotation_text="concurrency trap (batch > 16)",
                  annotation_position="top left")
    fig.add_hline(y=1.0, line_dash="dash", annotation_text="no gain")
    if math.isfinite(curve.break_even_batch) and curve.break_even_batch > 0:
        fig.add_vline(x=curve.break_even_batch, line_dash="dot",
                      annotation_text=f"break-even {curve.break_even_batch:.1f}")
    fig.update_layout(title=title, xaxis_title="Concurrent batch size (sequences)",
                      yaxis_title="Speed-up vs plain decoding (x)")
    return fig
