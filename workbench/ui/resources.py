"""Cached resources: one Engine per process and database URL (never a cached Session)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from workbench.store import SchemaTooNewError, database_url, open_store
from workbench.ui.text import md


@st.cache_resource(show_spinner="Opening the workspace database…", max_entries=4)
def _engine_for(url: str) -> Engine:
    return open_store(url)


def get_engine() -> Engine:
    """The workspace Engine; stops the page with a clear message if the database can't be used."""
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
