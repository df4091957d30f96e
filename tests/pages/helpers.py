"""Small AppTest lookups shared by the page tests."""

from __future__ import annotations

from typing import Any


def button(at: Any, key: str) -> Any:
    """The button (or form submit button, key "FormSubmitter:<form>-<label>") with this key."""
    return next(b for b in at.button if b.key == key)


def texts(at: Any) -> str:
    """Everything the page wrote as text: markdown, captions and every kind of message."""
    parts = [*at.markdown, *at.caption, *at.info, *at.success, *at.warning, *at.error]
    return "\n".join(str(p.value) for p in parts)
