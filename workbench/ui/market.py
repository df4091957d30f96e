"""The market overview panel (Overview page): one call, ``market_panel(engine, profile_name)``."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from workbench.charts.market import market_scatter
from workbench.services import market as market_service
from workbench.services.decide import workspace_revision
from workbench.ui.presenter import show_chart


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _market(_engine: Engine, url: str, profile_name: str, revision: int) -> market_service.Market:
    return market_service.market(_engine, profile_name)


def market_panel(engine: Engine, profile_name: str, *, key: str = "overview_market") -> None:
    """Every candidate for this profile: blended price (log) x quality, marker area = speed, excluded grey."""
    m = _market(engine, str(engine.url), profile_name, workspace_revision(engine))
    if not m.points:
        st.info("No candidates yet: add or import some on the Candidates page.")
        return
    show_chart(market_scatter(m.points, leader=m.leader), key=key)
