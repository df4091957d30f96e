"""Evidence use-cases: import evaluation runs for a profile, list, delete, and load them for ranking.

What pages and the CLI call (each function is one transaction):

- :func:`import_runs` writes every run of one file in ONE ``write_session`` with one audit event; any
  error (unknown profile or candidate, unmapped source model, a file already imported) writes nothing.
  A file is identified by its SHA-256: importing the same bytes again for the same profile raises
  :class:`DuplicateImportError` unless ``on_duplicate`` says ``"replace"`` (delete the old runs of that
  hash, insert the new ones) or ``"skip"`` (write nothing, report the existing runs).
- :func:`list_runs`, :func:`delete_run`, :func:`delete_file`, :func:`find_duplicates`.
- :func:`evidence_for_profile` -> ``{candidate name: [EvaluationRun, ...]}`` for the ranking.
- :func:`pair_for_comparison` picks the two runs to compare for candidates A and B (same metric kind and
  task, most shared item ids, the same file preferred), and :func:`compare_candidates` runs the paired test.

Candidate names in results are the catalog's current names (a renamed candidate keeps its evidence).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, delete, text
from sqlmodel import Session, select

from workbench.domain.evidence import (
    EvaluationRun,
    EvidenceError,
    IntervalMethod,
    MetricKind,
    PairedComparison,
    compare_runs,
)
from workbench.io.evidence import ImportResult
from workbench.store.engine import read_session, write_session
from workbench.store.repository import NotFoundError, StoreError, profiles, record_audit
from workbench.store.tables import CandidateRow, EvidenceRunRow, utcnow

OnDuplicate = Literal["ask", "replace", "skip"]
ImportAction = Literal["imported", "replaced", "skipped"]


class EvidenceStoreError(StoreError):
    """Evidence that cannot be stored (unmapped models, unknown candidates); nothing was written."""


class DuplicateImportError(EvidenceStoreError):
    """The same file (same SHA-256) was already imported for this profile: choose replace or skip."""

    def __init__(self, file: str, sha256: str, existing: list[StoredRun]):
        self.file, self.sha256, self.existing = file, sha256, existing
        first = existing[0]
        when = first.imported_at.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"{file} (SHA-256 {sha256[:12]}…) was already imported for this profile by {first.imported_by} "
            f"at {when} ({len(existing)} run(s), as {first.source_file}). Replace those runs or skip this import."
        )


@dataclass(frozen=True)
class StoredRun:
    """One stored run: the row's columns and the validated run (``run.candidate`` = catalog name)."""

    id: int
    profile_id: int
    candidate_id: int
    candidate: str
    source_format: str
    source_file: str
    sha256: str
    metric_kind: str
    source_model: str
    n: int | None
    passed: int | None
    imported_at: datetime
    imported_by: str
    run: EvaluationRun
    item_count: int | None = None  # a large run imported from columns: its items are in the store only

    @property
    def sha_short(self) -> str:
        return self.sha256[:12]


@dataclass(frozen=True)
class ImportOutcome:
    action: ImportAction
    file: str
    sha256: str
    profile: str
    runs: list[StoredRun]
    replaced: int = 0

    def as_json(self) -> dict[str, Any]:
        """The ``workbench import evidence --json`` document (see the CLI module)."""
        return {
            "action": self.action, "file": self.file, "sha256": self.sha256, "profile": self.profile,
            "replaced": self.replaced, "runs": [run_summary(r) for r in self.runs],
        }


def run_summary(stored: StoredRun) -> dict[str, Any]:
    """A stored run without its items: what lists and JSON documents show."""
    r = stored.run
    return {
        "id": stored.id, "candidate": stored.candidate, "source_model": stored.source_model,
        "source_format": stored.source_format, "source_file": stored.source_file, "sha256": stored.sha256,
        "metric_kind": stored.metric_kind, "metric_name": r.metric_name, "task": r.task, "benchmark": r.benchmark,
        "n": stored.n,
        "passed": stored.passed, "pass_rate": r.pass_rate, "mean_score": r.mean_score,
        "items": stored.item_count if stored.item_count is not None else len(r.items),
        "imported_at": stored.imported_at.isoformat(), "imported_by": stored.imported_by,
    }


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _stored(row: EvidenceRunRow, candidate: str) -> StoredRun:
    run = EvaluationRun.model_validate(row.body).model_copy(update={"candidate": candidate})
    assert row.id is not None
    return StoredRun(
        id=row.id, profile_id=row.profile_id, candidate_id=row.candidate_id, candidate=candidate,
        source_format=row.source_format, source_file=row.source_file, sha256=row.sha256,
        metric_kind=row.metric_kind, source_model=row.source_model, n=row.n, passed=row.passed,
        imported_at=_aware(row.imported_at), imported_by=row.imported_by, run=run,
    )


