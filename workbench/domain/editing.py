"""Turning a person's form edit into a validated model with provenance for what changed."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from workbench.domain.models import Candidate, Provenance

M = TypeVar("M", bound=BaseModel)

#: Top-level Candidate fields that carry numbers worth a provenance entry when edited.
_TRACKED = ("pricing", "context_window", "max_output_tokens", "modalities", "topologies", "regions",
            "license", "latency", "capabilities", "chars_per_token", "effort_tiers", "architecture")


def changed_fields(before: BaseModel, after: BaseModel) -> list[str]:
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return sorted(k for k in new if old.get(k) != new.get(k))


def candidate_from_edit(before: Candidate, raw: dict[str, Any], actor: str, today: date | None = None) -> Candidate:
    """Validate ``raw`` (raises pydantic.ValidationError) and stamp provenance on edited fields.

    The provenance source is what the person typed in "Source of this edit", or
    "entered in the workbench" when they left it empty; ``entered_by`` is the actor.
    """
    raw = dict(raw)
    source = str(raw.pop("_edit_source", "") or "").strip()
    candidate = Candidate.model_validate(raw)
    stamp = Provenance(source=source or "entered in the workbench", retrieved=today or date.today(),
                       entered_by=actor)
    provenance = dict(candidate.provenance)
    for field in changed_fields(before, candidate):
        if field in _TRACKED:
            provenance[field] = stamp
    return candidate.model_copy(update={"provenance": provenance})
