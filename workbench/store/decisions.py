"""Decision records (MDRs) in the workspace: create, edit, lifecycle, supersede, sign, export, history.

What pages and the CLI call; each function is one transaction (``write_session``) and writes an audit event
(entity ``decision``, or ``signing_key``) in that transaction, so a record's history is its audit events
(:func:`decision_history`). Lifecycle and immutability rules come from :mod:`workbench.domain.mdr`; this
module adds numbering (MDR-0001, ...), the optimistic lock (callers pass the version the user saw) and the
signatures.

Signatures: the DSSE envelope (``DecisionRow.envelope``) covers the exact Markdown stored beside it
(``signed_record``) and the snapshot. An edit or a status change other than acceptance makes that Markdown
stale, so it clears the envelope (the audit event keeps the old one); accepting keeps it (the approvals
signed the proposed text, which acceptance freezes), and so does superseding. Signing itself, keys and the
trust store: :mod:`workbench.services.signing`, :mod:`workbench.store.keys`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from workbench.domain.mdr import (
    EDITABLE_STATUSES,
    MDR,
    ImmutableRecordError,
    MDRError,
    MDRStatus,
    flatten_body,
    format_mdr_id,
    integrity_problem,
    supersede,
    transition,
    with_body,
    with_people,
)
from workbench.domain.snapshot import SnapshotError, canonical_json
from workbench.store.audit import lock_chain
from workbench.store.engine import read_session, write_session
from workbench.store.repository import NotFoundError, StoreError, compare_and_swap, profiles, record_audit
from workbench.store.tables import AuditEvent, DecisionRow

ENTITY = "decision"


class DecisionError(StoreError):
    """A decision-record change that cannot be made (the message says why); nothing was written."""


class ImmutableDecisionError(DecisionError):
    """An edit of an accepted (rejected, superseded) record's text."""


@dataclass(frozen=True)
class DecisionRecord:
    """A stored record: row columns plus the validated MDR."""

    id: int
    number: int
    profile_id: int
    version: int
    record: MDR
    snapshot: dict[str, Any]
    envelope: dict[str, Any] | None
    signed_record: str | None
    supersedes_id: int | None
    superseded_by_id: int | None
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    #: None when intact; else why the accepted text no longer matches its digest (see :func:`integrity_problem`)
    integrity: str | None = None

    @property
    def mdr_id(self) -> str:
        return self.record.id

    @property
    def status(self) -> MDRStatus:
        return self.record.front.status

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def signature_count(self) -> int:
        return len(self.envelope.get("signatures", [])) if self.envelope else 0

    @property
    def signer_key_ids(self) -> list[str]:
        return [str(s.get("keyid", "")) for s in (self.envelope or {}).get("signatures", [])]

    def summary(self) -> dict[str, Any]:
        """What lists and ``--json`` documents show (no body, no snapshot)."""
        return {
            "id": self.id, "mdr_id": self.mdr_id, "number": self.number, "title": self.record.title,
            "status": self.status.value, "profile": self.record.profile_name, "profile_id": self.profile_id,
            "version": self.version, "signatures": self.signature_count,
            "supersedes": self.record.front.supersedes, "superseded_by": self.record.front.superseded_by,
            "created_at": self.created_at.isoformat(), "created_by": self.created_by,
            "updated_at": self.updated_at.isoformat(), "updated_by": self.updated_by,
            "integrity": "tampered" if self.integrity else "ok", "integrity_problem": self.integrity,
        }


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _record(row: DecisionRow) -> DecisionRecord:
    assert row.id is not None
    record = MDR.model_validate(row.body)
    return DecisionRecord(
        id=row.id, number=row.number, profile_id=row.profile_id, version=row.version, integrity=integrity_problem(record),
        record=record, snapshot=dict(row.snapshot), envelope=row.envelope,
        signed_record=row.signed_record, supersedes_id=row.supersedes_id, superseded_by_id=row.superseded_by_id,
        created_at=_aware(row.created_at), created_by=row.created_by,
        updated_at=_aware(row.updated_at), updated_by=row.updated_by,
    )


