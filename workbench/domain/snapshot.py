"""The decision snapshot: every input and result needed to reproduce a ranking, as canonical JSON.

Canonical form: RFC 8785 (JSON Canonicalization Scheme, https://www.rfc-editor.org/rfc/rfc8785) via the
``rfc8785`` package: keys sorted by UTF-16 code units, no insignificant whitespace, numbers in the
ECMAScript shortest round-trip form (``1.0 -> 1``, ``2.50 -> 2.5``, ``1e21 -> 1e+21``), minimal UTF-8
string escapes. Because the ECMAScript number form round-trips every IEEE-754 double exactly, floats are
**not** rounded: a snapshot reproduces the ranking bit for bit. RFC 8785 has no NaN/Infinity and no integers
beyond ±(2**53 - 1); such values raise :class:`SnapshotError` naming the path, so put costs and seeds in range.

``snapshot_digest(data) = SHA-256(data)`` as lowercase hex (the in-toto subject digest).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

import numpy as np
import rfc8785
from pydantic import BaseModel

#: Schema tag written into snapshots built by :func:`make_snapshot`.
SNAPSHOT_SCHEMA = "workbench.decision-snapshot/v1"
MAX_SAFE_INTEGER = 2**53 - 1


class SnapshotError(ValueError):
    """A value that has no canonical JSON form, or bytes that are not a canonical snapshot."""


def to_jsonable(obj: Any, path: str = "$") -> Any:
    """Plain JSON types from pydantic models, numpy arrays/scalars, tuples, enums and dates.

    Raises :class:`SnapshotError` naming the path for NaN/Infinity, integers outside ±(2**53-1),
    non-string keys and unsupported types."""
    if isinstance(obj, BaseModel):
        return to_jsonable(obj.model_dump(mode="json", by_alias=True), path)
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist(), path)
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item(), path)
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, Enum):
        return to_jsonable(obj.value, path)
    if isinstance(obj, int):
        if abs(obj) > MAX_SAFE_INTEGER:
            raise SnapshotError(f"{path}: integer {obj} is outside ±(2**53-1); store it as a string")
        return obj
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise SnapshotError(f"{path}: {obj} has no JSON form (RFC 8785 forbids NaN and Infinity)")
        return obj
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Mapping):
        out = {}
        for key, value in obj.items():
            if not isinstance(key, str):
                raise SnapshotError(f"{path}: key {key!r} is not a string")
            out[key] = to_jsonable(value, f"{path}.{key}")
        return out
    if isinstance(obj, list | tuple):
        return [to_jsonable(v, f"{path}[{i}]") for i, v in enumerate(obj)]
    raise SnapshotError(f"{path}: cannot put a {type(obj).__name__} into a snapshot")


def canonical_json(obj: Any) -> bytes:
    """RFC 8785 canonical JSON bytes of ``obj`` (after :func:`to_jsonable`)."""
    return rfc8785.dumps(to_jsonable(obj))


def snapshot_digest(data: bytes) -> str:
    """SHA-256 of ``data`` as lowercase hex."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise SnapshotError("snapshot_digest takes bytes (use canonical_json first)")
    return hashlib.sha256(bytes(data)).hexdigest()


def parse_canonical(data: bytes, name: str = "snapshot.json") -> Any:
    """Parse JSON bytes and require them to be in canonical form (re-serialising gives the same bytes)."""
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{name}: not valid UTF-8 JSON: {exc}") from exc
    if canonical_json(value) != data:
        raise SnapshotError(f"{name}: not in RFC 8785 canonical form")
    return value


def _reject_constant(token: str) -> Any:
    raise SnapshotError(f"JSON constant {token} is not allowed")


def make_snapshot(
    *,
    profile: Any,
    candidates: Any,
    method: Mapping[str, Any],
    results: Mapping[str, Any],
    smaa_seed: int | None = None,
    created_at: str | None = None,
    app_version: str = "",
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble a snapshot document (plain JSON types): the profile, the candidates, the method settings
    (normaliser, aggregator, weights, constraints, SMAA sample count, ...), the results (ranking, scores,
    exclusions, rank acceptabilities, ...) and the SMAA seed. Validates that it has a canonical form."""
    doc: dict[str, Any] = {
        "schema": SNAPSHOT_SCHEMA,
        "profile": profile,
        "candidates": candidates,
        "method": dict(method),
        "results": dict(results),
        "smaa_seed": smaa_seed,
        "created_at": created_at,
        "app_version": app_version,
    }
    if extra:
        clash = sorted(set(extra) & set(doc))
        if clash:
            raise SnapshotError(f"extra keys clash with snapshot fields: {', '.join(clash)}")
        doc.update(extra)
    plain = to_jsonable(doc)
    assert isinstance(plain, dict)
    return plain
