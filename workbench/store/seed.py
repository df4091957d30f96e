"""Idempotent seeding of the shipped catalog.

Each shipped candidate is inserted once, remembered in ``seed_mark``; a later start inserts only
entries it has never seeded, so user edits are never overwritten and deleted entries stay deleted.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select

from workbench.io.shipped import load_catalog
from workbench.store.engine import write_session
from workbench.store.repository import candidates
from workbench.store.tables import SeedMark

SEED_ACTOR = "catalog seed"


def seed_catalog(engine: Engine) -> int:
    """Insert shipped candidates never seeded before; return how many were added."""
    shipped = load_catalog()
    added = 0
    with write_session(engine) as session:
        seen = set(session.exec(select(SeedMark.key).where(SeedMark.kind == "candidate")).all())
        for candidate in shipped:
            if candidate.name in seen:
                continue
            session.add(SeedMark(kind="candidate", key=candidate.name))
            if candidates.by_name(session, candidate.name) is None:
                candidates.create(session, candidate, SEED_ACTOR, origin="catalog", action="seed")
                added += 1
    return added
