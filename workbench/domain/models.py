"""Core domain models: requirement profiles, candidates and their provenance (their words: :mod:`workbench.domain.vocabulary`).

Everything here is plain pydantic: no Streamlit, no database. The store keeps these
models as validated JSON bodies; pages edit them through forms; the scoring, economics
and GPU modules read them.

Source of the vocabulary: seed 002 ("Model Requirement Profile", "Capability Fit
Matrix", "Task-to-Model Fit Matrix", "Deployment Fit Matrix", "Governance and License
Fit Matrix").
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.domain.one_value import one_sla_and_ceiling
from workbench.domain.text import check_model_fields, normalise_name
from workbench.domain.vocabulary import (  # noqa: F401  (re-exported: the models are written in these words)
    CAPABILITY_LABELS,
    CAPABILITY_VECTORS,
    CONTEXT_CRITERION,
    COST_CRITERION,
    CRITERIA,
    CRITERION_LABELS,
    EXTRA_CRITERIA,
    LATENCY_CRITERION,
    LICENSE_RESTRICTION_LABELS,
    RATING_LABELS,
    RATING_VALUE,
    REGIONS,
    TOPOLOGY_LABELS,
    FailureMode,
    FailurePolicy,
    LanguageScope,
    LicenseRestriction,
    Modality,
    OutputForm,
    Rating,
    ReasoningDepth,
    RiskLevel,
    TaskClass,
    ToolUseComplexity,
    Topology,
    UserExposure,
    check_capability_vectors,
)


class Model(BaseModel):
    """Base for domain models: forbid unknown fields so typos surface as errors."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @model_validator(mode="after")
    def _storable_text(self) -> Model:
        check_model_fields(self.__dict__)  # NUL / lone surrogates: refused with the field named
        return self


# --------------------------------------------------------------------------- provenance


class Provenance(Model):
    """Where a value came from: every number in the catalog carries one."""

    source: str = Field(min_length=1, description="URL, document or file the value comes from")
    retrieved: date | None = None
    entered_by: str = "catalog"
    note: str = ""


# --------------------------------------------------------------------------- candidate


class CapabilityRating(Model):
    """A candidate's standing on one capability vector: the E/A/D prior, optionally measured."""

    rating: Rating | None = None
    measured: float | None = Field(default=None, ge=0.0, le=1.0)

    def value(self) -> float | None:
        """Measured evidence wins over the E/A/D prior; None means unknown."""
        if self.measured is not None:
            return self.measured
        if self.rating is not None:
            return RATING_VALUE[self.rating]
        return None


class PriceTier(Model):
    """Prices that apply once the prompt exceeds ``above_input_tokens`` (LiteLLM `*_above_Nk_tokens`)."""

    above_input_tokens: int = Field(gt=0)
    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float | None = Field(default=None, ge=0)
    cached_input_per_mtok: float | None = Field(default=None, ge=0)


class ServiceTierPrice(Model):
    """Prices of one service tier (LiteLLM ``*_batches``, ``*_flex``, ``*_priority``), USD per 1M tokens."""

    input_per_mtok: float | None = Field(default=None, ge=0)
    output_per_mtok: float | None = Field(default=None, ge=0)
    cached_input_per_mtok: float | None = Field(default=None, ge=0)


class Pricing(Model):
    """API prices in USD per million tokens (LiteLLM stores USD per token; x 1e6)."""

    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)
    cached_input_per_mtok: float | None = Field(default=None, ge=0)
    reasoning_per_mtok: float | None = Field(default=None, ge=0, description="if billed apart from output")
    tiers: list[PriceTier] = Field(default_factory=list)
    currency: Literal["USD"] = "USD"
    litellm_key: str | None = None
    # LiteLLM's further price fields: cache writes, per-request fee, service tiers
    cache_write_5m_per_mtok: float | None = Field(default=None, ge=0, description="5-minute cache write")
    cache_write_1h_per_mtok: float | None = Field(default=None, ge=0, description="1-hour cache write")
    per_request_usd: float | None = Field(default=None, ge=0, description="fee per request, on top of tokens")
    service_tiers: dict[str, ServiceTierPrice] = Field(
        default_factory=dict, description="batch | flex | priority -> prices of that service tier")


class Latency(Model):
    """Latency figures: time to first token (ms), decode speed (output tokens/s) and, where someone
    measured it on the task (evidence import, shadow telemetry), the end-to-end p95 in ms."""

    ttft_p50_ms: float | None = Field(default=None, gt=0)
    ttft_p95_ms: float | None = Field(default=None, gt=0)
    output_tokens_per_s: float | None = Field(default=None, gt=0)
    total_p95_ms: float | None = Field(default=None, gt=0, description="measured end-to-end p95 (ms)")


