"""Restore a workspace backup: validate every row as the entity it is, then apply it in one transaction.

Steps (nothing is written unless every step passes):

1. the header and schema revision (:func:`workbench.store.backup.check_header`); a backup from an older
   revision is carried forward by the normal migrations (:func:`workbench.store.backup_apply.upgrade_old_backup`),
   one from a newer workbench is refused;
2. every column value (:func:`workbench.store.backup.validate_rows`: types, lengths, NUL, JSON);
3. every row as the entity the app will load from it (:func:`check_entities`): a candidate body must be a
   :class:`~workbench.domain.models.Candidate` whose name matches the row's, likewise profiles, scenarios,
   evidence runs (:class:`~workbench.domain.evidence.EvaluationRun`), decision records
   (:class:`~workbench.domain.mdr.MDR`, title/status/number matching the row) and signing keys (a PEM that
   loads and whose SHA-256 is the row's key id). One bad row refuses the whole restore, naming table, row and
   field, so a replace can never leave a workspace that does not load;
4. replace or merge (:mod:`workbench.store.backup_apply`) and the audit trail in one ``write_session``:
   audit events a merge brings in keep their actor and time and are marked "imported from backup FILE by
   USER at TIME" (:mod:`workbench.store.audit`); every restore, ``--no-audit`` included, writes one event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from workbench.domain.evidence import EvaluationRun
from workbench.domain.mdr import MDR, format_mdr_id
from workbench.domain.models import Candidate, Pricing, Profile
from workbench.domain.portfolio import Portfolio
from workbench.domain.scenario import Scenario
from workbench.store.accepted_guard import accepted_rewrites, mark_rewritten
from workbench.store.backup import (
    BackupError,
    check_header,
    dumps,
    export_workspace,
    has_user_changes,
    known_revisions,
    loads,
    table_counts,
    validate_rows,
    where,
    workspace_tables,
)
from workbench.store.backup_apply import (
    ImportReport,
    Mode,
    TableReport,
    merge_rows,
    replace_rows,
    reset_sequences,
    upgrade_old_backup,
)
from workbench.store.engine import write_session
from workbench.store.migrate import current_revision, head_revision
from workbench.store.repository import record_audit


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


# --------------------------------------------------------------------------- entity validation

Row = Mapping[str, Any]


class _RowProblem(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _model(kind: type[BaseModel], column: str) -> Callable[[Row], Any]:
    def check(row: Row) -> Any:
        try:
            return kind.model_validate(row[column])
        except ValidationError as exc:
            first = exc.errors()[0]
            path = ".".join(str(p) for p in first.get("loc", ()))
            raise _RowProblem(f"{column}.{path}" if path else column, str(first.get("msg", "invalid"))[:300]) from exc
    return check


def _same(row: Row, column: str, value: Any) -> None:
    if row[column] != value:
        raise _RowProblem(column, f"{str(row[column])[:80]!r} does not match the body's {str(value)[:80]!r}")


def _named(kind: type[BaseModel]) -> Callable[[Row], None]:
    load = _model(kind, "body")

    def check(row: Row) -> None:
        _same(row, "name", load(row).name)
    return check


def _number(mdr_id: str) -> int | None:
    """``'MDR-0007' -> 7`` (the inverse of :func:`workbench.domain.mdr.format_mdr_id`)."""
    digits = mdr_id.removeprefix("MDR-")
    return int(digits) if digits.isdigit() and format_mdr_id(int(digits)) == mdr_id else None


def _decision(row: Row) -> None:
    record: MDR = _model(MDR, "body")(row)
    _same(row, "title", record.title)
    _same(row, "status", record.front.status.value)
    _same(row, "number", _number(record.id))
    if row["envelope"] is not None and not isinstance(row["envelope"], dict):
        raise _RowProblem("envelope", "must be a JSON object (a DSSE envelope) or null")
    if not isinstance(row["snapshot"], dict):
        raise _RowProblem("snapshot", "must be a JSON object (the decision snapshot)")


def _signing_key(row: Row) -> None:
    from workbench.signing import SigningError, load_public_key

    try:
        key = load_public_key(str(row["public_key"]).encode("ascii", "replace"), name=row["name"],
                              email=row["email"], origin="backup")
    except (SigningError, ValueError) as exc:
        raise _RowProblem("public_key", f"not an Ed25519 public key ({str(exc)[:200]})") from exc
    if key.key_id != row["key_id"]:
        raise _RowProblem("key_id", "is not the SHA-256 of the row's public key")


#: table -> the check a row of it must pass to load in the app.
ENTITY_CHECKS: dict[str, Callable[[Row], Any]] = {
    "candidate": _named(Candidate),
    "profile": _named(Profile),
    "scenario": _named(Scenario),
    "evidence_run": _model(EvaluationRun, "body"),
    "decision": _decision,
    "signing_key": _signing_key,
    "portfolio": _named(Portfolio),
    "price_history": _model(Pricing, "pricing"),
    "decision_quorum": lambda row: _model(_quorum_policy(), "policy")(row),
}


def _quorum_policy() -> type[BaseModel]:
    from workbench.signing.quorum import QuorumPolicy

    return QuorumPolicy


def check_entities(rows: Mapping[str, list[dict[str, Any]]], source: str) -> None:
    """Every row of every entity table loads as its entity, or BackupError naming table, row and field."""
    for table, check in ENTITY_CHECKS.items():
        for i, row in enumerate(rows.get(table, [])):
            try:
                check(row)
            except _RowProblem as problem:
                raise BackupError(f"{source}: {where(table, i, problem.field)}: {problem.message}; "
                                  "nothing was restored") from problem


# --------------------------------------------------------------------------- the use case


def _prepare(engine: Engine, document: Mapping[str, Any], source: str) -> tuple[Any, str | None, str]:
    """(document at head, the revision it was upgraded from or None, the workspace's revision)."""
    check_header(document, source)
    here = current_revision(engine)
    revision = document.get("schema_revision")
    if revision == here:
        return document, None, here or ""
    if not isinstance(revision, str) or revision not in known_revisions():
        raise BackupError(f"{source}: the backup is at schema revision {str(revision)[:60]!r}, which this "
                          f"workbench does not know (it is at {here!r}); restore it with the newer "
                          "workbench that made it")
    if here != head_revision():
        raise BackupError(f"{source}: the workspace is at schema revision {here!r}, not the newest; "
                          "open it with the workbench once to upgrade it, then restore")
    return upgrade_old_backup(document, revision, source), revision, here or ""


def import_workspace(
    engine: Engine,
    document: Mapping[str, Any],
    mode: Mode = "replace",
    *,
    actor: str = "anonymous",
    audit: bool = True,
    dry_run: bool = False,
    source: str = "backup",
    rewrite_accepted: bool = False,
) -> ImportReport:
    """Restore ``document`` (from :func:`workbench.store.backup.export_workspace`) in one transaction.

    ``mode``: ``"replace"`` (empty every table, then insert the backup's rows with their ids) or
    ``"merge"`` (insert the rows whose natural key is absent; report conflicts). ``audit``: record one
    ``workspace`` audit event naming ``actor`` with what each table received; ``audit=False`` still records
    one event, saying the restore was made without the per-table report. ``dry_run``: validate and report,
    write nothing. ``rewrite_accepted``: allow a restore that changes an accepted record's text or signatures
    (:mod:`workbench.store.accepted_guard`; refused otherwise), audited per record. Raises :class:`BackupError` (nothing written) for an invalid document, a row that would
    not load as its entity, a backup from a newer schema, or rows the database refuses.
    """
    if mode not in ("replace", "merge"):
        raise BackupError(f"mode must be 'replace' or 'merge', not {mode!r:.40}")
    document, upgraded_from, here = _prepare(engine, document, source)
    tables = workspace_tables()
    rows = validate_rows(document, tables, source)
    check_entities(rows, source)
    rewrites = accepted_rewrites(engine, rows.get("decision", []), mode)
    if rewrites and not rewrite_accepted:
        raise BackupError(f"{source}: refused, the restore would change accepted records: "
                          + "; ".join(str(r) for r in rewrites[:5])
                          + " (an explicit override, --rewrite-accepted, restores it anyway, audited and marked "
                            "'rewritten after acceptance')")
    report = ImportReport(mode=mode, schema_revision=here, upgraded_from=upgraded_from, dry_run=dry_run)
    report.tables = {t.name: TableReport() for t in tables}
    note = f"imported from backup {source[:120]} by {actor[:80]} at {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC"
    try:
        with write_session(engine) as session:
            conn = session.connection()
            if mode == "replace" and dry_run:  # count only: PostgreSQL's setval is not rolled back
                for t in tables:
                    report.tables[t.name].deleted = conn.execute(
                        sa.select(sa.func.count()).select_from(t)).scalar_one()
                    report.tables[t.name].inserted = len(rows[t.name])
            elif mode == "replace":
                replace_rows(conn, tables, rows, report)
            else:
                merge_rows(conn, tables, rows, report, imported_note=note)
            if dry_run:
                raise _DryRun
            mark_rewritten(session, rewrites, actor=actor, source=source)
            _audit_restore(session, report, actor=actor, source=source, detailed=audit)
            if mode == "merge":
                reset_sequences(conn, tables)
    except _DryRun:
        return report
    except (IntegrityError, DataError) as exc:
        raise BackupError(f"{source}: the database refused the backup's rows, nothing was restored "
                          f"({_short(exc)})") from exc
    return report


def _audit_restore(session: Any, report: ImportReport, *, actor: str, source: str, detailed: bool) -> None:
    action = "restore" if report.mode == "replace" else "import"
    if detailed:
        record_audit(
            session, actor=actor, action=action, entity_type="workspace", entity_id=None,
            entity_name=source[:200], summary=f"workspace backup {report.summary()}",
            after={"mode": report.mode, "upgraded_from": report.upgraded_from,
                   "tables": {n: vars(r) for n, r in report.tables.items()}},
        )
    else:
        record_audit(
            session, actor=actor, action=action, entity_type="workspace", entity_id=None,
            entity_name=source[:200], after={"mode": report.mode, "no_audit": True},
            summary=f"workspace backup {report.mode} from {source[:120]} without audit detail (--no-audit)",
        )


def _short(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0][:300] if exc.orig is not None else type(exc).__name__


__all__ = [
    "ENTITY_CHECKS", "BackupError", "ImportReport", "check_entities", "check_header", "dumps", "export_workspace",
    "has_user_changes", "import_workspace", "loads", "table_counts",
]
