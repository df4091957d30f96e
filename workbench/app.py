"""Streamlit entrypoint: the frame around every page (config, shared sidebar, navigation)."""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run workbench/app.py` puts workbench/ on sys.path, not the repository root.
_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from workbench.io.resources import assets_dir  # noqa: E402
from workbench.ui.identity import identity_sidebar  # noqa: E402
from workbench.ui.presenter import presenter_toggle  # noqa: E402
from workbench.ui.registry import PAGES  # noqa: E402
from workbench.ui.state import init_state  # noqa: E402

ASSETS = assets_dir()

st.set_page_config(
    page_title="Model Selection Workbench",
    page_icon=str(ASSETS / "icon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)
init_state()
st.logo(str(ASSETS / "logo.png"), icon_image=str(ASSETS / "icon.png"), size="large")

sections: dict[str, list[st.Page]] = {}
for spec in PAGES:
    if not spec.path.exists():  # a page under development; the page smoke tests fail on this
        continue
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.is_default)
    )
current = st.navigation(sections)
identity_sidebar()
presenter_toggle()
current.run()
