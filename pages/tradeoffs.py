"""Trade-offs: the answer first (decision card), then weights and constraints beside the working in tabs."""

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
from workbench.ui import tradeoffs_card as card_ui
from workbench.ui.page import no_profile_yet, page_header
from workbench.ui.presenter import show_chart
from workbench.ui.state import flash
from workbench.ui.text import md

TABS = ["Ranking", "Breakdown", "Pareto", "Robustness", "Data gaps", "Excluded"]
SMAA_SAMPLES, SMAA_SPREAD = 2_000, 0.5  # the card's robustness; the Robustness tab can change both

engine, actor = page_header(
    "Trade-offs",
    "The answer first; move weights and constraints and it follows. Unsaved moves are kept while you visit "
    "other pages, and the link carries the whole view — share it.",
)

chosen = ui.choose_view(engine)
if chosen is None:
    no_profile_yet("Create one first — a template fills in weights and constraints.")
view: ui.View = chosen
saved = card_ui.saved_view(view)
scenario_names = [s.model.name for s in workspace.list_scenarios(engine, view.profile.id)]
card_ui.apply_link(saved, scenario_names)
ui.method_control(view, card_ui.seed_method(saved))
if view.stale:
    st.warning(f"{md(view.stale)}. Your sliders keep your settings; saving now would be refused.")
    if st.button("Reload their version", key="to_reload"):
        view.reload()
        st.rerun()


def save_as(name: str, weights, constraints, method: str) -> None:
    try:
        views.save_as_scenario(engine, view.profile.id, name, weights, constraints, method, actor)
    except (StoreError, ValueError) as exc:
        st.error(md(exc))
        return
    card_ui.forget(saved)  # saved: the profile's draft is now the scenario
    st.session_state["to_pending_scenario"] = name.strip()  # the selector switches to it
    flash("success", f"Saved scenario {name.strip()}; the profile is unchanged.")
    st.rerun(scope="app")


def smaa_for(dm, weights, constraints, method: str, extra, samples: int, spread: float):
    key = card_ui.view_hash(saved.key, sorted(weights.items()), constraints.model_dump_json(), method, samples,
                            spread, analysis.workspace_revision(engine))
    return card_ui.cached_smaa(key, lambda: ui.robustness(engine, view.profile, dm, weights, constraints, method,
                                                          samples, spread, analysis.DEFAULT_SMAA_SEED, extra))


@st.fragment
def decision_panel() -> None:
    prefix = f"{view.key}-g{card_ui.generation(saved)}"
    top = st.container()
    controls, results = st.columns([1, 2], gap="medium")
    with controls, st.container(key="edit-controls"):  # hidden in presenter mode
        with st.expander("Weights", expanded=True, icon=":material/balance:"):
            weights = ui.weight_sliders(prefix, card_ui.seed_weights(saved))
        with st.expander("Hard constraints", expanded=False, icon=":material/block:"):
            constraints = ui.constraint_widgets(prefix, card_ui.seed_constraints(saved))
    method = ui.method()
    compare = (st.session_state.get("to_cmp_a", ""), st.session_state.get("to_cmp_b", "")) \
        if st.session_state.get("to_compare") else None
    unsaved = card_ui.remember(saved, weights, constraints, method, compare)
    dm = ui.decision_matrix(engine, view.profile, view.effective)
    with top:
        if unsaved and (name := card_ui.unsaved_bar(saved, can_save_as=True)):
            save_as(name, weights, constraints, method)
        try:
            extra = ui.checks(engine, view.profile, dm, constraints)
            result = ui.ranking(dm, weights, constraints, method, extra)
        except ScoringError as exc:
            st.warning(f"{md(exc)} Move at least one weight above 0 to rank the candidates.")
            return
        except ValueError as exc:  # e.g. a GPU constraint naming a GPU the catalog does not know
            st.error(md(exc))
            return
        slot = None
        if result.empty_state:
            st.error(md(result.empty_state))
        else:
            st.session_state["tradeoffs_leader"] = result.winner  # the GPU-fit page preselects it
            slot = card_ui.card(result, ui.tied_with_leader(engine, view.profile, view.effective, result),
                                constraints, view.effective.throughput.requests_per_month)
    with results:
        working(result, dm, weights, constraints, method, extra)
    if slot is not None:  # SMAA last: the card's figures and the open tab are already on screen
        card_ui.robustness_metric(slot, smaa_for(dm, weights, constraints, method, extra, SMAA_SAMPLES,
                                                 SMAA_SPREAD), result.winner)
    export_button(weights, constraints, method)
    save_controls(weights, constraints, method)


