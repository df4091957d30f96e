"""Workspace backup and restore: every table, losslessly, in one JSON document.

The document::

    {"format": "model-selection-workbench/workspace", "format_version": 1,
     "schema_revision": "<alembic revision>",
     "tables": {"<table>": [{"<column>": value, ...}, ...], ...}}

- :func:`export_workspace` writes every table of ``SQLModel.metadata`` (so tables added by later
  migrations are covered without touching this module), rows ordered by primary key, values as plain
  JSON: datetimes as ISO 8601 in UTC, JSON columns as they are, binary as base64. No export timestamp is
  written, so export -> restore into an empty database -> export gives byte-identical JSON.
- :func:`import_workspace` validates the whole document first (:class:`BackupError` naming the table,
  row and column), then applies it in ONE ``write_session``: any failure rolls everything back.

  ``mode="replace"`` empties every table and inserts the rows with their ids (PostgreSQL sequences are
  moved past the restored ids). ``mode="merge"`` keeps what is there and inserts only the rows whose
  natural key is absent: the columns of the table's unique constraints (candidate and profile name,
  scenario (profile, name), decision number, signing key id, seed mark (kind, key)) or, for tables with
  none (audit events, evidence runs), the whole row minus its id. Foreign keys (and an audit event's
  ``entity_type``/``entity_id``) are remapped to the target's ids. A row whose key exists with the same
  content (timestamps, version and who-columns aside) is *unchanged*; with different content it is a
  *conflict*: reported, and the existing row is kept. ``dry_run=True`` reports what would happen and writes nothing.

A backup from an older schema revision is restored by loading it into a temporary SQLite database at
that revision, upgrading that to head with the normal migrations, and importing the result; a backup from
a newer workbench is refused.
"""

from __future__ import annotations

import base64
import json
import math
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlmodel import SQLModel

import workbench.store.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from workbench.store.engine import is_sqlite, make_engine, write_session
from workbench.store.migrate import alembic_config, current_revision, head_revision, upgrade
from workbench.store.repository import StoreError, record_audit

FORMAT = "model-selection-workbench/workspace"
FORMAT_VERSION = 1
SKIPPED_TABLES = frozenset({"alembic_version"})

Mode = Literal["replace", "merge"]


class BackupError(StoreError, ValueError):
    """A backup document that cannot be restored; the message names the table, row and column."""


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@dataclass
class TableReport:
    """What an import did (or would do) to one table."""

    inserted: int = 0
    unchanged: int = 0  #: merge: the same row is already there
    conflicts: int = 0  #: merge: the key exists with different content (kept as it is)
    deleted: int = 0  #: replace: rows removed first


@dataclass
class ImportReport:
    mode: Mode
    schema_revision: str
    upgraded_from: str | None = None  #: the backup's revision when it was older than this workbench
    dry_run: bool = False
    tables: dict[str, TableReport] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def inserted(self) -> int:
        return sum(t.inserted for t in self.tables.values())

    def as_json(self) -> dict[str, Any]:
        """The ``workbench workspace import --json`` document."""
        return {
            "mode": self.mode, "dry_run": self.dry_run, "schema_revision": self.schema_revision,
            "upgraded_from": self.upgraded_from, "inserted": self.inserted,
            "conflict_count": len(self.conflicts),
            "tables": {name: vars(rep) for name, rep in self.tables.items()},
            "conflicts": self.conflicts,
        }

    def summary(self) -> str:
        parts = [f"{rep.inserted} {name}" for name, rep in self.tables.items() if rep.inserted]
        text = f"{self.mode}: inserted " + (", ".join(parts) if parts else "nothing")
        if self.mode == "replace":
            text += f" (after removing {sum(t.deleted for t in self.tables.values())} rows)"
        if self.conflicts:
            text += f"; {len(self.conflicts)} conflict(s) kept as they were"
        return text


# --------------------------------------------------------------------------- tables and values


