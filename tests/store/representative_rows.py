"""Representative rows for a database at any schema revision (migration tests and the fixture DB script).

Tables the app knows get bodies the app can read back (validated domain models); any other table gets a
generic row built from its reflected columns, so a table added by a later migration is covered without
editing this file. Rows are inserted with plain parameterised INSERTs on the reflected tables.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tests.store.golden_set import golden_set_csv
from workbench.domain.models import Candidate, Pricing, Profile
from workbench.domain.scenario import Scenario

AT = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
TEXT = "Fixture ünïcode — <b>bold</b> 'quote'"


def _bodies() -> dict[str, dict[str, Any]]:
    from workbench.io.evidence import import_evidence

    run = import_evidence(golden_set_csv(n=6), "csv", name="fixture.csv").runs[0]
    return {
        "candidate": json.loads(Candidate(
            name="Fixture model", provider="fixture-provider", pricing=Pricing(input_per_mtok=1.25, output_per_mtok=5.0),
            notes=TEXT).model_dump_json()),
        "profile": json.loads(Profile(name="Fixture profile", description=TEXT).model_dump_json()),
        "scenario": json.loads(Scenario(name="Fixture scenario", weights={"cost": 4.0}).model_dump_json()),
        "evidence_run": run.model_copy(update={"candidate": "Fixture model"}).model_dump(mode="json"),
    }


def _value(column: sa.Column[Any], table: str, ids: dict[str, int], bodies: dict[str, dict[str, Any]]) -> Any:
    """A value for ``column`` that fits its type (foreign keys point at the parent table's row)."""
    if column.foreign_keys:
        parent = next(iter(column.foreign_keys)).column.table.name
        if parent == table:
            return None  # a self-reference (e.g. decision.supersedes_id)
        return ids[parent]
    kind = column.type
    name = column.name
    if isinstance(kind, sa.JSON):
        if name == "body" and table in bodies:
            return bodies[table]
        return {"name": f"{table}.{name}", "values": [1, 2.5, None, True], "text": TEXT}
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Integer):
        return 3 if name == "version" else 7
    if isinstance(kind, sa.Float | sa.Numeric):
        return 0.25
    if isinstance(kind, sa.DateTime):
        return AT
    if isinstance(kind, sa.String):
        if name == "name" and table in bodies:
            return bodies[table]["name"]
        value = {"sha256": "ab" * 32, "key_id": "cd" * 32, "entity_type": "candidate"}.get(name, f"{table} {TEXT}")
        return value[: kind.length] if kind.length else value
    raise AssertionError(f"no representative value for {table}.{name} ({kind!r}); extend representative_rows")


def insert_representative_rows(conn: Connection) -> dict[str, dict[str, Any]]:
    """Insert one row into every table of the database (parents first); returns the rows written by table."""
    meta = sa.MetaData()
    meta.reflect(bind=conn)
    bodies = _bodies()
    ids: dict[str, int] = {}
    written: dict[str, dict[str, Any]] = {}
    for table in meta.sorted_tables:
        if table.name == "alembic_version":
            continue
        row: dict[str, Any] = {}
        for column in table.columns:
            if column.primary_key:
                row[column.name] = 41 + len(ids)  # explicit, not 1: a lost id would show
            else:
                row[column.name] = _value(column, table.name, ids, bodies)
        conn.execute(table.insert().values(row))
        ids[table.name] = row["id"]
        written[table.name] = row
    return written


def read_rows(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, by table (reflected, so any revision)."""
    meta = sa.MetaData()
    meta.reflect(bind=conn)
    return {t.name: [dict(r) for r in conn.execute(sa.select(t)).mappings()]
            for t in meta.sorted_tables if t.name != "alembic_version"}


def canon(value: Any) -> Any:
    """Compare values across dialects: aware UTC datetimes, JSON as sorted text."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in " T":
        try:
            return canon(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value
