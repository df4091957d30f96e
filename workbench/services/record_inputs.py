"""What a record is drafted from, piece by piece: the chosen model's economics, its vLLM flags from the GPU fit,
its deployment topology, the evidence lines (Wilson intervals) and the anti-pattern linter's findings.

Used by :mod:`workbench.services.records` (drafting). Each function takes domain objects and returns text or
numbers for one section of the record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from workbench.domain.economics import cost_breakdown_for
from workbench.domain.evidence import (
    HARNESS_COMPONENTS,
    EvaluationRun,
    MetricKind,
    latency_percentiles,
    summarize_rates,
)
from workbench.domain.gpu import (
    FitInputError,
    FitRequest,
    FitResult,
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
from workbench.domain.mdr import format_rate_interval
from workbench.domain.models import TOPOLOGY_LABELS, Candidate, OutputForm, Profile
from workbench.io.gpus import load_gpu_catalog
from workbench.io.hf_config import ArchitectureError, parse_hf_config
from workbench.services.costing import priced_on_basis

DEFAULT_GPU = "H100 80GB SXM"


@dataclass(frozen=True)
class GpuFitOutcome:
    flags: dict[str, str] = field(default_factory=dict)
    topology: str | None = None
    fit: FitResult | None = None
    missing: str | None = None


def selected_economics(candidates: tuple[Candidate, ...], profile: Profile, name: str) -> tuple[dict[str, float], list[str]]:
    """USD per 1M queries (one query = one attempt's call) and per successful outcome for ``name``.

    prefill = uncached input; caching = cached input; generation = visible output + reasoning tokens
    (each billed price x tokens, seed 002 "Evaluation and Observability Guidance"); retries =
    (E[attempts] - 1) x cost per call; human review = review rate x review cost; cost per success from
    :func:`workbench.domain.economics.cost_per_success`."""
    candidates, basis_notes = priced_on_basis(profile, candidates)  # self-hosted-only uses GPU cost
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
    if name in basis_notes:
        notes.append(f"{name} {basis_notes[name]}.")
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


def _run_value(run: EvaluationRun, s: Any) -> tuple[str, str] | None:
    """(value text, flags) of one run: a Wilson interval for pass rates, else its mean score, else None."""
    if s is not None:
        return format_rate_interval(s.rate, s.lower, s.upper, s.n) + " (Wilson)", (
            f"; {'; '.join(s.flags)}" if s.flags else "")
    if run.mean_score is not None:
        return f"mean score {run.mean_score:.3f} (n={run.n or 'unknown'}, no interval)", ""
    return None


def _selected_metrics(run: EvaluationRun, rated: bool, value: str, what: str, source: str,
                      metrics: dict[str, str], refs: list[str]) -> None:
    """The selected model's section-3 metrics from one of its runs (first of each kind wins; shadow latency wins
    the p95)."""
    kind = MetricKind(run.metric_kind)
    if kind is MetricKind.golden_set_accuracy and rated:
        metrics.setdefault("golden_set_accuracy", f"{value} on {what} [{source}]")
    elif kind is MetricKind.schema_validity and rated:
        metrics.setdefault("structured_output_validity", f"{value} on {what} [{source}]")
    elif kind is MetricKind.public_benchmark:
        refs.append(f"{what}: {value} [{source}]")
    lat = latency_percentiles(run)
    if lat and (kind is MetricKind.shadow_latency or "target_latency_p95" not in metrics):
        metrics["target_latency_p95"] = (f"{lat['p95_ms']:,.0f} ms (p95 of {run.latencies_ms().size} measured "
                                         f"item latencies, {what}) [{source}]")


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
        shown = _run_value(run, s)
        if shown is None:
            continue
        value, flags = shown
        lines.append(f"{run.name}: {_label(kind)} on {what}: {value}{flags} [{source}]")
        if run.name == selected:
            _selected_metrics(run, s is not None, value, what, source, metrics, refs)
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


def measured_p95_ms(runs: dict[str, list[EvaluationRun]], selected: str | None) -> float | None:
    """The selected model's measured p95 in ms, chosen as :func:`evidence_summary` chooses it (shadow latency
    first, else the first run with item latencies); None when nothing was measured."""
    found: float | None = None
    for run in runs.get(selected or "", []):
        lat = latency_percentiles(run)
        if lat and (MetricKind(run.metric_kind) is MetricKind.shadow_latency or found is None):
            found = lat["p95_ms"]
    return found