def workspace_tables(metadata: sa.MetaData | None = None) -> list[sa.Table]:
    """Every table to back up, parents before children (``metadata`` default: ``SQLModel.metadata``)."""
    meta = metadata if metadata is not None else SQLModel.metadata
    return [t for t in meta.sorted_tables if t.name not in SKIPPED_TABLES]


def _pk(table: sa.Table) -> list[sa.Column[Any]]:
    return list(table.primary_key.columns)


def _to_json(value: Any, column: sa.Column[Any]) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # SQLite: written in UTC
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    return value


def _export_rows(conn: Connection, table: sa.Table) -> list[dict[str, Any]]:
    rows = conn.execute(sa.select(table).order_by(*_pk(table))).mappings().all()
    return [{c.name: _to_json(row[c.name], c) for c in table.columns} for row in rows]


def _export(conn: Connection, tables: Iterable[sa.Table], revision: str | None) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": revision,
        "tables": {t.name: _export_rows(conn, t) for t in tables},
    }


def export_workspace(engine: Engine) -> dict[str, Any]:
    """The whole workspace as one JSON-serialisable document (one consistent read transaction)."""
    with engine.connect() as conn, conn.begin():
        revision = current_revision_conn(conn)
        return _export(conn, workspace_tables(), revision)


def dumps(document: Mapping[str, Any]) -> str:
    """The canonical text of a backup (sorted keys, 2-space indent, UTF-8): equal workspaces, equal text."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def loads(data: bytes | str, source: str = "backup") -> dict[str, Any]:
    """Parse a backup file's bytes (raises :class:`BackupError` naming ``source``)."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise BackupError(f"{source}: not UTF-8 text (byte {exc.start}), so not a workspace backup") from exc
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise BackupError(f"{source}: not valid JSON ({exc})") from exc
    if not isinstance(document, dict):
        raise BackupError(f"{source}: expected a JSON object, got {type(document).__name__}")
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision_conn(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


# --------------------------------------------------------------------------- validation


def _where(table: str, index: int, column: str | None = None) -> str:
    return f"table {table!r}, row {index + 1}" + (f", column {column!r}" if column else "")


def _from_json(value: Any, column: sa.Column[Any], where: str) -> Any:
    """A JSON value -> the Python value for ``column`` (BackupError naming ``where`` when it doesn't fit)."""
    if value is None:
        if not column.nullable and not column.primary_key:
            raise BackupError(f"{where}: must not be null")
        return None
    kind = _base_type(column.type)
    if isinstance(kind, sa.JSON):
        _check_json(value, where)
        return value
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise BackupError(f"{where}: expected true or false, got {value!r:.60}")
        return value
    if isinstance(kind, sa.Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise BackupError(f"{where}: expected an integer, got {value!r:.60}")
        if not -(2**63) <= value < 2**63:
            raise BackupError(f"{where}: integer {value} is out of range")
        if isinstance(kind, sa.Integer) and not isinstance(kind, sa.BigInteger) and not -(2**31) <= value < 2**31:
            raise BackupError(f"{where}: integer {value} is out of range")
        return value
    if isinstance(kind, sa.Float):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise BackupError(f"{where}: expected a finite number, got {value!r:.60}")
        return float(value)
    if isinstance(kind, sa.Numeric):
        try:
            return Decimal(str(value))
        except ArithmeticError as exc:
            raise BackupError(f"{where}: expected a decimal number, got {value!r:.60}") from exc
    if isinstance(kind, sa.DateTime):
        parsed = _parse_iso(value, where, datetime)
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    if isinstance(kind, sa.Date):
        return _parse_iso(value, where, date)
    if isinstance(kind, sa.LargeBinary):
        if not isinstance(value, str):
            raise BackupError(f"{where}: expected base64 text, got {type(value).__name__}")
        try:
            return base64.b64decode(value.encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError) as exc:
            raise BackupError(f"{where}: not valid base64") from exc
    if isinstance(kind, sa.String):
        if not isinstance(value, str):
            raise BackupError(f"{where}: expected text, got {type(value).__name__}")
        if "\x00" in value:
            raise BackupError(f"{where}: text contains a NUL character")
        if kind.length is not None and len(value) > kind.length:
            raise BackupError(f"{where}: {len(value)} characters, at most {kind.length} allowed")
        _check_text(value, where)
        return value
    return value


def _base_type(kind: Any) -> Any:
    """The underlying SQL type of a TypeDecorator (SQLModel's AutoString, UTCDateTime)."""
    while isinstance(kind, sa.types.TypeDecorator):
        kind = kind.impl_instance
    return kind


def _check_text(value: str, where: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BackupError(f"{where}: text is not valid Unicode (lone surrogate at {exc.start})") from exc


def _check_json(value: Any, where: str, depth: int = 0) -> None:
    """JSON columns: plain JSON only (finite numbers, valid text; PostgreSQL rejects NUL in json)."""
    if depth > 200:
        raise BackupError(f"{where}: JSON nested deeper than 200 levels")
    if isinstance(value, str):
        if "\x00" in value:
            raise BackupError(f"{where}: text contains a NUL character")
        _check_text(value, where)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise BackupError(f"{where}: {value} is not a JSON number")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_json(key, where, depth + 1)
            _check_json(item, where, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, where, depth + 1)


def _parse_iso(value: Any, where: str, kind: type[date]) -> Any:
    if not isinstance(value, str):
        raise BackupError(f"{where}: expected an ISO 8601 {kind.__name__} text, got {type(value).__name__}")
    try:
        return kind.fromisoformat(value)
    except ValueError as exc:
        raise BackupError(f"{where}: not an ISO 8601 {kind.__name__}: {value!r:.60}") from exc


def check_header(document: Any, source: str = "backup") -> Mapping[str, Any]:
    """Is this a workspace backup this workbench reads? Returns its tables; BackupError says why not."""
    if not isinstance(document, Mapping):
        raise BackupError(f"{source}: expected a JSON object, got {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise BackupError(f"{source}: not a workspace backup (field 'format' must be {FORMAT!r})")
    if document.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{source}: backup format version {str(document.get('format_version'))[:40]!r} is not "
                          f"supported (this workbench reads version {FORMAT_VERSION})")
    raw_tables = document.get("tables")
    if not isinstance(raw_tables, Mapping):
        raise BackupError(f"{source}: field 'tables' must be an object of table name -> rows")
    return raw_tables


def _validate(document: Any, tables: list[sa.Table], source: str) -> dict[str, list[dict[str, Any]]]:
    """The document's rows, converted to column values; BackupError on the first problem."""
    raw_tables = check_header(document, source)
    by_name = {t.name: t for t in tables}
    unknown = sorted(str(name) for name in raw_tables if name not in by_name)
    if unknown:
        raise BackupError(f"{source}: unknown table(s) {', '.join(repr(u[:60]) for u in unknown[:5])}")
    out: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        rows = raw_tables.get(table.name, [])
        if not isinstance(rows, list):
            raise BackupError(f"{source}: table {table.name!r} must be a list of rows")
        columns = {c.name: c for c in table.columns}
        pk_names = [c.name for c in _pk(table)]
        seen_pks: set[tuple[Any, ...]] = set()
        converted = []
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise BackupError(f"{source}: {_where(table.name, i)}: expected an object of column -> value")
            extra = sorted(str(k) for k in row if k not in columns)
            if extra:
                raise BackupError(f"{source}: {_where(table.name, i)}: unknown column(s) "
                                  f"{', '.join(repr(e[:60]) for e in extra[:5])}")
            values: dict[str, Any] = {}
            for name, column in columns.items():
                if name not in row:
                    if column.primary_key or not column.nullable:
                        raise BackupError(f"{source}: {_where(table.name, i, name)}: missing")
                    values[name] = None
                    continue
                values[name] = _from_json(row[name], column, f"{source}: {_where(table.name, i, name)}")
            key = tuple(values[n] for n in pk_names)
            if any(k is None for k in key):
                raise BackupError(f"{source}: {_where(table.name, i, pk_names[0])}: the primary key is null")
            if key in seen_pks:
                raise BackupError(f"{source}: {_where(table.name, i, pk_names[0])}: duplicate primary key {key!r}")
            seen_pks.add(key)
            converted.append(values)
        out[table.name] = converted
    return out


# --------------------------------------------------------------------------- import


def _deferred_fks(table: sa.Table) -> list[str]:
    """Nullable self-references (e.g. decision.supersedes_id): inserted as NULL, set after every row exists."""
    return [fk.parent.name for fk in table.foreign_keys
            if fk.column.table is table and fk.parent.nullable]


def _natural_keys(table: sa.Table) -> list[tuple[str, ...]]:
    """Column sets that identify a row across workspaces: unique constraints and unique indexes."""
    pk = {c.name for c in _pk(table)}
    keys: list[tuple[str, ...]] = []
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            cols = tuple(c.name for c in constraint.columns)
            if cols and set(cols) - pk:
                keys.append(cols)
    for index in table.indexes:
        if index.unique:
            cols = tuple(c.name for c in index.columns)
            if cols and set(cols) - pk:
                keys.append(cols)
    for column in table.columns:
        if column.unique and not column.primary_key:
            keys.append((column.name,))
    return list(dict.fromkeys(keys))


def _canon(value: Any) -> Any:
    """A hashable, representation-independent form of a column value (JSON, naive vs aware datetimes)."""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: Bookkeeping columns: two rows that differ only in these hold the same content (merge calls them unchanged).
BOOKKEEPING = frozenset({"version", "created_by", "updated_by", "imported_by"})


def _compared_columns(table: sa.Table, skip: set[str]) -> list[str]:
    return [c.name for c in table.columns
            if c.name not in skip and c.name not in BOOKKEEPING and not c.primary_key
            and not isinstance(_base_type(c.type), sa.DateTime | sa.Date)]


def _content(row: Mapping[str, Any], columns: Iterable[str]) -> tuple[Any, ...]:
    return tuple(_canon(row[c]) for c in columns)


def _reset_sequences(conn: Connection, tables: Iterable[sa.Table]) -> None:
    """PostgreSQL: move each serial id's sequence past the largest id (after inserts with explicit ids)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        pk = _pk(table)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        name = pk[0].name
        seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                           {"t": table.name, "c": name}).scalar()
        if seq:
            conn.execute(sa.text(f'SELECT setval(:s, COALESCE((SELECT MAX("{name}") FROM "{table.name}"), 1), '
                                 f'(SELECT MAX("{name}") FROM "{table.name}") IS NOT NULL)'), {"s": seq})


def _replace(conn: Connection, tables: list[sa.Table], rows: dict[str, list[dict[str, Any]]],
             report: ImportReport) -> None:
    for table in reversed(tables):  # children first
        deferred = _deferred_fks(table)
        if deferred:
            conn.execute(table.update().values(dict.fromkeys(deferred)))
        report.tables[table.name].deleted = conn.execute(table.delete()).rowcount or 0
    for table in tables:  # parents first
        data = rows[table.name]
        deferred = _deferred_fks(table)
        if data:
            conn.execute(table.insert(), [{**r, **dict.fromkeys(deferred)} for r in data])
        for col in deferred:
            pk = _pk(table)[0]
            for r in data:
                if r[col] is not None:
                    conn.execute(table.update().where(pk == r[pk.name]).values({col: r[col]}))
        report.tables[table.name].inserted = len(data)
    _reset_sequences(conn, tables)


def _merge(conn: Connection, tables: list[sa.Table], rows: dict[str, list[dict[str, Any]]],
           report: ImportReport) -> None:
    id_map: dict[str, dict[Any, Any]] = {}  # table -> backup id -> target id

    def soft(t: sa.Table) -> bool:
        return {"entity_type", "entity_id"} <= set(t.columns.keys())

    for table in [t for t in tables if not soft(t)] + [t for t in tables if soft(t)]:
        rep = report.tables[table.name]
        pk_cols = _pk(table)
        single_pk = pk_cols[0].name if len(pk_cols) == 1 else None
        pk_names = {c.name for c in pk_cols}
        content_cols = [c.name for c in table.columns if c.name not in pk_names]
        fks = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
        deferred = set(_deferred_fks(table))
        soft_ref = soft(table)
        keys = _natural_keys(table) or [tuple(content_cols)]
        existing = [dict(r) for r in conn.execute(sa.select(table)).mappings()]
        index: list[dict[tuple[Any, ...], dict[str, Any]]] = [
            {_content(r, key): r for r in existing} for key in keys
        ]
        mapping = id_map.setdefault(table.name, {})
        pending_self: list[tuple[Any, dict[str, Any]]] = []
        for i, original in enumerate(rows[table.name]):
            row = dict(original)
            unresolved = None
            for col, parent in fks:
                if row[col] is None or col in deferred:
                    continue
                target = id_map.get(parent, {}).get(row[col])
                if target is None:
                    unresolved = (col, parent)
                    break
                row[col] = target
            if soft_ref and row["entity_type"] in id_map and row["entity_id"] is not None:
                # audit events name their entity by type and id: follow the entity to its new id
                row["entity_id"] = id_map[row["entity_type"]].get(row["entity_id"], row["entity_id"])
            if unresolved is not None:
                rep.conflicts += 1
                report.conflicts.append({
                    "table": table.name, "row": i + 1, "key": _describe(original, keys[0]),
                    "reason": f"its {unresolved[1]} (column {unresolved[0]} = {original[unresolved[0]]}) "
                              "was not imported"})
                continue
            match = None
            for key, idx in zip(keys, index, strict=True):
                match = idx.get(_content(row, key))
                if match is not None:
                    break
            if match is not None:
                if single_pk:
                    mapping[original[single_pk]] = match[single_pk]
                compare = _compared_columns(table, deferred)
                if _content(row, compare) == _content(match, compare):
                    rep.unchanged += 1
                else:
                    rep.conflicts += 1
                    differing = [c for c in compare if _canon(row[c]) != _canon(match[c])]
                    report.conflicts.append({
                        "table": table.name, "row": i + 1, "key": _describe(original, key),
                        "reason": "already in the workspace with different "
                                  + ", ".join(differing[:6]) + "; the workspace's row was kept"})
                continue
            values = {c: row[c] for c in content_cols}
            for col in deferred:
                values[col] = None
            if report.dry_run:
                new_id: Any = ("new", i)
            else:
                result = conn.execute(table.insert().values(values))
                new_id = result.inserted_primary_key[0] if single_pk and result.inserted_primary_key else None
            if single_pk:
                mapping[original[single_pk]] = new_id
            inserted = {**values, **({single_pk: new_id} if single_pk else {})}
            for key, idx in zip(keys, index, strict=True):
                idx[_content(inserted, key)] = inserted
            rep.inserted += 1
            if deferred:
                pending_self.append((new_id, original))
        if report.dry_run or not single_pk:
            continue
        pk = pk_cols[0]
        for new_id, original in pending_self:
            values = {}
            for col in deferred:
                if original[col] is not None and original[col] in mapping:
                    values[col] = mapping[original[col]]
            if values:
                conn.execute(table.update().where(pk == new_id).values(values))


def _describe(row: Mapping[str, Any], key: tuple[str, ...]) -> str:
    shown = [k for k in key if not isinstance(row.get(k), dict | list)][:4]
    if not shown:
        return "(whole row)"
    return ", ".join(f"{k}={str(row.get(k))[:80]}" for k in shown)


def _upgrade_old_backup(document: Mapping[str, Any], revision: str, source: str) -> dict[str, Any]:
    """Load a backup made at an older revision into a scratch SQLite database there, migrate it to head,
    and export it again (the normal migrations carry the rows forward)."""
    with tempfile.TemporaryDirectory(prefix="workbench-restore-") as tmp:
        scratch = make_engine(f"sqlite:///{Path(tmp) / 'old.db'}")
        try:
            upgrade(scratch, revision)
            meta = sa.MetaData()
            meta.reflect(bind=scratch)
            tables = workspace_tables(meta)
            rows = _validate(document, tables, source)
            with write_session(scratch) as session:
                conn = session.connection()
                report = ImportReport(mode="replace", schema_revision=revision)
                report.tables = {t.name: TableReport() for t in tables}
                _replace(conn, tables, rows, report)
            upgrade(scratch)
            return export_workspace(scratch)
        finally:
            scratch.dispose()


def import_workspace(
    engine: Engine,
    document: Mapping[str, Any],
    mode: Mode = "replace",
    *,
    actor: str = "anonymous",
    audit: bool = True,
    dry_run: bool = False,
    source: str = "backup",
) -> ImportReport:
    """Restore ``document`` (from :func:`export_workspace`) into the workspace in one transaction.

    ``mode``: ``"replace"`` (empty every table, then insert the backup's rows with their ids) or
    ``"merge"`` (insert the rows whose natural key is absent; report conflicts). ``audit``: record one
    ``workspace`` audit event naming ``actor`` (off for an exact copy). ``dry_run``: validate and report,
    write nothing. Raises :class:`BackupError` (nothing written) for an invalid document, a backup from a
    newer schema, or rows the database refuses.
    """
    if mode not in ("replace", "merge"):
        raise BackupError(f"mode must be 'replace' or 'merge', not {mode!r:.40}")
    check_header(document, source)
    here = current_revision(engine)
    revision = document.get("schema_revision")
    upgraded_from = None
    if revision != here:
        if not isinstance(revision, str) or revision not in known_revisions():
            raise BackupError(f"{source}: the backup is at schema revision {str(revision)[:60]!r}, which this "
                              f"workbench does not know (it is at {here!r}); restore it with the newer "
                              "workbench that made it")
        if here != head_revision():
            raise BackupError(f"{source}: the workspace is at schema revision {here!r}, not the newest; "
                              "open it with the workbench once to upgrade it, then restore")
        document = _upgrade_old_backup(document, revision, source)
        upgraded_from = revision
    tables = workspace_tables()
    rows = _validate(document, tables, source)
    report = ImportReport(mode=mode, schema_revision=here or "", upgraded_from=upgraded_from, dry_run=dry_run)
    report.tables = {t.name: TableReport() for t in tables}
    try:
        with write_session(engine) as session:
            conn = session.connection()
            if mode == "replace":
                if dry_run:
                    for t in tables:
                        report.tables[t.name].deleted = conn.execute(
                            sa.select(sa.func.count()).select_from(t)).scalar_one()
                        report.tables[t.name].inserted = len(rows[t.name])
                else:
                    _replace(conn, tables, rows, report)
            else:
                _merge(conn, tables, rows, report)
            if dry_run:
                raise _DryRun
            if audit:
                record_audit(
                    session, actor=actor, action="restore" if mode == "replace" else "import",
                    entity_type="workspace", entity_id=None, entity_name=source[:200],
                    summary=f"workspace backup {report.summary()}",
                    after={"mode": mode, "upgraded_from": upgraded_from,
                           "tables": {n: vars(r) for n, r in report.tables.items()}},
                )
            if mode == "merge":
                _reset_sequences(conn, tables)
    except _DryRun:
        return report
    except (IntegrityError, DataError) as exc:
        raise BackupError(f"{source}: the database refused the backup's rows, nothing was restored "
                          f"({_short(exc)})") from exc
    return report


def _short(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0][:300] if exc.orig is not None else type(exc).__name__


def has_user_changes(engine: Engine) -> bool:
    """True when the workspace holds anything besides the seeded catalog (any non-seed audit event)."""
    from workbench.store.tables import AuditEvent

    audit: sa.Table = AuditEvent.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        other = conn.execute(sa.select(sa.func.count()).select_from(audit)
                             .where(audit.c.action != "seed")).scalar_one()
    return bool(other)


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per workspace table (what a backup holds)."""
    with engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in workspace_tables()}


__all__ = [
    "BackupError", "ImportReport", "TableReport", "check_header", "dumps", "export_workspace", "has_user_changes",
    "import_workspace", "is_sqlite", "loads", "table_counts", "workspace_tables",
]
