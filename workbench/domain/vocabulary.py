"""The workbench's vocabulary (seed 002): the 14 capability vectors and the other ranking criteria, ratings, and
the enumerations a requirement profile and a candidate are written in (modalities, topologies, regions, licence
restrictions, task classes, risk, output forms, reasoning depth, tool use, language scope, failure modes and
policies). Plain Python: the pydantic models in :mod:`workbench.domain.models` are built from it.

Source: seed 002 ("Model Requirement Profile", "Capability Fit Matrix", "Task-to-Model Fit Matrix", "Deployment
Fit Matrix", "Governance and License Fit Matrix").
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

#: The 14 capability vectors of seed 002's Capability Fit Matrix, in the seed's order.
CAPABILITY_VECTORS: tuple[str, ...] = (
    "instruction_following",
    "reasoning_depth",
    "long_context_integrity",
    "grounded_synthesis",
    "citation_discipline",
    "schema_adherence",
    "tool_use_reliability",
    "multi_step_planning",
    "code_competence",
    "math_performance",
    "multimodal_perception",
    "multilingual_coverage",
    "uncertainty_calibration",
    "robustness_to_injections",
)

CAPABILITY_LABELS: dict[str, str] = {
    "instruction_following": "Instruction Following",
    "reasoning_depth": "Reasoning Depth",
    "long_context_integrity": "Long-Context Integrity",
    "grounded_synthesis": "Grounded Synthesis",
    "citation_discipline": "Citation Discipline",
    "schema_adherence": "Schema Adherence",
    "tool_use_reliability": "Tool-Use Reliability",
    "multi_step_planning": "Multi-Step Planning",
    "code_competence": "Code Competence",
    "math_performance": "Math Performance",
    "multimodal_perception": "Multimodal Perception",
    "multilingual_coverage": "Multilingual Coverage",
    "uncertainty_calibration": "Uncertainty Calibration",
    "robustness_to_injections": "Robustness to Injections",
}

#: Non-capability criteria of the ranking (DESIGN 3, "Scoring").
COST_CRITERION = "cost_per_success"
LATENCY_CRITERION = "latency"
CONTEXT_CRITERION = "context_fit"
EXTRA_CRITERIA: tuple[str, ...] = (COST_CRITERION, LATENCY_CRITERION, CONTEXT_CRITERION)
CRITERIA: tuple[str, ...] = CAPABILITY_VECTORS + EXTRA_CRITERIA
CRITERION_LABELS: dict[str, str] = {
    **CAPABILITY_LABELS,
    COST_CRITERION: "Cost per successful outcome",
    LATENCY_CRITERION: "Latency (p95)",
    CONTEXT_CRITERION: "Context fit",
}

Rating = Literal["E", "A", "D"]
#: E/A/D mapped onto [0, 1]. The mapping is a stated convention of this workbench:
#: Exceptional = 1.0, Adequate = 0.5, Deficient = 0.0 (equal steps, as the seed gives no
#: cardinal values). Measured evidence in [0, 1] replaces the prior where present.
RATING_VALUE: dict[str, float] = {"E": 1.0, "A": 0.5, "D": 0.0}
RATING_LABELS: dict[str, str] = {"E": "Exceptional", "A": "Adequate", "D": "Deficient"}


def check_capability_vectors(value: Mapping[str, object]) -> None:
    """Raise ValueError naming every key that is not one of the 14 capability vectors."""
    unknown = sorted(set(value) - set(CAPABILITY_VECTORS))
    if unknown:
        raise ValueError(f"unknown capability vector(s): {', '.join(unknown)}")


class Modality(StrEnum):
    text = "text"
    image = "image"
    pdf = "pdf"
    audio = "audio"
    video = "video"


class Topology(StrEnum):
    """Deployment topologies of seed 002's Deployment Fit Matrix."""

    managed_api = "managed_api"
    hosted_open = "hosted_open"
    self_hosted = "self_hosted"
    local_edge = "local_edge"
    hybrid = "hybrid"


TOPOLOGY_LABELS: dict[str, str] = {
    "managed_api": "Managed API",
    "hosted_open": "Hosted open model",
    "self_hosted": "Self-hosted instance",
    "local_edge": "Local workstation / edge",
    "hybrid": "Hybrid portfolio",
}

#: Data-residency regions a deployment can guarantee.
REGIONS: tuple[str, ...] = ("eu", "us", "uk", "apac", "global", "any")


class LicenseRestriction(StrEnum):
    """License clauses that a profile can refuse (seed 002, Governance and License Fit Matrix)."""

    professional_practice_prohibited = "professional_practice_prohibited"
    mau_limit = "mau_limit"
    no_competitive_training = "no_competitive_training"
    no_distillation = "no_distillation"
    commercial_agreement_required = "commercial_agreement_required"
    litigation_termination = "litigation_termination"
    provider_retention = "provider_retention"


LICENSE_RESTRICTION_LABELS: dict[str, str] = {
    "professional_practice_prohibited": "forbids unlicensed professional (legal, medical, financial) practice",
    "mau_limit": "needs a custom licence above a monthly-active-user limit",
    "no_competitive_training": "forbids using outputs to train competing models",
    "no_distillation": "forbids competitive distillation",
    "commercial_agreement_required": "requires a commercial agreement for production serving",
    "litigation_termination": "terminates on IP litigation against the licensor",
    "provider_retention": "provider retains request logs",
}


class TaskClass(StrEnum):
    classification = "classification"
    extraction = "extraction"
    synthesis = "synthesis"
    multi_file_refactoring = "multi_file_refactoring"
    planning = "planning"
    visual_mapping = "visual_mapping"
    math = "math"
    agentic_tool_use = "agentic_tool_use"


class UserExposure(StrEnum):
    internal = "internal"
    end_customer = "end_customer"
    autonomous_action = "autonomous_action"


class RiskLevel(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class OutputForm(StrEnum):
    raw_string = "raw_string"
    flat_json = "flat_json"
    nested_json = "nested_json"
    tool_arguments = "tool_arguments"
    markdown = "markdown"


class ReasoningDepth(StrEnum):
    single_step = "single_step"
    multi_step_math = "multi_step_math"
    programmatic_refactoring = "programmatic_refactoring"
    adversarial_planning = "adversarial_planning"


class ToolUseComplexity(StrEnum):
    none = "none"
    static_arguments = "static_arguments"
    dynamic_querying = "dynamic_querying"
    browser_sequencing = "browser_sequencing"


class LanguageScope(StrEnum):
    english_only = "english_only"
    high_resource_multilingual = "high_resource_multilingual"
    low_resource_dialects = "low_resource_dialects"
    domain_jargon = "domain_jargon"


class FailureMode(StrEnum):
    """Failure modes of seed 002's Failure Tolerance Profile (plus the profile's own)."""

    preamble_contamination = "preamble_contamination"
    malformed_json = "malformed_json"
    tool_argument_mismatch = "tool_argument_mismatch"
    refusal_error = "refusal_error"
    silent_deduction_drift = "silent_deduction_drift"
    citation_hallucination = "citation_hallucination"
    prompt_injection = "prompt_injection"
    silent_extraction_omission = "silent_extraction_omission"
    math_calculation_error = "math_calculation_error"
    policy_evasion = "policy_evasion"


class FailurePolicy(StrEnum):
    fail_open = "fail_open"
    fail_closed = "fail_closed"
