"""`workbench profiles create|show|set|export|import|duplicate|delete`: validation, locking, audit, round trip."""

from __future__ import annotations

import json

import pytest

from tests.store.conftest import drop_test_databases, fresh_database_url
from workbench.cli import _store
from workbench.store.workspace import audit_events, list_scenarios, profile_by_name


def _switch_to_new_database(tmp_path, monkeypatch, name: str) -> str:
    url = fresh_database_url(tmp_path, name)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    _store._engine.cache_clear()
    return url


def test_create_show_set_through_a_subprocess(run_subprocess):
    created = run_subprocess.json("profiles", "create", "--name", "Contract extraction",
                                  "--template", "high_precision_extraction")
    assert created["version"] == 1 and created["updated_by"] == "ci-bot"
    assert created["profile"]["template"] and created["profile"]["name"] == "Contract extraction"

    saved = run_subprocess.json("profiles", "set", "Contract extraction", "weights.schema_adherence=4.5",
                                "constraints.max_p95_latency_ms=1200", "description=Clause extraction, EU only",
                                "--expect-version", "1")
    assert saved["version"] == 2 and saved["changed"] == ["constraints", "description", "latency_sla", "weights"]
    assert saved["profile"]["weights"]["schema_adherence"] == 4.5
    assert saved["profile"]["constraints"]["max_p95_latency_ms"] == 1200
    assert saved["profile"]["description"] == "Clause extraction, EU only"

    shown = run_subprocess.json("profiles", "show", "Contract extraction")
    assert shown["version"] == 2 and shown["profile"] == saved["profile"] and shown["scenarios"] == []

    code, out, err = run_subprocess("profiles", "set", "Contract extraction", "weights.latency=2",
                                    "--expect-version", "1")
    assert code == 2 and out == ""
    assert "changed by ci-bot" in err and "version 2" in err and "Traceback" not in err

    code, _, err = run_subprocess("profiles", "set", "Contract extraction", "constraints.max_p95_ms=1200")
    assert code == 2
    assert "constraints.max_p95_ms: no such field (did you mean 'max_p95_latency_ms'?)" in err


@pytest.mark.parametrize(("assignment", "field"), [
    ("weights.schema_adherence=-1", "weights"),
    ("weights.not_a_criterion=1", "weights"),
    ("risk_level=extreme", "risk_level"),
    ("context_length_tokens=lots", "context_length_tokens"),
    ("workload.cached_share=1.5", "workload.cached_share"),
    ("name.first=x", "name is a str"),
    ("=3", "expected key=value"),
    ("weights", "expected key=value"),
])
def test_a_bad_assignment_exits_2_naming_the_field_and_writes_nothing(cli_db, run_cli, assignment, field):
    run_cli.json("profiles", "create", "--name", "P")
    code, out, err = run_cli("profiles", "set", "P", assignment)
    assert code == 2 and out == "" and field in err, err
    assert profile_by_name(_store.engine(), "P").version == 1


def test_unknown_template_and_duplicate_name_exit_2(cli_db, run_cli):
    code, _, err = run_cli("profiles", "create", "--name", "P", "--template", "nope")
    assert code == 2 and "--template: unknown template 'nope'" in err and "research_synthesis" in err
    run_cli.json("profiles", "create", "--name", "P")
    code, _, err = run_cli("profiles", "create", "--name", "P")
    assert code == 2 and "already exists" in err
    code, _, err = run_cli("profiles", "create", "--name", "")
    assert code == 2 and "name" in err


@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_export_import_into_a_fresh_workspace_export_is_byte_identical(cli_db, run_cli, tmp_path, monkeypatch,
                                                                       suffix):
    run_cli.json("profiles", "create", "--name", "Research — “quoted” é", "--template", "research_synthesis")
    run_cli.json("profiles", "set", "Research — “quoted” é", "weights.cost_per_success=0.3333333333333333",
                 "workload.cached_share=0.1", "constraints.data_residency=[\"eu\"]")
    run_cli.json("scenarios", "create", "--profile", "Research — “quoted” é", "--name", "cheap", "--method", "topsis")
    first = tmp_path / f"profile.{suffix}"
    summary = run_cli.json("profiles", "export", "Research — “quoted” é", str(first))
    assert summary["format"] == suffix and summary["scenarios"] == 1 and summary["bytes"] == first.stat().st_size

    second_url = _switch_to_new_database(tmp_path, monkeypatch, f"fresh-{suffix}")
    try:
        imported = run_cli.json("profiles", "import", str(first))
        assert imported["scenarios"] == ["cheap"] and imported["version"] == 1
        again = tmp_path / f"again.{suffix}"
        run_cli("profiles", "export", "Research — “quoted” é", str(again))
        assert again.read_bytes() == first.read_bytes()
        events = audit_events(_store.engine(), entity_type="profile")
        assert [e.action for e in events] == ["import"] and events[0].actor == "ci-bot"
    finally:
        _store._engine.cache_clear()
        drop_test_databases(second_url)