class EffortTier(Model):
    """A reasoning-effort tier: token multiplier on output and quality per task domain (0-1)."""

    name: str = Field(min_length=1)
    token_multiplier: float = Field(default=1.0, gt=0)
    quality_by_domain: dict[str, float] = Field(default_factory=dict)

    @field_validator("quality_by_domain")
    @classmethod
    def _quality_in_unit_interval(cls, value: dict[str, float]) -> dict[str, float]:
        for domain, quality in value.items():
            if not 0.0 <= quality <= 1.0:
                raise ValueError(f"quality for {domain!r} must be within 0..1, got {quality}")
        return value


class License(Model):
    name: str = Field(min_length=1)
    kind: Literal["proprietary_api", "open_weight_custom", "open_source"] = "proprietary_api"
    restrictions: list[LicenseRestriction] = Field(default_factory=list)
    output_use: str = ""
    retention: str = ""


class Candidate(Model):
    """A model that could be chosen. Unknown values stay None and are shown as unknown."""

    name: str = Field(min_length=1, max_length=200)
    provider: str = Field(default="", max_length=200)
    family: str = Field(default="", max_length=200)

    @field_validator("name", mode="before")
    @classmethod
    def _normalise_name(cls, value: object) -> object:
        return normalise_name(value) if isinstance(value, str) else value
    version: str = Field(default="", max_length=100)
    open_weights: bool = False
    capabilities: dict[str, CapabilityRating] = Field(default_factory=dict)
    pricing: Pricing | None = None
    context_window: int | None = Field(default=None, gt=0, description="tokens")
    max_output_tokens: int | None = Field(default=None, gt=0)
    modalities: list[Modality] = Field(default_factory=lambda: [Modality.text])
    topologies: list[Topology] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list, description="data-residency regions offered")
    license: License | None = None
    latency: Latency = Field(default_factory=Latency)
    chars_per_token: float | None = Field(default=None, gt=0, description="tokenizer compression")
    effort_tiers: list[EffortTier] = Field(default_factory=list)
    hf_repo: str | None = None
    architecture: dict[str, object] | None = Field(
        default=None, description="Hugging Face config.json for open weights"
    )
    provenance: dict[str, Provenance] = Field(default_factory=dict, description="per field or group")
    notes: str = ""
    # declared by the vendor / price list (LiteLLM supports_*), shown as declared, never as a rating
    declared_support: dict[str, bool] = Field(default_factory=dict)
    deprecation_date: date | None = None

    @field_validator("capabilities")
    @classmethod
    def _known_vectors(cls, value: dict[str, CapabilityRating]) -> dict[str, CapabilityRating]:
        check_capability_vectors(value)
        return value

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(REGIONS))
        if unknown:
            raise ValueError(f"unknown region(s): {', '.join(unknown)}; use {', '.join(REGIONS)}")
        return value

    def capability_value(self, vector: str) -> float | None:
        rating = self.capabilities.get(vector)
        return rating.value() if rating else None


# --------------------------------------------------------------------------- profile


class LatencySLA(Model):
    ttft_ms: float | None = Field(default=None, gt=0)
    total_p95_ms: float | None = Field(default=None, gt=0)


class Throughput(Model):
    peak_rps: float | None = Field(default=None, ge=0)
    concurrent_requests: int | None = Field(default=None, ge=1)
    requests_per_month: int | None = Field(default=None, ge=0)


class Privacy(Model):
    allowed_topologies: list[Topology] = Field(default_factory=list, description="empty = any")
    data_residency: list[str] = Field(default_factory=list, description="empty = any")
    zero_retention_required: bool = False


class Workload(Model):
    """Per-request token shape and volume used by the economics module."""

    input_tokens: int = Field(default=2000, ge=0)
    output_tokens: int = Field(default=500, ge=0)
    cached_share: float = Field(default=0.0, ge=0.0, le=1.0)
    requests_per_month: int = Field(default=1_000_000, ge=0)
    effort_tier: str | None = None
    max_retries: int = Field(default=1, ge=0, le=10)
    valid_output_rate: float = Field(default=0.95, gt=0.0, le=1.0)
    human_review_cost_usd: float = Field(default=0.0, ge=0.0)
    human_review_rate: float = Field(default=0.0, ge=0.0, le=1.0)


class GpuFitConstraint(Model):
    """"Self-hosted on <= max_gpus x gpu at context C and concurrency K" (GPU memory fit issue)."""

    gpu: str = Field(min_length=1, description="GPU catalog name or alias (data/gpus.json), e.g. 'H100 SXM'")
    max_gpus: int = Field(default=8, ge=1, le=1024)
    context_tokens: int = Field(default=32_768, gt=0, le=10_000_000)
    concurrency: int = Field(default=16, ge=1, le=100_000)
    weights_format: str = "bf16"
    kv_dtype: str = "bf16"
    gpu_memory_utilization: float = Field(default=0.90, gt=0.0, le=1.0)


