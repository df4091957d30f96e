"""`workbench gpu-fit` in-process on the fixture configs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main

KEYS = {
    "params_total",
    "params_active",
    "weights_bytes",
    "kv_bytes_per_token",
    "kv_bytes",
    "overhead_bytes",
    "total_bytes_per_gpu",
    "usable_bytes_per_gpu",
    "fits",
    "max_concurrency",
    "max_context",
    "min_gpus",
    "vllm_args",
    "rule_of_thumb_bytes",
}


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    rc = main(["gpu-fit", *argv, "--json"])
    out = capsys.readouterr().out
    assert rc == 0, out
    return json.loads(out)


@pytest.mark.parametrize(
    ("name", "per_token"),
    [
        ("Llama-3.1-8B", 131_072),
        ("Mixtral-8x7B-v0.1", 131_072),
        ("DeepSeek-V2-Lite", 31_104),
        ("Gemma-2-9B", 344_064),
        ("gpt-oss-20b", 49_152),
        ("Qwen3-Next-80B-A3B-Instruct", 24_576),
    ],
)
def test_json_keys_on_fixtures(
    capsys: pytest.CaptureFixture[str], fixtures_dir: Path, name: str, per_token: int
) -> None:
    doc = run_json(capsys, "--hf-config", str(fixtures_dir / "hf-configs" / f"{name}.config.json"))
    assert KEYS <= set(doc)
    assert doc["kv_bytes_per_token"] == per_token
    assert isinstance(doc["fits"], bool)
    assert set(doc["min_gpus"]) >= {"H100 80GB SXM", "L4", "MI300X"}


def test_json_values_respond_to_flags(capsys: pytest.CaptureFixture[str], fixtures_dir: Path) -> None:
    cfg = str(fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json")
    base = run_json(capsys, "--hf-config", cfg, "--context", "4096", "--concurrency", "2", "--gpu", "L40S")
    # 131,072 B/token · 4,096 tokens · 2 sequences (block-aligned, no windows)
    assert base["kv_bytes"] == 131_072 * 4096 * 2
    assert base["weights_bytes"] == 8_030_261_248 * 2
    fp8 = run_json(
        capsys,
        "--hf-config",
        cfg,
        "--context",
        "4096",
        "--concurrency",
        "2",
        "--gpu",
        "L40S",
        "--kv-dtype",
        "fp8",
        "--weights",
        "fp8",
    )
    assert fp8["kv_bytes"] == base["kv_bytes"] // 2
    assert fp8["weights_bytes"] < base["weights_bytes"]
    assert "--kv-cache-dtype" in fp8["vllm_args"] and "fp8" in fp8["vllm_args"]
    longer = run_json(capsys, "--hf-config", cfg, "--context", "65536", "--gpu", "L40S")
    assert longer["max_concurrency"] < base["max_concurrency"]
    tp2 = run_json(capsys, "--hf-config", cfg, "--tp", "2", "--gpu", "L4")
    assert tp2["vllm_args"][:2] == ["--tensor-parallel-size", "2"]
    assert tp2["weights_bytes_per_gpu"] == base["weights_bytes"] // 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--context", "0"], "1..10,000,000"),
        (["--concurrency", "1000000000"], "1..100,000"),
        (["--tp", "3"], "num_attention_heads"),
        (["--gpu", "Voodoo"], "unknown GPU"),
        (["--weights", "int5"], "unknown weights format"),
        (["--kv-dtype", "fp8_ds_mla"], "only to MLA"),
    ],
)
def test_bad_input_exit_2(
    capsys: pytest.CaptureFixture[str], fixtures_dir: Path, argv: list[str], message: str
) -> None:
    cfg = str(fixtures_dir / "hf-configs" / "gpt-oss-20b.config.json")
    rc = main(["gpu-fit", "--hf-config", cfg, *argv, "--json"])
    captured = capsys.readouterr()
    assert rc == 2
    assert message in captured.err
    assert captured.out == ""


def test_bad_config_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("nope")
    rc = main(["gpu-fit", "--hf-config", str(bad), "--json"])
    assert rc == 2
    assert "broken.json: not valid JSON" in capsys.readouterr().err


def test_text_output(capsys: pytest.CaptureFixture[str], fixtures_dir: Path) -> None:
    cfg = str(fixtures_dir / "hf-configs" / "DeepSeek-V2-Lite.config.json")
    assert main(["gpu-fit", "--hf-config", cfg]) == 0
    out = capsys.readouterr().out
    assert "vllm serve MODEL --tensor-parallel-size 1" in out
    assert "576-wide latent" in out
