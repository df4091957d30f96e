"""One chart theme for every figure: readable from the back of a room, colour-blind safe, honest axes.

Every chart function in :mod:`workbench.charts` ends with ``return theme.apply(fig, takeaway=...)``:

- type: ticks 14 px, axis titles 16 px, title 18 px, all in :data:`INK` (#1F2937, 14.7:1 on white;
  WCAG 2.x AA asks 4.5:1 for text — https://www.w3.org/TR/WCAG21/#contrast-minimum);
- colours: the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"; the palette Wong 2011,
  Nature Methods 8:441, recommends), excluded candidates in :data:`EXCLUDED` grey;
- units: :func:`missing_units` lists every shown cartesian axis without a unit in its title;
- cost axes on a log scale with the profile's ceiling drawn (:func:`cost_axis`);
- one sentence per chart, its takeaway (:func:`takeaway`), stored in ``layout.meta`` so the page can
  show it as text (screen readers) and the Excel/MDR can quote it.

Pure plotly, no Streamlit. Presenter mode scales a themed figure with :func:`scaled`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import plotly.graph_objects as go

INK = "#1F2937"  # text: 14.7:1 on white
MUTED = "#4B5563"  # secondary text (notes): 7.6:1 on white
GRID = "#E5E7EB"
EXCLUDED = "#B8BEC8"  # excluded candidates (markers, not text)
CEILING = "#D55E00"  # vermillion: the profile's limits
# Okabe–Ito without yellow (#F0E442 is 1.3:1 on white) and with black last
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
TICK_PX = 14
TITLE_PX = 16
HEADING_PX = 18
FONT = "Inter, 'Source Sans Pro', 'Helvetica Neue', Arial, sans-serif"
# a unit in an axis title: parentheses, "USD", "%", "ms", "tokens", "x"/"×", per ...
_UNIT = re.compile(r"\(.+\)|\bUSD\b|%|\bms\b|\btokens?\b|\brequests\b|\bqueries\b|\bitems\b|×|\bper\b|\bcount\b",
                   re.IGNORECASE)


def color(i: int) -> str:
    """The i-th colour of the palette (cycles)."""
    return PALETTE[i % len(PALETTE)]


def _luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2.x): sRGB channels linearised, 0.2126 R + 0.7152 G + 0.0722 B."""
    h = hex_colour.lstrip("#")
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str = "#FFFFFF") -> float:
    """WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05), 1..21; e.g. #777777 on white is 4.48."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def apply(fig: go.Figure, *, takeaway: str, height: int | None = None) -> go.Figure:
    """The theme on ``fig`` (in place, returned): type sizes and colours, palette, white plot, the
    takeaway sentence in ``layout.meta['takeaway']``."""
    axis = {"tickfont": {"size": TICK_PX, "color": INK}, "title": {"font": {"size": TITLE_PX, "color": INK}},
            "gridcolor": GRID, "linecolor": MUTED, "zerolinecolor": GRID, "automargin": True}
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    meta = dict(fig.layout.meta) if isinstance(fig.layout.meta, dict) else {}
    meta["takeaway"] = takeaway
    fig.update_layout(
        font={"family": FONT, "size": TICK_PX, "color": INK},
        title_font={"size": HEADING_PX, "color": INK},
        legend={"font": {"size": TICK_PX, "color": INK}},
        hoverlabel={"font": {"size": TICK_PX}},
        colorway=list(PALETTE), plot_bgcolor="white", paper_bgcolor="white", meta=meta,
    )
    for a in fig.layout.annotations or ():
        size = a.font.size if a.font and a.font.size else None
        a.update(font={"size": max(size or 0, TICK_PX - 1), "color": (a.font.color if a.font and a.font.color
                                                                    else INK)})
    if height is not None:
        fig.update_layout(height=height)
    return fig


def takeaway(fig: go.Figure) -> str:
    """The chart's one-sentence takeaway ('' if it was not themed)."""
    meta = fig.layout.meta
    return str(meta.get("takeaway", "")) if isinstance(meta, dict) else ""


