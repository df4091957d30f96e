"""Model Decision Records (MDR): the seed's seven sections, MADR 4 front matter, and the lifecycle.

Template: seed 002, "Doctrinal Artifacts and Architecture Standards" > "Model Decision Record (MDR)
Template" (seven sections, used exactly, in order). Front matter: MADR 4.0.0 (adr/madr, 2024-09-17):
``status``, ``date``, ``decision-makers``, ``consulted``, ``informed``; supersession by identifier
(``supersedes`` / ``superseded-by``), see ``reference/decisions-signing-excel.md`` section 3.

Design:

* Records are **frozen** pydantic models (tuples instead of lists). Every change goes through a function
  here (:func:`set_field`, :func:`with_body`, :func:`with_people`, :func:`transition`,
  :func:`supersede`) that returns a new record, so the lifecycle rules cannot be bypassed by assignment.
* Lifecycle: ``draft -> proposed -> accepted | rejected``; ``accepted -> superseded`` only through
  :func:`supersede`, which links both records (``supersedes`` on the new one, ``superseded-by`` on the
  old one). The body of an accepted, rejected or superseded record is immutable: edits raise
  :class:`ImmutableRecordError`. Acceptance stores the SHA-256 of the body's canonical JSON
  (``accepted_body_sha256``) so a stored record can be checked with :func:`check_integrity`.
* Generated vs edited: :func:`draft_mdr` keeps the generated body in ``generated``; :func:`field_changes`
  gives the field-level diff (path, generated value, current value, kind) and :func:`field_origins`
  labels each field ``generated`` / ``edited`` / ``added``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from workbench.domain.models import (
    CAPABILITY_LABELS,
    LICENSE_RESTRICTION_LABELS,
    TOPOLOGY_LABELS,
    FailureMode,
    FailurePolicy,
    Profile,
    RiskLevel,
)
from workbench.domain.snapshot import canonical_json, snapshot_digest
from workbench.domain.text import check_model_fields

# --------------------------------------------------------------------------- vocabulary

#: The seven section headings of seed 002's MDR template, verbatim (including the seed's bold markers).
SECTION_HEADINGS: tuple[str, ...] = (
    "## **1. Context and Problem Statement**",
    "## **2. Selected Model and Configuration**",
    "## **3. Evaluation Evidence**",
    "## **4. Rejected Alternatives and Rationale**",
    "## **5. Failure Tolerance and Risk Mitigation**",
    "## **6. Execution Economics**",
    "## **7. Lifecycle and Rollout Plan**",
)
#: Plain section titles (for page tabs), same order as :data:`SECTION_HEADINGS`.
SECTION_TITLES: tuple[str, ...] = tuple(h.removeprefix("## **").removesuffix("**") for h in SECTION_HEADINGS)
#: Attribute names of :class:`MDRBody`, same order.
SECTION_KEYS: tuple[str, ...] = (
    "context",
    "selection",
    "evidence",
    "alternatives",
    "failure_tolerance",
    "economics",
    "rollout",
)

DEFAULT_FAILURE_TABLE = Path(__file__).resolve().parents[2] / "data" / "failure_tolerance.json"

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_FLAG_RE = re.compile(r"^--[a-z0-9][a-z0-9-]*$")


class MDRError(ValueError):
    """A record or an input to it is invalid (the message names the field)."""


class LifecycleError(MDRError):
    """A status change the lifecycle does not allow."""


class ImmutableRecordError(MDRError):
    """An attempt to change the text of an accepted (or otherwise closed) record."""


class MDRStatus(StrEnum):
    draft = "draft"
    proposed = "proposed"
    accepted = "accepted"
    rejected = "rejected"
    superseded = "superseded"


#: Allowed status changes. ``accepted -> superseded`` is only reachable through :func:`supersede`.
TRANSITIONS: dict[MDRStatus, frozenset[MDRStatus]] = {
    MDRStatus.draft: frozenset({MDRStatus.proposed}),
    MDRStatus.proposed: frozenset({MDRStatus.accepted, MDRStatus.rejected}),
    MDRStatus.accepted: frozenset({MDRStatus.superseded}),
    MDRStatus.rejected: frozenset(),
    MDRStatus.superseded: frozenset(),
}
#: Statuses whose body (and title, people) can still be edited.
EDITABLE_STATUSES: frozenset[MDRStatus] = frozenset({MDRStatus.draft, MDRStatus.proposed})


class Frozen(BaseModel):
    """Immutable base: unknown fields are errors, assignment is refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _storable_text(self) -> Frozen:
        check_model_fields(self.__dict__)  # NUL / lone surrogates: refused with the field named
        return self


