"""`workbench recheck`: accepted records against the current workspace (exit 1 when a trigger fired).

Cases: fires when a price file halves a rejected alternative's price; fires when a newly
imported candidate dominates the chosen one; stays quiet otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import _store
from workbench.domain.mdr import set_field, with_people
from workbench.services.records import draft_from_workspace
from workbench.store.decisions import DecisionRecord, save_decision, transition_decision
from workbench.store.workspace import candidate_by_name, create_profile, new_profile_model

PRICES = Path(__file__).resolve().parents[1] / "fixtures" / "pricing" / "litellm_model_prices.json"
PROFILE = "Contract extraction"


def _accept(rec: DecisionRecord) -> DecisionRecord:
    engine = _store.engine()
    rec = save_decision(engine, rec.id, with_people(rec.record, decision_makers=["Ana Lima"]), rec.version, "ci-bot")
    rec = transition_decision(engine, rec.id, "proposed", rec.version, "ci-bot")
    return transition_decision(engine, rec.id, "accepted", rec.version, "ci-bot")


@pytest.fixture
def accepted(cli_db) -> DecisionRecord:
    engine = _store.engine()
    create_profile(engine, new_profile_model(PROFILE, "high_precision_extraction"), "ci-bot")
    return _accept(draft_from_workspace(engine, PROFILE, "ci-bot"))


def _recheck(run_cli, *extra: str) -> tuple[int, dict]:
    code, out, err = run_cli("recheck", "--json", *extra)
    assert code in (0, 1), err
    return code, json.loads(out)


def _fired(report: dict) -> list[dict]:
    return [o for r in report["records"] for o in r["outcomes"] if o["status"] == "fired"]


def _rejected_with_litellm_key(rec: DecisionRecord) -> tuple[str, str]:
    chosen = rec.record.body.selection.selected_model
    for alt in rec.record.body.alternatives.alternatives:
        candidate = candidate_by_name(_store.engine(), alt.name).model
        if alt.name != chosen and candidate.pricing and candidate.pricing.litellm_key:
            return alt.name, candidate.pricing.litellm_key
    raise AssertionError("no rejected alternative with a LiteLLM key in the shipped catalog")


def test_a_fresh_accepted_record_is_quiet(accepted, run_cli):
    triggers = accepted.record.body.rollout.reconsideration_triggers
    assert {t.kind for t in triggers} >= {"price_change", "dominated", "outranked", "smaa_share"}
    code, report = _recheck(run_cli)
    assert code == 0 and report["fired"] == 0 and report["records_checked"] == 1
    record = report["records"][0]
    assert record["record"] == accepted.mdr_id and record["triggers_source"] == "record"
    assert record["chosen"] == accepted.record.body.selection.selected_model
    assert len(record["outcomes"]) == len(triggers)


def test_fires_when_a_price_file_halves_a_rejected_alternatives_price(accepted, run_cli, tmp_path):
    name, key = _rejected_with_litellm_key(accepted)
    entry = json.loads(PRICES.read_text())[key]
    halved = {k: (v / 2 if k.endswith("_cost_per_token") and isinstance(v, float) else v) for k, v in entry.items()}
    price_file = tmp_path / "model_prices_and_context_window.json"
    price_file.write_text(json.dumps({key: halved}))
    code, _, err = run_cli("import", "litellm", str(price_file), "--model", key, "--update-prices")
    assert code == 0, err

    code, report = _recheck(run_cli)
    assert code == 1
    fired = [o for o in _fired(report) if o["kind"] == "price_change"]
    assert [o["model"] for o in fired] == [name]
    now_input = fired[0]["now"]["input_per_mtok"]
    assert now_input == pytest.approx(entry["input_cost_per_token"] / 2 * 1e6)
    assert fired[0]["then"]["input_per_mtok"] == pytest.approx(2 * now_input) or \
        fired[0]["now"]["input_per_mtok_change_pct"] <= -20
    assert name in fired[0]["summary"] and "per 1M" in fired[0]["summary"]
    # the price history dates the new price and names the file it came from
    assert fired[0]["now"]["price_source"].endswith(price_file.name)
    assert fired[0]["now"]["price_effective"] == report["today"]


def test_deprecation_within_90_days_of_today_fires(accepted, run_cli):
    chosen = accepted.record.body.selection.selected_model
    run_cli.json("candidates", "set", chosen, "deprecation_date=2027-02-01", "--source", "vendor notice")
    code, report = _recheck(run_cli, "--today", "2026-12-06")
    fired = _fired(report)
    assert code == 1 and [(o["kind"], o["model"]) for o in fired] == [("deprecation", chosen)]
    assert fired[0]["now"] == {"deprecation_date": "2027-02-01", "days_left": 57}
    code, report = _recheck(run_cli, "--today", "2026-09-01")
    assert code == 0 and _fired(report) == []


def _candidate_file(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "candidates.json"
    path.write_text(json.dumps({"kind": "workbench.candidates/v1", "candidates": rows}))
    return path


def _copy_of_chosen(rec: DecisionRecord, name: str, price_factor: float) -> dict:
    chosen = candidate_by_name(_store.engine(), rec.record.body.selection.selected_model).model
    assert chosen.pricing is not None
    row = chosen.model_dump(mode="json")
    row.update(name=name, provenance={}, pricing={**row["pricing"], "litellm_key": None,
               "input_per_mtok": chosen.pricing.input_per_mtok * price_factor,
               "output_per_mtok": chosen.pricing.output_per_mtok * price_factor})
    return row


def test_fires_when_a_newly_imported_candidate_dominates_the_chosen_one(accepted, run_cli, tmp_path):
    path = _candidate_file(tmp_path, [_copy_of_chosen(accepted, "Chosen, at half the price", 0.5)])
    assert run_cli.json("candidates", "import", str(path))["created"] == ["Chosen, at half the price"]
    code, report = _recheck(run_cli)
    assert code == 1
    dominated = [o for o in _fired(report) if o["kind"] == "dominated"]
    assert len(dominated) == 1 and dominated[0]["now"]["dominated_by"] == ["Chosen, at half the price"]
    assert "dominate" in dominated[0]["summary"]
    # the twin also takes first place and (being better everywhere cost matters) the SMAA first-rank share
    fired = {o["kind"]: o for o in _fired(report)}
    assert fired["outranked"]["now"]["first"] == "Chosen, at half the price"
    assert fired["smaa_share"]["now"]["first_rank_share"] < fired["smaa_share"]["then"]["first_rank_share"]


def test_stays_quiet_for_a_dominated_newcomer_and_a_small_price_move(accepted, run_cli, tmp_path):
    worse = _copy_of_chosen(accepted, "Chosen, at twice the price", 2.0)
    worse["capabilities"] = {v: {"rating": "D", "measured": None} for v in worse["capabilities"]}
    run_cli.json("candidates", "import", str(_candidate_file(tmp_path, [worse])))
    name, _ = _rejected_with_litellm_key(accepted)
    price = candidate_by_name(_store.engine(), name).model.pricing
    assert price is not None
    run_cli.json("candidates", "set", name, f"pricing.input_per_mtok={price.input_per_mtok * 0.9}")
    code, report = _recheck(run_cli)
    assert code == 0 and _fired(report) == []


def test_a_record_without_triggers_is_checked_with_the_drafted_defaults(cli_db, run_cli, tmp_path):
    engine = _store.engine()
    create_profile(engine, new_profile_model(PROFILE, "high_precision_extraction"), "ci-bot")
    draft = draft_from_workspace(engine, PROFILE, "ci-bot")
    bare = set_field(draft.record, "rollout.reconsideration_triggers", [])
    rec = _accept(save_decision(engine, draft.id, bare, draft.version, "ci-bot"))
    assert rec.record.body.rollout.reconsideration_triggers == ()
    path = _candidate_file(tmp_path, [_copy_of_chosen(rec, "Cheaper twin", 0.5)])
    run_cli.json("candidates", "import", str(path))
    code, report = _recheck(run_cli)
    assert code == 1 and report["records"][0]["triggers_source"] == "default"
    assert "dominated" in {o["kind"] for o in _fired(report)}


def test_exit_codes_through_a_subprocess(accepted, run_subprocess, tmp_path):
    code, out, err = run_subprocess("recheck")
    assert code == 0 and "0 trigger(s) fired in 1 accepted record(s)" in out, err
    path = _candidate_file(tmp_path, [_copy_of_chosen(accepted, "Cheaper twin", 0.5)])
    assert run_subprocess("candidates", "import", str(path))[0] == 0
    code, out, _ = run_subprocess("recheck", "--profile", PROFILE)
    assert code == 1 and "FIRED dominated" in out and accepted.mdr_id in out
    code, _, err = run_subprocess("recheck", "--profile", "nope")
    assert code == 2 and "no profile named 'nope'" in err
    code, _, err = run_subprocess("recheck", "--today", "tomorrow")
    assert code == 2 and "--today" in err


def test_fires_when_new_evidence_excludes_the_recorded_figure(accepted, run_cli):
    chosen = accepted.record.body.selection.selected_model
    log = Path(__file__).resolve().parents[1] / "fixtures" / "evidence" / "inspect_ai_log_v2_mockllm.json"
    run_cli.json("import", "evidence", str(log), "--profile", PROFILE, "--candidate", chosen)  # 1 of 3 passed
    code, report = _recheck(run_cli)
    drift = [o for o in _fired(report) if o["kind"] == "evidence_drift"]
    assert code == 1 and len(drift) == 1 and drift[0]["model"] == chosen
    (vector, figures), = drift[0]["now"].items()
    assert figures["n"] == 3 and figures["value"] == pytest.approx(1 / 3)
    assert not figures["lower"] <= figures["recorded"] <= figures["upper"]  # Wilson 95 % interval excludes it
    assert drift[0]["then"][vector] == figures["recorded"]
