"""The record lifecycle: ``draft -> proposed -> accepted | rejected``; ``accepted -> superseded`` only through
:func:`supersede`, which links both records (``supersedes`` on the new one, ``superseded-by`` on the old one).

Acceptance stores the body digest (:func:`workbench.domain.mdr.integrity.body_digest`) so the frozen text can
be checked later. Dates come in as arguments (the domain has no clock).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workbench.domain.mdr.integrity import body_digest
from workbench.domain.mdr.model import MDR, TRANSITIONS, LifecycleError, MDRStatus


def transition(record: MDR, to: MDRStatus | str, *, on: date, reason: str | None = None) -> MDR:
    """Change the status following :data:`TRANSITIONS`. Proposing needs a selected model; accepting needs
    at least one decision-maker and freezes the body (its digest is stored). ``superseded`` is reached only
    through :func:`supersede`."""
    try:
        target = MDRStatus(to)
    except ValueError as exc:
        raise LifecycleError(f"unknown status {to!r}; use {', '.join(s.value for s in MDRStatus)}") from exc
    current = record.front.status
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "none (final)"
        raise LifecycleError(f"{record.id}: cannot go from {current.value} to {target.value} (allowed: {allowed})")
    if target == MDRStatus.superseded:
        raise LifecycleError(f"{record.id}: use supersede(old, new) so both records are linked")
    if target == MDRStatus.proposed and not record.body.selection.selected_model.strip():
        raise LifecycleError(f"{record.id}: name the selected model before proposing")
    front: dict[str, Any] = {"status": target, "date": on}
    if target == MDRStatus.rejected and reason and reason.strip():
        front["rejection_reason"] = " ".join(reason.split())
    update: dict[str, Any] = {"front": record.front.model_copy(update=front)}
    if target == MDRStatus.accepted:
        if not record.front.decision_makers:
            raise LifecycleError(f"{record.id}: name at least one decision-maker before accepting")
        update["accepted_body_sha256"] = body_digest(record.body)
    return record.model_copy(update=update)


def supersede(old: MDR, new: MDR, *, on: date) -> tuple[MDR, MDR]:
    """Mark ``old`` superseded by ``new`` and link both ways. ``old`` and ``new`` must both be accepted
    (a proposal cannot supersede), be different records and not already link elsewhere."""
    if old.id == new.id:
        raise LifecycleError(f"{old.id} cannot supersede itself")
    if old.front.status != MDRStatus.accepted:
        raise LifecycleError(f"{old.id} is {old.front.status.value}: only an accepted record can be superseded")
    if new.front.status != MDRStatus.accepted:
        raise LifecycleError(f"{new.id} is {new.front.status.value}: accept it before it supersedes {old.id}")
    if new.front.supersedes not in (None, old.id):
        raise LifecycleError(f"{new.id} already supersedes {new.front.supersedes}")
    if old.front.supersedes == new.id:
        raise LifecycleError(f"{old.id} supersedes {new.id}: the link would form a cycle")
    when = on
    old2 = old.model_copy(
        update={"front": old.front.model_copy(update={"status": MDRStatus.superseded, "superseded_by": new.id, "date": when})}
    )
    new2 = new.model_copy(update={"front": new.front.model_copy(update={"supersedes": old.id})})
    return old2, new2