# --------------------------------------------------------------------------- sections


class ContextSection(Frozen):
    """1. Context and Problem Statement: the task graph node, its cognitive requirements, the constraints."""

    task_node: str = ""
    problem_statement: str = ""
    cognitive_requirements: tuple[str, ...] = ()
    latency_sla: str = ""
    cost_target: str = ""
    privacy_requirements: str = ""
    other_constraints: tuple[str, ...] = ()


class VllmFlag(Frozen):
    """One serving parameter, e.g. ``--gpu-memory-utilization`` = ``0.90``."""

    flag: str
    value: str

    @field_validator("flag")
    @classmethod
    def _flag_form(cls, value: str) -> str:
        if not _FLAG_RE.match(value):
            raise ValueError(f"vLLM flag {value!r} must look like --lower-case-words")
        return value


class SelectionSection(Frozen):
    """2. Selected Model and Configuration."""

    selected_model: str = ""
    deployment_topology: str = ""
    core_parameters: tuple[VllmFlag, ...] = ()
    selection_basis: str = ""


class EvidenceSection(Frozen):
    """3. Evaluation Evidence (strings, so intervals and units are written as the evidence module states them)."""

    golden_set_accuracy: str = ""
    structured_output_validity: str = ""
    target_latency_p95: str = ""
    benchmark_references: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()


class RejectedAlternative(Frozen):
    name: str = Field(min_length=1)
    reason: str = ""
    kind: Literal["excluded", "outranked", "other"] = "other"
    score: float | None = None


class AlternativesSection(Frozen):
    """4. Rejected Alternatives and Rationale."""

    alternatives: tuple[RejectedAlternative, ...] = ()


class FailureMitigation(Frozen):
    failure: str = Field(min_length=1)
    mode: FailureMode | None = None
    mitigation: str = ""
    policy: FailurePolicy = FailurePolicy.fail_closed
    severity: str | None = None
    detectability: str | None = None
    recoverability: str | None = None


class LinterFinding(Frozen):
    rule: str = ""
    severity: str = "warning"
    message: str = Field(min_length=1)


class FailureToleranceSection(Frozen):
    """5. Failure Tolerance and Risk Mitigation."""

    failure_policy: FailurePolicy = FailurePolicy.fail_closed
    policy_rationale: str = ""
    failures: tuple[FailureMitigation, ...] = ()
    linter_findings: tuple[LinterFinding, ...] = ()


#: Keys accepted by :func:`draft_mdr` in its ``economics`` mapping (USD).
ECONOMICS_KEYS: tuple[str, ...] = (
    "prefill_cost_per_1m_queries_usd",
    "generation_cost_per_1m_queries_usd",
    "cost_per_success_usd",
    "caching_cost_per_1m_queries_usd",
    "retry_cost_per_1m_queries_usd",
    "human_review_cost_per_1m_queries_usd",
    "monthly_cost_usd",
)


class EconomicsSection(Frozen):
    """6. Execution Economics (USD; None = not computed)."""

    prefill_cost_per_1m_queries_usd: float | None = Field(default=None, ge=0)
    generation_cost_per_1m_queries_usd: float | None = Field(default=None, ge=0)
    cost_per_success_usd: float | None = Field(default=None, ge=0)
    additional_usd: tuple[tuple[str, float], ...] = ()
    assumptions: tuple[str, ...] = ()


class RollbackTrigger(Frozen):
    """A rollback trigger: ``metric comparator threshold unit``, or an event (``comparator='on'``)."""

    metric: str = Field(min_length=1)
    comparator: Literal[">", ">=", "<", "<=", "on"] = ">"
    threshold: float | None = None
    unit: Literal["%", "ms", "s", ""] = ""


class RolloutSection(Frozen):
    """7. Lifecycle and Rollout Plan. Defaults are the seed's worked example (1% shadow for 72 h, 10% canary)."""

    shadow_traffic_pct: float = Field(default=1.0, ge=0, le=100)
    shadow_duration_hours: float = Field(default=72.0, ge=0)
    canary_traffic_pct: float = Field(default=10.0, ge=0, le=100)
    rollback_triggers: tuple[RollbackTrigger, ...] = ()
    reconsideration_conditions: tuple[str, ...] = ()


class MDRBody(Frozen):
    """The seven sections, in the seed's order."""

    context: ContextSection = Field(default_factory=ContextSection)
    selection: SelectionSection = Field(default_factory=SelectionSection)
    evidence: EvidenceSection = Field(default_factory=EvidenceSection)
    alternatives: AlternativesSection = Field(default_factory=AlternativesSection)
    failure_tolerance: FailureToleranceSection = Field(default_factory=FailureToleranceSection)
    economics: EconomicsSection = Field(default_factory=EconomicsSection)
    rollout: RolloutSection = Field(default_factory=RolloutSection)


