"""Store access for CLI commands (one Engine per process, migrated and seeded)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine

from workbench.cli import CliError
from workbench.store import SchemaTooNewError, database_url, open_store
from workbench.store.repository import NotFoundError
from workbench.store.workspace import candidate_by_name


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return open_store(url)


def engine() -> Engine:
    try:
        return _engine(database_url())
    except SchemaTooNewError as exc:
        raise CliError(str(exc)) from exc


def candidate_architecture(name: str) -> dict[str, object] | None:
    """The stored config.json of candidate ``name`` (None if it has no architecture yet)."""
    try:
        return candidate_by_name(engine(), name).model.architecture
    except NotFoundError as exc:
        raise CliError(str(exc)) from exc
