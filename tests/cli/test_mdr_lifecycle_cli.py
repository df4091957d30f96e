"""`workbench mdr edit|propose|accept|reject|supersede` through a real child process (as a CI pipeline calls it),
with the app's rules; and the integrity check of an accepted record whose stored text was changed behind the
workbench's back (reported by show/list, refused by export)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session

from workbench.store import open_store
from workbench.store.tables import DecisionRow
from workbench.store.workspace import create_profile, new_profile_model


@pytest.fixture
def workspace(cli_db, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_KEY_DIR", str(tmp_path / "keys"))
    engine = open_store(cli_db)
    create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
    engine.dispose()
    return tmp_path


def _json(run_subprocess, *argv: str) -> dict:
    code, out, err = run_subprocess(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_edit_propose_accept_then_the_text_is_immutable(workspace, run_subprocess, tmp_path: Path):
    _json(run_subprocess, "mdr", "draft", "--profile", "Contracts")
    doc = _json(run_subprocess, "mdr", "edit", "MDR-0001", "--set", "rollout.canary_traffic_pct=3",
                "--set", "decision-makers=Ana Lima, Bo Chen", "--set", "title=Pick the extraction model")
    assert doc["mdr"]["body"]["rollout"]["canary_traffic_pct"] == 3
    assert doc["mdr"]["front"]["decision_makers"] == ["Ana Lima", "Bo Chen"]
    assert "# 1. Pick the extraction model\n" in doc["markdown"]
    version = doc["record"]["version"]
    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps({"informed": ["Finance"], "body": {"rollout": {"reconsideration_conditions": [
        "Vendor changes its data-retention terms."]}}}))
    doc = _json(run_subprocess, "mdr", "edit", "1", "--from", str(edits), "--expect-version", str(version))
    assert doc["mdr"]["front"]["informed"] == ["Finance"]
    assert "* Reconsideration Conditions: Vendor changes its data-retention terms." in doc["markdown"]
    # someone saved since version `version`: refused, naming who
    code, _, err = run_subprocess("mdr", "edit", "1", "--set", "rollout.canary_traffic_pct=4",
                                  "--expect-version", str(version))
    assert code == 2 and "was changed by ci-bot" in err and "Traceback" not in err
    assert _json(run_subprocess, "mdr", "propose", "1")["record"]["status"] == "proposed"
    doc = _json(run_subprocess, "mdr", "accept", "1", "--decision-maker", "Cy Diaz")
    assert doc["record"]["status"] == "accepted"
    assert doc["mdr"]["front"]["decision_makers"] == ["Ana Lima", "Bo Chen", "Cy Diaz"]
    assert "status: accepted\n" in doc["markdown"] and "workbench-status: accepted\n" in doc["markdown"]
    code, _, err = run_subprocess("mdr", "edit", "1", "--set", "rollout.canary_traffic_pct=50")
    assert code == 2 and "immutable" in err
    code, _, err = run_subprocess("mdr", "reject", "1", "--reason", "late")
    assert code == 2 and "cannot go from accepted to rejected" in err


def test_bad_edits_and_reject_without_reason_exit_2(workspace, run_subprocess, tmp_path: Path):
    _json(run_subprocess, "mdr", "draft", "--profile", "Contracts")
    code, _, err = run_subprocess("mdr", "edit", "1", "--set", "rollout.canary_traffic_pct=150")
    assert code == 2 and "rollout.canary_traffic_pct" in err
    code, _, err = run_subprocess("mdr", "edit", "1", "--set", "rollout.nope=1")
    assert code == 2 and "no field 'rollout.nope'" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "a", "title": "b"}')
    code, _, err = run_subprocess("mdr", "edit", "1", "--from", str(bad))
    assert code == 2 and "bad.json" in err and "Traceback" not in err
    code, _, err = run_subprocess("mdr", "reject", "1")
    assert code == 2 and "--reason" in err
    code, _, err = run_subprocess("mdr", "accept", "1")
    assert code == 2 and "cannot go from draft to accepted" in err


def test_reject_keeps_the_reason_and_supersede_links_two_accepted_records(workspace, run_subprocess):
    for _ in range(3):
        _json(run_subprocess, "mdr", "draft", "--profile", "Contracts")
    _json(run_subprocess, "mdr", "propose", "2")
    doc = _json(run_subprocess, "mdr", "reject", "2", "--reason", "Cost per success above the ceiling")
    assert doc["record"]["status"] == "rejected"
    assert 'rejection-reason: "Cost per success above the ceiling"' in doc["markdown"]
    for ref in ("1", "3"):
        _json(run_subprocess, "mdr", "propose", ref)
        _json(run_subprocess, "mdr", "accept", ref, "--decision-maker", "Ana Lima")
    code, _, err = run_subprocess("mdr", "supersede", "1", "--by", "2")
    assert code == 2 and "accept it before it supersedes" in err
    doc = _json(run_subprocess, "mdr", "supersede", "MDR-0001", "--by", "MDR-0003")
    assert (doc["old"]["status"], doc["old"]["superseded_by"]) == ("superseded", "MDR-0003")
    assert doc["new"]["supersedes"] == "MDR-0001"
    shown = _json(run_subprocess, "mdr", "show", "1")
    assert "status: superseded by MDR-0003\n" in shown["markdown"]


def test_a_tampered_accepted_record_is_reported_by_show_and_list_and_not_exported(workspace, run_subprocess,
                                                                                   cli_db, tmp_path: Path):
    _json(run_subprocess, "mdr", "draft", "--profile", "Contracts")
    _json(run_subprocess, "mdr", "propose", "1")
    _json(run_subprocess, "mdr", "accept", "1", "--decision-maker", "Ana Lima")
    assert _json(run_subprocess, "mdr", "list")["records"][0]["integrity"] == "ok"
    engine = open_store(cli_db)  # change the stored body behind the workbench's back
    with Session(engine) as session:
        row = session.get(DecisionRow, 1)
        assert row is not None
        body = json.loads(json.dumps(row.body))
        body["body"]["selection"]["selected_model"] = "some-other-model"
        row.body = body
        session.add(row)
        session.commit()
    engine.dispose()
    listed = _json(run_subprocess, "mdr", "list")["records"][0]
    assert listed["integrity"] == "tampered"
    assert "body changed after acceptance" in listed["integrity_problem"]
    code, out, err = run_subprocess("mdr", "list")
    assert code == 0 and "TAMPERED" in out and "MDR-0001: body changed after acceptance" in err
    code, _, err = run_subprocess("mdr", "show", "1")
    assert code == 0 and "warning: MDR-0001: body changed after acceptance (sha256" in err
    code, _, err = run_subprocess("mdr", "export", "1", "--out", str(tmp_path / "out"))
    assert code == 2 and "body changed after acceptance" in err
    assert not (tmp_path / "out" / "MDR-0001").exists()


def test_draft_supersedes_carries_edits_and_show_prints_the_adr_tools_flavour(workspace, run_subprocess):
    _json(run_subprocess, "mdr", "draft", "--profile", "Contracts")
    _json(run_subprocess, "mdr", "edit", "1", "--set", "rollout.canary_traffic_pct=2")
    _json(run_subprocess, "mdr", "propose", "1")
    _json(run_subprocess, "mdr", "accept", "1", "--decision-maker", "Ana Lima")
    doc = _json(run_subprocess, "mdr", "draft", "--profile", "Contracts", "--supersedes", "MDR-0001")
    assert doc["mdr"]["front"]["supersedes"] == "MDR-0001"
    assert doc["mdr"]["body"]["rollout"]["canary_traffic_pct"] == 2
    assert doc["mdr"]["front"]["decision_makers"] == ["Ana Lima"]
    assert "### Changes since MDR-0001\n" in doc["markdown"]
    code, out, _ = run_subprocess("mdr", "show", "2", "--format", "adr-tools")
    lines = out.split("\n")
    assert code == 0 and lines[0].startswith("# 2. ") and "## Status\n\nProposed\n" in out


def test_accept_needs_the_records_approval_quorum(workspace, run_subprocess):
    _json(run_subprocess, "mdr", "draft", "--profile", "Contracts")
    code, _, err = run_subprocess("mdr", "quorum", "1", "--rule", "security: sec@example.com")
    assert code == 0, err
    _json(run_subprocess, "mdr", "propose", "1")
    code, _, err = run_subprocess("mdr", "accept", "1", "--decision-maker", "Ana Lima")
    assert code == 2 and "approvals missing" in err and "security" in err
    shown = _json(run_subprocess, "mdr", "show", "1")
    assert shown["record"]["status"] == "proposed" and shown["mdr"]["front"]["decision_makers"] == []  # nothing written
