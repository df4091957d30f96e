"""io tests that persist what they read use a fresh migrated and seeded store (SQLite, or PostgreSQL when set)."""

from tests.store.conftest import database_url, engine  # noqa: F401  (pytest fixtures)
