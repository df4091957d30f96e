"""Presenter mode (a review meeting on a projector) and the one way a page shows a chart.

- :func:`presenter_toggle` (called once per run by ``workbench/app.py``): a sidebar toggle; on, it
  enlarges type (root font 20 px instead of 16), widens charts and hides editing chrome. It lives in
  session state (kept across page switches) and in the URL as ``?present=1`` (a link opens in
  presenter mode).
- Editing chrome hidden in presenter mode: Streamlit's toolbar and element toolbars, file uploaders,
  text areas, and every container whose key starts with ``edit-`` (``st.container(key="edit-…")``),
  the convention for inputs a page wants out of the way when presenting.
- :func:`show_chart`: ``st.plotly_chart`` plus the chart's takeaway sentence
  (:func:`workbench.charts.theme.takeaway`) as text under it, for screen readers; in presenter mode
  the figure's fonts are scaled by :data:`SCALE`.

The CSS below is ours (constants); no user text ever reaches ``st.html``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.charts import theme
from workbench.ui.text import md

PRESENT = "presenter_mode"
URL_PARAM = "present"
SCALE = 1.3
EDIT_PREFIX = "edit-"

_CSS = """
<style>
html { font-size: 20px; }
[data-testid="stToolbar"], [data-testid="stElementToolbar"], [data-testid="stDecoration"],
[data-testid="stFileUploader"], [data-testid="stTextArea"], [class*="st-key-edit-"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 100%; }
[data-testid="stMetricValue"] { font-size: 2.4rem; }
[data-testid="stCaptionContainer"] { font-size: 0.95rem; color: #1F2937; }
</style>
"""


def is_on() -> bool:
    return bool(st.session_state.get(PRESENT, False))


def presenter_toggle() -> bool:
    """The sidebar toggle; applies the presenter CSS when on. Returns whether presenter mode is on."""
    url = st.query_params.get(URL_PARAM)
    if PRESENT not in st.session_state:  # first run of this browser session: the link decides
        st.session_state[PRESENT] = url in ("1", "true")
    on = st.sidebar.toggle("Presenter mode", key=PRESENT,
                           help="Larger type and charts for a projector; editing controls hidden. "
                                "The link carries it (?present=1).")
    if on and url != "1":
        st.query_params[URL_PARAM] = "1"
    elif not on and url is not None:
        del st.query_params[URL_PARAM]
    if on:
        st.html(_CSS)
    return on


def show_chart(fig: Any, *, key: str, **kwargs: Any) -> None:
    """The figure (scaled in presenter mode) and its one-sentence takeaway as plain text under it."""
    shown = theme.scaled(fig, SCALE) if is_on() else fig
    st.plotly_chart(shown, key=key, width="stretch", config={"displaylogo": False}, **kwargs)
    said = theme.takeaway(fig)
    if said:
        st.caption(md(said))
