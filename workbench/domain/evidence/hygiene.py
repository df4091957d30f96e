"""Benchmark hygiene (seed 002 "Benchmark Performance Guide"): what a benchmark measures, its
contamination and saturation tags, warnings on runs."""

from __future__ import annotations

import re
from collections.abc import Iterable

from workbench.domain.evidence.runs import (
    GOLDEN_SET_VECTOR,
    HARNESS_COMPONENTS,
    EvaluationRun,
    MetricKind,
)
from workbench.domain.models import (
    CAPABILITY_VECTORS,
    Model,
    TaskClass,
)

# =========================================================================== benchmark hygiene


class BenchmarkInfo(Model):
    """One row of seed 002's "Benchmark Performance Guide", with hygiene tags."""

    key: str
    name: str
    aliases: list[str]
    target_capability: str
    vector: str | None
    saturated_ceiling: str
    production_gap: str
    harness_dependency: str
    saturated: bool
    contamination_prone: bool
    reason: str

    @property
    def tags(self) -> list[str]:
        return [t for t, on in (("saturated", self.saturated), ("contamination-prone", self.contamination_prone)) if on]


_SEED = "seed 002, Benchmark Performance Guide"
#: Seed 002 "Benchmark Performance Guide" + "Contamination, Saturated Ceilings, and the Task ID Flaw".
BENCHMARK_GUIDE: dict[str, BenchmarkInfo] = {
    b.key: b
    for b in (
        BenchmarkInfo(
            key="mmlu", name="MMLU", aliases=["mmlu"], target_capability="General knowledge",
            vector="reasoning_depth", saturated_ceiling="Saturated (>90%).",
            production_gap="Low correlation to narrow domains.", harness_dependency="Low; straightforward multi-choice.",
            saturated=True, contamination_prone=True,
            reason=f"{_SEED}: saturated; leading models cluster in an 88-94% band where differences are mostly "
                   "noise; static knowledge tests are highly susceptible to contamination",
        ),
        BenchmarkInfo(
            key="mmlu-pro", name="MMLU-Pro", aliases=["mmlu-pro", "mmlu_pro", "mmlupro"],
            target_capability="General knowledge", vector="reasoning_depth", saturated_ceiling="Saturated (>90%).",
            production_gap="Low correlation to narrow domains.", harness_dependency="Low; straightforward multi-choice.",
            saturated=True, contamination_prone=True,
            reason=f"{_SEED}: saturated static knowledge test, susceptible to contamination",
        ),
        BenchmarkInfo(
            key="gpqa-diamond", name="GPQA Diamond", aliases=["gpqa diamond", "gpqa_diamond", "gpqa"],
            target_capability="Scientific deduction", vector="reasoning_depth", saturated_ceiling="High (>94%).",
            production_gap="Fails to measure layout comprehension.",
            harness_dependency="Low; multiple-choice extraction.", saturated=True, contamination_prone=True,
            reason=f"{_SEED}: ceiling high (>94%); static multiple-choice set, susceptible to contamination",
        ),
        BenchmarkInfo(
            key="hle", name="HLE (Human Exam)", aliases=["hle", "humanity's last exam", "humanitys_last_exam"],
            target_capability="Advanced deduction", vector="reasoning_depth", saturated_ceiling="Low (<55%).",
            production_gap="Early stages; limited domain coverage.", harness_dependency="Low; short-answer parsing.",
            saturated=False, contamination_prone=False,
            reason=f"{_SEED}: not saturated (<55%); limited domain coverage",
        ),
        BenchmarkInfo(
            key="swe-bench-verified", name="SWE-bench Verified",
            aliases=["swe-bench verified", "swe-bench-verified", "swe_bench_verified", "swebench_verified"],
            target_capability="Repository coding", vector="code_competence", saturated_ceiling="Saturated (>85%).",
            production_gap="High risk of task-ID contamination.",
            harness_dependency="High; agent scaffolding swings score.", saturated=True, contamination_prone=True,
            reason=f"{_SEED}: saturated (>85%); audits showed models reproducing patches from the task ID alone",
        ),
        BenchmarkInfo(
            key="swe-bench-pro", name="SWE-bench Pro", aliases=["swe-bench pro", "swe-bench-pro", "swe_bench_pro"],
            target_capability="Multi-file development", vector="code_competence", saturated_ceiling="Active (<65%).",
            production_gap="Best simulation of software engineering.",
            harness_dependency="Extreme; harness controls context.", saturated=False, contamination_prone=False,
            reason=f"{_SEED}: active; harness dependency extreme (scaffold swings 10-20 points)",
        ),
        BenchmarkInfo(
            key="terminal-bench-2", name="Terminal-Bench 2.0",
            aliases=["terminal-bench 2.0", "terminal-bench-2.0", "terminal_bench_2", "terminal-bench"],
            target_capability="CLI command control", vector="tool_use_reliability", saturated_ceiling="Active (<70%).",
            production_gap="Excellent command execution proxy.",
            harness_dependency="High; requires active terminal host.", saturated=False, contamination_prone=False,
            reason=f"{_SEED}: active (<70%); requires an active terminal host",
        ),
    )
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_ALIAS_INDEX: list[tuple[str, str]] = sorted(
    ((_norm(alias), key) for key, info in BENCHMARK_GUIDE.items() for alias in info.aliases),
    key=lambda t: -len(t[0]),
)


def benchmark_info(name: str | None) -> BenchmarkInfo | None:
    """The guide row for a benchmark or task name ("mmlu_pro", "gpqa_diamond_zeroshot", ...).

    Longest-alias prefix match on lower-case alphanumerics, so lm-eval subtasks ("mmlu_anatomy")
    map to their benchmark and "mmlu_pro" to MMLU-Pro rather than MMLU. None if not in the guide.
    """
    if not name:
        return None
    n = _norm(name)
    for alias, key in _ALIAS_INDEX:
        if n.startswith(alias):
            return BENCHMARK_GUIDE[key]
    return None


def hygiene_tags(name: str | None) -> list[str]:
    """["saturated", "contamination-prone"] as they apply; [] for active or unknown benchmarks."""
    info = benchmark_info(name)
    return info.tags if info else []


def hygiene_warnings(runs: Iterable[EvaluationRun]) -> list[str]:
    """Warnings for runs on public benchmarks; strongest when a candidate's evidence rests only on them.

    Seed 002: leaderboards give initial signal; the final selection must rest on the workload's own
    harness ("Evaluation-Driven Selection"; anti-pattern "Leaderboard Shopping").
    """
    by_cand: dict[str, list[EvaluationRun]] = {}
    for run in runs:
        by_cand.setdefault(run.name, []).append(run)
    out: list[str] = []
    for cand, rs in by_cand.items():
        public = [r for r in rs if r.metric_kind is MetricKind.public_benchmark]
        for r in public:
            bench = r.benchmark or r.task
            info = benchmark_info(bench)
            if info and info.tags:
                out.append(f"{cand}: {info.name} is {' and '.join(info.tags)} ({info.reason})")
            elif info is None:
                out.append(f"{cand}: {bench or 'public benchmark'} is not in the seed's Benchmark Performance "
                           "Guide; treat it as initial signal only")
        if public and len(public) == len(rs):
            out.append(f"{cand}: the evidence rests only on public benchmarks; run the task's own harness "
                       "(golden set, schema test, ...) before deciding")
    return out


def vector_for(kind: MetricKind, task_class: TaskClass | None = None, benchmark: str | None = None) -> str | None:
    """The capability vector a run of ``kind`` informs (None: none, e.g. latency or unknown benchmark)."""
    if kind is MetricKind.golden_set_accuracy:
        return GOLDEN_SET_VECTOR[task_class] if task_class is not None else "instruction_following"
    if kind is MetricKind.public_benchmark:
        info = benchmark_info(benchmark) if benchmark else None
        return info.vector if info else None
    vec = HARNESS_COMPONENTS[kind].vector
    return vec if vec in CAPABILITY_VECTORS else None
