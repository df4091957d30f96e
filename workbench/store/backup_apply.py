"""Applying a validated workspace backup: replace or merge, inside the caller's write transaction.

``mode="replace"`` empties every table and inserts the rows with their ids (PostgreSQL sequences are
moved past the restored ids). ``mode="merge"`` keeps what is there and inserts only the rows whose
natural key is absent: the columns of the table's unique constraints (candidate and profile name,
scenario (profile, name), decision number, signing key id, seed mark (kind, key)) or, for tables with
none (audit events, evidence runs), the whole row minus its id. Foreign keys (and an audit event's
``entity_type``/``entity_id``) are remapped to the target's ids. A row whose key exists with the same
content (timestamps, version and who-columns aside) is *unchanged*; with different content it is a
*conflict*: reported, and the existing row is kept. With ``report.dry_run`` merge writes nothing.

A backup from an older schema revision is loaded into a temporary SQLite database at that revision,
upgraded to head with the normal migrations, and exported again (:func:`upgrade_old_backup`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workbench.store.audit import lock_chain, seal
from workbench.store.backup import base_type, export_workspace, pk_columns, validate_rows, workspace_tables
from workbench.store.engine import make_engine, write_session
from workbench.store.migrate import upgrade

Mode = Literal["replace", "merge"]

#: The audit chain's columns: never part of a row's identity or content when merging.
CHAIN_COLUMNS = frozenset({"imported_from", "prev_hash", "chain_hash"})


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




def _deferred_fks(table: sa.Table) -> list[str]:
    """Nullable self-references (e.g. decision.supersedes_id): inserted as NULL, set after every row exists."""
    return [fk.parent.name for fk in table.foreign_keys
            if fk.column.table is table and fk.parent.nullable]


def _natural_keys(table: sa.Table) -> list[tuple[str, ...]]:
    """Column sets that identify a row across workspaces: unique constraints and unique indexes."""
    pk = {c.name for c in pk_columns(table)}
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
            if c.name not in skip and c.name not in BOOKKEEPING and c.name not in CHAIN_COLUMNS and not c.primary_key
            and not isinstance(base_type(c.type), sa.DateTime | sa.Date)]


def _content(row: Mapping[str, Any], columns: Iterable[str]) -> tuple[Any, ...]:
    return tuple(_canon(row[c]) for c in columns)


def reset_sequences(conn: Connection, tables: Iterable[sa.Table]) -> None:
    """PostgreSQL: move each serial id's sequence past the largest id (after inserts with explicit ids)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        pk = pk_columns(table)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        name = pk[0].name
        seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                           {"t": table.name, "c": name}).scalar()
        if seq:
            conn.execute(sa.text(f'SELECT setval(:s, COALESCE((SELECT MAX("{name}") FROM "{table.name}"), 1), '
                                 f'(SELECT MAX("{name}") FROM "{table.name}") IS NOT NULL)'), {"s": seq})


def replace_rows(conn: Connection, tables: list[sa.Table], rows: dict[str, list[dict[str, Any]]],
             report: ImportReport) -> None:
    """Empty every table, then insert ``rows`` with their ids (parents first; self-references last)."""
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
            pk = pk_columns(table)[0]
            for r in data:
                if r[col] is not None:
                    conn.execute(table.update().where(pk == r[pk.name]).values({col: r[col]}))
        report.tables[table.name].inserted = len(data)
    reset_sequences(conn, tables)


def merge_rows(conn: Connection, tables: list[sa.Table], rows: dict[str, list[dict[str, Any]]],
               report: ImportReport, imported_note: str = "imported from a backup") -> None:
    """Insert the rows whose natural key is absent (see the module docstring). Audit events brought in keep
    their actor and time, get ``imported_from = imported_note`` and are appended to the hash chain."""
    lock_chain(conn)
    id_map: dict[str, dict[Any, Any]] = {}  # table -> backup id -> target id
    ordered = [t for t in tables if not _soft(t)] + [t for t in tables if _soft(t)]  # audit events last
    for table in ordered:
        _TableMerge(conn, table, report, id_map, imported_note).run(rows[table.name])


def _soft(table: sa.Table) -> bool:
    """Audit events name their entity by (entity_type, entity_id) instead of a foreign key."""
    return {"entity_type", "entity_id"} <= set(table.columns.keys())


