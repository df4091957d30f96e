"""Use-case functions over an Engine: what pages and the CLI call (one transaction each)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from workbench.domain.models import Candidate, Profile
from workbench.domain.scenario import Scenario, effective_profile
from workbench.io.shipped import template_by_key
from workbench.store.engine import read_session, write_session
from workbench.store.repository import (
    DuplicateNameError,
    NotFoundError,
    Record,
    candidates,
    list_audit,
    profiles,
    record_audit,
    scenarios,
)
from workbench.store.tables import AuditEvent, CandidateRow, EvidenceRunRow, ProfileRow, ScenarioRow


# --------------------------------------------------------------------------- candidates
def list_candidates(engine: Engine) -> list[Record[Candidate]]:
    with read_session(engine) as session:
        return candidates.list(session)


def get_candidate(engine: Engine, id_: int) -> Record[Candidate]:
    with read_session(engine) as session:
        return candidates.get(session, id_)


def candidate_by_name(engine: Engine, name: str) -> Record[Candidate]:
    with read_session(engine) as session:
        return candidates.require(session, name)


def create_candidate(engine: Engine, model: Candidate, actor: str, origin: str = "user") -> Record[Candidate]:
    with write_session(engine) as session:
        return candidates.create(session, model, actor, origin=origin)


def save_candidate(engine: Engine, id_: int, model: Candidate, seen_version: int, actor: str) -> Record[Candidate]:
    with write_session(engine) as session:
        return candidates.update(session, id_, model, seen_version, actor)


def delete_candidate(engine: Engine, id_: int, seen_version: int, actor: str) -> DeletedEntity:
    """Delete a candidate and (ON DELETE CASCADE) its evidence runs; the returned snapshot undoes it."""
    with write_session(engine) as session:
        snapshot = _snapshot(session, "candidate", id_)
        candidates.delete(session, id_, seen_version, actor)
        return snapshot


# --------------------------------------------------------------------------- profiles
def list_profiles(engine: Engine) -> list[Record[Profile]]:
    with read_session(engine) as session:
        return profiles.list(session)


def get_profile(engine: Engine, id_: int) -> Record[Profile]:
    with read_session(engine) as session:
        return profiles.get(session, id_)


def profile_by_name(engine: Engine, name: str) -> Record[Profile]:
    with read_session(engine) as session:
        return profiles.require(session, name)


def new_profile_model(name: str, template_key: str | None) -> Profile:
    """A blank profile, or one pre-filled from a seed 002 workflow-class template."""
    if template_key is None:
        return Profile(name=name)
    template = template_by_key(template_key)
    data: dict[str, Any] = template.profile.model_dump(mode="json")
    data.update(name=name, template=template.workflow_class,
                description=data.get("description") or f"From template: {template.workflow_class}")
    return Profile.model_validate(data)


def create_profile(engine: Engine, model: Profile, actor: str) -> Record[Profile]:
    with write_session(engine) as session:
        return profiles.create(session, model, actor)


def save_profile(engine: Engine, id_: int, model: Profile, seen_version: int, actor: str) -> Record[Profile]:
    with write_session(engine) as session:
        return profiles.update(session, id_, model, seen_version, actor)


def duplicate_profile(engine: Engine, id_: int, new_name: str, actor: str) -> Record[Profile]:
    with write_session(engine) as session:
        return profiles.duplicate(session, id_, new_name, actor)


def delete_profile(engine: Engine, id_: int, seen_version: int, actor: str) -> DeletedEntity:
    """Delete a profile and (ON DELETE CASCADE) its scenarios and evidence runs; the snapshot undoes it."""
    with write_session(engine) as session:
        snapshot = _snapshot(session, "profile", id_)
        profiles.delete(session, id_, seen_version, actor)
        return snapshot


# --------------------------------------------------------------------------- scenarios
def list_scenarios(engine: Engine, profile_id: int) -> list[Record[Scenario]]:
    with read_session(engine) as session:
        return scenarios(profile_id).list(session)


def scenario_by_name(engine: Engine, profile_id: int, name: str) -> Record[Scenario]:
    with read_session(engine) as session:
        return scenarios(profile_id).require(session, name)


def create_scenario(engine: Engine, profile_id: int, model: Scenario, actor: str) -> Record[Scenario]:
    with write_session(engine) as session:
        profiles.get(session, profile_id)  # NotFoundError if the profile is gone
        return scenarios(profile_id).create(session, model, actor)


def save_scenario(engine: Engine, profile_id: int, id_: int, model: Scenario, seen_version: int,
                  actor: str) -> Record[Scenario]:
    with write_session(engine) as session:
        return scenarios(profile_id).update(session, id_, model, seen_version, actor)


def delete_scenario(engine: Engine, profile_id: int, id_: int, seen_version: int, actor: str) -> None:
    with write_session(engine) as session:
        scenarios(profile_id).delete(session, id_, seen_version, actor)


def promote_scenario(engine: Engine, profile_id: int, profile_seen_version: int, scenario_id: int,
                     actor: str) -> Record[Profile]:
    """Write the scenario's weights/constraints/workload into the profile (audited, optimistic lock)."""
    with write_session(engine) as session:
        profile = profiles.get(session, profile_id)
        scenario = scenarios(profile_id).get(session, scenario_id)
        merged = effective_profile(profile.model, scenario.model)
        saved = profiles.update(session, profile_id, merged, profile_seen_version, actor)
        record_audit(session, actor=actor, action="promote", entity_type="scenario", entity_id=scenario_id,
                     entity_name=scenario.model.name,
                     summary=f"scenario '{scenario.model.name}' promoted into profile '{profile.model.name}'")
        return saved


