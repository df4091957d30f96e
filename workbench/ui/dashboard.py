"""The Overview dashboard (:mod:`workbench.services.dashboard`): the answer per profile first, then the next step.

Profile, model and record names come from users and files: they go into a dataframe or a page-link label escaped
with :func:`workbench.ui.text.md`, never as Markdown of their own.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from workbench.services.dashboard import ProfileStatus, profile_statuses
from workbench.services.decide import workspace_revision
from workbench.ui.registry import page
from workbench.ui.tables import MISSING
from workbench.ui.text import md

#: ?param a page reads its profile from (Trade-offs and Decision bind their profile selector to the URL)
PROFILE_PARAM = {"tradeoffs": "profile", "decision": "dec_profile"}


@st.cache_data(ttl=600, max_entries=8, show_spinner="Ranking every profile…")
def _statuses(_engine: Engine, url: str, revision: int, today: date) -> list[ProfileStatus]:
    """Recomputed only when the workspace changes (any save writes an audit event) or the day changes."""
    return profile_statuses(_engine, today)


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def _excluded(_engine: Engine, url: str, revision: int, profile_name: str) -> frozenset[str]:
    from workbench.services.decide import decide

    return frozenset(e.name for e in decide(_engine, profile_name).ranking.excluded)


def excluded_names(engine: Engine, profile_name: str) -> frozenset[str]:
    """Candidates the profile's hard constraints exclude (the profile as saved), cached per workspace change."""
    return _excluded(engine, str(engine.url), workspace_revision(engine), profile_name)


def statuses(engine: Engine) -> list[ProfileStatus]:
    return _statuses(engine, str(engine.url), workspace_revision(engine), date.today())


def _triggers(s: ProfileStatus) -> str:
    if s.accepted is None:
        return "no accepted record"
    if s.trigger_problem:
        return "could not be checked"
    return f"{len(s.fired)} of {s.checked} fired" if s.fired else f"none of {s.checked} fired"


def _lead(s: ProfileStatus) -> str:
    if s.margin is None:
        return "only candidate ranked" if s.winner else MISSING
    return f"+{s.margin:.3f} over {s.runner_up}"


def status_table(rows: list[ProfileStatus]) -> pd.DataFrame:
    return pd.DataFrame([{
        "Profile": s.profile,
        "Winner": s.winner or f"none: {s.ranking_problem}",
        "Lead": _lead(s),
        "Record": f"{s.record} · {s.record_status}" if s.record else "no record yet",
        "Integrity": s.integrity or MISSING,
        "Triggers": _triggers(s),
        "Next step": s.next_step.text,
    } for s in rows], columns=["Profile", "Winner", "Lead", "Record", "Integrity", "Triggers", "Next step"])


def dashboard(engine: Engine) -> list[ProfileStatus]:
    """The decisions at a glance, then one link per profile to the page that does its next step."""
    rows = statuses(engine)
    if not rows:
        return rows
    with st.container(key="overview_answer"):  # the answer, first on the page (browser test: above the fold)
        st.subheader("Decisions at a glance", anchor=False)
        st.dataframe(
            status_table(rows), hide_index=True, width="stretch", placeholder=MISSING, key="overview_status",
            column_config={
                "Profile": st.column_config.TextColumn(pinned=True),
                "Winner": st.column_config.TextColumn(
                    help="First place for the profile as saved (its default method)."),
                "Lead": st.column_config.TextColumn(
                    help="Winner's score minus the runner-up's (0–1 scale; small = a close call)."),
                "Record": st.column_config.TextColumn(help="The profile's newest decision record and its status."),
                "Integrity": st.column_config.TextColumn(
                    help="Whether the accepted text still matches its digest."),
                "Triggers": st.column_config.TextColumn(
                    help="Reconsideration triggers of the accepted record, evaluated now (as `workbench recheck`)."),
                "Next step": st.column_config.TextColumn(width="large"),
            },
        )
        accepted = [s for s in rows if s.accepted]
        if accepted and not any(s.fired for s in accepted):
            st.caption(f"{len(accepted)} accepted record(s) checked against the workspace: no reconsideration "
                       "trigger fired (prices compared with each record's snapshot).")
        urgent = [s for s in rows if s.fired or s.integrity not in (None, "ok") or s.winner is None]
        if urgent:
            st.warning(f"{len(urgent)} profile(s) need attention: " + md(", ".join(s.profile for s in urgent))
                       + ".", icon=":material/notification_important:")
        for s in rows:
            target = s.next_step.page
            param = PROFILE_PARAM.get(target)
            st.page_link(str(page(target).path), label=md(f"{s.profile}: {s.next_step.text}"),
                         icon=":material/arrow_forward:", query_params={param: s.profile} if param else None)
    return rows
