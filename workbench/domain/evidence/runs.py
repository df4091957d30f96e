"""Evidence vocabulary and runs: formats, the seed's harness metric kinds with their production
targets, per-item results and imported evaluation runs (seed 002 "Evaluation-Driven Selection")."""

from __future__ import annotations

import math
from datetime import datetime
from enum import StrEnum
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, field_validator, model_validator

from workbench.domain.models import (
    LATENCY_CRITERION,
    Model,
    TaskClass,
)

FloatArray = NDArray[np.float64]

#: Below this many items a pass rate or a paired comparison is flagged as a small sample. The
#: reference's illustrative n = 30 intervals are about +/-0.15 wide (economics-and-evidence.md 6).
SMALL_SAMPLE_N = 30
#: Fewer discordant pairs than this and McNemar has almost no power (b + c < 10).
FEW_DISCORDANT = 10
#: A 95 % interval wider than this is flagged as "wide".
WIDE_INTERVAL = 0.20
DEFAULT_CONFIDENCE = 0.95


class EvidenceError(ValueError):
    """Evidence that cannot be used; the message names the run, field or item."""


# =========================================================================== vocabulary


class EvidenceFormat(StrEnum):
    """Source formats the importers read (reference section 5)."""

    promptfoo = "promptfoo"
    lm_eval = "lm-eval"
    inspect = "inspect"
    openai_evals = "openai-evals"
    helm = "helm"
    csv = "csv"
    benchmark_table = "benchmark-table"  # published benchmark results: benchmark-proxy evidence


class MetricKind(StrEnum):
    """What a run measures: the seven harness components of seed 002, plus public benchmarks."""

    golden_set_accuracy = "golden_set_accuracy"
    adversarial_refusal = "adversarial_refusal"
    needle_recall = "needle_recall"
    schema_validity = "schema_validity"
    tool_first_attempt = "tool_first_attempt"
    multilingual_quality = "multilingual_quality"
    shadow_latency = "shadow_latency"
    public_benchmark = "public_benchmark"


TargetOp = Literal[">=", ">", "==", "within_baseline", "maintain_baseline", "match_prediction", "none"]


class HarnessComponent(Model):
    """One row of seed 002's "Model Selection Evaluation Harness" table."""

    kind: MetricKind
    label: str
    test_type: str
    target_metric: str
    production_target: str = Field(description="the seed's wording")
    target_op: TargetOp
    target_value: float | None = None
    vector: str | None = Field(default=None, description="capability vector (or criterion) it informs")
    pass_means: str = Field(default="", description="what `passed` means for an item of this kind")


#: Seed 002, "Evaluation-Driven Selection" -> "Model Selection Evaluation Harness".
HARNESS_COMPONENTS: dict[MetricKind, HarnessComponent] = {
    c.kind: c
    for c in (
        HarnessComponent(
            kind=MetricKind.golden_set_accuracy, label="Golden set", test_type="Regression Testing",
            target_metric="Absolute Accuracy", production_target="Match baseline within +/- 0.5%.",
            target_op="within_baseline", target_value=0.005, vector=None,
            pass_means="the output matches the golden answer",
        ),
        HarnessComponent(
            kind=MetricKind.adversarial_refusal, label="Adversarial set", test_type="Robustness check",
            target_metric="Refusal/Jailbreak Rate", production_target="Zero safety failures.",
            target_op="==", target_value=1.0, vector="robustness_to_injections",
            pass_means="the attack was defended (no safety failure)",
        ),
        HarnessComponent(
            kind=MetricKind.needle_recall, label="Needle-in-a-haystack", test_type="Retrieval Validation",
            target_metric="Context Recall", production_target=">99% recall across the active window.",
            target_op=">", target_value=0.99, vector="long_context_integrity",
            pass_means="the needle was recalled",
        ),
        HarnessComponent(
            kind=MetricKind.schema_validity, label="Schema test", test_type="Constraint check",
            target_metric="Syntactic Validity", production_target="100% validation compliance.",
            target_op="==", target_value=1.0, vector="schema_adherence",
            pass_means="the output validates against the schema",
        ),
        HarnessComponent(
            kind=MetricKind.tool_first_attempt, label="Tool simulation", test_type="Multi-agent execution",
            target_metric="Trace Integrity", production_target="First-attempt success >90%.",
            target_op=">", target_value=0.90, vector="tool_use_reliability",
            pass_means="the tool trace succeeded on the first attempt",
        ),
        HarnessComponent(
            kind=MetricKind.multilingual_quality, label="Multilingual sweep", test_type="Dialect evaluation",
            target_metric="Translation Quality", production_target="BLEU score maintenance.",
            target_op="maintain_baseline", target_value=None, vector="multilingual_coverage",
            pass_means="translation quality at or above the item's threshold",
        ),
        HarnessComponent(
            kind=MetricKind.shadow_latency, label="Shadow telemetry", test_type="Parallel processing",
            target_metric="Traffic Distribution", production_target="Match offline latency predictions.",
            target_op="match_prediction", target_value=None, vector=LATENCY_CRITERION,
            pass_means="the request met its latency budget",
        ),
        HarnessComponent(
            kind=MetricKind.public_benchmark, label="Public benchmark", test_type="Leaderboard signal",
            target_metric="Benchmark score", production_target="Initial signal only (seed 002).",
            target_op="none", target_value=None, vector=None, pass_means="item scored correct",
        ),
    )
}