class FrontMatter(Frozen):
    """MADR 4 front matter plus the supersession links (identifiers only, as MADR 4 does)."""

    status: MDRStatus = MDRStatus.draft
    date: date
    decision_makers: tuple[str, ...] = ()
    consulted: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()
    supersedes: str | None = None
    superseded_by: str | None = None


class MDR(Frozen):
    """A Model Decision Record. ``generated`` is the body as drafted (None if written by hand)."""

    id: str
    title: str = Field(min_length=1, max_length=300)
    profile_name: str = ""
    front: FrontMatter
    body: MDRBody = Field(default_factory=MDRBody)
    generated: MDRBody | None = None
    accepted_body_sha256: str | None = None

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID_RE.match(value):
            raise ValueError(f"MDR id {value!r} must be 1-64 characters of letters, digits, '.', '_', '-'")
        return value

    @property
    def status(self) -> MDRStatus:
        return self.front.status


def format_mdr_id(number: int) -> str:
    """``7 -> 'MDR-0007'`` (the numbering used in the reference's examples)."""
    if number < 0:
        raise MDRError(f"MDR number must be >= 0, got {number}")
    return f"MDR-{number:04d}"


# --------------------------------------------------------------------------- failure table


class FailureToleranceRow(Frozen):
    mode: FailureMode
    label: str
    origin: str
    severity: str | None = None
    detectability: str | None = None
    recoverability: str | None = None
    acceptable_contexts: str | None = None
    unacceptable_contexts: str | None = None
    mitigation: str | None = None
    relevant_when: dict[str, tuple[str, ...]] = Field(default_factory=dict)


class FailureTable(Frozen):
    schema_: str = Field(alias="schema")
    provenance: dict[str, str]
    modes: tuple[FailureToleranceRow, ...]

    def row(self, mode: FailureMode) -> FailureToleranceRow | None:
        return next((r for r in self.modes if r.mode == mode), None)


def load_failure_table(path: Path | None = None) -> FailureTable:
    """Read the seed's Failure Tolerance Profile (``data/failure_tolerance.json``)."""
    target = path or DEFAULT_FAILURE_TABLE
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
        return FailureTable.model_validate(raw)
    except FileNotFoundError as exc:
        raise MDRError(f"{target}: failure tolerance table not found") from exc
    except (json.JSONDecodeError, ValidationError) as exc:
        raise MDRError(f"{target}: invalid failure tolerance table: {exc}") from exc


def relevant_failures(profile: Profile, table: FailureTable) -> list[FailureToleranceRow]:
    """Failure modes to list in section 5: the profile's unacceptable failures, plus every mode whose
    ``relevant_when`` rule matches one of the profile's dimensions (workbench convention, stated in the
    table's provenance). Table order is kept."""
    dims = {
        "task_class": profile.task_class.value,
        "output_form": profile.output_form.value,
        "user_exposure": profile.user_exposure.value,
        "risk_level": profile.risk_level.value,
        "reasoning_depth": profile.reasoning_depth.value,
        "tool_use": profile.tool_use.value,
        "language_scope": profile.language_scope.value,
    }
    unacceptable = set(profile.unacceptable_failures)
    out = []
    for row in table.modes:
        unknown = sorted(set(row.relevant_when) - set(dims))
        if unknown:
            raise MDRError(f"failure table, mode {row.mode.value}: unknown dimension(s) {', '.join(unknown)}")
        if row.mode in unacceptable or any(dims[k] in v for k, v in row.relevant_when.items()):
            out.append(row)
    return out


# --------------------------------------------------------------------------- formatting


def _label(value: str) -> str:
    return value.replace("_", " ")


def format_usd(amount: float | None) -> str:
    """Money for the record: two decimals from $1 up (``$1.20``), three significant digits below
    (``$0.0036``; trailing zeros dropped, at least two decimals)."""
    if amount is None:
        return "_not computed_"
    if not math.isfinite(amount):
        raise MDRError(f"amount must be finite, got {amount}")
    if amount == 0 or abs(amount) >= 1:
        return f"${amount:,.2f}"
    decimals = -math.floor(math.log10(abs(amount))) + 2
    text = f"{amount:.{decimals}f}".rstrip("0")
    whole, _, frac = text.partition(".")
    return f"${whole}.{frac.ljust(2, '0')}"


