"""Apply validated import plans in one transaction (all rows or none)."""

from __future__ import annotations

from sqlalchemy import Engine

from workbench.domain.models import Candidate
from workbench.io.litellm import ImportPlan
from workbench.store.engine import read_session, write_session
from workbench.store.repository import candidates, record_audit


def existing_candidates(engine: Engine) -> dict[str, Candidate]:
    with read_session(engine) as session:
        return {record.model.name: record.model for record in candidates.list(session)}


def apply_litellm_plan(engine: Engine, plan: ImportPlan, actor: str) -> None:
    with write_session(engine) as session:
        for change in plan.writes:
            assert change.new_candidate is not None
            model = Candidate.model_validate(change.new_candidate)
            if change.action == "create":
                candidates.create(session, model, actor, origin="import", action="import")
            else:
                record = candidates.require(session, change.candidate)
                candidates.update(session, record.id, model, record.version, actor)
        record_audit(
            session, actor=actor, action="import", entity_type="import", entity_id=None,
            entity_name=plan.filename,
            summary=", ".join(f"{n} {a}" for a, n in plan.summary().items()) + " (LiteLLM prices)",
        )
