"""Who is making a change: the signed-in user (if auth is configured) or the name set in the sidebar."""

from __future__ import annotations

import streamlit as st

from workbench.ui.state import ACTOR_NAME

ANONYMOUS = "anonymous"


def _signed_in_user() -> str | None:
    try:
        user = st.user
        if user.get("is_logged_in"):
            return str(user.get("email") or user.get("name") or "")
    except Exception:  # st.user raises when auth is not configured in some versions
        return None
    return None


def current_actor() -> str:
    return _signed_in_user() or (st.session_state.get(ACTOR_NAME) or "").strip() or ANONYMOUS


def identity_sidebar() -> None:
    signed_in = _signed_in_user()
    if signed_in:
        st.sidebar.caption(f"Signed in as **{signed_in}**")
        return
    st.sidebar.text_input(
        "Your name",
        key=ACTOR_NAME,
        placeholder="e.g. Ada Lovelace",
        help="Recorded in the audit log with every change you make. Remembered for this browser session.",
        max_chars=120,
    )
    if not st.session_state.get(ACTOR_NAME, "").strip():
        st.sidebar.caption("Changes are recorded as **anonymous** until you set a name.")
