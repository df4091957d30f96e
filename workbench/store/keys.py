"""Signer keys in the workspace: the registry of public keys seen (``signing_key``) and the trust store
(``trusted_key``). Public keys only; private keys stay in their files.

* **Registry**: every key that signed a record here, with the name and e-mail its key file claims. Rows may
  also arrive with a backup. Being registered means nothing for trust.
* **Trust store**: keys a person deliberately trusted, each bound to a person (name, e-mail), with who added
  it and when, and the fingerprint shown then. Adding, removing and revoking are audited (entity
  ``trusted_key``; the summary shows the fingerprint). One identity (e-mail) has at most one active trusted
  key: a second is refused until the first is revoked. A revoked entry stays, so verification says
  "revoked". The table is not part of workspace backups (:mod:`workbench.store.backup`).

Values are plain strings (key id = SHA-256 hex of the raw key, fingerprint ``SHA256:...``, PEM); computing
them from key material is :mod:`workbench.signing`'s job, combined here by :mod:`workbench.services.signing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from workbench.store.engine import read_session, write_session
from workbench.store.repository import NotFoundError, StoreError, record_audit
from workbench.store.tables import SigningKeyRow, TrustedKeyRow, utcnow

REGISTRY_ENTITY = "signing_key"
TRUST_ENTITY = "trusted_key"


class KeyStoreError(StoreError):
    """A key registration or trust change that cannot be made (the message says why); nothing was written."""


@dataclass(frozen=True)
class RegisteredKey:
    key_id: str
    name: str
    email: str
    public_key_pem: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class TrustEntry:
    key_id: str
    fingerprint: str
    name: str
    email: str
    public_key_pem: str
    added_at: datetime
    added_by: str
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def label(self) -> str:
        return f"{self.name} <{self.email}>"


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _registered(row: SigningKeyRow) -> RegisteredKey:
    return RegisteredKey(key_id=row.key_id, name=row.name, email=row.email, public_key_pem=row.public_key,
                         created_at=_aware(row.created_at) or row.created_at, created_by=row.created_by)


def _entry(row: TrustedKeyRow) -> TrustEntry:
    return TrustEntry(key_id=row.key_id, fingerprint=row.fingerprint, name=row.name, email=row.email,
                      public_key_pem=row.public_key, added_at=_aware(row.added_at) or row.added_at,
                      added_by=row.added_by, revoked_at=_aware(row.revoked_at), revoked_by=row.revoked_by,
                      revoke_reason=row.revoke_reason)


# --------------------------------------------------------------------------- registry


def register_in(session: Session, key_id: str, name: str, email: str, pem: str, actor: str) -> RegisteredKey:
    """Register a public key in an open transaction (idempotent: a known key id returns the stored entry)."""
    existing = session.exec(select(SigningKeyRow).where(SigningKeyRow.key_id == key_id)).first()
    if existing is not None:
        return _registered(existing)
    if not name.strip() or "@" not in email:
        raise KeyStoreError(f"key {key_id[:16]}…: a registered key needs its owner's name and e-mail")
    row = SigningKeyRow(key_id=key_id, name=name.strip(), email=email.strip(), public_key=pem, created_by=actor)
    session.add(row)
    session.flush()
    record_audit(session, actor=actor, action="register", entity_type=REGISTRY_ENTITY, entity_id=row.id,
                 entity_name=f"{row.name} <{row.email}>",
                 after={"key_id": row.key_id, "name": row.name, "email": row.email},
                 summary=f"registered public key {row.key_id[:16]}… of {row.name} <{row.email}> (not trusted by this)")
    return _registered(row)


def register_key(engine: Engine, key_id: str, name: str, email: str, pem: str, actor: str) -> RegisteredKey:
    with write_session(engine) as session:
        return register_in(session, key_id, name, email, pem, actor)


def list_registered(engine: Engine) -> list[RegisteredKey]:
    with read_session(engine) as session:
        rows = session.exec(select(SigningKeyRow).order_by(SigningKeyRow.name, SigningKeyRow.key_id)).all()
        return [_registered(r) for r in rows]


def registered_pems(engine: Engine) -> dict[str, str]:
    """key id -> PEM of every registered key (what a bundle's ``public_keys/`` is filled from)."""
    return {k.key_id: k.public_key_pem for k in list_registered(engine)}


# --------------------------------------------------------------------------- trust store


def list_trusted(engine: Engine, *, include_revoked: bool = True) -> list[TrustEntry]:
    with read_session(engine) as session:
        query = select(TrustedKeyRow).order_by(TrustedKeyRow.name, TrustedKeyRow.key_id)
        rows = [_entry(r) for r in session.exec(query).all()]
    return rows if include_revoked else [r for r in rows if not r.revoked]


def _by_key(session: Session, key_id: str) -> TrustedKeyRow | None:
    return session.exec(select(TrustedKeyRow).where(TrustedKeyRow.key_id == key_id)).first()


def _active_for(session: Session, email: str) -> TrustedKeyRow | None:
    query = select(TrustedKeyRow).where(func.lower(TrustedKeyRow.email) == email.strip().lower(),
                                        TrustedKeyRow.revoked_at.is_(None))  # type: ignore[union-attr]
    return session.exec(query).first()


def active_key_for(engine: Engine, email: str) -> TrustEntry | None:
    """The identity's active (trusted, not revoked) key, if any."""
    with read_session(engine) as session:
        row = _active_for(session, email)
        return _entry(row) if row is not None else None


def trust_key(
    engine: Engine, *, key_id: str, fingerprint: str, name: str, email: str, pem: str, actor: str,
) -> TrustEntry:
    """Add a key to the trust store, bound to ``name <email>``. Refused: a revoked key, a key already trusted
    for someone else, and a second active key for the same identity (revoke the first)."""
    name, email = name.strip(), email.strip()
    if not name or "@" not in email:
        raise KeyStoreError("a trusted key needs its owner's name and e-mail")
    with write_session(engine) as session:
        existing = _by_key(session, key_id)
        if existing is not None:
            if existing.revoked_at is not None:
                raise KeyStoreError(f"key {fingerprint} was revoked on {_aware(existing.revoked_at):%Y-%m-%d} by "
                                    f"{existing.revoked_by}; a revoked key cannot be trusted again")
            if existing.email.lower() != email.lower():
                raise KeyStoreError(f"key {fingerprint} is already trusted as {existing.name} <{existing.email}>")
            return _entry(existing)
        other = _active_for(session, email)
        if other is not None:
            raise KeyStoreError(
                f"{other.name} <{other.email}> already has a trusted key ({other.fingerprint}); one identity has one "
                f"active key: revoke it first (workbench keys revoke {other.key_id[:16]})")
        row = TrustedKeyRow(key_id=key_id, fingerprint=fingerprint, name=name, email=email, public_key=pem,
                            added_by=actor)
        session.add(row)
        session.flush()
        record_audit(session, actor=actor, action="trust", entity_type=TRUST_ENTITY, entity_id=row.id,
                     entity_name=f"{name} <{email}>",
                     after={"key_id": key_id, "fingerprint": fingerprint, "name": name, "email": email},
                     summary=f"trusted key {fingerprint} as {name} <{email}>")
        return _entry(row)


def untrust_key(engine: Engine, key_id: str, actor: str) -> TrustEntry:
    """Remove a key from the trust store (audited with its fingerprint). A revoked entry cannot be removed:
    the revocation is evidence."""
    with write_session(engine) as session:
        row = _by_key(session, key_id)
        if row is None:
            raise NotFoundError(f"key {key_id[:16]}… is not in the trust store")
        if row.revoked_at is not None:
            raise KeyStoreError(f"key {row.fingerprint} is revoked; a revocation stays in the trust store")
        entry = _entry(row)
        session.delete(row)
        record_audit(session, actor=actor, action="untrust", entity_type=TRUST_ENTITY, entity_id=row.id,
                     entity_name=entry.label, before={"key_id": key_id, "fingerprint": entry.fingerprint,
                                                      "name": entry.name, "email": entry.email},
                     summary=f"removed key {entry.fingerprint} of {entry.label} from the trust store")
        return entry


def revoke_key(
    engine: Engine, *, key_id: str, actor: str, reason: str, fingerprint: str = "", name: str = "",
    email: str = "", pem: str = "",
) -> TrustEntry:
    """Revoke a key (audited): signatures by it no longer count as trusted, and its identity may get a new
    key. A key not in the trust store gets a revoked entry (``fingerprint``/``name``/``email``/``pem`` needed)."""
    if not reason.strip():
        raise KeyStoreError("say why the key is revoked (e.g. 'lost laptop', 'replaced')")
    with write_session(engine) as session:
        row = _by_key(session, key_id)
        if row is None:
            if not (fingerprint and name.strip() and "@" in email and pem):
                raise NotFoundError(f"key {key_id[:16]}… is not in the trust store (give its public key to revoke it)")
            row = TrustedKeyRow(key_id=key_id, fingerprint=fingerprint, name=name.strip(), email=email.strip(),
                                public_key=pem, added_by=actor)
            session.add(row)
        elif row.revoked_at is not None:
            return _entry(row)
        row.revoked_at, row.revoked_by, row.revoke_reason = utcnow(), actor, reason.strip()
        session.flush()
        record_audit(session, actor=actor, action="revoke", entity_type=TRUST_ENTITY, entity_id=row.id,
                     entity_name=f"{row.name} <{row.email}>",
                     after={"key_id": key_id, "fingerprint": row.fingerprint, "reason": row.revoke_reason},
                     summary=f"revoked key {row.fingerprint} of {row.name} <{row.email}>: {row.revoke_reason}")
        return _entry(row)


__all__ = [
    "KeyStoreError", "RegisteredKey", "TrustEntry", "active_key_for", "list_registered", "list_trusted",
    "register_in", "register_key", "registered_pems", "revoke_key", "trust_key", "untrust_key",
]
