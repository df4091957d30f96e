"""`workbench scenarios list|create|export|import|promote`."""

from __future__ import annotations

import json

import pytest
import yaml

from workbench.cli import _store
from workbench.store.workspace import audit_events, profile_by_name


def test_create_and_list_through_a_subprocess(run_subprocess):
    run_subprocess.json("profiles", "create", "--name", "P", "--template", "research_synthesis")
    created = run_subprocess.json("scenarios", "create", "--profile", "P", "--name", "cheap", "--method", "topsis")
    assert created["profile"] == "P" and created["scenario"]["method"] == "topsis"
    listed = run_subprocess.json("scenarios", "list", "--profile", "P")
    assert [s["scenario"]["name"] for s in listed["scenarios"]] == ["cheap"]
    # a scenario starts as an exact copy of the profile's weights
    profile = run_subprocess.json("profiles", "show", "P")["profile"]
    assert listed["scenarios"][0]["scenario"]["weights"] == profile["weights"]
    code, _, err = run_subprocess("scenarios", "list", "--profile", "nope")
    assert code == 2 and "no profile named 'nope'" in err


def test_export_import_and_promote_with_the_lock(cli_db, run_cli, tmp_path):
    run_cli.json("profiles", "create", "--name", "P", "--template", "research_synthesis")
    run_cli.json("scenarios", "create", "--profile", "P", "--name", "base")
    path = tmp_path / "s.yaml"
    assert run_cli.json("scenarios", "export", "base", str(path), "--profile", "P")["bytes"] == path.stat().st_size
    document = yaml.safe_load(path.read_text())
    document["scenario"].update(name="latency first", weights={**document["scenario"]["weights"], "latency": 4.0})
    path.write_text(yaml.safe_dump(document))
    imported = run_cli.json("scenarios", "import", str(path), "--profile", "P")
    assert imported["scenario"]["name"] == "latency first" and imported["scenario"]["weights"]["latency"] == 4.0

    code, _, err = run_cli("scenarios", "import", str(path), "--profile", "P")
    assert code == 2 and "already exists" in err

    code, _, err = run_cli("scenarios", "promote", "latency first", "--profile", "P", "--expect-version", "7")
    assert code == 2 and "version 1" in err
    assert profile_by_name(_store.engine(), "P").model.weights["latency"] != 4.0
    promoted = run_cli.json("scenarios", "promote", "latency first", "--profile", "P", "--expect-version", "1")
    assert promoted["version"] == 2 and promoted["profile"]["weights"]["latency"] == 4.0
    assert "promote" in [e.action for e in audit_events(_store.engine(), entity_type="scenario")]


def test_a_bad_scenario_file_exits_2_naming_the_field(cli_db, run_cli, tmp_path):
    run_cli.json("profiles", "create", "--name", "P")
    bad = tmp_path / "s.json"
    bad.write_text(json.dumps({"kind": "workbench.scenario/v1", "scenario": {"name": "x", "method": "borda"}}))
    code, out, err = run_cli("scenarios", "import", str(bad), "--profile", "P")
    assert code == 2 and out == "" and "s.json: scenario.method" in err
    bad.write_text('{"kind": "workbench.scenario/v1", "scenario": {"name": "x"}, "scenario": {}}')
    code, _, err = run_cli("scenarios", "import", str(bad), "--profile", "P")
    assert code == 2 and "duplicate key 'scenario'" in err
    with pytest.raises(SystemExit) as refused:  # argparse refuses the choice (exit 2, its own message)
        run_cli("scenarios", "create", "--profile", "P", "--name", "x", "--method", "borda")
    assert refused.value.code == 2
    assert run_cli.json("scenarios", "list", "--profile", "P")["scenarios"] == []


def test_export_import_promote_through_a_subprocess(run_cli, run_subprocess, tmp_path):
    run_cli.json("profiles", "create", "--name", "P", "--template", "research_synthesis")
    run_cli.json("scenarios", "create", "--profile", "P", "--name", "base")
    path = tmp_path / "s.json"
    assert run_subprocess.json("scenarios", "export", "base", str(path), "--profile", "P")["scenario"] == "base"
    document = json.loads(path.read_text())
    document["scenario"]["weights"]["cost_per_success"] = 7.0
    path.write_text(json.dumps(document))
    imported = run_subprocess.json("scenarios", "import", str(path), "--profile", "P", "--name", "cost first")
    assert imported["scenario"]["weights"]["cost_per_success"] == 7.0
    promoted = run_subprocess.json("scenarios", "promote", "cost first", "--profile", "P", "--expect-version", "1")
    assert promoted["version"] == 2 and promoted["profile"]["weights"]["cost_per_success"] == 7.0
