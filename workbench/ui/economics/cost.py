"""Economics page: cost per success, the cost-quality crossover and API vs self-hosting volume."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from workbench.charts.economics import (
    cost_breakdown_bar,
    crossover_chart,
    volume_chart,
)
from workbench.domain import economics as econ
from workbench.domain import economics_view as view
from workbench.domain.economics import EconomicsInputError
from workbench.domain.models import Candidate, EffortTier, Workload
from workbench.domain.money import usd_per_month, usd_per_request
from workbench.services.economics_defaults import EconomicsDefaults, PassRate
from workbench.ui.economics.common import (
    SOURCE_REF,
    SOURCE_SEED,
    _options,
    _slug,
    cost_breakdown,
    pct,
    show_econ_error,
)
from workbench.ui.presenter import show_chart
from workbench.ui.text import md

# =========================================================================== cost per success

COST_FORMULA = (
    "**Cost per successful outcome** = (E[attempts] × cost per call + review rate × review cost) / P(success), "
    "with cost per call = n_in·(1−s)·P_in + n_in·s·P_cached + n_out·P_out + n_reasoning·P_reasoning "
    "(prices in USD per 1M tokens; long-context tiers and the tokenizer multiplier applied), "
    "P(success) = 1 − (1−p)^(r+1) and E[attempts] = P(success)/p for valid-output rate p and r retries. "
    f"Sources: {SOURCE_SEED} “Evaluation and Observability Guidance” (prefill, generation, caching, retries and "
    f"human validation divided by the rate of valid outputs); {SOURCE_REF} §1 (LiteLLM cost formula)."
)


def cost_section(candidates: Sequence[Candidate], workload: Workload,
                 defaults: EconomicsDefaults | None = None) -> None:
    st.subheader("Cost per successful outcome")
    with st.expander("Formula and sources", icon=":material/function:"):
        st.markdown(COST_FORMULA)
    costs = cost_breakdown(candidates, workload)
    unknown = view.unpriced_names(candidates)
    if unknown:
        st.warning(f"Pricing unknown — not costed (not $0): {md(', '.join(unknown))}. Add prices on the Candidates page.")
    rows = view.cost_rows(costs)
    if not rows:
        st.info("No candidate has prices yet. Add prices on the Candidates page or import LiteLLM's price file.")
        return
    names = [str(r["candidate"]) for r in rows]
    excluded = set(defaults.excluded) if defaults else set()
    shown = st.container(key="edit-econ-chart-pick").multiselect(
        "Candidates in the chart", names, default=chart_default(names, defaults), key="econ_cost_compare",
        persist_state="session",
                           help=f"Default: the {CHART_DEFAULT} cheapest eligible, the Trade-offs leader and runner-up "
                                "(log scale: outliers no longer flatten the rest)")
    if shown:
        fig = cost_breakdown_bar(_subset(costs, shown), ceiling=defaults.ceiling_usd if defaults else None,
                                 excluded=[n for n in shown if n in excluded])
        fig.update_layout(height=480, xaxis_tickangle=-30)
        show_chart(fig, key="econ_cost_chart")
    else:
        st.info("Choose at least one candidate to chart.")
    table = pd.DataFrame([{
        "Candidate": r["candidate"],
        "Cost per success": r["cost_per_success_usd"],
        "Monthly total": r["monthly_total_usd"],
        "Cost per request": r["cost_per_request_usd"],
        "P(success)": 100.0 * float(r["success_probability"]),  # type: ignore[arg-type]
        **{econ.COST_COMPONENT_LABELS[k]: r[f"{k}_usd"] for k in econ.COST_COMPONENTS},
        "Billed input tokens": r["billed_input_tokens"],
        "Long-context tier": r["long_context_tier"],
        "Tokenizer known": r["tokenizer_known"],
        "Effort tier applied": r["effort_tier_found"],
    } for r in rows])
    money = {k: st.column_config.NumberColumn(f"{k} (USD/success)", format="$%.6f")
             for k in [*econ.COST_COMPONENT_LABELS.values(), "Cost per success"]}
    st.dataframe(table, hide_index=True, width="stretch", height=min(35 * (len(table) + 1) + 3, 460), column_config={
        **money,
        "Cost per request": st.column_config.NumberColumn("Cost per request (USD)", format="$%.6f"),
        "Monthly total": st.column_config.NumberColumn("Monthly total (USD/month)", format="dollar"),
        "P(success)": st.column_config.NumberColumn("P(success) (%)", format="%.2f%%"),
        "Billed input tokens": st.column_config.NumberColumn(format="%.0f"),
    })
    total = float(rows[0]["monthly_total_usd"])  # type: ignore[arg-type]
    st.caption(
        f"{workload.requests_per_month:,} requests per month. Cheapest per success: **{md(str(rows[0]['candidate']))}** "
        f"({usd_per_request(float(rows[0]['cost_per_success_usd']))} USD per success, "  # type: ignore[arg-type]
        f"{usd_per_month(total)} USD per month). Prices: each candidate's pricing provenance (Candidates page). "
        "Where characters-per-token is unknown the tokenizer multiplier is 1.0 (workload tokens as given)."
    )


CHART_DEFAULT = 12


def chart_default(names: Sequence[str], defaults: EconomicsDefaults | None) -> list[str]:
    """The cost chart's default candidates: the cheapest eligible (``names`` is cheapest first), plus
    the Trade-offs leader and runner-up; every name when there are few."""
    if len(names) <= CHART_DEFAULT + 2:
        return list(names)
    excluded = set(defaults.excluded) if defaults else set()
    chosen = [n for n in names if n not in excluded][:CHART_DEFAULT]
    for extra in (defaults.leader, defaults.runner_up) if defaults else ():
        if extra is not None and extra in names and extra not in chosen:
            chosen.append(extra)
    return [n for n in names if n in set(chosen)]


def _subset(costs: econ.CandidateCosts, names: Sequence[str]) -> econ.CandidateCosts:
    """The breakdown restricted (and ordered) to ``names``."""
    idx = np.array([costs.names.index(n) for n in names], dtype=int)

    def take(a: Any) -> Any:
        return np.asarray(a)[idx]

    call = econ.CallCost(*(take(getattr(costs.call, f)) for f in econ.CallCost.__dataclass_fields__))
    success = econ.SuccessCost(
        components_usd={k: take(v) for k, v in costs.success.components_usd.items()},
        cost_per_call_usd=take(costs.success.cost_per_call_usd),
        cost_per_request_usd=take(costs.success.cost_per_request_usd),
        expected_attempts=take(costs.success.expected_attempts),
        success_probability=take(costs.success.success_probability),
    )
    return econ.CandidateCosts(
        names=list(names), call=call, success=success, monthly={k: take(v) for k, v in costs.monthly.items()},
        pricing_known=take(costs.pricing_known), tokenizer_multiplier=take(costs.tokenizer_multiplier),
        tokenizer_known=take(costs.tokenizer_known), effort_multiplier=take(costs.effort_multiplier),
        effort_tier_found=take(costs.effort_tier_found),
    )


# =========================================================================== crossover and volume


def crossover_section(candidates: Sequence[Candidate], workload: Workload,
                      defaults: EconomicsDefaults | None = None) -> None:
    st.subheader("Cost-quality crossover")
    st.markdown(
        "Quality is a tier's pass rate on a task domain; an option A beats B iff c_A/p_A < c_B/p_B "
        f"({SOURCE_REF} §1). For each **required quality** the cheapest option per success among those that reach "
        f"it is chosen; a crossover is where that choice changes ({SOURCE_SEED} “The Cost-Quality Crossover”)."
    )
    rates = defaults.pass_rates if defaults else {}
    domains = ([EVIDENCE_DOMAIN] if rates else []) + view.effort_domains(candidates)
    if not domains:
        st.info("No candidate has effort tiers with per-domain qualities, and this profile has no imported pass "
                "rates. Import evidence (Evidence page) or add effort tiers to a candidate to see crossovers.")
    else:
        domain = st.selectbox("Quality axis", domains, key="econ_domain", persist_state="session",
                              help="This profile's imported pass rates, or a task domain named in the candidates' "
                                   "effort tiers (e.g. math_aime = AIME pass rate)")
        if domain == EVIDENCE_DOMAIN:
            st.caption("Quality = each candidate's pooled pass rate on this profile's own evaluation runs "
                       "(passed items / items); token use as in the workload.")
            _crossover_panel(evidence_candidates(candidates, rates), workload, domain)
        else:
            _crossover_panel(candidates, workload, domain)
    st.divider()
    volume_panel(candidates, workload)


EVIDENCE_DOMAIN = "imported pass rate"


def evidence_candidates(candidates: Sequence[Candidate], rates: dict[str, PassRate]) -> list[Candidate]:
    """Candidates with an imported pass rate, each with one tier whose quality is that rate (so the
    one crossover implementation, :func:`workbench.domain.economics.effort_options`, reads it)."""
    return [c.model_copy(update={"effort_tiers": [EffortTier(name="measured", quality_by_domain={
        EVIDENCE_DOMAIN: rates[c.name].rate})]}) for c in candidates if c.name in rates]


def _crossover_panel(candidates: Sequence[Candidate], workload: Workload, domain: str) -> None:
    tiers = view.tiers_for_domain(candidates, domain)
    if not tiers:
        st.info(f"No priced candidate reports a quality for {md(domain)}.")
        return
    with st.expander("Token use per effort tier (what-if, not saved)", expanded=True):
        st.caption("Higher effort generates more tokens. Catalog multipliers are 1.0 where unpublished (e.g. the seed "
                   "gives GPT-5.5 Pro's AIME pass rates but not its token use); enter measured multipliers here.")
        cols = st.columns(min(len(tiers), 4))
        overrides: dict[tuple[str, str], float] = {}
        for i, (cand, tier, mult) in enumerate(tiers):
            overrides[(cand, tier)] = cols[i % len(cols)].number_input(
                f"{cand} · {tier} (× output tokens)", min_value=0.01, value=float(mult), step=0.5, format="%.2f",
                key=f"econ_mult_{_slug(cand)}_{_slug(tier)}", persist_state="session")
    try:
        adjusted = view.with_effort_multipliers(candidates, overrides)
        options = _options(tuple(adjusted), workload, domain)
        result = econ.required_quality_crossover(options.labels, options.cost_per_success_usd, options.quality)
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return
    fig = crossover_chart(options, result, title=f"Cost-quality crossover: {domain}")
    fig.update_layout(height=460)
    show_chart(fig, key="econ_crossover_chart")
    if result.crossovers:
        st.markdown("**Crossover points**\n" + "\n".join(f"- {md(c.explanation)}" for c in result.crossovers))
    elif result.segments:
        s = result.segments[0]
        st.markdown(f"**No crossover:** {md(s.label)} is the cheapest per success at every required quality up to "
                    f"{pct(result.max_quality)} ({usd_per_request(s.cost_per_success_usd)} USD per success). "
                    "With equal token use per tier, the highest-quality tier is also the cheapest per success.")
    st.caption(f"Above {pct(result.max_quality)} required quality no option qualifies. Only candidates whose effort "
               f"tiers report a {domain} quality are shown ({len({t[0] for t in tiers})} of {len(candidates)}): "
               "E/A/D capability ratings are not pass rates, so they are not turned into a quality here.")
    st.dataframe(pd.DataFrame({
        "Option": options.labels, "Quality": options.quality * 100.0, "Cost per call": options.cost_per_call_usd,
        "Cost per success": options.cost_per_success_usd, "Cheapest at some quality": result.frontier,
    }), hide_index=True, width="stretch", column_config={
        "Quality": st.column_config.NumberColumn("Quality (pass rate, %)", format="%.1f%%"),
        "Cost per call": st.column_config.NumberColumn("Cost per call (USD)", format="$%.6f"),
        "Cost per success": st.column_config.NumberColumn("Cost per success (USD)", format="$%.6f"),
    })


def volume_panel(candidates: Sequence[Candidate], workload: Workload) -> None:
    st.subheader("Cost vs monthly volume: self-hosting vs API")
    st.markdown("API: a × V (USD per request × requests). Self-hosting: replicas × (GPU USD/hour × GPUs × hours + "
                "fixed) per month, replicas = ceil(V / capacity). They meet at V = k·R/a "
                f"({SOURCE_SEED} “Deployment Fit Matrix”: self-hosting trades per-token price for fixed GPU cost).")
    priced = view.priced(candidates)
    if not priced:
        st.info("No candidate has API prices to compare against.")
        return
    costs = cost_breakdown(candidates, workload)
    names = [c.name for c in priced]
    c = st.columns(5)
    api = c[0].selectbox("API candidate", names, key="econ_vol_cand", persist_state="session")
    gpu_rate = c[1].number_input("GPU price (USD per GPU-hour)", min_value=0.0, value=2.50, step=0.10, format="%.2f",
                                 key="econ_vol_gpu_usd", persist_state="session", help="Your cloud quote; the default is only an example")
    gpus = c[2].number_input("GPUs per replica", min_value=1, value=1, step=1, key="econ_vol_gpus", persist_state="session")
    tps = c[3].number_input("Replica throughput (output tokens/s)", min_value=0.0, value=None, step=100.0,
                            format="%.0f", key="econ_vol_tps", persist_state="session", placeholder="unlimited",
                            help="Aggregate decode throughput at your batch size; empty = one replica is enough")
    fixed = c[4].number_input("Other fixed cost (USD per replica-month)", min_value=0.0, value=0.0, step=100.0,
                              format="%.2f", key="econ_vol_fixed", persist_state="session")
    a = float(costs.success.cost_per_request_usd[costs.names.index(api)])
    try:
        capacity = (None if not tps else
                    float(econ.self_host_capacity(tps, max(workload.output_tokens, 1))))
        base = econ.self_host_vs_api([0.0], api_cost_per_request_usd=a, gpu_hourly_usd=gpu_rate, gpus=int(gpus),
                                     capacity_requests_per_month=capacity, fixed_monthly_usd=fixed)
        be = base.break_even_volume
        vmax = max(2.0 * be if math.isfinite(be) else 0.0, 2.0 * workload.requests_per_month, 1000.0)
        comp = econ.self_host_vs_api(np.linspace(0.0, vmax, 401), api_cost_per_request_usd=a, gpu_hourly_usd=gpu_rate,
                                     gpus=int(gpus), capacity_requests_per_month=capacity, fixed_monthly_usd=fixed)
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return
    m = st.columns(3)
    m[0].metric("API cost (USD per request)", usd_per_request(a), help=f"{api} on this workload")
    m[1].metric("Self-hosting (USD per replica-month)", usd_per_month(comp.replica_monthly_usd))
    m[2].metric("Break-even volume (requests per month)", f"{be:,.0f}" if math.isfinite(be) else "never")
    fig = volume_chart(comp)
    fig.add_vline(x=workload.requests_per_month, line_dash="dash", line_color="gray",
                  annotation_text="your volume", annotation_position="bottom right")
    fig.update_layout(height=440, yaxis_tickformat="$,.0f", xaxis_tickformat=",.0f")
    show_chart(fig, key="econ_volume_chart")
    st.caption(f"Capacity per replica: {'unlimited' if capacity is None else f'{capacity:,.0f}'}"
               " requests per month. Hours per month: 730.")
