"""Use-case functions over an Engine: what pages and the CLI call (one transaction each)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from workbench.domain.models import Candidate, Profile
from workbench.domain.scenario import Scenario, effective_profile
from workbench.io.shipped import template_by_key
from workbench.store.engine import read_session, write_session
from workbench.store.repository import Record, candidates, list_audit, profiles, record_audit, scenarios
from workbench.store.tables import AuditEvent


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


def delete_candidate(engine: Engine, id_: int, seen_version: int, actor: str) -> None:
    with write_session(engine) as session:
        candidates.delete(session, id_, seen_version, actor)


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


def delete_profile(engine: Engine, id_: int, seen_version: int, actor: str) -> None:
    with write_session(engine) as session:
        profiles.delete(session, id_, seen_version, actor)


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