def _stored_light(row: EvidenceRunRow, candidate: str, run: EvaluationRun, items: int) -> StoredRun:
    assert row.id is not None
    return StoredRun(
        id=row.id, profile_id=row.profile_id, candidate_id=row.candidate_id, candidate=candidate,
        source_format=row.source_format, source_file=row.source_file, sha256=row.sha256,
        metric_kind=row.metric_kind, source_model=row.source_model, n=row.n, passed=row.passed,
        imported_at=_aware(row.imported_at), imported_by=row.imported_by, run=run, item_count=items,
    )


def _large_body(run: EvaluationRun, columns: Any) -> str:
    """The run's body JSON with its items serialised straight from the columns (no item objects).

    The text is the JSON of ``EvaluationRun`` (items with default fields left out), so reading it back
    validates like any other run.
    """
    head = json.dumps(run.model_dump(mode="json", exclude={"items"}), separators=(",", ":"))
    return "".join([head[:-1], ',"items":[', ",".join(columns.json_chunks()), "]}"])


def _write_body(session: Session, row: EvidenceRunRow, body_text: str) -> None:
    """Bound as text: SQLite stores it as is; PostgreSQL casts it to JSON."""
    cast = ":body" if session.get_bind().dialect.name == "sqlite" else "CAST(:body AS JSON)"
    session.execute(text(f"UPDATE evidence_run SET body = {cast} WHERE id = :id"), {"body": body_text, "id": row.id})
    session.expire(row, ["body"])


def _query(session: Session, profile_id: int, *, candidate: str | None = None, sha256: str | None = None,
           run_id: int | None = None) -> list[StoredRun]:
    query = (select(EvidenceRunRow, CandidateRow.name)
             .join(CandidateRow, CandidateRow.id == EvidenceRunRow.candidate_id)  # type: ignore[arg-type]
             .where(EvidenceRunRow.profile_id == profile_id))
    if candidate is not None:
        query = query.where(CandidateRow.name == candidate)
    if sha256 is not None:
        query = query.where(EvidenceRunRow.sha256 == sha256)
    if run_id is not None:
        query = query.where(EvidenceRunRow.id == run_id)
    query = query.order_by(EvidenceRunRow.imported_at.desc(), EvidenceRunRow.id)  # type: ignore[attr-defined,arg-type]
    return [_stored(row, name) for row, name in session.exec(query).all()]


def _candidate_ids(session: Session, names: set[str]) -> dict[str, int]:
    rows = session.exec(select(CandidateRow.id, CandidateRow.name).where(CandidateRow.name.in_(names))).all()  # type: ignore[attr-defined]
    found = {name: int(id_) for id_, name in rows if id_ is not None}
    missing = sorted(names - set(found))
    if missing:
        raise EvidenceStoreError(f"no catalog candidate named {', '.join(repr(m) for m in missing)}; "
                                 "add it on the Candidates page or map the model to another candidate")
    return found


# --------------------------------------------------------------------------- reads


def list_runs(engine: Engine, profile_id: int, candidate: str | None = None) -> list[StoredRun]:
    """Runs of a profile (optionally of one candidate), newest import first."""
    with read_session(engine) as session:
        return _query(session, profile_id, candidate=candidate)


def find_duplicates(engine: Engine, profile_id: int, sha256: str) -> list[StoredRun]:
    """Runs of this profile imported from a file with this SHA-256 (empty: not imported yet)."""
    with read_session(engine) as session:
        return _query(session, profile_id, sha256=sha256)


def evidence_for_profile(engine: Engine, profile_id: int) -> dict[str, list[EvaluationRun]]:
    """``{candidate name: [EvaluationRun, ...]}`` for the ranking; ``run.candidate`` is that name."""
    out: dict[str, list[EvaluationRun]] = {}
    for stored in list_runs(engine, profile_id):
        out.setdefault(stored.candidate, []).append(stored.run)
    return out


# --------------------------------------------------------------------------- writes


