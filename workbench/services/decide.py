"""Assemble a decision from the store and run the domain on it (CLI, exports, MDR drafting).

One place decides what a ranking is made of: the profile (with a scenario applied), every candidate,
the cost per successful outcome from the economics module, and the ranking method. The page uses the
same functions through its caches, so the CLI and the page agree to the last bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, func, select

from workbench.domain.checks import Check
from workbench.domain.decision_matrix import DecisionMatrix, RankingResult, build_decision_matrix, rank_matrix
from workbench.domain.evidence import (
    CapabilityEvidence,
    EvaluationRun,
    apply_evidence,
    evidence_matrix,
    pooled_latency_p95,
    sample_capabilities,
)
from workbench.domain.gpu_constraint import gpu_fit_check
from workbench.domain.models import CAPABILITY_VECTORS, Candidate, HardConstraints, Profile, Provenance
from workbench.domain.scenario import Scenario, effective_profile
from workbench.domain.smaa import SmaaResult, run_smaa
from workbench.io.gpus import load_gpu_catalog
from workbench.io.hf_config import parse_hf_config
from workbench.services.benchmark_proxy import evidence_with_proxies
from workbench.services.costing import costs_for
from workbench.services.ranking_notes import RankingNotes, annotate
from workbench.store.engine import read_session
from workbench.store.evidence import evidence_for_profile
from workbench.store.repository import Record
from workbench.store.tables import AuditEvent
from workbench.store.workspace import list_candidates, profile_by_name, scenario_by_name

DEFAULT_SMAA_SEED = 20261123
VALUE_DRAWS = 20  # draws of evidence-backed capability values per SMAA run (weights are split among them)


@dataclass(frozen=True)
class Decision:
    """Everything a ranking depends on, and the ranking itself."""

    profile: Record[Profile]
    scenario: Record[Scenario] | None
    effective: Profile
    candidates: tuple[Candidate, ...]
    method: str
    matrix: DecisionMatrix
    ranking: RankingResult
    evidence: tuple[CapabilityEvidence, ...] = ()  # the profile's measured capabilities (value + interval)
    notes: RankingNotes | None = None  # price tipping points and ties with the leader (not in the snapshot)

    def ranking_json(self) -> dict[str, object]:
        """The ranking as ``workbench rank --json`` shows it: the reproducible ranking plus the notes."""
        body = self.ranking.model_dump(mode="json")
        if self.notes is not None:
            body["tipping_points"] = [*body["tipping_points"],
                                      *[t.model_dump(mode="json") for t in self.notes.price_tipping_points]]
            body["tied_with_leader"] = [t.model_dump(mode="json") for t in self.notes.tied_with_leader]
        else:
            body["tied_with_leader"] = []
        return body


def build_matrix(profile: Profile, candidates: list[Candidate]) -> DecisionMatrix:
    """The decision matrix with each cost on its basis (API price, self-hosted GPUs, or unknown)."""
    costs = costs_for(profile, candidates)
    return build_decision_matrix(profile, candidates, costs.per_success, cost_basis=costs.basis,
                                 cost_api=costs.api, cost_self_hosted=costs.self_hosted)


def workspace_revision(engine: Engine) -> int:
    """Changes whenever anything is saved (every change writes an audit event)."""
    with read_session(engine) as session:
        return int(session.scalar(select(func.max(AuditEvent.id))) or 0)


def profile_runs(engine: Engine, profile: Record[Profile]) -> dict[str, list[EvaluationRun]]:
    """The profile's imported evaluation runs by candidate (paired tests against the leader)."""
    return {name: list(runs) for name, runs in evidence_for_profile(engine, profile.id).items()}


def profile_evidence(engine: Engine, profile: Record[Profile]) -> list[CapabilityEvidence]:
    """The profile's imported evaluation runs as capability evidence (value + interval per vector)."""
    runs = [run for runs in evidence_for_profile(engine, profile.id).values() for run in runs]
    return evidence_with_proxies(runs, profile.model.task_class) if runs else []


def candidates_for(engine: Engine, profile: Record[Profile]) -> tuple[Candidate, ...]:
    """Every candidate, with this profile's evidence applied (see :func:`candidates_with_evidence`)."""
    return candidates_with_evidence(engine, profile)[0]


