"""Cached resources: one Engine per process and database URL (never a cached Session)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection

from workbench.store import SchemaTooNewError, database_url, open_store
from workbench.store.engine import _WRITE as WRITE_OPTION  # the option write_session sets
from workbench.store.repository import StoreError
from workbench.ui.text import md


@st.cache_resource(show_spinner="Opening the workspace database…", max_entries=4)
def _engine_for(url: str) -> Engine:
    return open_store(url)


class ReadOnlyWorkspace(StoreError):
    """A change attempted by a visitor who may only read (``[auth]`` configured, not logged in)."""


@st.cache_resource(show_spinner=False, max_entries=4)
def _read_only_engine_for(url: str) -> Engine:
    """Another Engine on the same database whose write transactions are refused before they begin: every
    change in the app goes through ``write_session``, so no page can write through it."""
    engine = open_store(url)

    @event.listens_for(engine, "begin")
    def _refuse_writes(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION, False):
            raise ReadOnlyWorkspace("You are not logged in: you can read, but changes need a login.")

    return engine


def get_read_only_engine() -> Engine:
    """The workspace Engine for a visitor who may only read (see :func:`get_engine` for errors)."""
    _checked_engine()  # same checks and messages
    return _read_only_engine_for(database_url())


def get_engine() -> Engine:
    """The workspace Engine; stops the page with a clear message if the database can't be used. A visitor who
    may only read (``[auth]`` configured, not logged in) gets an Engine that refuses every write."""
    from workbench.ui.identity import can_edit

    return _checked_engine() if can_edit() else get_read_only_engine()


def _checked_engine() -> Engine:
    url = database_url()
    try:
        return _engine_for(url)
    except SchemaTooNewError as exc:
        st.error(f"This workspace database can't be opened: {md(exc)}")
        st.stop()
    except Exception as exc:  # connection refused, bad URL, permissions: show it, don't trace back
        st.error(
            f"Could not open the workspace database ({type(exc).__name__}: {exc}). "
            "Check WORKBENCH_DATABASE_URL or the file permissions."
        )
        st.stop()
    raise AssertionError("unreachable")
