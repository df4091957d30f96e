"""Portfolio figures: the task graph with each step's model, cost and latency; the comparison with the monolith."""

from __future__ import annotations

from html import escape
from typing import Any

import plotly.graph_objects as go

from workbench.charts import theme
from workbench.domain.portfolio import topological_order

_INK = theme.INK
_STEP = theme.PALETTE[0]
_BARS = {"portfolio": theme.PALETTE[0], "single-model monolith": theme.PALETTE[1], "premium everywhere": theme.EXCLUDED}


def _depths(keys: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    depth: dict[str, int] = {}
    for key in topological_order(keys, edges):
        parents = [a for a, b in edges if b == key]
        depth[key] = 1 + max((depth[p] for p in parents), default=-1)
    return depth


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _usd(value: object) -> str:
    return "cost unknown" if value is None else f"${value:,.4f}/success"


def _ms(value: object) -> str:
    return "p95 unknown" if value is None else f"p95 {value:,.0f} ms"


def task_graph(doc: dict[str, Any], edges: list[tuple[str, str]]) -> go.Figure:
    """Steps laid out left to right by depth; each box names the step, its model, route, cost and p95."""
    nodes: list[dict[str, Any]] = doc["nodes"]
    keys = [str(n["key"]) for n in nodes]
    depth = _depths(keys, edges)
    rows: dict[int, int] = {}
    pos: dict[str, tuple[float, float]] = {}
    for key in keys:
        d = depth[key]
        pos[key] = (float(d), -float(rows.get(d, 0)))
        rows[d] = rows.get(d, 0) + 1
    fig = go.Figure()
    for a, b in edges:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        fig.add_annotation(x=x1 - 0.3, y=y1, ax=x0 + 0.3, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=3, arrowwidth=2, arrowcolor="#475569", text="")
    critical = set(doc["end_to_end"].get("critical_path", []))
    for n in nodes:
        x, y = pos[str(n["key"])]
        # plotly reads <b>, <br> and <a href> in annotation text: names from users are escaped
        label = (f"<b>{escape(str(n['key']))}</b><br>{escape(_short(str(n['profile'])))}"
                 f"<br>{escape(_short(str(n['winner'] or 'nothing ranked')))} ({n['route']})"
                 f"<br>{_usd(n['cost_per_success_usd'])} · {_ms(n['latency_p95_ms'])}")
        fig.add_annotation(x=x, y=y, text=label, showarrow=False, align="left", font={"size": 15, "color": _INK},
                           bgcolor="#EFF6FF", bordercolor=_STEP if n["key"] in critical else "#94A3B8",
                           borderwidth=3 if n["key"] in critical else 1, borderpad=8)
    width = max(depth.values(), default=0)
    tall = max(rows.values(), default=1)
    fig.update_xaxes(visible=False, range=[-0.6, width + 0.6])
    fig.update_yaxes(visible=False, range=[-tall + 0.4, 0.6])
    fig.update_layout(height=120 + 150 * tall, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      plot_bgcolor="white", paper_bgcolor="white")
    steps = ", ".join(f"{n['key']}: {n['winner'] or 'nothing ranked'}" for n in nodes)
    return theme.apply(fig, takeaway=f"{len(nodes)} steps ({steps}); the critical path is outlined.")


def monolith_comparison(doc: dict[str, Any]) -> go.Figure:
    """Cost per successful end-to-end outcome: the portfolio against the monolith and premium everywhere."""
    options = [("portfolio", doc["end_to_end"]), ("single-model monolith", doc["monolith"]),
               ("premium everywhere", doc["premium_everywhere"])]
    labels, values, texts = [], [], []
    for label, figures in options:
        value = figures.get("cost_per_success_usd")
        name = figures.get("candidate") if label != "portfolio" else None
        labels.append(f"{label}" + (f"<br>({escape(str(name))})" if name else ""))
        values.append(value if value is not None else 0.0)
        texts.append("unknown" if value is None else f"${value:,.4f}")
    fig = go.Figure(go.Bar(x=labels, y=values, text=texts, textposition="outside",
                           marker_color=[_BARS[label] for label, _ in options]))
    fig.update_layout(yaxis_title="USD per successful end-to-end outcome", height=380,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10}, font={"size": 15, "color": _INK},
                      plot_bgcolor="white", paper_bgcolor="white")
    fig.update_yaxes(gridcolor="#E2E8F0", tickprefix="$")
    fig.update_xaxes(title="Option (USD per successful end-to-end outcome)")
    return theme.apply(fig, takeaway=takeaway(doc))


def takeaway(doc: dict[str, Any]) -> str:
    """One sentence for screen readers and the record: what the chart says."""
    e2e, mono = doc["end_to_end"], doc["monolith"]
    ours, theirs = e2e.get("cost_per_success_usd"), mono.get("cost_per_success_usd")
    if ours is None:
        return "The portfolio's cost per successful outcome is unknown: a step has no price."
    if mono.get("candidate") is None:
        return f"The portfolio costs ${ours:,.4f} per successful outcome; no single model meets every step."
    if theirs is None:
        return f"The portfolio costs ${ours:,.4f} per successful outcome; the monolith's cost is unknown."
    saving = 1 - ours / theirs if theirs else 0.0
    return (f"The portfolio costs ${ours:,.4f} per successful outcome against ${theirs:,.4f} for "
            f"{mono['candidate']} everywhere ({saving:.0%} cheaper)."
            if saving >= 0 else
            f"The portfolio costs ${ours:,.4f} per successful outcome, {-saving:.0%} more than "
            f"{mono['candidate']} everywhere (${theirs:,.4f}).")
