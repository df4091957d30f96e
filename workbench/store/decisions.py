"""Decision records (MDRs) in the workspace: create, edit, lifecycle, supersede, sign, export, history.

What pages and the CLI call; each function is one transaction (``write_session``) and writes an audit event
(entity ``decision``, or ``signing_key``) in that transaction, so a record's history is its audit events
(:func:`decision_history`). Lifecycle and immutability rules come from :mod:`workbench.domain.mdr`; this
module adds numbering (MDR-0001, ...), the optimistic lock (callers pass the version the user saw) and the
signatures.

Signatures: the DSSE envelope (``DecisionRow.envelope``) covers the exact Markdown stored beside it
(``signed_record``) and the snapshot. Any edit or status change makes that Markdown stale, so it clears the
envelope (the audit event keeps the old one); superseding an accepted record keeps it (the accepted text is
immutable and the signed bundle still shows it as it was accepted). Only public keys are stored
(``signing_key``); private keys stay in their files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, update
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
    render_markdown,
    supersede,
    transition,
    with_body,
    with_people,
)
from workbench.domain.snapshot import SnapshotError, canonical_json
from workbench.io.mdr_bundle import (
    ENVELOPE_FILE,
    PUBLIC_KEY_DIR,
    RECORD_FILE,
    SNAPSHOT_FILE,
    BundleError,
    cosign_files,
    mdr_predicate,
    write_bundle_dir,
    zip_bytes,
)
from workbench.signing import (
    KeyInfo,
    PublicKey,
    SigningError,
    SigningKey,
    load_public_key,
    make_statement,
    public_key_pem,
    unsigned_envelope,
)
from workbench.store.engine import read_session, write_session
from workbench.store.repository import ConflictError, NotFoundError, StoreError, profiles, record_audit
from workbench.store.tables import AuditEvent, DecisionRow, SigningKeyRow, utcnow

ENTITY = "decision"
KEY_ENTITY = "signing_key"


class DecisionError(StoreError):
    """A decision-record change that cannot be made (the message says why); nothing was written."""


class ImmutableDecisionError(DecisionError):
    """An edit of an accepted (rejected, superseded) record's text."""


