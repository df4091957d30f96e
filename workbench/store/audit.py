"""The audit log's hash chain: each event carries the hash of the previous one, so an edit shows.

``chain_hash = SHA-256(canonical JSON of {prev, at, actor, action, entity_type, entity_id, entity_name, summary,
before, after, imported_from})`` with ``prev`` the previous event's (by id) ``chain_hash`` ("" for the first).
Canonical JSON: keys sorted, no spaces, UTF-8; ``at`` as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC. The same
construction as a Git or certificate-transparency log (a hash chain, Haber & Stornetta 1991): changing an
event's content breaks its own hash; inserting, deleting or reordering events breaks the next event's ``prev``.

Writers hold one lock while they append (SQLite: the ``BEGIN IMMEDIATE`` write lock every write takes;
PostgreSQL: a transaction-scoped advisory lock taken before the event's id is drawn), so ids follow commit
order and the chain never forks. :func:`verify_chain` re-computes it (``workbench audit verify``).

What the chain does not do: someone with write access to the database can rewrite the whole chain from the
edited event on. Exporting the newest hash elsewhere (a backup, a signed record) pins everything before it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workbench.store.tables import AuditEvent

CHAINED = ("at", "actor", "action", "entity_type", "entity_id", "entity_name", "summary", "before", "after",
           "imported_from")
_LOCK_KEY = 0x77625F61756469  # "wb_audi": the advisory lock that serialises appends on PostgreSQL


def _table() -> sa.Table:
    return AuditEvent.__table__  # type: ignore[attr-defined]


def _at(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # SQLite: written in UTC
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def event_hash(prev: str | None, event: Mapping[str, Any] | sa.RowMapping) -> str:
    """The chain hash of ``event`` (a row mapping) after the event whose hash is ``prev``."""
    payload = {name: _at(event.get(name)) for name in CHAINED}
    payload["prev"] = prev or ""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lock_chain(conn: Connection) -> None:
    """Hold the append lock until this transaction ends (a no-op on SQLite: writes already hold its lock)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})


def seal(conn: Connection, event_id: int) -> str:
    """Compute and store ``prev_hash``/``chain_hash`` of event ``event_id`` (call :func:`lock_chain` before its
    insert). Returns its hash."""
    table = _table()
    row = conn.execute(sa.select(table).where(table.c.id == event_id)).mappings().one()
    prev = conn.execute(sa.select(table.c.chain_hash).where(table.c.id < event_id)
                        .order_by(table.c.id.desc()).limit(1)).scalar()
    digest = event_hash(prev, row)
    conn.execute(table.update().where(table.c.id == event_id).values(prev_hash=prev, chain_hash=digest))
    return digest


@dataclass
class ChainReport:
    """What :func:`verify_chain` found: ``problems`` empty means every event is as it was written."""

    events: int = 0
    head: str | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        """The ``workbench audit verify --json`` document."""
        return {"intact": self.intact, "events": self.events, "head": self.head, "problems": self.problems}


def verify_chain(conn: Connection, limit: int = 100) -> ChainReport:
    """Walk the log in id order: every event's ``prev_hash`` must be the previous event's hash and its own
    hash must match its content. Reports at most ``limit`` problems."""
    table = _table()
    report = ChainReport()
    previous: Mapping[str, Any] | sa.RowMapping | None = None
    for row in conn.execute(sa.select(table).order_by(table.c.id)).mappings():
        report.events += 1
        expected_prev = previous["chain_hash"] if previous is not None else None
        where = {"id": row["id"], "at": _at(row["at"]), "actor": row["actor"], "action": row["action"]}
        if row["chain_hash"] is None:
            report.problems.append({**where, "problem": "not sealed (no chain hash): written outside the workbench"})
        elif row["prev_hash"] != expected_prev:
            before = f"event #{previous['id']}" if previous is not None else "the start of the log"
            report.problems.append({**where, "problem": f"does not follow {before}: an event was inserted, "
                                                       "deleted or reordered here"})
        elif event_hash(row["prev_hash"], row) != row["chain_hash"]:
            report.problems.append({**where, "problem": "its content does not match its hash: edited after "
                                                       "it was written"})
        if len(report.problems) >= limit:
            break
        previous = row
    report.head = previous["chain_hash"] if previous is not None else None
    return report


def verify_audit_log(engine: sa.Engine, limit: int = 100) -> ChainReport:
    """:func:`verify_chain` in one read transaction of ``engine``."""
    with engine.connect() as conn, conn.begin():
        return verify_chain(conn, limit)


__all__ = ["CHAINED", "ChainReport", "event_hash", "lock_chain", "seal", "verify_audit_log", "verify_chain"]
