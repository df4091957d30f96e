"""MDR drafting (each of the seed's seven sections), lifecycle rules, field diff and Markdown rendering."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from pydantic import ValidationError

from workbench.domain.mdr import (
    MDR,
    SECTION_HEADINGS,
    FailurePolicy,
    FailureTable,
    ImmutableRecordError,
    LifecycleError,
    MDRError,
    MDRStatus,
    RejectedAlternative,
    check_integrity,
    draft_mdr,
    field_changes,
    field_origins,
    format_mdr_id,
    format_rate_interval,
    format_usd,
    parse_failure_table,
    render_markdown,
    set_field,
    supersede,
    transition,
    with_body,
    with_people,
)
from workbench.domain.mdr.changes import carry_forward, changes_between
from workbench.domain.models import (
    FailureMode,
    HardConstraints,
    LatencySLA,
    Privacy,
    Profile,
    RiskLevel,
    Topology,
)
from workbench.io.shipped import reference_table


def load_failure_table() -> FailureTable:
    """The shipped table, read the way the records service reads it."""
    return parse_failure_table(reference_table("failure_tolerance"))


DAY = date(2026, 6, 7)
#: The seed's MDR template example values (seed 002, "Model Decision Record (MDR) Template").
SEED_ECONOMICS = {
    "prefill_cost_per_1m_queries_usd": 1.20,
    "generation_cost_per_1m_queries_usd": 2.40,
    "cost_per_success_usd": 0.0036,
}
SEED_FLAGS = {"--gpu-memory-utilization": "0.90", "--max-model-len": 32768, "--enable-chunked-prefill": True}
SEED_EVIDENCE = {
    "golden_set_accuracy": "84.2%",
    "structured_output_validity": "100% via XGrammar",
    "target_latency_p95": "820ms",
}


def _profile(**kw: object) -> Profile:
    base: dict[str, object] = {
        "name": "Invoice field extraction",
        "description": "Extract line items from supplier invoices into the ERP schema.",
        "task_class": "extraction",
        "output_form": "nested_json",
        "user_exposure": "end_customer",
        "risk_level": "high",
        "latency_sla": LatencySLA(ttft_ms=150, total_p95_ms=1000),
        "cost_ceiling_per_success_usd": 0.01,
        "privacy": Privacy(allowed_topologies=[Topology.self_hosted], data_residency=["eu"]),
        "unacceptable_failures": [FailureMode.silent_extraction_omission, FailureMode.malformed_json],
        "constraints": HardConstraints(min_rating={"schema_adherence": "A"}, min_context_tokens=32000),
    }
    base.update(kw)
    return Profile.model_validate(base)


def _draft(profile: Profile | None = None, **kw: object) -> MDR:
    args: dict[str, object] = {
        "record_id": "MDR-0007",
        "profile": profile or _profile(),
        "ranked": [("qwen-3.5-72b", 0.712), ("llama-4-scout", 0.801), ("deepseek-v4", 0.655)],
        "excluded": {
            "gpt-5.4": ["topology managed_api not in allowed self_hosted", "data residency us not in eu"],
            "gemini-3-pro": ["context 32K < required 200K"],
        },
        "economics": SEED_ECONOMICS,
        "vllm_flags": SEED_FLAGS,
        "evidence_metrics": SEED_EVIDENCE,
        "evidence_lines": ["pass rate 84.2% (95% CI 80.7-87.2%, n=500) on the golden set"],
        "benchmark_references": ["SWE-bench Pro (harness v2)"],
        "linter_findings": [{"rule": "leaderboard_shopping", "severity": "warning", "message": "only MMLU cited"}],
        "first_rank_acceptability": {"llama-4-scout": 0.87, "qwen-3.5-72b": 0.11, "deepseek-v4": 0.02},
        "decision_makers": ["Ana Lima"],
        "consulted": ["Security"],
        "informed": ["Finance"],
        "today": DAY,
        "failure_table": load_failure_table(),
    }
    args.update(kw)
    return draft_mdr(**args)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- sections


def test_section1_context_from_profile() -> None:
    c = _draft().body.context
    assert c.task_node == "Invoice field extraction"
    assert c.problem_statement.startswith("Extract line items")
    assert "Task class: extraction" in c.cognitive_requirements
    assert "Output form: nested json" in c.cognitive_requirements
    assert c.latency_sla == "TTFT ≤ 150 ms; total p95 ≤ 1000 ms"
    assert c.cost_target == "≤ $0.01 per successful outcome"
    assert c.privacy_requirements == "topologies: Self-hosted instance; data residency: eu"
    assert "Minimum rating: Schema Adherence ≥ A" in c.other_constraints
    assert "Minimum context window: 32,000 tokens" in c.other_constraints
    assert "Unacceptable failures: silent extraction omission, malformed json" in c.other_constraints


def test_section2_selected_model_topology_and_vllm_flags() -> None:
    s = _draft().body.selection
    assert s.selected_model == "llama-4-scout"  # highest score wins, whatever the input order
    assert s.deployment_topology == "Self-hosted instance"  # the profile's only allowed topology
    assert [(f.flag, f.value) for f in s.core_parameters] == [
        ("--gpu-memory-utilization", "0.90"),
        ("--max-model-len", "32768"),
        ("--enable-chunked-prefill", "true"),
    ]
    assert s.selection_basis == (
        "Ranked #1 of 3 by weighted sum with score 0.801; ranks first in 87% of sampled weightings (SMAA-2)."
    )


def test_section2_explicit_selection_and_flag_names() -> None:
    r = _draft(selected="qwen-3.5-72b", vllm_flags={"max_model_len": 8192})
    assert r.body.selection.selected_model == "qwen-3.5-72b"
    assert r.body.selection.core_parameters[0].flag == "--max-model-len"
    alt = next(a for a in r.body.alternatives.alternatives if a.name == "llama-4-scout")
    assert "0.089 above qwen-3.5-72b" in alt.reason and "to be stated" in alt.reason


def test_section3_evidence() -> None:
    e = _draft().body.evidence
    assert (e.golden_set_accuracy, e.structured_output_validity, e.target_latency_p95) == (
        "84.2%",
        "100% via XGrammar",
        "820ms",
    )
    assert e.benchmark_references == ("SWE-bench Pro (harness v2)",)
    assert e.summary[0].startswith("pass rate 84.2% (95% CI")


def test_section4_rejected_alternatives_with_reasons() -> None:
    alts = {a.name: a for a in _draft().body.alternatives.alternatives}
    assert set(alts) == {"qwen-3.5-72b", "deepseek-v4", "gpt-5.4", "gemini-3-pro"}
    qwen = alts["qwen-3.5-72b"]
    assert qwen.kind == "outranked" and qwen.score == pytest.approx(0.712)
    assert qwen.reason == (
        "Ranked #2 of 3 by weighted sum with score 0.712; 0.089 below llama-4-scout (0.801); "
        "ranks first in 11% of sampled weightings."
    )
    gpt = alts["gpt-5.4"]
    assert gpt.kind == "excluded"
    assert gpt.reason == (
        "Excluded by hard constraints: topology managed_api not in allowed self_hosted; "
        "data residency us not in eu."
    )


def test_section5_failure_modes_for_task_class_and_risk() -> None:
    ft = _draft().body.failure_tolerance
    modes = [f.mode for f in ft.failures]
    # nested JSON -> preamble + malformed JSON; end customer -> refusal + injection; high risk -> drift;
    # extraction -> silent omission. Table order is kept.
    assert modes == [
        FailureMode.preamble_contamination,
        FailureMode.malformed_json,
        FailureMode.refusal_error,
        FailureMode.silent_deduction_drift,
        FailureMode.prompt_injection,
        FailureMode.silent_extraction_omission,
    ]
    malformed = ft.failures[1]
    assert (malformed.severity, malformed.detectability, malformed.recoverability) == ("High", "High", "Automated")
    assert malformed.mitigation == "PDA constrained decoding masks."
    assert ft.failures[-1].mitigation == "Secondary evaluation schema parsing with fail-closed human escalation."
    assert all(f.policy == FailurePolicy.fail_closed for f in ft.failures)  # high risk: fail-closed everywhere
    assert ft.linter_findings[0].rule == "leaderboard_shopping"


def test_section5_low_risk_fail_open_keeps_critical_modes_closed() -> None:
    profile = _profile(
        risk_level="low",
        failure_policy="fail_open",
        user_exposure="internal",
        unacceptable_failures=[],
        task_class="classification",
        output_form="tool_arguments",
        tool_use="static_arguments",
    )
    ft = _draft(profile).body.failure_tolerance
    policy = {f.mode: f.policy for f in ft.failures}
    assert policy[FailureMode.preamble_contamination] == FailurePolicy.fail_open  # Low severity
    assert policy[FailureMode.tool_argument_mismatch] == FailurePolicy.fail_closed  # Critical severity
    assert "Warning" not in ft.policy_rationale


def test_section5_fail_open_on_high_risk_is_flagged_and_bad_findings_rejected() -> None:
    ft = _draft(_profile(failure_policy="fail_open")).body.failure_tolerance
    assert ft.failure_policy == FailurePolicy.fail_open
    assert "Warning: the profile's risk level is high" in ft.policy_rationale
    with pytest.raises(MDRError, match=r"linter_findings\[0\]"):
        _draft(linter_findings=[{"rule": "x"}])


def test_section5_accepts_linter_finding_shape() -> None:
    finding = {
        "rule_id": "unverified_long_context",
        "title": "Unverified long-context stuffing",
        "severity": "high",
        "evidence": "context need 200K with no needle test",
        "fix": "Run a needle-in-a-haystack test.",
    }
    lf = _draft(linter_findings=[finding]).body.failure_tolerance.linter_findings[0]
    assert (lf.rule, lf.severity) == ("unverified_long_context", "high")
    assert lf.message == (
        "Unverified long-context stuffing. context need 200K with no needle test. Fix: Run a needle-in-a-haystack test."
    )


def test_section6_economics_seed_example_and_bad_keys() -> None:
    ec = _draft().body.economics
    assert ec.prefill_cost_per_1m_queries_usd == 1.20
    assert ec.cost_per_success_usd == 0.0036
    md = render_markdown(_draft())
    # the seed's MDR example lines, value for value
    assert "* Estimated Prefill Cost (per 1M queries): $1.20" in md
    assert "* Estimated Generation Cost (per 1M queries): $2.40" in md
    assert "* Estimated Total Cost Per Successful Outcome: $0.0036" in md
    with pytest.raises(MDRError, match="unknown key"):
        _draft(economics={"prefil_cost": 1.0})
    with pytest.raises(MDRError, match="finite"):
        _draft(economics={"cost_per_success_usd": float("nan")})


def test_section7_rollout_is_derived_from_risk_volume_and_sla_with_worked_numbers() -> None:
    # high risk: error-rate threshold 0.5%; rule of three n = 3 / 0.005 = 600 requests; 1,000,000 requests/month
    # = 1,369.9/hour, 1% of it = 13.7/hour -> 600 / 13.699 = 43.8 -> 44 hours (>= 24); canary 5% for high risk
    r = _draft().body.rollout
    assert (r.shadow_traffic_pct, r.shadow_duration_hours, r.canary_traffic_pct) == (1.0, 44.0, 5.0)
    assert [(t.metric, t.threshold) for t in r.rollback_triggers] == [
        ("error rate", 0.5), ("P95 latency", 1000), ("P95 time to first token", 150),
        ("security injection detection", None)]
    assert any("rule of three" in d for d in r.derivation)
    md = render_markdown(_draft())
    assert "* Rollout Strategy: Shadow route 1% of live traffic for 44 hours, scaling to 5% canary." in md
    assert "1% shadow for 72 h" not in md and "P95 latency > 1.2s" not in md
    # medium risk, 10,000 requests/month (13.70/hour), no SLA: threshold 1%, n = 300; 1% for 72 h sees 9.9 < 300,
    # so the share is ceil(100 * 300 / (13.70 * 72)) = ceil(30.42) = 31%; hours = ceil(300 / (0.31 * 13.70)) = 71
    low = _profile(risk_level="medium", latency_sla=LatencySLA(), workload={"requests_per_month": 10_000})
    r = _draft(low).body.rollout
    assert (r.shadow_traffic_pct, r.shadow_duration_hours, r.canary_traffic_pct) == (31.0, 71.0, 10.0)
    assert [t.metric for t in r.rollback_triggers] == ["error rate", "security injection detection"]
    assert "No latency rollback trigger: the profile sets no latency SLA." in r.derivation


def test_reconsideration_conditions_are_derived_and_say_the_numbers() -> None:
    # cost $0.0036 per success against a ceiling of $0.01: headroom 0.01 / 0.0036 - 1 = 177.8% -> "above 178%"
    r = _draft().body.rollout
    assert r.reconsideration_conditions[0] == ("A price rise of llama-4-scout above 178% (cost per successful outcome "
                                               "$0.0036 against the ceiling of $0.01).")
    assert "Volume outside 500,000–2,000,000 requests/month (the economics assume 1,000,000)." in r.reconsideration_conditions
    assert any("first-rank share (now 87%) falls below 50%" in c for c in r.reconsideration_conditions)
    assert not any("decontaminated" in c for c in r.reconsideration_conditions)


def test_missed_targets_are_flagged_at_the_top_and_in_their_section_with_both_values() -> None:
    economics = {**SEED_ECONOMICS, "cost_per_success_usd": 0.0123}
    rec = _draft(economics=economics, evidence_metrics={"target_latency_p95": "1,400 ms"}, latency_p95_ms=1400.0)
    checks = {c.label: c for c in rec.body.target_checks}
    cost = checks["Cost per successful outcome"]
    assert (cost.met, cost.actual, cost.required, cost.section) == (False, "$0.0123", "≤ $0.01", "economics")
    p95 = checks["P95 latency"]
    assert (p95.met, p95.actual, p95.required) == (False, "1,400 ms (estimated)", "≤ 1,000 ms")
    ttft = checks["P95 time to first token"]  # TTFT SLA 150 ms; no catalog figure given: not checked
    assert (ttft.met, ttft.actual, ttft.required) == (None, "unknown", "≤ 150 ms")
    slow = _draft(ttft_p95_ms=420.0).body.target_checks
    assert [(c.met, c.actual) for c in slow if c.target == "ttft_sla"] == [(False, "420 ms (catalog)")]
    assert checks["Golden-set accuracy (own per-item evidence)"].met is False  # high risk needs own evidence
    assert checks["Structured-output validity rate"].met is False  # nested JSON output
    assert checks["Measured p95 latency"].met is False
    md = render_markdown(rec)
    top = md.split("## Context and Problem Statement", 1)[0]
    assert "> * Cost per successful outcome: MISSED: $0.0123 (target ≤ $0.01)" in top
    assert "> * P95 latency: MISSED: 1,400 ms (estimated) (target ≤ 1,000 ms)" in top
    economics_section = md.split("### Execution Economics", 1)[1].split("###", 1)[0]
    assert "* Target missed: Cost per successful outcome: MISSED: $0.0123 (target ≤ $0.01)" in economics_section
    evidence_section = md.split("### Evaluation Evidence", 1)[1].split("###", 1)[0]
    assert "* Target missed: P95 latency: MISSED: 1,400 ms (estimated) (target ≤ 1,000 ms)" in evidence_section
    assert "* Bad, because Cost per successful outcome: MISSED" in md
    assert rec.body.rollout.reconsideration_conditions[0].startswith("llama-4-scout already costs $0.0123")
    # within every target: nothing flagged at the top
    ok = _draft(evidence_metrics={**SEED_EVIDENCE}, latency_p95_ms=820.0, latency_measured=True)
    assert ok.body.missed_targets == () and "Targets missed" not in render_markdown(ok)


def test_bad_draft_inputs_raise_clear_errors() -> None:
    with pytest.raises(MDRError, match="not among the ranked"):
        _draft(selected="gpt-5.4")
    with pytest.raises(MDRError, match="listed twice"):
        _draft(ranked=[("a", 0.5), ("a", 0.4)])
    with pytest.raises(MDRError, match=r"ranked\[1\].*finite"):
        _draft(ranked=[("a", 0.5), ("b", float("inf"))])
    with pytest.raises(MDRError, match="both ranked and excluded"):
        _draft(excluded={"deepseek-v4": ["x"]})
    with pytest.raises(MDRError, match="vllm_flags"):
        _draft(vllm_flags={"--Bad Flag": 1})
    with pytest.raises(MDRError, match="evidence_metrics"):
        _draft(evidence_metrics={"accuracy": "1"})
    with pytest.raises(MDRError, match="first_rank_acceptability"):
        _draft(first_rank_acceptability={"llama-4-scout": 1.5})


def test_failure_table_transcribes_the_seed() -> None:
    table = load_failure_table()
    assert table.provenance["source"].startswith("seed 002")
    seed_rows = [r for r in table.modes if r.origin == "seed_table"]
    assert len(seed_rows) == 7
    injection = table.row(FailureMode.prompt_injection)
    assert injection is not None
    assert (injection.severity, injection.detectability, injection.recoverability) == ("Critical", "Medium", "Manual")
    assert injection.unacceptable_contexts == "Multi-tenant customer-facing bots."
    assert {r.mode for r in table.modes} == set(FailureMode)


# --------------------------------------------------------------------------- markdown


def _front_matter(md: str) -> dict[str, object]:
    """The YAML front matter, read by a YAML parser (as MADR tools read it)."""
    lines = md.split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    doc = yaml.safe_load("\n".join(lines[1:end]))
    assert isinstance(doc, dict)
    return doc


MADR_H2 = ["## Context and Problem Statement", "## Considered Options", "## Decision Outcome",
           "## Pros and Cons of the Options", "## More Information"]


def test_markdown_is_madr4_with_the_seeds_seven_sections_inside() -> None:
    rec = _draft()
    md = render_markdown(rec)
    fm = _front_matter(md)
    assert fm == {
        "status": "proposed",  # MADR has no draft
        "workbench-status": "draft",
        "date": DAY,
        "decision-makers": ["Ana Lima"],
        "consulted": ["Security"],
        "informed": ["Finance"],
        "mdr-id": "MDR-0007",
        "profile": "Invoice field extraction",
    }
    lines = md.split("\n")
    assert [ln for ln in lines if ln.startswith("## ")] == MADR_H2
    assert [ln for ln in lines if ln.startswith("# ")] == ["# 7. Use llama-4-scout for Invoice field extraction"]
    assert not any("**" in ln for ln in lines if ln.startswith("#"))  # plain headings
    positions = [md.index(h + "\n") for h in SECTION_HEADINGS]
    assert positions == sorted(positions)
    order = [md.index(h + "\n") for h in ("## Decision Outcome", "### Selected Model and Configuration",
                                          "### Consequences", "### Confirmation", "## Pros and Cons of the Options",
                                          "### Rejected Alternatives and Rationale", "## More Information",
                                          "### Execution Economics", "### Lifecycle and Rollout Plan")]
    assert order == sorted(order)
    assert 'Chosen option: "llama-4-scout", because ranked #1 of 3 by weighted sum with score 0.801' in md
    options = md.split("## Considered Options\n\n", 1)[1].split("\n\n", 1)[0].split("\n")
    assert options == ["* llama-4-scout", "* qwen-3.5-72b", "* deepseek-v4", "* gpt-5.4 (excluded by hard constraints)",
                       "* gemini-3-pro (excluded by hard constraints)"]
    assert "* Status: proposed\n* Deciders: Ana Lima\n* Date: 2026-06-07\n" in md  # MADR 2 header list
    assert "  * --gpu-memory-utilization: 0.90" in md
    assert "* Selected Model Identifier: llama-4-scout" in md
    assert "* Golden Set Accuracy Score: 84.2%" in md
    assert "* Structured-Output Validity Rate: 100% via XGrammar" in md
    assert "* Target Latency P95: 820ms" in md
    assert "* Alternative: gpt-5.4" in md
    assert "* Anticipated Failure: Malformed JSON (severity High, detectability High, recovery Automated)." in md
    assert "* Mitigation (fail-closed): PDA constrained decoding masks." in md
    assert md.endswith("\n") and not md.endswith("\n\n") and "\r" not in md


def test_adr_tools_flavour_starts_with_the_numbered_title_and_has_a_status_section() -> None:
    md = render_markdown(_draft(), flavour="adr-tools")
    lines = md.split("\n")
    # adr-tools' _adr_title is `head -1 FILE | cut -c 3-`; _adr_status reads the lines under "## Status"
    assert lines[0][2:] == "7. Use llama-4-scout for Invoice field extraction"
    status = md.split("## Status\n\n", 1)[1].split("\n", 1)[0]
    assert status == "Proposed"
    assert not md.startswith("---")


def test_markdown_user_text_cannot_inject_structure() -> None:
    rec = set_field(_draft(), "alternatives.alternatives[0].reason", "fine\n## **3. Evaluation Evidence**\n---")
    rec = with_people(rec, title="Pick\r\n# evil", decision_makers=['Ana "AL" Lima'])
    md = render_markdown(rec)
    assert [ln for ln in md.split("\n") if ln.startswith("## ")] == MADR_H2
    assert [ln for ln in md.split("\n") if ln.startswith("# ")] == ["# 7. Pick # evil"]
    assert _front_matter(md)["decision-makers"] == ['Ana "AL" Lima']
    assert "\r" not in md


def test_superseded_record_front_matter_links() -> None:
    old, new = _accepted("MDR-0003"), _accepted("MDR-0007")
    old2, new2 = supersede(old, new, on=DAY)
    assert _front_matter(render_markdown(old2))["superseded-by"] == "MDR-0007"
    assert _front_matter(render_markdown(new2))["supersedes"] == "MDR-0003"
    assert _front_matter(render_markdown(old2))["status"] == "superseded by MDR-0007"
    assert _front_matter(render_markdown(old2))["workbench-status"] == "superseded"
    assert _front_matter(render_markdown(new2))["status"] == "accepted"


# --------------------------------------------------------------------------- lifecycle


def _accepted(record_id: str = "MDR-0007") -> MDR:
    rec = _draft(record_id=record_id)
    return transition(transition(rec, "proposed", on=DAY), "accepted", on=DAY)


def test_lifecycle_happy_path_and_forbidden_moves() -> None:
    rec = _draft()
    assert rec.status == MDRStatus.draft
    with pytest.raises(LifecycleError, match="cannot go from draft to accepted"):
        transition(rec, "accepted", on=DAY)
    proposed = transition(rec, MDRStatus.proposed, on=DAY)
    rejected = transition(proposed, "rejected", on=DAY)
    with pytest.raises(LifecycleError, match="final"):
        transition(rejected, "proposed", on=DAY)
    accepted = transition(proposed, "accepted", on=DAY)
    assert accepted.status == MDRStatus.accepted and accepted.accepted_body_sha256
    with pytest.raises(LifecycleError, match="cannot go from accepted to proposed"):
        transition(accepted, "proposed", on=DAY)
    with pytest.raises(LifecycleError, match="supersede"):
        transition(accepted, "superseded", on=DAY)
    with pytest.raises(LifecycleError, match="unknown status"):
        transition(rec, "approved", on=DAY)


def test_acceptance_needs_decision_makers_and_proposal_needs_a_model() -> None:
    proposed = transition(_draft(decision_makers=[]), "proposed", on=DAY)
    with pytest.raises(LifecycleError, match="decision-maker"):
        transition(proposed, "accepted", on=DAY)
    no_model = set_field(_draft(), "selection.selected_model", "")
    with pytest.raises(LifecycleError, match="selected model"):
        transition(no_model, "proposed", on=DAY)


def test_accepted_text_is_immutable() -> None:
    acc = _accepted()
    with pytest.raises(ImmutableRecordError, match="accepted"):
        set_field(acc, "rollout.canary_traffic_pct", 20)
    with pytest.raises(ImmutableRecordError):
        with_body(acc, acc.body)
    with pytest.raises(ImmutableRecordError):
        with_people(acc, consulted=["Someone"])
    with pytest.raises(ValidationError):  # frozen models refuse assignment
        acc.body.rollout.canary_traffic_pct = 20  # type: ignore[misc]
    with pytest.raises(ValidationError):
        acc.title = "changed"  # type: ignore[misc]
    check_integrity(acc)
    forged = acc.model_copy(update={"body": set_field(_draft(), "rollout.canary_traffic_pct", 20).body})
    with pytest.raises(ImmutableRecordError, match="changed after acceptance"):
        check_integrity(forged)


def test_supersede_links_both_ways_and_checks_states() -> None:
    old, new = _accepted("MDR-0003"), _accepted("MDR-0007")
    old2, new2 = supersede(old, new, on=DAY)
    assert (old2.status, old2.front.superseded_by) == (MDRStatus.superseded, "MDR-0007")
    assert (new2.status, new2.front.supersedes) == (MDRStatus.accepted, "MDR-0003")
    assert old2.body == old.body  # the text is untouched
    with pytest.raises(LifecycleError, match="itself"):
        supersede(old, old, on=DAY)
    with pytest.raises(LifecycleError, match="only an accepted record"):
        supersede(old2, new2, on=DAY)
    with pytest.raises(LifecycleError, match="accept it before"):
        supersede(old, transition(_draft(record_id="MDR-0008"), "proposed", on=DAY), on=DAY)
    with pytest.raises(LifecycleError, match="cycle"):
        supersede(new2, old.model_copy(update={"front": old.front.model_copy(update={"supersedes": "MDR-0007"})}), on=DAY)


# --------------------------------------------------------------------------- edits and diff


def test_field_diff_tracks_generated_vs_edited() -> None:
    rec = _draft()
    assert field_changes(rec) == []
    assert set(field_origins(rec).values()) == {"generated"}
    rec = set_field(rec, "rollout.canary_traffic_pct", 2)
    rec = set_field(rec, "evidence.golden_set_accuracy", "86.0% (95% CI 82.7-88.9%)")
    alts = rec.body.alternatives.alternatives + (RejectedAlternative(name="mistral-large", reason="licence"),)
    rec = with_body(rec, rec.body.model_copy(update={"alternatives": rec.body.alternatives.model_copy(update={"alternatives": alts})}))
    changes = {c.path: c for c in field_changes(rec)}
    assert changes["rollout.canary_traffic_pct"].kind == "edited"
    assert (changes["rollout.canary_traffic_pct"].generated, changes["rollout.canary_traffic_pct"].current) == (5.0, 2)
    assert changes["evidence.golden_set_accuracy"].generated == "84.2%"
    assert changes["alternatives.alternatives[4].name"].kind == "added"
    origins = field_origins(rec)
    assert origins["rollout.canary_traffic_pct"] == "edited"
    assert origins["alternatives.alternatives[4].reason"] == "added"
    assert origins["selection.selected_model"] == "generated"
    assert rec.generated is not None and rec.generated.rollout.canary_traffic_pct == 5.0


def test_set_field_validates_path_and_value() -> None:
    rec = _draft()
    with pytest.raises(MDRError, match="no field"):
        set_field(rec, "rollout.canary", 5)
    with pytest.raises(MDRError, match="no field"):
        set_field(rec, "alternatives.alternatives[99].reason", "x")
    with pytest.raises(MDRError, match="malformed"):
        set_field(rec, "rollout..canary_traffic_pct", 5)
    with pytest.raises(MDRError, match="rollout.canary_traffic_pct"):
        set_field(rec, "rollout.canary_traffic_pct", 150)


def test_record_ids_and_formatters() -> None:
    assert format_mdr_id(7) == "MDR-0007"
    with pytest.raises(MDRError):
        _draft(record_id="../etc/passwd")
    assert format_usd(1.2) == "$1.20"
    assert format_usd(0.0036) == "$0.0036"
    assert format_usd(0.00361234) == "$0.00361"
    assert format_usd(1234.5) == "$1,234.50"
    assert format_rate_interval(0.842, 0.801, 0.876, 500) == "84.2% (95% CI 80.1–87.6%, n=500)"
    with pytest.raises(MDRError, match="does not contain"):
        format_rate_interval(0.9, 0.1, 0.2)


def test_risk_enum_roundtrip_in_profile_fixture() -> None:
    # guards the fixture itself: the failure-policy expectations above rely on a high-risk profile
    assert _profile().risk_level == RiskLevel.high


# --------------------------------------------------------------------------- supersede: carry forward, what changed


def test_supersede_carries_the_human_edited_fields_and_people_forward() -> None:
    old = set_field(_draft(), "rollout.canary_traffic_pct", 2)
    old = set_field(old, "rollout.reconsideration_conditions", ["Vendor changes its retention terms."])
    fresh = _draft(record_id="MDR-0009", decision_makers=[], consulted=[], informed=[])
    new, carried = carry_forward(old, fresh)
    assert carried == ["rollout.canary_traffic_pct", "rollout.reconsideration_conditions", "decision-makers",
                       "consulted", "informed"]
    assert new.body.rollout.canary_traffic_pct == 2
    assert new.body.rollout.reconsideration_conditions == ("Vendor changes its retention terms.",)
    assert new.body.rollout.shadow_duration_hours == fresh.body.rollout.shadow_duration_hours  # not edited: fresh
    assert new.front.decision_makers == ("Ana Lima",)
    assert {c.path for c in field_changes(new)} >= {"rollout.canary_traffic_pct"}  # shown as a person's edit


def _snap(order: list[str], output_price: float, evidence: list[str], cost_weight: float) -> dict[str, object]:
    return {
        "results": {"ranking": {"rows": [{"name": n} for n in order]}},
        "candidates": [{"name": "model-a", "pricing": {"input_per_mtok": 1.25, "output_per_mtok": output_price}},
                       {"name": "model-b", "pricing": {"input_per_mtok": 0.5, "output_per_mtok": 2.0}}],
        "evidence": evidence,
        "method": {"weights": {"cost_per_success": cost_weight, "schema_adherence": 3.0}},
    }


def test_what_changed_since_the_superseded_record_names_ranking_prices_evidence_and_weights() -> None:
    old = _snap(["model-a", "model-b"], 10.0, ["model-a: golden set 84.2%"], 1.0)
    new = _snap(["model-b", "model-a"], 8.0, ["model-a: golden set 84.2%", "model-b: golden set 88.0%"], 3.0)
    assert changes_between(old, new) == (
        "Winner: model-a → model-b.",
        "Ranking: model-a, model-b → model-b, model-a.",
        "Prices of model-a (per 1M tokens): output $10.00 → $8.00.",
        "New evidence: model-b: golden set 88.0%",
        "Weights: cost_per_success 1 → 3.",
    )
    assert changes_between(old, old) == ("No change in ranking, prices, evidence or weights.",)
