"""Store fixtures: a fresh migrated + seeded database per test.

Runs on SQLite by default; set WORKBENCH_TEST_DATABASE_URL (a PostgreSQL server URL whose
database may be dropped and recreated) to run the same tests on PostgreSQL.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import Engine, create_engine, text

from workbench.store import open_store


def _postgres_url(base: str) -> str:
    name = f"wb_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def database_url(tmp_path) -> str:
    base = os.environ.get("WORKBENCH_TEST_DATABASE_URL")
    if base:
        return _postgres_url(base)
    return f"sqlite:///{tmp_path / 'workbench.db'}"


@pytest.fixture
def engine(database_url) -> Engine:
    engine = open_store(database_url)
    yield engine
    engine.dispose()
