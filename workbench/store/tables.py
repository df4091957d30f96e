"""SQLModel tables: the one place the schema is declared.

Editable entities keep their validated domain model as a JSON ``body`` plus the columns the app
filters and locks on. ``version`` implements optimistic locking: every save names the version the
user saw, and an UPDATE ... WHERE version = :seen that touches no row is a conflict.
Schema changes go through Alembic migrations in ``workbench/store/migrations``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Text, UniqueConstraint
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
    #: set on events a backup merge brought in: "imported from backup FILE by USER at TIME" (actor/at are the
    #: original ones); None for events written here.
    imported_from: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: the hash chain (workbench.store.audit): the previous event's chain_hash, and this event's.
    prev_hash: str | None = Field(default=None, max_length=64)
    chain_hash: str | None = Field(default=None, max_length=64)


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


class EvidenceRunRow(SQLModel, table=True):
    """One imported evaluation run (one source model of one file) for one profile and candidate.

    ``body`` is the validated :class:`workbench.domain.evidence.EvaluationRun` with its per-item
    results; the columns are what the app filters on (profile, candidate, file hash) and shows in lists.
    Runs are immutable once imported: re-importing the same file (same ``sha256``) replaces or skips.
    """

    __tablename__ = "evidence_run"

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True, ondelete="CASCADE")
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    source_format: str = Field(max_length=20)
    source_file: str = Field(max_length=400)
    sha256: str = Field(max_length=64, index=True)
    metric_kind: str = Field(max_length=40)
    source_model: str = Field(max_length=400)
    n: int | None = Field(default=None, description="items (None: the source reports no count)")
    passed: int | None = Field(default=None, description="passing items (None: scores only)")
    imported_at: datetime = Field(default_factory=utcnow,
                                  sa_column=Column(DateTime(timezone=True), nullable=False))
    imported_by: str = Field(default="anonymous", max_length=200)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class DecisionRow(SQLModel, table=True):
    """A Model Decision Record (MDR): the record, the decision snapshot it was drafted from, its signatures.

    ``body`` is the validated :class:`workbench.domain.mdr.MDR` (front matter, seven sections, the generated
    draft); ``status`` and ``title`` mirror it for lists. ``snapshot`` is the canonical decision snapshot
    (every input and result needed to re-rank bit for bit); it never changes after drafting. ``envelope`` is
    the DSSE envelope with every signature so far (None = unsigned) and ``signed_record`` the exact Markdown its
    signatures cover. Editing the record or changing its status clears both (the cleared envelope is kept in that
    change's audit event); superseding an accepted record keeps them (its accepted text is immutable).
    ``profile_id`` is ``ON DELETE RESTRICT``: a decision record is governance evidence, so a profile that has
    records cannot be deleted out from under them (CASCADE would silently destroy signed records).
    """

    __tablename__ = "decision"

    id: int | None = Field(default=None, primary_key=True)
    profile_id: int = Field(foreign_key="profile.id", index=True, ondelete="RESTRICT")
    number: int = Field(unique=True, description="MDR-0001 is number 1")
    title: str = Field(max_length=300)
    status: str = Field(max_length=20, index=True)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    snapshot: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    envelope: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    signed_record: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    supersedes_id: int | None = Field(default=None, foreign_key="decision.id", ondelete="RESTRICT")
    superseded_by_id: int | None = Field(default=None, foreign_key="decision.id", ondelete="RESTRICT")
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    created_by: str = Field(default="anonymous", max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_by: str = Field(default="anonymous", max_length=200)


class SigningKeyRow(SQLModel, table=True):
    """A signer's Ed25519 public key registered in the workspace (never a private key).

    ``key_id`` = SHA-256 hex of the raw 32-byte public key; ``public_key`` = its PEM (SubjectPublicKeyInfo).
    """

    __tablename__ = "signing_key"

    id: int | None = Field(default=None, primary_key=True)
    key_id: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    public_key: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    created_by: str = Field(default="anonymous", max_length=200)


class TrustedKeyRow(SQLModel, table=True):
    """The trust store: a signer key a person deliberately trusted (never a key that merely arrived).

    ``fingerprint`` is OpenSSH's ``SHA256:...`` of the key (what was shown when it was trusted). A revoked
    entry stays (``revoked_at``), so verification can say "revoked" and the identity can get a new key. Not
    part of workspace backups: trust is re-established deliberately on each workspace.
    """

    __tablename__ = "trusted_key"

    id: int | None = Field(default=None, primary_key=True)
    key_id: str = Field(max_length=64, unique=True)
    fingerprint: str = Field(max_length=80)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320, index=True)
    public_key: str = Field(sa_column=Column(Text, nullable=False))
    added_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    added_by: str = Field(default="anonymous", max_length=200)
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    revoked_by: str | None = Field(default=None, max_length=200)
    revoke_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class DecisionQuorumRow(SQLModel, table=True):
    """The approvals a decision record needs before it can be accepted (a ``QuorumPolicy`` as JSON)."""

    __tablename__ = "decision_quorum"

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", unique=True, ondelete="CASCADE")
    policy: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_by: str = Field(default="anonymous", max_length=200)


class PortfolioRow(SQLModel, table=True):
    """A portfolio: a task graph of requirement profiles (``body`` = :class:`workbench.domain.portfolio.Portfolio`).

    Steps name their profile by name (a renamed or deleted profile makes the step say so when ranked)."""

    __tablename__ = "portfolio"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=200)
    body: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_by: str = Field(default="anonymous", max_length=200)


class PriceHistoryRow(SQLModel, table=True):
    """A candidate's prices as of a date (LiteLLM imports and refreshes append one when prices change)."""

    __tablename__ = "price_history"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    effective: date = Field(description="the price file's retrieval date")
    pricing: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    source: str = Field(default="", max_length=300)
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    recorded_by: str = Field(default="anonymous", max_length=200)
