"""Evidence: imported evaluation runs per profile and candidate (per-item results in the body).

Revision ID: 0003_evidence
Revises: 0002_scenarios
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003_evidence"
down_revision = "0002_scenarios"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("profile_id", sa.Integer(), sa.ForeignKey("profile.id", ondelete="CASCADE"), nullable=False),
        sa.Column("candidate_id", sa.Integer(), sa.ForeignKey("candidate.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source_format", sqlmodel.AutoString(length=20), nullable=False),
        sa.Column("source_file", sqlmodel.AutoString(length=400), nullable=False),
        sa.Column("sha256", sqlmodel.AutoString(length=64), nullable=False),
        sa.Column("metric_kind", sqlmodel.AutoString(length=40), nullable=False),
        sa.Column("source_model", sqlmodel.AutoString(length=400), nullable=False),
        sa.Column("n", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sqlmodel.AutoString(length=200), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
    )
    op.create_index("ix_evidence_run_profile_id", "evidence_run", ["profile_id"])
    op.create_index("ix_evidence_run_candidate_id", "evidence_run", ["candidate_id"])
    op.create_index("ix_evidence_run_sha256", "evidence_run", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_evidence_run_sha256", table_name="evidence_run")
    op.drop_index("ix_evidence_run_candidate_id", table_name="evidence_run")
    op.drop_index("ix_evidence_run_profile_id", table_name="evidence_run")
    op.drop_table("evidence_run")
