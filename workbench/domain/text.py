"""Text the workbench stores: one check for characters a database refuses, one normalisation for names.

- :func:`check_storable` / :func:`check_storable_tree`: PostgreSQL refuses the NUL character (U+0000) in
  ``text``/``varchar`` and in ``json`` values, and no database stores a lone UTF-16 surrogate
  (U+D800-U+DFFF, not encodable as UTF-8). SQLite would keep a NUL, so a workspace could hold text that its
  own backup cannot restore on the other database. Every domain model runs this check on its fields
  (:class:`workbench.domain.models.Model`, :class:`workbench.domain.mdr.Frozen`), so forms, the CLI, the
  importers and a restore all refuse the same characters with the field named.
- :func:`normalise_name`: Unicode NFC (UAX #15), with zero-width and bidirectional-control characters
  (Unicode "Default_Ignorable" format characters, UAX #9 explicit formatting) removed and the ends stripped.
  "Café" typed as ``e`` + combining accent and "GPT-5.4" with a zero-width space are then the same name as
  "Café" and "GPT-5.4", so uniqueness is checked on what a reader sees.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_REFUSED = re.compile("[\x00\ud800-\udfff]")
#: Invisible characters that make two names look identical: zero-width space/non-joiner/joiner, LRM/RLM,
#: bidi embeddings/overrides/isolates, word joiner and invisible operators, BOM, soft hyphen, Mongolian
#: vowel separator.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def refused_character(text: str) -> str | None:
    """A description of the first character a database refuses in ``text`` (None when there is none)."""
    match = _REFUSED.search(text)
    if match is None:
        return None
    char = match.group()
    what = "a NUL character (U+0000)" if char == "\x00" else f"a lone surrogate (U+{ord(char):04X})"
    return f"{what} at position {match.start() + 1}"


def check_storable(text: str, field: str = "text") -> str:
    """``text`` unchanged, or ValueError naming ``field`` when it holds a character a database refuses."""
    problem = refused_character(text)
    if problem is not None:
        raise ValueError(f"{field}: contains {problem}, which the database cannot store; remove it")
    return text


def check_storable_tree(value: Any, field: str, depth: int = 0) -> None:
    """:func:`check_storable` on every string (keys included) in plain JSON-like data; nested pydantic models
    are skipped (they check themselves)."""
    if isinstance(value, str):
        check_storable(value, field)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                check_storable(key, f"{field} (key)")
            if not isinstance(item, int | float | bool) and item is not None:
                check_storable_tree(item, f"{field}.{key}", depth + 1)
    elif isinstance(value, list | tuple | set | frozenset) and depth < 64:
        for i, item in enumerate(value):
            if isinstance(item, str | dict | list | tuple):
                check_storable_tree(item, f"{field}[{i}]", depth + 1)


def check_model_fields(values: dict[str, Any]) -> None:
    """The check a domain model runs after validation: every plain-text field and container of its own."""
    for name, value in values.items():
        if isinstance(value, str | dict | list | tuple):
            check_storable_tree(value, name)


def normalise_name(value: str) -> str:
    """NFC, invisible formatting characters removed, ends stripped (see the module docstring)."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", value)).strip()


__all__ = ["check_model_fields", "check_storable", "check_storable_tree", "normalise_name", "refused_character"]
