"""Streamlit pieces of the Portfolio page: the step editor, the end-to-end card, the per-step table."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from sqlalchemy import Engine

from workbench.domain.portfolio import Portfolio
from workbench.services.portfolios import create_portfolio
from workbench.store.repository import DuplicateNameError
from workbench.ui.state import flash
from workbench.ui.text import md

ROUTES = ["auto", "direct", "cascade", "router"]


def _usd(value: object, digits: int = 4) -> str:
    return "unknown" if value is None else f"${value:,.{digits}f}"


def editor(engine: Engine, actor: str, profile_names: list[str]) -> None:
    """A new portfolio: steps as a table (in sequence, top to bottom), validated like the CLI's file import."""
    with st.form("portfolio_new"):
        name = st.text_input("Portfolio name", max_chars=200, placeholder="e.g. Contract pipeline")
        st.caption("Steps run top to bottom. Calls per request: how often the step runs per end-to-end request "
                   "(0.3 = on 30% of requests). Route 'auto' takes seed 002's recommendation for the profile's "
                   "workflow class.")
        start = pd.DataFrame({"key": ["step1", "step2"], "profile": profile_names[:2] + [None] * (2 - len(
            profile_names[:2])), "calls_per_request": [1.0, 1.0], "route": ["auto", "auto"]})
        steps = st.data_editor(start, num_rows="dynamic", width="stretch", key="portfolio_steps",
                               column_config={
                                   "key": st.column_config.TextColumn("Step", max_chars=80, required=True),
                                   "profile": st.column_config.SelectboxColumn("Profile", options=profile_names,
                                                                               required=True),
                                   "calls_per_request": st.column_config.NumberColumn(
                                       "Calls per request", min_value=0.01, max_value=1000, step=0.1),
                                   "route": st.column_config.SelectboxColumn("Route", options=ROUTES)})
        c1, c2 = st.columns(2)
        sla = c1.number_input("End-to-end p95 target (ms, 0 = none)", min_value=0.0, value=0.0, step=100.0)
        volume = c2.number_input("Requests per month (0 = the first step's workload)", min_value=0, value=0)
        if not st.form_submit_button("Create portfolio", type="primary"):
            return
    rows = [r for r in steps.to_dict("records") if r.get("key") and r.get("profile")]
    keys = [str(r["key"]) for r in rows]
    try:
        portfolio = Portfolio.model_validate({
            "name": name, "nodes": [{"key": str(r["key"]), "profile": r["profile"],
                                     "calls_per_request": float(r.get("calls_per_request") or 1.0),
                                     "route": r.get("route") or "auto"} for r in rows],
            "edges": list(zip(keys, keys[1:], strict=False)),
            "sla_p95_ms": sla or None, "requests_per_month": volume or None})
        create_portfolio(engine, portfolio, actor)
    except ValidationError as exc:
        first = exc.errors()[0]
        st.error(f"{'.'.join(str(p) for p in first['loc']) or 'portfolio'}: {md(first['msg'])}")
        return
    except DuplicateNameError as exc:
        st.error(md(exc))
        return
    flash("success", f"Created portfolio {portfolio.name}.")
    st.session_state["portfolio_selected"] = portfolio.name
    st.rerun()


def decision_card(doc: dict[str, Any]) -> None:
    """The answer first: end-to-end cost per success, p95 against the SLA, monthly cost, the saving."""
    e2e, mono = doc["end_to_end"], doc["monolith"]
    cols = st.columns(4)
    cols[0].metric("Cost per successful outcome", _usd(e2e["cost_per_success_usd"]))
    latency, sla = e2e["latency_p95_ms"], doc["sla_p95_ms"]
    cols[1].metric("End-to-end p95", "unknown" if latency is None else f"{latency:,.0f} ms",
                   delta=None if latency is None or sla is None else f"target {sla:,.0f} ms",
                   delta_color="off")
    cols[2].metric("Per month", _usd(e2e["monthly_usd"], 0))
    theirs, ours = mono.get("cost_per_success_usd"), e2e["cost_per_success_usd"]
    saving = None if ours is None or not theirs else 1 - ours / theirs
    cols[3].metric("vs the single-model monolith",
                   "none does" if mono.get("candidate") is None else
                   ("unknown" if saving is None else
                    f"{saving:.0%} cheaper" if saving >= 0 else f"{-saving:.0%} dearer"),
                   help="The best single model that every step's hard constraints admit, used everywhere.")
    if doc["sla_met"] is False:
        st.warning(f"The critical path's p95 ({latency:,.0f} ms) misses the portfolio's target ({sla:,.0f} ms).")
    unknown = e2e.get("unknown") or {}
    for figure, steps in unknown.items():
        st.info(f"End-to-end {figure} is unknown: steps {md(', '.join(steps))} have no {figure} figure.")


def step_table(doc: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame([{
        "Step": n["key"], "Profile": n["profile"], "Model": n["winner"] or "nothing ranked",
        "Route": n["route"], "Models called": " → ".join(n["route_detail"]["models"]),
        "Calls / request": n["calls_per_request"],
        "$ / success": "unknown" if n["cost_per_success_usd"] is None else f"${n['cost_per_success_usd']:,.5f}",
        "p95": "unknown" if n["latency_p95_ms"] is None else f"{n['latency_p95_ms']:,.0f} ms",
        "Ranks first in": "—" if n["first_rank_share"] is None else f"{n['first_rank_share']:.0%}",
        "Recovery": n["recovery"]["action"], "Why this route": n["basis"],
    } for n in doc["nodes"]])
