"""Evaluation evidence: imported runs, harness metric kinds, statistics and evidence-driven scores.

Doctrine: seed 002, "Evaluation-Driven Selection" (the evaluation harness table), "Benchmark
Interpretation Guide" / "Benchmark Performance Guide" and "Selection Failure Modes and
Anti-Patterns". Formats and statistics: ``reference/economics-and-evidence.md`` sections 5 and 6.

A package, one job per module (re-exported here so ``workbench.domain.evidence.X`` keeps working):

* :mod:`.runs` - formats, metric kinds with production targets, :class:`ItemResult`, :class:`EvaluationRun`;
* :mod:`.targets` - :func:`check_target`, the rule of three;
* :mod:`.intervals` - Wilson / Clopper-Pearson (scipy.stats), Holm, interval overlap, rate summaries;
* :mod:`.paired` - exact McNemar (scipy.stats.binomtest), paired bootstrap, :func:`compare_runs`;
* :mod:`.ties` - which candidates are statistically indistinguishable from the leader, and on what basis;
* :mod:`.planner` - sample-size planner for a paired comparison (MDE, n for 80 % power, cost);
* :mod:`.capability` - evidence -> capability values with an interval, evidence matrix, SMAA draws;
* :mod:`.hygiene` - benchmark hygiene and which vector a run informs;
* :mod:`.names` - mapping source model names to catalog candidates.

Every interval and test takes its confidence / alpha from the caller (default 95 % / 0.05).
"""

from __future__ import annotations

from workbench.domain.evidence.capability import (
    CapabilityEvidence,
    EvidenceMatrix,
    apply_evidence,
    capability_evidence,
    evidence_matrix,
    latency_percentiles,
    sample_capabilities,
)
from workbench.domain.evidence.hygiene import (
    BENCHMARK_GUIDE,
    BenchmarkInfo,
    benchmark_info,
    hygiene_tags,
    hygiene_warnings,
    vector_for,
)
from workbench.domain.evidence.intervals import (
    IntervalMethod,
    RateSummary,
    clopper_pearson_interval,
    holm_adjust,
    proportion_interval,
    sample_flags,
    summarize_rates,
    tied_with_leader,
    wilson_interval,
    z_quantile,
)
from workbench.domain.evidence.names import (
    match_source_models,
    normalize_model_name,
    pooled_latency_p95,
)
from workbench.domain.evidence.paired import (
    BootstrapResult,
    McNemarResult,
    PairedComparison,
    compare_runs,
    mcnemar_exact,
    paired_bootstrap,
    verdict_text,
)
from workbench.domain.evidence.planner import (
    DEFAULT_POWER,
    SampleSizePlan,
    mcnemar_mde,
    mcnemar_power,
    mcnemar_sample_size,
    plan_sample_size,
)
from workbench.domain.evidence.runs import (
    DEFAULT_CONFIDENCE,
    FEW_DISCORDANT,
    GOLDEN_SET_VECTOR,
    HARNESS_COMPONENTS,
    SMALL_SAMPLE_N,
    WIDE_INTERVAL,
    EvaluationRun,
    EvidenceError,
    EvidenceFormat,
    FloatArray,
    HarnessComponent,
    ItemResult,
    MetricKind,
    NSource,
    TargetOp,
)
from workbench.domain.evidence.targets import (
    TargetCheck,
    check_target,
    zero_failure_n,
)
from workbench.domain.evidence.ties import (
    LeaderTie,
    LeaderTies,
    TieBasis,
    leader_ties,
    ties_among_runs,
)

__all__ = [
    "BENCHMARK_GUIDE",
    "BenchmarkInfo",
    "BootstrapResult",
    "CapabilityEvidence",
    "DEFAULT_CONFIDENCE",
    "DEFAULT_POWER",
    "EvaluationRun",
    "EvidenceError",
    "EvidenceFormat",
    "EvidenceMatrix",
    "FEW_DISCORDANT",
    "FloatArray",
    "GOLDEN_SET_VECTOR",
    "HARNESS_COMPONENTS",
    "HarnessComponent",
    "IntervalMethod",
    "ItemResult",
    "LeaderTie",
    "LeaderTies",
    "McNemarResult",
    "MetricKind",
    "NSource",
    "PairedComparison",
    "RateSummary",
    "SMALL_SAMPLE_N",
    "SampleSizePlan",
    "TargetCheck",
    "TargetOp",
    "TieBasis",
    "WIDE_INTERVAL",
    "apply_evidence",
    "benchmark_info",
    "capability_evidence",
    "check_target",
    "clopper_pearson_interval",
    "compare_runs",
    "evidence_matrix",
    "holm_adjust",
    "hygiene_tags",
    "hygiene_warnings",
    "latency_percentiles",
    "leader_ties",
    "match_source_models",
    "mcnemar_exact",
    "mcnemar_mde",
    "mcnemar_power",
    "mcnemar_sample_size",
    "normalize_model_name",
    "paired_bootstrap",
    "plan_sample_size",
    "pooled_latency_p95",
    "proportion_interval",
    "sample_capabilities",
    "sample_flags",
    "summarize_rates",
    "tied_with_leader",
    "ties_among_runs",
    "vector_for",
    "verdict_text",
    "wilson_interval",
    "z_quantile",
    "zero_failure_n",
]
