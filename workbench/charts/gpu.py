"""Charts for the GPU memory fit (pure functions returning plotly Figures; no Streamlit)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from workbench.charts import theme
from workbench.domain.gpu import FitResult

GIB = 2**30


def memory_stack(results: Sequence[FitResult]) -> go.Figure:
    """Stacked bar per GPU configuration: weights / KV cache / overhead per GPU (GiB) against the usable budget."""
    labels = [f"{r.gpus}× {r.gpu} (TP {r.tp})" for r in results]
    fig = go.Figure()
    for name, key, color in (
        ("Weights", "weights_bytes_per_gpu", theme.color(0)),
        ("KV cache", "kv_bytes_per_gpu", theme.color(1)),
        ("Overhead", "overhead_bytes", theme.color(2)),
    ):
        fig.add_trace(
            go.Bar(name=name, x=labels, y=[getattr(r, key) / GIB for r in results], marker_color=color)
        )
    fig.add_trace(
        go.Scatter(
            name="Usable per GPU",
            x=labels,
            y=[r.usable_bytes_per_gpu / GIB for r in results],
            mode="markers+lines",
            marker={"symbol": "line-ew-open", "size": 40, "color": theme.CEILING},
            line={"dash": "dash", "color": theme.CEILING},
        )
    )
    fig.update_layout(
        barmode="stack",
        title="Memory per GPU vs usable capacity",
        xaxis_title="GPU configuration",
        yaxis_title="Memory per GPU (GiB, 2^30 bytes)",
        legend_title="Component",
    )
    fits = [r for r in results if r.fits]
    said = (f"Fits on {fits[0].gpus}× {fits[0].gpu}: {(fits[0].weights_bytes_per_gpu + fits[0].kv_bytes_per_gpu + fits[0].overhead_bytes) / GIB:.0f} "
            f"of {fits[0].usable_bytes_per_gpu / GIB:.0f} GiB usable per GPU." if fits
            else "No configuration shown fits: memory per GPU exceeds the usable capacity.")
    return theme.apply(fig, takeaway=said)


def concurrency_vs_context(
    curve: Sequence[dict[str, int]],
    requested_context: int | None = None,
    requested_concurrency: int | None = None,
) -> go.Figure:
    """Max concurrent sequences at each context length; the area under the curve fits, above it does not."""
    xs = [p["context"] for p in curve]
    ys = [p["max_concurrency"] for p in curve]
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            name="Fit boundary (max concurrency)",
            mode="lines",
            fill="tozeroy",
            line={"color": theme.color(2)},
        )
    )
    if requested_context is not None and requested_concurrency is not None:
        fig.add_trace(
            go.Scatter(
                x=[requested_context],
                y=[requested_concurrency],
                name="Requested load",
                mode="markers",
                marker={"size": 14, "color": theme.CEILING, "symbol": "x"},
            )
        )
    fig.update_layout(
        title="Concurrency vs context: fits below the boundary",
        xaxis_title="Context length per sequence (tokens)",
        yaxis_title="Concurrent sequences (count)",
    )
    fig.update_xaxes(type="log")
    if requested_context is not None and requested_concurrency is not None:
        limit = max((y for x, y in zip(xs, ys, strict=True) if x >= requested_context), default=None)
        said = (f"At {requested_context:,} tokens of context {limit:,} concurrent sequences fit; "
                f"{requested_concurrency:,} requested." if limit is not None
                else "The requested context is beyond the curve.")
    else:
        said = "Longer contexts leave room for fewer concurrent sequences."
    return theme.apply(fig, takeaway=said)


def fit_matrix_heatmap(
    candidates: Sequence[str], gpu_names: Sequence[str], matrix: Sequence[Sequence[int | None]]
) -> go.Figure:
    """Candidates × GPU types; cell = minimum GPUs, or 'does not fit'."""
    z = [[float(v) if v else None for v in row] for row in matrix]
    text = [[str(v) if v else "does not fit" for v in row] for row in matrix]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(gpu_names),
            y=list(candidates),
            text=text,
            texttemplate="%{text}",
            textfont={"size": theme.TICK_PX},
            colorscale="Blues",
            colorbar={"title": "GPUs"},
            hovertemplate="%{y} on %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        title="Minimum GPUs per candidate and GPU type",
        xaxis_title="GPU type",
        yaxis_title="Candidate",
        height=max(320, 44 * len(candidates) + 160),
    )
    fits = sum(1 for row in matrix if any(row))
    return theme.apply(fig, takeaway=f"{fits} of {len(matrix)} candidates fit on at least one GPU type.")
