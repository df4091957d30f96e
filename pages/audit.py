"""Audit log: every change, who / when / what, with before and after."""

from __future__ import annotations

from datetime import UTC, datetime, time

import streamlit as st

from workbench.services.audit import verify_audit_log
from workbench.store import workspace
from workbench.ui.resources import get_engine
from workbench.ui.tables import MISSING, audit_table, field_diff

engine = get_engine()
st.title("Audit log")
st.caption("Every change to the workspace, written in the same transaction as the change itself.")

f1, f2, f3, f4 = st.columns([2, 2, 3, 2])
entity = f1.selectbox("Entity", [None, *workspace.audited_entity_types(engine)], key="audit_entity",
                      format_func=lambda v: "all" if v is None else v)
actor = f2.text_input("Who", key="audit_actor", placeholder="exact name")
text = f3.text_input("Search", key="audit_text", placeholder="entity name or change summary")
since = f4.date_input("Since", value=None, key="audit_since")

events = workspace.audit_events(
    engine, entity_type=entity, actor=actor.strip() or None, text=text.strip() or None,
    since=datetime.combine(since, time.min, tzinfo=UTC) if since else None,
)
if not events:
    st.info("No events match these filters." if (entity or actor or text or since) else
            "Nothing has changed yet. Edits, imports and deletions will appear here.")
    st.stop()

table = audit_table(events)
ids = [int(i) for i in table["id"]]


def _open_clicked_row() -> None:
    """A click on a row opens that event below (the selectbox follows, so both ways agree)."""
    rows = st.session_state["audit_grid"].selection.rows
    if rows:
        st.session_state["audit_event"] = ids[rows[0]]


st.dataframe(table.drop(columns=["id"]), hide_index=True, width="stretch", placeholder=MISSING, key="audit_grid",
             on_select=_open_clicked_row, selection_mode="single-row", height=318,  # ~8 rows: the event shows below
             column_config={"Changes": st.column_config.TextColumn("Changes", width="large"),
                            "What": st.column_config.TextColumn("What", width="medium")})
st.caption(f"{len(events)} most recent events (newest first; at most 500). Click a row to open its field-level "
           "before/after below.")
labels = {e.id: f"#{e.id} · {e.at:%Y-%m-%d %H:%M} · {e.actor} · {e.action} {e.entity_type} {e.entity_name}"
          for e in events}
if st.session_state.get("audit_event") not in labels:
    st.session_state["audit_event"] = None
chosen = st.selectbox("Event", list(labels), format_func=lambda i: labels[i], index=None,
                      key="audit_event", placeholder="click a row above, or choose an event here")
if chosen is not None:
    event = next(e for e in events if e.id == chosen)
    st.text(f"{event.at:%Y-%m-%d %H:%M:%S} UTC · {event.actor} · {event.action} {event.entity_type} "
            f"{event.entity_name}\n{event.summary}")
    if event.before is None and event.after is None:
        st.caption("This event carries no before/after (its summary above says what happened).")
    else:
        diff = field_diff(event.before, event.after)
        kind = ("created: every field is new" if event.before is None else
                "deleted: every field as it was" if event.after is None else f"{len(diff)} field(s) changed")
        st.caption(kind)
        st.dataframe(diff, hide_index=True, width="stretch", placeholder=MISSING, key="audit_diff",
                     column_config={"Field": st.column_config.TextColumn("Field", width="medium"),
                                    "Before": st.column_config.TextColumn("Before", width="large"),
                                    "After": st.column_config.TextColumn("After", width="large")})
        with st.expander("Every field of the record, before and after"):
            st.dataframe(field_diff(event.before, event.after, every=True), hide_index=True, width="stretch",
                         placeholder=MISSING, key="audit_all_fields")

st.caption("Origin: events a merged backup brought in keep their actor and time and say which backup, who and when.")
if st.button("Verify the hash chain", key="audit_verify", icon=":material/link:",
             help="Every event carries the hash of the one before: an edited, deleted or inserted event shows. "
                  "Same check as `workbench audit verify`."):
    chain = verify_audit_log(engine)
    if chain.intact:
        st.success(f"Intact: {chain.events:,} events, newest hash {chain.head or '-'}.")
    else:
        st.error(f"Broken: {len(chain.problems)} problem(s) in {chain.events:,} events.")
        st.dataframe(chain.problems, hide_index=True, width="stretch", placeholder=MISSING)
