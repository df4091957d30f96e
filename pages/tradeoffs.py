"""Trade-offs: weights and constraints live, ranking with reasons, Pareto frontier, robustness, scenarios."""

from __future__ import annotations

import streamlit as st

from workbench.charts.tradeoffs import contribution_breakdown, pareto_chart, rank_acceptability_heatmap
from workbench.domain.scoring import ScoringError
from workbench.services import decide as analysis
from workbench.services import views
from workbench.services.workbook import workbook_bytes
from workbench.store import workspace
from workbench.store.repository import StoreError
from workbench.ui import tradeoffs as ui
from workbench.ui.page import no_profile_yet, page_header
from workbench.ui.state import flash
from workbench.ui.text import md

engine, actor = page_header(
    "Trade-offs",
    "Move weights and constraints: the ranking, its reasons and its robustness follow at once. Your view "
    "(profile, scenario, method) is in the link — share it.",
)

chosen = ui.choose_view(engine)
if chosen is None:
    no_profile_yet("Create one first — a template fills in weights and constraints.")
view: ui.View = chosen
if view.stale:
    st.warning(f"{md(view.stale)}. Your sliders keep your settings; saving now would be refused.")
    if st.button("Reload their version", key="to_reload"):
        view.reload()
        st.rerun()


@st.fragment
def decision_panel() -> None:
    controls, results = st.columns([2, 3], gap="large")
    with controls:
        with st.expander("Weights", expanded=True, icon=":material/balance:"):
            weights = ui.weight_sliders(view)
        with st.expander("Hard constraints", expanded=True, icon=":material/block:"):
            constraints = ui.constraint_widgets(view)
    method = ui.method()
    dm = ui.decision_matrix(engine, view.profile, view.effective)
    with results:
        try:
            extra = ui.checks(engine, view.profile, dm, constraints)
            result = ui.ranking(dm, weights, constraints, method, extra)
        except ScoringError as exc:
            st.warning(f"{md(exc)} Move at least one weight above 0 to rank the candidates.")
            return
        except ValueError as exc:  # e.g. a GPU constraint naming a GPU the catalog does not know
            st.error(md(exc))
            return
        if result.empty_state:
            st.error(md(result.empty_state))
        else:
            st.session_state["tradeoffs_leader"] = result.winner  # the GPU-fit page preselects it
            with st.container(key="decision-card"):  # the browser benchmark waits for this card
                st.subheader(f"1. {md(result.winner)}")
                st.caption(f"{result.method_label} · normalisation: {result.normalisation} · ties: "
                           f"{result.tie_break} · unknown data: {ui.policy_text(result)}")
                ui.method_badge(result)
                ui.ties_caption(engine, view.profile, view.effective, result)
            table = ui.result_table(result, ui.measured_vectors(ui.candidates(engine, view.profile)))
            if len(table) > 25 and not st.toggle(f"Show all {len(table)} ranked", key="to_all_rows"):
                table = table[:25]  # the full table is re-sent on every slider move
            st.dataframe(table, hide_index=True, width="stretch", column_config={
                "Cost / success (USD)": st.column_config.NumberColumn(format="$%.5f"),
                "API cost / success (USD)": st.column_config.NumberColumn(format="$%.5f"),
                "p95 latency (ms)": st.column_config.NumberColumn(format="%.0f ms"),
                "Score": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.3f")})
            ui.data_gaps_panel(result)
            ui.tipping_panel(result)
            st.plotly_chart(contribution_breakdown(result), key="to_breakdown")
        if result.excluded:  # one element for the whole list (names come from user files: no Markdown)
            st.caption(f"Excluded ({len(result.excluded)}): relax a constraint to bring one back")
            st.dataframe([{"Candidate": ex.name, "Why": "; ".join(ex.reasons)} for ex in result.excluded],
                         hide_index=True, width="stretch", key="to_excluded")
        if result.rows:
            frontier_and_robustness(result, dm, weights, constraints, method, extra)
    export_button(weights, constraints, method)
    save_controls(weights, constraints, method)


def frontier_and_robustness(result, dm, weights: dict[str, float], constraints, method: str, extra) -> None:
    st.plotly_chart(pareto_chart(result), key="to_pareto")
    st.subheader("Robustness (SMAA-2)")
    r1, r2 = st.columns(2)
    spread = r1.slider("Weight spread", 0.05, 2.0, 0.5, 0.05, key="to_spread",
                       help="How far plausible weightings stray from yours (Dirichlet around your weights).")
    samples = r2.select_slider("Samples", [500, 1_000, 2_000, 5_000, 10_000], 2_000, key="to_samples")
    smaa = ui.robustness(engine, view.profile, dm, weights, constraints, method, samples, spread,
                         analysis.DEFAULT_SMAA_SEED, extra)
    st.info(smaa.headline)
    st.plotly_chart(rank_acceptability_heatmap(smaa), key="to_smaa")
    st.dataframe(ui.smaa_table(smaa), hide_index=True, width="stretch")
    st.caption(f"{smaa.sampling}; seed {smaa.seed}: the same view always gives the same figures.")


def export_button(weights: dict[str, float], constraints, method: str) -> None:
    def workbook() -> bytes:  # runs only when clicked (deferred download), not on every slider move
        decision = analysis.decide_as_shown(engine, view.profile, view.scenario, weights, constraints, method)
        smaa = analysis.robustness(decision, 2_000) if decision.ranking.rows else None
        return workbook_bytes(decision, smaa)

    st.session_state["to_excel_data"] = workbook  # the same callable, reachable by the page test

    name = view.profile.model.name + (f" - {view.scenario.model.name}" if view.scenario else "")
    st.download_button("Download Excel decision matrix", data=workbook, file_name=f"{name} - decision matrix.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/table_view:", key="to_excel",
                       help="Weights as named cells with live formulas, plus the computed values beside them.")


def save_controls(weights: dict[str, float], constraints, method: str) -> None:
    st.divider()
    s1, s2, s3 = st.columns(3)
    try:
        if view.scenario is None and s1.button("Save to profile", key="to_save_profile", icon=":material/save:",
                                               help="Store these weights and constraints in the profile."):
            saved, warning = views.save_to_profile(engine, view.profile, view.profile_seen, weights, constraints, actor)
            ui.mark_saved("profile", saved.id, saved.version)
            done = f"Saved weights and constraints to profile {saved.model.name}."
            flash("warning", f"{done} Warning: {warning}.") if warning else flash("success", done)
            st.rerun()
        if view.scenario is not None and s1.button("Save scenario", key="to_save_scenario", icon=":material/save:"):
            saved_s = views.save_to_scenario(engine, view.profile.id, view.scenario, view.scenario_seen or 0,
                                             weights, constraints, method, actor)
            ui.mark_saved("scenario", saved_s.id, saved_s.version)
            flash("success", f"Saved scenario {saved_s.model.name}.")
            st.rerun()
        if view.scenario is not None and s2.button("Promote into profile", key="to_promote",
                                                   icon=":material/upgrade:"):
            promoted = views.promote(engine, view.profile.id, view.profile_seen, view.scenario.id, actor)
            ui.mark_saved("profile", promoted.id, promoted.version)
            flash("success", f"Promoted scenario {view.scenario.model.name} into the profile.")
            st.rerun()
        name = s3.text_input("New scenario name", key="to_new_scenario", placeholder="e.g. PO: relaxed SLA")
        if s3.button("Save as scenario", key="to_save_as", disabled=not name.strip()):
            views.save_as_scenario(engine, view.profile.id, name, weights, constraints, method, actor)
            flash("success", f"Saved scenario {name.strip()}; the profile is unchanged.")
            st.rerun(scope="app")
    except (StoreError, ValueError) as exc:
        st.error(md(exc))


decision_panel()

st.subheader("Compare two views side by side")
if not st.toggle("Compare the profile and its scenarios", key="to_compare",
                 help="E.g. the architects' saved profile (A) against a product owner's scenario (B)."):
    st.stop()
options = ["", *[s.model.name for s in workspace.list_scenarios(engine, view.profile.id)]]
left, right = st.columns(2)
a = left.selectbox("A", options, key="to_cmp_a", format_func=lambda n: n or "profile as saved")
b = right.selectbox("B", options, index=min(1, len(options) - 1), key="to_cmp_b",
                    format_func=lambda n: n or "profile as saved")
try:
    rows = [r.model_dump() for r in views.compare_views(
        engine, view.profile, a, b, lambda p: ui.decision_matrix(engine, view.profile, p))]
except ScoringError as exc:
    st.warning(md(exc))
    st.stop()
st.dataframe(rows, hide_index=True, width="stretch", column_config={
    "name": "Candidate", "rank_a": "Rank in A", "rank_b": "Rank in B", "score_a": "Score A", "score_b": "Score B",
    "change": "A → B"})