class HardConstraints(Model):
    """Constraints that exclude a candidate outright (DESIGN 3, "Scoring")."""

    min_rating: dict[str, Rating] = Field(default_factory=dict)
    required_modalities: list[Modality] = Field(default_factory=list)
    min_context_tokens: int | None = Field(default=None, gt=0)
    max_cost_per_success_usd: float | None = Field(default=None, gt=0)
    max_p95_latency_ms: float | None = Field(default=None, gt=0)
    allowed_topologies: list[Topology] = Field(default_factory=list)
    data_residency: list[str] = Field(default_factory=list)
    forbidden_license_restrictions: list[LicenseRestriction] = Field(default_factory=list)
    open_weights_only: bool = False
    gpu_fit: GpuFitConstraint | None = None

    @field_validator("min_rating")
    @classmethod
    def _known_vectors(cls, value: dict[str, str]) -> dict[str, str]:
        check_capability_vectors(value)
        return value


class UnknownPolicy(Model):
    """What the ranking does with unknown values.

    ``range`` ranks every candidate with its unknowns as ranges (score range, completeness, SMAA samples
    them); ``exclude`` also excludes a candidate whose completeness (share of weighted criteria known) is
    below ``min_completeness`` (fail closed). ``None`` = by risk: ``exclude`` for high and critical risk,
    ``range`` otherwise.
    """

    mode: Literal["range", "exclude"] | None = None
    min_completeness: float = Field(default=0.75, ge=0.0, le=1.0)


def default_weights() -> dict[str, float]:
    return dict.fromkeys(CRITERIA, 1.0)


class Profile(Model):
    """A task's requirement profile: the thirteen dimensions of seed 002, plus weights and constraints."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    template: str | None = Field(default=None, description="workflow class it was created from")

    @field_validator("name", mode="before")
    @classmethod
    def _normalise_name(cls, value: object) -> object:
        return normalise_name(value) if isinstance(value, str) else value
    # 1-13: seed 002 "Model Requirement Profile"
    task_class: TaskClass = TaskClass.extraction
    # None = not stated (a template leaves a dimension unset where seed 002's matrix is silent on it)
    user_exposure: UserExposure | None = UserExposure.internal
    risk_level: RiskLevel = RiskLevel.medium
    output_form: OutputForm | None = OutputForm.raw_string
    required_modalities: list[Modality] = Field(default_factory=lambda: [Modality.text])
    reasoning_depth: ReasoningDepth | None = ReasoningDepth.single_step
    context_length_tokens: int = Field(default=4_000, gt=0, le=100_000_000)
    tool_use: ToolUseComplexity | None = ToolUseComplexity.none
    latency_sla: LatencySLA = Field(default_factory=LatencySLA)
    throughput: Throughput = Field(default_factory=Throughput)
    cost_ceiling_per_success_usd: float | None = Field(default=None, gt=0)
    privacy: Privacy = Field(default_factory=Privacy)
    language_scope: LanguageScope | None = LanguageScope.english_only
    unacceptable_failures: list[FailureMode] = Field(default_factory=list)
    failure_policy: FailurePolicy = FailurePolicy.fail_closed
    # decision inputs
    weights: dict[str, float] = Field(default_factory=default_weights)
    constraints: HardConstraints = Field(default_factory=HardConstraints)
    workload: Workload = Field(default_factory=Workload)
    unknown_policy: UnknownPolicy = Field(default_factory=UnknownPolicy)

    def unknown_mode(self) -> Literal["range", "exclude"]:
        """The policy in force: the stated mode, else fail-closed ``exclude`` for high / critical risk."""
        if self.unknown_policy.mode is not None:
            return self.unknown_policy.mode
        return "exclude" if self.risk_level in (RiskLevel.high, RiskLevel.critical) else "range"

    @field_validator("weights")
    @classmethod
    def _weights_known_and_nonnegative(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(CRITERIA))
        if unknown:
            raise ValueError(f"unknown criterion/criteria: {', '.join(unknown)}")
        negative = sorted(k for k, v in value.items() if v < 0)
        if negative:
            raise ValueError(f"weights must be >= 0: {', '.join(negative)}")
        return value

    @model_validator(mode="after")
    def _fill_missing_weights(self) -> Profile:
        missing = [c for c in CRITERIA if c not in self.weights]
        if missing:
            # validate_assignment would recurse; write through __dict__.
            self.__dict__["weights"] = {**dict.fromkeys(missing, 0.0), **self.weights}
        one_sla_and_ceiling(self)  # requirements 8b / 10 ARE the max p95 / max cost constraints
        return self
