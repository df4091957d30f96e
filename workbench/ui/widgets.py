"""Reusable widget groups: validation errors, delete-with-confirmation-and-undo, formatting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from pydantic import ValidationError

from workbench.ui.state import LAST_DELETED, PENDING_DELETE, flash, seen_versions
from workbench.ui.text import md


def tokens(value: int | float | None) -> str:
    """128000 -> '128K', 1048576 -> '1.05M' (decimal units, as providers quote windows)."""
    if value is None:
        return "unknown"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.2f}M".replace(".00M", "M")
    if value >= 1_000:
        return f"{value / 1_000:.0f}K"
    return f"{value:.0f}"


def show_validation_error(exc: ValidationError, labels: dict[str, str] | None = None) -> None:
    """One line per invalid field, naming the field as the form labels it."""
    labels = labels or {}
    lines = []
    for error in exc.errors():
        path = ".".join(str(p) for p in error["loc"])
        label = labels.get(path, path)
        lines.append(f"- **{md(label)}**: {md(error['msg'])}")
    st.error("Nothing was saved. Please fix:\n" + "\n".join(lines))


def delete_with_confirmation(
    *,
    entity: str,
    record_id: int,
    name: str,
    on_delete: Callable[[], Any],
    key: str,
    takes_with_it: Callable[[], str] | None = None,
) -> None:
    """A 'Delete…' button that asks first, naming what goes with the entity (``takes_with_it``, e.g. "2
    scenarios and 3 evidence runs"); ``on_delete`` returns what Undo needs (kept until the page is left)."""
    pending = st.session_state.get(PENDING_DELETE)
    if pending != (entity, record_id):
        if st.button(f"Delete {entity}…", key=f"{key}-ask", icon=":material/delete:"):
            st.session_state[PENDING_DELETE] = (entity, record_id)
            st.rerun()
        return
    also = takes_with_it() if takes_with_it is not None else ""
    st.warning(f"Delete {entity} **{md(name)}**" + (f" and with it {md(also)}" if also else "")
               + "? You can undo right after, until you leave this page.")
    yes, no = st.columns(2)
    if yes.button(f"Yes, delete {md(name)}", key=f"{key}-yes", type="primary"):
        try:
            deleted = on_delete()
        except Exception as exc:
            st.session_state[PENDING_DELETE] = None
            st.error(md(exc))
            return
        st.session_state[PENDING_DELETE] = None
        st.session_state[LAST_DELETED] = (entity, deleted)
        flash("success", f"Deleted {entity} {name}" + (f" with {also}" if also else "") + ".")
        st.rerun()
    if no.button("Cancel", key=f"{key}-no"):
        st.session_state[PENDING_DELETE] = None
        st.rerun()


def undo_last_delete(entity: str, restore: Callable[[Any], Any], key: str) -> None:
    """After a delete: an Undo button that hands what ``on_delete`` returned to ``restore``."""
    last = st.session_state.get(LAST_DELETED)
    if not last or last[0] != entity:
        return
    payload = last[1]
    name = payload.get("name") if hasattr(payload, "get") else ""
    col_text, col_button = st.columns([4, 1])
    col_text.info(f"{entity.capitalize()} **{md(name)}** was deleted.")
    if col_button.button("Undo", key=f"{key}-undo", icon=":material/undo:"):
        try:
            restore(payload)
        except Exception as exc:
            st.error(f"Could not restore: {md(exc)}")
            return
        st.session_state[LAST_DELETED] = None
        flash("success", f"Restored {entity} {name}.")
        st.rerun()


def seen_version(kind: str, record_id: int, version: int, updated_by: str, label: str, key: str) -> int:
    """The version of a record this browser session loaded: the optimistic lock's "version the user saw".

    When someone else has saved a newer version since, say who and offer to reload theirs; until then
    the form keeps this person's edits and a save is refused (never silently overwritten).
    """
    versions = seen_versions()
    seen = versions.setdefault(f"{kind}:{record_id}", version)
    if seen != version:
        st.warning(f"{md(updated_by)} saved a newer version of {md(label)} (version {version}; you opened version {seen}). "
                   "Your form still shows your edits; saving them is refused until you reload.")
        if st.button("Reload their version", key=key):
            versions[f"{kind}:{record_id}"] = version
            st.rerun()
    return seen