def cost_axis(fig: go.Figure, *, axis: str = "y", ceiling: float | None = None, label: str = "cost ceiling",
              values: Any = None) -> go.Figure:
    """A cost axis on a log scale (a $0.34 outlier no longer flattens $0.001 models), ticks in $,
    and the profile's cost ceiling as a vermillion line named with its value."""
    positive = [float(v) for v in (values if values is not None else []) if v is not None and v == v and v > 0]
    update: dict[str, Any] = {"type": "log"}
    if positive or ceiling:
        lo = min([*positive, *([ceiling] if ceiling else [])])
        hi = max([*positive, *([ceiling] if ceiling else [])])
        update["range"] = [math.log10(lo) - 0.3, math.log10(hi) + 0.3]
        ticks = log_ticks(10 ** update["range"][0], 10 ** update["range"][1])
        update |= {"tickmode": "array", "tickvals": ticks, "ticktext": [f"${t:,.6g}" for t in ticks]}
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**update)
    if ceiling:
        text = f"{label} ${ceiling:,.4g}"
        line = {"line_dash": "dash", "line_color": CEILING, "line_width": 2, "annotation_text": text,
                "annotation_font": {"size": TICK_PX, "color": CEILING}}
        if axis == "y":
            fig.add_hline(y=ceiling, annotation_position="top left", **line)
            fig.layout.annotations[-1].y = math.log10(ceiling)  # plotly: annotations on a log axis take log10
        else:
            fig.add_vline(x=ceiling, annotation_position="top right", **line)
            fig.layout.annotations[-1].x = math.log10(ceiling)
    return fig


def _categorical(fig: go.Figure, letter: str) -> bool:
    """True when the axis shows categories (names), which carry no unit."""
    for t in fig.data:
        values = getattr(t, letter, None)
        if values is not None and len(values) and isinstance(values[0], str):
            return True
    return False


def log_ticks(lo: float, hi: float) -> list[float]:
    """Labelled ticks for a log axis from ``lo`` to ``hi``: 1-2-5 per decade, or 1..9 when fewer than
    three of those fall inside (a narrow range still gets labels), or every decade over many decades."""
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    for mantissas in ((1.0,), (1.0, 2.0, 5.0), tuple(float(m) for m in range(1, 10))):
        ticks = [m * 10.0 ** e for e in range(first, last + 1) for m in mantissas if lo <= m * 10.0 ** e <= hi]
        if len(ticks) >= 3 and (len(ticks) <= 8 or mantissas == (1.0,)):
            return ticks
    return ticks if len(ticks) >= 2 else [float(f"{v:.2g}") for v in (lo, math.sqrt(lo * hi), hi)]


def missing_units(fig: go.Figure) -> list[str]:
    """Names of visible numeric cartesian axes whose title names no unit (category axes need none)."""
    cartesian = {"bar", "scatter", "scattergl", "histogram", "box", "heatmap", "violin"}
    if not any((t.type or "scatter") in cartesian for t in fig.data):
        return []
    out: list[str] = []
    layout = fig.layout.to_plotly_json()
    for key in sorted({*(k for k in layout if re.fullmatch(r"[xy]axis\d*", k)), "xaxis", "yaxis"}):
        ax = layout.get(key, {})
        if ax.get("visible") is False or ax.get("type") == "category" or _categorical(fig, key[0]):
            continue
        title = ax.get("title", {})
        text = title.get("text", "") if isinstance(title, dict) else str(title)
        if not text or not _UNIT.search(text):
            out.append(key)
    return out


def scaled(fig: go.Figure, factor: float) -> go.Figure:
    """A copy with every font and the height multiplied by ``factor`` (presenter mode)."""
    out = go.Figure(fig)
    size = lambda s: round((s or TICK_PX) * factor)  # noqa: E731
    out.update_layout(font_size=size(out.layout.font.size), title_font_size=size(out.layout.title.font.size),
                      legend_font_size=size(out.layout.legend.font.size))
    out.update_xaxes(tickfont_size=size(TICK_PX), title_font_size=size(TITLE_PX))
    out.update_yaxes(tickfont_size=size(TICK_PX), title_font_size=size(TITLE_PX))
    for a in out.layout.annotations or ():
        a.update(font_size=size(a.font.size if a.font else None))
    if out.layout.height:
        out.update_layout(height=round(out.layout.height * min(factor, 1.4)))
    return out