def format_duration_ms(ms: float) -> str:
    """``1200 -> '1.2s'``, ``820 -> '820ms'`` (the seed's MDR spelling)."""
    return f"{ms / 1000:g}s" if ms >= 1000 else f"{ms:g}ms"


def format_rate_interval(rate: float, low: float, high: float, n: int | None = None, level: float = 0.95) -> str:
    """``(0.842, 0.801, 0.876, 500) -> '84.2% (95% CI 80.1-87.6%, n=500)'``: rates in 0..1."""
    for name, value in (("rate", rate), ("low", low), ("high", high)):
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise MDRError(f"{name} must be within 0..1, got {value}")
    if not low <= rate <= high:
        raise MDRError(f"interval {low}..{high} does not contain the rate {rate}")
    tail = f", n={n}" if n is not None else ""
    return f"{rate * 100:.1f}% ({level * 100:g}% CI {low * 100:.1f}–{high * 100:.1f}%{tail})"


def _trigger_text(trigger: RollbackTrigger) -> str:
    if trigger.comparator == "on" or trigger.threshold is None:
        return trigger.metric
    if trigger.unit == "ms":
        value = format_duration_ms(trigger.threshold)
    elif trigger.unit == "s":
        value = f"{trigger.threshold:g}s"
    else:
        value = f"{trigger.threshold:g}{trigger.unit}"
    return f"{trigger.metric} {trigger.comparator} {value}"


def _join_or(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} or {items[1]}"
    return ", ".join(items[:-1]) + f", or {items[-1]}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def rollout_strategy_text(rollout: RolloutSection) -> str:
    """``Shadow route 1% of live traffic for 72 hours, scaling to 10% canary.`` (seed wording)."""
    hours = rollout.shadow_duration_hours
    unit = "hour" if hours == 1 else "hours"
    return (
        f"Shadow route {rollout.shadow_traffic_pct:g}% of live traffic for {hours:g} {unit}, "
        f"scaling to {rollout.canary_traffic_pct:g}% canary."
    )


def rollback_trigger_text(rollout: RolloutSection) -> str:
    """``Error rate > 0.5%, P95 latency > 1.2s, or security injection detection.`` (seed wording)."""
    if not rollout.rollback_triggers:
        return "_none defined_"
    return _cap(_join_or([_trigger_text(t) for t in rollout.rollback_triggers])) + "."


# --------------------------------------------------------------------------- drafting


def default_rollback_triggers(p95_latency_ms: float | None = None) -> tuple[RollbackTrigger, ...]:
    """The seed's rollback triggers (error rate > 0.5 %, P95 latency > 1.2 s, security injection
    detection); the latency threshold is the profile's p95 SLA when it has one."""
    return (
        RollbackTrigger(metric="error rate", comparator=">", threshold=0.5, unit="%"),
        RollbackTrigger(metric="P95 latency", comparator=">", threshold=p95_latency_ms or 1200.0, unit="ms"),
        RollbackTrigger(metric="security injection detection", comparator="on"),
    )


SEED_RECONSIDERATION = "Release of decontaminated open-weight models in the same size class."


