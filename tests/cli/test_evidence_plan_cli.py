"""`workbench evidence plan`: the sample-size planner on a profile's paired evidence, checked against
statsmodels' power functions; bad input exits 2 with one line."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.power import normal_power_het, normal_sample_size_one_tail

from tests.store.golden_set import golden_set_csv
from workbench.cli._store import engine
from workbench.store.workspace import create_profile, new_profile_model


@pytest.fixture
def profile(cli_db, tmp_path: Path, run_cli) -> str:
    create_profile(engine(), new_profile_model("Contracts", "high_precision_extraction"), "ada")
    path = tmp_path / "golden.csv"
    path.write_bytes(golden_set_csv())
    run_cli.json("import", "evidence", str(path), "--profile", "Contracts")
    return "Contracts"


def test_plan_json_matches_statsmodels(profile, run_cli) -> None:
    cmp = run_cli.json("evidence", "compare", "--profile", profile, "--a", "Qwen 3.5 72B", "--b", "DeepSeek V4")
    doc = run_cli.json("evidence", "plan", "--profile", profile, "--a", "Qwen 3.5 72B", "--b", "DeepSeek V4",
                       "--target-difference", "0.05")
    n, b, c = cmp["n_paired"], cmp["a_only"], cmp["b_only"]
    assert (doc["n_paired"], doc["a_only"], doc["b_only"]) == (n, b, c) == (200, b, c)
    psi = (b + c) / n
    assert doc["discordance"] == pytest.approx(psi) and doc["observed_difference"] == pytest.approx((b - c) / n)
    plan_psi = max(psi, 0.05)
    expected_n = normal_sample_size_one_tail(0.05, 0.8, 0.025, std_null=math.sqrt(plan_psi),
                                             std_alternative=math.sqrt(plan_psi - 0.05**2))
    assert doc["n_needed"] == math.ceil(expected_n) and doc["additional_items"] == max(0, doc["n_needed"] - 200)
    mde = doc["mde_at_current_n"]
    assert normal_power_het(mde, n, 0.05, std_null=math.sqrt(psi), std_alternative=math.sqrt(psi - mde**2),
                            alternative="two-sided") == pytest.approx(0.8, abs=1e-6)
    # cost: the golden set logs a cost per item, so both runs' mean item cost is the basis
    assert doc["cost_basis"].startswith("measured")
    assert doc["cost_per_item_usd"] == pytest.approx(0.0021 + 0.0017, rel=0.1)
    assert doc["cost_needed_usd"] == pytest.approx(doc["n_needed"] * doc["cost_per_item_usd"])
    assert doc["profile"] == profile and doc["alpha"] == 0.05 and doc["power"] == 0.8


def test_plan_text_output_and_default_target(profile, run_cli) -> None:
    code, out, err = run_cli("evidence", "plan", "--profile", profile, "--a", "Qwen 3.5 72B", "--b", "Llama 4 Scout")
    assert code == 0, err
    assert "minimum detectable difference now" in out and "(observed difference)" in out and "paired items" in out
    doc = run_cli.json("evidence", "plan", "--profile", profile, "--a", "Qwen 3.5 72B", "--b", "Llama 4 Scout",
                       "--alpha", "0.01", "--power", "0.9")
    assert doc["target_source"] == "observed difference"
    assert doc["target_difference"] == pytest.approx(abs(doc["observed_difference"]))
    assert np.isfinite(doc["n_needed"]) and doc["alpha"] == 0.01 and doc["power"] == 0.9


@pytest.mark.parametrize(("argv", "message"), [
    (["--alpha", "1.5"], "--alpha must be between 0 and 1"),
    (["--power", "0"], "--power must be between 0 and 1"),
    (["--target-difference", "2"], "--target-difference must be between 0 and 1"),
])
def test_bad_numbers_exit_2(profile, run_cli, argv: list[str], message: str) -> None:
    code, out, err = run_cli("evidence", "plan", "--profile", profile, "--a", "Qwen 3.5 72B", "--b", "DeepSeek V4",
                             *argv)
    assert code == 2 and message in err and out == "" and "Traceback" not in err


def test_unknown_profile_or_candidate_exit_2(profile, run_cli) -> None:
    code, _, err = run_cli("evidence", "plan", "--profile", "Nope", "--a", "Qwen 3.5 72B", "--b", "DeepSeek V4")
    assert code == 2 and "Nope" in err
    code, _, err = run_cli("evidence", "plan", "--profile", profile, "--a", "Qwen 3.5 72B", "--b", "GPT-5.4")
    assert code == 2 and "GPT-5.4" in err and "Traceback" not in err
