"""Editing a record: replace the body or the people, set one field by path, and the generated-vs-edited diff.

Only draft and proposed records can change (:data:`workbench.domain.mdr.model.EDITABLE_STATUSES`); the rest
raise :class:`ImmutableRecordError`. :func:`field_changes` gives the field-level diff between the generated
draft and the current body (path, generated value, current value, kind); :func:`field_origins` labels each
field ``generated`` / ``edited`` / ``added``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import ValidationError

from workbench.domain.mdr.model import (
    EDITABLE_STATUSES,
    MDR,
    Frozen,
    ImmutableRecordError,
    MDRBody,
    MDRError,
)


def _require_editable(record: MDR, what: str) -> None:
    if record.front.status not in EDITABLE_STATUSES:
        raise ImmutableRecordError(
            f"{record.id} is {record.front.status.value}: its {what} is immutable "
            "(draft a new record that supersedes it instead)"
        )


def with_body(record: MDR, body: MDRBody) -> MDR:
    """Replace the body (draft or proposed records only)."""
    _require_editable(record, "text")
    return record.model_copy(update={"body": body})


def with_people(
    record: MDR,
    *,
    decision_makers: Sequence[str] | None = None,
    consulted: Sequence[str] | None = None,
    informed: Sequence[str] | None = None,
    title: str | None = None,
) -> MDR:
    """Change title, decision-makers, consulted or informed (draft or proposed records only)."""
    _require_editable(record, "title and people")
    update: dict[str, Any] = {}
    for key, value in (("decision_makers", decision_makers), ("consulted", consulted), ("informed", informed)):
        if value is not None:
            cleaned = tuple(v.strip() for v in value if v.strip())
            update[key] = cleaned
    front = record.front.model_copy(update=update)
    try:
        return MDR.model_validate(
            {**record.model_dump(), "front": front.model_dump(), "title": title if title is not None else record.title}
        )
    except ValidationError as exc:
        raise MDRError(f"{record.id}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc


_PATH_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def _parse_path(path: str) -> list[str | int]:
    tokens: list[str | int] = []
    for part in path.split("."):
        matches = list(_PATH_TOKEN.finditer(part))
        if not part or "".join(m.group(0) for m in matches) != part or matches[0].group(1) is None:
            raise MDRError(f"field path {path!r} is malformed")
        tokens += [m.group(1) if m.group(1) is not None else int(m.group(2)) for m in matches]
    return tokens


def set_field(record: MDR, path: str, value: Any) -> MDR:
    """Set one body field by path, e.g. ``rollout.canary_traffic_pct`` or
    ``alternatives.alternatives[1].reason``; the result is validated (draft or proposed records only)."""
    _require_editable(record, "text")
    tokens = _parse_path(path)
    data: Any = record.body.model_dump(mode="json")
    node: Any = data
    for i, tok in enumerate(tokens):
        if isinstance(tok, int):
            valid = isinstance(node, list) and 0 <= tok < len(node)
        else:
            valid = isinstance(node, dict) and tok in node
        if not valid:
            raise MDRError(f"no field {path!r} in the record body")
        if i == len(tokens) - 1:
            node[tok] = value
        else:
            node = node[tok]
    try:
        body = MDRBody.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise MDRError(f"{path}: {err['msg']} (at {'.'.join(str(p) for p in err['loc'])})") from exc
    return record.model_copy(update={"body": body})


def flatten_body(body: MDRBody) -> dict[str, Any]:
    """Leaf fields of the body by path (``section.field``, ``[i]`` for list items); empty lists are leaves."""
    out: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(node, list) and node:
            for i, v in enumerate(node):
                walk(f"{prefix}[{i}]", v)
        else:
            out[prefix] = node

    walk("", body.model_dump(mode="json"))
    return out


class FieldChange(Frozen):
    path: str
    kind: Literal["edited", "added", "removed"]
    generated: Any = None
    current: Any = None


def field_changes(record: MDR) -> list[FieldChange]:
    """Field-level diff between the generated draft and the current body (empty if nothing changed or
    the record was written by hand)."""
    if record.generated is None:
        return []
    gen, cur = flatten_body(record.generated), flatten_body(record.body)
    changes = []
    for path in list(gen) + [p for p in cur if p not in gen]:
        if path not in cur:
            changes.append(FieldChange(path=path, kind="removed", generated=gen[path]))
        elif path not in gen:
            changes.append(FieldChange(path=path, kind="added", current=cur[path]))
        elif gen[path] != cur[path]:
            changes.append(FieldChange(path=path, kind="edited", generated=gen[path], current=cur[path]))
    return changes


def field_origins(record: MDR) -> dict[str, Literal["generated", "edited", "added", "manual"]]:
    """Origin of every current field: ``generated`` (unchanged draft), ``edited`` (a person changed it),
    ``added`` (a person added it), ``manual`` (record not drafted by the workbench)."""
    cur = flatten_body(record.body)
    if record.generated is None:
        return dict.fromkeys(cur, "manual")
    changed = {c.path: c.kind for c in field_changes(record)}
    out: dict[str, Literal["generated", "edited", "added", "manual"]] = {}
    for path in cur:
        kind = changed.get(path)
        out[path] = "edited" if kind == "edited" else "added" if kind == "added" else "generated"
    return out
