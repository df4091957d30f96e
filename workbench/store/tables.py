"""SQLModel tables: the one place the schema is declared.

Editable entities keep their validated domain model as a JSON ``body`` plus the columns the app
filters and locks on. ``version`` implements optimistic locking: every save names the version the
user saw, and an UPDATE ... WHERE version = :seen that touches no row is a conflict.
Schema changes go through Alembic migrations in ``workbench/store/migrations``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class CandidateRow(SQLModel, table=True):
    __tablename__ = "candidate"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=200)
    provider: str = Field(default="", max_length=200)
    open_weights: bool = False
    origin: str = Field(default="user", max_length=20, description="catalog | user | import")
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="anonymous", max_length=200)


class ProfileRow(SQLModel, table=True):
    __tablename__ = "profile"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=200)
    template: str | None = Field(default=None, max_length=100)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="anonymous", max_length=200)


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=40, description="create | update | delete | import | seed | ...")
    entity_type: str = Field(max_length=40, index=True)
    entity_id: int | None = None
    entity_name: str = Field(default="", max_length=200)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class SeedMark(SQLModel, table=True):
    """Which shipped catalog entries were seeded once (so deleted ones stay deleted)."""

    __tablename__ = "seed_mark"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    key: str = Field(max_length=200)
    seeded_at: datetime = Field(default_factory=utcnow)


class ScenarioRow(SQLModel, table=True):
    """A named what-if of a profile: weights/constraints overrides that leave the profile untouched."""

    __tablename__ = "scenario"
    __table_args__ = (UniqueConstraint("profile_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="anonymous", max_length=200)
