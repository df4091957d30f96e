"""`workbench import hf-config FILE --candidate NAME`: fills the architecture, audited and locked; bad files change nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from workbench.cli._store import engine
from workbench.domain.models import Candidate
from workbench.store.tables import AuditEvent, CandidateRow
from workbench.store.workspace import candidate_by_name, create_candidate


def _row(name: str) -> tuple[int, dict]:
    with engine().connect() as conn:
        row = conn.execute(select(CandidateRow.version, CandidateRow.body).where(CandidateRow.name == name)).one()
    return row.version, row.body


def _audits() -> int:
    with engine().connect() as conn:
        return conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def _new_open_candidate(name: str = "Llama copy") -> None:
    create_candidate(engine(), Candidate(name=name, open_weights=True, hf_repo="meta-llama/Llama-3.1-8B"), "ada")


def test_import_fills_architecture_with_provenance_and_audit(cli_db, run_cli, fixtures_dir):
    _new_open_candidate()
    version, body = _row("Llama copy")
    assert body["architecture"] is None and body["context_window"] is None
    audits = _audits()
    cfg = fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json"
    doc = run_cli.json("import", "hf-config", str(cfg), "--candidate", "Llama copy")
    assert doc["params_total"] == 8_030_261_248 == doc["params_active"]
    assert doc["params_active_excl_embedding"] == 8_030_261_248 - 128_256 * 4096
    assert doc["model_type"] == "llama" and doc["file"] == "Llama-3.1-8B.config.json"
    assert doc["verified"] is True and doc["params_vision"] == 0
    assert doc["version_before"] == version and doc["version"] == version + 1 and doc["unchanged"] is False
    assert doc["changes"]["architecture"][0] is None
    assert doc["changes"]["architecture"][1].startswith("llama, 32 layers, 8,030,261,248 parameters")
    assert doc["changes"]["context_window"] == [None, 131_072]
    stored = candidate_by_name(engine(), "Llama copy")
    assert stored.model.architecture == json.loads(cfg.read_text())
    prov = stored.model.provenance["architecture"]
    assert prov.source == "Llama-3.1-8B.config.json" and prov.entered_by == "ci-bot"
    assert "meta-llama/Llama-3.1-8B" in prov.note
    assert stored.updated_by == "ci-bot"
    assert _audits() == audits + 1


def test_reimporting_the_same_file_changes_nothing(cli_db, run_cli, fixtures_dir):
    _new_open_candidate()
    cfg = str(fixtures_dir / "hf-configs" / "gpt-oss-20b.config.json")
    first = run_cli.json("import", "hf-config", cfg, "--candidate", "Llama copy")
    again = run_cli.json("import", "hf-config", cfg, "--candidate", "Llama copy")
    assert again["unchanged"] is True and again["changes"] == {}
    assert again["version"] == first["version"]
    assert again["params_total"] == 20_914_757_184


def test_moe_and_mla_counts_reported(cli_db, run_cli, fixtures_dir):
    """Shipped catalog candidate DeepSeek-V2-Lite Chat: re-import its config from the fixture (same file)."""
    doc = run_cli.json("import", "hf-config", str(fixtures_dir / "hf-configs" / "DeepSeek-V2-Lite.config.json"),
                       "--candidate", "DeepSeek-V2-Lite Chat")
    assert doc["params_total"] == 15_706_484_224
    assert doc["params_active"] < doc["params_total"] / 5  # 2.4B active of 15.7B
    assert any("MLA" in note for note in doc["assumptions"])


def test_bad_config_is_refused_naming_the_field_and_changes_nothing(cli_db, run_cli, fixtures_dir, tmp_path):
    _new_open_candidate()
    before = _row("Llama copy")
    audits = _audits()
    cfg = json.loads((fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json").read_text())
    del cfg["num_attention_heads"]
    bad = tmp_path / "config.json"
    bad.write_text(json.dumps(cfg))
    code, out, err = run_cli("import", "hf-config", str(bad), "--candidate", "Llama copy", "--json")
    assert code == 2 and out == ""
    assert "num_attention_heads" in err and "config.json" in err and "unchanged" in err
    assert _row("Llama copy") == before
    assert _audits() == audits


def test_inconsistent_heads_and_not_json(cli_db, run_cli, fixtures_dir, tmp_path):
    _new_open_candidate()
    before = _row("Llama copy")
    cfg = json.loads((fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json").read_text())
    cfg["num_key_value_heads"] = 5  # 32 heads are not a multiple of 5 KV heads
    bad = tmp_path / "inconsistent.json"
    bad.write_text(json.dumps(cfg))
    code, _, err = run_cli("import", "hf-config", str(bad), "--candidate", "Llama copy")
    assert code == 2 and "num_key_value_heads" in err
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    code, _, err = run_cli("import", "hf-config", str(garbage), "--candidate", "Llama copy")
    assert code == 2 and "garbage.json: not valid JSON" in err
    code, _, err = run_cli("import", "hf-config", str(tmp_path / "missing.json"), "--candidate", "Llama copy")
    assert code == 2 and "cannot read file" in err
    assert _row("Llama copy") == before


def test_unknown_or_closed_candidate(cli_db, run_cli, fixtures_dir):
    cfg = str(fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json")
    code, _, err = run_cli("import", "hf-config", cfg, "--candidate", "No such model")
    assert code == 2 and "no candidate named 'No such model'" in err
    before = _row("GPT-5.4")
    code, _, err = run_cli("import", "hf-config", cfg, "--candidate", "GPT-5.4")
    assert code == 2 and "not open-weight" in err
    assert _row("GPT-5.4") == before


def test_gpu_fit_reads_the_imported_architecture(cli_db, run_cli, fixtures_dir):
    _new_open_candidate()
    run_cli.json("import", "hf-config", str(fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json"),
                 "--candidate", "Llama copy")
    doc = run_cli.json("gpu-fit", "--candidate", "Llama copy", "--context", "1024", "--concurrency", "1")
    assert doc["kv_bytes_per_token"] == 131_072 and doc["params_total"] == 8_030_261_248


def test_text_output(cli_db, run_cli, fixtures_dir):
    _new_open_candidate()
    code, out, _ = run_cli("import", "hf-config", str(fixtures_dir / "hf-configs" / "Mixtral-8x7B-v0.1.config.json"),
                           "--candidate", "Llama copy")
    assert code == 0
    assert "Llama copy: architecture from Mixtral-8x7B-v0.1.config.json saved as version 2" in out
    assert "46,702,792,704 parameters" in out


def test_hostile_sizes_exit_2_naming_the_field_and_write_nothing(cli_db, run_cli, fixtures_dir, tmp_path):
    _new_open_candidate()
    version, body = _row("Llama copy")
    audits = _audits()
    cfg = json.loads((fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json").read_text())
    for field, value in (("hidden_size", 1e300), ("num_hidden_layers", 30_000_000)):
        path = tmp_path / f"{field}.json"
        path.write_text(json.dumps({**cfg, field: value}))
        code, out, err = run_cli("import", "hf-config", str(path), "--candidate", "Llama copy")
        assert code == 2 and field in err and "implausible" in err and "Traceback" not in err
    assert _row("Llama copy") == (version, body) and _audits() == audits


def test_import_warns_when_the_config_does_not_look_like_the_candidate(cli_db, run_cli, fixtures_dir):
    create_candidate(engine(), Candidate(name="Llama-4-Scout copy", open_weights=True), "ada")
    doc = run_cli.json("import", "hf-config", str(fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json"),
                       "--candidate", "Llama-4-Scout copy")
    assert any("looks like Llama 4" in w for w in doc["warnings"])