class SignerMismatchError(DecisionError):
    """The signed-in user is not the owner of the chosen key."""


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
        }


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _record(row: DecisionRow) -> DecisionRecord:
    assert row.id is not None
    return DecisionRecord(
        id=row.id, number=row.number, profile_id=row.profile_id, version=row.version,
        record=MDR.model_validate(row.body), snapshot=dict(row.snapshot), envelope=row.envelope,
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
    """Compare-and-swap on the version the user saw; ConflictError names who changed it."""
    result = session.execute(
        update(DecisionRow)
        .where(DecisionRow.id == row.id, DecisionRow.version == seen_version)  # type: ignore[arg-type]
        .values(**values, version=DecisionRow.version + 1, updated_at=utcnow(), updated_by=actor)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.expire_all()
        latest = session.get(DecisionRow, row.id)
        name = MDR.model_validate(row.body).id
        raise ConflictError(
            "decision record", name, seen_version, latest.version if latest else None,
            latest.updated_by if latest else "someone", _aware(latest.updated_at) if latest else None,
        )


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
) -> DecisionRecord:
    """Change the status (draft -> proposed -> accepted | rejected). Accepting a draft that was made to
    supersede an accepted record marks that record superseded and links both, in the same transaction."""
    with write_session(engine) as session:
        row = _row(session, id_)
        current = MDR.model_validate(row.body)
        try:
            new = transition(current, to, on=on)
        except MDRError as exc:
            raise _domain(exc) from exc
        old_row: DecisionRow | None = None
        if new.status == MDRStatus.accepted and row.supersedes_id is not None:
            old_row = _row(session, row.supersedes_id)
            try:
                old_new, new = supersede(MDR.model_validate(old_row.body), new, on=on)
            except MDRError as exc:
                raise _domain(exc) from exc
        clear, note = _cleared(row)
        _cas(session, row, seen_version, actor, status=new.status.value, body=json.loads(new.model_dump_json()),
             **clear)
        record_audit(session, actor=actor, action=_ACTIONS.get(new.status, new.status.value), entity_type=ENTITY,
                     entity_id=id_, entity_name=current.id,
                     before={"status": current.status.value} | ({"envelope": row.envelope} if note else {}),
                     after={"status": new.status.value, "date": new.front.date.isoformat()},
                     summary=f"{current.status.value} → {new.status.value}{note}")
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
            old_new, new_new = supersede(MDR.model_validate(old_row.body), MDR.model_validate(new_row.body))
        except MDRError as exc:
            raise _domain(exc) from exc
        _cas(session, new_row, new_row.version, actor, body=json.loads(new_new.model_dump_json()),
             supersedes_id=old_id)
        record_audit(session, actor=actor, action="supersede", entity_type=ENTITY, entity_id=new_id,
                     entity_name=new_new.id, after={"supersedes": old_new.id}, summary=f"supersedes {old_new.id}")
        _mark_superseded(session, old_row, old_new, new_row, actor)
        return _reload(session, old_id), _reload(session, new_id)


# --------------------------------------------------------------------------- keys and signatures


@dataclass(frozen=True)
class RegisteredKey:
    key_id: str
    name: str
    email: str
    public_key_pem: str
    created_at: datetime
    created_by: str

    def public_key(self) -> PublicKey:
        key = load_public_key(self.public_key_pem.encode("ascii"), name=self.name, email=self.email, origin="workspace")
        if key.key_id != self.key_id:
            raise DecisionError(f"registered key {self.key_id[:16]}… does not match its stored public key")
        return key


def _registered(row: SigningKeyRow) -> RegisteredKey:
    return RegisteredKey(key_id=row.key_id, name=row.name, email=row.email, public_key_pem=row.public_key,
                         created_at=_aware(row.created_at), created_by=row.created_by)


def _register(session: Session, key: PublicKey | KeyInfo, actor: str) -> RegisteredKey:
    if isinstance(key, KeyInfo):
        public = load_public_key(key.public_key.encode("ascii"), name=key.name, email=key.email)
    else:
        public = key
    existing = session.exec(select(SigningKeyRow).where(SigningKeyRow.key_id == public.key_id)).first()
    if existing is not None:
        return _registered(existing)
    if not public.name.strip() or "@" not in public.email:
        raise DecisionError(f"key {public.key_id[:16]}…: a registered key needs its owner's name and e-mail")
    row = SigningKeyRow(key_id=public.key_id, name=public.name.strip(), email=public.email.strip(),
                        public_key=public_key_pem(public.raw).decode("ascii"), created_by=actor)
    session.add(row)
    session.flush()
    record_audit(session, actor=actor, action="register", entity_type=KEY_ENTITY, entity_id=row.id,
                 entity_name=f"{row.name} <{row.email}>",
                 after={"key_id": row.key_id, "name": row.name, "email": row.email},
                 summary=f"registered public key {row.key_id[:16]}… of {row.name} <{row.email}>")
    return _registered(row)


def register_public_key(engine: Engine, key: PublicKey | KeyInfo, actor: str) -> RegisteredKey:
    """Register a signer's public key (idempotent: a known key id returns the stored entry)."""
    try:
        with write_session(engine) as session:
            return _register(session, key, actor)
    except SigningError as exc:
        raise DecisionError(str(exc)) from exc


def list_public_keys(engine: Engine) -> list[RegisteredKey]:
    with read_session(engine) as session:
        rows = session.exec(select(SigningKeyRow).order_by(SigningKeyRow.name, SigningKeyRow.key_id)).all()
        return [_registered(r) for r in rows]


def _app_version() -> str:
    try:
        from importlib.metadata import version

        return version("model-selection-workbench")
    except Exception:  # running from a checkout that was not installed
        return "0.1.0"


def _files(row: DecisionRow, keys: dict[str, str], *, exported_at: str | None = None) -> dict[str, bytes]:
    """The bundle files of a stored record: the signed Markdown and envelope when signed, else the current
    Markdown with a fresh unsigned envelope."""
    record = MDR.model_validate(row.body)
    snap = canonical_json(row.snapshot)
    if row.envelope and row.signed_record is not None:
        files = {RECORD_FILE: row.signed_record.encode("utf-8"), SNAPSHOT_FILE: snap,
                 ENVELOPE_FILE: canonical_json(row.envelope)}
        for entry in row.envelope.get("signatures", []):
            pem = keys.get(str(entry.get("keyid")))
            if pem:
                files[f"{PUBLIC_KEY_DIR}/{entry['keyid']}.pub"] = pem.encode("ascii")
        return files
    record_md = render_markdown(record).encode("utf-8")
    when = exported_at or datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    predicate = mdr_predicate(record, record_md, snap, exported_at=when, app_version=_app_version())
    statement = make_statement({RECORD_FILE: record_md, SNAPSHOT_FILE: snap}, predicate)
    return {RECORD_FILE: record_md, SNAPSHOT_FILE: snap, ENVELOPE_FILE: canonical_json(unsigned_envelope(statement))}


def _key_pems(session: Session) -> dict[str, str]:
    return {r.key_id: r.public_key for r in session.exec(select(SigningKeyRow)).all()}


def sign_decision(
    engine: Engine, id_: int, key: SigningKey, seen_version: int, actor: str,
    *, required_email: str | None = None, signed_at: str | None = None,
) -> DecisionRecord:
    """Add ``key``'s signature (the first one, or a co-signature over the same signed text). The key's public
    half is registered in the workspace if it is not yet. ``required_email``: the signed-in user's e-mail,
    which must be the key owner's (:class:`SignerMismatchError`)."""
    if required_email is not None and key.info.email.strip().lower() != required_email.strip().lower():
        raise SignerMismatchError(
            f"you are signed in as {required_email}, but key {key.key_id[:16]}… belongs to {key.info.email or 'nobody'}:"
            " sign with your own key")
    if not key.info.name or not key.info.email:
        raise DecisionError(f"key {key.key_id[:16]}… has no owner name/e-mail (its .json description is missing)")
    with write_session(engine) as session:
        row = _row(session, id_)
        record = MDR.model_validate(row.body)
        registered = _register(session, key.public_key, actor)
        if registered.email.lower() != key.info.email.lower():
            raise SignerMismatchError(f"key {key.key_id[:16]}… is registered to {registered.email}, not {key.info.email}")
        files = _files(row, _key_pems(session), exported_at=signed_at)
        try:
            signed = cosign_files(files, key, signed_at=signed_at)
        except (BundleError, SigningError) as exc:
            raise DecisionError(f"{record.id}: {exc}") from exc
        envelope = json.loads(signed[ENVELOPE_FILE].decode("utf-8"))
        _cas(session, row, seen_version, actor, envelope=envelope,
             signed_record=signed[RECORD_FILE].decode("utf-8"))
        n = len(envelope["signatures"])
        record_audit(session, actor=actor, action="sign", entity_type=ENTITY, entity_id=id_, entity_name=record.id,
                     after={"key_id": key.key_id, "name": key.info.name, "email": key.info.email, "signatures": n},
                     summary=f"signed by {key.info.name} <{key.info.email}> (key {key.key_id[:16]}…, "
                             f"{'co-signature' if n > 1 else 'first signature'}, status {record.status.value})")
        return _reload(session, id_)


def bundle_files(engine: Engine, id_: int, *, exported_at: str | None = None) -> dict[str, bytes]:
    """The record's bundle in memory (name -> bytes): what the page offers as a zip download."""
    with read_session(engine) as session:
        return _files(_row(session, id_), _key_pems(session), exported_at=exported_at)


def bundle_zip(engine: Engine, id_: int) -> tuple[str, bytes]:
    """(file name, zip bytes) of the record's bundle."""
    record = get_decision(engine, id_)
    return f"{record.mdr_id}.zip", zip_bytes(bundle_files(engine, id_), folder=record.mdr_id)


def export_decision(engine: Engine, id_: int, out_dir: Path | str) -> Path:
    """Write ``out_dir/<MDR id>/`` and ``out_dir/<MDR id>.zip``; return the bundle directory."""
    record = get_decision(engine, id_)
    out = Path(out_dir)
    directory = out / record.mdr_id
    if directory.exists() and any(directory.iterdir()):
        raise DecisionError(f"{directory}: already exists and is not empty; export to another directory")
    files = bundle_files(engine, id_)
    write_bundle_dir(files, directory)
    (out / f"{record.mdr_id}.zip").write_bytes(zip_bytes(files, folder=record.mdr_id))
    return directory
