"""`workbench economics ...` in-process, JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    rc = main(["economics", *argv, "--json"])
    out = capsys.readouterr().out
    assert rc == 0, out
    return json.loads(out)


def test_cascade_routellm_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _run(capsys, "cascade", "--cheap-cost-per-1m", "0.24", "--premium-cost-per-1m", "24.7",
               "--escalation-rate", "0.266")
    assert doc["router"]["savings_ratio"] == pytest.approx(3.66, abs=0.005)
    assert doc["cascade"]["savings_ratio"] == pytest.approx(3.63, abs=0.005)
    assert doc["cascade"]["expected_cost_per_1m"] == pytest.approx(0.24 + 0.266 * 24.7)
    assert doc["break_even_escalation_rate"] == pytest.approx(1 - 0.24 / 24.7)
    assert doc["cascade_never_pays"] is False and "99.0%" in doc["cascade_break_even_sentence"]
    assert doc["sweep"] is None


def test_cascade_with_calibration_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cal = tmp_path / "cal.csv"
    cal.write_text("confidence,correct\n0.9,1\n0.2,0\n0.6,1\n0.4,0\n")
    doc = _run(capsys, "cascade", "--cheap-cost-per-1m", "1", "--premium-cost-per-1m", "10",
               "--calibration", str(cal), "--premium-quality", "1.0", "--target-quality", "0.95")
    assert doc["sweep"]["expected_quality"] == pytest.approx([0.5, 0.75, 1.0, 1.0, 1.0])
    assert doc["best_threshold"]["tau"] == pytest.approx(0.6)
    assert doc["best_threshold"]["expected_cost_per_1m"] == pytest.approx(6.0)


def test_cost_command(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _run(capsys, "cost", "--input-per-1m", "5", "--output-per-1m", "30", "--input-tokens", "300000",
               "--output-tokens", "1000", "--long-context-tier", "272000:10:45:1", "--valid-output-rate", "0.5",
               "--max-retries", "0", "--requests-per-month", "1000")
    assert doc["long_context_tier"] is True
    assert doc["cost_per_call_usd"] == pytest.approx(300_000 * 1e-5 + 1000 * 4.5e-5)
    assert doc["cost_per_success_usd"] == pytest.approx(doc["cost_per_call_usd"] / 0.5)
    assert doc["monthly"]["total_usd"] == pytest.approx(1000 * doc["cost_per_call_usd"])
    assert set(doc["breakdown_per_success_usd"]) == {"prefill", "caching", "generation", "reasoning", "retries",
                                                     "human_validation"}


def test_crossover_command(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _run(capsys, "crossover", "--option", "A low,0.0069,0.693", "--option", "A medium,0.0095,0.793",
               "--option", "A high,0.02,0.917", "--api-cost-per-request", "0.002", "--gpu-hourly-usd", "2.5",
               "--gpus", "2")
    assert [c["at_required_quality"] for c in doc["crossovers"]] == [0.693, 0.793]
    assert doc["crossovers"][1]["to"] == "A high"
    assert doc["volume"]["break_even_requests_per_month"] == pytest.approx(1_825_000)


def test_rag_command_reproduces_seed(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _run(capsys, "rag", "--corpus-tokens", "400000", "--input-per-1m", "5", "--top-k", "5",
               "--chunk-tokens", "512", "--embed-per-1m", "0.02")
    assert doc["stuffing_per_query_usd"] == pytest.approx(2.00)
    assert doc["rag_per_query_usd"] == pytest.approx(0.0128)
    assert doc["break_even_queries"] == pytest.approx(doc["index_cost_usd"] / (2.0 - 0.0128))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["cost", "--input-per-1m", "-1", "--output-per-1m", "2"], "--input-per-1m must be >= 0"),
        (["cost", "--output-per-1m", "2"], "--input-per-1m is required"),
        (["cost", "--input-per-1m", "1", "--output-per-1m", "2", "--valid-output-rate", "0"], "valid-output-rate"),
        (["cascade", "--cheap-cost-per-1m", "1", "--premium-cost-per-1m", "2", "--escalation-rate", "1.5"],
         "--escalation-rate must be a probability"),
        (["cascade", "--cheap-cost-per-1m", "1", "--premium-cost-per-1m", "2"], "--escalation-rate"),
        (["crossover"], "--option"),
        (["rag", "--corpus-tokens", "10"], "--input-per-1m is required"),
    ],
)
def test_bad_input_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["economics", *argv, "--json"]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_bad_calibration_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cal = tmp_path / "cal.csv"
    cal.write_text("score,label\n0.5,1\n")
    rc = main(["economics", "cascade", "--cheap-cost-per-1m", "1", "--premium-cost-per-1m", "2",
               "--calibration", str(cal), "--premium-quality", "0.9"])
    assert rc == 2 and "expected columns confidence, correct" in capsys.readouterr().err


def test_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["economics", "rag", "--corpus-tokens", "400000", "--input-per-1m", "5"]) == 0
    out = capsys.readouterr().out
    assert "$2.00 per query" in out
    # break-even 0.0003 queries per month: said plainly, never "above 1 queries per month"
    assert "1 queries" not in out and "cheaper at any volume" in out


def test_cascade_that_never_pays_is_clipped_with_a_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    # 1 - (9 + 13.1) / 10 = -1.21 before clipping
    doc = _run(capsys, "cascade", "--cheap-cost-per-1m", "9", "--premium-cost-per-1m", "10",
               "--judge-cost-per-1m", "13.1", "--router-cost-per-1m", "2", "--escalation-rate", "0.1")
    assert doc["break_even_escalation_rate"] == 0.0 and doc["cascade_never_pays"] is True
    assert doc["cascade_break_even_sentence"].startswith("The cascade never pays")
    assert doc["router_break_even_strong_share"] == 0.0 and doc["router_never_pays"] is True
    assert "router never pays" in doc["router_break_even_sentence"]
