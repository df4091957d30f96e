"""Plotly figures for the Economics page. Pure functions: domain result -> Figure (no Streamlit).

Axis titles carry units: USD per successful outcome, USD per month, requests per month, etc.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from workbench.charts import theme
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

_COLORS = theme.PALETTE
_ABOVE = "#E69F00"  # orange: priced, but above the profile's cost ceiling


def cost_breakdown_bar(costs: CandidateCosts, *, title: str = "Cost per successful outcome",
                       ceiling: float | None = None, excluded: Sequence[str] = ()) -> go.Figure:
    """One bar per candidate: its cost per successful outcome (USD, log scale, so a $0.34 model does
    not flatten the $0.001 ones), the components (input, output, retries, review, ...) in the hover;
    the profile's cost ceiling drawn; candidates the profile excludes in grey, those above the
    ceiling in orange. Candidates without pricing get no bar ("pricing unknown" in the label)."""
    names = [n if known else f"{n} (pricing unknown)" for n, known in zip(costs.names, costs.pricing_known, strict=True)]
    totals = np.asarray(costs.success.total_usd, dtype=float)
    out = set(excluded)
    colours = [theme.EXCLUDED if n in out else (_ABOVE if ceiling and t > ceiling else theme.PALETTE[0])
               for n, t in zip(costs.names, totals, strict=True)]
    parts = np.stack([np.asarray(costs.success.components_usd[k], dtype=float) for k in COST_COMPONENTS], axis=-1)
    status = ["excluded by the profile" if n in out else ("above the ceiling" if ceiling and t > ceiling else
                                                          "eligible") for n, t in zip(costs.names, totals, strict=True)]
    hover = "<br>".join(f"{COST_COMPONENT_LABELS[k]}: $%{{customdata[{i}]:.6f}}"
                        for i, k in enumerate(COST_COMPONENTS))
    fig = go.Figure(go.Bar(
        name="Cost per success", x=names, y=np.where(totals > 0, totals, np.nan), marker_color=colours,
        text=[usd_per_success(float(t)) for t in totals], textposition="outside", cliponaxis=False,
        customdata=np.concatenate([parts, np.array(status, dtype=object)[:, None]], axis=-1),
        hovertemplate="%{x}: $%{y:.6f} per success (%{customdata[" + str(len(COST_COMPONENTS)) + "]})<br>"
                      + hover + "<extra></extra>",
    ))
    fig.update_layout(title=title, xaxis_title="Candidate", yaxis_title="USD per successful outcome (log scale)",
                      showlegend=False)
    theme.cost_axis(fig, axis="y", ceiling=ceiling, values=totals)
    return theme.apply(fig, takeaway=cost_takeaway(costs.names, totals, ceiling, out))


def cost_takeaway(names: Sequence[str], totals: Any, ceiling: float | None, excluded: set[str]) -> str:
    """'Cheapest per success: A at $0.0012; 3 of 5 within the $0.01 ceiling; 1 excluded by the profile.'"""
    priced = [(float(t), n) for n, t in zip(names, totals, strict=True) if t == t and t > 0 and n not in excluded]
    if not priced:
        return "No eligible candidate has a price for this workload."
    best_cost, best = min(priced)
    text = f"Cheapest eligible per success: {best} at {usd_per_success(best_cost)}"
    if ceiling:
        inside = sum(1 for t, _ in priced if t <= ceiling)
        text += f"; {inside} of {len(priced)} priced eligible candidates within the ${ceiling:,.4g} ceiling"
    if excluded:
        text += f"; {len(excluded & set(names))} excluded by the profile (grey)"
    return text + "."


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
                                 line={"color": theme.INK, "width": 2}, hoverinfo="skip"))
    if result.crossovers:
        fig.add_trace(go.Scatter(
            name="Crossover points", mode="markers",
            x=[c.to_cost_usd for c in result.crossovers], y=[c.at_quality * 100.0 for c in result.crossovers],
            marker={"symbol": "x", "size": 13, "color": theme.CEILING},
            text=[c.explanation for c in result.crossovers], hovertemplate="%{text}<extra></extra>",
        ))
        for c in result.crossovers:
            fig.add_hline(y=c.at_quality * 100.0, line_dash="dash", line_color=theme.CEILING, opacity=0.4)
    fig.update_layout(title=title, xaxis_title="Cost per successful outcome (USD, log scale)",
                      yaxis_title="Quality / required quality (%)", legend_title="Candidate")
    theme.cost_axis(fig, axis="x", values=cost)
    if result.crossovers:
        said = " ".join(c.explanation for c in result.crossovers)
    elif result.segments:
        said = (f"{result.segments[0].label} is the cheapest per success at every required quality up to "
                f"{result.max_quality * 100:.1f}%.")
    else:
        said = "No option reaches any required quality."
    return theme.apply(fig, takeaway=said)


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
            marker={"symbol": "x", "size": 13, "color": theme.CEILING},
            hovertemplate="%{x:,.0f} requests/month, $%{y:,.2f}/month<extra>crossover</extra>",
        ))
        for v in shown:
            fig.add_vline(x=float(v), line_dash="dash", line_color=theme.CEILING, opacity=0.5)
    fig.update_layout(title=title, xaxis_title="Requests per month", yaxis_title="Cost (USD per month)",
                      legend={"orientation": "h", "y": -0.22})
    return theme.apply(fig, takeaway=comp.explanation)


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
                             marker={"size": 12, "color": theme.INK}))
    be = float(cascade_break_even_rate(cheap_cost, premium_cost, judge_cost)) if premium_cost > 0 else -1.0
    if 0.0 < be <= 1.0:
        fig.add_vline(x=be * 100, line_dash="dot", line_color=theme.CEILING,
                      annotation_text=f"break-even {be * 100:.1f}%")
    fig.update_layout(title=title, xaxis_title="Escalation rate P(s_L < tau) (%)", yaxis_title=f"Expected cost ({cost_unit})")
    verdict = "cheaper" if current < premium_cost else "not cheaper"
    where = (f"; it stops paying above {be * 100:.1f}% escalation" if 0.0 < be <= 1.0
             else "; it never pays" if be <= 0.0 else "")
    return theme.apply(fig, takeaway=f"At {escalation_rate * 100:.1f}% escalation the cascade costs {current:.6g} "
                                     f"{cost_unit} against {premium_cost:.6g} premium-direct ({verdict}){where}.")


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
        fig.add_vline(x=best.tau, line_color=theme.CEILING, annotation_text=f"best tau {best.tau:.3g}")
    fig.update_layout(
        title=title, xaxis_title="Threshold tau (escalate when confidence < tau)",
        yaxis={"title": f"Expected cost ({cost_unit})"},
        yaxis2={"title": "Expected quality (%)", "overlaying": "y", "side": "right", "range": [0, 100]},
    )
    said = ("No threshold reaches the target quality." if best is None else
            f"Escalating below tau {best.tau:.3g} ({best.escalation_rate * 100:.1f}% escalated) gives "
            f"{best.expected_quality * 100:.1f}% quality at {best.expected_cost:.6g} {cost_unit}, against "
            f"{float(sweep.premium_direct_cost):.6g} premium-direct.")
    return theme.apply(fig, takeaway=said)


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
    best = int(np.nanargmin(comp.cost_per_success_usd)) if len(labels) else None
    said = ("No strategy." if best is None else
            f"Cheapest per success: {labels[best]} at {usd_per_success(float(comp.cost_per_success_usd[best]))}, "
            f"{comp.quality[best] * 100:.1f}% quality, {comp.latency_ms[best]:,.0f} ms mean latency.")
    return theme.apply(fig, takeaway=said)


def speculative_chart(curve: SpeculativeCurve, *, title: str = "Speculative decoding speed-up vs batch size") -> go.Figure:
    """Expected speed-up (x) over batch size; no-gain line at 1x; the seed's concurrency-trap zone
    (batch > 16) shaded; the model's break-even batch marked."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(name="Expected speed-up", x=curve.batch, y=curve.speedup, mode="lines+markers"))
    xmax = float(curve.batch.max()) if curve.batch.size else CONCURRENCY_TRAP_BATCH * 2
    fig.add_vrect(x0=CONCURRENCY_TRAP_BATCH, x1=max(xmax, CONCURRENCY_TRAP_BATCH + 1), fillcolor=theme.CEILING,
                  opacity=0.12, line_width=0, annotation_text="concurrency trap (batch > 16)",
                  annotation_position="top left")
    fig.add_hline(y=1.0, line_dash="dash", annotation_text="no gain")
    if math.isfinite(curve.break_even_batch) and curve.break_even_batch > 0:
        fig.add_vline(x=curve.break_even_batch, line_dash="dot",
                      annotation_text=f"break-even {curve.break_even_batch:.1f}")
    fig.update_layout(title=title, xaxis_title="Concurrent batch size (sequences)",
                      yaxis_title="Speed-up vs plain decoding (x)")
    peak = float(np.max(curve.speedup)) if curve.speedup.size else 1.0
    said = (f"Speculative decoding speeds decoding up at most {peak:.2f}x"
            + (f"; above batch {curve.break_even_batch:.1f} it slows decoding down."
               if math.isfinite(curve.break_even_batch) and curve.break_even_batch > 0 else "."))
    return theme.apply(fig, takeaway=said)
