"""Economics: cost per successful outcome, crossovers, cascades and routing, RAG, speculation, tokenizer drift."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from workbench.domain.economics_view import effort_tier_names
from workbench.domain.models import Profile, Workload
from workbench.services.decide import workspace_revision
from workbench.services.economics_defaults import EconomicsDefaults
from workbench.store import workspace
from workbench.store.repository import ConflictError, Record, StoreError
from workbench.ui import economics as ui
from workbench.ui.page import page_header
from workbench.ui.state import flash, seen_versions
from workbench.ui.text import md
from workbench.ui.widgets import seen_version, show_validation_error

engine, actor = page_header(
    "Economics",
    "What each candidate costs per successful outcome for a profile's workload, and how cascades, "
    'routers, retrieval and serving choices change it. All money is USD; prices are USD per 1M tokens.',
)

candidates = ui.workspace_candidates(engine)
records = {r.model.name: r for r in workspace.list_profiles(engine)}
record: Record[Profile] | None = None
defaults: EconomicsDefaults | None = None

top = st.columns([2, 3], vertical_alignment="bottom")
if records:
    chosen = top[0].selectbox("Profile", list(records), key="econ_profile", bind="query-params",
                              help="The workload below comes from this profile; the link shares this view")
    record = records[chosen]
    seen = seen_version("profile", record.id, record.version, record.updated_by, f"profile {record.model.name}",
                        key="econ_reload")
    stored = record.model.workload
    form_key = f"econ_wl_{record.id}_v{seen}"
    try:
        defaults = ui.economics_defaults(engine, str(engine.url), record.model.name, workspace_revision(engine))
    except (StoreError, ValueError) as exc:
        st.caption(f"Trade-offs defaults unavailable ({md(exc)}): L/H and qualities are entered.")
else:
    seen, stored, form_key = 0, Workload(), "econ_wl_default"
answer = st.container()  # the answer first: filled once the workload below is read
if not records:
    st.info("No profiles yet: the figures below use the default workload. Create a profile on the Profiles page to "
            "keep a workload with it.")

with st.container(key="edit-econ-workload"), st.expander(
        f"Workload: {stored.input_tokens:,} input / {stored.output_tokens:,} output tokens, "
        f"{stored.requests_per_month:,} requests per month (saved) — edit", icon=":material/tune:"):
    raw = ui.workload_inputs(stored, effort_tier_names(candidates), form_key)
    try:
        workload = Workload.model_validate(raw)
    except ValidationError as exc:
        show_validation_error(exc, ui.WORKLOAD_LABELS)
        st.stop()
    if record is not None:
        changed = workload != stored
        st.caption("Unsaved changes: the sections below already use them." if changed else
                   f"Saved with profile {md(record.model.name)} (version {record.version}).")
        if st.button("Save workload to profile", key="econ_save", type="primary", disabled=not changed):
            try:
                profile = record.model.model_copy(update={"workload": workload})
                saved = workspace.save_profile(engine, record.id, profile, seen, actor)
            except (ConflictError, StoreError) as exc:
                st.error(f"{md(exc)} Nothing was saved.")
            else:
                seen_versions()[f"profile:{record.id}"] = saved.version
                flash("success", f"Saved the workload to {saved.model.name} (version {saved.version}).")
                st.rerun()

with answer:
    ui.answer_strip(candidates, workload, defaults)
    if workload != stored:
        st.caption("Figures use the unsaved workload below.")



@st.fragment
def sections(candidates: tuple, workload: Workload, defaults: EconomicsDefaults | None) -> None:
    """The section switch and its working: a fragment, so switching sections reruns only this part."""
    section = st.segmented_control("Section", list(ui.SECTIONS), format_func=lambda s: ui.SECTIONS[s],
                                   default="cost", required=True, key="econ_section", bind="query-params",
                                   label_visibility="collapsed")
    if section == "cost":
        ui.cost_section(candidates, workload, defaults)
    elif section == "crossover":
        ui.crossover_section(candidates, workload, defaults)
    elif section == "cascade":
        ui.cascade_section(candidates, workload, defaults)
    elif section == "routing":
        ui.routing_section(candidates, workload, defaults)
    elif section == "rag":
        ui.rag_section(candidates)
    elif section == "speculative":
        ui.speculative_section()
    elif section == "tokenizer":
        ui.tokenizer_section(candidates, workload)


sections(candidates, workload, defaults)
