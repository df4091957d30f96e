"""Store fixtures: a fresh migrated + seeded database per test.

Runs on SQLite by default; set WORKBENCH_TEST_DATABASE_URL (a PostgreSQL server URL whose
database may be dropped and recreated) to run the same tests on PostgreSQL. Each test's PostgreSQL
databases are dropped when it ends.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from workbench.store import open_store

_CREATED: list[str] = []


def _admin(base: str) -> Engine:
    return create_engine(base, isolation_level="AUTOCOMMIT")


def _postgres_url(base: str) -> str:
    name = f"wb_test_{uuid.uuid4().hex[:10]}"
    admin = _admin(base)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    _CREATED.append(name)
    return base.rsplit("/", 1)[0] + "/" + name


def drop_test_databases(url: str | None = None) -> None:
    """Drop the PostgreSQL test database of ``url`` (default: every one created so far); the server closes
    connections still open to it. Nothing to do on SQLite (files live in tmp_path)."""
    base = os.environ.get("WORKBENCH_TEST_DATABASE_URL")
    if not base:
        return
    names = [url.rsplit("/", 1)[-1]] if url else list(_CREATED)
    names = [n for n in names if n in _CREATED]
    if not names:
        return
    admin = _admin(base)
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            _CREATED.remove(name)
    admin.dispose()


def fresh_database_url(tmp_path: Path, name: str = "workbench") -> str:
    """A new empty database: an SQLite file under ``tmp_path``, or a new PostgreSQL database."""
    base = os.environ.get("WORKBENCH_TEST_DATABASE_URL")
    if base:
        return _postgres_url(base)
    return f"sqlite:///{tmp_path / f'{name}.db'}"


@pytest.fixture
def database_url(tmp_path) -> str:
    url = fresh_database_url(tmp_path)
    yield url
    drop_test_databases(url)


@pytest.fixture
def engine(database_url) -> Engine:
    engine = open_store(database_url)
    yield engine
    engine.dispose()
