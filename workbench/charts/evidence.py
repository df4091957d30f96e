"""Evidence charts: pass rates with interval error bars; paired comparison (discordant pairs)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from workbench.charts import theme
from workbench.domain.evidence import PairedComparison, RateSummary


def pass_rate_chart(summaries: Sequence[RateSummary], title: str = "Pass rate per candidate") -> go.Figure:
    """Horizontal bars of pass rate (%) with asymmetric interval error bars, best at the top.

    Small-sample candidates are drawn in a lighter colour and named in the hover text.
    """
    rows = sorted(summaries, key=lambda s: s.rate)
    rate = [100 * s.rate for s in rows]
    fig = go.Figure(go.Bar(
        x=rate,
        y=[s.name for s in rows],
        orientation="h",
        marker_color=[theme.PALETTE[5] if s.flags else theme.PALETTE[0] for s in rows],
        error_x={
            "type": "data", "symmetric": False,
            "array": [100 * (s.upper - s.rate) for s in rows],
            "arrayminus": [100 * (s.rate - s.lower) for s in rows],
        },
        customdata=[[s.k, s.n, 100 * s.lower, 100 * s.upper, "; ".join(s.flags) or "-"] for s in rows],
        hovertemplate="%{y}: %{x:.1f}% (%{customdata[0]}/%{customdata[1]})<br>"
                      "interval %{customdata[2]:.1f}-%{customdata[3]:.1f}%<br>%{customdata[4]}<extra></extra>",
        name="pass rate",
    ))
    method = rows[0].method if rows else "wilson"
    level = rows[0].confidence if rows else 0.95
    fig.update_layout(
        title=title,
        xaxis_title=f"Pass rate (%), {level:.0%} {method.replace('-', '–').title()} interval",
        yaxis_title="Candidate",
        xaxis_range=[0, 100],
        showlegend=False,
    )
    best = rows[-1] if rows else None
    said = ("No pass rates." if best is None else
            f"Highest pass rate: {best.name} {100 * best.rate:.1f}% ({best.k}/{best.n}, interval "
            f"{100 * best.lower:.1f}–{100 * best.upper:.1f}%) of {len(rows)} candidates; lighter bars are small samples.")
    return theme.apply(fig, takeaway=said, height=max(320, 60 + 34 * len(rows)))


def paired_comparison_chart(cmp: PairedComparison) -> go.Figure:
    """The 2x2 paired outcome as bars: both pass, only A, only B, neither (items); verdict as subtitle.

    McNemar uses only the two discordant bars (only A = b, only B = c).
    """
    if cmp.test != "mcnemar-exact" or cmp.a_only is None or cmp.b_only is None:
        lo, hi = cmp.difference_interval or (cmp.difference, cmp.difference)
        fig = go.Figure(go.Scatter(
            x=[cmp.difference], y=[f"{cmp.a} − {cmp.b}"], mode="markers",
            error_x={"type": "data", "symmetric": False, "array": [hi - cmp.difference],
                     "arrayminus": [cmp.difference - lo]},
            name="mean difference",
        ))
        fig.add_vline(x=0, line_dash="dash")
        fig.update_layout(title=f"Paired bootstrap: {cmp.verdict}",
                          xaxis_title=f"Mean score difference (score units), {1 - cmp.alpha:.0%} bootstrap interval",
                          yaxis_title="Comparison")
        return theme.apply(fig, takeaway=f"Paired bootstrap, {cmp.a} − {cmp.b}: {cmp.verdict}.")
    labels = ["both pass", f"only {cmp.a}", f"only {cmp.b}", "neither"]
    values = [cmp.both_pass or 0, cmp.a_only, cmp.b_only, cmp.neither or 0]
    colours = [theme.EXCLUDED, theme.PALETTE[0], theme.PALETTE[3], theme.EXCLUDED]
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color=colours, text=values, textposition="auto",
                           name="items"))
    fig.update_layout(
        title=f"{cmp.a} vs {cmp.b}: {cmp.verdict}<br><sup>exact McNemar on discordant pairs b = {cmp.a_only}, "
              f"c = {cmp.b_only}; p = {cmp.p_value:.3g}</sup>",
        xaxis_title="Paired outcome",
        yaxis_title="Items (count)",
        showlegend=False,
    )
    return theme.apply(fig, takeaway=f"{cmp.a} vs {cmp.b}: {cmp.verdict} (only {cmp.a}: {cmp.a_only} items, "
                                     f"only {cmp.b}: {cmp.b_only}; exact McNemar p = {cmp.p_value:.3g}).")
