"""`workbench import evidence` and `workbench evidence compare|list`: every fixture format, bad input
writes nothing, re-import, and the 200-item golden-set scenario (WALKTHROUGH step 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.stats import binomtest
from sqlalchemy import func, select

from tests.store.golden_set import CANDIDATES, golden_set_csv
from workbench.cli._store import engine
from workbench.store.tables import AuditEvent, EvidenceRunRow
from workbench.store.workspace import create_profile, new_profile_model

FIXTURES = {
    "promptfoo": ("promptfoo_results_v0.118.0_echo.json",
                  ["--candidate", "echo-a=DeepSeek V4", "--candidate", "echo-b=Qwen 3.5 72B"], 2),
    "lm-eval": ("lm_eval_results_gsm8k.json", ["--candidate", "Llama 3.1 8B Instruct"], 1),
    "inspect": ("inspect_ai_log_v2_mockllm.json", ["--candidate", "gpt-oss-20b"], 1),
    "openai-evals": ("openai_evals_record.jsonl", ["--candidate", "GPT-5.4"], 1),
    "helm": ("helm_stats_simple1_model1.json", ["--candidate", "Gemma 2 9B IT"], 1),
}


def _rows() -> tuple[int, int]:
    with engine().connect() as conn:
        return (conn.execute(select(func.count()).select_from(EvidenceRunRow)).scalar_one(),
                conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


@pytest.fixture
def profile(cli_db) -> str:
    create_profile(engine(), new_profile_model("Contracts", "high_precision_extraction"), "ada")
    return "Contracts"


@pytest.mark.parametrize("fmt", list(FIXTURES))
def test_import_each_fixture_format(fixtures_dir: Path, profile, run_cli, fmt):
    name, mapping, n_runs = FIXTURES[fmt]
    path = fixtures_dir / "evidence" / name
    doc = run_cli.json("import", "evidence", str(path), "--format", fmt, "--profile", profile, *mapping)
    assert doc["action"] == "imported" and doc["format"] == fmt and doc["file"] == name
    assert doc["profile"] == profile and len(doc["sha256"]) == 64 and len(doc["runs"]) == n_runs
    run = doc["runs"][0]
    assert run["imported_by"] == "ci-bot" and run["source_format"] == fmt and run["sha256"] == doc["sha256"]
    assert _rows()[0] == n_runs
    listed = run_cli.json("evidence", "list", "--profile", profile)
    assert [r["id"] for r in listed["runs"]] == sorted(r["id"] for r in doc["runs"])
    assert {r["candidate"] for r in listed["runs"]} == {r["candidate"] for r in doc["runs"]}


def test_import_text_output_and_detected_format(fixtures_dir: Path, profile, run_cli):
    path = fixtures_dir / "evidence" / FIXTURES["inspect"][0]
    code, out, err = run_cli("import", "evidence", str(path), "--profile", profile, "--candidate", "gpt-oss-20b")
    assert code == 0, err
    assert "imported: 1 run(s)" in out and "mockllm/model -> gpt-oss-20b" in out and "33.3%" in out


def test_unknown_model_names_exit_2_and_import_nothing(fixtures_dir: Path, profile, run_cli):
    before = _rows()
    path = fixtures_dir / "evidence" / FIXTURES["promptfoo"][0]
    code, out, err = run_cli("import", "evidence", str(path), "--profile", profile)
    assert code == 2 and out == ""
    assert "match no catalog candidate: echo-a, echo-b" in err and "nothing was imported" in err
    # a plain --candidate on a two-model file is refused, naming the models
    code, _, err = run_cli("import", "evidence", str(path), "--profile", profile, "--candidate", "GPT-5.4")
    assert code == 2 and "2 source models (echo-a, echo-b)" in err
    # a mapping to a candidate that is not in the catalog
    code, _, err = run_cli("import", "evidence", str(path), "--profile", profile,
                           "--candidate", "echo-a=GPT-9", "--candidate", "echo-b=GPT-5.4")
    assert code == 2 and "no catalog candidate named 'GPT-9'" in err
    assert _rows() == before


def test_bad_file_profile_or_format_exit_2_and_import_nothing(fixtures_dir: Path, profile, run_cli, tmp_path):
    before = _rows()
    good = (fixtures_dir / "evidence" / FIXTURES["promptfoo"][0]).read_bytes()
    truncated = tmp_path / "results.json"
    truncated.write_bytes(good[: len(good) // 2])
    code, _, err = run_cli("import", "evidence", str(truncated), "--profile", profile, "--candidate", "GPT-5.4")
    assert code == 2 and "results.json" in err and "invalid JSON" in err
    missing_col = tmp_path / "golden.csv"
    missing_col.write_text("item_id,candidate\n1,GPT-5.4\n")
    code, _, err = run_cli("import", "evidence", str(missing_col), "--profile", profile)
    assert code == 2 and "golden.csv: row 1" in err and "passed" in err
    code, _, err = run_cli("import", "evidence", str(fixtures_dir / "evidence" / FIXTURES["inspect"][0]),
                           "--format", "promptfoo", "--profile", profile, "--candidate", "GPT-5.4")
    assert code == 2 and "not in promptfoo format" in err
    code, _, err = run_cli("import", "evidence", str(missing_col), "--profile", "Nope")
    assert code == 2 and "no profile named 'Nope'" in err
    assert _rows() == before


def test_reimport_needs_replace_or_skip(fixtures_dir: Path, profile, run_cli):
    path = str(fixtures_dir / "evidence" / FIXTURES["openai-evals"][0])
    args = ("import", "evidence", path, "--profile", profile, "--candidate", "GPT-5.4")
    first = run_cli.json(*args)
    before = _rows()
    code, _, err = run_cli(*args)
    assert code == 2 and "already imported for this profile by ci-bot" in err and "--on-duplicate" in err
    assert _rows() == before
    skipped = run_cli.json(*args, "--on-duplicate", "skip")
    assert skipped["action"] == "skipped" and [r["id"] for r in skipped["runs"]] == [r["id"] for r in first["runs"]]
    assert _rows() == before
    replaced = run_cli.json(*args, "--on-duplicate", "replace")
    assert replaced["action"] == "replaced" and replaced["replaced"] == 1
    assert _rows()[0] == 1


def test_golden_set_200_items_three_candidates_compare(profile, run_cli, tmp_path):
    """WALKTHROUGH step 4: import 200 items for three candidates; is the top-two difference real?"""
    path = tmp_path / "golden_set_200.csv"
    path.write_bytes(golden_set_csv())
    doc = run_cli.json("import", "evidence", str(path), "--profile", profile)  # names match the catalog
    assert {r["source_model"]: r["candidate"] for r in doc["runs"]} == CANDIDATES
    assert all(r["n"] == 200 and r["items"] == 200 for r in doc["runs"])
    rates = {r["candidate"]: r["pass_rate"] for r in doc["runs"]}
    top, second, third = sorted(rates, key=rates.get, reverse=True)
    assert (top, second, third) == ("Qwen 3.5 72B", "DeepSeek V4", "Llama 4 Scout")

    cmp = run_cli.json("evidence", "compare", "--profile", profile, "--a", top, "--b", second)
    assert cmp["test"] == "mcnemar-exact" and cmp["n_paired"] == 200 and cmp["method"] == "wilson"
    assert cmp["a"]["rate"] == pytest.approx(rates[top]) and cmp["b"]["rate"] == pytest.approx(rates[second])
    lo, hi = cmp["a"]["interval"]
    ci = binomtest(round(rates[top] * 200), 200).proportion_ci(method="wilson")
    assert (lo, hi) == pytest.approx((ci.low, ci.high), abs=1e-9)
    b, c = cmp["a_only"], cmp["b_only"]
    assert cmp["both_pass"] + b + c + cmp["neither"] == 200
    assert cmp["p_value"] == pytest.approx(binomtest(b, b + c, 0.5).pvalue, rel=1e-9)
    # 91.5 % vs 88.5 % on 200 items: the difference is not real at this n
    assert not cmp["significant"] and cmp["verdict"].startswith("not distinguishable at n = 200")

    vs_third = run_cli.json("evidence", "compare", "--profile", profile, "--a", top, "--b", third,
                            "--method", "clopper-pearson")
    assert vs_third["significant"] and vs_third["verdict"].startswith(f"{top} is better than {third}")
    cp = binomtest(round(rates[third] * 200), 200).proportion_ci(method="exact")
    assert vs_third["b"]["interval"] == pytest.approx([cp.low, cp.high], abs=1e-7)

    code, out, err = run_cli("evidence", "compare", "--profile", profile, "--a", top, "--b", second)
    assert code == 0, err
    assert "exact McNemar" in out and "verdict: not distinguishable at n = 200" in out


def test_compare_errors_exit_2(profile, run_cli, tmp_path):
    code, _, err = run_cli("evidence", "compare", "--profile", profile, "--a", "GPT-5.4", "--b", "DeepSeek V4")
    assert code == 2 and "GPT-5.4 has no evidence" in err
    code, _, err = run_cli("evidence", "compare", "--profile", profile, "--a", "X", "--b", "Y", "--alpha", "2")
    assert code == 2 and "--alpha" in err


def test_inspect_zstd_eval_with_scorer_choice(fixtures_dir: Path, profile, run_cli):
    path = fixtures_dir / "evidence" / "inspect_ai-0.3.285" / "two-scorers.eval"
    doc = run_cli.json("import", "evidence", str(path), "--profile", profile, "--candidate", "gpt-oss-20b",
                       "--scorer", "match")
    [run] = doc["runs"]
    assert doc["format"] == "inspect" and run["n"] == 12 and run["metric_name"] == "match"
    code, _, err = run_cli("import", "evidence", str(path), "--profile", profile, "--candidate", "gpt-oss-20b",
                           "--scorer", "nope", "--on-duplicate", "replace")
    assert code == 2 and "no scorer 'nope' in the log (it has: includes, match)" in err and "Traceback" not in err
