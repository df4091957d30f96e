"""MDR model: the record, its seven sections (seed 002's template), MADR 4 front matter and the status vocabulary.

Template: seed 002, "Doctrinal Artifacts and Architecture Standards" > "Model Decision Record (MDR)
Template" (seven sections, used exactly, in order). Front matter: MADR 4.0.0 (adr/madr, 2024-09-17):
``status``, ``date``, ``decision-makers``, ``consulted``, ``informed``; supersession by identifier
(``supersedes`` / ``superseded-by``).

Records are **frozen** pydantic models (tuples instead of lists): every change goes through a function of
:mod:`workbench.domain.mdr.editing` or :mod:`workbench.domain.mdr.lifecycle`, which returns a new record, so
the lifecycle rules cannot be bypassed by assignment.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from workbench.domain.models import FailureMode, FailurePolicy
from workbench.domain.text import check_model_fields
from workbench.domain.triggers import Trigger

# --------------------------------------------------------------------------- vocabulary

#: The seven section titles of seed 002's MDR template, in order (the seed numbers and bolds them; MADR 4 wants
#: plain headings, so the Markdown writes them plain inside MADR's frame).
SECTION_TITLES: tuple[str, ...] = (
    "Context and Problem Statement",
    "Selected Model and Configuration",
    "Evaluation Evidence",
    "Rejected Alternatives and Rationale",
    "Failure Tolerance and Risk Mitigation",
    "Execution Economics",
    "Lifecycle and Rollout Plan",
)
#: The heading line of each seed section in the Markdown: section 1 is MADR's own "Context and Problem
#: Statement"; 2-3 sit under "Decision Outcome", 4 under "Pros and Cons of the Options", 5-7 under "More
#: Information" (the mapping of reference decisions-signing-excel.md, section 3).
SECTION_HEADINGS: tuple[str, ...] = ("## " + SECTION_TITLES[0], *("### " + t for t in SECTION_TITLES[1:]))
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
    """Immutable base: unknown fields are errors, assignment is refused.

    ``omit_when_empty`` names fields added after records were first accepted: they are left out of the
    serialised form while empty, so the digest of a body accepted before they existed still matches."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    omit_when_empty: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _omit_new_empty_fields(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if self.omit_when_empty and isinstance(data, dict):
            for name in self.omit_when_empty:
                if name in data and not data[name]:
                    data.pop(name)
        return data

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
    #: machine-checkable conditions (``workbench recheck``); dropped from the serialised body when empty,
    #: so the digests of records accepted before the field existed still hold.
    reconsideration_triggers: tuple[Trigger, ...] = ()
    #: how the plan was derived from the profile (SLA, risk, volume), one sentence per value
    derivation: tuple[str, ...] = ()

    omit_when_empty: ClassVar[frozenset[str]] = frozenset({"reconsideration_triggers", "derivation"})


TargetKind = Literal["cost_ceiling", "latency_sla", "ttft_sla", "required_evidence"]


class TargetCheck(Frozen):
    """One target of the profile checked against the chosen model: both values, and whether it is met
    (None: cannot be told, e.g. the cost is not computed). Flagged at the top and in ``section``."""

    target: TargetKind
    section: Literal["context", "selection", "evidence", "alternatives", "failure_tolerance", "economics", "rollout"]
    label: str = Field(min_length=1)
    required: str = ""
    actual: str = ""
    met: bool | None = None

    def sentence(self) -> str:
        verdict = "met" if self.met else "MISSED" if self.met is False else "not checked"
        return f"{self.label}: {verdict}: {self.actual or 'unknown'} (target {self.required or 'none'})"


class MDRBody(Frozen):
    """The seven sections, in the seed's order, plus the target checks (shown at the top and in the section
    concerned) and, for a record that supersedes another, what changed since that record."""

    context: ContextSection = Field(default_factory=ContextSection)
    selection: SelectionSection = Field(default_factory=SelectionSection)
    evidence: EvidenceSection = Field(default_factory=EvidenceSection)
    alternatives: AlternativesSection = Field(default_factory=AlternativesSection)
    failure_tolerance: FailureToleranceSection = Field(default_factory=FailureToleranceSection)
    economics: EconomicsSection = Field(default_factory=EconomicsSection)
    rollout: RolloutSection = Field(default_factory=RolloutSection)
    target_checks: tuple[TargetCheck, ...] = ()
    changes_since_superseded: tuple[str, ...] = ()

    omit_when_empty: ClassVar[frozenset[str]] = frozenset({"target_checks", "changes_since_superseded"})

    @property
    def missed_targets(self) -> tuple[TargetCheck, ...]:
        return tuple(t for t in self.target_checks if t.met is False)


class FrontMatter(Frozen):
    """MADR 4 front matter plus the supersession links (identifiers only, as MADR 4 does)."""

    status: MDRStatus = MDRStatus.draft
    date: date
    decision_makers: tuple[str, ...] = ()
    consulted: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()
    supersedes: str | None = None
    superseded_by: str | None = None
    rejection_reason: str = Field(default="", max_length=2000)

    omit_when_empty: ClassVar[frozenset[str]] = frozenset({"rejection_reason"})


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

