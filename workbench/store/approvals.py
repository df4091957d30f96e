"""Approval quorums of decision records (``decision_quorum``): which approvals a record needs before it
can be accepted. The policy is stored as JSON (``workbench.signing.quorum.QuorumPolicy``, validated by the
service that writes it); changes are audited on the record (entity ``decision``, action ``quorum``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from workbench.store.engine import read_session, write_session
from workbench.store.repository import NotFoundError, compare_and_swap, record_audit
from workbench.store.tables import DecisionQuorumRow, DecisionRow


def quorum_policy(engine: Engine, decision_id: int) -> tuple[dict[str, Any] | None, int]:
    """(policy JSON or None, version; 0 when never set)."""
    with read_session(engine) as session:
        row = session.exec(select(DecisionQuorumRow).where(DecisionQuorumRow.decision_id == decision_id)).first()
        return (dict(row.policy), row.version) if row is not None else (None, 0)


def set_quorum_policy(
    engine: Engine, decision_id: int, policy: dict[str, Any], seen_version: int, actor: str, summary: str,
) -> int:
    """Store the policy (optimistic lock on the version the user saw; 0 = none yet). Returns the new version."""
    with write_session(engine) as session:
        decision = session.get(DecisionRow, decision_id)
        if decision is None:
            raise NotFoundError(f"decision record #{decision_id} does not exist")
        row = session.exec(select(DecisionQuorumRow).where(DecisionQuorumRow.decision_id == decision_id)).first()
        before = dict(row.policy) if row is not None else None
        if row is None:
            if seen_version != 0:
                compare_and_swap(session, DecisionQuorumRow, -1, seen_version, actor, "quorum", str(decision_id))
            row = DecisionQuorumRow(decision_id=decision_id, policy=policy, updated_by=actor)
            session.add(row)
            session.flush()
            version = 1
        else:
            assert row.id is not None
            compare_and_swap(session, DecisionQuorumRow, row.id, seen_version, actor, "quorum", str(decision_id),
                             policy=policy)
            version = seen_version + 1
        record_audit(session, actor=actor, action="quorum", entity_type="decision", entity_id=decision_id,
                     entity_name=f"MDR-{decision.number:04d}", before=before, after=policy, summary=summary)
        return version


__all__ = ["quorum_policy", "set_quorum_policy"]
