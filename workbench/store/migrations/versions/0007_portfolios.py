"""Portfolios: task graphs of requirement profiles.

Revision ID: 0007_portfolios
Revises: 0006_audit_chain
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007_portfolios"
down_revision = "0006_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portfolio",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.AutoString(length=200), nullable=False),
    )
    op.create_index("ix_portfolio_name", "portfolio", ["name"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_portfolio_name", table_name="portfolio")
    op.drop_table("portfolio")
