"""Charts of the Trade-offs page: ranking, contribution breakdown, Pareto frontier, rank acceptability.

Pure functions: a domain result in, a ``plotly.graph_objects.Figure`` out (no Streamlit).
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import plotly.graph_objects as go

from workbench.charts import theme
from workbench.domain.decision_matrix import CRITERION_UNITS, RankingResult
from workbench.domain.models import CAPABILITY_VECTORS
from workbench.domain.smaa import SmaaResult

FRONTIER_COLOUR = "#d62728"
BAR_COLOUR = "#1f77b4"
TIED_COLOUR = "#7f7f7f"


def _empty(title: str, message: str) -> go.Figure:
    """A chart with no data that says why, the message wrapped to fit the plot area."""
    wrapped = "<br>".join(textwrap.wrap(message, 70)) or message
    fig = go.Figure()
    fig.update_layout(title=title, xaxis={"visible": False}, yaxis={"visible": False},
                      annotations=[{"text": wrapped, "showarrow": False, "xref": "paper", "yref": "paper",
                                    "x": 0.5, "y": 0.5, "font": {"size": 14}}])
    return fig


def _fmt_value(criterion: str, value: float | None) -> str:
    if value is None:
        return "unknown"
    if criterion == "cost_per_success":
        return f"${value:.4g}"
    if criterion == "latency":
        return f"{value:,.0f} ms"
    return f"{value:.2f}"


def ranking_bar(result: RankingResult, top: int = 30) -> go.Figure:
    """Horizontal bars of the score, best on top; tied rows in grey with a note in the hover."""
    title = f"Ranking: {result.method_label}, {result.normalisation} normalisation"
    rows = result.rows[:top]
    if not rows:
        return _empty(title, result.empty_state or "No candidate to rank.")
    names = [r.name for r in rows][::-1]
    scores = [r.score for r in rows][::-1]
    colours = [TIED_COLOUR if r.tied else BAR_COLOUR for r in rows][::-1]
    hover = [f"#{r.rank} {r.name}<br>score {r.score:.4f}" + ("<br>tied with the row above; ordered by name"
                                                             if r.tied else "") for r in rows][::-1]
    fig = go.Figure(go.Bar(x=scores, y=names, orientation="h", marker_color=colours,
                           hovertext=hover, hoverinfo="text", text=[f"{s:.3f}" for s in scores],
                           textposition="auto", name="score"))
    fig.update_layout(title=title, xaxis_title="Score (0-1, higher is better)", yaxis_title="Candidate",
                      xaxis_range=[0, 1], height=max(300, 28 * len(rows) + 120), showlegend=False)
    return fig


def _groups(result: RankingResult) -> list[tuple[str, list[str]]]:
    """Weighted criteria in stacks: the capability vectors together, then cost, latency and context fit."""
    weighted = [c for c in result.criteria if result.weights.get(c, 0.0) > 0]
    caps = [c for c in weighted if c in CAPABILITY_VECTORS]
    out = [("Capabilities", caps)] if caps else []
    return out + [(result.criterion_labels[c], [c]) for c in weighted if c not in CAPABILITY_VECTORS]


def _hover(result: RankingResult, r: Any, criteria: list[str]) -> str:
    lines = [f"{r.name}: +{sum(r.contributions[c] for c in criteria):.4f}"]
    for c in criteria:
        unknown = " (unknown: a range)" if c in r.unknown else ""
        lines.append(f"{result.criterion_labels[c]}: +{r.contributions[c]:.4f}, value "
                     f"{_fmt_value(c, r.values.get(c))} ({CRITERION_UNITS.get(c, '')}){unknown}")
    if r.unknown:
        lines.append(f"score range {r.score_range[0]:.3f}..{r.score_range[1]:.3f} over its unknowns")
    return "<br>".join(lines)


def contribution_breakdown(result: RankingResult, top: int = 15) -> go.Figure:
    """Stacked bars: each candidate's score split into capabilities (the weighted vectors together), cost,
    latency and context fit; the per-criterion detail is in the hover."""
    title = f"What contributed: {result.method_label}"
    rows = result.rows[:top]
    if not rows:
        return _empty(title, result.empty_state or "No candidate to rank.")
    names = [r.name for r in rows][::-1]
    traces = []  # plain dicts, validated once by go.Figure: add_trace per group costs ~2 ms each
    for k, (label, criteria) in enumerate(_groups(result)):
        xs = [sum(r.contributions[c] for c in criteria) for r in rows][::-1]
        traces.append({"type": "bar", "x": xs, "y": names, "orientation": "h", "name": label,
                       "marker": {"color": theme.color(k)}, "hovertext": [_hover(result, r, criteria)
                                                                           for r in rows][::-1],
                       "hoverinfo": "text"})
    fig = go.Figure(data=traces)
    fig.update_layout(title={"text": title, "subtitle": {"text": result.contribution_kind}}, barmode="stack",
                      xaxis_title="Contribution to score (0-1)", yaxis_title="Candidate",
                      height=max(340, 30 * len(rows) + 220), margin={"t": 90},
                      legend={"orientation": "h", "y": -0.4, "title": {"text": "Criterion group"}})
    return theme.apply(fig, takeaway=f"{rows[0].name} leads with {rows[0].score:.3f}; bars show what each "
                       "criterion group adds.")


def _pareto_marker(group: list[Any], on_front: bool, placed: list[Any], known_latency: list[float]
                   ) -> dict[str, object]:
    marker: dict[str, object] = {
        "size": 15 if on_front else 9,
        "line": {"width": 2.5 if on_front else 0.5, "color": theme.INK if on_front else "#444"}}
    if known_latency:
        marker.update(color=[r.latency_p95_ms if r.latency_p95_ms is not None else float("nan") for r in group],
                      colorscale="Cividis", reversescale=True, cmin=min(known_latency), cmax=max(known_latency),
                      showscale=on_front or not any(r.pareto for r in placed),
                      colorbar={"title": {"text": "p95 latency (ms)"}})
    else:
        marker["color"] = theme.color(0) if on_front else theme.EXCLUDED
    return marker


def _pareto_notes(result: RankingResult, known_latency: list[float]) -> list[str]:
    notes = []
    if not known_latency:
        notes.append("latency unknown for every candidate: frontier on quality and cost only")
    if result.pareto_unplaced:
        names = ", ".join(u.name for u in result.pareto_unplaced[:5])
        more = len(result.pareto_unplaced) - 5
        notes.append(f"not plotted (missing {', '.join(sorted({m for u in result.pareto_unplaced for m in u.missing}))}):"
                     f" {names}" + (f" and {more} more" if more > 0 else ""))
    return notes


LABEL_SIDES = ("top left", "bottom right")  # neighbours on the frontier alternate: labels do not collide
PARETO_HOVER = ("<b>%{customdata[0]}</b> (rank %{customdata[1]}, score %{customdata[2]:.3f})<br>"
                "quality %{y:.3f} (0-1)<br>cost per success $%{x:.4g} (%{customdata[5]})<br>"
                "p95 latency %{customdata[3]}<br>on frontier: %{customdata[4]}<extra></extra>")


def _pareto_trace(group: list[Any], on_front: bool, placed: list[Any], known_latency: list[float]) -> dict[str, Any]:
    """One trace per group (plain dict, validated once): the dominated cloud as WebGL, the frontier labelled."""
    return {
        "type": "scatter" if on_front else "scattergl",
        "x": [r.cost_per_success for r in group], "y": [r.quality for r in group],
        "mode": "markers+text" if on_front else "markers",
        "name": "Pareto frontier (non-dominated)" if on_front else "dominated",
        "text": [r.name for r in group] if on_front else None,
        "textposition": ["top right" if i == 0 else LABEL_SIDES[i % 2] for i in range(len(group))] if on_front
        else "top center",
        "textfont": {"size": theme.TICK_PX, "color": theme.INK},
        "customdata": [[r.name, r.rank, r.score, "unknown" if r.latency_p95_ms is None
                        else f"{r.latency_p95_ms:,.0f} ms", "yes" if on_front else "no",
                        r.cost_basis.replace("_", "-")] for r in group],
        "hovertemplate": PARETO_HOVER, "marker": _pareto_marker(group, on_front, placed, known_latency)}


def _frontier_line(front: list[Any]) -> dict[str, Any]:
    """The frontier drawn as a step line through the non-dominated points, cheapest first."""
    pts = sorted(front, key=lambda r: (r.cost_per_success, -r.quality))
    return {"type": "scatter", "x": [r.cost_per_success for r in pts], "y": [r.quality for r in pts],
            "mode": "lines", "line": {"shape": "hv", "color": theme.color(0), "width": 2, "dash": "dot"},
            "hoverinfo": "skip", "showlegend": False}


def pareto_chart(result: RankingResult, ceiling: float | None = None) -> go.Figure:
    """Quality vs cost per successful outcome (log $ axis, the profile's ceiling drawn); colour = estimated p95
    latency where known; the frontier drawn and every frontier point labelled."""
    title = "Pareto frontier: quality vs cost per successful outcome"
    placed = [r for r in result.rows if r.cost_per_success is not None and r.cost_per_success > 0]
    if not placed:
        return _empty(title, result.empty_state or "No ranked candidate has a cost per successful outcome "
                      "(prices unknown).")
    known_latency = [r.latency_p95_ms for r in placed if r.latency_p95_ms is not None]
    front = sorted((r for r in placed if r.pareto), key=lambda r: (r.cost_per_success, -r.quality))
    traces = [_pareto_trace(g, on, placed, known_latency)
              for on, g in ((False, [r for r in placed if not r.pareto]), (True, front)) if g]
    fig = go.Figure(data=([_frontier_line(front)] if len(front) > 1 else []) + traces)
    top = max(r.quality for r in placed)
    fig.update_layout(title=title, xaxis_title="Cost per successful outcome (USD, log scale)",
                      yaxis_title="Quality (weighted capability, 0-1)", legend={"orientation": "h", "y": -0.2},
                      margin={"t": 90}, height=520)
    fig.update_yaxes(range=[0, min(1.0, top * 1.12) if top > 0 else 1.0])
    theme.cost_axis(fig, axis="x", ceiling=ceiling, values=[r.cost_per_success for r in placed])
    if ceiling:
        fig.update_annotations(selector={"text": f"cost ceiling ${ceiling:,.4g}"}, xanchor="right")  # left of line
    notes = _pareto_notes(result, known_latency)
    if notes:
        fig.add_annotation(text="; ".join(notes), showarrow=False, xref="paper", yref="paper", x=0, y=1.08,
                           xanchor="left", font={"size": theme.TICK_PX, "color": theme.MUTED})
    return theme.apply(fig, takeaway=_pareto_takeaway(result, front, ceiling, bool(known_latency)))


def _pareto_takeaway(result: RankingResult, front: list[Any], ceiling: float | None, latency: bool) -> str:
    names = ", ".join(result.pareto[:3]) + (f" and {len(result.pareto) - 3} more" if len(result.pareto) > 3 else "")
    over = sum(1 for r in front if ceiling and r.cost_per_success > ceiling)
    tail = f"; {over} of them above the cost ceiling" if over else ""
    return f"{len(front)} candidates are non-dominated on quality, cost{', latency' if latency else ''}: {names}{tail}."


def rank_acceptability_heatmap(smaa: SmaaResult, max_candidates: int = 20, max_ranks: int = 10) -> go.Figure:
    """Heat map of rank acceptability (% of weight samples per candidate and rank).

    Candidates in SMAA order (first-rank acceptability, then expected rank); ranks beyond
    ``max_ranks`` are summed into a last column "> K".
    """
    title = f"Rank acceptability (SMAA-2, {smaa.n_samples:,} weight samples, seed {smaa.seed})"
    cands = smaa.candidates[:max_candidates]
    if not cands:
        return _empty(title, smaa.headline)
    m = len(smaa.candidates)
    k = min(max_ranks, m)
    columns = [str(r) for r in range(1, k + 1)] + ([f"> {k}"] if m > k else [])
    z = []
    for c in cands:
        row = [100.0 * v for v in c.rank_acceptability[:k]]
        if m > k:
            row.append(100.0 * math.fsum(c.rank_acceptability[k:]))
        z.append(row)
    text = [[f"{v:.0f}%" if v >= 0.5 else "" for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=columns, y=[c.name for c in cands], colorscale="Blues", zmin=0, zmax=100, text=text,
        texttemplate="%{text}", textfont={"size": theme.TICK_PX}, colorbar={"title": {"text": "% of samples"}},
        hovertemplate="%{y}<br>rank %{x}: %{z:.1f}% of weight samples<extra></extra>"))
    fig.update_xaxes(type="category")  # integer ranks 1, 2, ... (a numeric axis would tick 0.5, 1.5, ...)
    fig.update_layout(title=title, xaxis_title="Rank (1 = best)",
                      yaxis_title="Candidate", yaxis_autorange="reversed", height=max(300, 26 * len(cands) + 160),
                      margin={"t": 90})
    return theme.apply(fig, takeaway=smaa.headline)
