"""Accepted records survive a backup restore unchanged, or the change is explicit and audited.

:func:`accepted_rewrites` compares a restore's incoming ``decision`` rows with the workspace's accepted
(or superseded) records: a replace that would remove one, change its text (title, the seven sections, the
accepted digest) or its signatures (envelope, signed Markdown) is listed; so is an incoming accepted record
whose text does not match its own accepted digest (tampered in the file). The restore refuses when the list
is not empty, unless the person gives an explicit override; then :func:`mark_rewritten` writes one audit
event per record (action ``rewritten_after_acceptance``) in the restore's transaction, and
:func:`rewritten_after_acceptance` reports it wherever the record is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session, select

from workbench.domain.mdr import MDR, format_mdr_id, integrity_problem
from workbench.store.engine import read_session
from workbench.store.repository import record_audit
from workbench.store.tables import AuditEvent, DecisionRow

SEALED = frozenset({"accepted", "superseded"})
ACTION = "rewritten_after_acceptance"


@dataclass(frozen=True)
class Rewrite:
    number: int
    mdr_id: str
    what: str

    def __str__(self) -> str:
        return f"{self.mdr_id}: {self.what}"


def _text(body: Any) -> tuple[Any, ...]:
    try:
        record = MDR.model_validate(body)
    except ValidationError:
        return ("unreadable", repr(body)[:200])
    return record.title, record.body.model_dump(mode="json"), record.accepted_body_sha256


def accepted_rewrites(engine: Engine, incoming: Sequence[Mapping[str, Any]], mode: str) -> list[Rewrite]:
    """What a restore of ``incoming`` decision rows (column name -> value) would do to accepted records."""
    out: list[Rewrite] = []
    by_number = {int(r["number"]): r for r in incoming if r.get("number") is not None}
    for row in incoming:
        if row.get("status") in SEALED:
            try:
                problem = integrity_problem(MDR.model_validate(row["body"]))
            except (ValidationError, KeyError):
                problem = "not a readable record"
            if problem:
                out.append(Rewrite(int(row["number"]), format_mdr_id(int(row["number"])), f"in the backup: {problem}"))
    if mode != "replace":  # a merge keeps existing rows (a differing one is a reported conflict)
        return out
    with read_session(engine) as session:
        current = session.exec(select(DecisionRow).where(DecisionRow.status.in_(SEALED))).all()  # type: ignore[attr-defined]
        for old in current:
            mdr_id, new = format_mdr_id(old.number), by_number.get(old.number)
            if new is None:
                out.append(Rewrite(old.number, mdr_id, f"{old.status} record would be removed"))
                continue
            changed = []
            if _text(new.get("body")) != _text(old.body):
                changed.append("text")
            if new.get("envelope") != old.envelope or new.get("signed_record") != old.signed_record:
                changed.append("signatures")
            if changed:
                out.append(Rewrite(old.number, mdr_id, f"{old.status} record's {' and '.join(changed)} would change"))
    return out


def mark_rewritten(session: Session, rewrites: Sequence[Rewrite], *, actor: str, source: str) -> None:
    """Audit each rewritten record (in the restore's transaction, after its rows are in place)."""
    for r in rewrites:
        row = session.exec(select(DecisionRow).where(DecisionRow.number == r.number)).first()
        record_audit(session, actor=actor, action=ACTION, entity_type="decision",
                     entity_id=row.id if row is not None else None, entity_name=r.mdr_id,
                     after={"source": source[:200], "change": r.what},
                     summary=f"rewritten after acceptance by a backup restore from {source[:120]} "
                             f"(override given by {actor}): {r.what}")


def rewritten_after_acceptance(engine: Engine, decision_id: int) -> list[str]:
    """The summaries of the record's ``rewritten_after_acceptance`` events (empty when never rewritten)."""
    with read_session(engine) as session:
        query = select(AuditEvent).where(AuditEvent.entity_type == "decision", AuditEvent.entity_id == decision_id,
                                         AuditEvent.action == ACTION)
        return [e.summary for e in session.exec(query).all()]


__all__ = ["ACTION", "Rewrite", "accepted_rewrites", "mark_rewritten", "rewritten_after_acceptance"]
