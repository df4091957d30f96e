"""Audit log integrity: ``imported_from`` (events a backup merge brought in) and the hash chain.

Existing events are sealed in id order with :func:`workbench.store.audit.event_hash`, so a database upgraded
from an older revision verifies from its first event.

Revision ID: 0006_audit_chain
Revises: 0005_trust_store
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_audit_chain"
down_revision = "0005_trust_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("imported_from", sa.Text(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sqlmodel.AutoString(length=64), nullable=True))
        batch.add_column(sa.Column("chain_hash", sqlmodel.AutoString(length=64), nullable=True))
    from workbench.store.audit import event_hash

    conn = op.get_bind()
    table = sa.table("audit_event", sa.column("at", sa.DateTime()), *(sa.column(c) for c in (
        "id", "actor", "action", "entity_type", "entity_id", "entity_name", "summary", "imported_from",
        "prev_hash", "chain_hash")), sa.column("before", sa.JSON()), sa.column("after", sa.JSON()))
    prev = None
    rows = conn.execute(sa.select(table).order_by(table.c.id)).mappings().all()
    for row in rows:
        digest = event_hash(prev, row)
        conn.execute(table.update().where(table.c.id == row["id"]).values(prev_hash=prev, chain_hash=digest))
        prev = digest


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("chain_hash")
        batch.drop_column("prev_hash")
        batch.drop_column("imported_from")