def import_runs(
    engine: Engine,
    profile_id: int,
    result: ImportResult,
    mapping: Mapping[str, str | None],
    actor: str,
    *,
    on_duplicate: OnDuplicate = "ask",
) -> ImportOutcome:
    """Store every run of one imported file for a profile, in one transaction with one audit event.

    ``mapping``: source model name -> catalog candidate name; every source model of ``result`` must map
    to a candidate (``run.candidate`` already set counts). Raises :class:`EvidenceStoreError` naming the
    unmapped models or unknown candidates, :class:`DuplicateImportError` when the file's SHA-256 is
    already stored for this profile and ``on_duplicate="ask"``, :class:`NotFoundError` for a missing
    profile; in every case nothing is written.
    """
    if not result.runs:
        raise EvidenceStoreError(f"{result.file}: the file holds no runs; nothing to import")
    targets: list[tuple[EvaluationRun, str]] = []
    unmapped: list[str] = []
    for run in result.runs:
        target = mapping.get(run.source_model) or run.candidate
        if not target:
            unmapped.append(run.source_model)
        else:
            targets.append((run, target))
    if unmapped:
        raise EvidenceStoreError(f"{result.file}: source model(s) {', '.join(sorted(set(unmapped)))} are not "
                                 "mapped to a catalog candidate; nothing was imported")
    now = utcnow()
    with write_session(engine) as session:
        profile = profiles.get(session, profile_id)
        ids = _candidate_ids(session, {t for _, t in targets})
        existing = _query(session, profile_id, sha256=result.sha256)
        replaced = 0
        if existing:
            if on_duplicate == "skip":
                return ImportOutcome("skipped", result.file, result.sha256, profile.model.name, existing)
            if on_duplicate != "replace":
                raise DuplicateImportError(result.file, result.sha256, existing)
            session.execute(delete(EvidenceRunRow).where(
                EvidenceRunRow.profile_id == profile_id, EvidenceRunRow.sha256 == result.sha256))  # type: ignore[arg-type]
            replaced = len(existing)
        stored = []
        for index, (run, target) in enumerate(targets):
            stored_run = run.model_copy(update={"candidate": target, "imported_at": now})
            columns = result.item_columns(index)
            counts = columns.binary_counts() if columns is not None else stored_run.binary_counts()
            row = EvidenceRunRow(
                profile_id=profile_id, candidate_id=ids[target], source_format=result.format.value,
                source_file=result.file[:400], sha256=result.sha256, metric_kind=run.metric_kind.value,
                source_model=run.source_model[:400], n=len(columns) if columns is not None else stored_run.n,
                passed=counts[0] if counts else None, imported_at=now, imported_by=actor or "anonymous",
                body={} if columns is not None else stored_run.model_dump(mode="json"),
            )
            session.add(row)
            session.flush()
            if columns is not None:
                count = len(columns)
                body_text = _large_body(stored_run, columns)
                result.release_item_columns(index)  # the items now live in body_text only
                del columns
                _write_body(session, row, body_text)
                del body_text
                stored.append(_stored_light(row, target, stored_run, count))
            else:
                stored.append(_stored(row, target))
        action: ImportAction = "replaced" if replaced else "imported"
        per_cand = ", ".join(f"{s.source_model} -> {s.candidate} (n = {s.n if s.n is not None else '?'})"
                             for s in stored)
        record_audit(
            session, actor=actor, action="import", entity_type="evidence", entity_id=profile_id,
            entity_name=profile.model.name,
            summary=(f"{action} {len(stored)} run(s) from {result.file} (SHA-256 {result.sha256[:12]}, "
                     f"{result.format.value}){f', replacing {replaced}' if replaced else ''}: {per_cand}"),
            after={"file": result.file, "sha256": result.sha256, "format": result.format.value,
                   "runs": [{k: v for k, v in run_summary(s).items() if k != "imported_at"} for s in stored]},
        )
        return ImportOutcome(action, result.file, result.sha256, profile.model.name, stored, replaced)


def delete_run(engine: Engine, run_id: int, actor: str) -> StoredRun:
    """Delete one stored run (audited); NotFoundError if it is already gone. Returns what was deleted."""
    with write_session(engine) as session:
        row = session.get(EvidenceRunRow, run_id)
        if row is None:
            raise NotFoundError(f"evidence run #{run_id} was already deleted")
        [stored] = _query(session, row.profile_id, run_id=run_id)
        profile = profiles.get(session, row.profile_id)
        session.delete(row)
        session.flush()
        record_audit(
            session, actor=actor, action="delete", entity_type="evidence", entity_id=row.profile_id,
            entity_name=profile.model.name,
            summary=(f"deleted run #{run_id}: {stored.source_model} -> {stored.candidate} from "
                     f"{stored.source_file} (SHA-256 {stored.sha_short})"),
            before={k: v for k, v in run_summary(stored).items() if k != "imported_at"},
        )
        return stored


