"""Give a candidate its architecture from a Hugging Face ``config.json`` (shared by the page and the CLI).

The config is validated by the ``parse`` function the caller passes (``workbench.io.hf_config.parse_hf_config``:
the domain does not read files or formats); on any error (:class:`~workbench.domain.architecture.ArchitectureError`,
a ``ValueError`` naming the field) nothing is returned, so the stored candidate stays unchanged. On success the new candidate carries the verbatim config
in ``architecture``, a provenance entry (source = the file name or URL, ``entered_by`` = the actor) and, when
its context window was unknown, ``max_position_embeddings`` as the context window.
"""

from __future__ import annotations

import re
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
    warnings: list[str] = field(default_factory=list)

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


#: Family words in a candidate's name/family/repository -> model_type prefixes a matching config.json has.
_FAMILIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"llama[\s_-]*4", "Llama 4", ("llama4",)),
    (r"llama", "Llama", ("llama",)),
    (r"mixtral", "Mixtral", ("mixtral",)),
    (r"mistral|ministral|magistral|devstral", "Mistral", ("mistral", "ministral")),
    (r"qwen[\s_-]*3[\s_.-]*(5|6)\b", "Qwen3.5/3.6", ("qwen3_5",)),
    (r"qwen[\s_-]*3[\s_-]*next", "Qwen3-Next", ("qwen3_next",)),
    (r"qwen[\s_-]*3[\s_-]*vl", "Qwen3-VL", ("qwen3_vl",)),
    (r"qwen[\s_-]*3", "Qwen3", ("qwen3",)),
    (r"qwen", "Qwen", ("qwen",)),
    (r"gemma[\s_-]*4", "Gemma 4", ("gemma4",)),
    (r"gemma[\s_-]*3", "Gemma 3", ("gemma3",)),
    (r"gemma[\s_-]*2", "Gemma 2", ("gemma2",)),
    (r"gemma", "Gemma", ("gemma",)),
    (r"deepseek", "DeepSeek", ("deepseek", "kimi_k2")),
    (r"kimi", "Kimi", ("kimi", "deepseek_v3")),
    (r"gpt[\s_-]*oss", "gpt-oss", ("gpt_oss",)),
    (r"glm", "GLM", ("glm",)),
    (r"minimax", "MiniMax", ("minimax",)),
    (r"nemotron", "Nemotron", ("nemotron", "llama")),
    (r"phi", "Phi", ("phi",)),
    (r"falcon", "Falcon", ("falcon",)),
    (r"command[\s_-]*r|cohere", "Command R", ("cohere",)),
)
_SIZE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*[bB](?![a-zA-Z])")


def mismatch_warnings(candidate: Candidate, spec: ArchitectureSpec) -> list[str]:
    """Why ``spec`` may not be this candidate's config: its family or size disagrees with the candidate's name,
    family or repository (e.g. a Llama 3.1 8B config imported into "Llama 4 Scout")."""
    text = " ".join(x for x in (candidate.name, candidate.family, candidate.hf_repo or "") if x).lower()
    out: list[str] = []
    for pattern, label, prefixes in _FAMILIES:
        if re.search(pattern, text):
            if not spec.model_type.startswith(prefixes):
                out.append(f"candidate {candidate.name!r} looks like {label} but the config's model_type is "
                           f"{spec.model_type!r}: is this the right config.json?")
            break
    sizes = [float(m) * 1e9 for m in _SIZE.findall(text)]
    counts = spec.parameter_counts()
    if sizes and not any(abs(counts.total / n - 1) < 0.35 or abs(counts.active_excl_embedding / n - 1) < 0.35
                         for n in sizes if n > 0):
        out.append(f"candidate {candidate.name!r} names {', '.join(f'{n / 1e9:g}B' for n in sizes)} but the config "
                   f"has {counts.total / 1e9:.1f}B parameters ({counts.active_excl_embedding / 1e9:.1f}B active)")
    return out


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
    warnings = mismatch_warnings(candidate, spec)
    if not update:
        return ArchitectureImport(candidate=candidate, spec=spec, warnings=warnings)
    data = candidate.model_dump(mode="json")
    data.update(update)
    data["provenance"] = {k: v.model_dump(mode="json") for k, v in provenance.items()}
    return ArchitectureImport(candidate=Candidate.model_validate(data), spec=spec, changes=changes, warnings=warnings)
