"""Turn a ranked decision into the Excel decision matrix (io/excel.py does the writing)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from workbench.domain.architecture import ArchitectureError
from workbench.domain.decision_matrix import RankingResult
from workbench.domain.economics import cost_breakdown_for
from workbench.domain.evidence import CapabilityEvidence
from workbench.domain.gpu import fit_matrix_table
from workbench.domain.models import (
    CAPABILITY_LABELS,
    CRITERION_LABELS,
    Candidate,
    GpuFitConstraint,
    Profile,
    Workload,
)
from workbench.domain.smaa import SmaaResult
from workbench.io.excel import (
    CapabilityRow,
    ConstraintRow,
    DecisionWorkbook,
    ScoringTable,
    decision_workbook_bytes,
)
from workbench.io.gpus import load_gpu_catalog
from workbench.io.hf_config import parse_hf_config
from workbench.services.decide import Decision


def scoring_table(result: RankingResult) -> ScoringTable:
    """The normalised matrix exactly as the engine scored it, in the workbook's higher-is-better form,
    with the engine's own reference points (so the live formulas reproduce its scores, ties included).

    Weighted sum: the min-max values (directions already applied), so SUMPRODUCT(w, row) = score; the
    reference row is informative. TOPSIS: vector-normalised values; a cost column r becomes
    ``anti - r`` (anti = the cost criterion's worst, its largest value), which leaves every distance to
    the ideal and the anti-ideal unchanged, so the live TOPSIS formulas reproduce the closeness. Unknown
    values sit at the midpoint of their range and the reference points are the envelope of the ranges.
    """
    criteria = list(result.criteria)
    matrix = np.array([[row.normalised[c] for c in criteria] for row in result.rows], dtype=float).reshape(
        len(result.rows), len(criteria))
    best = np.array([result.reference[c][0] for c in criteria], dtype=float)
    worst = np.array([result.reference[c][1] for c in criteria], dtype=float)
    if result.method == "topsis":
        for j, criterion in enumerate(criteria):
            if result.directions[criterion] == "cost":
                anti = worst[j]
                matrix[:, j] = anti - matrix[:, j]
                best[j], worst[j] = anti - best[j], 0.0
    return ScoringTable(
        criteria=criteria,
        weights=[result.weights[c] for c in criteria],
        candidates=[row.name for row in result.rows],
        matrix=np.maximum(matrix, 0.0),
        scores=[row.score for row in result.rows],
        ranks=[row.rank for row in result.rows],
        best=best,
        worst=worst,
        criterion_labels={c: CRITERION_LABELS.get(c, c) for c in criteria},
    )


def constraint_rows(result: RankingResult) -> list[ConstraintRow]:
    excluded = {e.name: e for e in result.excluded}
    rows = []
    for name in [r.name for r in result.rows] + sorted(excluded):
        for impact in result.constraints:
            ex = excluded.get(name)
            failed = ex is not None and impact.key in ex.constraints
            rows.append(ConstraintRow(candidate=name, constraint=impact.requirement, passed=not failed,
                                      reason="; ".join(ex.reasons) if failed and ex else "meets the requirement"))
    return rows


def economics_frame(candidates: list[Candidate], workload: Workload) -> pd.DataFrame:
    return pd.DataFrame(cost_breakdown_for(candidates, workload).rows())


def gpu_fit_frame(candidates: list[Candidate], constraint: GpuFitConstraint | None) -> pd.DataFrame | None:
    """Minimum GPUs per open-weight candidate (with an architecture) x GPU type, as on the GPU fit page's
    matrix (the same ``fit_matrix_table``): at the profile's GPU-fit constraint when it has one, else 32K context
    x 16 concurrent with each checkpoint's own weight format (the page's default)."""
    load = constraint or GpuFitConstraint(gpu="H100 SXM", context_tokens=32_768, concurrency=16,
                                          weights_format="checkpoint")
    specs, names = [], []
    for c in candidates:
        if c.open_weights and c.architecture:
            try:
                specs.append(parse_hf_config(dict(c.architecture)))
            except ArchitectureError:
                continue
            names.append(c.name)
    if not specs:
        return None
    catalog = load_gpu_catalog()
    table = fit_matrix_table(list(zip(names, specs, strict=True)), catalog.gpus, context=load.context_tokens,
                             concurrency=load.concurrency, weights=load.weights_format, kv=load.kv_dtype,
                             gpu_memory_utilization=load.gpu_memory_utilization)
    rows = []
    for name, fmt, kv, row in zip(table.names, table.weights, table.kv, table.rows, strict=True):
        entry: dict[str, object] = {"Candidate": name, "Context (tokens)": load.context_tokens,
                                    "Concurrent sequences": load.concurrency, "Weights": fmt, "KV cache": kv}
        for gpu, n in zip(catalog.gpus, row, strict=True):
            entry[f"{gpu.name} (min GPUs)"] = n if n is not None else "does not fit"
        rows.append(entry)
    return pd.DataFrame(rows)


def evidence_frame(evidence: list[CapabilityEvidence]) -> pd.DataFrame | None:
    """Measured capability values with their intervals (what replaced the E/A/D prior in the ranking)."""
    if not evidence:
        return None
    return pd.DataFrame([{
        "Candidate": e.candidate, "Capability": CAPABILITY_LABELS.get(e.vector, e.vector),
        "Measured value (0-1)": e.value, "Lower 95%": e.lower, "Upper 95%": e.upper, "n (items)": e.n,
        "Interval method": e.method, "Sources": "; ".join(e.sources)} for e in evidence])


def workbook_for(*, profile_name: str, scenario_name: str | None, effective: Profile,
                 candidates: list[Candidate], ranking: RankingResult, smaa: SmaaResult | None = None,
                 snapshot_hash: str = "", gpu_fit: pd.DataFrame | None = None,
                 evidence: pd.DataFrame | None = None) -> DecisionWorkbook:
    by_name = {c.name: c for c in candidates}
    shown = [row.name for row in ranking.rows] + [e.name for e in ranking.excluded]
    return DecisionWorkbook(
        profile=profile_name,
        scenario=scenario_name,
        method=ranking.method,
        normalisation=f"{ranking.normalisation}: {ranking.normalisation_detail}",
        date=date.today(),
        snapshot_hash=snapshot_hash or _ranking_digest(ranking),
        winner=ranking.winner or "none (no candidate meets every hard constraint)",
        robustness=smaa.headline if smaa else "",
        capability=[CapabilityRow(candidate=name, capabilities=by_name[name].capabilities) for name in shown],
        scoring=scoring_table(ranking),
        constraints=constraint_rows(ranking),
        economics=economics_frame(candidates, effective.workload),
        gpu_fit=gpu_fit if gpu_fit is not None else gpu_fit_frame(candidates, effective.constraints.gpu_fit),
        evidence=evidence,
    )


def decision_workbook(decision: Decision, smaa: SmaaResult | None = None, *, snapshot_hash: str = "",
                      gpu_fit: pd.DataFrame | None = None, evidence: pd.DataFrame | None = None) -> DecisionWorkbook:
    return workbook_for(
        profile_name=decision.profile.model.name,
        scenario_name=decision.scenario.model.name if decision.scenario else None,
        effective=decision.effective, candidates=list(decision.candidates), ranking=decision.ranking, smaa=smaa,
        snapshot_hash=snapshot_hash, gpu_fit=gpu_fit,
        evidence=evidence if evidence is not None else evidence_frame(list(decision.evidence)))


def snapshot_workbook_bytes(snapshot: dict[str, object]) -> bytes:
    """The decision matrix of a Model Decision Record, recomputed from its own snapshot (so it matches the
    signed ranking bit for bit); the snapshot's canonical digest goes on the Summary sheet."""
    from workbench.domain.snapshot import canonical_json, snapshot_digest
    from workbench.services.restore import rerank_snapshot

    restored = rerank_snapshot(snapshot)
    profile_part = snapshot["profile"]
    assert isinstance(profile_part, dict)
    effective = Profile.model_validate(profile_part["effective"])
    raw_candidates = snapshot["candidates"]
    assert isinstance(raw_candidates, list)
    candidates = [Candidate.model_validate(c) for c in raw_candidates]
    scenario = snapshot.get("scenario")
    workbook = workbook_for(
        profile_name=str(profile_part.get("name", effective.name)),
        scenario_name=str(scenario["name"]) if isinstance(scenario, dict) else None,
        effective=effective, candidates=candidates, ranking=restored.ranking, smaa=restored.smaa,
        snapshot_hash=snapshot_digest(canonical_json(snapshot)),
        evidence=evidence_frame([CapabilityEvidence.model_validate(e) for e in _snapshot_evidence(snapshot)]))
    return decision_workbook_bytes(workbook)


def _snapshot_evidence(snapshot: dict[str, object]) -> list[object]:
    method = snapshot.get("method")
    smaa = method.get("smaa") if isinstance(method, dict) else None
    return list(smaa.get("capability_evidence") or []) if isinstance(smaa, dict) else []


def _ranking_digest(result: RankingResult) -> str:
    import hashlib

    return hashlib.sha256(result.to_json().encode()).hexdigest()


def workbook_bytes(decision: Decision, smaa: SmaaResult | None = None, **extra: object) -> bytes:
    return decision_workbook_bytes(decision_workbook(decision, smaa, **extra))  # type: ignore[arg-type]
