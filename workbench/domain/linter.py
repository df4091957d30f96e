"""Anti-pattern linter on a draft decision.

Rules: seed 002, "Selection Failure Modes and Anti-Patterns" (leaderboard shopping, speculative
concurrency trap, unverified long-context stuffing, FSM cold-start latency, unintentional tokenizer
drift) plus the single-model monolith. Each finding names the rule, the evidence that triggered it and
the fix; the MDR drafter copies findings into its "Failure Tolerance and Risk Mitigation" section.

Pure domain code (pydantic only).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from workbench.domain.evidence import MetricKind, benchmark_info
from workbench.domain.models import Model, Profile
from workbench.domain.requirements import fail_open_risk

#: Speculative decoding: memory-bound below batch ~4-8 (up to 3x faster); compute-bound at 16-32,
#: where verification overhead gives a 5-10 % regression (seed 002, "The Concurrency Trap").
SPECULATIVE_MAX_BATCH = 16
#: Context need above the seed's "32K window" class counts as long context (seed 002, Model Requirement
#: Profile: "Under 4K tokens, 32K window, 128K document set, 1M+ active token session").
LONG_CONTEXT_TOKENS = 32_768

Severity = Literal["high", "medium", "low"]


class StructuredOutputApproach(StrEnum):
    """How structured output is enforced (seed 002, generations of constrained decoding)."""

    none = "none"
    native = "native"  # provider-side JSON mode / structured outputs
    fsm = "fsm"  # Outlines-style finite-state machine: 8-60 s compile per schema
    pda = "pda"  # XGrammar / llguidance pushdown automata: near-zero compile


class EvidenceRef(Model):
    """One piece of evidence a candidate has: a harness kind, or a public benchmark by name."""

    kind: MetricKind
    benchmark: str | None = None
    n: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _benchmark_named(self) -> EvidenceRef:
        if self.kind is MetricKind.public_benchmark and not self.benchmark:
            raise ValueError("a public_benchmark evidence reference needs the benchmark name")
        return self


class NodeChoice(Model):
    """A task-graph node and the candidate(s) chosen for it (several = cascade / router)."""

    node: str = Field(min_length=1)
    candidates: list[str] = Field(min_length=1)
    long_context: bool | None = Field(default=None, description="None: from the profile's context need")


class SpeculativeDecoding(Model):
    enabled: bool = False
    batch_size: int | None = Field(default=None, ge=1, description="None: profile's concurrent requests")
    verified_under_load: bool = Field(default=False, description="measured at production batch size")


class StructuredOutput(Model):
    approach: StructuredOutputApproach = StructuredOutputApproach.none
    precompiled: bool = Field(default=False, description="schema compiled and cached before traffic")


class DecisionDraft(Model):
    """The decision the linter reads: who is chosen where, with what evidence and serving settings."""

    profile: Profile
    nodes: list[NodeChoice] = Field(min_length=1)
    evidence: dict[str, list[EvidenceRef]] = Field(default_factory=dict, description="per candidate")
    speculative: SpeculativeDecoding = Field(default_factory=SpeculativeDecoding)
    structured_output: StructuredOutput = Field(default_factory=StructuredOutput)
    latency_sensitive: bool | None = Field(default=None, description="None: the profile has a latency SLA")
    previous_model: str | None = Field(default=None, description="the model being replaced, for swaps")
    token_count_compared: bool = False

    @property
    def chosen(self) -> list[str]:
        """Every chosen candidate, in first-seen order."""
        seen: dict[str, None] = {}
        for node in self.nodes:
            for c in node.candidates:
                seen.setdefault(c, None)
        return list(seen)

    @property
    def is_latency_sensitive(self) -> bool:
        if self.latency_sensitive is not None:
            return self.latency_sensitive
        sla = self.profile.latency_sla
        return sla.ttft_ms is not None or sla.total_p95_ms is not None


class Finding(Model):
    rule_id: str
    title: str
    severity: Severity
    evidence: str = Field(description="what in the draft triggered the rule")
    fix: str
    source: str = "seed 002, Selection Failure Modes and Anti-Patterns"
    subject: str | None = Field(default=None, description="candidate or node concerned")
    blocking: bool = Field(default=False, description="the decision must not be accepted until fixed")


# --------------------------------------------------------------------------- rules


def _leaderboard_shopping(d: DecisionDraft) -> list[Finding]:
    """Evidence only from saturated / contamination-prone public benchmarks (no harness run)."""
    out = []
    for cand in d.chosen:
        refs = d.evidence.get(cand, [])
        if not refs or any(r.kind is not MetricKind.public_benchmark for r in refs):
            continue
        infos = [(r.benchmark or "", benchmark_info(r.benchmark)) for r in refs]
        flagged = [(b, i) for b, i in infos if i is not None and i.tags]
        if not flagged:
            continue
        names = ", ".join(f"{i.name} ({'/'.join(i.tags)})" for _, i in flagged)
        others = [b for b, i in infos if i is None or not i.tags]
        extra = f"; other public scores: {', '.join(others)}" if others else ""
        out.append(Finding(
            rule_id="leaderboard-shopping", title="Leaderboard shopping",
            severity="high" if len(flagged) == len(refs) else "medium", subject=cand,
            evidence=f"{cand} is chosen on public benchmark scores only: {names}{extra}; "
                     "no task-specific harness evidence",
            fix="Run the task's own harness on a decontaminated golden set (plus schema / adversarial tests as "
                "the profile needs) and compare candidates on it with paired tests; prefer dynamic benchmarks "
                "(SWE-ReBench, LiveBench) for public signal.",
        ))
    return out


def _single_model_monolith(d: DecisionDraft) -> list[Finding]:
    """One model for every node of a multi-node task graph."""
    if len(d.nodes) < 2 or len(d.chosen) != 1:
        return []
    only = d.chosen[0]
    return [Finding(
        rule_id="single-model-monolith", title="Single-model monolith", severity="medium", subject=only,
        evidence=f"{only} is chosen for all {len(d.nodes)} nodes of the task graph "
                 f"({', '.join(n.node for n in d.nodes)})",
        fix="Rank candidates per node: route simple nodes (classification, extraction) to a small fast model "
            "and keep the premium model for the nodes that need its depth; compare cost per successful outcome.",
    )]


def _speculative_trap(d: DecisionDraft) -> list[Finding]:
    """Speculative decoding with batch > 16, not verified under production load."""
    s = d.speculative
    if not s.enabled or s.verified_under_load:
        return []
    batch = s.batch_size if s.batch_size is not None else d.profile.throughput.concurrent_requests
    if batch is None or batch <= SPECULATIVE_MAX_BATCH:
        return []
    origin = "batch size" if s.batch_size is not None else "the profile's concurrent requests"
    return [Finding(
        rule_id="speculative-concurrency-trap", title="Speculative concurrency trap", severity="high",
        evidence=f"speculative decoding is enabled at {origin} {batch} > {SPECULATIVE_MAX_BATCH}, where the GPU "
                 "is compute-bound (seed: 5-10% regression at batch 16-32)",
        fix="Disable speculative decoding above batch 16, or benchmark it at the production batch size and "
            "keep it only if latency improves; it pays off when memory-bound (batch < 4-8).",
    )]


def _long_context_stuffing(d: DecisionDraft) -> list[Finding]:
    """Long-context need without needle-in-a-haystack evidence."""
    out = []
    profile_long = d.profile.context_length_tokens > LONG_CONTEXT_TOKENS
    for node in d.nodes:
        needs = node.long_context if node.long_context is not None else profile_long
        if not needs:
            continue
        for cand in node.candidates:
            if any(r.kind is MetricKind.needle_recall for r in d.evidence.get(cand, [])):
                continue
            out.append(Finding(
                rule_id="unverified-long-context", title="Unverified long-context stuffing", severity="high",
                subject=cand,
                evidence=f"node {node.node!r} needs long context (profile: {d.profile.context_length_tokens:,} "
                         f"tokens > {LONG_CONTEXT_TOKENS:,}) and {cand} has no needle-in-a-haystack evidence",
                fix="Run a needle-in-a-haystack (and citation) test across the active window, needles near the "
                    "middle included; the seed's target is >99% recall. Otherwise retrieve instead of stuffing.",
            ))
    return out


def _fsm_cold_start(d: DecisionDraft) -> list[Finding]:
    """FSM-compiled schema in a latency-sensitive path without pre-compilation."""
    so = d.structured_output
    if so.approach is not StructuredOutputApproach.fsm or so.precompiled or not d.is_latency_sensitive:
        return []
    sla = d.profile.latency_sla
    why = (f"latency SLA TTFT {sla.ttft_ms} ms / p95 {sla.total_p95_ms} ms"
           if d.latency_sensitive is None else "marked latency-sensitive")
    return [Finding(
        rule_id="fsm-cold-start", title="FSM cold-start latency", severity="high",
        evidence=f"Outlines-style FSM schema compilation (8-60 s, >10 min for large enums) on a latency-sensitive "
                 f"path ({why}) without pre-compiled, cached schemas",
        fix="Pre-compile and cache the schema before traffic (warm-up at deploy), or switch to a PDA backend "
            "(XGrammar, the vLLM default, or llguidance) with near-zero compile time.",
    )]


def _tokenizer_drift(d: DecisionDraft) -> list[Finding]:
    """Model swap without a token-count comparison."""
    prev = d.previous_model
    if not prev or d.token_count_compared:
        return []
    new = [c for c in d.chosen if c != prev]
    if not new:
        return []
    return [Finding(
        rule_id="tokenizer-drift", title="Unintentional tokenizer drift", severity="medium",
        subject=", ".join(new),
        evidence=f"swapping {prev} for {', '.join(new)} without comparing token counts on the same inputs",
        fix="Count tokens of a representative sample with both tokenizers and price the new model with the "
            "measured multiplier (the seed warns of +10-35% nominal cost at the same price tier).",
    )]


def lint_profile(profile: Profile) -> list[Finding]:
    """Findings on the requirement profile alone (also shown when the profile is saved)."""
    warning = fail_open_risk(profile)
    if warning is None:
        return []
    return [Finding(
        rule_id="high-risk-fail-open", title="High risk with a fail-open policy", severity="high", blocking=True,
        evidence=warning,
        fix="Set the failure policy to fail-closed: on a failed check halt, reject the output and escalate to "
            "human review (seed 002, Fail-Open versus Fail-Closed Strategy).",
        source="seed 002, Failure Tolerance and Risk Fit",
    )]


def _high_risk_fail_open(d: DecisionDraft) -> list[Finding]:
    return lint_profile(d.profile)


RULES = (
    ("high-risk-fail-open", _high_risk_fail_open),
    ("leaderboard-shopping", _leaderboard_shopping),
    ("single-model-monolith", _single_model_monolith),
    ("speculative-concurrency-trap", _speculative_trap),
    ("unverified-long-context", _long_context_stuffing),
    ("fsm-cold-start", _fsm_cold_start),
    ("tokenizer-drift", _tokenizer_drift),
)
RULE_IDS: tuple[str, ...] = tuple(r for r, _ in RULES)

_ORDER = {"high": 0, "medium": 1, "low": 2}


def lint_decision(draft: DecisionDraft) -> list[Finding]:
    """Run every rule; findings sorted by severity (high first), then rule order."""
    findings = [f for _, rule in RULES for f in rule(draft)]
    return sorted(findings, key=lambda f: (_ORDER[f.severity], RULE_IDS.index(f.rule_id)))
