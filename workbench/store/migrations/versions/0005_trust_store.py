"""Trust store (``trusted_key``) and approval quorums of decision records (``decision_quorum``).

Revision ID: 0005_trust_store
Revises: 0004_decisions
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_trust_store"
down_revision = "0004_decisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trusted_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key_id", sqlmodel.AutoString(length=64), nullable=False),
        sa.Column("fingerprint", sqlmodel.AutoString(length=80), nullable=False),
        sa.Column("name", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("email", sqlmodel.AutoString(length=320), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sqlmodel.AutoString(length=200), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.UniqueConstraint("key_id"),
    )
    op.create_index("ix_trusted_key_email", "trusted_key", ["email"])
    op.create_table(
        "decision_quorum",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("decision_id", sa.Integer(), sa.ForeignKey("decision.id", ondelete="CASCADE"), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.AutoString(length=200), nullable=False),
        sa.UniqueConstraint("decision_id"),
    )


def downgrade() -> None:
    op.drop_table("decision_quorum")
    op.drop_index("ix_trusted_key_email", table_name="trusted_key")
    op.drop_table("trusted_key")
