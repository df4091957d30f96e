"""Shared parts of the evidence importers: the error type, the result, strict readers, number checks."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr, ValidationError

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, ItemResult

#: lm-eval / HELM metrics that are means of 0/1 outcomes: their value is a pass rate.
BINARY_METRICS = frozenset({
    "acc", "acc_norm", "exact_match", "quasi_exact_match", "prefix_exact_match", "quasi_prefix_exact_match",
    "pass@1", "pass_at_1", "em", "correct",
})
#: Preferred headline metrics, in order (lm-eval and HELM).
HEADLINE_METRICS = (
    "exact_match", "quasi_exact_match", "acc", "acc_norm", "prefix_exact_match", "quasi_prefix_exact_match",
    "pass@1", "f1_score", "f1", "rouge_l", "bleu_4", "bleu",
)


class EvidenceImportError(ValueError):
    """A file that cannot be imported. ``file``, ``location`` (line / row / JSON path) and ``field``."""

    def __init__(self, file: str, message: str, *, location: str | None = None, field: str | None = None):
        self.file = file
        self.location = location
        self.field = field
        self.detail = message
        parts = [file]
        if location:
            parts.append(location)
        if field:
            parts.append(f"field {field!r}")
        super().__init__(": ".join(parts) + ": " + message)


class ImportResult(BaseModel):
    """Everything one file yields: validated runs, the file's hash, and warnings to show."""

    file: str
    sha256: str
    format: EvidenceFormat
    runs: list[EvaluationRun]
    warnings: list[str] = Field(default_factory=list)
    companion_files: dict[str, str] = Field(default_factory=dict, description="name -> SHA-256")
    # large per-item files: run index -> its items as columns (the run itself carries counts only)
    _item_columns: dict[int, Any] = PrivateAttr(default_factory=dict)

    def item_columns(self, index: int) -> Any:
        """The :class:`~workbench.io.evidence.item_columns.ItemColumns` of run ``index``, or None."""
        return self._item_columns.get(index)

    def release_item_columns(self, index: int) -> None:
        """Drop run ``index``'s columns once stored (a large import frees them before the database write)."""
        self._item_columns.pop(index, None)

    @property
    def source_models(self) -> list[str]:
        return sorted({r.source_model for r in self.runs})


# --------------------------------------------------------------------------- helpers


def _dict(parent: Any, key: str) -> dict[str, Any]:
    """``parent[key]`` if it is an object, else {} (optional sub-objects of a source format)."""
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, dict) else {}


def _list(parent: Any, key: str) -> list[Any]:
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, list) else []


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(source: Path | str | bytes, name: str | None) -> tuple[bytes, str, Path | None]:
    if isinstance(source, bytes):
        return source, name or "<bytes>", None
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EvidenceImportError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    return data, name or path.name, path


def _text(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvidenceImportError(file, f"not UTF-8 text (byte {exc.start})") from exc


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _json(text: str, file: str) -> Any:
    """Parse a whole JSON document; duplicate keys in an object are an error (json keeps the last)."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as exc:
        raise EvidenceImportError(file, f"duplicate key {exc.args[0]!r} in a JSON object", field=exc.args[0]) from exc
    except json.JSONDecodeError as exc:
        hint = "truncated? " if exc.pos >= len(text.rstrip()) - 1 else ""
        raise EvidenceImportError(file, f"{hint}invalid JSON: {exc.msg} (column {exc.colno})",
                                  location=f"line {exc.lineno}") from exc


def _jsonl(text: str, file: str) -> list[tuple[int, Any]]:
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((lineno, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise EvidenceImportError(file, f"invalid JSON line (truncated?): {exc.msg} (column {exc.colno})",
                                      location=f"line {lineno}") from exc
    return out


def _num(value: Any, file: str, loc: str, field: str, *, allow_none: bool = True) -> float | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise EvidenceImportError(file, "missing value", location=loc, field=field)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise EvidenceImportError(file, f"expected a number, got {value!r}", location=loc, field=field)
    try:
        x = float(value)
    except ValueError as exc:
        raise EvidenceImportError(file, f"expected a number, got {value!r}", location=loc, field=field) from exc
    if not math.isfinite(x):
        raise EvidenceImportError(file, f"expected a finite number, got {value!r}", location=loc, field=field)
    return x


def _nonneg(value: Any, file: str, loc: str, field: str) -> float | None:
    x = _num(value, file, loc, field)
    if x is not None and x < 0:
        raise EvidenceImportError(file, f"must be >= 0, got {x}", location=loc, field=field)
    return x


def _check_unique(keys: list[tuple[str, tuple[str, int]]], file: str, field: str) -> None:
    """``keys`` = (location, (item_id, epoch)) per item of one run; raise on the first duplicate."""
    seen: dict[tuple[str, int], str] = {}
    for loc, key in keys:
        if key in seen:
            raise EvidenceImportError(file, f"duplicate item id {key[0]!r} (epoch {key[1]}; first at {seen[key]})",
                                      location=loc, field=field)
        seen[key] = loc


def _build_run(file: str, **kw: Any) -> EvaluationRun:
    try:
        return EvaluationRun(**kw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise EvidenceImportError(file, err["msg"], location=f"run of {kw.get('source_model')!r}",
                                  field=field) from exc


def _item(file: str, loc: str, **kw: Any) -> ItemResult:
    try:
        return ItemResult(**kw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise EvidenceImportError(file, err["msg"], location=loc, field=field) from exc