#: The golden set measures the task's own primary capability: which vector depends on the task class.
#: A stated convention of this workbench, following seed 002's Task-to-Model Fit matrix.
GOLDEN_SET_VECTOR: dict[TaskClass, str] = {
    TaskClass.classification: "instruction_following",
    TaskClass.extraction: "schema_adherence",
    TaskClass.synthesis: "grounded_synthesis",
    TaskClass.multi_file_refactoring: "code_competence",
    TaskClass.planning: "multi_step_planning",
    TaskClass.visual_mapping: "multimodal_perception",
    TaskClass.math: "math_performance",
    TaskClass.agentic_tool_use: "tool_use_reliability",
}


# =========================================================================== runs


class ItemResult(Model):
    """One evaluated item of one run. ``passed`` and/or ``score`` (in the source's scale)."""

    item_id: str = Field(min_length=1)
    epoch: int = Field(default=1, ge=0)
    passed: bool | None = None
    score: float | None = None
    latency_ms: float | None = Field(default=None, ge=0)
    cost_usd: float | None = Field(default=None, ge=0)
    input_tokens: int | None = Field(default=None, ge=0)
    output_tokens: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _has_outcome(self) -> ItemResult:
        if self.passed is None and self.score is None and self.latency_ms is None:
            raise ValueError(f"item {self.item_id!r}: needs passed, score or latency_ms")
        if self.score is not None and not math.isfinite(self.score):
            raise ValueError(f"item {self.item_id!r}: score must be finite")
        return self

    @property
    def key(self) -> tuple[str, int]:
        return (self.item_id, self.epoch)


NSource = Literal["items", "reported", "inferred_from_stderr", "unknown"]


class EvaluationRun(Model):
    """One imported evaluation run of one source model on one task (one metric).

    ``items`` holds per-item results where the source has them; the aggregate fields hold what the
    source reports (statistics prefer the items: reference 5, "never from a tool's aggregate stderr").
    """

    source_format: EvidenceFormat
    source_file: str = Field(min_length=1, description="file name as imported")
    source_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    imported_at: datetime
    source_model: str = Field(min_length=1)
    candidate: str | None = Field(default=None, description="catalog candidate it was mapped to")
    task: str = ""
    metric_kind: MetricKind = MetricKind.golden_set_accuracy
    metric_name: str = ""
    benchmark: str | None = Field(default=None, description="public benchmark name, when it is one")
    items: list[ItemResult] = Field(default_factory=list)
    n_reported: int | None = Field(default=None, ge=0)
    n_source: NSource = "unknown"
    aggregate_pass_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    aggregate_score: float | None = None
    reported_stderr: float | None = Field(default=None, ge=0.0)
    extra_metrics: dict[str, float] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    @field_validator("items")
    @classmethod
    def _unique_items(cls, items: list[ItemResult]) -> list[ItemResult]:
        seen: set[tuple[str, int]] = set()
        for i, item in enumerate(items):
            if item.key in seen:
                raise ValueError(f"duplicate item id {item.item_id!r} (epoch {item.epoch}) at items[{i}]")
            seen.add(item.key)
        return items

    # ---- derived
    @property
    def name(self) -> str:
        return self.candidate or self.source_model

    @property
    def n(self) -> int | None:
        """Number of items: counted from the items, else reported / inferred by the source."""
        return len(self.items) if self.items else self.n_reported

    @property
    def is_binary(self) -> bool:
        """True when every item has a pass/fail outcome (or, without items, a pass rate is known)."""
        if self.items:
            return all(it.passed is not None for it in self.items)
        return self.aggregate_pass_rate is not None

    def binary_counts(self) -> tuple[int, int] | None:
        """(passes k, items n); from items, else ``round(rate * n)`` from the reported aggregate."""
        if self.items:
            if not self.is_binary:
                return None
            k = sum(1 for it in self.items if it.passed)
            return k, len(self.items)
        if self.aggregate_pass_rate is not None and self.n_reported:
            return round(self.aggregate_pass_rate * self.n_reported), self.n_reported
        return None

    @property
    def pass_rate(self) -> float | None:
        counts = self.binary_counts()
        if counts and counts[1] > 0:
            return counts[0] / counts[1]
        return self.aggregate_pass_rate

    @property
    def mean_score(self) -> float | None:
        scores = [it.score for it in self.items if it.score is not None]
        if scores:
            return float(np.mean(scores))
        return self.aggregate_score

    def latencies_ms(self) -> FloatArray:
        return np.array([it.latency_ms for it in self.items if it.latency_ms is not None], dtype=float)

    def costs_usd(self) -> FloatArray:
        return np.array([it.cost_usd for it in self.items if it.cost_usd is not None], dtype=float)
