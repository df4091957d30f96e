"""Portfolio: a model per step of a task graph, the end-to-end figures, and the single-model monolith beside it."""

from __future__ import annotations

import streamlit as st

from workbench.charts.portfolio import monolith_comparison, takeaway, task_graph
from workbench.services.portfolio import PortfolioError, export_router, rank_portfolio, result_json
from workbench.services.portfolio_record import draft_portfolio_record
from workbench.services.portfolios import list_portfolios
from workbench.services.records import DraftError
from workbench.store.repository import StoreError
from workbench.store.workspace import list_profiles
from workbench.ui.page import no_profile_yet, page_header
from workbench.ui.portfolio import decision_card, editor, step_table
from workbench.ui.text import md

engine, actor = page_header(
    "Portfolio", "A model per step of the task graph (seed 002: 'a model, or portfolio of models'), routes and "
    "recovery per step, end-to-end cost and latency, against one model everywhere.")
profiles = [r.model.name for r in list_profiles(engine)]
if not profiles:
    no_profile_yet("A portfolio's steps are requirement profiles.")

records = {r.model.name: r for r in list_portfolios(engine)}
with st.expander("New portfolio", expanded=not records):
    editor(engine, actor, profiles)
if not records:
    st.info("No portfolio yet: add its steps above (each step is a requirement profile), or import a YAML file "
            "with `workbench portfolio create --from FILE`.")
    st.stop()

names = sorted(records)
chosen = st.selectbox("Portfolio", names, key="portfolio_selected",
                      index=names.index(st.session_state.get("portfolio_selected", names[0]))
                      if st.session_state.get("portfolio_selected") in names else 0)
record = records[chosen]
try:
    with st.spinner("Ranking every step (with robustness)…"):
        result = rank_portfolio(engine, record.model)
except PortfolioError as exc:
    st.error(md(exc))
    st.stop()
doc = result_json(result)
decision_card(doc)

st.plotly_chart(task_graph(doc, record.model.edges), width="stretch", key="portfolio_graph")
left, right = st.columns([2, 3])
with left:
    st.plotly_chart(monolith_comparison(doc), width="stretch", key="portfolio_monolith")
with right:
    st.caption(takeaway(doc))
    if result.fragile_step:
        share = next(n["first_rank_share"] for n in doc["nodes"] if n["key"] == result.fragile_step)
        st.caption(f"Most fragile choice: step {md(result.fragile_step)} — its model ranks first in {share:.0%} "
                   "of plausible weightings.")
    st.caption(" · ".join(md(n) for n in doc["notes"]) + ". Formulas: docs/portfolio.md.")
st.dataframe(step_table(doc), hide_index=True, width="stretch")
c1, c2, c3 = st.columns(3)
if c3.button("Draft the portfolio's decision record", help="An MDR listing each step's decision, the routing "
             "policy and the monolith comparison; sign and accept it on the Decision page."):
    try:
        drafted = draft_portfolio_record(engine, chosen, actor)
    except (PortfolioError, DraftError, StoreError) as exc:
        st.error(md(exc))
    else:
        st.success(f"Drafted {drafted.mdr_id}: open the Decision page to edit, sign and accept it.")
c1.download_button("LiteLLM Router config (YAML)", export_router(result, "litellm-router"),
                   file_name=f"{chosen}-litellm-router.yaml", mime="application/x-yaml")
c2.download_button("Routing policy (YAML)", export_router(result, "policy"),
                   file_name=f"{chosen}-routing-policy.yaml", mime="application/x-yaml")