def candidates_with_evidence(engine: Engine, profile: Record[Profile]
                             ) -> tuple[tuple[Candidate, ...], list[CapabilityEvidence]]:
    """Every candidate with this profile's evidence applied, and that evidence (read once).

    Measured capability values replace the E/A/D prior, and the p95 of measured item latencies becomes
    the candidate's end-to-end p95.
    """
    runs_by_candidate = evidence_for_profile(engine, profile.id)
    runs = [run for runs in runs_by_candidate.values() for run in runs]
    evidence = evidence_with_proxies(runs, profile.model.task_class) if runs else []
    out = []
    for record in list_candidates(engine):
        candidate = apply_evidence(record.model, evidence) if evidence else record.model
        p95 = pooled_latency_p95(runs_by_candidate.get(candidate.name, []))
        if p95 is not None:
            candidate = candidate.model_copy(update={
                "latency": candidate.latency.model_copy(update={"total_p95_ms": round(p95, 3)}),
                "provenance": {**candidate.provenance, "latency": Provenance(
                    source=f"evidence imported for profile '{profile.model.name}'",
                    note="p95 of measured item latencies")}})
        out.append(candidate)
    return tuple(out), evidence


def capability_draws(matrix: DecisionMatrix, candidates: tuple[Candidate, ...],
                     evidence: list[CapabilityEvidence], draws: int = VALUE_DRAWS,
                     seed: int = DEFAULT_SMAA_SEED) -> np.ndarray | None:
    """Draws of the capability matrix (draws x candidates x 14) from the evidence intervals, or None
    when nothing is measured: the robustness analysis then samples the weights only."""
    if not evidence:
        return None
    by_name = {c.name: c for c in candidates}
    ordered = [by_name[name] for name in matrix.names]
    return sample_capabilities(evidence_matrix(ordered, evidence, CAPABILITY_VECTORS), draws, seed)


def extra_checks(matrix: DecisionMatrix, candidates: tuple[Candidate, ...],
                 constraints: HardConstraints) -> list[Check]:
    """Constraints computed outside the ranking kernel: today the GPU memory fit."""
    if constraints.gpu_fit is None:
        return []
    return [gpu_fit_check(matrix.names, candidates, constraints.gpu_fit, load_gpu_catalog(),
                          parse=parse_hf_config)]


def rank_decision(matrix: DecisionMatrix, candidates: tuple[Candidate, ...], profile: Profile,
                  method: str) -> RankingResult:
    return rank_matrix(matrix, profile.weights, profile.constraints, method,
                       extra_checks(matrix, candidates, profile.constraints))


def decide(engine: Engine, profile_name: str, scenario_name: str | None = None, method: str | None = None) -> Decision:
    """Rank the workspace's candidates for a profile (optionally through one of its scenarios)."""
    profile = profile_by_name(engine, profile_name)
    scenario = scenario_by_name(engine, profile.id, scenario_name) if scenario_name else None
    effective = effective_profile(profile.model, scenario.model if scenario else None)
    chosen_method = method or (scenario.model.method if scenario else "wsm")
    candidates, evidence = candidates_with_evidence(engine, profile)
    matrix = build_matrix(effective, list(candidates))
    ranking = rank_decision(matrix, candidates, effective, chosen_method)
    notes = annotate(ranking, matrix, candidates, effective, extra_checks(matrix, candidates, effective.constraints),
                     evidence_for_profile(engine, profile.id))
    return Decision(profile, scenario, effective, candidates, chosen_method, matrix, ranking, tuple(evidence), notes)


def decide_as_shown(engine: Engine, profile: Record[Profile], scenario: Record[Scenario] | None,
                    weights: dict[str, float], constraints: HardConstraints, method: str) -> Decision:
    """The decision as it stands on screen: stored profile/scenario with the live weights and constraints."""
    base = effective_profile(profile.model, scenario.model if scenario else None)
    effective = Profile.model_validate({**base.model_dump(), "weights": weights,
                                        "constraints": constraints.model_dump()})
    candidates, evidence = candidates_with_evidence(engine, profile)
    matrix = build_matrix(effective, list(candidates))
    ranking = rank_decision(matrix, candidates, effective, method)
    notes = annotate(ranking, matrix, candidates, effective, extra_checks(matrix, candidates, effective.constraints),
                     evidence_for_profile(engine, profile.id))
    return Decision(profile, scenario, effective, candidates, method, matrix, ranking, tuple(evidence), notes)


def robustness(decision: Decision, samples: int, seed: int = DEFAULT_SMAA_SEED, spread: float | None = None
               ) -> SmaaResult:
    """SMAA-2 around the decision's weights; with evidence, measured capabilities are uncertain too."""
    spread = spread if spread is not None else (decision.scenario.model.smaa_spread if decision.scenario else 0.5)
    return run_smaa(decision.matrix, decision.effective.weights, decision.effective.constraints,
                    method=decision.method, n_samples=samples, spread=spread, seed=seed,
                    extra_checks=extra_checks(decision.matrix, decision.candidates, decision.effective.constraints),
                    capability_draws=capability_draws(decision.matrix, decision.candidates,
                                                      list(decision.evidence), seed=seed))