def _audit_body(record: MDR) -> dict[str, Any]:
    """The record as the audit log keeps it (the generated draft is left out: it never changes)."""
    return json.loads(record.model_dump_json(exclude={"generated"}))


def _row(session: Session, id_: int) -> DecisionRow:
    row = session.get(DecisionRow, id_)
    if row is None:
        raise NotFoundError(f"decision record #{id_} does not exist")
    return row


def _cas(session: Session, row: DecisionRow, seen_version: int, actor: str, **values: Any) -> None:
    """The repository's optimistic lock (:func:`workbench.store.repository.compare_and_swap`) on a record row."""
    assert row.id is not None
    compare_and_swap(session, DecisionRow, row.id, seen_version, actor, "decision record",
                     str(row.body.get("id", f"#{row.id}")), **values)


def _reload(session: Session, id_: int) -> DecisionRecord:
    session.expire_all()
    return _record(_row(session, id_))


def _domain(exc: MDRError) -> DecisionError:
    if isinstance(exc, ImmutableRecordError):
        return ImmutableDecisionError(str(exc))
    return DecisionError(str(exc))


# --------------------------------------------------------------------------- reads


def list_decisions(engine: Engine, profile_id: int | None = None) -> list[DecisionRecord]:
    """Records, newest number first (optionally of one profile)."""
    with read_session(engine) as session:
        query = select(DecisionRow)
        if profile_id is not None:
            query = query.where(DecisionRow.profile_id == profile_id)
        rows = session.exec(query.order_by(DecisionRow.number.desc())).all()  # type: ignore[attr-defined]
        return [_record(r) for r in rows]


def get_decision(engine: Engine, id_: int) -> DecisionRecord:
    with read_session(engine) as session:
        return _record(_row(session, id_))


def decision_by_ref(engine: Engine, ref: str) -> DecisionRecord:
    """A record by its MDR id (``MDR-0007``) or number (``7``)."""
    text = ref.strip().upper().removeprefix("MDR-")
    if not text.isdigit():
        raise NotFoundError(f"{ref!r} is not a record id; use MDR-0007 or 7")
    with read_session(engine) as session:
        row = session.exec(select(DecisionRow).where(DecisionRow.number == int(text))).first()
        if row is None:
            raise NotFoundError(f"no decision record {format_mdr_id(int(text))}")
        return _record(row)


def decision_history(engine: Engine, id_: int) -> list[AuditEvent]:
    """The record's audit events, oldest first (its history)."""
    with read_session(engine) as session:
        query = (select(AuditEvent).where(AuditEvent.entity_type == ENTITY, AuditEvent.entity_id == id_)
                 .order_by(AuditEvent.id))  # type: ignore[arg-type]
        return list(session.exec(query).all())


# --------------------------------------------------------------------------- create / edit


def _next_number(session: Session) -> int:
    """The next record number. Taken under the audit log's append lock (held to the end of the transaction,
    which writes the draft's audit event anyway), so concurrent drafts on PostgreSQL queue instead of
    colliding on the unique number; SQLite writes are serialised already."""
    lock_chain(session.connection())
    return int(session.scalar(select(func.max(DecisionRow.number))) or 0) + 1


