"""Workspace backup format: every table, losslessly, in one JSON document, and its row-level validation.

The document::

    {"format": "model-selection-workbench/workspace", "format_version": 1,
     "schema_revision": "<alembic revision>",
     "tables": {"<table>": [{"<column>": value, ...}, ...], ...}}

- :func:`export_workspace` writes every table of ``SQLModel.metadata`` (so tables added by later
  migrations are covered without touching this module), rows ordered by primary key, values as plain
  JSON: datetimes as ISO 8601 in UTC, JSON columns as they are, binary as base64. No export timestamp is
  written, so export -> restore into an empty database -> export gives byte-identical JSON.
- :func:`validate_rows` checks the whole document column by column (:class:`BackupError` naming the table,
  row and column) and converts it to column values. Applying it is :mod:`workbench.store.backup_apply`; the
  restore use case (entity validation, audit, old revisions) is :mod:`workbench.services.backup_restore`.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import workbench.store.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from workbench.store.migrate import alembic_config
from workbench.store.repository import StoreError

FORMAT = "model-selection-workbench/workspace"
FORMAT_VERSION = 1
#: not in backups: alembic's bookkeeping, and the trust store (a key that arrives in a backup is never
#: trusted by arriving; people re-establish trust deliberately with `workbench keys trust`)
SKIPPED_TABLES = frozenset({"alembic_version", "trusted_key"})


class BackupError(StoreError, ValueError):
    """A backup document that cannot be restored; the message names the table, row and column."""


# --------------------------------------------------------------------------- tables and values


def workspace_tables(metadata: sa.MetaData | None = None) -> list[sa.Table]:
    """Every table to back up, parents before children (``metadata`` default: ``SQLModel.metadata``)."""
    meta = metadata if metadata is not None else SQLModel.metadata
    return [t for t in meta.sorted_tables if t.name not in SKIPPED_TABLES]


def pk_columns(table: sa.Table) -> list[sa.Column[Any]]:
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
    rows = conn.execute(sa.select(table).order_by(*pk_columns(table))).mappings().all()
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


def where(table: str, index: int, column: str | None = None) -> str:
    return f"table {table!r}, row {index + 1}" + (f", column {column!r}" if column else "")


def _from_json(value: Any, column: sa.Column[Any], where: str) -> Any:
    """A JSON value -> the Python value for ``column`` (BackupError naming ``where`` when it doesn't fit)."""
    if value is None:
        if not column.nullable and not column.primary_key:
            raise BackupError(f"{where}: must not be null")
        return None
    kind = base_type(column.type)
    for sql_type, convert in _CONVERTERS:
        if isinstance(kind, sql_type):
            return convert(value, kind, where)
    return value


def _json_value(value: Any, _kind: Any, where: str) -> Any:
    _check_json(value, where)
    return value


def _bool_value(value: Any, _kind: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise BackupError(f"{where}: expected true or false, got {value!r:.60}")
    return value


def _int_value(value: Any, kind: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BackupError(f"{where}: expected an integer, got {value!r:.60}")
    bits = 63 if isinstance(kind, sa.BigInteger) else 31
    if not -(2**bits) <= value < 2**bits:
        raise BackupError(f"{where}: integer {value} is out of range")
    return value


def _float_value(value: Any, _kind: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BackupError(f"{where}: expected a finite number, got {value!r:.60}")
    return float(value)


def _decimal_value(value: Any, _kind: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError as exc:
        raise BackupError(f"{where}: expected a decimal number, got {value!r:.60}") from exc


def _datetime_value(value: Any, _kind: Any, where: str) -> datetime:
    parsed: datetime = _parse_iso(value, where, datetime)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _date_value(value: Any, _kind: Any, where: str) -> date:
    parsed: date = _parse_iso(value, where, date)
    return parsed


def _binary_value(value: Any, _kind: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise BackupError(f"{where}: expected base64 text, got {type(value).__name__}")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise BackupError(f"{where}: not valid base64") from exc


def _text_value(value: Any, kind: Any, where: str) -> str:
    if not isinstance(value, str):
        raise BackupError(f"{where}: expected text, got {type(value).__name__}")
    if "\x00" in value:
        raise BackupError(f"{where}: text contains a NUL character")
    if kind.length is not None and len(value) > kind.length:
        raise BackupError(f"{where}: {len(value)} characters, at most {kind.length} allowed")
    _check_text(value, where)
    return value


#: Column type -> converter, most specific first (DateTime before Date, Integer before Numeric).
_CONVERTERS: tuple[tuple[type, Any], ...] = (
    (sa.JSON, _json_value), (sa.Boolean, _bool_value), (sa.Integer, _int_value), (sa.Float, _float_value),
    (sa.Numeric, _decimal_value), (sa.DateTime, _datetime_value), (sa.Date, _date_value),
    (sa.LargeBinary, _binary_value), (sa.String, _text_value),
)


def base_type(kind: Any) -> Any:
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


def validate_rows(document: Any, tables: list[sa.Table], source: str) -> dict[str, list[dict[str, Any]]]:
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
        pk_names = [c.name for c in pk_columns(table)]
        seen_pks: set[tuple[Any, ...]] = set()
        converted = []
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise BackupError(f"{source}: {where(table.name, i)}: expected an object of column -> value")
            extra = sorted(str(k) for k in row if k not in columns)
            if extra:
                raise BackupError(f"{source}: {where(table.name, i)}: unknown column(s) "
                                  f"{', '.join(repr(e[:60]) for e in extra[:5])}")
            values: dict[str, Any] = {}
            for name, column in columns.items():
                if name not in row:
                    if column.primary_key or not column.nullable:
                        raise BackupError(f"{source}: {where(table.name, i, name)}: missing")
                    values[name] = None
                    continue
                values[name] = _from_json(row[name], column, f"{source}: {where(table.name, i, name)}")
            key = tuple(values[n] for n in pk_names)
            if any(k is None for k in key):
                raise BackupError(f"{source}: {where(table.name, i, pk_names[0])}: the primary key is null")
            if key in seen_pks:
                raise BackupError(f"{source}: {where(table.name, i, pk_names[0])}: duplicate primary key {key!r}")
            seen_pks.add(key)
            converted.append(values)
        out[table.name] = converted
    return out


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
    "FORMAT", "FORMAT_VERSION", "BackupError", "base_type", "check_header", "current_revision_conn", "dumps",
    "export_workspace", "has_user_changes", "known_revisions", "loads", "pk_columns", "table_counts",
    "validate_rows", "where", "workspace_tables",
]
