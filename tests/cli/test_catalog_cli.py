"""`workbench catalog list`, `profiles list`, `import litellm`: JSON shapes, bad input writes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from workbench.cli._store import engine
from workbench.store.tables import AuditEvent, CandidateRow
from workbench.store.workspace import create_profile, new_profile_model


def _rows() -> tuple[int, int]:
    with engine().connect() as conn:
        return (conn.execute(select(func.count()).select_from(CandidateRow)).scalar_one(),
                conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_catalog_list_json_shape(cli_db, run_cli):
    doc = run_cli.json("catalog", "list")
    names = [c["name"] for c in doc["candidates"]]
    assert "GPT-5.4" in names and len(names) == 13
    gpt = next(c for c in doc["candidates"] if c["name"] == "GPT-5.4")
    assert {"id", "version", "origin", "pricing", "capabilities", "provenance", "has_architecture"} <= set(gpt)
    assert gpt["pricing"]["input_per_mtok"] == 2.5 and gpt["origin"] == "catalog"
    assert "architecture" not in gpt


def test_profiles_list_json(cli_db, run_cli):
    assert run_cli.json("profiles", "list") == {"profiles": []}
    create_profile(engine(), new_profile_model("Contracts", "high_precision_extraction"), "ada")
    doc = run_cli.json("profiles", "list")
    assert [p["name"] for p in doc["profiles"]] == ["Contracts"]
    assert doc["profiles"][0]["template"] == "High-Precision Extraction"


def test_import_creates_then_updates_prices(cli_db, run_cli, fixtures_dir, tmp_path):
    prices = fixtures_dir / "pricing" / "litellm_model_prices.json"
    doc = run_cli.json("import", "litellm", str(prices), "--model", "gpt-5.5", "--model", "mistral/mistral-large-latest")
    assert doc["summary"] == {"create": 2, "update": 0, "unchanged": 0, "skipped": 0, "not_candidates": 0}
    assert {c["candidate"] for c in doc["changes"]} == {"gpt-5.5 — OpenAI", "mistral-large-latest — Mistral AI"}
    # a newer price file changes one price: --update-prices reports old -> new
    import json

    data = json.loads(prices.read_text())
    data["gpt-5.5"]["input_cost_per_token"] = 4e-06
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(data))
    doc = run_cli.json("import", "litellm", str(newer), "--update-prices")
    changed = {c["candidate"]: c for c in doc["changes"] if c["action"] == "update"}
    assert changed["gpt-5.5 — OpenAI"]["changes"]["input_per_mtok"] == [5.0, 4.0]
    # GPT-5.4's prices did not move: at most the price fields this importer now reads (cache writes, tiers) appear
    assert set(changed.get("GPT-5.4", {}).get("changes", {})) <= {"cache_write_5m_per_mtok", "cache_write_1h_per_mtok",
                                                                  "service_tiers", "per_request_usd"}
    again = run_cli.json("import", "litellm", str(newer), "--update-prices")
    assert again["summary"]["update"] == 0  # a second refresh from the same file changes nothing
    listing = {c["name"]: c for c in run_cli.json("catalog", "list")["candidates"]}
    assert listing["gpt-5.5 — OpenAI"]["pricing"]["input_per_mtok"] == 4.0
    assert listing["gpt-5.5 — OpenAI"]["updated_by"] == "ci-bot"
    assert listing["gpt-5.5 — OpenAI"]["pricing"]["litellm_key"] == "gpt-5.5"


def test_bad_inputs_exit_nonzero_and_write_nothing(cli_db, run_cli, fixtures_dir, tmp_path):
    run_cli("catalog", "list")  # create + seed the database
    before = _rows()
    not_json = tmp_path / "prices.json"
    not_json.write_text("{ this is not json")
    wrong_shape = tmp_path / "list.json"
    wrong_shape.write_text("[1, 2, 3]")
    prices = fixtures_dir / "pricing" / "litellm_model_prices.json"
    cases = [
        (("import", "litellm", str(not_json), "--model", "x"), "not valid JSON"),
        (("import", "litellm", str(wrong_shape), "--model", "x"), "expected a JSON object"),
        (("import", "litellm", str(prices), "--model", "gpt-5.5", "--model", "no-such-model"), "unknown model"),
        (("import", "litellm", str(tmp_path / "missing.json"), "--model", "x"), "cannot read file"),
    ]
    for argv, message in cases:
        code, out, err = run_cli(*argv)
        assert code == 2 and message in err, (argv, err)
        assert "Traceback" not in err
    assert _rows() == before  # zero rows written, not even the valid gpt-5.5 of the mixed request


def test_dry_run_writes_nothing(cli_db, run_cli, fixtures_dir):
    run_cli("catalog", "list")
    before = _rows()
    doc = run_cli.json("import", "litellm", str(fixtures_dir / "pricing" / "litellm_model_prices.json"),
                       "--model", "gpt-5.5", "--dry-run")
    assert doc["dry_run"] is True and doc["summary"]["create"] == 1
    assert _rows() == before


def test_import_whole_price_file_in_one_command(cli_db, run_cli, fixtures_dir):
    prices = fixtures_dir / "pricing" / "litellm_model_prices.json"
    doc = run_cli.json("import", "litellm", str(prices), "--all")
    summary = doc["summary"]
    assert summary["create"] + summary["unchanged"] == 3344  # the 13 catalog candidates' keys stay unchanged
    assert summary["skipped"] == len(doc["skipped"]) == 124  # every skipped entry listed with its field
    assert all(s["litellm_key"] and s["field"] and s["reason"] for s in doc["skipped"])
    assert "text-embedding-3-small" in doc["not_candidates"]["embedding"]
    listing = run_cli.json("catalog", "list")["candidates"]
    assert len(listing) == 13 + summary["create"]
    nova = next(c for c in listing if c["pricing"] and c["pricing"]["litellm_key"] == "eu.amazon.nova-2-lite-v1:0")
    assert nova["name"] == "amazon.nova-2-lite-v1:0 — AWS Bedrock (EU)" and nova["regions"] == ["eu"]
    assert nova["topologies"] == ["managed_api"] and nova["declared_support"]["function_calling"] is True
    code, out, _ = run_cli("import", "litellm", str(prices), "--all", "--provider", "anthropic", "--dry-run")
    assert code == 0 and "would write: 0 created" in out


def test_provider_without_all_is_refused(cli_db, run_cli, fixtures_dir):
    code, _, err = run_cli("import", "litellm", str(fixtures_dir / "pricing" / "litellm_model_prices.json"),
                           "--provider", "openai")
    assert code == 2 and "pass --all" in err


def test_import_latency_feeds_the_grid_and_the_ranking(cli_db, run_cli, fixtures_dir):
    from workbench.services.decide import decide
    from workbench.store.workspace import list_candidates
    from workbench.ui.tables import candidate_table

    path = fixtures_dir / "latency" / "vllm_serve_shape_0.33.0.json"
    code, _, err = run_cli("import", "latency", str(path))
    assert code == 2 and "no catalog candidate named 'openai/gpt-oss-20b'" in err
    doc = run_cli.json("import", "latency", str(path), "--candidate", "gpt-oss-20b")
    [row] = doc["applied"]
    assert row["candidate"] == "gpt-oss-20b" and row["total_p95_ms"] == 3426.0 and row["measured_on"] == "2026-12-05"
    listing = {c["name"]: c for c in run_cli.json("catalog", "list")["candidates"]}
    gpt_oss = listing["gpt-oss-20b"]
    assert gpt_oss["latency"]["ttft_p95_ms"] == 221.7
    assert gpt_oss["provenance"]["latency"]["retrieved"] == "2026-12-05"
    grid = candidate_table(list_candidates(engine())).set_index("Name")
    assert grid.loc["gpt-oss-20b", "Total p95 (ms)"] == 3426.0
    assert grid.loc["gpt-oss-20b", "Latency measured"].startswith("2026-12-05, vllm_serve_shape_0.33.0.json")
    create_profile(engine(), new_profile_model("Chat", None), "ada")
    ranked = {r.name: r for r in decide(engine(), "Chat").ranking.rows}
    assert ranked["gpt-oss-20b"].latency_p95_ms == 3426.0  # the ranking's latency criterion uses the measurement
    doc = run_cli.json("import", "latency", str(fixtures_dir / "latency" / "latency.csv"))
    assert [r["candidate"] for r in doc["applied"]] == ["GPT-5.4", "DeepSeek V4"]
