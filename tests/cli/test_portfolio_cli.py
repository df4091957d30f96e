"""`workbench portfolio` through the CLI: create from steps or a file, rank, export, delete; bad input exits 2."""

from __future__ import annotations

import json

import pytest
import yaml

from workbench.domain.portfolio import Portfolio
from workbench.services.portfolio import rank_portfolio, result_json
from workbench.store import open_store

TEMPLATES = ("high_precision_extraction", "research_synthesis", "tool_use_agentic_loops")


@pytest.fixture
def profiles(cli_db, run_cli):
    from workbench.store.workspace import create_profile, new_profile_model

    engine = open_store(cli_db)
    for key in TEMPLATES:
        create_profile(engine, new_profile_model(key, key), "ci-bot")
    return engine


def test_create_rank_export_delete(profiles, run_cli, tmp_path):
    code, out, err = run_cli("portfolio", "create", "pipeline", "--node", f"{TEMPLATES[0]}:1",
                             "--node", f"{TEMPLATES[1]}:0.5", "--node", TEMPLATES[2], "--sla-ms", "9000")
    assert code == 0, err
    doc = run_cli.json("portfolio", "rank", "pipeline", "--no-robustness")
    assert [n["profile"] for n in doc["nodes"]] == list(TEMPLATES)
    assert {"profile", "winner", "route", "cost_per_success_usd"} <= set(doc["nodes"][0])
    assert {"cost_per_success_usd", "latency_p95_ms", "monthly_usd"} <= set(doc["end_to_end"])
    assert "candidate" in doc["monolith"] and "cost_per_success_usd" in doc["monolith"]
    # the CLI and the service agree to the cent
    direct = result_json(rank_portfolio(profiles, _portfolio(run_cli), with_robustness=False))
    assert doc["end_to_end"]["cost_per_success_usd"] == pytest.approx(direct["end_to_end"]["cost_per_success_usd"],
                                                                      abs=0.005)
    out_file = tmp_path / "router.yaml"
    code, _, err = run_cli("portfolio", "export", "pipeline", "--format", "litellm-router", "--out", str(out_file))
    assert code == 0, err
    assert {m["model_name"] for m in yaml.safe_load(out_file.read_text())["model_list"]} >= {"s1", "s2", "s3"}
    assert run_cli("portfolio", "delete", "pipeline")[0] == 0
    assert run_cli.json("portfolio", "list")["portfolios"] == []


def _portfolio(run_cli) -> Portfolio:
    shown = run_cli.json("portfolio", "show", "pipeline")
    return Portfolio.model_validate({k: v for k, v in shown.items() if k not in ("id", "version")})


def test_create_from_yaml_file(profiles, run_cli, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"name": "from file", "nodes": [
        {"key": "classify", "profile": TEMPLATES[2]}, {"key": "extract", "profile": TEMPLATES[0]},
        {"key": "summarise", "profile": TEMPLATES[1]}],
        "edges": [["classify", "extract"], ["classify", "summarise"]]}))
    assert run_cli("portfolio", "create", "--from", str(path))[0] == 0
    shown = run_cli.json("portfolio", "show", "from file")
    assert shown["edges"] == [["classify", "extract"], ["classify", "summarise"]]


@pytest.mark.parametrize("argv, message", [
    (("portfolio", "create", "x", "--node", "no such profile:abc"), "is not a number"),
    (("portfolio", "create", "x"), "give NAME with one --node"),
    (("portfolio", "rank", "missing"), "no portfolio named 'missing'"),
])
def test_bad_input_exits_2_naming_the_problem(profiles, run_cli, argv, message):
    code, _, err = run_cli(*argv)
    assert code == 2 and message in err


def test_bad_file_names_the_field_and_writes_nothing(profiles, run_cli, tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"name": "bad", "nodes": [{"key": "a", "profile": "p"}], "edges": [["a", "b"]]}))
    code, _, err = run_cli("portfolio", "create", "--from", str(path))
    assert code == 2 and "p.json" in err and "names no node 'b'" in err
    assert run_cli.json("portfolio", "list")["portfolios"] == []
    path.write_text('{"name": "dup", "name": "dup2", "nodes": []}')
    code, _, err = run_cli("portfolio", "create", "--from", str(path))
    assert code == 2 and "duplicate key 'name'" in err