# --------------------------------------------------------------------------- lossless delete and undo
_PARENT: dict[str, type[SQLModel]] = {"candidate": CandidateRow, "profile": ProfileRow}
#: What a delete takes with it (ON DELETE CASCADE): child table -> (its foreign key to the parent).
_CHILDREN: dict[str, list[tuple[type[SQLModel], str]]] = {
    "profile": [(ScenarioRow, "profile_id"), (EvidenceRunRow, "profile_id")],
    "candidate": [(EvidenceRunRow, "candidate_id")],
}
_LABELS = {"scenario": ("scenario", "scenarios"), "evidence_run": ("evidence run", "evidence runs")}


@dataclass(frozen=True)
class DeletedEntity:
    """Every row a delete removed (the entity and what cascaded with it), exactly as stored: Undo puts them
    back with their ids, versions and timestamps."""

    entity: str
    name: str
    rows: dict[str, list[dict[str, Any]]]  #: table name -> rows; the entity's own table first

    def get(self, key: str, default: Any = None) -> Any:  # the Undo banner reads payload.get("name")
        return self.name if key == "name" else default

    @property
    def dependents(self) -> dict[str, int]:
        return {t: len(r) for t, r in list(self.rows.items())[1:] if r}


def describe_dependents(counts: dict[str, int]) -> str:
    """{"scenario": 2, "evidence_run": 1} -> '2 scenarios and 1 evidence run' ('' when nothing)."""
    parts = [f"{n} {_LABELS.get(t, (t, t + 's'))[n != 1]}" for t, n in counts.items() if n]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def _table(kind: type[SQLModel]) -> sa.Table:
    return kind.__table__  # type: ignore[attr-defined]


def _snapshot(session: Session, entity: str, id_: int) -> DeletedEntity:
    conn = session.connection()
    parent = _table(_PARENT[entity])
    rows = {parent.name: [dict(r) for r in conn.execute(sa.select(parent).where(parent.c.id == id_)).mappings()]}
    if not rows[parent.name]:
        raise NotFoundError(f"{entity} #{id_} was already deleted")
    for kind, fk in _CHILDREN[entity]:
        table = _table(kind)
        found = conn.execute(sa.select(table).where(table.c[fk] == id_).order_by(table.c.id)).mappings()
        rows.setdefault(table.name, []).extend(dict(r) for r in found)
    return DeletedEntity(entity, str(rows[parent.name][0]["name"]), rows)


