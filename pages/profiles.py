"""Profiles: requirement profiles (seed 002's thirteen dimensions), from blank or a workflow template."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from workbench.domain.models import Profile
from workbench.domain.requirements import fail_open_risk
from workbench.io.shipped import load_templates
from workbench.store import workspace
from workbench.store.repository import ConflictError, StoreError
from workbench.ui.forms import PROFILE_LABELS, profile_form
from workbench.ui.page import page_header
from workbench.ui.state import flash, seen_versions
from workbench.ui.tables import MISSING, profile_table
from workbench.ui.text import md
from workbench.ui.widgets import (
    delete_with_confirmation,
    seen_version,
    show_validation_error,
    undo_last_delete,
)

engine, actor = page_header(
    "Requirement profiles",
    "A profile states what the task needs: seed 002's thirteen dimensions, plus weights and hard "
    'constraints.',
)
undo_last_delete("profile", lambda deleted: workspace.undo_delete(engine, deleted, actor), key="prof")

templates = {t.key: t for t in load_templates()}
records = workspace.list_profiles(engine)

with st.expander("Create a profile", expanded=not records, icon=":material/add:"):
    c1, c2 = st.columns([2, 3])
    template_key = c1.selectbox(
        "Start from", [None, *templates], key="prof_new_template",
        format_func=lambda k: "Blank profile" if k is None else f"Template: {templates[k].workflow_class}",
    )
    default_name = templates[template_key].workflow_class if template_key else ""
    name = c2.text_input("Profile name", key="prof_new_name", placeholder=default_name or "e.g. Contract clause extraction")
    if template_key:
        t = templates[template_key]
        st.markdown(
            f"**{t.workflow_class}** — {t.structural_requirements}  \n"
            f"Ideal model class: {t.ideal_model_class}  \nCritical evaluation: {t.critical_evaluation_criteria}  \n"
            f"Core failure risk: {t.core_failure_risk}  \nRouting: {t.recommended_routing}"
        )
        st.caption(f"Source: {md(t.source)}")
    if st.button("Create profile", type="primary", key="prof_create"):
        try:
            model = workspace.new_profile_model((name or default_name).strip(), template_key)
            created = workspace.create_profile(engine, model, actor)
        except ValidationError as exc:
            show_validation_error(exc, PROFILE_LABELS)
        except StoreError as exc:
            st.error(md(exc))
        else:
            st.session_state["prof_selected"] = created.id
            flash("success", f"Created profile {created.model.name}. Edit its details below.")
            st.rerun()

if not records:
    st.info("No profiles yet. Create one above — starting from a template fills in sensible requirements, "
            "weights and constraints for that workflow class.")
    st.stop()

table = profile_table(records)
st.dataframe(table.drop(columns=["id"]), hide_index=True, width="stretch", placeholder=MISSING,
             column_config={"Context need (tokens)": st.column_config.NumberColumn(format="localized"),
                            "p95 SLA (ms)": st.column_config.NumberColumn(format="localized",
                                                                          help="Requirement 8b; also the hard limit."),
                            "Cost ceiling (USD/success)": st.column_config.NumberColumn(
                                format="$%.4f", help="Requirement 10; also the hard limit.")})
names = dict(zip(table["id"], table["Name"], strict=True))
if st.session_state.get("prof_open_next") in names:  # a copy just made: open it (before the selectbox exists)
    st.session_state["prof_selected"] = st.session_state.pop("prof_open_next")
selected = st.selectbox("Open a profile", list(names), format_func=lambda i: names[i], index=None,
                        key="prof_selected", placeholder="choose a profile to edit")
if selected is None:
    st.stop()

record = workspace.get_profile(engine, int(selected))
seen = seen_version("profile", record.id, record.version, record.updated_by, f"profile {record.model.name}",
                    key="prof_reload")

raw = profile_form(record.model, key=f"prof-{record.id}-v{seen}", submit_label="Save profile")
if raw is not None:
    try:
        saved = workspace.save_profile(engine, record.id, Profile.model_validate(raw), seen, actor)
    except ValidationError as exc:
        show_validation_error(exc, PROFILE_LABELS)
    except (ConflictError, StoreError) as exc:
        st.error(md(exc))
    else:
        seen_versions()[f"profile:{record.id}"] = saved.version
        done = f"Saved profile {saved.model.name} (version {saved.version})."
        warning = fail_open_risk(saved.model)  # high risk + fail-open warns on save (and blocks in lint)
        flash("warning", f"{done} Warning: {warning}.") if warning else flash("success", done)
        st.rerun()

d1, d2 = st.columns([3, 2])
copy_name = d1.text_input("Duplicate as", value=f"{record.model.name} (copy)", key=f"prof-dup-name-{record.id}")
if d1.button("Duplicate", key=f"prof-dup-{record.id}", icon=":material/content_copy:"):
    try:
        copy = workspace.duplicate_profile(engine, record.id, copy_name.strip(), actor)
    except (ValidationError, StoreError) as exc:
        st.error(md(exc))
    else:
        st.session_state["prof_open_next"] = copy.id  # the selectbox already exists in this run
        flash("success", f"Duplicated as {copy.model.name}.")
        st.rerun()
with d2:
    delete_with_confirmation(
        entity="profile", record_id=record.id, name=record.model.name, key=f"prof-del-{record.id}",
        on_delete=lambda: workspace.delete_profile(engine, record.id, seen, actor),
        takes_with_it=lambda: workspace.describe_dependents(workspace.dependents(engine, "profile", record.id)),
    )
