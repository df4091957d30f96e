"""Session-state keys and their defaults, initialised in one place (the app frame)."""

from __future__ import annotations

import streamlit as st

from workbench.ui.text import md

ACTOR_NAME = "actor_name"  # the name a person sets once in the sidebar
PENDING_DELETE = "pending_delete"  # (entity, id) awaiting confirmation
LAST_DELETED = "last_deleted"  # (entity, model json) for undo
FLASH = "flash"  # one message to show after a rerun: (kind, text)

DEFAULTS: dict[str, object] = {
    ACTOR_NAME: "",
    PENDING_DELETE: None,
    LAST_DELETED: None,
    FLASH: None,
}


def init_state() -> None:
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def seen_versions() -> dict[str, int]:
    """Versions each editor loaded, keyed 'entity:id' (the optimistic lock's 'version the user saw')."""
    return st.session_state.setdefault("seen_versions", {})


def flash(kind: str, text: str) -> None:
    """One message for after the rerun. ``text`` is plain text (names, file names): shown escaped, never Markdown."""
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    message = st.session_state.get(FLASH)
    if message:
        kind, text = message
        getattr(st, kind, st.info)(md(text))
        st.session_state[FLASH] = None
