"""`workbench rank`: JSON shape, scenarios, SMAA reproducibility, bad input."""

from __future__ import annotations

from workbench.cli._store import engine
from workbench.domain.scenario import scenario_from
from workbench.store.workspace import create_profile, create_scenario, new_profile_model


def _profile():
    return create_profile(engine(), new_profile_model("Contracts", "high_precision_extraction"), "ada")


def test_rank_json_has_ranking_exclusions_pareto_and_smaa(cli_db, run_cli):
    profile = _profile()
    residency = profile.model.constraints.model_copy(update={"data_residency": ["eu"]})
    create_scenario(engine(), profile.id, scenario_from(profile.model, "EU only").model_copy(
        update={"constraints": residency}), "ada")
    doc = run_cli.json("rank", "--profile", "Contracts", "--scenario", "EU only", "--smaa", "500", "--seed", "7")
    assert doc["profile"] == "Contracts" and doc["scenario"] == "EU only" and doc["method"] == "wsm"
    ranking = doc["ranking"]
    assert ranking["normalisation"] == "min-max"
    names = [r["name"] for r in ranking["rows"]]
    excluded = {e["name"]: e["reasons"] for e in ranking["excluded"]}
    assert "Claude Opus 4.7" in excluded and "Claude Opus 4.7" not in names
    assert any("residency" in reason for reason in excluded["Claude Opus 4.7"])
    assert set(ranking["pareto"]) <= set(names)
    matrix = [c["rank_acceptability"] for c in doc["smaa"]["candidates"]]
    assert all(abs(sum(row) - 1) < 1e-9 for row in matrix)
    again = run_cli.json("rank", "--profile", "Contracts", "--scenario", "EU only", "--smaa", "500", "--seed", "7")
    assert again == doc  # same seed, same inputs -> identical output


def test_topsis_and_plain_text(cli_db, run_cli):
    _profile()
    assert run_cli.json("rank", "--profile", "Contracts", "--method", "topsis")["ranking"]["method"] == "topsis"
    code, out, _ = run_cli("rank", "--profile", "Contracts")
    assert code == 0 and "1. " in out


def test_unknown_profile_is_a_clear_error(cli_db, run_cli):
    code, _, err = run_cli("rank", "--profile", "Nope")
    assert code == 2 and "no profile named 'Nope'" in err


def test_gpu_fit_constraint_excludes_with_the_numbers(cli_db, run_cli):
    from workbench.domain.models import GpuFitConstraint

    profile = _profile()
    fit = GpuFitConstraint(gpu="H100 SXM", max_gpus=2, context_tokens=32_768, concurrency=16)
    constraints = profile.model.constraints.model_copy(update={"gpu_fit": fit, "open_weights_only": True})
    create_scenario(engine(), profile.id, scenario_from(profile.model, "Self-host").model_copy(
        update={"constraints": constraints}), "ada")
    ranking = run_cli.json("rank", "--profile", "Contracts", "--scenario", "Self-host")["ranking"]
    reasons = {e["name"]: " ".join(e["reasons"]) for e in ranking["excluded"]}
    assert "needs 4 × H100 80GB SXM" in reasons["Mixtral 8x7B Instruct"] and "limit 2" in reasons["Mixtral 8x7B Instruct"]
    assert "architecture unknown" in reasons["Llama 4 Scout"]
    assert any(c["key"] == "gpu_fit" for c in ranking["constraints"])


def test_imported_evidence_replaces_the_prior_in_the_ranking(cli_db, run_cli, tmp_path):
    _profile()
    before = run_cli.json("rank", "--profile", "Contracts")["ranking"]
    gpt_before = next(r for r in before["rows"] if r["name"] == "GPT-5.4")["values"]["schema_adherence"]
    assert gpt_before == 1.0  # E prior
    rows = ["item_id,candidate,passed"] + [f"q{i},GPT-5.4,{1 if i < 120 else 0}" for i in range(200)]
    csv = tmp_path / "schema.csv"
    csv.write_text("\n".join(rows) + "\n")
    run_cli.json("import", "evidence", str(csv), "--format", "csv", "--profile", "Contracts",
                 "--metric-kind", "schema_validity")
    after = run_cli.json("rank", "--profile", "Contracts")["ranking"]
    measured = next(r for r in after["rows"] if r["name"] == "GPT-5.4")["values"]["schema_adherence"]
    assert measured == 0.6  # 120/200 measured, replacing the E prior
    smaa = run_cli.json("rank", "--profile", "Contracts", "--smaa", "400")["smaa"]
    # evidence draws (20) are tiled over the 50 draws of the catalog's unknown values
    assert smaa["value_draws"] == 50 and "evidence intervals" in smaa["sampling"] and smaa["unknowns_sampled"]


