"""Integrity of accepted records: the body digest taken at acceptance, checked wherever a record is read.

Acceptance stores the SHA-256 of the body's RFC 8785 canonical JSON (``accepted_body_sha256``). A stored
record whose body no longer matches it was changed behind the workbench's back (a row edited in the
database, a restored backup that was tampered with): :func:`integrity_problem` says so in one sentence, and
the store, the pages, the CLI and the exports report it.
"""

from __future__ import annotations

from workbench.domain.mdr.model import MDR, ImmutableRecordError, MDRBody, MDRStatus
from workbench.domain.snapshot import canonical_json, snapshot_digest

#: Statuses whose body is frozen by a digest.
SEALED_STATUSES: frozenset[MDRStatus] = frozenset({MDRStatus.accepted, MDRStatus.superseded})


def body_digest(body: MDRBody) -> str:
    """SHA-256 hex of the body's RFC 8785 canonical JSON."""
    return snapshot_digest(canonical_json(body))


def integrity_problem(record: MDR) -> str | None:
    """None when the record is intact (or not yet accepted), else a sentence naming both digests."""
    try:
        check_integrity(record)
    except ImmutableRecordError as exc:
        return str(exc)
    return None


def check_integrity(record: MDR) -> None:
    """Raise :class:`ImmutableRecordError` if an accepted/superseded record's body no longer matches the
    digest taken at acceptance (e.g. a row edited behind the workbench's back)."""
    if record.front.status in SEALED_STATUSES:
        if record.accepted_body_sha256 is None:
            raise ImmutableRecordError(f"{record.id}: accepted record without a body digest")
        actual = body_digest(record.body)
        if actual != record.accepted_body_sha256:
            raise ImmutableRecordError(
                f"{record.id}: body changed after acceptance (sha256 {actual} != {record.accepted_body_sha256})"
            )
