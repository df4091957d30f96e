"""Decision records in the store: numbering, drafting, edits with the optimistic lock, lifecycle with audit,
supersession (both rows, one transaction), signatures, public keys, restore bit for bit."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.domain.mdr import SECTION_HEADINGS, MDRStatus, render_markdown, set_field, with_people
from workbench.domain.snapshot import canonical_json, parse_canonical
from workbench.services.records import DraftError, draft_from_workspace, gather
from workbench.services.restore import rerank_snapshot
from workbench.signing import init_key, load_signing_key
from workbench.store import read_session
from workbench.store.decisions import (
    DecisionError,
    ImmutableDecisionError,
    decision_by_ref,
    decision_history,
    get_decision,
    list_decisions,
    save_decision,
    supersede_decision,
    transition_decision,
)
from workbench.store.repository import ConflictError, StoreError
from workbench.store.tables import AuditEvent
from workbench.store.workspace import create_profile, delete_profile, new_profile_model, profile_by_name


@pytest.fixture
def profile(engine):
    return create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")


def _key(tmp_path: Path, name: str = "Ana Lima", email: str = "ana@example.com"):
    info = init_key(name, email, tmp_path / "keys")
    return load_signing_key(Path(info.key_dir) / f"{info.key_id}.key")


def _accept(engine, rec, actor="ada"):
    rec = save_decision(engine, rec.id, with_people(rec.record, decision_makers=["Ana Lima"]), rec.version, actor)
    if rec.status == MDRStatus.draft:
        rec = transition_decision(engine, rec.id, "proposed", rec.version, actor)
    return transition_decision(engine, rec.id, "accepted", rec.version, actor)


def test_draft_fills_seven_sections_from_the_ranking(engine, profile):
    inputs = gather(engine, "Contracts")
    rec = draft_from_workspace(engine, "Contracts", "ada", today=date(2026, 11, 23))
    assert (rec.mdr_id, rec.number, rec.status, rec.version) == ("MDR-0001", 1, MDRStatus.draft, 1)
    body = rec.record.body
    ranking = inputs.decision.ranking
    assert body.selection.selected_model == ranking.winner
    assert f"ranks first in {round(inputs.smaa.candidates[0].first_rank * 100)}%" in body.selection.selection_basis
    assert "not an open-weight model" in body.selection.selection_basis  # the winner is an API model: no flags
    outranked = [a for a in body.alternatives.alternatives if a.kind == "outranked"]
    excluded = [a for a in body.alternatives.alternatives if a.kind == "excluded"]
    assert [a.name for a in outranked] == [r.name for r in ranking.rows[1:]]
    assert {a.name for a in excluded} == {e.name for e in ranking.excluded}
    assert all("Excluded by hard constraints" in a.reason for a in excluded)
    assert body.economics.cost_per_success_usd == pytest.approx(ranking.rows[0].cost_per_success)
    assert body.economics.prefill_cost_per_1m_queries_usd and body.economics.generation_cost_per_1m_queries_usd
    assert body.failure_tolerance.failures and body.rollout.rollback_triggers
    markdown = render_markdown(rec.record)
    assert all(h in markdown for h in SECTION_HEADINGS)
    # the snapshot holds every input and result, including the SMAA seed
    snap = rec.snapshot
    assert snap["smaa_seed"] == inputs.smaa_seed and snap["method"]["smaa"]["n_samples"] == inputs.smaa_samples
    assert [c["name"] for c in snap["candidates"]] == [c.name for c in inputs.decision.candidates]
    assert snap["results"]["ranking"] == json.loads(json.dumps(ranking.model_dump(mode="json")))
    with read_session(engine) as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "decision")))
    assert [(e.action, e.actor, e.entity_name) for e in events] == [("draft", "ada", "MDR-0001")]


def test_numbers_increase_and_records_are_found_by_id_or_number(engine, profile):
    first = draft_from_workspace(engine, "Contracts", "ada")
    second = draft_from_workspace(engine, "Contracts", "bob")
    assert (first.number, second.number, second.mdr_id) == (1, 2, "MDR-0002")
    assert decision_by_ref(engine, "MDR-0002").id == decision_by_ref(engine, "2").id == second.id
    assert [r.mdr_id for r in list_decisions(engine, profile.id)] == ["MDR-0002", "MDR-0001"]


def test_restore_from_the_stored_snapshot_is_bit_identical_and_a_change_is_detected(engine, profile):
    rec = draft_from_workspace(engine, "Contracts", "ada")
    stored = get_decision(engine, rec.id).snapshot  # after the JSON column round trip
    result = rerank_snapshot(parse_canonical(canonical_json(stored)))
    assert result.matches and result.ranking_matches and result.smaa_matches
    assert result.stored_ranking_sha256 == result.recomputed_ranking_sha256
    tampered = json.loads(json.dumps(stored))
    tampered["method"]["smaa"]["seed"] += 1
    other = rerank_snapshot(tampered)
    assert other.ranking_matches and other.smaa_matches is False and other.differences
    tampered["profile"]["effective"]["weights"]["cost_per_success"] = 100.0
    assert not rerank_snapshot(tampered).ranking_matches


def test_edit_saves_with_optimistic_lock_and_audits_the_fields(engine, profile):
    rec = draft_from_workspace(engine, "Contracts", "ada")
    edited = set_field(rec.record, "rollout.canary_traffic_pct", 25.0)
    saved = save_decision(engine, rec.id, edited, rec.version, "ada")
    assert saved.version == rec.version + 1 and saved.record.body.rollout.canary_traffic_pct == 25.0
    with pytest.raises(ConflictError, match="ada"):
        save_decision(engine, rec.id, set_field(rec.record, "rollout.canary_traffic_pct", 5.0), rec.version, "bob")
    assert get_decision(engine, rec.id).record.body.rollout.canary_traffic_pct == 25.0
    same = save_decision(engine, rec.id, saved.record, saved.version, "ada")  # nothing changed: nothing written
    assert same.version == saved.version
    history = decision_history(engine, rec.id)
    assert [(e.action, e.summary) for e in history] == [
        ("draft", "drafted MDR-0001 for profile 'Contracts'"),
        ("update", "rollout.canary_traffic_pct changed"),
    ]
    assert history[1].before["body"]["rollout"]["canary_traffic_pct"] == 5.0  # derived: canary 5% for high risk


def test_lifecycle_is_audited_and_accepted_text_is_immutable(engine, profile):
    rec = draft_from_workspace(engine, "Contracts", "ada")
    with pytest.raises(DecisionError, match="cannot go from draft to accepted"):
        transition_decision(engine, rec.id, "accepted", rec.version, "ada")
    proposed = transition_decision(engine, rec.id, "proposed", rec.version, "ada")
    with pytest.raises(DecisionError, match="decision-maker"):
        transition_decision(engine, rec.id, "accepted", proposed.version, "ada")
    accepted = _accept(engine, proposed)
    assert accepted.status == MDRStatus.accepted and accepted.record.accepted_body_sha256
    with pytest.raises(ImmutableDecisionError, match="MDR-0001 is accepted: its text is immutable"):
        save_decision(engine, rec.id, set_field(proposed.record, "rollout.canary_traffic_pct", 50.0),
                      accepted.version, "bob")
    assert [e.action for e in decision_history(engine, rec.id)] == ["draft", "propose", "update", "accept"]


def test_supersede_by_a_new_draft_links_both_rows_when_it_is_accepted(engine, profile):
    old = _accept(engine, draft_from_workspace(engine, "Contracts", "ada"))
    new = draft_from_workspace(engine, "Contracts", "bob", supersedes_id=old.id)
    assert new.record.front.supersedes == "MDR-0001" and new.supersedes_id == old.id
    assert get_decision(engine, old.id).status == MDRStatus.accepted  # only the accepted new one supersedes
    new = _accept(engine, new, "bob")
    old = get_decision(engine, old.id)
    assert (old.status, old.record.front.superseded_by, old.superseded_by_id) == (MDRStatus.superseded, "MDR-0002", new.id)
    assert new.record.front.supersedes == "MDR-0001"
    assert decision_history(engine, old.id)[-1].summary == "superseded by MDR-0002"
    with pytest.raises(DecisionError, match="only an accepted record can be superseded"):
        draft_from_workspace(engine, "Contracts", "bob", supersedes_id=old.id)


def test_superseding_draft_carries_edits_forward_and_says_what_changed(engine, profile):
    from workbench.store.workspace import candidate_by_name, save_candidate

    old = draft_from_workspace(engine, "Contracts", "ada")
    old = save_decision(engine, old.id, set_field(old.record, "rollout.canary_traffic_pct", 2.0), old.version, "ada")
    old = _accept(engine, old)
    winner = old.record.body.selection.selected_model
    cand = candidate_by_name(engine, winner)
    price = cand.model.pricing.output_per_mtok
    cheaper = cand.model.pricing.model_copy(update={"output_per_mtok": price / 2})
    save_candidate(engine, cand.id, cand.model.model_copy(update={"pricing": cheaper}), cand.version, "ada")
    new = draft_from_workspace(engine, "Contracts", "bob", supersedes_id=old.id)
    body = new.record.body
    assert body.rollout.canary_traffic_pct == 2.0  # a person's edit, carried forward
    assert new.record.front.decision_makers == ("Ana Lima",)
    assert body.changes_since_superseded[0] == ("Carried forward from MDR-0001 (set by a person there): "
                                                "rollout.canary_traffic_pct, decision-makers.")
    assert f"Prices of {winner} (per 1M tokens): output ${price:,.2f} → ${price / 2:,.2f}." in body.changes_since_superseded
    md = render_markdown(new.record)
    assert "### Changes since MDR-0001\n" in md and f"output ${price:,.2f} → ${price / 2:,.2f}" in md


def test_explicit_supersede_requires_two_accepted_records(engine, profile):
    a = _accept(engine, draft_from_workspace(engine, "Contracts", "ada"))
    b = draft_from_workspace(engine, "Contracts", "ada")
    with pytest.raises(DecisionError, match="accept it before"):
        supersede_decision(engine, a.id, b.id, "ada")
    b = _accept(engine, b)
    old, new = supersede_decision(engine, a.id, b.id, "ada")
    assert old.status == MDRStatus.superseded and old.superseded_by_id == new.id and new.supersedes_id == old.id


def test_profile_with_records_cannot_be_deleted(engine, profile):
    draft_from_workspace(engine, "Contracts", "ada")
    record = profile_by_name(engine, "Contracts")
    with pytest.raises(StoreError, match="decision records"):
        delete_profile(engine, record.id, record.version, "ada")
    assert list_decisions(engine, record.id)


def test_draft_without_any_feasible_candidate_says_what_to_do(engine, profile):
    from workbench.domain.models import HardConstraints
    from workbench.store.workspace import save_profile

    p = profile_by_name(engine, "Contracts")
    model = p.model.model_copy(update={"constraints": HardConstraints(min_context_tokens=90_000_000)})
    save_profile(engine, p.id, model, p.version, "ada")
    with pytest.raises(DraftError, match="Nothing to decide yet"):
        draft_from_workspace(engine, "Contracts", "ada")
    assert list_decisions(engine) == []


# signing, keys and bundles of stored records: tests/signing/test_workspace_signing.py


def test_open_weight_winner_with_architecture_gets_vllm_flags(engine, profile, fixtures_dir):
    from workbench.domain.models import HardConstraints
    from workbench.store.workspace import candidate_by_name, save_candidate, save_profile

    p = profile_by_name(engine, "Contracts")
    save_profile(engine, p.id, p.model.model_copy(update={"constraints": HardConstraints(open_weights_only=True)}),
                 p.version, "ada")
    winner = gather(engine, "Contracts").selected
    cand = candidate_by_name(engine, winner)
    if cand.model.architecture is None:
        config = json.loads((fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json").read_text())
        save_candidate(engine, cand.id, cand.model.model_copy(update={"architecture": config}), cand.version, "ada")
    inputs = gather(engine, "Contracts")
    assert inputs.selected == winner and inputs.gpu.missing is None
    flags = inputs.gpu.flags
    assert flags["--max-model-len"] == "32000" and int(flags["--tensor-parallel-size"]) >= 1
    assert flags["--max-num-seqs"] and flags["--gpu-memory-utilization"] == "0.90"
    rec = draft_from_workspace(engine, "Contracts", "ada")
    params = {f.flag: f.value for f in rec.record.body.selection.core_parameters}
    assert params == flags
    assert "Self-hosted instance:" in rec.record.body.selection.deployment_topology
    assert "H100" in rec.record.body.selection.deployment_topology
    assert rec.snapshot["gpu_fit"]["fit"]["fits"] is True


def test_open_weight_winner_without_architecture_says_what_is_missing(engine, profile):
    from workbench.services.record_inputs import gpu_fit_for
    from workbench.store.workspace import candidate_by_name

    outcome = gpu_fit_for(candidate_by_name(engine, "Qwen 3.5 72B").model, profile.model)
    assert outcome.flags == {} and "no imported architecture" in outcome.missing and "hf-config" in outcome.missing
    api = gpu_fit_for(candidate_by_name(engine, "GPT-5.4").model, profile.model)
    assert "not an open-weight model" in api.missing


def test_evidence_lines_carry_wilson_intervals_and_the_linter_flags_long_context(engine, profile):
    from tests.store.golden_set import CANDIDATES, golden_set_csv
    from workbench.domain.evidence import summarize_rates, wilson_interval
    from workbench.io.evidence import import_evidence
    from workbench.services.record_inputs import evidence_summary, linter_findings
    from workbench.store.evidence import evidence_for_profile, import_runs

    result = import_evidence(golden_set_csv(), name="golden.csv")
    import_runs(engine, profile.id, result, CANDIDATES, "ada")
    runs = evidence_for_profile(engine, profile.id)
    lines, metrics, refs = evidence_summary(runs, ["Qwen 3.5 72B", "DeepSeek V4"], "Qwen 3.5 72B")
    assert len(lines) == 3 and all("(Wilson)" in ln and "n=200" in ln and "golden.csv" in ln for ln in lines)
    assert lines[0].startswith("Qwen 3.5 72B") and lines[1].startswith("DeepSeek V4")
    qwen = runs["Qwen 3.5 72B"][0]
    k, n = qwen.binary_counts()
    lo, hi = wilson_interval(k, n)
    assert f"{k / n * 100:.1f}% (95% CI {float(lo) * 100:.1f}–{float(hi) * 100:.1f}%, n=200)" in metrics["golden_set_accuracy"]
    assert summarize_rates([qwen])[0].lower == pytest.approx(float(lo))
    assert "p95 of 200 measured item latencies" in metrics["target_latency_p95"] and refs == []
    # long contracts: a 128K context need without needle-in-a-haystack evidence is flagged
    long = profile.model.model_copy(update={"context_length_tokens": 128_000})
    findings = linter_findings(long, "Qwen 3.5 72B", runs)
    assert "unverified-long-context" in [f.rule_id for f in findings]


def test_restore_is_bit_identical_with_evidence_draws_and_a_gpu_fit_constraint(engine, profile):
    from tests.store.golden_set import CANDIDATES, golden_set_csv
    from workbench.domain.models import GpuFitConstraint, HardConstraints, UnknownPolicy
    from workbench.io.evidence import import_evidence
    from workbench.store.evidence import import_runs
    from workbench.store.workspace import save_profile

    import_runs(engine, profile.id, import_evidence(golden_set_csv(), name="golden.csv"), CANDIDATES, "ada")
    p = profile_by_name(engine, "Contracts")
    gpu = GpuFitConstraint(gpu="H100 80GB SXM", max_gpus=8, context_tokens=32_768, concurrency=16)
    save_profile(engine, p.id, p.model.model_copy(update={"constraints": HardConstraints(gpu_fit=gpu),
                                                           "unknown_policy": UnknownPolicy(mode="range")}),
                 p.version, "ada")
    rec = draft_from_workspace(engine, "Contracts", "ada")
    smaa_cfg = rec.snapshot["method"]["smaa"]
    assert smaa_cfg["capability_evidence"] and smaa_cfg["value_draws"] > 0
    assert rec.snapshot["method"]["gpu_catalog"]["gpus"]
    assert any("gpu_fit" in e["constraints"] for e in rec.snapshot["results"]["ranking"]["excluded"])
    assert rec.record.body.selection.core_parameters  # the open-weight winner gets flags at the constraint's load
    result = rerank_snapshot(parse_canonical(canonical_json(get_decision(engine, rec.id).snapshot)))
    assert result.matches, result.differences
    # without the evidence the SMAA draws differ: the evidence is part of what reproduces the result
    stripped = json.loads(json.dumps(rec.snapshot))
    stripped["method"]["smaa"]["capability_evidence"] = []
    assert rerank_snapshot(stripped).smaa_matches is False