def dependents(engine: Engine, entity: str, id_: int) -> dict[str, int]:
    """What deleting ``entity`` #``id_`` removes with it: child table -> rows (for the confirmation)."""
    with read_session(engine) as session:
        conn = session.connection()
        return {_table(kind).name: int(conn.execute(sa.select(sa.func.count()).select_from(_table(kind))
                                                   .where(_table(kind).c[fk] == id_)).scalar_one())
                for kind, fk in _CHILDREN[entity]}


def _put_back(conn: sa.Connection, table: sa.Table, row: dict[str, Any], remap: dict[str, Any]) -> Any:
    """Insert ``row`` with its id when that id is free (else a new id); returns the id it got."""
    values = {**row, **remap}
    taken = conn.execute(sa.select(table.c.id).where(table.c.id == row["id"])).first() is not None
    if taken:
        values.pop("id")
    result = conn.execute(table.insert().values(values))
    return row["id"] if not taken else result.inserted_primary_key[0]  # type: ignore[index]


def undo_delete(engine: Engine, deleted: DeletedEntity, actor: str) -> dict[str, int]:
    """Put back every row ``deleted`` holds, in one transaction. A child whose other parent is gone meanwhile
    (an evidence run whose candidate/profile was deleted since) cannot come back: it is counted under
    ``"skipped"``. Raises DuplicateNameError when someone has created the same name since."""
    parent = _table(_PARENT[deleted.entity])
    with write_session(engine) as session:
        conn = session.connection()
        row = deleted.rows[parent.name][0]
        clash = conn.execute(sa.select(parent.c.id).where(parent.c.name == row["name"])).first()
        if clash is not None:
            raise DuplicateNameError(f"a {deleted.entity} named {row['name']!r} was created since the delete; "
                                     "rename or delete it first, then undo")
        new_id = _put_back(conn, parent, row, {})
        restored = {"skipped": 0}
        for kind, fk in _CHILDREN[deleted.entity]:
            table = _table(kind)
            for child in deleted.rows.get(table.name, []):
                if not _other_parents_exist(conn, table, child, fk):
                    restored["skipped"] += 1
                    continue
                _put_back(conn, table, child, {fk: new_id})
                restored[table.name] = restored.get(table.name, 0) + 1
        what = describe_dependents({k: v for k, v in restored.items() if k != "skipped"})
        record_audit(session, actor=actor, action="undo_delete", entity_type=deleted.entity, entity_id=new_id,
                     entity_name=deleted.name, after=dict(row["body"]),
                     summary=f"undo delete: restored {deleted.entity} '{deleted.name}'"
                             + (f" with {what}" if what else "")
                             + (f"; {restored['skipped']} could not come back (their other parent is gone)"
                                if restored["skipped"] else ""))
        return restored


def _other_parents_exist(conn: sa.Connection, table: sa.Table, child: dict[str, Any], fk: str) -> bool:
    for foreign in table.foreign_keys:
        column = foreign.parent.name
        if column == fk or child.get(column) is None:
            continue
        target = foreign.column.table
        if conn.execute(sa.select(target.c.id).where(target.c.id == child[column])).first() is None:
            return False
    return True


# --------------------------------------------------------------------------- overview / audit
def counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {"profiles": profiles.count(session), "candidates": candidates.count(session)}


def audit_events(engine: Engine, **filters: Any) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list_audit(session, **filters)


def audited_entity_types(engine: Engine) -> list[str]:
    """Every entity type that has audit events (for the Audit log's filter)."""
    from sqlmodel import select

    with read_session(engine) as session:
        return sorted(set(session.exec(select(AuditEvent.entity_type).distinct()).all()))
