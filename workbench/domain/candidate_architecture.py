"""Give a candidate its architecture from a Hugging Face ``config.json`` (shared by the page and the CLI).

The config is validated by the ``parse`` function the caller passes (``workbench.io.hf_config.parse_hf_config``:
the domain does not read files or formats); on any error (:class:`~workbench.domain.architecture.ArchitectureError`,
a ``ValueError`` naming the field) nothing is returned, so the stored candidate stays unchanged. On success the new candidate carries the verbatim config
in ``architecture``, a provenance entry (source = the file name or URL, ``entered_by`` = the actor) and, when
its context window was unknown, ``max_position_embeddings`` as the context window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workbench.domain.architecture import ArchitectureSpec
from workbench.domain.models import Candidate, Provenance


class NotOpenWeightsError(ValueError):
    """Only open-weight candidates can be self-hosted, so only they take an architecture."""


@dataclass(frozen=True)
class ArchitectureImport:
    """The candidate after the import, the parsed spec and what changed (field -> [before, after])."""

    candidate: Candidate
    spec: ArchitectureSpec
    changes: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        return not self.changes


def architecture_summary(spec: ArchitectureSpec) -> str:
    """'llama, 32 layers, 8,030,261,248 parameters (8,030,261,248 active)'."""
    counts = spec.parameter_counts()
    return (
        f"{spec.model_type}, {spec.num_hidden_layers} layers, {counts.total:,} parameters "
        f"({counts.active:,} active)"
    )


def import_architecture(
    candidate: Candidate,
    raw: dict[str, Any],
    *,
    source: str,
    actor: str,
    parse: Callable[[dict[str, Any]], ArchitectureSpec],
    retrieved: date | None = None,
) -> ArchitectureImport:
    """Validate ``raw`` and return the candidate with it as its architecture (raises, never half-applies)."""
    if not candidate.open_weights:
        raise NotOpenWeightsError(
            f"candidate {candidate.name!r} is not open-weight (open_weights is false): there is no "
            "config.json to self-host; mark it open-weight first if its weights are published"
        )
    spec = parse(raw)
    changes: dict[str, list[Any]] = {}
    update: dict[str, Any] = {}
    provenance = dict(candidate.provenance)
    stamp_note = f"Hugging Face config.json: {architecture_summary(spec)}"
    if candidate.hf_repo:
        stamp_note += f"; repository {candidate.hf_repo}"
    stamp = Provenance(
        source=source.strip() or "config.json", retrieved=retrieved or date.today(), entered_by=actor or "anonymous",
        note=stamp_note,
    )
    if candidate.architecture != raw:
        before = None
        if candidate.architecture is not None:
            try:
                before = architecture_summary(parse(dict(candidate.architecture)))
            except ValueError:
                before = "invalid config.json"
        changes["architecture"] = [before, architecture_summary(spec)]
        update["architecture"] = raw
        provenance["architecture"] = stamp
    if candidate.context_window is None and spec.max_position_embeddings:
        changes["context_window"] = [None, spec.max_position_embeddings]
        update["context_window"] = spec.max_position_embeddings
        provenance["context_window"] = stamp.model_copy(update={"note": "max_position_embeddings of config.json"})
    if not update:
        return ArchitectureImport(candidate=candidate, spec=spec)
    data = candidate.model_dump(mode="json")
    data.update(update)
    data["provenance"] = {k: v.model_dump(mode="json") for k, v in provenance.items()}
    return ArchitectureImport(candidate=Candidate.model_validate(data), spec=spec, changes=changes)