def test_import_validates_the_whole_file_first_and_writes_nothing_on_error(cli_db, run_cli, tmp_path):
    run_cli.json("profiles", "create", "--name", "P", "--template", "research_synthesis")
    good = tmp_path / "p.json"
    run_cli("profiles", "export", "P", str(good))
    document = json.loads(good.read_text())
    document["profile"]["name"] = "Q"
    document["scenarios"] = [{"name": "ok"}, {"name": "bad", "smaa_spread": 9}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    code, _, err = run_cli("profiles", "import", str(bad))
    assert code == 2 and "bad.json: scenarios[1].smaa_spread" in err
    code, _, err = run_cli("profiles", "show", "Q")
    assert code == 2 and "no profile named 'Q'" in err

    document["scenarios"] = [{"name": "same"}, {"name": "same"}]
    bad.write_text(json.dumps(document))
    code, _, err = run_cli("profiles", "import", str(bad))
    assert code == 2 and "'same' appears twice" in err

    code, _, err = run_cli("profiles", "import", str(good))
    assert code == 2 and "already exists" in err
    renamed = run_cli.json("profiles", "import", str(good), "--name", "P (imported)")
    assert renamed["profile"]["name"] == "P (imported)"


@pytest.mark.parametrize(("text", "message"), [
    ("kind: workbench.profile/v1\nkind: again\n", "line 2: duplicate key 'kind'"),
    ("kind: workbench.profile/v1\nprofile: &p {name: x}\nscenarios: [*p]\n", "aliases"),
    ("kind: workbench.profile/v1\nprofile: {name: x, context_length_tokens: .inf}\n", "non-finite"),
    ("kind: workbench.profile/v1\nprofile: [\n", "not valid YAML"),
    ("kind: workbench.profile/v1\nprofile: {name: x, colour: red}\n", "profile.colour: no such field"),
    ("kind: other/v1\nprofile: {name: x}\n", "kind: expected 'workbench.profile/v1'"),
])
def test_hostile_yaml_is_refused_with_file_and_line(cli_db, run_cli, tmp_path, text, message):
    path = tmp_path / "p.yaml"
    path.write_text(text)
    code, out, err = run_cli("profiles", "import", str(path))
    assert code == 2 and out == "" and "p.yaml" in err and message in err, err


def test_duplicate_and_delete_with_the_lock(cli_db, run_cli):
    run_cli.json("profiles", "create", "--name", "P", "--template", "research_synthesis")
    run_cli.json("scenarios", "create", "--profile", "P", "--name", "s")
    copy = run_cli.json("profiles", "duplicate", "P", "--as", "P copy")
    assert copy["profile"]["template"] == "Research Synthesis" and copy["source"] == "P"
    code, _, err = run_cli("profiles", "duplicate", "P", "--as", "P copy")
    assert code == 2 and "already exists" in err

    run_cli.json("profiles", "set", "P copy", "weights.latency=0")
    code, _, err = run_cli("profiles", "delete", "P copy", "--expect-version", "1")
    assert code == 2 and "changed by ci-bot" in err
    deleted = run_cli.json("profiles", "delete", "P copy", "--expect-version", "2")
    assert deleted == {"deleted": "P copy", "id": copy["id"], "version": 2}
    actions = [e.action for e in audit_events(_store.engine(), entity_type="profile")]
    assert actions[:3] == ["delete", "update", "duplicate"]
    assert len(list_scenarios(_store.engine(), profile_by_name(_store.engine(), "P").id)) == 1


def test_show_without_json_prints_the_export_document_and_list_mentions_create(cli_db, run_cli):
    code, out, _ = run_cli("profiles", "list")
    assert code == 0 and "workbench profiles create" in out
    run_cli.json("profiles", "create", "--name", "P")
    code, out, _ = run_cli("profiles", "show", "P")
    assert code == 0 and out.startswith("kind: workbench.profile/v1\nprofile:\n  name: P\n")
    code, out, _ = run_cli("profiles", "export", "P", "-", "--format", "json")
    assert code == 0 and json.loads(out)["profile"]["name"] == "P"


def test_export_import_duplicate_delete_through_a_subprocess(run_cli, run_subprocess, tmp_path):
    run_cli.json("profiles", "create", "--name", "P", "--template", "research_synthesis")
    code, text, err = run_subprocess("profiles", "export", "P", "-", "--format", "yaml")
    assert code == 0 and text.startswith("kind: workbench.profile/v1\n"), err
    path = tmp_path / "p.yaml"
    path.write_text(text)
    imported = run_subprocess.json("profiles", "import", str(path), "--name", "Q")
    assert imported["profile"]["name"] == "Q" and imported["profile"]["template"] == "Research Synthesis"
    copy = run_subprocess.json("profiles", "duplicate", "Q", "--as", "R")
    assert copy["source"] == "Q" and copy["version"] == 1
    assert run_subprocess.json("profiles", "delete", "R", "--expect-version", "1")["deleted"] == "R"
    code, _, err = run_subprocess("profiles", "delete", "Q", "--expect-version", "5")
    assert code == 2 and "changed by" in err and "Traceback" not in err


def test_an_oversized_file_is_refused_before_parsing(cli_db, run_cli, tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b'{"kind": "workbench.profile/v1", "profile": {"name": "x", "description": "'
                    + b"a" * (4 * 1024 * 1024) + b'"}}')
    code, _, err = run_cli("profiles", "import", str(big))
    assert code == 2 and "big.json" in err and "byte limit" in err
