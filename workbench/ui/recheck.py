"""Fired reconsideration triggers on the Overview and the Decision page (:mod:`workbench.services.recheck`).

Names, titles and summaries come from users and files: they are shown in dataframes (never as Markdown); the
messages around them are fixed text.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from workbench.services.recheck import PRICE_BASIS, RecordCheck, check_record, recheck
from workbench.store.decisions import DecisionRecord
from workbench.ui.registry import page


def _values(values: dict[str, object]) -> str:
    return json.dumps(values, ensure_ascii=False, default=str) if values else ""


def outcomes_table(checks: list[RecordCheck], *, fired_only: bool = True) -> pd.DataFrame:
    rows = [{"Record": c.record.mdr_id, "Profile": c.record.record.profile_name, "Chosen": c.chosen,
             "Trigger": o.trigger.kind, "Model": o.trigger.model, "Status": o.status, "What changed": o.summary,
             "Then": _values(o.then), "Now": _values(o.now)}
            for c in checks for o in c.outcomes if o.status == "fired" or not fired_only]
    return pd.DataFrame(rows, columns=["Record", "Profile", "Chosen", "Trigger", "Model", "Status", "What changed",
                                       "Then", "Now"])


def overview_panel(engine: Engine) -> None:
    """Every accepted record checked against the workspace; fired triggers listed with a link to act on them."""
    report = recheck(engine, date.today())
    if not report.checks:
        return
    st.subheader("Accepted decisions: still sound?")
    fired = [c for c in report.checks if c.fired]
    errors = [c for c in report.checks if c.error]
    if not fired:
        st.caption(f"{len(report.checks)} accepted record(s) checked against the workspace: no reconsideration "
                   f"trigger fired (prices compared with each record's {PRICE_BASIS}).")
    else:
        st.warning(f"{report.fired} reconsideration trigger(s) fired in {len(fired)} of {len(report.checks)} "
                   "accepted record(s): the facts these decisions rest on have changed.",
                   icon=":material/notification_important:")
        st.dataframe(outcomes_table(fired), hide_index=True, width="stretch", key="overview_recheck")
        st.page_link(str(page("decision").path), label="Open the Decision page to draft a superseding record",
                     icon=":material/swap_horiz:")
    if errors:
        st.caption(f"{len(errors)} record(s) could not be checked (their snapshot cannot be re-ranked).")


def record_panel(engine: Engine, rec: DecisionRecord) -> None:
    """The triggers of one accepted record, evaluated now (Decision page)."""
    check = check_record(engine, rec, date.today())
    if check.error:
        st.caption("The reconsideration triggers could not be checked: this record's snapshot cannot be re-ranked.")
        return
    source = "" if check.source == "record" else " (defaults: the record carries none)"
    if not check.fired:
        st.caption(f"Reconsideration triggers: none of {len(check.outcomes)} fired{source}.")
        return
    st.warning(f"{len(check.fired)} of {len(check.outcomes)} reconsideration trigger(s) fired{source}. "
               "To act on them, use **Supersede by a new draft**: it drafts a record from the current ranking.",
               icon=":material/notification_important:")
    st.dataframe(outcomes_table([check]).drop(columns=["Record", "Profile", "Chosen"]), hide_index=True,
                 width="stretch", key=f"dec_recheck_{rec.id}")
