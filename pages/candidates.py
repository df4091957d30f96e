"""Candidates: the catalog grid, the edit form, add, delete, and LiteLLM price import."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from workbench.domain.editing import candidate_from_edit
from workbench.domain.models import TOPOLOGY_LABELS, Candidate, Topology
from workbench.store import workspace
from workbench.store.repository import ConflictError, StoreError
from workbench.ui.catalog_import import candidate_import_details, litellm_import_panel
from workbench.ui.forms import CANDIDATE_LABELS, candidate_form
from workbench.ui.page import page_header
from workbench.ui.state import flash, seen_versions
from workbench.ui.tables import (
    MISSING,
    candidate_table,
    deployment_fit_table,
    filter_candidates,
    license_matrix_table,
)
from workbench.ui.text import md
from workbench.ui.widgets import (
    delete_with_confirmation,
    seen_version,
    show_validation_error,
    undo_last_delete,
)

engine, actor = page_header(
    "Candidates",
    "Models that could be chosen. Every number carries its source; unknown values stay unknown.",
)
undo_last_delete("candidate", lambda deleted: workspace.undo_delete(engine, deleted, actor), key="cand")

records = workspace.list_candidates(engine)
table = candidate_table(records)

browse, add, imports, reference = st.tabs(["Catalog", "Add candidate", "Import prices (LiteLLM)",
                                           "Reference matrices"])

with browse:
    if table.empty:
        st.info("No candidates yet. Add one in **Add candidate**, or import models from LiteLLM's price file.")
    else:
        f1, f2, f3, f4 = st.columns([3, 3, 2, 2])
        text = f1.text_input("Search", key="cand_search", placeholder="name or provider")
        providers = f2.multiselect("Provider", sorted(table["Provider"].unique()), key="cand_providers")
        topology = f3.selectbox("Topology", [None] + [t.value for t in Topology], key="cand_topology",
                                format_func=lambda v: "any" if v is None else TOPOLOGY_LABELS[v])
        open_only = f4.toggle("Open weights only", key="cand_open")
        shown = filter_candidates(table, text=text, providers=providers, open_weights_only=open_only,
                                  topology=topology)
        st.dataframe(
            shown.drop(columns=["id"]), hide_index=True, width="stretch", placeholder=MISSING,
            column_config={
                "Context (tokens)": st.column_config.NumberColumn(format="localized"),
                "Input $/1M": st.column_config.NumberColumn("Input (USD/1M tok)", format="$%.3f"),
                "Output $/1M": st.column_config.NumberColumn("Output (USD/1M tok)", format="$%.3f"),
            },
        )
        st.caption(f"{len(shown)} of {len(table)} candidates. Click a column header to sort.")

        names = dict(zip(shown["id"], shown["Name"], strict=True))
        selected = st.selectbox("Open a candidate", list(names), format_func=lambda i: names[i],
                                index=None, key="cand_selected", placeholder="choose a candidate to view or edit")
        if selected is not None:
            record = workspace.get_candidate(engine, int(selected))
            seen = seen_version("candidate", record.id, record.version, record.updated_by,
                                f"candidate {record.model.name}", key="cand_reload")
            if record.model.provenance:
                with st.expander("Provenance of the values"):
                    st.dataframe([{"field": k, "source": p.source, "retrieved": p.retrieved, "entered by": p.entered_by,
                                   "note": p.note} for k, p in record.model.provenance.items()], hide_index=True,
                                 placeholder=MISSING)
            candidate_import_details(engine, record)
            raw = candidate_form(record.model, key=f"cand-{record.id}-v{seen}", submit_label="Save changes")
            if raw is not None:
                try:
                    model = candidate_from_edit(record.model, raw, actor)
                    saved = workspace.save_candidate(engine, record.id, model, seen, actor)
                except ValidationError as exc:
                    show_validation_error(exc, CANDIDATE_LABELS)
                except ConflictError as exc:
                    st.error(md(exc))
                except StoreError as exc:
                    st.error(md(exc))
                else:
                    seen_versions()[f"candidate:{record.id}"] = saved.version
                    flash("success", f"Saved {saved.model.name} (version {saved.version}).")
                    st.rerun()
            delete_with_confirmation(
                entity="candidate", record_id=record.id, name=record.model.name, key=f"cand-del-{record.id}",
                on_delete=lambda: workspace.delete_candidate(engine, record.id, seen, actor),
                takes_with_it=lambda: workspace.describe_dependents(
                    workspace.dependents(engine, "candidate", record.id)),
            )

with add:
    raw = candidate_form(Candidate(name="New candidate"), key="cand-new", submit_label="Add candidate")
    if raw is not None:
        try:
            model = candidate_from_edit(Candidate(name=raw["name"] or "x"), raw, actor)
            created = workspace.create_candidate(engine, model, actor)
        except ValidationError as exc:
            show_validation_error(exc, CANDIDATE_LABELS)
        except StoreError as exc:
            st.error(md(exc))
        else:
            flash("success", f"Added {created.model.name}.")
            st.rerun()

with imports:
    litellm_import_panel(engine, actor)

with reference:
    for title, (frame, source) in (("Deployment fit", deployment_fit_table()),
                                   ("Governance and licence fit", license_matrix_table())):
        st.subheader(title)
        st.dataframe(frame, hide_index=True, width="stretch", placeholder=MISSING)
        st.caption(f"Source: {md(source)}")
