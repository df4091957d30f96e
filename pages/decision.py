"""Decision: draft the Model Decision Record (MDR), edit it, take it through its lifecycle, sign and download."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from workbench.domain.mdr import field_changes, render_markdown
from workbench.store import decisions as store
from workbench.ui import decision as ui
from workbench.ui.identity import can_edit
from workbench.ui.page import no_profile_yet, page_header
from workbench.ui.recheck import record_panel as recheck_panel
from workbench.ui.tables import MISSING
from workbench.ui.text import md
from workbench.ui.widgets import seen_version, show_validation_error

engine, actor = page_header(
    "Decision",
    "The Model Decision Record (seed 002's seven sections, MADR 4 front matter): drafted from the "
    "ranking, robustness, economics, GPU fit, evidence and linter; edited by people; proposed, accepted, "
    "signed.",
)

profile, scenario = ui.choose_profile(engine)
if profile is None:
    no_profile_yet("A decision is drafted from a profile's ranking: create one first.")

if can_edit():
    ui.draft_button(engine, profile, scenario, actor)
records = store.list_decisions(engine, profile.id)
if not records:
    st.info(f"No decision records for **{md(profile.model.name)}** yet. Press **Draft MDR**: the workbench fills the "
            "seven sections from this profile's ranking, and you review and edit them.")
    st.stop()

st.dataframe(ui.records_table(records), hide_index=True, width="stretch", placeholder=MISSING)
by_id = {r.mdr_id: r for r in records}
if st.session_state.get("dec_open_next") in by_id:  # a record just drafted by the lifecycle buttons
    st.session_state["dec_record"] = st.session_state.pop("dec_open_next")
if st.session_state.get("dec_record") not in by_id:
    st.session_state["dec_record"] = records[0].mdr_id
chosen = st.selectbox("Open a record", list(by_id), key="dec_record",
                      format_func=lambda m: f"{m} · {by_id[m].status.value} · {by_id[m].record.title}")
rec = store.get_decision(engine, by_id[chosen].id)
seen = seen_version("decision", rec.id, rec.version, rec.updated_by, rec.mdr_id, key="dec_reload")

ui.header(rec)
if rec.status.value == "accepted":
    recheck_panel(engine, rec)  # reconsideration triggers evaluated against the workspace now
editor = can_edit()  # with [auth] configured, a visitor who is not logged in reads only
if editor:
    ui.lifecycle(engine, rec, seen, actor, profile, scenario)

# keyed with state: a rerun (signing, saving) stays on the tab the person is on instead of jumping back to the first
edit_tab, preview_tab, sign_tab, history_tab = st.tabs(["Record", "Markdown preview", "Sign & download", "History"],
                                                       key="dec_tab", on_change="rerun")
with edit_tab:
    if rec.editable and editor:
        try:
            new = ui.record_editor(rec, seen)
        except ValidationError as exc:
            show_validation_error(exc)
            new = None
        if new is not None:
            ui.save(engine, rec, new, seen, actor)
    else:
        st.info(f"{rec.mdr_id} is {rec.status.value}: its text is immutable and shown read-only. "
                + ("To change the decision, supersede it by a new draft." if rec.status.value == "accepted" else ""))
        changed = field_changes(rec.record)
        st.caption(f"{len(changed)} field(s) were changed by a person before acceptance"
                   + (": " + md(", ".join(c.path for c in changed[:10])) if changed else "."))
        ui.read_only(rec.record)
with preview_tab:
    st.caption("MADR-compatible Markdown with YAML front matter, as exported in the bundle (record.md).")
    st.code(render_markdown(rec.record), language="markdown", wrap_lines=True)
with sign_tab:
    ui.signing_panel(engine, rec, seen, actor)
with history_tab:
    history = ui.history_table(engine, rec)
    st.dataframe(history, hide_index=True, width="stretch", placeholder=MISSING)
    st.caption("From the audit log: every change to this record, in the same transaction as the change.")
