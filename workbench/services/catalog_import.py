"""Catalog import use case: preview a LiteLLM price import, then apply exactly that preview.

The preview records, for every candidate it would change, the version (and body) the user saw. Apply
writes everything in one transaction through the store's optimistic lock with *those* versions: if
someone saved one of the candidates in between, the whole import is refused with
:class:`ImportConflictError` naming who changed what and when, and nothing is written (DESIGN §4:
nothing is overwritten silently). A candidate created under the same name after the preview is a
conflict too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Engine

from workbench.domain.models import Candidate
from workbench.io.litellm import ImportPlan, PlannedChange, plan_import
from workbench.store.engine import read_session, write_session
from workbench.store.prices import record_prices
from workbench.store.repository import (
    ConflictError,
    NotFoundError,
    Record,
    StoreError,
    body_of,
    candidates,
    describe_change,
    record_audit,
)


class ImportConflictError(StoreError):
    """Someone changed a candidate between the preview and Apply; nothing was imported."""


def catalog_snapshot(engine: Engine) -> dict[str, Record[Candidate]]:
    """Every candidate with its id and version, by name (what a preview is computed against)."""
    with read_session(engine) as session:
        return {record.model.name: record for record in candidates.list(session)}


def preview_litellm(
    engine: Engine,
    prices: dict[str, dict[str, Any]],
    *,
    models: list[str],
    update_prices: bool,
    filename: str,
    actor: str,
    retrieved: date | None = None,
    select_all: bool = False,
    providers: list[str] | None = None,
    modes: list[str] | None = None,
) -> ImportPlan:
    """Plan the import against the catalog as it is now, remembering the versions seen."""
    records = catalog_snapshot(engine)
    plan = plan_import(
        prices, {name: r.model for name, r in records.items()}, models=models, update_prices=update_prices,
        filename=filename, entered_by=actor, retrieved=retrieved or date.today(),
        select_all=select_all, providers=providers, modes=modes,
    )
    for change in plan.changes:
        record = records.get(change.candidate)
        if change.action != "create" and record is not None:
            change.candidate_id = record.id
            change.seen_version = record.version
            if change.action == "update":
                change.seen_body = body_of(record.model)
    return plan


def _when(record: Record[Candidate]) -> str:
    return record.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC")


def _conflict_for_update(session: Any, change: PlannedChange, exc: ConflictError) -> ImportConflictError:
    try:
        current = candidates.get(session, change.candidate_id or -1)
    except NotFoundError:
        return ImportConflictError(
            f"candidate '{change.candidate}' was deleted by {exc.by} after your preview; nothing was imported. "
            "Preview the import again.")
    what = describe_change(change.seen_body, body_of(current.model))
    return ImportConflictError(
        f"candidate '{change.candidate}' was changed by {current.updated_by} at {_when(current)} ({what}; "
        f"version {current.version}, your preview saw version {change.seen_version}); nothing was imported. "
        "Preview the import again to see their change.")


def apply_litellm(
    engine: Engine, plan: ImportPlan, actor: str, *, only: set[str] | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, int]:
    """Apply the previewed writes (or the subset whose LiteLLM keys are in ``only``) in one transaction.

    Every written candidate gets a dated price-history point (when its prices changed). Returns the counts
    written. Raises :class:`ImportConflictError` (nothing written) when a candidate changed, was deleted or
    was created by someone else since the preview. ``progress(done, total)`` is called as rows are written.
    """
    writes = [c for c in plan.writes if only is None or c.litellm_key in only]
    counts = {"create": 0, "update": 0}
    with write_session(engine) as session:
        taken = {r.model.name for r in candidates.list(session)} if any(c.action == "create" for c in writes) else set()
        for change in writes:
            assert change.new_candidate is not None
            model = Candidate.model_validate(change.new_candidate)
            if change.action == "create":
                other = candidates.by_name(session, change.candidate) if change.candidate in taken else None
                if other is not None:
                    raise ImportConflictError(
                        f"candidate '{change.candidate}' was created by {other.updated_by} at {_when(other)} after "
                        "your preview; nothing was imported. Preview the import again.")
                record = candidates.create(session, model, actor, origin="import", action="import")
            else:
                if change.candidate_id is None or change.seen_version is None:
                    raise ImportConflictError(
                        f"candidate '{change.candidate}': the preview carries no seen version; preview again")
                try:
                    record = candidates.update(session, change.candidate_id, model, change.seen_version, actor)
                except ConflictError as exc:
                    raise _conflict_for_update(session, change, exc) from exc
            if model.pricing is not None:
                record_prices(session, record.id, model.pricing, plan.retrieved, f"LiteLLM {plan.filename}", actor,
                              latest={} if change.action == "create" else None)
            counts[change.action] += 1
            if progress is not None and (counts["create"] + counts["update"]) % 100 == 0:
                progress(counts["create"] + counts["update"], len(writes))
        if writes:
            record_audit(
                session, actor=actor, action="import", entity_type="import", entity_id=None,
                entity_name=plan.filename,
                summary=f"{counts['create']} create, {counts['update']} update (LiteLLM prices)",
            )
    return counts
