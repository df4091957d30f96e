"""Migrations: a workspace at every earlier schema revision upgrades to head with every row intact.

Two sources of old databases:
- built here at each revision of the migration history (SQLite, and PostgreSQL when
  WORKBENCH_TEST_DATABASE_URL is set), one representative row per table inserted with plain SQL;
- the committed fixture files, one per released schema (tests/store/fixtures, made by make_fixture_dbs.py),
  which the app must then open and read through its normal use-cases.
"""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from tests.store.conftest import drop_test_databases, fresh_database_url
from tests.store.make_fixture_dbs import RELEASED, fixture_path
from tests.store.representative_rows import canon, insert_representative_rows, read_rows
from workbench.store import make_engine, open_store
from workbench.store.evidence import list_runs
from workbench.store.migrate import (
    SchemaTooNewError,
    alembic_config,
    current_revision,
    head_revision,
    upgrade,
)
from workbench.store.workspace import list_candidates, list_profiles, list_scenarios

#: Every revision before head, oldest first (a new migration adds itself here automatically).
EARLIER = [r.revision for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
           if r.revision != head_revision()]


def _assert_intact(before: dict[str, list[dict]], after: dict[str, list[dict]]) -> None:
    for table, rows in before.items():
        assert table in after, f"table {table} disappeared"
        by_id = {r["id"]: r for r in after[table]}
        for row in rows:
            assert row["id"] in by_id, f"{table} row {row['id']} lost"
            upgraded = by_id[row["id"]]
            for column, value in row.items():
                assert column in upgraded, f"{table}.{column} dropped"
                assert canon(upgraded[column]) == canon(value), f"{table}.{column} changed"


def test_the_history_is_linear_and_covers_the_released_schemas():
    assert EARLIER[0] == "0001_baseline"
    assert set(RELEASED) <= set(EARLIER) | {head_revision()}


@pytest.mark.parametrize("revision", EARLIER)
def test_a_database_at_an_earlier_revision_upgrades_with_every_row_intact(revision, tmp_path):
    url = fresh_database_url(tmp_path, revision)
    engine = make_engine(url)
    try:
        upgrade(engine, revision)
        assert current_revision(engine) == revision
        with engine.begin() as conn:
            written = insert_representative_rows(conn)
        with engine.connect() as conn:
            before = read_rows(conn)
        assert set(before) == set(written) and all(len(rows) == 1 for rows in before.values())
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            _assert_intact(before, read_rows(conn))
    finally:
        engine.dispose()
        drop_test_databases(url)


@pytest.mark.parametrize("revision", RELEASED)
def test_a_released_workspace_file_opens_in_this_workbench_with_every_row_intact(revision, tmp_path):
    source = fixture_path(revision)
    assert source.is_file(), "run: .venv/bin/python -m tests.store.make_fixture_dbs"
    copy = tmp_path / source.name
    shutil.copy(source, copy)  # the app switches the file to WAL: never open the committed fixture itself
    plain = sa.create_engine(f"sqlite:///{copy}")
    assert current_revision(plain) == revision
    with plain.connect() as conn:
        before = read_rows(conn)
    plain.dispose()

    engine = open_store(f"sqlite:///{copy}")  # what the app does on start: migrate, then seed the catalog
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            _assert_intact(before, read_rows(conn))
        # and the app reads the old rows through its normal use-cases
        assert "Fixture model" in {c.model.name for c in list_candidates(engine)}
        profile = next(p for p in list_profiles(engine) if p.model.name == "Fixture profile")
        assert profile.id == before["profile"][0]["id"] and profile.version == 3
        if "scenario" in before:
            assert [s.model.name for s in list_scenarios(engine, profile.id)] == ["Fixture scenario"]
        if "evidence_run" in before:
            [run] = list_runs(engine, profile.id)
            assert run.candidate == "Fixture model" and run.run.n == 6
    finally:
        engine.dispose()


def test_a_database_newer_than_the_workbench_is_refused_with_a_clear_message(tmp_path):
    copy = tmp_path / "future.sqlite3"
    shutil.copy(fixture_path(RELEASED[-1]), copy)
    plain = sa.create_engine(f"sqlite:///{copy}")
    with plain.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    plain.dispose()
    with pytest.raises(SchemaTooNewError) as info:
        open_store(f"sqlite:///{copy}")
    message = str(info.value)
    assert "9999_from_the_future" in message and "newer version" in message and head_revision() in message
    plain = sa.create_engine(f"sqlite:///{copy}")
    with plain.connect() as conn:  # refused before touching anything
        assert conn.execute(sa.text("SELECT count(*) FROM candidate")).scalar_one() == 1
    plain.dispose()
