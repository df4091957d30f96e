"""Draft a Model Decision Record from the workbench, and restore (re-rank) a decision snapshot.

:func:`gather` collects what the record is drafted from, for one profile (and optionally one scenario):

* the ranking (:func:`workbench.services.decide.decide`) and the SMAA-2 first-rank acceptability
  (:func:`workbench.services.decide.robustness`, seeded, so it reproduces);
* excluded candidates with their violated constraints (section 4);
* the selected model's economics per 1M queries and its cost per successful outcome
  (:func:`workbench.domain.economics.cost_breakdown_for`; section 6);
* vLLM flags from the GPU fit (:func:`workbench.domain.gpu.evaluate_fit`) when the winner has open
  weights and an imported architecture, else a sentence saying what is missing (section 2);
* evidence lines with Wilson 95 % intervals (:func:`workbench.domain.evidence.summarize_rates`; section 3);
* the anti-pattern linter's findings (:func:`workbench.domain.linter.lint_decision`; section 5).

:func:`draft_from_workspace` turns that into :func:`workbench.domain.mdr.draft_mdr` + a snapshot
(:func:`workbench.domain.snapshot.make_snapshot`) and stores the draft. :func:`rerank_snapshot` rebuilds the
decision matrix from a snapshot alone and reports whether the ranking and the SMAA result are bit-identical
(compared as RFC 8785 canonical JSON).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine

from workbench.services.decide import (
    DEFAULT_SMAA_SEED,
    VALUE_DRAWS,
    Decision,
    build_matrix,
    capability_draws,
    decide,
    robustness,
)
from workbench.domain.architecture import ArchitectureError, parse_hf_config
from workbench.domain.decision_matrix import RankingResult, rank_matrix
from workbench.domain.economics import cost_breakdown_for
from workbench.domain.evidence import (
    HARNESS_COMPONENTS,
    CapabilityEvidence,
    EvaluationRun,
    MetricKind,
    latency_percentiles,
    summarize_rates,
)
from workbench.domain.gpu_constraint import gpu_fit_check
from workbench.domain.gpu import (
    FitInputError,
    FitRequest,
    FitResult,
    GpuCatalog,
    evaluate_fit,
    min_gpus,
)
from workbench.domain.linter import (
    DecisionDraft,
    EvidenceRef,
    Finding,
    NodeChoice,
    StructuredOutput,
    StructuredOutputApproach,
    lint_decision,
)
from workbench.domain.mdr import MDR, MDRError, draft_mdr, format_rate_interval
from workbench.domain.models import TOPOLOGY_LABELS, Candidate, OutputForm, Profile
from workbench.domain.smaa import SmaaResult, run_smaa
from workbench.domain.snapshot import (
    SNAPSHOT_SCHEMA,
    SnapshotError,
    canonical_json,
    make_snapshot,
    snapshot_digest,
)
from workbench.io.gpus import load_gpu_catalog
from workbench.store.decisions import DecisionRecord, _app_version, create_decision
from workbench.store.evidence import evidence_for_profile

DEFAULT_SAMPLES = 2_000
DEFAULT_SPREAD = 0.5
DEFAULT_GPU = "H100 80GB SXM"
DRAFT_ID = "MDR-DRAFT"  # replaced by the store's number


class DraftError(ValueError):
    """The record cannot be drafted (the message says what to do)."""


@dataclass(frozen=True)
class GpuFitOutcome:
    flags: dict[str, str] = field(default_factory=dict)
    topology: str | None = None
    fit: FitResult | None = None
    missing: str | None = None


@dataclass(frozen=True)
class DraftInputs:
    """Everything the record is drafted from (one profile, optionally one scenario)."""

    decision: Decision
    smaa: SmaaResult
    smaa_samples: int
    smaa_spread: float
    smaa_seed: int
    selected: str | None
    economics: dict[str, float]
    economics_notes: list[str]
    gpu: GpuFitOutcome
    evidence_lines: list[str]
    evidence_metrics: dict[str, str]
    benchmark_references: list[str]
    findings: list[Finding]
    capability_evidence: list[CapabilityEvidence] = field(default_factory=list)


# --------------------------------------------------------------------------- pieces


def selected_economics(candidates: tuple[Candidate, ...], profile: Profile, name: str) -> tuple[dict[str, float], list[str]]:
    """USD per 1M queries (one query = one attempt's call) and per successful outcome for ``name``.

    prefill = uncached input; caching = cached input; generation = visible output + reasoning tokens
    (each billed price x tokens, seed 002 "Evaluation and Observability Guidance"); retries =
    (E[attempts] - 1) x cost per call; human review = review rate x review cost; cost per success from
    :func:`workbench.domain.economics.cost_per_success`."""
    names = [c.name for c in candidates]
    i = names.index(name)
    costs = cost_breakdown_for(list(candidates), profile.workload)
    call, success = costs.call, costs.success
    per_m = 1_000_000.0
    figures = {
        "prefill_cost_per_1m_queries_usd": float(call.uncached_input_usd[i]) * per_m,
        "generation_cost_per_1m_queries_usd": float(call.output_usd[i] + call.reasoning_usd[i]) * per_m,
        "caching_cost_per_1m_queries_usd": float(call.cached_input_usd[i]) * per_m,
        "retry_cost_per_1m_queries_usd": float((success.expected_attempts[i] - 1.0) * call.total_usd[i]) * per_m,
        "human_review_cost_per_1m_queries_usd":
            profile.workload.human_review_rate * profile.workload.human_review_cost_usd * per_m,
        "cost_per_success_usd": float(success.total_usd[i]),
        "monthly_cost_usd": float(costs.monthly["total_usd"][i]),
    }
    known = {k: v for k, v in figures.items() if math.isfinite(v)}
    notes = ["Generation includes reasoning tokens; one query = one attempt (retries listed separately)."]
    if not bool(costs.pricing_known[i]):
        notes.append(f"{name} has no pricing in the catalog: costs are not computed (add its prices on the "
                     "Candidates page).")
        known = {k: v for k, v in known.items() if k == "human_review_cost_per_1m_queries_usd"}
    if not bool(costs.tokenizer_known[i]):
        notes.append(f"{name}'s tokenizer compression is unknown: token counts are not adjusted for it.")
    return known, notes


def gpu_fit_for(candidate: Candidate, profile: Profile) -> GpuFitOutcome:
    """vLLM flags for self-hosting ``candidate`` at the profile's load: the smallest tensor-parallel group of
    the profile's GPU (its GPU-fit constraint, else an H100 80GB SXM) that fits the context and concurrency."""
    if not candidate.open_weights:
        return GpuFitOutcome(missing=f"{candidate.name} is not an open-weight model: its provider serves it, so "
                                     "there are no vLLM flags to record.")
    if not candidate.architecture:
        return GpuFitOutcome(missing=(
            f"{candidate.name} has open weights but no imported architecture: import its config.json (GPU fit "
            f"page, or `workbench import hf-config config.json --candidate \"{candidate.name}\"`) to derive the "
            "vLLM flags."))
    c = profile.constraints.gpu_fit
    concurrency = c.concurrency if c else (profile.throughput.concurrent_requests or 16)
    try:
        spec = parse_hf_config(dict(candidate.architecture))
        catalog = load_gpu_catalog()
        gpu = catalog.get(c.gpu if c else DEFAULT_GPU).name
        request = FitRequest(
            weights=c.weights_format if c else "checkpoint",
            kv_dtype="auto" if c is None or c.kv_dtype == "bf16" else c.kv_dtype,
            context=c.context_tokens if c else profile.context_length_tokens,
            concurrency=concurrency, gpu=gpu,
            gpu_memory_utilization=c.gpu_memory_utilization if c else 0.90,
        )
        n = min_gpus(spec, request, catalog).get(gpu)
        if n is None:
            return GpuFitOutcome(missing=(
                f"{candidate.name} does not fit on up to 64 × {gpu} at {request.context:,} tokens × "
                f"{concurrency} concurrent requests: no vLLM flags (see the GPU fit page)."))
        fit = evaluate_fit(spec, request.model_copy(update={"gpus": n, "tp": n}), catalog)
    except (ArchitectureError, FitInputError, ValueError) as exc:
        return GpuFitOutcome(missing=f"GPU fit of {candidate.name} failed: {exc}")
    args = fit.vllm_args
    flags = {args[k]: args[k + 1] for k in range(0, len(args) - 1, 2)}
    topology = (f"{TOPOLOGY_LABELS['self_hosted']}: {fit.gpus} × {fit.gpu} (tensor parallel {fit.tp}), "
                f"{fit.context:,}-token context × {fit.concurrency} concurrent requests, "
                f"{fit.total_bytes_per_gpu / 2**30:.1f} GiB of {fit.usable_bytes_per_gpu / 2**30:.1f} GiB usable per GPU")
    return GpuFitOutcome(flags=flags, topology=topology, fit=fit)


def topology_for(candidate: Candidate, profile: Profile) -> str | None:
    """The candidate's deployment topologies the profile allows (None when the catalog does not say)."""
    allowed = profile.privacy.allowed_topologies or profile.constraints.allowed_topologies
    offered = [t for t in candidate.topologies if not allowed or t in allowed]
    if not offered:
        return None
    return " or ".join(TOPOLOGY_LABELS[t.value] for t in offered)


def _label(kind: MetricKind) -> str:
    component = HARNESS_COMPONENTS.get(kind)
    return component.label if component else kind.value.replace("_", " ")


def evidence_summary(
    runs: dict[str, list[EvaluationRun]], order: list[str], selected: str | None,
) -> tuple[list[str], dict[str, str], list[str]]:
    """(lines for every candidate with evidence, metrics of the selected model, its benchmark references).

    Pass rates with Wilson 95 % intervals (reference economics-and-evidence.md section 5)."""
    ordered = [n for n in order if n in runs] + sorted(n for n in runs if n not in order)
    all_runs = [r for name in ordered for r in runs[name]]
    binary = [r for r in all_runs if (c := r.binary_counts()) is not None and c[1] > 0]
    rates = {id(r): s for r, s in zip(binary, summarize_rates(binary, "wilson"), strict=True)}
    lines: list[str] = []
    metrics: dict[str, str] = {}
    refs: list[str] = []
    for run in all_runs:
        kind = MetricKind(run.metric_kind)
        what = run.benchmark or run.task or run.metric_name or kind.value
        source = f"{run.source_file}, sha256 {run.source_sha256[:12]}"
        s = rates.get(id(run))
        if s is not None:
            value = format_rate_interval(s.rate, s.lower, s.upper, s.n) + " (Wilson)"
            flags = f"; {'; '.join(s.flags)}" if s.flags else ""
        elif run.mean_score is not None:
            value, flags = f"mean score {run.mean_score:.3f} (n={run.n or 'unknown'}, no interval)", ""
        else:
            continue
        lines.append(f"{run.name}: {_label(kind)} on {what}: {value}{flags} [{source}]")
        if run.name != selected:
            continue
        if kind is MetricKind.golden_set_accuracy and s is not None:
            metrics.setdefault("golden_set_accuracy", f"{value} on {what} [{source}]")
        elif kind is MetricKind.schema_validity and s is not None:
            metrics.setdefault("structured_output_validity", f"{value} on {what} [{source}]")
        elif kind is MetricKind.public_benchmark:
            refs.append(f"{what}: {value} [{source}]")
        lat = latency_percentiles(run)
        if lat and (kind is MetricKind.shadow_latency or "target_latency_p95" not in metrics):
            metrics["target_latency_p95"] = (f"{lat['p95_ms']:,.0f} ms (p95 of {run.latencies_ms().size} measured "
                                             f"item latencies, {what}) [{source}]")
    return lines, metrics, refs


def linter_findings(profile: Profile, selected: str, runs: dict[str, list[EvaluationRun]]) -> list[Finding]:
    """The linter on the draft: one task-graph node served by the selected model, with the profile's evidence."""
    refs: dict[str, list[EvidenceRef]] = {}
    for name, items in runs.items():
        for r in items:
            kind = MetricKind(r.metric_kind)
            bench = (r.benchmark or r.task or "unnamed benchmark") if kind is MetricKind.public_benchmark else None
            refs.setdefault(name, []).append(EvidenceRef(kind=kind, benchmark=bench, n=r.n))
    json_like = profile.output_form in (OutputForm.flat_json, OutputForm.nested_json, OutputForm.tool_arguments)
    draft = DecisionDraft(
        profile=profile, nodes=[NodeChoice(node=profile.name, candidates=[selected])], evidence=refs,
        structured_output=StructuredOutput(
            approach=StructuredOutputApproach.native if json_like else StructuredOutputApproach.none),
    )
    return lint_decision(draft)


# --------------------------------------------------------------------------- gather + draft


def gather(
    engine: Engine, profile_name: str, scenario_name: str | None = None, *,
    samples: int | None = None, seed: int | None = None, spread: float | None = None,
) -> DraftInputs:
    """Collect the ranking and everything the seven sections are drafted from."""
    decision = decide(engine, profile_name, scenario_name)
    scenario = decision.scenario.model if decision.scenario else None
    n = samples or (scenario.smaa_samples if scenario else DEFAULT_SAMPLES)
    s = seed if seed is not None else (scenario.smaa_seed if scenario else DEFAULT_SMAA_SEED)
    sp = spread if spread is not None else (scenario.smaa_spread if scenario else DEFAULT_SPREAD)
    capability = list(decision.evidence)
    smaa = robustness(decision, n, s, sp)
    ranking = decision.ranking
    selected = ranking.winner
    profile = decision.effective
    runs = evidence_for_profile(engine, decision.profile.id)
    order = [r.name for r in ranking.rows] + [e.name for e in ranking.excluded]
    lines, metrics, refs = evidence_summary(runs, order, selected)
    if selected is None:
        return DraftInputs(decision, smaa, n, sp, s, None, {}, [], GpuFitOutcome(missing="no candidate was selected"),
                           lines, metrics, refs, [], capability)
    candidate = next(c for c in decision.candidates if c.name == selected)
    economics, notes = selected_economics(decision.candidates, profile, selected)
    gpu = gpu_fit_for(candidate, profile)
    if gpu.topology is None:
        gpu = GpuFitOutcome(flags=gpu.flags, fit=gpu.fit, missing=gpu.missing, topology=topology_for(candidate, profile))
    if "target_latency_p95" not in metrics:
        row = ranking.rows[0]
        if row.latency_p95_ms is not None:
            metrics["target_latency_p95"] = (f"{row.latency_p95_ms:,.0f} ms estimated (catalog TTFT p95 + decode "
                                             "time; not measured: run shadow traffic to measure it)")
    findings = linter_findings(profile, selected, runs)
    return DraftInputs(decision, smaa, n, sp, s, selected, economics, notes, gpu, lines, metrics, refs, findings,
                       capability)


def snapshot_for(inputs: DraftInputs, *, created_at: str | None = None) -> dict[str, Any]:
    """The decision snapshot: every input and result needed to reproduce the ranking (and SMAA) exactly."""
    d = inputs.decision
    ranking = d.ranking
    costs = {row.name: row.cost_per_success for row in ranking.rows}
    return make_snapshot(
        profile={"name": d.profile.model.name, "stored": d.profile.model, "stored_version": d.profile.version,
                 "effective": d.effective},
        candidates=list(d.candidates),
        method={
            "ranking_method": d.method, "method_label": ranking.method_label, "normalisation": ranking.normalisation,
            "tie_break": ranking.tie_break, "imputation_policy": ranking.imputation_policy,
            "weights": d.effective.weights, "constraints": d.effective.constraints,
            "cost_model": "workbench.domain.economics.cost_per_success_for(candidates, effective.workload)",
            "smaa": {"n_samples": inputs.smaa_samples, "spread": inputs.smaa_spread, "seed": inputs.smaa_seed,
                     "uniform": False, "value_draws": VALUE_DRAWS,
                     "capability_evidence": inputs.capability_evidence},
            # the GPU-fit hard constraint is checked against this catalog (None: no such constraint)
            "gpu_catalog": load_gpu_catalog() if d.effective.constraints.gpu_fit else None,
        },
        results={"ranking": ranking, "smaa": inputs.smaa, "selected": inputs.selected,
                 "cost_per_success_usd": costs},
        smaa_seed=inputs.smaa_seed,
        created_at=created_at or datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        app_version=_app_version(),
        extra={
            "scenario": d.scenario.model if d.scenario else None,
            "economics": {"selected": inputs.selected, "figures_usd": inputs.economics,
                          "notes": inputs.economics_notes},
            "gpu_fit": {"flags": inputs.gpu.flags, "fit": inputs.gpu.fit, "missing": inputs.gpu.missing},
            "evidence": inputs.evidence_lines,
            "linter": inputs.findings,
        },
    )


def draft_record(inputs: DraftInputs, *, today: date | None = None, decision_makers: tuple[str, ...] = ()) -> MDR:
    """The seven-section draft (id ``MDR-DRAFT`` until the store numbers it)."""
    d = inputs.decision
    ranking = d.ranking
    first = {c.name: c.first_rank for c in inputs.smaa.candidates}
    try:
        record = draft_mdr(
            record_id=DRAFT_ID,
            profile=d.effective,
            ranked=[(row.name, row.score) for row in ranking.rows],
            excluded={e.name: e.reasons for e in ranking.excluded},
            economics=inputs.economics,
            vllm_flags=inputs.gpu.flags,
            topology=inputs.gpu.topology,
            evidence_lines=inputs.evidence_lines,
            evidence_metrics=inputs.evidence_metrics,
            benchmark_references=inputs.benchmark_references,
            linter_findings=inputs.findings,
            first_rank_acceptability=first,
            method=ranking.method_label,
            decision_makers=decision_makers,
            today=today,
        )
    except MDRError as exc:
        raise DraftError(str(exc)) from exc
    # facts that have no field of their own in the template: said where a reader looks for them
    body = record.body
    extra_basis = [f"SMAA-2: {inputs.smaa.headline} ({inputs.smaa_samples:,} samples, seed {inputs.smaa_seed})."]
    if d.scenario is not None:
        extra_basis.append(f"Ranked under scenario “{d.scenario.model.name}” of profile “{d.profile.model.name}”.")
    if inputs.gpu.missing:
        extra_basis.append(f"Serving parameters: {inputs.gpu.missing}")
    selection = body.selection.model_copy(
        update={"selection_basis": " ".join([body.selection.selection_basis, *extra_basis]).strip()})
    economics = body.economics.model_copy(
        update={"assumptions": (*body.economics.assumptions, *inputs.economics_notes)})
    body = body.model_copy(update={"selection": selection, "economics": economics})
    return record.model_copy(update={"body": body, "generated": body})


def draft_from_workspace(
    engine: Engine, profile_name: str, actor: str, scenario_name: str | None = None, *,
    supersedes_id: int | None = None, today: date | None = None,
) -> DecisionRecord:
    """Draft and store a record for a profile (and scenario): what the page's "Draft MDR" and
    ``workbench mdr draft`` call."""
    inputs = gather(engine, profile_name, scenario_name)
    if inputs.selected is None:
        raise DraftError(ranking_empty_message(inputs.decision.ranking))
    record = draft_record(inputs, today=today)
    try:
        snapshot = snapshot_for(inputs)
    except SnapshotError as exc:
        raise DraftError(f"the decision cannot be snapshotted: {exc}") from exc
    return create_decision(engine, inputs.decision.profile.id, record, snapshot, actor, supersedes_id=supersedes_id)


def ranking_empty_message(ranking: RankingResult) -> str:
    return (ranking.empty_state or "No candidate is ranked for this profile.") + \
        " Nothing to decide yet: relax a constraint on the Trade-offs page or add candidates."


# --------------------------------------------------------------------------- restore


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
    with its recorded results, byte for byte as canonical JSON. Raises :class:`DraftError` for a snapshot
    that is not a workbench decision snapshot."""
    if not isinstance(snapshot, dict) or snapshot.get("schema") != SNAPSHOT_SCHEMA:
        raise DraftError(f"not a workbench decision snapshot (schema must be {SNAPSHOT_SCHEMA})")
    try:
        profile = Profile.model_validate(snapshot["profile"]["effective"])
        candidates = [Candidate.model_validate(c) for c in snapshot["candidates"]]
        method = snapshot["method"]["ranking_method"]
        smaa_cfg = snapshot["method"].get("smaa")
        stored = snapshot["results"]["ranking"]
    except (KeyError, TypeError, ValueError) as exc:
        raise DraftError(f"snapshot is missing or has an invalid field: {exc}") from exc
    dm = build_matrix(profile, candidates)
    checks = []
    if profile.constraints.gpu_fit is not None:
        raw_catalog = snapshot["method"].get("gpu_catalog")
        catalog = GpuCatalog.model_validate(raw_catalog) if raw_catalog else load_gpu_catalog()
        checks = [gpu_fit_check(dm.names, candidates, profile.constraints.gpu_fit, catalog)]
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