def create_decision(
    engine: Engine, profile_id: int, record: MDR, snapshot: dict[str, Any], actor: str,
    *, supersedes_id: int | None = None,
) -> DecisionRecord:
    """Store a new draft; it gets the next number (its id becomes ``MDR-<number>``). With
    ``supersedes_id`` the draft is meant to replace that accepted record: accepting the draft marks the old
    one superseded (both rows, one transaction)."""
    try:
        canonical_json(snapshot)
    except SnapshotError as exc:
        raise DecisionError(f"snapshot: {exc}") from exc
    if record.front.status != MDRStatus.draft:
        raise DecisionError(f"a new record starts as a draft, not {record.front.status.value}")
    with write_session(engine) as session:
        profiles.get(session, profile_id)  # NotFoundError if the profile is gone
        number = _next_number(session)
        front = record.front
        if supersedes_id is not None:
            old = _record(_row(session, supersedes_id))
            if old.status != MDRStatus.accepted:
                raise DecisionError(
                    f"{old.mdr_id} is {old.status.value}: only an accepted record can be superseded")
            front = front.model_copy(update={"supersedes": old.mdr_id})
        stored = record.model_copy(update={"id": format_mdr_id(number), "front": front})
        row = DecisionRow(
            profile_id=profile_id, number=number, title=stored.title, status=stored.status.value,
            body=json.loads(stored.model_dump_json()), snapshot=snapshot, supersedes_id=supersedes_id,
            created_by=actor, updated_by=actor,
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError as exc:  # two drafts at once on a server database: ask to retry
            raise DecisionError("another record took the same number at the same moment; draft again") from exc
        assert row.id is not None
        summary = f"drafted {stored.id} for profile '{stored.profile_name}'"
        if supersedes_id is not None:
            summary += f" to supersede {front.supersedes}"
        record_audit(session, actor=actor, action="draft", entity_type=ENTITY, entity_id=row.id,
                     entity_name=stored.id, after=_audit_body(stored), summary=summary)
        return _record(row)


def _changed_fields(before: MDR, after: MDR) -> list[str]:
    b, a = flatten_body(before.body), flatten_body(after.body)
    fields = [p for p in list(b) + [p for p in a if p not in b] if b.get(p) != a.get(p)]
    for name in ("decision_makers", "consulted", "informed"):
        if getattr(before.front, name) != getattr(after.front, name):
            fields.append(name.replace("_", "-"))
    if before.title != after.title:
        fields.append("title")
    return fields


def _cleared(row: DecisionRow) -> tuple[dict[str, Any], str]:
    """Values that clear the signatures, and the audit note (empty when there were none)."""
    if not row.envelope:
        return {}, ""
    n = len(row.envelope.get("signatures", []))
    return {"envelope": None, "signed_record": None}, f"; {n} signature(s) cleared (they covered the old text)"


def save_decision(engine: Engine, id_: int, record: MDR, seen_version: int, actor: str) -> DecisionRecord:
    """Save the title, people and the seven sections of a draft or proposed record (status, links and the
    generated draft are kept from the stored record). An accepted record's text is immutable:
    :class:`ImmutableDecisionError`."""
    with write_session(engine) as session:
        row = _row(session, id_)
        current = MDR.model_validate(row.body)
        try:
            merged = with_body(current, record.body)
            merged = with_people(merged, decision_makers=record.front.decision_makers,
                                 consulted=record.front.consulted, informed=record.front.informed,
                                 title=record.title)
        except MDRError as exc:
            raise _domain(exc) from exc
        if row.version != seen_version:
            _cas(session, row, seen_version, actor)  # raises the conflict naming who saved
        fields = _changed_fields(current, merged)
        if not fields:
            return _record(row)
        clear, note = _cleared(row)
        _cas(session, row, seen_version, actor, title=merged.title, body=json.loads(merged.model_dump_json()), **clear)
        shown = ", ".join(fields[:6]) + (f" and {len(fields) - 6} more" if len(fields) > 6 else "")
        record_audit(session, actor=actor, action="update", entity_type=ENTITY, entity_id=id_,
                     entity_name=current.id, before=_audit_body(current) | ({"envelope": row.envelope} if note else {}),
                     after=_audit_body(merged), summary=f"{shown} changed{note}")
        return _reload(session, id_)


# --------------------------------------------------------------------------- lifecycle


_ACTIONS = {MDRStatus.proposed: "propose", MDRStatus.accepted: "accept", MDRStatus.rejected: "reject"}


def transition_decision(
    engine: Engine, id_: int, to: MDRStatus | str, seen_version: int, actor: str, *, on: date | None = None,
    reason: str | None = None,
) -> DecisionRecord:
    """Change the status (draft -> proposed -> accepted | rejected; ``reason`` is kept with a rejection).
    Accepting a draft that was made to supersede an accepted record marks that record superseded and links
    both, in the same transaction."""
    with write_session(engine) as session:
        row = _row(session, id_)
        current = MDR.model_validate(row.body)
        try:
            new = transition(current, to, on=on or datetime.now(UTC).date(), reason=reason)
        except MDRError as exc:
            raise _domain(exc) from exc
        old_row: DecisionRow | None = None
        if new.status == MDRStatus.accepted and row.supersedes_id is not None:
            old_row = _row(session, row.supersedes_id)
            try:
                old_new, new = supersede(MDR.model_validate(old_row.body), new, on=on or datetime.now(UTC).date())
            except MDRError as exc:
                raise _domain(exc) from exc
        # approvals signed the proposed text and stay when it is accepted (the quorum is checked before:
        # workbench.services.signing.check_acceptance); any other status change clears the signatures
        clear, note = ({}, "") if new.status == MDRStatus.accepted else _cleared(row)
        _cas(session, row, seen_version, actor, status=new.status.value, body=json.loads(new.model_dump_json()),
             **clear)
        record_audit(session, actor=actor, action=_ACTIONS.get(new.status, new.status.value), entity_type=ENTITY,
                     entity_id=id_, entity_name=current.id,
                     before={"status": current.status.value} | ({"envelope": row.envelope} if note else {}),
                     after={"status": new.status.value, "date": new.front.date.isoformat()},
                     summary=f"{current.status.value} → {new.status.value}{note}"
                             + (f": {new.front.rejection_reason}" if new.front.rejection_reason else ""))
        if old_row is not None:
            _mark_superseded(session, old_row, old_new, row, actor)
        return _reload(session, id_)


def _mark_superseded(session: Session, old_row: DecisionRow, old_new: MDR, new_row: DecisionRow, actor: str) -> None:
    """Write the superseded status and the reverse link on the old record (keeps its signatures)."""
    _cas(session, old_row, old_row.version, actor, status=old_new.status.value,
         body=json.loads(old_new.model_dump_json()), superseded_by_id=new_row.id)
    record_audit(session, actor=actor, action="supersede", entity_type=ENTITY, entity_id=old_row.id,
                 entity_name=old_new.id, before={"status": "accepted"},
                 after={"status": old_new.status.value, "superseded_by": old_new.front.superseded_by},
                 summary=f"superseded by {old_new.front.superseded_by}")


def supersede_decision(engine: Engine, old_id: int, new_id: int, actor: str) -> tuple[DecisionRecord, DecisionRecord]:
    """Link two accepted records: ``old`` becomes superseded by ``new`` (both rows, one transaction)."""
    with write_session(engine) as session:
        old_row, new_row = _row(session, old_id), _row(session, new_id)
        try:
            old_new, new_new = supersede(MDR.model_validate(old_row.body), MDR.model_validate(new_row.body),
                                         on=datetime.now(UTC).date())
        except MDRError as exc:
            raise _domain(exc) from exc
        _cas(session, new_row, new_row.version, actor, body=json.loads(new_new.model_dump_json()),
             supersedes_id=old_id)
        record_audit(session, actor=actor, action="supersede", entity_type=ENTITY, entity_id=new_id,
                     entity_name=new_new.id, after={"supersedes": old_new.id}, summary=f"supersedes {old_new.id}")
        _mark_superseded(session, old_row, old_new, new_row, actor)
        return _reload(session, old_id), _reload(session, new_id)


# --------------------------------------------------------------------------- signatures


def record_signatures(
    engine: Engine, id_: int, envelope: dict[str, Any], signed_record: str, seen_version: int, actor: str,
    *, audit_after: dict[str, Any], summary: str,
) -> DecisionRecord:
    """Store the record's DSSE envelope and the exact Markdown its signatures cover (optimistic lock on the
    version the user saw), with an audit event ``sign``. Building and checking the signatures is
    :mod:`workbench.services.signing`'s job."""
    with write_session(engine) as session:
        row = _row(session, id_)
        _cas(session, row, seen_version, actor, envelope=envelope, signed_record=signed_record)
        record_audit(session, actor=actor, action="sign", entity_type=ENTITY, entity_id=id_,
                     entity_name=format_mdr_id(row.number), after=audit_after, summary=summary)
        return _reload(session, id_)