def test_measured_item_latency_feeds_the_p95_sla(cli_db, run_cli, tmp_path):
    """Walkthrough: a golden-set CSV with per-item latency makes the p95 SLA checkable."""
    profile = _profile()
    rows = ["item_id,candidate,passed,latency_ms"]
    rows += [f"q{i},GPT-5.4,1,{600 + i}" for i in range(100)]  # p95 = 694.05 ms
    rows += [f"q{i},Gemini 3 Pro,1,{1500 + i}" for i in range(100)]  # p95 = 1594.05 ms
    csv = tmp_path / "golden.csv"
    csv.write_text("\n".join(rows) + "\n")
    run_cli.json("import", "evidence", str(csv), "--format", "csv", "--profile", "Contracts",
                  "--metric-kind", "golden_set_accuracy")
    sla = profile.model.constraints.model_copy(update={"max_p95_latency_ms": 1200.0})
    create_scenario(engine(), profile.id, scenario_from(profile.model, "SLA").model_copy(
        update={"constraints": sla}), "ada")
    ranking = run_cli.json("rank", "--profile", "Contracts", "--scenario", "SLA")["ranking"]
    rows_by_name = {r["name"]: r for r in ranking["rows"]}
    assert rows_by_name["GPT-5.4"]["latency_p95_ms"] == 694.05
    excluded = {e["name"]: " ".join(e["reasons"]) for e in ranking["excluded"]}
    assert "1,594 ms" in excluded["Gemini 3 Pro"] and "1,200 ms" in excluded["Gemini 3 Pro"]


def test_rank_json_carries_ranges_basis_policy_ties_and_tipping_points(cli_db, run_cli):
    """Issue 13's interface: per row completeness, score_range, unknown, cost_basis, rank_depends_on_unknowns;
    at ranking level unknown_policy, tied_with_leader, tipping_points, methods_agree, winners."""
    from workbench.store.workspace import save_profile

    profile = _profile()
    from workbench.domain.models import HardConstraints

    model = profile.model.model_copy(update={"constraints": HardConstraints(),  # no fail-closed rating floor
                                             "unknown_policy": profile.model.unknown_policy.model_copy(
                                                 update={"mode": "range"})})
    save_profile(engine(), profile.id, model, profile.version, "ada")
    doc = run_cli.json("rank", "--profile", "Contracts", "--smaa", "300")
    ranking = doc["ranking"]
    row_keys = {"completeness", "score_range", "unknown", "cost_basis", "rank_depends_on_unknowns"}
    assert all(row_keys <= set(r) for r in ranking["rows"])
    assert {"unknown_policy", "tied_with_leader", "tipping_points", "methods_agree", "winners"} <= set(ranking)
    assert ranking["unknown_policy"] == {"mode": "range", "min_completeness": None, "source": "profile"}
    assert set(ranking["winners"]) == {"wsm", "topsis"}
    assert ranking["methods_agree"] == (ranking["winners"]["wsm"] == ranking["winners"]["topsis"])
    unrated = [r for r in ranking["rows"] if r["completeness"] < 0.5]
    assert unrated and all(r["score_range"][0] < r["score_range"][1] and r["unknown"] for r in unrated)
    assert {r["cost_basis"] for r in ranking["rows"]} <= {"api", "self_hosted", "unknown"}
    assert any(t["kind"] == "weight" for t in ranking["tipping_points"])
    assert doc["smaa"]["unknowns_sampled"] is True and "unknown values" in doc["smaa"]["headline"]


def test_high_risk_profile_excludes_unrated_candidates_by_default(cli_db, run_cli):
    _profile()  # the extraction template is high risk: fail-closed unknown-data policy
    ranking = run_cli.json("rank", "--profile", "Contracts")["ranking"]
    assert ranking["unknown_policy"]["mode"] == "exclude" and ranking["unknown_policy"]["source"] == "risk default"
    reasons = {e["name"]: e["reasons"] for e in ranking["excluded"]}
    assert any(r.startswith("insufficient data: ") for r in reasons["gpt-oss-20b"])
    assert all(r["completeness"] >= 0.75 for r in ranking["rows"])
