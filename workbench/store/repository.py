"""Repositories: versioned, audited CRUD for the editable entities.

Every write happens inside a caller's ``write_session`` and records an :class:`AuditEvent` in the
same transaction. Saves are optimistic: the caller passes the version it showed the user; if
someone saved in between, :class:`ConflictError` names who and when, and nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from workbench.domain.models import Candidate, Profile
from workbench.domain.scenario import Scenario
from workbench.store.audit import lock_chain, seal
from workbench.store.tables import AuditEvent, CandidateRow, ProfileRow, ScenarioRow, utcnow

M = TypeVar("M", bound=BaseModel)


class StoreError(Exception):
    """A user-facing storage error."""


class NotFoundError(StoreError):
    pass


class DuplicateNameError(StoreError):
    pass


class ConflictError(StoreError):
    """Someone else saved the row after this user loaded it."""

    def __init__(self, entity: str, name: str, seen: int, current: int | None, by: str, at: datetime | None):
        self.entity, self.name, self.seen, self.current, self.by, self.at = entity, name, seen, current, by, at
        if current is None:
            message = f"{entity} '{name}' was deleted by {by} while you were editing it."
        else:
            when = at.strftime("%Y-%m-%d %H:%M:%S UTC") if at else "recently"
            message = (
                f"{entity} '{name}' was changed by {by} at {when} (version {current}; you edited version "
                f"{seen}). Your changes were not saved: reload to see theirs, then apply yours again."
            )
        super().__init__(message)


@dataclass(frozen=True)
class Record(Generic[M]):
    """A stored entity: its id and version (for the optimistic lock) and the domain model."""

    id: int
    version: int
    model: M
    updated_at: datetime
    updated_by: str
    origin: str = "user"


def body_of(model: BaseModel) -> dict[str, Any]:
    # mode="json" gives plain JSON types (dates as ISO strings), identical on SQLite and PostgreSQL.
    return json.loads(model.model_dump_json())


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: int | None,
    entity_name: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
) -> None:
    """Append one audit event to the hash chain (:mod:`workbench.store.audit`), in the caller's transaction."""
    session.flush()  # the caller's pending rows first: the event follows them
    lock_chain(session.connection())
    event = AuditEvent(
        actor=actor or "anonymous",
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        entity_name=entity_name,
        before=before,
        after=after,
        summary=summary or describe_change(before, after),
    )
    session.add(event)
    session.flush()
    assert event.id is not None
    seal(session.connection(), event.id)
    session.expire(event)


def describe_change(before: dict[str, Any] | None, after: dict[str, Any] | None, limit: int = 6) -> str:
    """Name the top-level fields that differ, e.g. 'pricing, context_window changed'."""
    if before is None and after is not None:
        return "created"
    if after is None and before is not None:
        return "deleted"
    if before is None or after is None:
        return ""
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if not changed:
        return "no changes"
    shown = ", ".join(changed[:limit]) + (f" and {len(changed) - limit} more" if len(changed) > limit else "")
    return f"{shown} changed"


