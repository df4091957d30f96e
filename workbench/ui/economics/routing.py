"""Economics page: the routing comparison table."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from workbench.charts.economics import (
    routing_chart,
)
from workbench.domain import economics as econ
from workbench.domain import economics_view as view
from workbench.domain.economics import EconomicsInputError
from workbench.domain.models import Candidate, Workload
from workbench.services.economics_defaults import EconomicsDefaults
from workbench.ui.economics.cascade import pair_inputs
from workbench.ui.economics.common import (
    SOURCE_SEED,
    _slug,
    cost_breakdown,
    escalation_slider,
    show_econ_error,
)
from workbench.ui.presenter import show_chart
from workbench.ui.text import md

# =========================================================================== routing comparison


def routing_section(candidates: Sequence[Candidate], workload: Workload,
                    defaults: EconomicsDefaults | None = None) -> None:
    st.subheader("Routing comparison")
    st.markdown("Cost per success = cost per request / quality; latency is the mean over the route "
                f"({SOURCE_SEED} “Routing Economics Framework”). Costs are this workload's cost per request.")
    pair = pair_inputs(candidates, defaults)
    if pair is None:
        return
    cheap, premium, ql, qh = pair
    costs = cost_breakdown(candidates, workload)
    by_name = {c.name: c for c in candidates}
    lat = [view.estimated_latency_ms(by_name[n], workload.output_tokens) for n in (cheap, premium)]
    p = escalation_slider()
    f = p  # a router sends the same share to H (one rate for both sections)
    c = st.columns(4)
    c[0].markdown("**Cascade**")
    tl = c[0].number_input("Latency of L (ms)", min_value=0.0, value=lat[0] or 800.0, step=50.0, format="%.0f",
                           key=f"econ_route_tl_{_slug(cheap)}", persist_state="session",
                           help="TTFT p50 + output tokens / decode speed if known, else entered")
    th = c[0].number_input("Latency of H (ms)", min_value=0.0, value=lat[1] or 4000.0, step=100.0, format="%.0f",
                           key=f"econ_route_th_{_slug(premium)}", persist_state="session")
    c[1].markdown("**Diagnostic router**")
    rc = c[1].number_input("Router cost (USD per request)", min_value=0.0, value=0.0001, step=0.0001,
                           format="%.6f", key="econ_route_rc", persist_state="session")
    rt = c[1].number_input("Router latency (ms)", min_value=0.0, value=40.0, step=10.0, format="%.0f",
                           key="econ_route_rt", persist_state="session")
    acc = c[1].number_input("Routing accuracy (0–1)", min_value=0.0, max_value=1.0, value=0.9, step=0.01,
                            format="%.3f", key="econ_route_acc", persist_state="session")
    c[2].markdown("**Human escalation**")
    hc = c[2].number_input("Human cost (USD per case)", min_value=0.0,
                           value=workload.human_review_cost_usd or 5.0, step=0.5, format="%.2f", key="econ_route_hc",
                           persist_state="session")
    hs = c[2].number_input("Share escalated to a person (0–1)", min_value=0.0, max_value=1.0, value=0.05, step=0.01,
                           format="%.3f", key="econ_route_hs", persist_state="session")
    hq = c[2].number_input("Human quality (0–1)", min_value=0.0, max_value=1.0, value=0.99, step=0.01, format="%.3f",
                           key="econ_route_hq", persist_state="session")
    ht = c[2].number_input("Human turnaround (ms)", min_value=0.0, value=3_600_000.0, step=60_000.0, format="%.0f",
                           key="econ_route_ht", persist_state="session")
    c[3].markdown("**Sources**")
    c[3].caption(f"{md(cheap)} and {md(premium)} latencies: "
                 + ("catalog" if all(v is not None for v in lat) else "entered (the catalog has no latency for them)")
                 + ". Qualities: imported pass rates where the profile has them, else entered; router and human figures: entered. Routing accuracy a: a misrouted query gets L's "
                 "quality (conservative).")
    try:
        comp = econ.routing_comparison(
            cheap_cost_usd=float(costs.success.cost_per_request_usd[costs.names.index(cheap)]), cheap_quality=ql,
            cheap_latency_ms=tl, premium_cost_usd=float(costs.success.cost_per_request_usd[costs.names.index(premium)]),
            premium_quality=qh, premium_latency_ms=th, escalation_rate=p, router_cost_usd=rc, router_latency_ms=rt,
            router_strong_share=f, routing_accuracy=acc, human_cost_usd=hc, human_quality=hq, human_latency_ms=ht,
            human_share=hs)
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return
    table = pd.DataFrame({
        "Strategy": [econ.ROUTING_LABELS[s] for s in comp.strategies], "Cost per request": comp.cost_per_request_usd,
        "Quality": comp.quality * 100.0, "Cost per success": comp.cost_per_success_usd, "Latency": comp.latency_ms,
        "Saving vs premium": comp.savings_vs_premium})
    st.dataframe(table, hide_index=True, width="stretch", column_config={
            "Cost per request": st.column_config.NumberColumn("Cost per request (USD)", format="$%.6f"),
            "Quality": st.column_config.NumberColumn("Quality (%)", format="%.1f%%"),
            "Cost per success": st.column_config.NumberColumn("Cost per success (USD)", format="$%.6f"),
            "Latency": st.column_config.NumberColumn("Mean latency (ms)", format="%.0f"),
            "Saving vs premium": st.column_config.NumberColumn("Saving vs premium (×)", format="%.2f×"),
    })
    fig = routing_chart(comp)
    fig.update_layout(height=440, yaxis_tickformat="$.4f")
    show_chart(fig, key="econ_routing_chart")
