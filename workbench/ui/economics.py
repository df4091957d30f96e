"""Economics page helpers: workload inputs, cached computations and one renderer per section.

Formulas live in :mod:`workbench.domain.economics` (and the pure views in
:mod:`workbench.domain.economics_view`); figures in :mod:`workbench.charts.economics`. Money is
formatted with :func:`format_usd` at a fixed precision per unit: 6 decimals per request or per
success, 4 per 1M tokens, 2 per month. Every slider sits in a fragment with what it drives.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from workbench.charts.economics import (
    cascade_escalation_chart,
    cascade_sweep_chart,
    cost_breakdown_bar,
    crossover_chart,
    routing_chart,
    speculative_chart,
    volume_chart,
)
from workbench.charts.economics_view import rag_chart
from workbench.domain import economics as econ
from workbench.domain import economics_view as view
from workbench.domain.economics import EconomicsInputError, format_usd
from workbench.domain.models import Candidate, Workload
from workbench.io.calibration import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CalibrationFormatError,
    read_calibration_csv,
)

SECTIONS: dict[str, str] = {
    "cost": "Cost per success",
    "crossover": "Crossover & volume",
    "cascade": "Cascade",
    "routing": "Routing",
    "rag": "RAG vs stuffing",
    "speculative": "Speculative decoding",
    "tokenizer": "Tokenizer drift",
}
PER_REQUEST = 6  # decimals for USD per request / per success
PER_MTOK = 4  # decimals for USD per 1M tokens
PER_MONTH = 2  # decimals for USD per month
SOURCE_SEED = "seed 002"
SOURCE_REF = "reference economics-and-evidence.md"
WORKLOAD_LABELS = {
    "input_tokens": "Input tokens per request", "output_tokens": "Output tokens per request",
    "cached_share": "Cached share of input", "requests_per_month": "Requests per month",
    "effort_tier": "Reasoning effort tier", "max_retries": "Max retries after an invalid output",
    "valid_output_rate": "Valid-output rate per attempt", "human_review_cost_usd": "Human review cost (USD per case)",
    "human_review_rate": "Human review rate",
}


def pct(x: float, digits: int = 1) -> str:
    return f"{100.0 * x:.{digits}f}%"


def _slug(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_")


# =========================================================================== cached computations


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def cost_breakdown(candidates: tuple[Candidate, ...], workload: Workload) -> econ.CandidateCosts:
    return econ.cost_breakdown_for(list(candidates), workload)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _options(candidates: tuple[Candidate, ...], workload: Workload, domain: str) -> econ.Options:
    return econ.effort_options(list(candidates), workload, domain)


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def _sweep(confidence: np.ndarray, correct: np.ndarray, premium_correct: np.ndarray | None, cheap: float,
           premium: float, judge: float, premium_quality: float | None) -> econ.ThresholdSweep:
    return econ.cascade_threshold_sweep(confidence, correct, cheap_cost=cheap, premium_cost=premium, judge_cost=judge,
                                        premium_quality=premium_quality, premium_correct=premium_correct)


# =========================================================================== workload


def workload_inputs(workload: Workload, tiers: Sequence[str], key: str) -> dict[str, Any]:
    """Live inputs for the workload (the sections use them unsaved); returns the raw values."""
    c = st.columns(5)
    raw: dict[str, Any] = {
        "input_tokens": c[0].number_input(WORKLOAD_LABELS["input_tokens"], value=workload.input_tokens, step=100,
                                          key=f"{key}-in"),
        "output_tokens": c[1].number_input(WORKLOAD_LABELS["output_tokens"], value=workload.output_tokens, step=50,
                                           key=f"{key}-out"),
        "cached_share": c[2].number_input(WORKLOAD_LABELS["cached_share"], value=workload.cached_share, step=0.05,
                                          format="%.2f", key=f"{key}-cached", help="0..1 of the prompt read from cache"),
        "requests_per_month": c[3].number_input(WORKLOAD_LABELS["requests_per_month"],
                                                value=workload.requests_per_month, step=10_000, key=f"{key}-rpm"),
    }
    options = [None, *tiers]
    current = workload.effort_tier if workload.effort_tier in tiers else None
    raw["effort_tier"] = c[4].selectbox(WORKLOAD_LABELS["effort_tier"], options, index=options.index(current),
                                        format_func=lambda t: "none (base tokens)" if t is None else t,
                                        key=f"{key}-effort", help="Applies to candidates that have this tier")
    raw["max_retries"] = c[0].number_input(WORKLOAD_LABELS["max_retries"], value=workload.max_retries, step=1,
                                           key=f"{key}-retries")
    raw["valid_output_rate"] = c[1].number_input(WORKLOAD_LABELS["valid_output_rate"],
                                                 value=workload.valid_output_rate, step=0.01, format="%.3f",
                                                 key=f"{key}-valid", help="0..1; must be above 0")
    raw["human_review_cost_usd"] = c[2].number_input(WORKLOAD_LABELS["human_review_cost_usd"],
                                                     value=workload.human_review_cost_usd, step=0.5, format="%.2f",
                                                     key=f"{key}-review")
    raw["human_review_rate"] = c[3].number_input(WORKLOAD_LABELS["human_review_rate"],
                                                 value=workload.human_review_rate, step=0.01, format="%.3f",
                                                 key=f"{key}-rrate", help="0..1 of requests reviewed by a person")
    return raw


def show_econ_error(exc: Exception) -> None:
    st.error(f"Can't compute this: {exc}. Nothing was saved.")


# =========================================================================== cost per success

COST_FORMULA = (
    "**Cost per successful outcome** = (E[attempts] × cost per call + review rate × review cost) / P(success), "
    "with cost per call = n_in·(1−s)·P_in + n_in·s·P_cached + n_out·P_out + n_reasoning·P_reasoning "
    "(prices in USD per 1M tokens; long-context tiers and the tokenizer multiplier applied), "
    "P(success) = 1 − (1−p)^(r+1) and E[attempts] = P(success)/p for valid-output rate p and r retries. "
    f"Sources: {SOURCE_SEED} “Evaluation and Observability Guidance” (prefill, generation, caching, retries and "
    f"human validation divided by the rate of valid outputs); {SOURCE_REF} §1 (LiteLLM cost formula)."
)


def cost_section(candidates: Sequence[Candidate], workload: Workload) -> None:
    st.subheader("Cost per successful outcome")
    st.markdown(COST_FORMULA)
    costs = cost_breakdown(tuple(candidates), workload)
    unknown = view.unpriced_names(candidates)
    if unknown:
        st.warning(f"Pricing unknown — not costed (not $0): {', '.join(unknown)}. Add prices on the Candidates page.")
    rows = view.cost_rows(costs)
    if not rows:
        st.info("No candidate has prices yet. Add prices on the Candidates page or import LiteLLM's price file.")
        return
    names = [str(r["candidate"]) for r in rows]
    shown = st.multiselect("Candidates in the chart", names, default=names, key="econ_cost_compare",
                           help="Drop an expensive outlier to read the cheaper bars")
    if shown:
        fig = cost_breakdown_bar(_subset(costs, shown))
        fig.update_layout(height=480, xaxis_tickangle=-30, yaxis_tickformat="$.4f")
        st.plotly_chart(fig, key="econ_cost_chart")
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
    st.dataframe(table, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3, column_config={
        **money,
        "Cost per request": st.column_config.NumberColumn("Cost per request (USD)", format="$%.6f"),
        "Monthly total": st.column_config.NumberColumn("Monthly total (USD/month)", format="dollar"),
        "P(success)": st.column_config.NumberColumn("P(success) (%)", format="%.2f%%"),
        "Billed input tokens": st.column_config.NumberColumn(format="%.0f"),
    })
    total = float(rows[0]["monthly_total_usd"])  # type: ignore[arg-type]
    st.caption(
        f"{workload.requests_per_month:,} requests per month. Cheapest per success: **{rows[0]['candidate']}** "
        f"({format_usd(float(rows[0]['cost_per_success_usd']), PER_REQUEST)} USD per success, "  # type: ignore[arg-type]
        f"{format_usd(total, PER_MONTH)} USD per month). Prices: each candidate's pricing provenance (Candidates page). "
        "Where characters-per-token is unknown the tokenizer multiplier is 1.0 (workload tokens as given)."
    )


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


def crossover_section(candidates: Sequence[Candidate], workload: Workload) -> None:
    st.subheader("Cost-quality crossover")
    st.markdown(
        "Quality is a tier's pass rate on a task domain; an option A beats B iff c_A/p_A < c_B/p_B "
        f"({SOURCE_REF} §1). For each **required quality** the cheapest option per success among those that reach "
        f"it is chosen; a crossover is where that choice changes ({SOURCE_SEED} “The Cost-Quality Crossover”)."
    )
    domains = view.effort_domains(candidates)
    if not domains:
        st.info("No candidate has effort tiers with per-domain qualities. Add them to a candidate to see crossovers.")
    else:
        domain = st.selectbox("Task domain", domains, key="econ_domain",
                              help="Domains named in the candidates' effort tiers (e.g. math_aime = AIME pass rate)")
        _crossover_panel(candidates, workload, domain)
    st.divider()
    volume_panel(candidates, workload)


def _crossover_panel(candidates: Sequence[Candidate], workload: Workload, domain: str) -> None:
    tiers = view.tiers_for_domain(candidates, domain)
    if not tiers:
        st.info(f"No priced candidate reports a quality for {domain}.")
        return
    with st.expander("Token use per effort tier (what-if, not saved)", expanded=True):
        st.caption("Higher effort generates more tokens. Catalog multipliers are 1.0 where unpublished (e.g. the seed "
                   "gives GPT-5.5 Pro's AIME pass rates but not its token use); enter measured multipliers here.")
        cols = st.columns(min(len(tiers), 4))
        overrides: dict[tuple[str, str], float] = {}
        for i, (cand, tier, mult) in enumerate(tiers):
            overrides[(cand, tier)] = cols[i % len(cols)].number_input(
                f"{cand} · {tier} (× output tokens)", min_value=0.01, value=float(mult), step=0.5, format="%.2f",
                key=f"econ_mult_{_slug(cand)}_{_slug(tier)}")
    try:
        adjusted = view.with_effort_multipliers(candidates, overrides)
        options = _options(tuple(adjusted), workload, domain)
        result = econ.required_quality_crossover(options.labels, options.cost_per_success_usd, options.quality)
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return
    fig = crossover_chart(options, result, title=f"Cost-quality crossover: {domain}")
    fig.update_layout(height=460, xaxis_tickformat="$.4f")
    st.plotly_chart(fig, key="econ_crossover_chart")
    if result.crossovers:
        st.markdown("**Crossover points**\n" + "\n".join(f"- {c.explanation}" for c in result.crossovers))
    elif result.segments:
        s = result.segments[0]
        st.markdown(f"**No crossover:** {s.label} is the cheapest per success at every required quality up to "
                    f"{pct(result.max_quality)} ({format_usd(s.cost_per_success_usd, PER_REQUEST)} USD per success). "
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
    costs = cost_breakdown(tuple(candidates), workload)
    names = [c.name for c in priced]
    c = st.columns(5)
    api = c[0].selectbox("API candidate", names, key="econ_vol_cand")
    gpu_rate = c[1].number_input("GPU price (USD per GPU-hour)", min_value=0.0, value=2.50, step=0.10, format="%.2f",
                                 key="econ_vol_gpu_usd", help="Your cloud quote; the default is only an example")
    gpus = c[2].number_input("GPUs per replica", min_value=1, value=1, step=1, key="econ_vol_gpus")
    tps = c[3].number_input("Replica throughput (output tokens/s)", min_value=0.0, value=None, step=100.0,
                            format="%.0f", key="econ_vol_tps", placeholder="unlimited",
                            help="Aggregate decode throughput at your batch size; empty = one replica is enough")
    fixed = c[4].number_input("Other fixed cost (USD per replica-month)", min_value=0.0, value=0.0, step=100.0,
                              format="%.2f", key="econ_vol_fixed")
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
    m[0].metric("API cost (USD per request)", format_usd(a, PER_REQUEST), help=f"{api} on this workload")
    m[1].metric("Self-hosting (USD per replica-month)", format_usd(comp.replica_monthly_usd, PER_MONTH))
    m[2].metric("Break-even volume (requests per month)", f"{be:,.0f}" if math.isfinite(be) else "never")
    fig = volume_chart(comp)
    fig.add_vline(x=workload.requests_per_month, line_dash="dash", line_color="gray",
                  annotation_text="your volume", annotation_position="bottom right")
    fig.update_layout(height=440, margin={"t": 90}, yaxis_tickformat="$,.0f", xaxis_tickformat=",.0f")
    st.plotly_chart(fig, key="econ_volume_chart")
    st.caption(comp.explanation + f" Capacity per replica: {'unlimited' if capacity is None else f'{capacity:,.0f}'}"
               " requests per month. Hours per month: 730.")


# =========================================================================== cascade and router


def pair_inputs(candidates: Sequence[Candidate]) -> tuple[str, str, float, float] | None:
    """Cheap L / premium H candidates and their qualities (shared by the cascade and routing sections)."""
    priced = view.priced(candidates)
    if len(priced) < 2:
        st.info("Two candidates with prices are needed for a cascade. Add prices on the Candidates page.")
        return None
    ordered = sorted(priced, key=lambda c: c.pricing.input_per_mtok + c.pricing.output_per_mtok)  # type: ignore[union-attr]
    names = [c.name for c in ordered]
    c = st.columns(4)
    cheap = c[0].selectbox("Cheap model L", names, index=0, key="econ_cheap", persist_state="session")
    premium = c[1].selectbox("Premium model H", names, index=len(names) - 1, key="econ_premium",
                             persist_state="session")
    ql = c[2].number_input("Quality of L's accepted answers (0–1)", min_value=0.0, max_value=1.0, value=0.85,
                           step=0.01, format="%.3f", key="econ_q_cheap", persist_state="session",
                           help="Entered: measure it on your evaluation set (Evidence page)")
    qh = c[3].number_input("Quality of H (0–1)", min_value=0.0, max_value=1.0, value=0.95, step=0.01, format="%.3f",
                           key="econ_q_premium", persist_state="session",
                           help="Entered: measure it on your evaluation set (Evidence page)")
    if cheap == premium:
        st.warning("L and H are the same candidate: choose a cheaper L.")
    return cheap, premium, float(ql), float(qh)


CASCADE_FORMULA = (
    "**Cascade** (always pays L, then H on escalation): E[C] = C_L + C_J + P(s_L < τ)·C_H; "
    "E[Q] = P(s_L ≥ τ)·Q_L|accepted + P(s_L < τ)·Q_H; cheaper than premium-direct iff "
    "P(esc) < 1 − (C_L + C_J)/C_H. **Router** (pre-generation, pays L *or* H): E[C] = C_R + f·C_H + (1−f)·C_L. "
    f"Sources: {SOURCE_SEED} “Cascade Routing Math”; {SOURCE_REF} §1–2 (RouteLLM)."
)


BASIS_LABELS = {"workload": "Candidates on this workload (USD per request)", "prices": "Enter prices (USD per 1M tokens)"}
MODE_LABELS = {"rate": "a rate (slider)", "calibration": "calibration data (CSV)"}


def cascade_section(candidates: Sequence[Candidate], workload: Workload) -> None:
    st.subheader("Cascade economics")
    st.markdown(CASCADE_FORMULA)
    basis = st.segmented_control("Costs from", ["workload", "prices"], default="workload", required=True,
                                 key="econ_casc_basis", format_func=lambda b: BASIS_LABELS[b])
    if basis == "prices":
        c = st.columns(4)
        cl = c[0].number_input("C_L: cheap model (USD per 1M tokens)", min_value=0.0, value=0.24, step=0.01,
                               format="%.4f", key="econ_casc_cl")
        ch = c[1].number_input("C_H: premium model (USD per 1M tokens)", min_value=0.0, value=24.7, step=0.1,
                               format="%.4f", key="econ_casc_ch")
        ql = c[2].number_input("Q_L of accepted answers (0–1)", min_value=0.0, max_value=1.0, value=0.85, step=0.01,
                               format="%.3f", key="econ_casc_ql")
        qh = c[3].number_input("Q_H (0–1)", min_value=0.0, max_value=1.0, value=0.95, step=0.01, format="%.3f",
                               key="econ_casc_qh")
        st.caption(f"Defaults: RouteLLM's prices, Mixtral ≈ $0.24 and GPT-4 ≈ $24.7 per 1M tokens ({SOURCE_REF} §7); "
                   "at 26.6 % strong calls the router saves 3.66× (the paper's figure), the cascade 3.63×.")
        unit, digits = "USD per 1M tokens", PER_MTOK
    else:
        pair = pair_inputs(candidates)
        if pair is None:
            return
        cheap, premium, ql, qh = pair
        costs = cost_breakdown(tuple(candidates), workload)
        cl = float(costs.success.cost_per_request_usd[costs.names.index(cheap)])
        ch = float(costs.success.cost_per_request_usd[costs.names.index(premium)])
        st.caption(f"C_L = {format_usd(cl, PER_REQUEST)} USD ({cheap}), C_H = {format_usd(ch, PER_REQUEST)} USD "
                   f"({premium}): cost per request of this workload, retries and human review included.")
        unit, digits = "USD per request", PER_REQUEST
    j = st.columns(3)
    cj = j[0].number_input(f"C_J: judge/scorer on every query ({unit})", min_value=0.0, value=0.0,
                           step=10.0 ** -digits, format=f"%.{digits}f", key="econ_casc_cj")
    cr = j[1].number_input(f"C_R: router per query ({unit})", min_value=0.0, value=0.0, step=10.0 ** -digits,
                           format=f"%.{digits}f", key="econ_casc_cr")
    mode = j[2].segmented_control("Escalation from", ["rate", "calibration"], default="rate", required=True,
                                  key="econ_casc_mode", format_func=lambda m: MODE_LABELS[m])
    if ch <= 0:
        st.error("C_H must be above 0 to compare against premium-direct. Nothing was saved.")
        return
    if mode == "rate":
        escalation_fragment(cl, ch, cj, cr, ql, qh, unit, digits)
    else:
        calibration_panel(cl, ch, cj, qh, unit, digits)


@st.fragment
def escalation_fragment(cl: float, ch: float, cj: float, cr: float, ql: float, qh: float, unit: str,
                        digits: int) -> None:
    p = st.slider("Escalation probability P(s_L < τ) (%)", 0.0, 100.0, 26.6, 0.1, format="%.1f%%",
                  key="econ_esc") / 100.0
    try:
        ec = float(econ.cascade_expected_cost(cl, ch, p, cj))
        eq = float(econ.cascade_expected_quality(p, ql, qh))
        be = float(econ.cascade_break_even_rate(cl, ch, cj))
        er = float(econ.router_expected_cost(cl, ch, p, cr))
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return

    def ratio(cost: float) -> str:
        return f"{float(econ.savings_ratio(ch, cost)):.2f}×" if cost > 0 else "unbounded"

    m = st.columns(4)
    m[0].metric(f"Cascade E[C] ({unit})", format_usd(ec, digits), help="C_L + C_J + P(esc)·C_H")
    m[1].metric("Cascade E[Q] (%)", pct(eq), help="(1 − P(esc))·Q_L + P(esc)·Q_H")
    m[2].metric("Break-even escalation rate (%)", pct(be) if be > 0 else "never cheaper",
                help="1 − (C_L + C_J)/C_H: below it the cascade is cheaper than premium-direct")
    m[3].metric("Cascade saving (× vs H)", ratio(ec), help="C_H / E[C]: premium-direct cost over the cascade's")
    r = st.columns(4)
    r[0].metric(f"Premium-direct ({unit})", format_usd(ch, digits))
    r[1].metric(f"Router E[C] ({unit})", format_usd(er, digits),
                help="Pre-generation router sending the same share f = P(esc) to H: C_R + f·C_H + (1−f)·C_L")
    r[2].metric("Router saving (× vs H)", ratio(er), help="C_H / router E[C]")
    r[3].metric(f"Router − cascade ({unit})", format_usd(er - ec, digits),
                help="The router skips the cheap call on routed queries: it saves C_L·f − C_R against the cascade")
    verdict = ("cheaper than premium-direct" if ec < ch else "not cheaper than premium-direct")
    st.markdown(f"At P(esc) = {pct(p)} the cascade is **{verdict}**"
                + (f"; it stays cheaper while P(esc) < {pct(be)}." if be > 0 else
                   "; the cheap stage alone costs as much as H, so no escalation rate pays off."))
    fig = cascade_escalation_chart(cl, ch, p, judge_cost=cj, cost_unit=unit)
    fig.add_trace(_router_line(cl, ch, cr))
    fig.update_layout(height=420, yaxis_tickformat=f"$.{digits}f")
    st.plotly_chart(fig, key="econ_cascade_chart")


def _router_line(cl: float, ch: float, cr: float) -> Any:
    import plotly.graph_objects as go

    f = np.linspace(0.0, 1.0, 101)
    return go.Scatter(name="Router E[C] (strong share f)", x=f * 100, y=econ.router_expected_cost(cl, ch, f, cr),
                      mode="lines", line={"dash": "dot"})


def calibration_panel(cl: float, ch: float, cj: float, qh: float, unit: str, digits: int) -> None:
    expected = f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)})"
    upload = st.file_uploader(f"Calibration CSV: one row per item with columns {expected}", type=["csv"],
                              key="econ_calib_file")
    with st.expander("…or paste the CSV text"):
        text = st.text_area("CSV text", key="econ_calib_text", height=120,
                            placeholder="item_id,confidence,correct\nq1,0.92,1\nq2,0.41,0")
    if upload is not None:
        raw, name = upload.getvalue(), upload.name
    elif text.strip():
        raw, name = text.encode("utf-8"), "pasted CSV"
    else:
        st.info(f"Upload per-item calibration data of the cheap model: columns {expected}. `confidence` is its score "
                "(higher = more confident), `correct` 1/0. The curve is exact over every observed score.")
        return
    try:
        data = read_calibration_csv(raw, name)
        sweep = _sweep(data.confidence, data.correct.astype(float),
                       None if data.premium_correct is None else data.premium_correct.astype(float),
                       cl, ch, cj, None if data.premium_correct is not None else qh)
    except (CalibrationFormatError, EconomicsInputError) as exc:
        st.error(f"{exc}. Nothing was imported.")
        return
    source = "per-item premium_correct" if data.premium_correct is not None else f"Q_H = {pct(qh)} (entered)"
    st.caption(f"{len(data):,} items from {name}; cheap model accuracy {pct(data.accuracy)}; premium quality from "
               f"{source}.")
    threshold_fragment(sweep, unit, digits)


@st.fragment
def threshold_fragment(sweep: econ.ThresholdSweep, unit: str, digits: int) -> None:
    default = round(min(float(sweep.premium_direct_quality), 1.0) * 100 - 1.0, 1)
    target = st.slider("Target quality (%)", 0.0, 100.0, max(default, 0.0), 0.5, format="%.1f%%",
                       key="econ_target") / 100.0
    best = econ.best_threshold(sweep, target)
    fig = cascade_sweep_chart(sweep, best, target_quality=target, cost_unit=unit)
    fig.update_layout(height=460, legend={"orientation": "h", "y": -0.25}, yaxis_tickformat=f"$.{digits}f",
                      yaxis2={"tickmode": "linear", "tick0": 0, "dtick": 20, "ticksuffix": "%", "showgrid": False})
    fig.for_each_annotation(lambda a: a.update(y=0.02, yanchor="bottom") if a.text.startswith("best tau") else None)
    if best is None:
        st.warning(f"No threshold reaches {pct(target)}: the best the cascade gets is "
                   f"{pct(float(sweep.expected_quality.max()))}.")
    else:
        m = st.columns(4)
        m[0].metric("Best τ (escalate below)", f"{best.tau:.4g}")
        m[1].metric("Escalation rate (%)", pct(best.escalation_rate))
        m[2].metric(f"E[C] ({unit})", format_usd(best.expected_cost, digits),
                    delta=f"{format_usd(best.expected_cost - sweep.premium_direct_cost, digits)} vs premium-direct",
                    delta_color="inverse")
        m[3].metric("E[Q] (%)", pct(best.expected_quality))
    st.plotly_chart(fig, key="econ_sweep_chart")


# =========================================================================== routing comparison


def routing_section(candidates: Sequence[Candidate], workload: Workload) -> None:
    st.subheader("Routing comparison")
    st.markdown("Cost per success = cost per request / quality; latency is the mean over the route "
                f"({SOURCE_SEED} “Routing Economics Framework”). Costs are this workload's cost per request.")
    pair = pair_inputs(candidates)
    if pair is None:
        return
    cheap, premium, ql, qh = pair
    costs = cost_breakdown(tuple(candidates), workload)
    by_name = {c.name: c for c in candidates}
    lat = [view.estimated_latency_ms(by_name[n], workload.output_tokens) for n in (cheap, premium)]
    c = st.columns(4)
    c[0].markdown("**Cascade**")
    p = c[0].number_input("Escalation rate (0–1)", min_value=0.0, max_value=1.0, value=0.266, step=0.01,
                          format="%.3f", key="econ_route_esc")
    tl = c[0].number_input("Latency of L (ms)", min_value=0.0, value=lat[0] or 800.0, step=50.0, format="%.0f",
                           key="econ_route_tl", help="TTFT p50 + output tokens / decode speed if known, else entered")
    th = c[0].number_input("Latency of H (ms)", min_value=0.0, value=lat[1] or 4000.0, step=100.0, format="%.0f",
                           key="econ_route_th")
    c[1].markdown("**Diagnostic router**")
    rc = c[1].number_input("Router cost (USD per request)", min_value=0.0, value=0.0001, step=0.0001,
                           format="%.6f", key="econ_route_rc")
    rt = c[1].number_input("Router latency (ms)", min_value=0.0, value=40.0, step=10.0, format="%.0f",
                           key="econ_route_rt")
    f = c[1].number_input("Share routed to H (0–1)", min_value=0.0, max_value=1.0, value=0.266, step=0.01,
                          format="%.3f", key="econ_route_f")
    acc = c[1].number_input("Routing accuracy (0–1)", min_value=0.0, max_value=1.0, value=0.9, step=0.01,
                            format="%.3f", key="econ_route_acc")
    c[2].markdown("**Human escalation**")
    hc = c[2].number_input("Human cost (USD per case)", min_value=0.0,
                           value=workload.human_review_cost_usd or 5.0, step=0.5, format="%.2f", key="econ_route_hc")
    hs = c[2].number_input("Share escalated to a person (0–1)", min_value=0.0, max_value=1.0, value=0.05, step=0.01,
                           format="%.3f", key="econ_route_hs")
    hq = c[2].number_input("Human quality (0–1)", min_value=0.0, max_value=1.0, value=0.99, step=0.01, format="%.3f",
                           key="econ_route_hq")
    ht = c[2].number_input("Human turnaround (ms)", min_value=0.0, value=3_600_000.0, step=60_000.0, format="%.0f",
                           key="econ_route_ht")
    c[3].markdown("**Sources**")
    c[3].caption(f"{cheap} and {premium} latencies: "
                 + ("catalog" if all(v is not None for v in lat) else "entered (the catalog has no latency for them)")
                 + ". Qualities, router and human figures: entered. Routing accuracy a: a misrouted query gets L's "
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
    st.plotly_chart(fig, key="econ_routing_chart")


# =========================================================================== RAG vs stuffing

RAG_NOTE = (
    "Seed 002's RAG example does not follow from its own price: 5 × 512 = 2,560 tokens at $0.005 per 1K cost "
    "2,560 / 1,000 × 0.005 = **$0.0128**, while its “$0.000413” implies about $0.00016 per 1K. This page computes "
    "every figure from the prices instead of copying the seed's number."
)


def rag_section(candidates: Sequence[Candidate]) -> None:
    st.subheader("RAG vs context stuffing")
    st.markdown("Stuffing: (corpus + question)·P_in + output·P_out per query. RAG: question·P_embed + search + "
                "(k·chunk + question)·P_in + output·P_out per query, plus a one-off index (chunks·chunk·P_embed) and "
                f"fixed monthly cost ({SOURCE_SEED} “Context-Fit and Retrieval Economics”).")
    priced = {c.name: c for c in view.priced(candidates)}
    c = st.columns(4)
    model = c[0].selectbox("Generation model prices", [None, *priced], key="econ_rag_model",
                           format_func=lambda n: "Seed example: $0.005 per 1K input" if n is None else n)
    pricing = priced[model].pricing if model else None
    p_in = pricing.input_per_mtok if pricing else c[0].number_input(
        "Input price (USD per 1M tokens)", min_value=0.0, value=5.0, step=0.5, format="%.4f", key="econ_rag_pin")
    p_out = pricing.output_per_mtok if pricing else c[0].number_input(
        "Output price (USD per 1M tokens)", min_value=0.0, value=0.0, step=0.5, format="%.4f", key="econ_rag_pout")
    corpus = c[1].number_input("Corpus (tokens)", min_value=0, value=400_000, step=10_000, key="econ_rag_corpus")
    qpm = c[1].number_input("Queries per month", min_value=0, value=10_000, step=1000, key="econ_rag_qpm")
    question = c[1].number_input("Question tokens per query", min_value=0, value=0, step=50, key="econ_rag_q")
    output = c[1].number_input("Output tokens per query", min_value=0, value=0, step=50, key="econ_rag_out")
    k = c[2].number_input("Chunks retrieved (top-k)", min_value=0, value=5, step=1, key="econ_rag_k")
    chunk = c[2].number_input("Chunk size (tokens)", min_value=1, value=512, step=64, key="econ_rag_chunk")
    overlap = c[2].number_input("Chunk overlap (tokens)", min_value=0, value=0, step=16, key="econ_rag_overlap")
    embed = c[3].number_input("Embedding price (USD per 1M tokens)", min_value=0.0, value=0.02, step=0.01,
                              format="%.4f", key="econ_rag_embed")
    search = c[3].number_input("Vector search (USD per query)", min_value=0.0, value=0.0, step=0.0001,
                               format="%.6f", key="econ_rag_search")
    fixed = c[3].number_input("Vector store (USD per month)", min_value=0.0, value=0.0, step=10.0, format="%.2f",
                              key="econ_rag_fixed")
    months = c[3].number_input("Amortise index over (months)", min_value=1.0, value=12.0, step=1.0, format="%.0f",
                               key="econ_rag_months")
    try:
        r = econ.rag_vs_stuffing(
            corpus_tokens=corpus, input_per_mtok=p_in, top_k=k, chunk_tokens=chunk, question_tokens=question,
            output_tokens=output, output_per_mtok=p_out, embed_per_mtok=embed, search_cost_per_query_usd=search,
            overlap_tokens=overlap, monthly_fixed_usd=fixed, amortisation_months=months, queries_per_month=qpm)
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return
    m = st.columns(4)
    m[0].metric("Stuffing (USD per query)", format_usd(r.stuffing_per_query_usd, PER_MTOK))
    m[1].metric("RAG (USD per query)", format_usd(r.rag_per_query_usd, PER_REQUEST))
    m[2].metric("Index, one-off (USD)", format_usd(r.index_cost_usd, PER_MTOK), help=f"{r.index_chunks:,.0f} chunks")
    be = r.break_even_queries_per_month
    m[3].metric("Break-even (queries per month)", f"{math.ceil(be):,}" if math.isfinite(be) else "never")
    st.markdown(r.explanation)
    st.caption(f"At {qpm:,} queries per month: stuffing {format_usd(r.stuffing_monthly_usd, PER_MONTH)} USD, "
               f"RAG {format_usd(r.rag_monthly_usd, PER_MONTH)} USD per month. Prices: "
               + (f"{model}'s catalog pricing." if model else "seed 002 example ($0.005 per 1K = $5 per 1M input)."))
    fig = rag_chart(r)
    fig.update_layout(height=400, yaxis_tickformat="$,.0f")
    st.plotly_chart(fig, key="econ_rag_chart")
    st.info(RAG_NOTE, icon=":material/info:")


# =========================================================================== speculative decoding


@st.fragment
def speculative_section() -> None:
    st.subheader("Speculative decoding")
    st.markdown("S(B) = E·T(B) / (k·c·T(B) + T(B·(k+1))), T(n) = 1 + n/n_c, E = (1 − α^(k+1))/(1 − α) tokens per "
                "verification (Leviathan et al. 2023, eq. 1). Above batch 16 the seed's **concurrency trap** applies "
                f"({SOURCE_SEED} “Speculative Decoding”, anti-pattern “The Speculative Concurrency Trap”).")
    c = st.columns(5)
    alpha = c[0].slider("Acceptance rate α", 0.0, 0.99, 0.8, 0.01, key="econ_spec_alpha")
    k = c[1].slider("Drafted tokens k", 1, 12, 4, key="econ_spec_k")
    draft = c[2].slider("Draft cost / target step", 0.0, 0.5, 0.05, 0.01, key="econ_spec_c")
    nc = c[3].slider("Compute-bound batch n_c", 1, 128, 20, key="econ_spec_nc",
                     help="Batch at which a decode step's compute time equals its memory time (GPU-specific)")
    batch = c[4].slider("Your serving batch", 1, 128, 8, key="econ_spec_batch")
    try:
        curve = econ.speculative_speedup(np.arange(1, 129), alpha=alpha, k=k, draft_cost_ratio=draft,
                                         compute_bound_batch=nc)
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return
    at = float(curve.speedup[batch - 1])
    m = st.columns(3)
    m[0].metric(f"Speed-up at batch {batch} (×)", f"{at:.2f}×")
    m[1].metric("Tokens per verification step", f"{curve.expected_tokens:.2f}")
    be = curve.break_even_batch
    m[2].metric("Regression above batch", f"{be:.1f}" if math.isfinite(be) else "never")
    if batch > econ.CONCURRENCY_TRAP_BATCH:
        st.warning(f"Concurrency trap: batch {batch} > {econ.CONCURRENCY_TRAP_BATCH}. Verify the GPU is still "
                   "memory-bound before enabling speculation" + (" — this model predicts a slowdown." if at < 1 else "."))
    fig = speculative_chart(curve)
    fig.for_each_annotation(lambda a: a.update(y=0.02, yanchor="bottom") if a.text.startswith("break-even") else None)
    fig.add_vline(x=batch, line_dash="dash", line_color="gray", annotation_text="your batch",
                  annotation_position="bottom right")
    fig.update_layout(height=420)
    st.plotly_chart(fig, key="econ_spec_chart")
    st.caption(curve.explanation)


# =========================================================================== tokenizer drift


def tokenizer_section(candidates: Sequence[Candidate], workload: Workload) -> None:
    st.subheader("Tokenizer drift")
    st.markdown("The same text becomes cpt_from / cpt_to times as many tokens; token-priced cost scales by the same "
                f"ratio ({SOURCE_SEED} “Unintentional Tokenizer Drift”: +10 % to +35 %; {SOURCE_REF} §4: Claude "
                "Opus 4.6 → 4.7 English prose 4.33 → 3.60 characters per token = 1.20×).")
    names = [c.name for c in candidates]
    if len(names) < 2:
        st.info("Two candidates are needed.")
        return
    by_name = {c.name: c for c in candidates}
    c = st.columns(4)
    src = c[0].selectbox("From (today's model)", names, index=0, key="econ_tok_from")
    dst = c[1].selectbox("To (candidate model)", names, index=1, key="econ_tok_to")
    cpt_src = c[2].number_input(f"{src}: characters per token", min_value=0.01, value=by_name[src].chars_per_token,
                                step=0.05, format="%.2f", key=f"econ_tok_cpt_{_slug(src)}", placeholder="unknown")
    cpt_dst = c[3].number_input(f"{dst}: characters per token", min_value=0.01, value=by_name[dst].chars_per_token,
                                step=0.05, format="%.2f", key=f"econ_tok_cpt_{_slug(dst)}_to", placeholder="unknown")
    missing = [n for n, v in ((src, cpt_src), (dst, cpt_dst)) if v is None]
    if missing or cpt_src is None or cpt_dst is None:
        st.info(f"Characters per token unknown for {' and '.join(missing)}: the catalog has no measurement. Enter one "
                "(count the characters and tokens of a representative prompt with each tokenizer) to see the effect.")
        return
    try:
        d = view.tokenizer_drift_view(by_name[src], by_name[dst], workload, source_chars_per_token=cpt_src,
                                      target_chars_per_token=cpt_dst)
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return
    m = st.columns(4)
    m[0].metric("Token count change (%)", f"{d.token_change * 100:+.1f}%", help=f"ratio {d.token_ratio:.3f}×")
    m[1].metric("Tokens per request", f"{d.tokens_after:,.0f}", delta=f"{d.tokens_after - d.tokens_before:+,.0f}",
                delta_color="inverse", help=f"from {d.tokens_before:,.0f} counted with {src}'s tokenizer")
    if d.monthly_before_usd is not None and d.monthly_after_usd is not None:
        m[2].metric("Token cost (USD per month)", format_usd(d.monthly_after_usd, PER_MONTH),
                    delta=f"{format_usd(d.monthly_after_usd - d.monthly_before_usd, PER_MONTH)} vs today's counts",
                    delta_color="inverse", help=f"{dst}'s prices on this workload's requests per month")
    else:
        m[2].metric("Token cost (USD per month)", "unknown", help=f"{dst} has no pricing")
    m[3].metric("Within the seed's +10–35 %", "yes" if d.in_seed_range else "no")
    st.caption(f"Budgets built from {src}'s token counts misstate {dst}'s bill by this ratio (same price tier; human "
               "review is not token-priced and is left out).")
