"""Anti-pattern linter: each rule with a triggering and a non-triggering draft."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from workbench.domain.evidence import MetricKind
from workbench.domain.linter import (
    RULE_IDS,
    DecisionDraft,
    EvidenceRef,
    NodeChoice,
    SpeculativeDecoding,
    StructuredOutput,
    StructuredOutputApproach,
    lint_decision,
)
from workbench.domain.models import LatencySLA, Profile, Throughput

GOLDEN = EvidenceRef(kind=MetricKind.golden_set_accuracy, n=200)
NEEDLE = EvidenceRef(kind=MetricKind.needle_recall, n=300)


def draft(**kw: Any) -> DecisionDraft:
    base: dict[str, Any] = {
        "profile": Profile(name="p"),
        "nodes": [NodeChoice(node="extract", candidates=["A"])],
        "evidence": {"A": [GOLDEN]},
    }
    base.update(kw)
    return DecisionDraft(**base)


def rules(d: DecisionDraft) -> list[str]:
    return [f.rule_id for f in lint_decision(d)]


def test_clean_draft_has_no_findings() -> None:
    assert lint_decision(draft()) == []
    assert len(RULE_IDS) == 7  # the seed's six + high risk with fail-open


# --------------------------------------------------------------------------- leaderboard shopping


def test_leaderboard_shopping_triggers_on_saturated_public_only() -> None:
    d = draft(evidence={"A": [EvidenceRef(kind=MetricKind.public_benchmark, benchmark="MMLU"),
                              EvidenceRef(kind=MetricKind.public_benchmark, benchmark="swe-bench verified")]})
    [f] = lint_decision(d)
    assert f.rule_id == "leaderboard-shopping" and f.severity == "high" and f.subject == "A"
    assert "MMLU (saturated/contamination-prone)" in f.evidence
    assert "SWE-bench Verified" in f.evidence
    assert "golden set" in f.fix


def test_leaderboard_shopping_not_triggered_with_harness_evidence_or_active_benchmarks() -> None:
    mixed = draft(evidence={"A": [EvidenceRef(kind=MetricKind.public_benchmark, benchmark="MMLU"), GOLDEN]})
    assert "leaderboard-shopping" not in rules(mixed)
    active = draft(evidence={"A": [EvidenceRef(kind=MetricKind.public_benchmark, benchmark="SWE-bench Pro")]})
    assert "leaderboard-shopping" not in rules(active)


def test_public_benchmark_ref_needs_name() -> None:
    with pytest.raises(ValidationError, match="benchmark name"):
        EvidenceRef(kind=MetricKind.public_benchmark)


# --------------------------------------------------------------------------- monolith


def test_single_model_monolith() -> None:
    nodes = [NodeChoice(node="classify", candidates=["A"]), NodeChoice(node="extract", candidates=["A"]),
             NodeChoice(node="summarise", candidates=["A"])]
    [f] = lint_decision(draft(nodes=nodes))
    assert f.rule_id == "single-model-monolith"
    assert "all 3 nodes" in f.evidence and "classify, extract, summarise" in f.evidence
    routed = [NodeChoice(node="classify", candidates=["B"]), NodeChoice(node="extract", candidates=["A"])]
    assert "single-model-monolith" not in rules(draft(nodes=routed, evidence={"A": [GOLDEN], "B": [GOLDEN]}))
    assert "single-model-monolith" not in rules(draft())  # one node is not a monolith


# --------------------------------------------------------------------------- speculative decoding


def test_speculative_concurrency_trap() -> None:
    [f] = lint_decision(draft(speculative=SpeculativeDecoding(enabled=True, batch_size=32)))
    assert f.rule_id == "speculative-concurrency-trap" and f.severity == "high"
    assert "batch size 32 > 16" in f.evidence
    assert rules(draft(speculative=SpeculativeDecoding(enabled=True, batch_size=16))) == []
    assert rules(draft(speculative=SpeculativeDecoding(enabled=False, batch_size=64))) == []
    assert rules(draft(speculative=SpeculativeDecoding(enabled=True, batch_size=64, verified_under_load=True))) == []


def test_speculative_batch_from_profile_concurrency() -> None:
    prof = Profile(name="p", throughput=Throughput(concurrent_requests=24))
    [f] = lint_decision(draft(profile=prof, speculative=SpeculativeDecoding(enabled=True)))
    assert "concurrent requests 24" in f.evidence


# --------------------------------------------------------------------------- long context


def test_unverified_long_context() -> None:
    prof = Profile(name="p", context_length_tokens=128_000)
    [f] = lint_decision(draft(profile=prof))
    assert f.rule_id == "unverified-long-context" and f.subject == "A"
    assert "128,000" in f.evidence and ">99% recall" in f.fix
    assert rules(draft(profile=prof, evidence={"A": [GOLDEN, NEEDLE]})) == []
    assert rules(draft(profile=Profile(name="p", context_length_tokens=8_000))) == []
    node_flag = [NodeChoice(node="read-contract", candidates=["A"], long_context=True)]
    assert rules(draft(nodes=node_flag)) == ["unverified-long-context"]


# --------------------------------------------------------------------------- FSM cold start


def test_fsm_cold_start() -> None:
    prof = Profile(name="p", latency_sla=LatencySLA(ttft_ms=300))
    fsm = StructuredOutput(approach=StructuredOutputApproach.fsm)
    [f] = lint_decision(draft(profile=prof, structured_output=fsm))
    assert f.rule_id == "fsm-cold-start" and "TTFT 300" in f.evidence and "XGrammar" in f.fix
    pre = StructuredOutput(approach=StructuredOutputApproach.fsm, precompiled=True)
    assert rules(draft(profile=prof, structured_output=pre)) == []
    pda = StructuredOutput(approach=StructuredOutputApproach.pda)
    assert rules(draft(profile=prof, structured_output=pda)) == []
    assert rules(draft(structured_output=fsm)) == []  # no latency SLA: batch path
    assert rules(draft(structured_output=fsm, latency_sensitive=True)) == ["fsm-cold-start"]


# --------------------------------------------------------------------------- tokenizer drift


def test_tokenizer_drift() -> None:
    [f] = lint_decision(draft(previous_model="OLD"))
    assert f.rule_id == "tokenizer-drift" and "swapping OLD for A" in f.evidence and "10-35%" in f.fix
    assert rules(draft(previous_model="OLD", token_count_compared=True)) == []
    assert rules(draft(previous_model="A")) == []  # not a swap
    assert rules(draft()) == []


def test_findings_sorted_high_first() -> None:
    nodes = [NodeChoice(node="a", candidates=["A"]), NodeChoice(node="b", candidates=["A"])]
    d = draft(nodes=nodes, previous_model="OLD", speculative=SpeculativeDecoding(enabled=True, batch_size=32))
    assert rules(d) == ["speculative-concurrency-trap", "single-model-monolith", "tokenizer-drift"]
