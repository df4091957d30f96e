"""Baseline schema: candidates, profiles, audit events, seed marks.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "candidate",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("provider", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("open_weights", sa.Boolean(), nullable=False),
        sa.Column("origin", sqlmodel.AutoString(length=20), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.AutoString(length=200), nullable=False),
    )
    op.create_index("ix_candidate_name", "candidate", ["name"], unique=True)
    op.create_table(
        "profile",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("template", sqlmodel.AutoString(length=100), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.AutoString(length=200), nullable=False),
    )
    op.create_index("ix_profile_name", "profile", ["name"], unique=True)
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("action", sqlmodel.AutoString(length=40), nullable=False),
        sa.Column("entity_type", sqlmodel.AutoString(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("entity_name", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_entity_type", "audit_event", ["entity_type"])
    op.create_table(
        "seed_mark",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sqlmodel.AutoString(length=40), nullable=False),
        sa.Column("key", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("seeded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "key"),
    )


def downgrade() -> None:
    op.drop_table("seed_mark")
    op.drop_index("ix_audit_event_entity_type", table_name="audit_event")
    op.drop_index("ix_audit_event_at", table_name="audit_event")
    op.drop_table("audit_event")
    op.drop_index("ix_profile_name", table_name="profile")
    op.drop_table("profile")
    op.drop_index("ix_candidate_name", table_name="candidate")
    op.drop_table("candidate")
