"""Economics page: cascade and router (rate slider or calibration data)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import streamlit as st

from workbench.charts import theme
from workbench.charts.economics import (
    cascade_escalation_chart,
    cascade_sweep_chart,
)
from workbench.domain import economics as econ
from workbench.domain import economics_view as view
from workbench.domain.economics import EconomicsInputError
from workbench.domain.models import Candidate, Workload
from workbench.domain.money import usd_per_mtok, usd_per_request
from workbench.io.calibration import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CalibrationFormatError,
    read_calibration_csv,
)
from workbench.services.economics_defaults import EconomicsDefaults, PassRate
from workbench.ui.economics.common import (
    PER_MTOK,
    PER_REQUEST,
    SOURCE_REF,
    SOURCE_SEED,
    _slug,
    _sweep,
    cost_breakdown,
    escalation_slider,
    pct,
    show_econ_error,
)
from workbench.ui.presenter import show_chart
from workbench.ui.text import md

# =========================================================================== cascade and router


def pair_inputs(candidates: Sequence[Candidate], defaults: EconomicsDefaults | None = None
                ) -> tuple[str, str, float, float] | None:
    """Cheap L / premium H candidates and their qualities, shared by the Cascade and Routing sections
    (same keys, kept for the session). L and H default to the Trade-offs runner-up and leader, the
    qualities to imported pass rates where the profile has them."""
    priced = view.priced(candidates)
    if len(priced) < 2:
        st.info("Two candidates with prices are needed for a cascade. Add prices on the Candidates page.")
        return None
    ordered = sorted(priced, key=lambda c: c.pricing.input_per_mtok + c.pricing.output_per_mtok)  # type: ignore[union-attr]
    names = [c.name for c in ordered]
    cheap_default, premium_default = 0, len(names) - 1
    rates = defaults.pass_rates if defaults else {}
    if defaults and defaults.runner_up in names and defaults.leader in names:
        cheap_default, premium_default = names.index(defaults.runner_up), names.index(defaults.leader)
    c = st.columns(4)
    cheap = c[0].selectbox("Cheap model L", names, index=cheap_default, key="econ_cheap", persist_state="session",
                           help="Default: the Trade-offs runner-up for this profile")
    premium = c[1].selectbox("Premium model H", names, index=premium_default, key="econ_premium",
                             persist_state="session", help="Default: the Trade-offs leader for this profile")
    ql = _quality_input(c[2], "Quality of L's accepted answers (0–1)", cheap, rates, 0.85, "econ_q_cheap")
    qh = _quality_input(c[3], "Quality of H (0–1)", premium, rates, 0.95, "econ_q_premium")
    if cheap == premium:
        st.warning("L and H are the same candidate: choose a cheaper L.")
    return cheap, premium, float(ql), float(qh)


def _quality_input(col: Any, label: str, name: str, rates: dict[str, PassRate], entered: float, key: str) -> float:
    """A quality defaulting to the candidate's imported pass rate (its own key per candidate, so
    choosing another L or H brings its evidence), else to an entered value."""
    rate = rates.get(name)
    help_text = (rate.source if rate else "Entered: no imported pass rate for this candidate (Evidence page)")
    return float(col.number_input(label, min_value=0.0, max_value=1.0, value=round(rate.rate, 4) if rate else entered,
                                  step=0.01, format="%.3f", key=f"{key}_{_slug(name)}", persist_state="session",
                                  help=help_text))


CASCADE_FORMULA = (
    "**Cascade** (always pays L, then H on escalation): E[C] = C_L + C_J + P(s_L < τ)·C_H; "
    "E[Q] = P(s_L ≥ τ)·Q_L|accepted + P(s_L < τ)·Q_H; cheaper than premium-direct iff "
    "P(esc) < 1 − (C_L + C_J)/C_H. **Router** (pre-generation, pays L *or* H): E[C] = C_R + f·C_H + (1−f)·C_L. "
    f"Sources: {SOURCE_SEED} “Cascade Routing Math”; {SOURCE_REF} §1–2 (RouteLLM)."
)


BASIS_LABELS = {"workload": "Candidates on this workload (USD per request)", "prices": "Enter prices (USD per 1M tokens)"}
MODE_LABELS = {"rate": "a rate (slider)", "calibration": "calibration data (CSV)"}


def cascade_section(candidates: Sequence[Candidate], workload: Workload,
                    defaults: EconomicsDefaults | None = None) -> None:
    st.subheader("Cascade economics")
    st.markdown(CASCADE_FORMULA)
    basis = st.segmented_control("Costs from", ["workload", "prices"], default="workload", required=True,
                                 key="econ_casc_basis", persist_state="session", format_func=lambda b: BASIS_LABELS[b])
    if basis == "prices":
        c = st.columns(4)
        cl = c[0].number_input("C_L: cheap model (USD per 1M tokens)", min_value=0.0, value=0.24, step=0.01,
                               format="%.4f", key="econ_casc_cl", persist_state="session")
        ch = c[1].number_input("C_H: premium model (USD per 1M tokens)", min_value=0.0, value=24.7, step=0.1,
                               format="%.4f", key="econ_casc_ch", persist_state="session")
        ql = c[2].number_input("Q_L of accepted answers (0–1)", min_value=0.0, max_value=1.0, value=0.85, step=0.01,
                               format="%.3f", key="econ_casc_ql", persist_state="session")
        qh = c[3].number_input("Q_H (0–1)", min_value=0.0, max_value=1.0, value=0.95, step=0.01, format="%.3f",
                               key="econ_casc_qh", persist_state="session")
        st.caption(f"Defaults: RouteLLM's prices, Mixtral ≈ $0.24 and GPT-4 ≈ $24.7 per 1M tokens ({SOURCE_REF} §7); "
                   "at 26.6 % strong calls the router saves 3.66× (the paper's figure), the cascade 3.63×.")
        unit, digits = "USD per 1M tokens", PER_MTOK
    else:
        pair = pair_inputs(candidates, defaults)
        if pair is None:
            return
        cheap, premium, ql, qh = pair
        costs = cost_breakdown(candidates, workload)
        cl = float(costs.success.cost_per_request_usd[costs.names.index(cheap)])
        ch = float(costs.success.cost_per_request_usd[costs.names.index(premium)])
        st.caption(f"C_L = {usd_per_request(cl)} USD ({md(cheap)}), C_H = {usd_per_request(ch)} USD "
                   f"({md(premium)}): cost per request of this workload, retries and human review included.")
        unit, digits = "USD per request", PER_REQUEST
    j = st.columns(3)
    cj = j[0].number_input(f"C_J: judge/scorer on every query ({unit})", min_value=0.0, value=0.0,
                           step=10.0 ** -digits, format=f"%.{digits}f", key="econ_casc_cj", persist_state="session")
    cr = j[1].number_input(f"C_R: router per query ({unit})", min_value=0.0, value=0.0, step=10.0 ** -digits,
                           format=f"%.{digits}f", key="econ_casc_cr", persist_state="session")
    mode = j[2].segmented_control("Escalation from", ["rate", "calibration"], default="rate", required=True,
                                  key="econ_casc_mode", persist_state="session", format_func=lambda m: MODE_LABELS[m])
    if ch <= 0:
        st.error("C_H must be above 0 to compare against premium-direct. Nothing was saved.")
        return
    if mode == "rate":
        escalation_fragment(cl, ch, cj, cr, ql, qh, unit, digits)
    else:
        calibration_panel(cl, ch, cj, qh, unit, digits)


def _money(x: float, unit: str) -> str:
    """Per 1M tokens or per request, by the unit the costs were entered in."""
    return usd_per_mtok(x) if unit.endswith("1M tokens") else usd_per_request(x)


@st.fragment
def escalation_fragment(cl: float, ch: float, cj: float, cr: float, ql: float, qh: float, unit: str,
                        digits: int) -> None:
    p = escalation_slider()
    try:
        ec = float(econ.cascade_expected_cost(cl, ch, p, cj))
        eq = float(econ.cascade_expected_quality(p, ql, qh))
        be = econ.cascade_break_even(cl, ch, cj)
        router_be = econ.router_break_even(cl, ch, cr)
        er = float(econ.router_expected_cost(cl, ch, p, cr))
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return

    def ratio(cost: float) -> str:
        return f"{float(econ.savings_ratio(ch, cost)):.2f}×" if cost > 0 else "unbounded"

    m = st.columns(4)
    m[0].metric(f"Cascade E[C] ({unit})", _money(ec, unit), help="C_L + C_J + P(esc)·C_H")
    m[1].metric("Cascade E[Q] (%)", pct(eq), help="(1 − P(esc))·Q_L + P(esc)·Q_H")
    m[2].metric("Break-even escalation rate (%)", "never pays" if be.never_pays else pct(be.rate),
                help="1 − (C_L + C_J)/C_H, clipped to [0, 100 %]: below it the cascade is cheaper than premium-direct")
    m[3].metric("Cascade saving (× vs H)", ratio(ec), help="C_H / E[C]: premium-direct cost over the cascade's")
    r = st.columns(4)
    r[0].metric(f"Premium-direct ({unit})", _money(ch, unit))
    r[1].metric(f"Router E[C] ({unit})", _money(er, unit),
                help="Pre-generation router sending the same share f = P(esc) to H: C_R + f·C_H + (1−f)·C_L")
    r[2].metric("Router saving (× vs H)", ratio(er), help="C_H / router E[C]")
    r[3].metric(f"Router − cascade ({unit})", _money(er - ec, unit),
                help="The router skips the cheap call on routed queries: it saves C_L·f − C_R against the cascade")
    verdict = ("cheaper than premium-direct" if ec < ch else "not cheaper than premium-direct")
    st.markdown(f"At P(esc) = {pct(p)} the cascade is **{verdict}**. {md(be.sentence)}")
    st.caption(md(router_be.sentence))
    fig = cascade_escalation_chart(cl, ch, p, judge_cost=cj, cost_unit=unit)
    fig.add_trace(_router_line(cl, ch, cr))
    fig.update_layout(height=420, yaxis_tickformat="$.3~g")
    show_chart(fig, key="econ_cascade_chart")


def _router_line(cl: float, ch: float, cr: float) -> Any:
    import plotly.graph_objects as go

    f = np.linspace(0.0, 1.0, 101)
    return go.Scatter(name="Router E[C] (strong share f)", x=f * 100, y=econ.router_expected_cost(cl, ch, f, cr),
                      mode="lines", line={"dash": "dot", "color": theme.PALETTE[2]})


def calibration_panel(cl: float, ch: float, cj: float, qh: float, unit: str, digits: int) -> None:
    expected = f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)})"
    upload = st.file_uploader(f"Calibration CSV: one row per item with columns {expected}", type=["csv"],
                              key="econ_calib_file")
    with st.expander("…or paste the CSV text"):
        text = st.text_area("CSV text", key="econ_calib_text", persist_state="session", height=120,
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
        st.error(f"{md(exc)}. Nothing was imported.")
        return
    source = "per-item premium_correct" if data.premium_correct is not None else f"Q_H = {pct(qh)} (entered)"
    st.caption(f"{len(data):,} items from {md(name)}; cheap model accuracy {pct(data.accuracy)}; premium quality from "
               f"{source}.")
    threshold_fragment(sweep, unit, digits)


@st.fragment
def threshold_fragment(sweep: econ.ThresholdSweep, unit: str, digits: int) -> None:
    default = round(min(float(sweep.premium_direct_quality), 1.0) * 100 - 1.0, 1)
    target = st.slider("Target quality (%)", 0.0, 100.0, max(default, 0.0), 0.5, format="%.1f%%",
                       key="econ_target", persist_state="session") / 100.0
    best = econ.best_threshold(sweep, target)
    fig = cascade_sweep_chart(sweep, best, target_quality=target, cost_unit=unit)
    fig.update_layout(height=460, legend={"orientation": "h", "y": -0.25}, yaxis_tickformat="$.3~g",
                      yaxis2={"tickmode": "linear", "tick0": 0, "dtick": 20, "ticksuffix": "%", "showgrid": False})
    fig.for_each_annotation(lambda a: a.update(y=0.02, yanchor="bottom") if a.text.startswith("best tau") else None)
    if best is None:
        st.warning(f"No threshold reaches {pct(target)}: the best the cascade gets is "
                   f"{pct(float(sweep.expected_quality.max()))}.")
    else:
        m = st.columns(4)
        m[0].metric("Best τ (escalate below)", f"{best.tau:.4g}")
        m[1].metric("Escalation rate (%)", pct(best.escalation_rate))
        m[2].metric(f"E[C] ({unit})", _money(best.expected_cost, unit),
                    delta=f"{_money(best.expected_cost - sweep.premium_direct_cost, unit)} vs premium-direct",
                    delta_color="inverse")
        m[3].metric("E[Q] (%)", pct(best.expected_quality))
    show_chart(fig, key="econ_sweep_chart")