def delete_file(engine: Engine, profile_id: int, sha256: str, actor: str) -> int:
    """Delete every run of one imported file from a profile (one audit event); returns how many."""
    with write_session(engine) as session:
        stored = _query(session, profile_id, sha256=sha256)
        if not stored:
            raise NotFoundError(f"no runs from a file with SHA-256 {sha256[:12]} in this profile")
        profile = profiles.get(session, profile_id)
        session.execute(delete(EvidenceRunRow).where(
            EvidenceRunRow.profile_id == profile_id, EvidenceRunRow.sha256 == sha256))  # type: ignore[arg-type]
        record_audit(
            session, actor=actor, action="delete", entity_type="evidence", entity_id=profile_id,
            entity_name=profile.model.name,
            summary=f"deleted {len(stored)} run(s) of {stored[0].source_file} (SHA-256 {sha256[:12]})",
            before={"file": stored[0].source_file, "sha256": sha256, "runs": [s.id for s in stored]},
        )
        return len(stored)


# --------------------------------------------------------------------------- paired comparison


@dataclass(frozen=True)
class ComparisonOutcome:
    a: StoredRun
    b: StoredRun
    comparison: PairedComparison
    method: IntervalMethod

    def as_json(self) -> dict[str, Any]:
        """The ``workbench evidence compare --json`` document (see the CLI module)."""
        c = self.comparison

        def side(stored: StoredRun, rate: float, interval: tuple[float, float]) -> dict[str, Any]:
            return {"candidate": stored.candidate, "run_id": stored.id, "source_model": stored.source_model,
                    "source_file": stored.source_file, "sha256": stored.sha256, "rate": rate,
                    "interval": list(interval)}

        return {
            "method": self.method, "metric_kind": self.a.metric_kind, "task": self.a.run.task,
            "a": side(self.a, c.rate_a, c.interval_a), "b": side(self.b, c.rate_b, c.interval_b),
            "test": c.test, "n_paired": c.n_paired, "only_in_a": c.only_in_a, "only_in_b": c.only_in_b,
            "both_pass": c.both_pass, "a_only": c.a_only, "b_only": c.b_only, "neither": c.neither,
            "difference": c.difference,
            "difference_interval": list(c.difference_interval) if c.difference_interval else None,
            "p_value": c.p_value, "alpha": c.alpha, "significant": c.significant, "verdict": c.verdict,
            "flags": c.flags,
        }


def pair_for_comparison(
    runs_a: list[StoredRun],
    runs_b: list[StoredRun],
    metric_kind: MetricKind | str | None = None,
    *,
    names: tuple[str, str] = ("candidate A", "candidate B"),
) -> tuple[StoredRun, StoredRun]:
    """The two runs to compare: same metric kind and task, per-item results sharing item ids.

    Preference: most shared items, then the same file (one harness run of both), then the newest.
    Raises EvidenceError naming what is missing.
    """
    kind = MetricKind(metric_kind).value if metric_kind is not None else None
    best: tuple[tuple[int, int, float], StoredRun, StoredRun] | None = None
    for ra in runs_a:
        if not ra.run.items or (kind and ra.metric_kind != kind):
            continue
        keys_a = {it.key for it in ra.run.items}
        for rb in runs_b:
            if not rb.run.items or rb.metric_kind != ra.metric_kind or rb.run.task != ra.run.task:
                continue
            shared = len(keys_a & {it.key for it in rb.run.items})
            if not shared:
                continue
            score = (shared, int(ra.sha256 == rb.sha256), min(ra.imported_at, rb.imported_at).timestamp())
            if best is None or score > best[0]:
                best = (score, ra, rb)
    if best is None:
        what = f" of kind {kind}" if kind else ""
        name_a, name_b = names
        if not runs_a or not runs_b:
            missing = name_a if not runs_a else name_b
            raise EvidenceError(f"{missing} has no evidence{what} in this profile; import a run first")
        raise EvidenceError(f"{name_a} and {name_b} have no per-item runs{what} on the same items "
                            "(same metric kind, task and item ids); a paired comparison needs them")
    return best[1], best[2]


def compare_candidates(
    engine: Engine,
    profile_id: int,
    a: str,
    b: str,
    *,
    method: IntervalMethod = "wilson",
    metric_kind: MetricKind | str | None = None,
    alpha: float = 0.05,
) -> ComparisonOutcome:
    """Paired comparison of candidates ``a`` and ``b`` on the profile's evidence (EvidenceError if impossible)."""
    if a == b:
        raise EvidenceError("choose two different candidates to compare")
    with read_session(engine) as session:
        runs_a = _query(session, profile_id, candidate=a)
        runs_b = _query(session, profile_id, candidate=b)
    ra, rb = pair_for_comparison(runs_a, runs_b, metric_kind, names=(a, b))
    cmp = compare_runs(ra.run, rb.run, alpha=alpha, method=method)
    return ComparisonOutcome(ra, rb, cmp, method)