class _TableMerge:
    """Merge one table's backup rows into the workspace (ids remapped through ``id_map``)."""

    def __init__(self, conn: Connection, table: sa.Table, report: ImportReport, id_map: dict[str, dict[Any, Any]],
                 imported_note: str):
        self.conn, self.table, self.report, self.id_map, self.note = conn, table, report, id_map, imported_note
        self.rep = report.tables[table.name]
        pk_cols = pk_columns(table)
        self.pk = pk_cols[0] if len(pk_cols) == 1 else None
        self.single_pk = self.pk.name if self.pk is not None else None
        pk_names = {c.name for c in pk_cols}
        self.content_cols = [c.name for c in table.columns if c.name not in pk_names and c.name not in CHAIN_COLUMNS]
        self.fks = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
        self.deferred = set(_deferred_fks(table))
        self.keys = _natural_keys(table) or [tuple(self.content_cols)]
        existing = [dict(r) for r in conn.execute(sa.select(table)).mappings()]
        self.index = [{_content(r, key): r for r in existing} for key in self.keys]
        self.mapping = id_map.setdefault(table.name, {})
        self.chained = "chain_hash" in table.columns

    def run(self, rows: list[dict[str, Any]]) -> None:
        pending_self: list[tuple[Any, dict[str, Any]]] = []
        for i, original in enumerate(rows):
            row, unresolved = self._remapped(original)
            if unresolved is not None:
                self._conflict(i, original, self.keys[0], f"its {unresolved[1]} (column {unresolved[0]} = "
                                                          f"{original[unresolved[0]]}) was not imported")
                continue
            if self._matched(i, original, row):
                continue
            new_id = self._insert(i, original, row)
            if self.deferred:
                pending_self.append((new_id, original))
        if not self.report.dry_run and self.pk is not None:
            self._link_self_references(pending_self)

    def _remapped(self, original: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, str] | None]:
        row = dict(original)
        for col, parent in self.fks:
            if row[col] is None or col in self.deferred:
                continue
            target = self.id_map.get(parent, {}).get(row[col])
            if target is None:
                return row, (col, parent)
            row[col] = target
        if _soft(self.table) and row["entity_type"] in self.id_map and row["entity_id"] is not None:
            # audit events name their entity by type and id: follow the entity to its new id
            row["entity_id"] = self.id_map[row["entity_type"]].get(row["entity_id"], row["entity_id"])
        return row, None

    def _conflict(self, i: int, original: Mapping[str, Any], key: tuple[str, ...], reason: str) -> None:
        self.rep.conflicts += 1
        self.report.conflicts.append({"table": self.table.name, "row": i + 1, "key": _describe(original, key),
                                      "reason": reason})

    def _matched(self, i: int, original: dict[str, Any], row: dict[str, Any]) -> bool:
        """Is the row's natural key already here? (unchanged, or a conflict that keeps the workspace's row)"""
        for key, idx in zip(self.keys, self.index, strict=True):
            match = idx.get(_content(row, key))
            if match is None:
                continue
            if self.single_pk:
                self.mapping[original[self.single_pk]] = match[self.single_pk]
            compare = _compared_columns(self.table, self.deferred)
            if _content(row, compare) == _content(match, compare):
                self.rep.unchanged += 1
            else:
                differing = [c for c in compare if _canon(row[c]) != _canon(match[c])]
                self._conflict(i, original, key, "already in the workspace with different "
                               + ", ".join(differing[:6]) + "; the workspace's row was kept")
            return True
        return False

    def _insert(self, i: int, original: dict[str, Any], row: dict[str, Any]) -> Any:
        values = {c: row[c] for c in self.content_cols}
        for col in self.deferred:
            values[col] = None
        if self.chained:
            earlier = original.get("imported_from")
            values["imported_from"] = self.note + (f" (earlier: {earlier})" if earlier else "")
        new_id: Any = ("new", i)
        if not self.report.dry_run:
            result = self.conn.execute(self.table.insert().values(values))
            new_id = result.inserted_primary_key[0] if self.single_pk and result.inserted_primary_key else None
            if self.chained:
                seal(self.conn, new_id)
        if self.single_pk:
            self.mapping[original[self.single_pk]] = new_id
        inserted = {**values, **({self.single_pk: new_id} if self.single_pk else {})}
        for key, idx in zip(self.keys, self.index, strict=True):
            idx[_content(inserted, key)] = inserted
        self.rep.inserted += 1
        return new_id

    def _link_self_references(self, pending: list[tuple[Any, dict[str, Any]]]) -> None:
        assert self.pk is not None
        for new_id, original in pending:
            values = {col: self.mapping[original[col]] for col in self.deferred
                      if original[col] is not None and original[col] in self.mapping}
            if values:
                self.conn.execute(self.table.update().where(self.pk == new_id).values(values))


def _describe(row: Mapping[str, Any], key: tuple[str, ...]) -> str:
    shown = [k for k in key if not isinstance(row.get(k), dict | list)][:4]
    if not shown:
        return "(whole row)"
    return ", ".join(f"{k}={str(row.get(k))[:80]}" for k in shown)


def upgrade_old_backup(document: Mapping[str, Any], revision: str, source: str) -> dict[str, Any]:
    """Load a backup made at an older revision into a scratch SQLite database there, migrate it to head,
    and export it again (the normal migrations carry the rows forward)."""
    with tempfile.TemporaryDirectory(prefix="workbench-restore-") as tmp:
        scratch = make_engine(f"sqlite:///{Path(tmp) / 'old.db'}")
        try:
            upgrade(scratch, revision)
            meta = sa.MetaData()
            meta.reflect(bind=scratch)
            tables = workspace_tables(meta)
            rows = validate_rows(document, tables, source)
            with write_session(scratch) as session:
                conn = session.connection()
                report = ImportReport(mode="replace", schema_revision=revision)
                report.tables = {t.name: TableReport() for t in tables}
                replace_rows(conn, tables, rows, report)
            upgrade(scratch)
            return export_workspace(scratch)
        finally:
            scratch.dispose()
