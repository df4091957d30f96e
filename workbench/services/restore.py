"""Restore a decision: re-rank a snapshot from its own inputs and compare with the results it records.

:func:`rerank_snapshot` rebuilds the decision matrix from a snapshot alone (effective profile, candidates,
method, SMAA seed and value draws, GPU catalog) and reports whether the ranking and the SMAA result are
bit-identical, compared as RFC 8785 canonical JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.domain.decision_matrix import RankingResult, rank_matrix
from workbench.domain.evidence import CapabilityEvidence
from workbench.domain.gpu import GpuCatalog
from workbench.domain.gpu_constraint import gpu_fit_check
from workbench.domain.models import Candidate, Profile
from workbench.domain.smaa import SmaaResult, run_smaa
from workbench.domain.snapshot import SNAPSHOT_SCHEMA, canonical_json, snapshot_digest
from workbench.io.gpus import load_gpu_catalog
from workbench.io.hf_config import parse_hf_config
from workbench.services.decide import VALUE_DRAWS, build_matrix, capability_draws


class RestoreError(ValueError):
    """The snapshot is not a workbench decision snapshot, or a field of it is invalid."""


@dataclass(frozen=True)
class RestoreResult:
    """A snapshot re-ranked from its own inputs, compared with the results it records."""

    ranking: RankingResult
    smaa: SmaaResult | None
    ranking_matches: bool
    smaa_matches: bool | None
    stored_ranking_sha256: str
    recomputed_ranking_sha256: str
    differences: list[str]
    profile: str
    method: str

    @property
    def matches(self) -> bool:
        return self.ranking_matches and self.smaa_matches is not False

    def as_json(self) -> dict[str, Any]:
        return {
            "matches": self.matches, "ranking_matches": self.ranking_matches, "smaa_matches": self.smaa_matches,
            "stored_ranking_sha256": self.stored_ranking_sha256,
            "recomputed_ranking_sha256": self.recomputed_ranking_sha256,
            "profile": self.profile, "method": self.method, "differences": self.differences,
            "ranking": [{"rank": r.rank, "name": r.name, "score": r.score, "cost_per_success_usd": r.cost_per_success}
                        for r in self.ranking.rows],
            "excluded": [{"name": e.name, "reasons": e.reasons} for e in self.ranking.excluded],
            "smaa_headline": self.smaa.headline if self.smaa else None,
        }


def _first_difference(stored: Any, recomputed: Any, path: str = "$") -> str | None:
    if type(stored) is not type(recomputed) and not (isinstance(stored, int | float) and isinstance(recomputed, int | float)):
        return f"{path}: {stored!r} != {recomputed!r}"
    if isinstance(stored, dict):
        for key in sorted(set(stored) | set(recomputed)):
            if key not in stored or key not in recomputed:
                return f"{path}.{key}: present in only one"
            found = _first_difference(stored[key], recomputed[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(stored, list):
        if len(stored) != len(recomputed):
            return f"{path}: {len(stored)} items != {len(recomputed)}"
        for i, (a, b) in enumerate(zip(stored, recomputed, strict=True)):
            found = _first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if stored == recomputed else f"{path}: {stored!r} != {recomputed!r}"


def rerank_snapshot(snapshot: dict[str, Any]) -> RestoreResult:
    """Re-rank from the snapshot's own inputs (effective profile, candidates, method, SMAA seed) and compare
    with its recorded results, byte for byte as canonical JSON. Raises :class:`RestoreError` for a snapshot
    that is not a workbench decision snapshot."""
    if not isinstance(snapshot, dict) or snapshot.get("schema") != SNAPSHOT_SCHEMA:
        raise RestoreError(f"not a workbench decision snapshot (schema must be {SNAPSHOT_SCHEMA})")
    try:
        profile = Profile.model_validate(snapshot["profile"]["effective"])
        candidates = [Candidate.model_validate(c) for c in snapshot["candidates"]]
        method = snapshot["method"]["ranking_method"]
        smaa_cfg = snapshot["method"].get("smaa")
        stored = snapshot["results"]["ranking"]
    except (KeyError, TypeError, ValueError) as exc:
        raise RestoreError(f"snapshot is missing or has an invalid field: {exc}") from exc
    dm = build_matrix(profile, candidates)
    checks = []
    if profile.constraints.gpu_fit is not None:
        raw_catalog = snapshot["method"].get("gpu_catalog")
        catalog = GpuCatalog.model_validate(raw_catalog) if raw_catalog else load_gpu_catalog()
        checks = [gpu_fit_check(dm.names, candidates, profile.constraints.gpu_fit, catalog,
                                parse=parse_hf_config)]
    ranking = rank_matrix(dm, profile.weights, profile.constraints, method, checks)
    recomputed = canonical_json(ranking.model_dump(mode="json"))
    stored_bytes = canonical_json(stored)
    differences = []
    if recomputed != stored_bytes:
        differences.append("ranking " + (_first_difference(stored, ranking.model_dump(mode="json"), "$.results.ranking")
                                         or "differs"))
    smaa: SmaaResult | None = None
    smaa_matches: bool | None = None
    if smaa_cfg and snapshot["results"].get("smaa") is not None:
        seed = int(smaa_cfg["seed"])
        evidence = [CapabilityEvidence.model_validate(e) for e in smaa_cfg.get("capability_evidence") or []]
        draws = capability_draws(dm, tuple(candidates), evidence, int(smaa_cfg.get("value_draws", VALUE_DRAWS)),
                                 seed=seed)
        smaa = run_smaa(dm, profile.weights, profile.constraints, method=method, n_samples=int(smaa_cfg["n_samples"]),
                        spread=float(smaa_cfg["spread"]), seed=seed, uniform=bool(smaa_cfg.get("uniform", False)),
                        extra_checks=checks, capability_draws=draws)
        smaa_matches = canonical_json(smaa.model_dump(mode="json")) == canonical_json(snapshot["results"]["smaa"])
        if not smaa_matches:
            differences.append("SMAA " + (_first_difference(snapshot["results"]["smaa"], smaa.model_dump(mode="json"),
                                                             "$.results.smaa") or "differs"))
    return RestoreResult(
        ranking=ranking, smaa=smaa, ranking_matches=recomputed == stored_bytes, smaa_matches=smaa_matches,
        stored_ranking_sha256=snapshot_digest(stored_bytes), recomputed_ranking_sha256=snapshot_digest(recomputed),
        differences=differences, profile=str(snapshot["profile"].get("name", profile.name)), method=method,
    )
