"""Who is making a change: the signed-in user (if auth is configured) or the name set in the sidebar.

Two modes (README "Identity"):

- default: each person types their name once per browser session in the sidebar; the audit trail records it.
- ``[auth]`` in ``.streamlit/secrets.toml`` (Streamlit's OpenID Connect login): the sidebar shows Log in /
  Log out, and the audit trail records the authenticated e-mail (``st.user.email``; the name if the
  provider sends no e-mail). The typed name is not offered then, so nobody can act under another name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from workbench.ui.state import ACTOR_NAME
from workbench.ui.text import md

ANONYMOUS = "anonymous"


def _auth_section() -> Mapping[str, Any] | None:
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets.toml at all
        return None
    return section if isinstance(section, Mapping) else None


def auth_configured() -> bool:
    """True when ``[auth]`` is configured in secrets.toml (log in with st.login)."""
    return _auth_section() is not None


def _providers() -> list[str]:
    """Named providers (``[auth.google]``, ``[auth.okta]``...); empty for a single unnamed provider."""
    section = _auth_section() or {}
    return sorted(k for k, v in section.items() if isinstance(v, Mapping))


def _signed_in_user() -> str | None:
    try:
        user = st.user
        if user.get("is_logged_in"):
            identity = str(user.get("email") or user.get("name") or user.get("sub") or "").strip()
            return identity or None
    except Exception:  # st.user raises when auth is not configured in some versions
        return None
    return None


def signed_in_email() -> str | None:
    """The e-mail of the person logged in with ``st.login`` (None without a login)."""
    try:
        user = st.user
        if user.get("is_logged_in"):
            return str(user.get("email") or "").strip() or None
    except Exception:  # st.user raises when auth is not configured in some versions
        return None
    return None


def can_edit() -> bool:
    """False when ``[auth]`` is configured and nobody is logged in: such a visitor can read, not edit or sign."""
    return not auth_configured() or _signed_in_user() is not None


READ_ONLY_NOTICE = "You are not logged in: you can read everything, but editing and signing need a login."


def current_actor() -> str:
    signed_in = _signed_in_user()
    if signed_in:
        return signed_in
    if auth_configured():
        return ANONYMOUS  # with login configured, only an authenticated identity names a person
    return (st.session_state.get(ACTOR_NAME) or "").strip() or ANONYMOUS


def identity_sidebar() -> None:
    signed_in = _signed_in_user()
    if signed_in:
        st.sidebar.caption(f"Signed in as **{md(signed_in)}**")
        if auth_configured():
            st.sidebar.button("Log out", key="auth_logout", on_click=st.logout, icon=":material/logout:")
        return
    if auth_configured():
        providers = _providers()
        provider: str | None
        if len(providers) > 1:
            provider = st.sidebar.selectbox("Sign in with", providers, key="auth_provider")
        else:
            provider = providers[0] if providers else None
        st.sidebar.button("Log in", key="auth_login", on_click=st.login, args=(provider,) if provider else (),
                          type="primary", icon=":material/login:")
        st.sidebar.caption("Log in to edit and sign: until then you can read, and changes are not offered.")
        return
    _name_from_link()
    st.sidebar.text_input(
        "Your name",
        key=ACTOR_NAME,
        placeholder="e.g. Ada Lovelace",
        help="Recorded in the audit log with every change you make. Kept in the page address (?who=), so a "
             "reload or a bookmark keeps it.",
        max_chars=120,
    )
    _name_into_link()
    if not st.session_state.get(ACTOR_NAME, "").strip():
        st.sidebar.caption("Changes are recorded as **anonymous** until you set a name.")


WHO_PARAM = "who"  # the typed name travels in the URL (?who=Ada), so a reload or a bookmark keeps it


def _name_from_link() -> None:
    """A reload starts a new session: take the name back from ``?who=`` (before the input exists)."""
    linked = str(st.query_params.get(WHO_PARAM) or "").strip()[:120]
    if linked and not str(st.session_state.get(ACTOR_NAME) or "").strip():
        st.session_state[ACTOR_NAME] = linked


def _name_into_link() -> None:
    """Keep ``?who=`` equal to the typed name (re-added after a page switch, which clears the query string)."""
    name = str(st.session_state.get(ACTOR_NAME) or "").strip()
    if name and st.query_params.get(WHO_PARAM) != name:
        st.query_params[WHO_PARAM] = name
    elif not name and WHO_PARAM in st.query_params:
        del st.query_params[WHO_PARAM]
