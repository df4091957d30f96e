"""Signing fixtures: a migrated, seeded workspace per test (the store's fixtures) and a profile to decide on."""

from __future__ import annotations

import pytest

from tests.store.conftest import database_url, engine  # noqa: F401  (fixtures)
from workbench.store.workspace import create_profile, new_profile_model


@pytest.fixture
def profile(engine):  # noqa: F811
    return create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