def compare_and_swap(
    session: Session, table: type[SQLModel], id_: int, seen_version: int, actor: str, entity: str, label: str,
    /, **values: Any,
) -> None:
    """The optimistic lock, the one implementation for every versioned table (``id, version, updated_at,
    updated_by`` columns): ``UPDATE table SET values, version = version + 1, updated_at, updated_by WHERE id = ?
    AND version = seen_version``. When no row matched, someone saved (or deleted) the row since the user saw
    ``seen_version``: :class:`ConflictError` names who and when, and nothing is written."""
    result = session.execute(
        update(table)
        .where(table.id == id_, table.version == seen_version)  # type: ignore[attr-defined]
        .values(**values, version=table.version + 1, updated_at=utcnow(), updated_by=actor)  # type: ignore[attr-defined]
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.expire_all()
        latest: Any = session.get(table, id_)
        raise ConflictError(
            entity, label, seen_version, latest.version if latest else None,
            latest.updated_by if latest else "someone", latest.updated_at if latest else None,
        )


def compare_and_delete(
    session: Session, table: type[SQLModel], id_: int, seen_version: int, entity: str, name: str,
) -> None:
    """The optimistic lock for a delete: ``DELETE FROM table WHERE id = ? AND version = seen_version``.

    The version condition is in the DELETE itself, so it holds on every database: on PostgreSQL (READ
    COMMITTED) a concurrent save that committed version 2 makes the DELETE re-check its WHERE against the
    new row and match nothing; reading the version first and deleting afterwards would delete version 2.
    No row matched: :class:`ConflictError` names who saved since (or who deleted it)."""
    result = session.execute(
        delete(table)
        .where(table.id == id_, table.version == seen_version)  # type: ignore[attr-defined]
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.expire_all()
        latest: Any = session.get(table, id_)
        raise ConflictError(
            entity, name, seen_version, latest.version if latest else None,
            latest.updated_by if latest else "someone", latest.updated_at if latest else None,
        )
    session.expire_all()


class VersionedRepository(Generic[M]):
    """CRUD for a table with ``id, name, body, version, updated_at, updated_by`` columns."""

    entity: str
    table: type[SQLModel]
    model: type[M]

    def __init__(self, entity: str, table: type[SQLModel], model: type[M]):
        self.entity, self.table, self.model = entity, table, model

    # -- hooks for table-specific columns and scoping (e.g. scenarios of one profile)
    def extra_columns(self, model: M) -> dict[str, Any]:
        return {}

    def scoped(self, query: Any) -> Any:
        return query

    # -- reads
    def _record(self, row: Any) -> Record[M]:
        return Record(
            id=row.id,
            version=row.version,
            model=self.model.model_validate(row.body),
            updated_at=row.updated_at,
            updated_by=row.updated_by,
            origin=getattr(row, "origin", "user"),
        )

    def list(self, session: Session) -> list[Record[M]]:
        rows = session.exec(self.scoped(select(self.table)).order_by(self.table.name)).all()  # type: ignore[attr-defined]
        return [self._record(row) for row in rows]

    def count(self, session: Session) -> int:
        return int(session.exec(self.scoped(select(func.count()).select_from(self.table))).one())

    def get(self, session: Session, id_: int) -> Record[M]:
        row = session.get(self.table, id_)
        if row is None:
            raise NotFoundError(f"{self.entity} #{id_} does not exist (deleted?)")
        return self._record(row)

    def by_name(self, session: Session, name: str) -> Record[M] | None:
        row = session.exec(self.scoped(select(self.table)).where(self.table.name == name)).first()  # type: ignore[attr-defined]
        return self._record(row) if row else None

    def require(self, session: Session, name: str) -> Record[M]:
        record = self.by_name(session, name)
        if record is None:
            known = ", ".join(r.model.name for r in self.list(session)[:8])  # type: ignore[attr-defined]
            raise NotFoundError(f"no {self.entity} named {name!r} (known: {known or 'none'})")
        return record

    # -- writes
    def create(self, session: Session, model: M, actor: str, origin: str = "user", action: str = "create") -> Record[M]:
        name = model.name  # type: ignore[attr-defined]
        if self.by_name(session, name) is not None:
            raise DuplicateNameError(f"a {self.entity} named {name!r} already exists; choose another name")
        body = body_of(model)
        columns = {"name": name, "body": body, "updated_by": actor, **self.extra_columns(model)}
        if "origin" in self.table.model_fields:
            columns["origin"] = origin
        row = self.table(**columns)
        session.add(row)
        try:
            session.flush()
        except IntegrityError as exc:
            raise DuplicateNameError(f"a {self.entity} named {name!r} already exists; choose another name") from exc
        record_audit(
            session, actor=actor, action=action, entity_type=self.entity, entity_id=row.id,  # type: ignore[attr-defined]
            entity_name=name, after=body,
        )
        return self._record(row)

    def update(self, session: Session, id_: int, model: M, seen_version: int, actor: str) -> Record[M]:
        current = session.get(self.table, id_)
        if current is None:
            raise ConflictError(self.entity, model.name, seen_version, None, "someone", None)  # type: ignore[attr-defined]
        before = dict(current.body)  # type: ignore[attr-defined]
        new_name = model.name  # type: ignore[attr-defined]
        if new_name != current.name:  # type: ignore[attr-defined]
            other = self.by_name(session, new_name)
            if other is not None and other.id != id_:
                raise DuplicateNameError(f"a {self.entity} named {new_name!r} already exists; choose another name")
        body = body_of(model)
        compare_and_swap(session, self.table, id_, seen_version, actor, self.entity, current.name,  # type: ignore[attr-defined]
                         name=new_name, body=body, **self.extra_columns(model))
        record_audit(
            session, actor=actor, action="update", entity_type=self.entity, entity_id=id_,
            entity_name=new_name, before=before, after=body,
        )
        session.expire_all()
        return self.get(session, id_)

    def delete(self, session: Session, id_: int, seen_version: int, actor: str) -> None:
        row = session.get(self.table, id_)
        if row is None:
            raise NotFoundError(f"{self.entity} #{id_} was already deleted")
        before = dict(row.body)  # type: ignore[attr-defined]
        name = row.name  # type: ignore[attr-defined]
        try:
            compare_and_delete(session, self.table, id_, seen_version, self.entity, name)
        except IntegrityError as exc:
            raise StoreError(
                f"{self.entity} '{name}' cannot be deleted: other records depend on it (e.g. its model "
                "decision records, which are kept as governance evidence)."
            ) from exc
        record_audit(
            session, actor=actor, action="delete", entity_type=self.entity, entity_id=id_,
            entity_name=name, before=before,
        )


class CandidateRepository(VersionedRepository[Candidate]):
    def __init__(self) -> None:
        super().__init__("candidate", CandidateRow, Candidate)

    def extra_columns(self, model: Candidate) -> dict[str, Any]:
        return {"provider": model.provider, "open_weights": model.open_weights}


class ProfileRepository(VersionedRepository[Profile]):
    def __init__(self) -> None:
        super().__init__("profile", ProfileRow, Profile)

    def extra_columns(self, model: Profile) -> dict[str, Any]:
        return {"template": model.template}

    def duplicate(self, session: Session, id_: int, new_name: str, actor: str) -> Record[Profile]:
        source = self.get(session, id_)
        copy = source.model.model_copy(update={"name": new_name})
        return self.create(session, Profile.model_validate(copy.model_dump()), actor, action="duplicate")


class ScenarioRepository(VersionedRepository[Scenario]):
    """Scenarios of one profile: names are unique within the profile."""

    def __init__(self, profile_id: int) -> None:
        super().__init__("scenario", ScenarioRow, Scenario)
        self.profile_id = profile_id

    def extra_columns(self, model: Scenario) -> dict[str, Any]:
        return {"profile_id": self.profile_id}

    def scoped(self, query: Any) -> Any:
        return query.where(ScenarioRow.profile_id == self.profile_id)


candidates = CandidateRepository()
profiles = ProfileRepository()


def scenarios(profile_id: int) -> ScenarioRepository:
    return ScenarioRepository(profile_id)


def list_audit(
    session: Session,
    *,
    entity_type: str | None = None,
    actor: str | None = None,
    text: str | None = None,
    since: datetime | None = None,
    limit: int = 500,
) -> list[AuditEvent]:
    query = select(AuditEvent)
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if since:
        query = query.where(AuditEvent.at >= since)
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            func.lower(AuditEvent.entity_name).like(pattern) | func.lower(AuditEvent.summary).like(pattern)
        )
    query = query.order_by(AuditEvent.id.desc()).limit(limit)  # type: ignore[union-attr]
    return list(session.exec(query).all())
