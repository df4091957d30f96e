"""Decisions: Model Decision Records (record, snapshot, DSSE envelope, supersession) and signers' public keys.

Revision ID: 0004_decisions
Revises: 0003_evidence
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_decisions"
down_revision = "0003_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), primary_key=True),
        # RESTRICT: a profile with decision records cannot be deleted (records are governance evidence)
        sa.Column("profile_id", sa.Integer(), sa.ForeignKey("profile.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.AutoString(length=300), nullable=False),
        sa.Column("status", sqlmodel.AutoString(length=20), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("envelope", sa.JSON(), nullable=True),
        sa.Column("signed_record", sa.Text(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), sa.ForeignKey("decision.id", ondelete="RESTRICT"), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), sa.ForeignKey("decision.id", ondelete="RESTRICT"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.AutoString(length=200), nullable=False),
        sa.UniqueConstraint("number"),
    )
    op.create_index("ix_decision_profile_id", "decision", ["profile_id"])
    op.create_index("ix_decision_status", "decision", ["status"])
    op.create_table(
        "signing_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key_id", sqlmodel.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("email", sqlmodel.AutoString(length=320), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.AutoString(length=200), nullable=False),
        sa.UniqueConstraint("key_id"),
    )


def downgrade() -> None:
    op.drop_table("signing_key")
    op.drop_index("ix_decision_status", table_name="decision")
    op.drop_index("ix_decision_profile_id", table_name="decision")
    op.drop_table("decision")
