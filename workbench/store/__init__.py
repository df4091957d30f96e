"""Persistence: SQLite by default, PostgreSQL for teams (DESIGN section 4)."""

from __future__ import annotations

from sqlalchemy import Engine

from workbench.store.engine import database_url, make_engine, read_session, write_session
from workbench.store.migrate import SchemaTooNewError, upgrade
from workbench.store.seed import seed_catalog


def open_store(url: str | None = None, *, seed: bool = True) -> Engine:
    """Engine for ``url``, migrated to head and (by default) seeded with the shipped catalog."""
    engine = make_engine(url)
    upgrade(engine)
    if seed:
        seed_catalog(engine)
    return engine


__all__ = [
    "SchemaTooNewError",
    "database_url",
    "make_engine",
    "open_store",
    "read_session",
    "write_session",
]
