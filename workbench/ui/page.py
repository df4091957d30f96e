"""What every page starts with: the header, and the empty state of pages that need a profile."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st
from sqlalchemy import Engine

from workbench.ui.identity import READ_ONLY_NOTICE, can_edit, current_actor
from workbench.ui.registry import page
from workbench.ui.resources import get_engine
from workbench.ui.state import show_flash


def page_header(title: str, caption: str) -> tuple[Engine, str]:
    """Title and caption, the message left by the previous action; returns (engine, who is acting)."""
    engine = get_engine()  # a visitor who may only read gets an engine that refuses writes
    actor = current_actor()
    st.title(title)
    st.caption(caption)
    show_flash()
    if not can_edit():  # [auth] configured and nobody logged in: read, do not change
        st.info(READ_ONLY_NOTICE, icon=":material/lock:")
    return engine, actor


def no_profile_yet(why: str) -> NoReturn:
    """Empty state of a page that works on a requirement profile: say why and link to where to create one."""
    st.info(f"There is no requirement profile yet. {why}")
    st.page_link(str(page("profiles").path), label="Create a profile", icon=":material/add:")
    st.stop()