def _context_section(profile: Profile) -> ContextSection:
    cognitive = [
        f"Task class: {_label(profile.task_class.value)}",
        f"Reasoning depth: {_label(profile.reasoning_depth.value)}",
        f"Output form: {_label(profile.output_form.value)}",
        f"Tool-use complexity: {_label(profile.tool_use.value)}",
        f"Required modalities: {', '.join(m.value for m in profile.required_modalities) or 'text'}",
        f"Context length need: {profile.context_length_tokens:,} tokens",
        f"Language scope: {_label(profile.language_scope.value)}",
        f"User exposure: {_label(profile.user_exposure.value)}; risk level: {profile.risk_level.value}",
    ]
    sla = profile.latency_sla
    latency = "; ".join(
        part
        for part in (
            f"TTFT ≤ {sla.ttft_ms:g} ms" if sla.ttft_ms else "",
            f"total p95 ≤ {sla.total_p95_ms:g} ms" if sla.total_p95_ms else "",
        )
        if part
    )
    ceiling = profile.cost_ceiling_per_success_usd or profile.constraints.max_cost_per_success_usd
    topologies = profile.privacy.allowed_topologies or profile.constraints.allowed_topologies
    residency = profile.privacy.data_residency or profile.constraints.data_residency
    privacy = "; ".join(
        part
        for part in (
            "topologies: " + ", ".join(TOPOLOGY_LABELS[t.value] for t in topologies) if topologies else "",
            "data residency: " + ", ".join(residency) if residency else "",
            "zero retention required" if profile.privacy.zero_retention_required else "",
        )
        if part
    )
    c = profile.constraints
    other: list[str] = []
    tp = profile.throughput
    if tp.peak_rps is not None:
        other.append(f"Peak throughput: {tp.peak_rps:g} requests/s")
    if tp.concurrent_requests is not None:
        other.append(f"Concurrent requests: {tp.concurrent_requests:,}")
    other.append(f"Volume: {profile.workload.requests_per_month:,} requests/month")
    other.extend(
        f"Minimum rating: {CAPABILITY_LABELS[v]} ≥ {r}" for v, r in sorted(c.min_rating.items())
    )
    if c.min_context_tokens:
        other.append(f"Minimum context window: {c.min_context_tokens:,} tokens")
    if c.max_p95_latency_ms:
        other.append(f"Maximum p95 latency: {c.max_p95_latency_ms:g} ms")
    other.extend(
        f"Forbidden licence clause: {LICENSE_RESTRICTION_LABELS[r.value]}"
        for r in c.forbidden_license_restrictions
    )
    if c.open_weights_only:
        other.append("Open weights only")
    if profile.unacceptable_failures:
        other.append(
            "Unacceptable failures: " + ", ".join(_label(f.value) for f in profile.unacceptable_failures)
        )
    return ContextSection(
        task_node=profile.name,
        problem_statement=profile.description
        or f"Select the model for the {_label(profile.task_class.value)} task “{profile.name}”.",
        cognitive_requirements=tuple(cognitive),
        latency_sla=latency or "none stated",
        cost_target=f"≤ {format_usd(ceiling)} per successful outcome" if ceiling else "none stated",
        privacy_requirements=privacy or "none stated",
        other_constraints=tuple(other),
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
    today: date | None = None,
    failure_table: FailureTable | None = None,
) -> MDR:
    """Draft a record from the workbench's results; the drafted body is kept as ``generated``.

    ``ranked``: (candidate, score) for every feasible candidate (any order; highest score wins unless
    ``selected`` names another). ``excluded``: candidate -> its violated-constraint reasons.
    ``economics``: keys of :data:`ECONOMICS_KEYS`. ``vllm_flags``: ``{"--max-model-len": 32768, ...}``.
    ``evidence_metrics``: keys ``golden_set_accuracy``, ``structured_output_validity``,
    ``target_latency_p95`` (preformatted strings, e.g. from :func:`format_rate_interval`).
    ``linter_findings``: dicts with ``message`` and optional ``rule``/``code`` and ``severity``, or
    :class:`workbench.domain.linter.Finding` objects (``rule_id``, ``title``, ``evidence``, ``fix``).
    ``first_rank_acceptability``: SMAA b_i^1 per candidate (0..1).
    """
    table = failure_table or load_failure_table()
    ranking = _check_ranked(ranked)
    excluded = dict(excluded or {})
    both = sorted(set(excluded) & {n for n, _ in ranking})
    if both:
        raise MDRError(f"candidate(s) both ranked and excluded: {', '.join(both)}")
    first_rank = dict(first_rank_acceptability or {})
    for name, share in first_rank.items():
        if not (math.isfinite(share) and 0.0 <= share <= 1.0):
            raise MDRError(f"first_rank_acceptability[{name!r}] must be within 0..1, got {share}")
    if selected is None:
        selected = ranking[0][0] if ranking else ""
    elif selected not in dict(ranking):
        raise MDRError(f"selected model {selected!r} is not among the ranked (feasible) candidates")

    metrics = dict(evidence_metrics or {})
    allowed_metrics = {"golden_set_accuracy", "structured_output_validity", "target_latency_p95"}
    unknown = sorted(set(metrics) - allowed_metrics)
    if unknown:
        raise MDRError(f"evidence_metrics: unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(allowed_metrics))}")

    flags = _vllm_flags(vllm_flags)
    if topology is None:
        allowed = profile.privacy.allowed_topologies or profile.constraints.allowed_topologies
        topology = allowed[0].value if len(allowed) == 1 else ("self_hosted" if flags else "")
    topology_text = TOPOLOGY_LABELS.get(topology, topology)

    basis = ""
    if selected:
        scores = dict(ranking)
        rank = [n for n, _ in ranking].index(selected) + 1
        basis = f"Ranked #{rank} of {len(ranking)} by {method} with score {scores[selected]:.3f}"
        if selected in first_rank:
            basis += f"; ranks first in {first_rank[selected] * 100:.0f}% of sampled weightings (SMAA-2)"
        basis += "."

    reconsider = [SEED_RECONSIDERATION]
    ceiling = profile.cost_ceiling_per_success_usd or profile.constraints.max_cost_per_success_usd
    if ceiling:
        reconsider.append(f"Cost per successful outcome rises above the ceiling of {format_usd(ceiling)}.")

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
        rollout=RolloutSection(
            rollback_triggers=default_rollback_triggers(profile.latency_sla.total_p95_ms),
            reconsideration_conditions=tuple(reconsider),
        ),
    )
    try:
        return MDR(
            id=record_id,
            title=title or (f"Use {selected} for {profile.name}" if selected else f"Model for {profile.name}"),
            profile_name=profile.name,
            front=FrontMatter(
                date=today or date.today(),
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


# --------------------------------------------------------------------------- editing and diff


def body_digest(body: MDRBody) -> str:
    """SHA-256 hex of the body's RFC 8785 canonical JSON."""
    return snapshot_digest(canonical_json(body))


def _require_editable(record: MDR, what: str) -> None:
    if record.front.status not in EDITABLE_STATUSES:
        raise ImmutableRecordError(
            f"{record.id} is {record.front.status.value}: its {what} is immutable "
            "(draft a new record that supersedes it instead)"
        )


def with_body(record: MDR, body: MDRBody) -> MDR:
    """Replace the body (draft or proposed records only)."""
    _require_editable(record, "text")
    return record.model_copy(update={"body": body})


def with_people(
    record: MDR,
    *,
    decision_makers: Sequence[str] | None = None,
    consulted: Sequence[str] | None = None,
    informed: Sequence[str] | None = None,
    title: str | None = None,
) -> MDR:
    """Change title, decision-makers, consulted or informed (draft or proposed records only)."""
    _require_editable(record, "title and people")
    update: dict[str, Any] = {}
    for key, value in (("decision_makers", decision_makers), ("consulted", consulted), ("informed", informed)):
        if value is not None:
            cleaned = tuple(v.strip() for v in value if v.strip())
            update[key] = cleaned
    front = record.front.model_copy(update=update)
    try:
        return MDR.model_validate(
            {**record.model_dump(), "front": front.model_dump(), "title": title if title is not None else record.title}
        )
    except ValidationError as exc:
        raise MDRError(f"{record.id}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc


_PATH_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def _parse_path(path: str) -> list[str | int]:
    tokens: list[str | int] = []
    for part in path.split("."):
        matches = list(_PATH_TOKEN.finditer(part))
        if not part or "".join(m.group(0) for m in matches) != part or matches[0].group(1) is None:
            raise MDRError(f"field path {path!r} is malformed")
        tokens += [m.group(1) if m.group(1) is not None else int(m.group(2)) for m in matches]
    return tokens


def set_field(record: MDR, path: str, value: Any) -> MDR:
    """Set one body field by path, e.g. ``rollout.canary_traffic_pct`` or
    ``alternatives.alternatives[1].reason``; the result is validated (draft or proposed records only)."""
    _require_editable(record, "text")
    tokens = _parse_path(path)
    data: Any = record.body.model_dump(mode="json")
    node: Any = data
    for i, tok in enumerate(tokens):
        if isinstance(tok, int):
            valid = isinstance(node, list) and 0 <= tok < len(node)
        else:
            valid = isinstance(node, dict) and tok in node
        if not valid:
            raise MDRError(f"no field {path!r} in the record body")
        if i == len(tokens) - 1:
            node[tok] = value
        else:
            node = node[tok]
    try:
        body = MDRBody.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise MDRError(f"{path}: {err['msg']} (at {'.'.join(str(p) for p in err['loc'])})") from exc
    return record.model_copy(update={"body": body})


def flatten_body(body: MDRBody) -> dict[str, Any]:
    """Leaf fields of the body by path (``section.field``, ``[i]`` for list items); empty lists are leaves."""
    out: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(node, list) and node:
            for i, v in enumerate(node):
                walk(f"{prefix}[{i}]", v)
        else:
            out[prefix] = node

    walk("", body.model_dump(mode="json"))
    return out


class FieldChange(Frozen):
    path: str
    kind: Literal["edited", "added", "removed"]
    generated: Any = None
    current: Any = None


def field_changes(record: MDR) -> list[FieldChange]:
    """Field-level diff between the generated draft and the current body (empty if nothing changed or
    the record was written by hand)."""
    if record.generated is None:
        return []
    gen, cur = flatten_body(record.generated), flatten_body(record.body)
    changes = []
    for path in list(gen) + [p for p in cur if p not in gen]:
        if path not in cur:
            changes.append(FieldChange(path=path, kind="removed", generated=gen[path]))
        elif path not in gen:
            changes.append(FieldChange(path=path, kind="added", current=cur[path]))
        elif gen[path] != cur[path]:
            changes.append(FieldChange(path=path, kind="edited", generated=gen[path], current=cur[path]))
    return changes


def field_origins(record: MDR) -> dict[str, Literal["generated", "edited", "added", "manual"]]:
    """Origin of every current field: ``generated`` (unchanged draft), ``edited`` (a person changed it),
    ``added`` (a person added it), ``manual`` (record not drafted by the workbench)."""
    cur = flatten_body(record.body)
    if record.generated is None:
        return dict.fromkeys(cur, "manual")
    changed = {c.path: c.kind for c in field_changes(record)}
    out: dict[str, Literal["generated", "edited", "added", "manual"]] = {}
    for path in cur:
        kind = changed.get(path)
        out[path] = "edited" if kind == "edited" else "added" if kind == "added" else "generated"
    return out


# --------------------------------------------------------------------------- lifecycle


def transition(record: MDR, to: MDRStatus | str, *, on: date | None = None) -> MDR:
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
    update: dict[str, Any] = {"front": record.front.model_copy(update={"status": target, "date": on or date.today()})}
    if target == MDRStatus.accepted:
        if not record.front.decision_makers:
            raise LifecycleError(f"{record.id}: name at least one decision-maker before accepting")
        update["accepted_body_sha256"] = body_digest(record.body)
    return record.model_copy(update=update)


def supersede(old: MDR, new: MDR, *, on: date | None = None) -> tuple[MDR, MDR]:
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
    when = on or date.today()
    old2 = old.model_copy(
        update={"front": old.front.model_copy(update={"status": MDRStatus.superseded, "superseded_by": new.id, "date": when})}
    )
    new2 = new.model_copy(update={"front": new.front.model_copy(update={"supersedes": old.id})})
    return old2, new2


def check_integrity(record: MDR) -> None:
    """Raise :class:`ImmutableRecordError` if an accepted/superseded record's body no longer matches the
    digest taken at acceptance (e.g. a row edited behind the workbench's back)."""
    if record.front.status in (MDRStatus.accepted, MDRStatus.superseded):
        if record.accepted_body_sha256 is None:
            raise ImmutableRecordError(f"{record.id}: accepted record without a body digest")
        actual = body_digest(record.body)
        if actual != record.accepted_body_sha256:
            raise ImmutableRecordError(
                f"{record.id}: body changed after acceptance (sha256 {actual} != {record.accepted_body_sha256})"
            )


# --------------------------------------------------------------------------- markdown


def _inline(text: str) -> str:
    """One-line Markdown text: whitespace runs (including newlines) become one space."""
    return " ".join(text.split())


def _paragraph(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    return "\n".join("\\" + ln if ln.lstrip().startswith(("#", "---", "* ", "- ")) else ln.rstrip() for ln in lines)


def _or_blank(text: str, blank: str = "_not stated_") -> str:
    return _inline(text) if text.strip() else blank


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _yaml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_yaml_str(v) for v in values) + "]"


def render_front_matter(record: MDR) -> str:
    f = record.front
    lines = [
        "---",
        f"status: {f.status.value}",
        f"date: {f.date.isoformat()}",
        f"decision-makers: {_yaml_list(f.decision_makers)}",
        f"consulted: {_yaml_list(f.consulted)}",
        f"informed: {_yaml_list(f.informed)}",
        f"mdr-id: {_yaml_str(record.id)}",
        f"profile: {_yaml_str(record.profile_name)}",
    ]
    if f.supersedes:
        lines.append(f"supersedes: {_yaml_str(f.supersedes)}")
    if f.superseded_by:
        lines.append(f"superseded-by: {_yaml_str(f.superseded_by)}")
    lines.append("---")
    return "\n".join(lines)


def render_markdown(record: MDR) -> str:
    """MADR-compatible Markdown: YAML front matter, then the seed's seven sections with its headings.

    Output is UTF-8 text with ``\\n`` line endings and one trailing newline, so its digest is stable."""
    b = record.body
    out: list[str] = [render_front_matter(record), "", f"# {_inline(record.id)}: {_inline(record.title)}", ""]

    c = b.context
    out += [SECTION_HEADINGS[0], ""]
    if c.problem_statement.strip():
        out += [_paragraph(c.problem_statement), ""]
    out.append(f"* Task Graph Node: {_or_blank(c.task_node)}")
    out.append("* Cognitive Requirements:" + ("" if c.cognitive_requirements else " _not stated_"))
    out += [f"  * {_inline(x)}" for x in c.cognitive_requirements]
    out.append("* System Constraints:")
    out.append(f"  * Latency SLA: {_or_blank(c.latency_sla)}")
    out.append(f"  * Cost Target: {_or_blank(c.cost_target)}")
    out.append(f"  * Privacy Requirements: {_or_blank(c.privacy_requirements)}")
    out += [f"  * {_inline(x)}" for x in c.other_constraints]

    s = b.selection
    out += ["", SECTION_HEADINGS[1], ""]
    out.append(f"* Selected Model Identifier: {_or_blank(s.selected_model, '_not selected_')}")
    out.append(f"* Deployment Topology: {_or_blank(s.deployment_topology)}")
    out.append("* Core Parameters:" + ("" if s.core_parameters else " _none_"))
    out += [f"  * {p.flag}: {_inline(p.value)}" for p in s.core_parameters]
    if s.selection_basis.strip():
        out.append(f"* Selection Basis: {_inline(s.selection_basis)}")

    e = b.evidence
    out += ["", SECTION_HEADINGS[2], ""]
    out.append(f"* Golden Set Accuracy Score: {_or_blank(e.golden_set_accuracy, '_not measured_')}")
    out.append(f"* Structured-Output Validity Rate: {_or_blank(e.structured_output_validity, '_not measured_')}")
    out.append(f"* Target Latency P95: {_or_blank(e.target_latency_p95, '_not measured_')}")
    out.append("* Benchmark References:" + ("" if e.benchmark_references else " _none_"))
    out += [f"  * {_inline(x)}" for x in e.benchmark_references]
    if e.summary:
        out.append("* Evidence Summary:")
        out += [f"  * {_inline(x)}" for x in e.summary]

    out += ["", SECTION_HEADINGS[3], ""]
    if not b.alternatives.alternatives:
        out.append("* _No alternatives were considered._")
    for alt in b.alternatives.alternatives:
        out.append(f"* Alternative: {_inline(alt.name)}")
        out.append(f"  * Rejection Reason: {_or_blank(alt.reason)}")

    ft = b.failure_tolerance
    out += ["", SECTION_HEADINGS[4], ""]
    policy = "Fail-closed" if ft.failure_policy == FailurePolicy.fail_closed else "Fail-open"
    out.append(f"* Failure Policy: {policy}" + (f". {_inline(ft.policy_rationale)}" if ft.policy_rationale.strip() else ""))
    for fm in ft.failures:
        facts = [
            f"{name} {value}"
            for name, value in (("severity", fm.severity), ("detectability", fm.detectability), ("recovery", fm.recoverability))
            if value
        ]
        extra = f" ({', '.join(facts)})" if facts else ""
        out.append(f"* Anticipated Failure: {_inline(fm.failure)}{extra}.")
        fm_policy = "fail-closed" if fm.policy == FailurePolicy.fail_closed else "fail-open"
        out.append(f"* Mitigation ({fm_policy}): {_or_blank(fm.mitigation, '_to be defined_')}")
    out.append("* Linter Findings:" + ("" if ft.linter_findings else " _none_"))
    for lf in ft.linter_findings:
        rule = f"[{_inline(lf.rule)}] " if lf.rule.strip() else ""
        out.append(f"  * {rule}{_inline(lf.severity)}: {_inline(lf.message)}")

    ec = b.economics
    out += ["", SECTION_HEADINGS[5], ""]
    out.append(f"* Estimated Prefill Cost (per 1M queries): {format_usd(ec.prefill_cost_per_1m_queries_usd)}")
    out.append(f"* Estimated Generation Cost (per 1M queries): {format_usd(ec.generation_cost_per_1m_queries_usd)}")
    out.append(f"* Estimated Total Cost Per Successful Outcome: {format_usd(ec.cost_per_success_usd)}")
    out += [f"* {_label(k).removesuffix(' usd').capitalize()}: {format_usd(v)}" for k, v in ec.additional_usd]
    if ec.assumptions:
        out.append("* Assumptions:")
        out += [f"  * {_inline(x)}" for x in ec.assumptions]

    r = b.rollout
    out += ["", SECTION_HEADINGS[6], ""]
    out.append(f"* Rollout Strategy: {rollout_strategy_text(r)}")
    out.append(f"* Rollback Trigger: {rollback_trigger_text(r)}")
    reconsider = "; ".join(_inline(x) for x in r.reconsideration_conditions) or "_none defined_"
    out.append(f"* Reconsideration Conditions: {reconsider}")
    return "\n".join(out) + "\n"
