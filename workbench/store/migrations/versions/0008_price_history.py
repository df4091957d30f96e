"""Price history: a candidate's prices as of a date.

Revision ID: 0008_price_history
Revises: 0007_portfolios
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008_price_history"
down_revision = "0007_portfolios"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("candidate.id", ondelete="CASCADE"), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("pricing", sa.JSON(), nullable=False),
        sa.Column("source", sqlmodel.AutoString(length=300), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sqlmodel.AutoString(length=200), nullable=False),
    )
    op.create_index("ix_price_history_candidate_id", "price_history", ["candidate_id"])


def downgrade() -> None:
    op.drop_index("ix_price_history_candidate_id", table_name="price_history")
    op.drop_table("price_history")
