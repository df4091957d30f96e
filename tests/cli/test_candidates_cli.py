"""`workbench candidates show|add|set|export|import|delete`: the form's validation and provenance, headless."""

from __future__ import annotations

import json
from datetime import date

import pytest

from workbench.cli import _store
from workbench.store.workspace import audit_events, candidate_by_name

TODAY = date.today().isoformat()


def test_add_set_show_through_a_subprocess_with_provenance(run_subprocess):
    added = run_subprocess.json(
        "candidates", "add", "--name", "Acme Large", "provider=Acme", "context_window=200000",
        'pricing={"input_per_mtok": 3, "output_per_mtok": 15}', "capabilities.schema_adherence.rating=E",
        "--source", "https://acme.example/pricing")
    model = added["candidate"]
    assert model["provider"] == "Acme" and model["context_window"] == 200000
    assert model["pricing"]["input_per_mtok"] == 3 and model["capabilities"]["schema_adherence"]["rating"] == "E"
    # the form's provenance: every edited value-bearing field, stamped with the source, actor and date
    for field in ("pricing", "context_window", "capabilities"):
        assert model["provenance"][field] == {"source": "https://acme.example/pricing", "retrieved": TODAY,
                                              "entered_by": "ci-bot", "note": ""}
    assert "provider" not in model["provenance"]  # identity, not a number

    saved = run_subprocess.json("candidates", "set", "Acme Large", "pricing.input_per_mtok=2.5",
                                "--expect-version", "1")
    assert saved["version"] == 2 and saved["changed"] == ["pricing", "provenance"]
    assert saved["candidate"]["provenance"]["pricing"]["source"] == "entered in the workbench"
    assert saved["candidate"]["provenance"]["context_window"]["source"] == "https://acme.example/pricing"

    shown = run_subprocess.json("candidates", "show", "Acme Large")
    assert shown["candidate"] == saved["candidate"] and shown["origin"] == "user"

    code, out, err = run_subprocess("candidates", "set", "Acme Large", "pricing.input_per_mtok=-1")
    assert code == 2 and out == "" and "pricing.input_per_mtok: Input should be greater than or equal to 0" in err


@pytest.mark.parametrize(("assignment", "field"), [
    ("regions=[\"mars\"]", "regions"),
    ("capabilities.telepathy.rating=E", "capabilities"),
    ("capabilities.schema_adherence.rating=Z", "capabilities.schema_adherence.rating"),
    ("context_window=0", "context_window"),
    ("modalities=[\"smell\"]", "modalities.0"),
    ("latency.ttft_p95_ms=fast", "latency.ttft_p95_ms"),
    ("colour=red", "colour: no such field"),
])
def test_a_bad_value_exits_2_naming_the_field_and_writes_nothing(cli_db, run_cli, assignment, field):
    run_cli.json("candidates", "add", "--name", "M")
    code, out, err = run_cli("candidates", "set", "M", assignment)
    assert code == 2 and out == "" and field in err, err
    assert candidate_by_name(_store.engine(), "M").version == 1


def test_export_import_round_trip_keeps_provenance(cli_db, run_cli, tmp_path):
    run_cli.json("candidates", "add", "--name", "M1", "context_window=32000", "--source", "model card")
    run_cli.json("candidates", "add", "--name", "M2", 'pricing={"input_per_mtok": 1, "output_per_mtok": 2}')
    path = tmp_path / "c.yaml"
    assert run_cli.json("candidates", "export", str(path), "--name", "M1", "--name", "M2")["candidates"] == 2
    run_cli.json("candidates", "delete", "M1")
    run_cli.json("candidates", "delete", "M2")
    report = run_cli.json("candidates", "import", str(path))
    assert report["created"] == ["M1", "M2"]
    again = tmp_path / "again.yaml"
    run_cli("candidates", "export", str(again), "--name", "M1", "--name", "M2")
    assert again.read_bytes() == path.read_bytes()
    assert [e.action for e in audit_events(_store.engine(), entity_type="candidate")][:2] == ["import", "import"]


def test_import_is_one_transaction_and_update_needs_the_flag(cli_db, run_cli, tmp_path):
    run_cli.json("candidates", "add", "--name", "Existing", "context_window=1000")
    path = tmp_path / "c.json"
    rows = [{"name": "New one", "context_window": 8000},
            {"name": "Existing", "context_window": 2000}]
    path.write_text(json.dumps({"kind": "workbench.candidates/v1", "candidates": rows}))
    code, _, err = run_cli("candidates", "import", str(path))
    assert code == 2 and "c.json: candidates[1].name: a candidate named 'Existing' already exists" in err
    code, _, _ = run_cli("candidates", "show", "New one")
    assert code == 2  # the first row was not written either

    report = run_cli.json("candidates", "import", str(path), "--update", "--source", "vendor sheet 2026-12")
    assert report == {"file": str(path), "created": ["New one"], "updated": ["Existing"], "unchanged": []}
    existing = candidate_by_name(_store.engine(), "Existing").model
    assert existing.context_window == 2000 and existing.provenance["context_window"].source == "vendor sheet 2026-12"
    created = candidate_by_name(_store.engine(), "New one").model
    assert created.provenance["context_window"].entered_by == "ci-bot"

    rows[0]["pricing"] = {"input_per_mtok": "cheap", "output_per_mtok": 1}
    path.write_text(json.dumps({"kind": "workbench.candidates/v1", "candidates": rows}))
    code, _, err = run_cli("candidates", "import", str(path), "--update")
    assert code == 2 and "c.json: candidates[0].pricing.input_per_mtok" in err


def test_file_shape_errors_and_delete_with_the_lock(cli_db, run_cli, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"kind": "workbench.candidates/v1", "candidates": [{"name": "a"}, {"name": "a"}]}))
    code, _, err = run_cli("candidates", "import", str(path))
    assert code == 2 and "candidates[1].name: 'a' appears twice" in err
    path.write_text(json.dumps({"candidates": []}))
    code, _, err = run_cli("candidates", "import", str(path))
    assert code == 2 and "kind: expected 'workbench.candidates/v1'" in err
    code, _, err = run_cli("candidates", "import", str(tmp_path / "missing.json"))
    assert code == 2 and "missing.json" in err and "Traceback" not in err

    run_cli.json("candidates", "add", "--name", "M")
    run_cli.json("candidates", "set", "M", "notes=second thoughts")
    code, _, err = run_cli("candidates", "delete", "M", "--expect-version", "1")
    assert code == 2 and "changed by ci-bot" in err
    assert run_cli.json("candidates", "delete", "M", "--expect-version", "2")["deleted"] == "M"
    code, _, err = run_cli("candidates", "show", "M")
    assert code == 2 and "no candidate named 'M'" in err


def test_export_import_delete_through_a_subprocess(run_cli, run_subprocess, tmp_path):
    run_cli.json("candidates", "add", "--name", "M", "context_window=32000", "--source", "model card")
    path = tmp_path / "c.json"
    assert run_subprocess.json("candidates", "export", str(path), "--name", "M")["candidates"] == 1
    assert run_subprocess.json("candidates", "delete", "M", "--expect-version", "1")["deleted"] == "M"
    assert run_subprocess.json("candidates", "import", str(path))["created"] == ["M"]
    assert candidate_by_name(_store.engine(), "M").model.provenance["context_window"].source == "model card"
