"""Read JSON from a user's file the one way every importer does: bounded, strict, with positions in errors.

Every reader of a file a person hands us goes through :func:`load_json`, so each refuses the same hostile
inputs with the same kind of message, before any work starts:

- not JSON at all → ``"FILE: not valid JSON (Expecting ',' delimiter at line 3, column 7)"``
- a duplicate key (Python's ``json`` silently keeps the last one) → named with its object path
- ``NaN``, ``Infinity``, ``-Infinity`` (Python accepts them; RFC 8259 does not)
- nesting deeper than ``max_depth`` (a 100,000-deep array otherwise raises ``RecursionError``)
- a document larger than ``max_bytes``
"""

from __future__ import annotations

import json
from typing import Any

DEFAULT_MAX_DEPTH = 64
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class JsonInputError(ValueError):
    """A JSON document refused before use; the message names the source and the position or field."""


def _depth(text: str) -> int:
    """Deepest ``[``/``{`` nesting outside strings (a linear scan: no recursion, no allocation per level)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _no_constant(token: str) -> Any:
    raise JsonInputError(f"non-finite number {token} (JSON has no NaN or Infinity)")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JsonInputError(f"duplicate key {key!r} (a second value would silently replace the first)")
        out[key] = value
    return out


def load_json(data: bytes | str, source: str, *, max_depth: int = DEFAULT_MAX_DEPTH,
              max_bytes: int = DEFAULT_MAX_BYTES, allow_non_finite: bool = False) -> Any:
    """Parse ``data`` as strict JSON; raise :class:`JsonInputError` naming ``source`` on any refusal.

    ``allow_non_finite``: accept ``Infinity``/``NaN`` (Python's json writes them; published Hugging Face configs
    such as Nemotron-H's ``time_step_limit`` carry them); the caller must then check the numbers it uses."""
    size = len(data)
    if size > max_bytes:
        raise JsonInputError(f"{source}: {size:,} bytes is larger than the {max_bytes:,}-byte limit")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise JsonInputError(f"{source}: not UTF-8 text (byte {exc.start})") from exc
    else:
        text = data
    deepest = _depth(text)
    if deepest > max_depth:
        raise JsonInputError(f"{source}: nested {deepest} levels deep (limit {max_depth})")
    try:
        return json.loads(text, object_pairs_hook=_unique_keys,
                          parse_constant=float if allow_non_finite else _no_constant)
    except json.JSONDecodeError as exc:
        raise JsonInputError(
            f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from exc
    except JsonInputError as exc:
        raise JsonInputError(f"{source}: {exc}") from exc
