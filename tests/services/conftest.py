from tests.store.conftest import database_url, engine  # noqa: F401  (a fresh migrated + seeded workspace)