def working(result, dm, weights, constraints, method: str, extra) -> None:
    """The tabs below the card: only the open tab's code runs (lazy tabs), so a slider move builds one view."""
    tabs = dict(zip(TABS, st.tabs(TABS, key="to_tab", on_change="rerun"), strict=True))
    if tabs["Ranking"].open and not result.rows:
        tabs["Ranking"].caption("Nothing ranked: the Excluded tab says which constraint excludes whom.")
    elif tabs["Ranking"].open:
        with tabs["Ranking"]:
            detail = st.toggle("More columns (quality, API cost, measured evidence)", key="to_detail")
            table = ui.result_table(result, ui.measured_vectors(ui.candidates(engine, view.profile)), detail)
            if len(table) > 25 and not st.toggle(f"Show all {len(table)} ranked", key="to_all_rows"):
                table = table[:25]  # the full table would be re-sent on every slider move
            st.dataframe(table, hide_index=True, width="stretch", column_config=ui.TABLE_COLUMNS)
            st.caption(f"{result.method_label} · normalisation: {result.normalisation} · unknown data: "
                       f"{ui.policy_text(result)}", help=f"Ties: {result.tie_break}")
            ui.tipping_panel(result)
    if tabs["Breakdown"].open and result.rows:
        with tabs["Breakdown"]:
            show_chart(contribution_breakdown(result), key="to_breakdown")
    if tabs["Pareto"].open and result.rows:
        with tabs["Pareto"]:
            show_chart(pareto_chart(result, ceiling=constraints.max_cost_per_success_usd), key="to_pareto")
    if tabs["Robustness"].open and result.rows:
        with tabs["Robustness"]:
            robustness_tab(dm, weights, constraints, method, extra)
    if tabs["Data gaps"].open:
        with tabs["Data gaps"]:
            ui.data_gaps_panel(result) if result.data_gaps else st.caption("No unknown weighted criteria.")
    if tabs["Excluded"].open:
        with tabs["Excluded"]:  # names come from user files: a dataframe, no Markdown
            st.caption(f"Excluded ({len(result.excluded)}): relax a constraint to bring one back")
            st.dataframe([{"Candidate": ex.name, "Why": "; ".join(ex.reasons)} for ex in result.excluded],
                         hide_index=True, width="stretch", key="to_excluded")


def robustness_tab(dm, weights, constraints, method: str, extra) -> None:
    r1, r2 = st.columns(2)
    spread = r1.slider("Weight spread", 0.05, 2.0, SMAA_SPREAD, 0.05, key="to_spread",
                       help="How far plausible weightings stray from yours (Dirichlet around your weights).")
    samples = r2.select_slider("Samples", [500, 1_000, 2_000, 5_000, 10_000], SMAA_SAMPLES, key="to_samples")
    smaa = smaa_for(dm, weights, constraints, method, extra, samples, spread)
    show_chart(rank_acceptability_heatmap(smaa), key="to_smaa")
    st.dataframe(ui.smaa_table(smaa), hide_index=True, width="stretch")
    st.caption(f"{smaa.sampling}; seed {smaa.seed}: the same view always gives the same figures.")


def export_button(weights, constraints, method: str) -> None:
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


def refused_notice() -> None:
    """A refused save stays on screen with a reload button until the person reloads (the next rerun keeps it)."""
    refused = st.session_state.get("to_refused")
    if refused is None:
        return
    st.error(md(refused))
    if st.button("Reload their version", key="to_reload_after_refusal", icon=":material/refresh:",
                 help="Load the newest saved version (your unsaved moves are dropped)."):
        del st.session_state["to_refused"]
        view.reload()
        card_ui.forget(saved)
        st.rerun(scope="app")
    if st.button("Dismiss", key="to_dismiss_refusal", help="Keep your moves and the version you loaded."):
        del st.session_state["to_refused"]
        st.rerun(scope="app")


def save_controls(weights, constraints, method: str) -> None:
    if "to_refused" in st.session_state:
        refused_notice()
        return
    s1, s2, s3 = st.container(key="edit-save").columns(3)
    try:
        if view.scenario is None and s1.button("Save to profile", key="to_save_profile", icon=":material/save:",
                                               help="Store these weights and constraints in the profile (the SLA "
                                               "and cost ceiling are its requirements 8b and 10)."):
            saved_p, warning = views.save_to_profile(engine, view.profile, view.profile_seen, weights, constraints,
                                                     actor)
            ui.mark_saved("profile", saved_p.id, saved_p.version)
            card_ui.forget(saved)
            done = f"Saved weights and constraints to profile {saved_p.model.name}."
            flash("warning", f"{done} Warning: {warning}.") if warning else flash("success", done)
            st.rerun(scope="app")
        if view.scenario is not None and s1.button("Save scenario", key="to_save_scenario", icon=":material/save:"):
            saved_s = views.save_to_scenario(engine, view.profile.id, view.scenario, view.scenario_seen or 0,
                                             weights, constraints, method, actor)
            ui.mark_saved("scenario", saved_s.id, saved_s.version)
            card_ui.forget(saved)
            flash("success", f"Saved scenario {saved_s.model.name}.")
            st.rerun(scope="app")
        if view.scenario is not None and s2.button("Promote into profile", key="to_promote",
                                                   icon=":material/upgrade:"):
            promoted = views.promote(engine, view.profile.id, view.profile_seen, view.scenario.id, actor)
            ui.mark_saved("profile", promoted.id, promoted.version)
            flash("success", f"Promoted scenario {view.scenario.model.name} into the profile.")
            st.rerun(scope="app")
        name = s3.text_input("New scenario name", key="to_new_scenario", placeholder="e.g. PO: relaxed SLA")
        if s3.button("Save as scenario", key="to_save_as", disabled=not name.strip()):
            save_as(name, weights, constraints, method)
    except (StoreError, ValueError) as exc:
        st.session_state["to_refused"] = str(exc)
        refused_notice()


decision_panel()

st.subheader("Compare two views side by side")
if not st.toggle("Compare the profile and its scenarios", key="to_compare",
                 help="E.g. the architects' saved profile (A) against a product owner's scenario (B)."):
    st.stop()
options = ["", *scenario_names]
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
