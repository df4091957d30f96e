"""Overview: per profile the answer (winner, record, triggers, next step) first; then the market and the workspace."""

from __future__ import annotations

import streamlit as st

from workbench.store import database_url, workspace
from workbench.ui.backup import backup_panel
from workbench.ui.dashboard import dashboard
from workbench.ui.identity import current_actor
from workbench.ui.market import market_panel
from workbench.ui.recheck import overview_panel as recheck_overview
from workbench.ui.registry import page
from workbench.ui.resources import get_engine
from workbench.ui.tables import MISSING, audit_table
from workbench.ui.text import md

engine = get_engine()
counts = workspace.counts(engine)

st.title("Model Selection Workbench")
st.caption("Choose the model — or portfolio of models — whose capabilities, deployment fit, economics and failure "
           "behaviour match your task. Capability fit before prestige.")

rows = dashboard(engine)  # the answer first: winner, record, integrity, triggers and next step per profile

if rows:
    st.subheader("The market for a profile", anchor=False)
    names = [s.profile for s in rows]
    if st.session_state.get("overview_market_profile") not in names:
        st.session_state["overview_market_profile"] = next((s.profile for s in rows if s.winner), names[0])
    chosen = st.selectbox("Profile", names, key="overview_market_profile", label_visibility="collapsed",
                          help="Every candidate: price (log) × quality, marker size = speed, excluded ones grey.")
    market_panel(engine, chosen)

if any(s.fired for s in rows):
    recheck_overview(engine)  # the fired triggers in detail (what changed, then, now)

steps = [
    (current_actor() != "anonymous", "Set your name in the sidebar, so the audit log says who changed what.", None),
    (counts["profiles"] > 0, "Create a requirement profile — start from one of seed 002's six workflow templates.",
     "profiles"),
    (counts["candidates"] > 0, "Review the candidate catalog; import current prices from LiteLLM's price file.",
     "candidates"),
]
if not all(done for done, _, _ in steps):
    st.subheader("Getting started", anchor=False)
    for done, text, target in steps:
        icon = ":material/check_circle:" if done else ":material/radio_button_unchecked:"
        # a step without a page of its own is a disabled link, so every step looks the same
        st.page_link(str(page(target or "overview").path), label=text, icon=icon, disabled=target is None)
if counts["profiles"] == 0:
    st.info("Your workspace has the shipped catalog but no profiles yet. **Start with Profiles → Create a profile.**")

m1, m2, m3 = st.columns(3)
m1.metric("Requirement profiles", counts["profiles"])
m2.metric("Candidate models", counts["candidates"])
m3.metric("Changes recorded as", md(current_actor()))

st.subheader("Recent changes", anchor=False)
events = workspace.audit_events(engine, limit=8)
if events:
    st.dataframe(audit_table(events).drop(columns=["id"]), hide_index=True, width="stretch", placeholder=MISSING)
    st.page_link(str(page("audit").path), label="Open the full audit log", icon=":material/history:")
else:
    st.caption("No changes yet.")

with st.expander("About this workspace"):
    url = database_url()
    st.code(url.split("@")[-1] if "@" in url else url, language=None)
    st.caption("Set WORKBENCH_DATABASE_URL to use PostgreSQL; see the README.")

backup_panel(engine, current_actor())
