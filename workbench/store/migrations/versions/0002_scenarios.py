"""Scenarios: named what-ifs of a profile (weights, constraints, method).

Revision ID: 0002_scenarios
Revises: 0001_baseline
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002_scenarios"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("profile_id", sa.Integer(), sa.ForeignKey("profile.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.AutoString(length=200), nullable=False),
        sa.UniqueConstraint("profile_id", "name"),
    )
    op.create_index("ix_scenario_profile_id", "scenario", ["profile_id"])


def downgrade() -> None:
    op.drop_index("ix_scenario_profile_id", table_name="scenario")
    op.drop_table("scenario")
