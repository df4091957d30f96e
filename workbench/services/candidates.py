"""Candidates from ``key=value`` edits and files: what ``workbench candidates ...`` calls.

Same rules as the Candidates page: the domain model validates (:class:`Candidate`), provenance is stamped the
way the form stamps it (:func:`workbench.domain.editing.candidate_from_edit`: every edited value-bearing field
gets ``source`` = what the person gave with ``--source``, else "entered in the workbench", ``entered_by`` = the
actor, ``retrieved`` = today), saves go through the store's repository (optimistic lock, audit event).

File shape (JSON or YAML): ``{"kind": "workbench.candidates/v1", "candidates": [{Candidate}, ...]}``; a file's
own provenance entries are kept (they say where its values came from); fields it changes without one are
stamped ``imported from FILE``. An import is one transaction: every row is validated first, and one bad row
writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine

from workbench.domain.editing import candidate_from_edit
from workbench.domain.models import Candidate
from workbench.services.profiles import InputError, apply_assignments, parse_document, validation_message
from workbench.store import workspace
from workbench.store.engine import write_session
from workbench.store.repository import DuplicateNameError, Record, candidates

CANDIDATES_KIND = "workbench.candidates/v1"
MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_BYTES = 64 * 1024 * 1024  # a whole LiteLLM-sized catalog with architectures fits


def _edited(before: Candidate, raw: dict[str, Any], source: str, actor: str, today: date | None,
            prefix: str = "") -> Candidate:
    try:
        return candidate_from_edit(before, {**raw, "_edit_source": source}, actor, today)
    except ValidationError as exc:
        raise InputError(validation_message(exc, prefix, Candidate)) from exc


def add_candidate(engine: Engine, name: str, items: Sequence[str], source: str, actor: str,
                  today: date | None = None) -> Record[Candidate]:
    try:
        blank = Candidate(name=name.strip())  # the form's "before": a blank candidate of that name
    except ValidationError as exc:
        raise InputError(validation_message(exc, "--", Candidate)) from exc
    raw = apply_assignments(blank.model_dump(mode="json"), items)
    model = _edited(blank, raw, source, actor, today)
    return workspace.create_candidate(engine, model, actor)


def set_candidate(engine: Engine, name: str, items: Sequence[str], source: str, expect_version: int | None,
                  actor: str, today: date | None = None) -> Record[Candidate]:
    if not items:
        raise InputError("nothing to set: give at least one key=value (e.g. pricing.input_per_mtok=2.5)")
    record = workspace.candidate_by_name(engine, name)
    raw = apply_assignments(record.model.model_dump(mode="json"), items)
    model = _edited(record.model, raw, source, actor, today)
    seen = record.version if expect_version is None else expect_version
    return workspace.save_candidate(engine, record.id, model, seen, actor)


def delete_candidate(engine: Engine, name: str, expect_version: int | None, actor: str) -> Record[Candidate]:
    record = workspace.candidate_by_name(engine, name)
    workspace.delete_candidate(engine, record.id, record.version if expect_version is None else expect_version, actor)
    return record


def candidates_document(engine: Engine, names: Sequence[str] = ()) -> dict[str, Any]:
    """The named candidates (all when none are named), sorted by name."""
    if names:
        records = [workspace.candidate_by_name(engine, n) for n in dict.fromkeys(names)]
    else:
        records = workspace.list_candidates(engine)
    ordered = sorted(records, key=lambda r: r.model.name)
    return {"kind": CANDIDATES_KIND, "candidates": [r.model.model_dump(mode="json") for r in ordered]}


def read_candidates_document(data: bytes, source: str) -> list[dict[str, Any]]:
    doc = parse_document(data, source, MAX_IMPORT_BYTES)
    if not isinstance(doc, dict) or doc.get("kind") != CANDIDATES_KIND:
        got = doc.get("kind") if isinstance(doc, dict) else type(doc).__name__
        raise InputError(f"{source}: kind: expected {CANDIDATES_KIND!r}, got {got!r}")
    unknown = sorted(set(doc) - {"kind", "candidates"})
    if unknown:
        raise InputError(f"{source}: {unknown[0]}: no such field (fields: kind, candidates)")
    rows = doc.get("candidates")
    if not isinstance(rows, list):
        raise InputError(f"{source}: candidates: expected a list")
    if len(rows) > MAX_IMPORT_ROWS:
        raise InputError(f"{source}: candidates: {len(rows):,} rows is more than the {MAX_IMPORT_ROWS:,}-row limit")
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InputError(f"{source}: candidates[{i}]: expected an object, got {type(row).__name__}")
    names = [str(r.get("name")) for r in rows]
    dupes = [n for i, n in enumerate(names) if n in names[:i]]
    if dupes:
        raise InputError(f"{source}: candidates[{names.index(dupes[0], names.index(dupes[0]) + 1)}].name: "
                         f"{dupes[0]!r} appears twice")
    return rows


def import_candidates(engine: Engine, data: bytes, source: str, actor: str, *, update: bool = False,
                      edit_source: str = "", today: date | None = None) -> dict[str, list[str]]:
    """Create (and with ``update`` also update) candidates from a file, in one transaction."""
    rows = read_candidates_document(data, source)
    stamp = edit_source.strip() or f"imported from {Path(source).name}"
    report: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    with write_session(engine) as session:
        for i, raw in enumerate(rows):
            prefix = f"{source}: candidates[{i}]."
            existing = candidates.by_name(session, str(raw.get("name")))
            if existing is not None and not update:
                raise InputError(f"{prefix}name: a candidate named {raw.get('name')!r} already exists "
                                 "(use --update to change it)")
            before = existing.model if existing else Candidate.model_construct(name=str(raw.get("name")))
            model = _edited(before, raw, stamp, actor, today, prefix)
            own = raw.get("provenance") or {}
            model = model.model_copy(update={"provenance": {**model.provenance, **{
                k: v for k, v in Candidate.model_validate(raw).provenance.items() if k in own}}})
            if existing is None:
                candidates.create(session, model, actor, action="import")
                report["created"].append(model.name)
            elif model.model_dump(mode="json") == existing.model.model_dump(mode="json"):
                report["unchanged"].append(model.name)
            else:
                try:
                    candidates.update(session, existing.id, model, existing.version, actor)
                except DuplicateNameError as exc:
                    raise InputError(f"{prefix}name: {exc}") from exc
                report["updated"].append(model.name)
    return report
