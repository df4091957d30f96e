"""Service tests run on a fresh migrated and seeded store (SQLite, or PostgreSQL when configured)."""

from tests.store.conftest import database_url, engine  # noqa: F401  (pytest fixtures)
