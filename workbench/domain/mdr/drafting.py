"""Drafting a record from the workbench's results: the seven sections filled from the profile, the ranking,
the exclusions, the economics, the GPU fit, the evidence and the linter. The drafted body is kept as
``generated`` so people's edits can be told apart from it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ValidationError

from workbench.domain.mdr.failures import FailureTable, relevant_failures
from workbench.domain.mdr.model import (
    ECONOMICS_KEYS,
    MDR,
    AlternativesSection,
    ContextSection,
    EconomicsSection,
    EvidenceSection,
    FailureMitigation,
    FailureToleranceSection,
    FrontMatter,
    LinterFinding,
    MDRBody,
    MDRError,
    RejectedAlternative,
    SelectionSection,
    VllmFlag,
)
from workbench.domain.mdr.render import _cap, _label, format_usd
from workbench.domain.mdr.targets import (
    cost_ceiling,
    derive_rollout,
    reconsideration_conditions,
    target_checks,
)
from workbench.domain.models import (
    CAPABILITY_LABELS,
    LICENSE_RESTRICTION_LABELS,
    TOPOLOGY_LABELS,
    FailurePolicy,
    Profile,
    RiskLevel,
)


def _stated(value: StrEnum | None) -> str:
    return _label(value.value) if value is not None else "not stated"


def _cognitive(profile: Profile) -> list[str]:
    return [
        f"Task class: {_label(profile.task_class.value)}",
        f"Reasoning depth: {_stated(profile.reasoning_depth)}",
        f"Output form: {_stated(profile.output_form)}",
        f"Tool-use complexity: {_stated(profile.tool_use)}",
        f"Required modalities: {', '.join(m.value for m in profile.required_modalities) or 'text'}",
        f"Context length need: {profile.context_length_tokens:,} tokens",
        f"Language scope: {_stated(profile.language_scope)}",
        f"User exposure: {_stated(profile.user_exposure)}; risk level: {profile.risk_level.value}",
    ]


def _joined(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _privacy(profile: Profile) -> str:
    topologies = profile.privacy.allowed_topologies or profile.constraints.allowed_topologies
    residency = profile.privacy.data_residency or profile.constraints.data_residency
    return _joined(
        "topologies: " + ", ".join(TOPOLOGY_LABELS[t.value] for t in topologies) if topologies else "",
        "data residency: " + ", ".join(residency) if residency else "",
        "zero retention required" if profile.privacy.zero_retention_required else "",
    )


def _other_constraints(profile: Profile) -> list[str]:
    c, tp = profile.constraints, profile.throughput
    other: list[str] = []
    if tp.peak_rps is not None:
        other.append(f"Peak throughput: {tp.peak_rps:g} requests/s")
    if tp.concurrent_requests is not None:
        other.append(f"Concurrent requests: {tp.concurrent_requests:,}")
    other.append(f"Volume: {profile.workload.requests_per_month:,} requests/month")
    other += [f"Minimum rating: {CAPABILITY_LABELS[v]} ≥ {r}" for v, r in sorted(c.min_rating.items())]
    if c.min_context_tokens:
        other.append(f"Minimum context window: {c.min_context_tokens:,} tokens")
    if c.max_p95_latency_ms:
        other.append(f"Maximum p95 latency: {c.max_p95_latency_ms:g} ms")
    other += [f"Forbidden licence clause: {LICENSE_RESTRICTION_LABELS[r.value]}" for r in c.forbidden_license_restrictions]
    if c.open_weights_only:
        other.append("Open weights only")
    if profile.unacceptable_failures:
        other.append("Unacceptable failures: " + ", ".join(_label(f.value) for f in profile.unacceptable_failures))
    return other


def _context_section(profile: Profile) -> ContextSection:
    sla = profile.latency_sla
    latency = _joined(f"TTFT ≤ {sla.ttft_ms:g} ms" if sla.ttft_ms else "",
                      f"total p95 ≤ {sla.total_p95_ms:g} ms" if sla.total_p95_ms else "")
    ceiling = cost_ceiling(profile)
    return ContextSection(
        task_node=profile.name,
        problem_statement=profile.description
        or f"Select the model for the {_label(profile.task_class.value)} task “{profile.name}”.",
        cognitive_requirements=tuple(_cognitive(profile)),
        latency_sla=latency or "none stated",
        cost_target=f"≤ {format_usd(ceiling)} per successful outcome" if ceiling else "none stated",
        privacy_requirements=_privacy(profile) or "none stated",
        other_constraints=tuple(_other_constraints(profile)),
    )


def _flag_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        raise MDRError(f"vLLM flag value must be finite, got {value}")
    return str(value)


def _vllm_flags(flags: Mapping[str, object] | None) -> tuple[VllmFlag, ...]:
    out = []
    for name, value in (flags or {}).items():
        flag = name if name.startswith("--") else "--" + name.replace("_", "-")
        try:
            out.append(VllmFlag(flag=flag, value=_flag_value(value)))
        except ValidationError as exc:
            raise MDRError(f"vllm_flags[{name!r}]: {exc.errors()[0]['msg']}") from exc
    return tuple(out)


def _check_ranked(ranked: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    for i, item in enumerate(ranked):
        try:
            name, score = item
            score = float(score)
        except (TypeError, ValueError) as exc:
            raise MDRError(f"ranked[{i}]: expected (name, score), got {item!r}") from exc
        if not isinstance(name, str) or not name:
            raise MDRError(f"ranked[{i}]: candidate name must be a non-empty string")
        if not math.isfinite(score):
            raise MDRError(f"ranked[{i}] ({name}): score must be finite, got {score}")
        if name in seen:
            raise MDRError(f"ranked[{i}]: candidate {name!r} listed twice")
        seen.add(name)
        out.append((name, score))
    # highest score first; ties keep the given order (stable sort)
    return sorted(out, key=lambda p: -p[1])


def _alternatives(
    ranked: list[tuple[str, float]],
    selected: str,
    excluded: Mapping[str, Sequence[str]],
    first_rank: Mapping[str, float],
    method: str,
) -> tuple[RejectedAlternative, ...]:
    alts: list[RejectedAlternative] = []
    scores = dict(ranked)
    top = scores.get(selected)
    for rank, (name, score) in enumerate(ranked, start=1):
        if name == selected:
            continue
        parts = [f"ranked #{rank} of {len(ranked)} by {method} with score {score:.3f}"]
        if top is not None:
            margin = top - score
            if margin >= 0:
                parts.append(f"{margin:.3f} below {selected} ({top:.3f})")
            else:
                parts.append(f"{-margin:.3f} above {selected} ({top:.3f}); reason for not selecting it: to be stated")
        if name in first_rank:
            parts.append(f"ranks first in {first_rank[name] * 100:.0f}% of sampled weightings")
        alts.append(RejectedAlternative(name=name, reason=_cap("; ".join(parts)) + ".", kind="outranked", score=score))
    for name, reasons in excluded.items():
        if isinstance(reasons, str):
            reasons = [reasons]
        text = "; ".join(r.strip() for r in reasons if r.strip())
        if not text:
            raise MDRError(f"excluded[{name!r}]: give at least one reason")
        alts.append(RejectedAlternative(name=name, reason=_cap(f"Excluded by hard constraints: {text}."), kind="excluded"))
    return tuple(alts)


def _failure_section(
    profile: Profile, table: FailureTable, linter_findings: Sequence[Mapping[str, object] | BaseModel]
) -> FailureToleranceSection:
    high_risk = profile.risk_level in (RiskLevel.high, RiskLevel.critical)
    unacceptable = set(profile.unacceptable_failures)
    failures = []
    for row in relevant_failures(profile, table):
        closed = high_risk or row.mode in unacceptable or row.severity == "Critical"
        failures.append(
            FailureMitigation(
                failure=row.label,
                mode=row.mode,
                mitigation=row.mitigation or "",
                policy=FailurePolicy.fail_closed if closed else profile.failure_policy,
                severity=row.severity,
                detectability=row.detectability,
                recoverability=row.recoverability,
            )
        )
    if profile.failure_policy == FailurePolicy.fail_closed:
        rationale = (
            "When validation detects a failure (schema mismatch, low confidence, ungrounded "
            "claim) the system halts, rejects the output and escalates to a human review queue."
        )
    else:
        rationale = (
            "When a validation check fails the system logs the error and continues, relying on "
            "the user to catch mistakes."
        )
        if high_risk:
            rationale += (
                f" Warning: the profile's risk level is {profile.risk_level.value}; the seed applies "
                "fail-closed to high-risk contexts."
            )
    findings = []
    for i, item in enumerate(linter_findings):
        raw: Mapping[str, object] = item.model_dump(mode="json") if isinstance(item, BaseModel) else item
        message = str(raw.get("message") or "").strip()
        if not message and raw.get("title"):  # workbench.domain.linter.Finding: title, evidence, fix
            parts = [str(raw["title"]), str(raw.get("evidence") or ""), f"Fix: {raw['fix']}" if raw.get("fix") else ""]
            message = ". ".join(p.strip().rstrip(".") for p in parts if p.strip()) + "."
        if not message:
            raise MDRError(f"linter_findings[{i}]: 'message' (or 'title') is required")
        rule = str(raw.get("rule") or raw.get("rule_id") or raw.get("code") or raw.get("id") or "")
        findings.append(LinterFinding(rule=rule, severity=str(raw.get("severity") or "warning"), message=message))
    return FailureToleranceSection(
        failure_policy=profile.failure_policy,
        policy_rationale=rationale,
        failures=tuple(failures),
        linter_findings=tuple(findings),
    )


def _economics_section(profile: Profile, economics: Mapping[str, float] | None) -> EconomicsSection:
    figures = dict(economics or {})
    unknown = sorted(set(figures) - set(ECONOMICS_KEYS))
    if unknown:
        raise MDRError(f"economics: unknown key(s) {', '.join(unknown)}; use {', '.join(ECONOMICS_KEYS)}")
    for key, value in figures.items():
        if value is not None and not (math.isfinite(float(value)) and float(value) >= 0):
            raise MDRError(f"economics[{key!r}] must be a finite amount >= 0, got {value}")
    w = profile.workload
    assumptions = (
        f"{w.input_tokens:,} input and {w.output_tokens:,} output tokens per request; "
        f"{w.cached_share * 100:g}% of input cached",
        f"{w.requests_per_month:,} requests/month; valid-output rate {w.valid_output_rate * 100:g}%; "
        f"up to {w.max_retries} retr{'y' if w.max_retries == 1 else 'ies'}",
    )
    main = ("prefill_cost_per_1m_queries_usd", "generation_cost_per_1m_queries_usd", "cost_per_success_usd")
    return EconomicsSection(
        prefill_cost_per_1m_queries_usd=figures.get(main[0]),
        generation_cost_per_1m_queries_usd=figures.get(main[1]),
        cost_per_success_usd=figures.get(main[2]),
        additional_usd=tuple(
            (k, float(figures[k])) for k in ECONOMICS_KEYS if k not in main and figures.get(k) is not None
        ),
        assumptions=assumptions,
    )


def _check_inputs(
    ranking: list[tuple[str, float]], excluded: Mapping[str, Sequence[str]], first_rank: Mapping[str, float] | None,
) -> dict[str, float]:
    both = sorted(set(excluded) & {n for n, _ in ranking})
    if both:
        raise MDRError(f"candidate(s) both ranked and excluded: {', '.join(both)}")
    shares = dict(first_rank or {})
    for name, share in shares.items():
        if not (math.isfinite(share) and 0.0 <= share <= 1.0):
            raise MDRError(f"first_rank_acceptability[{name!r}] must be within 0..1, got {share}")
    return shares


def _check_metrics(evidence_metrics: Mapping[str, str] | None) -> dict[str, str]:
    metrics = dict(evidence_metrics or {})
    allowed = {"golden_set_accuracy", "structured_output_validity", "target_latency_p95"}
    unknown = sorted(set(metrics) - allowed)
    if unknown:
        raise MDRError(f"evidence_metrics: unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(allowed))}")
    return metrics


def _basis(ranking: list[tuple[str, float]], selected: str, first_rank: Mapping[str, float], method: str) -> str:
    if not selected:
        return ""
    scores = dict(ranking)
    rank = [n for n, _ in ranking].index(selected) + 1
    basis = f"Ranked #{rank} of {len(ranking)} by {method} with score {scores[selected]:.3f}"
    if selected in first_rank:
        basis += f"; ranks first in {first_rank[selected] * 100:.0f}% of sampled weightings (SMAA-2)"
    return basis + "."


def draft_mdr(
    *,
    record_id: str,
    profile: Profile,
    ranked: Sequence[tuple[str, float]],
    excluded: Mapping[str, Sequence[str]] | None = None,
    economics: Mapping[str, float] | None = None,
    vllm_flags: Mapping[str, object] | None = None,
    topology: str | None = None,
    evidence_lines: Sequence[str] = (),
    evidence_metrics: Mapping[str, str] | None = None,
    benchmark_references: Sequence[str] = (),
    linter_findings: Sequence[Mapping[str, object] | BaseModel] = (),
    first_rank_acceptability: Mapping[str, float] | None = None,
    selected: str | None = None,
    method: str = "weighted sum",
    title: str | None = None,
    decision_makers: Sequence[str] = (),
    consulted: Sequence[str] = (),
    informed: Sequence[str] = (),
    supersedes: str | None = None,
    today: date,
    failure_table: FailureTable | None = None,
    latency_p95_ms: float | None = None,
    latency_measured: bool = False,
    ttft_p95_ms: float | None = None,
) -> MDR:
    """Draft a record from the workbench's results; the drafted body is kept as ``generated``.

    ``ranked``: (candidate, score) for every feasible candidate (any order; highest score wins unless
    ``selected`` names another). ``excluded``: candidate -> its violated-constraint reasons.
    ``economics``: keys of :data:`ECONOMICS_KEYS`. ``vllm_flags``: ``{"--max-model-len": 32768, ...}``.
    ``evidence_metrics``: keys ``golden_set_accuracy``, ``structured_output_validity``,
    ``target_latency_p95`` (preformatted strings, e.g. from :func:`format_rate_interval`).
    ``linter_findings``: dicts with ``message`` and optional ``rule``/``code`` and ``severity``, or
    :class:`workbench.domain.linter.Finding` objects (``rule_id``, ``title``, ``evidence``, ``fix``).
    ``first_rank_acceptability``: SMAA b_i^1 per candidate (0..1). ``failure_table``: the seed's failure
    tolerance table (``workbench.services.records.load_failure_table()``); without one section 5 lists no
    failure modes. ``latency_p95_ms`` / ``latency_measured``: the chosen model's p95 and whether it was measured;
    ``ttft_p95_ms``: its catalog TTFT p95.
    Target checks, rollout and reconsideration conditions are derived by :mod:`workbench.domain.mdr.targets`.
    """
    table = failure_table or FailureTable.model_validate({"schema": "none", "provenance": {}, "modes": []})
    ranking = _check_ranked(ranked)
    excluded = dict(excluded or {})
    first_rank = _check_inputs(ranking, excluded, first_rank_acceptability)
    if selected is None:
        selected = ranking[0][0] if ranking else ""
    elif selected not in dict(ranking):
        raise MDRError(f"selected model {selected!r} is not among the ranked (feasible) candidates")
    metrics = _check_metrics(evidence_metrics)

    flags = _vllm_flags(vllm_flags)
    if topology is None:
        allowed = profile.privacy.allowed_topologies or profile.constraints.allowed_topologies
        topology = allowed[0].value if len(allowed) == 1 else ("self_hosted" if flags else "")
    topology_text = TOPOLOGY_LABELS.get(topology, topology)

    basis = _basis(ranking, selected, first_rank, method)

    cost = (economics or {}).get("cost_per_success_usd")
    checks = target_checks(profile, cost_per_success=cost, p95_ms=latency_p95_ms, p95_measured=latency_measured,
                           evidence_metrics=metrics, ttft_p95_ms=ttft_p95_ms) if selected else ()
    rollout = derive_rollout(profile).model_copy(update={"reconsideration_conditions": reconsideration_conditions(
        profile, selected=selected, cost_per_success=cost, first_rank_share=first_rank.get(selected),
        p95_measured=latency_measured) if selected else ()})

    body = MDRBody(
        context=_context_section(profile),
        selection=SelectionSection(
            selected_model=selected, deployment_topology=topology_text, core_parameters=flags, selection_basis=basis
        ),
        evidence=EvidenceSection(
            golden_set_accuracy=metrics.get("golden_set_accuracy", ""),
            structured_output_validity=metrics.get("structured_output_validity", ""),
            target_latency_p95=metrics.get("target_latency_p95", ""),
            benchmark_references=tuple(benchmark_references),
            summary=tuple(evidence_lines),
        ),
        alternatives=AlternativesSection(
            alternatives=_alternatives(ranking, selected, excluded, first_rank, method)
        ),
        failure_tolerance=_failure_section(profile, table, linter_findings),
        economics=_economics_section(profile, economics),
        rollout=rollout,
        target_checks=checks,
    )
    try:
        return MDR(
            id=record_id,
            title=title or (f"Use {selected} for {profile.name}" if selected else f"Model for {profile.name}"),
            profile_name=profile.name,
            front=FrontMatter(
                date=today,
                decision_makers=tuple(decision_makers),
                consulted=tuple(consulted),
                informed=tuple(informed),
                supersedes=supersedes,
            ),
            body=body,
            generated=body,
        )
    except ValidationError as exc:
        raise MDRError(f"invalid record: {exc}") from exc
