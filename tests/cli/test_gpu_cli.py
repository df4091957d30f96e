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


NEW_KEYS = {"kv_pool_bytes_per_gpu", "kv_pool_tokens", "decode_tokens_per_s", "prefill_tokens_per_s",
            "usd_per_mtok_input_self_hosted", "usd_per_mtok_output_self_hosted", "params_vision", "verified"}


@pytest.mark.parametrize("overhead", ["vllm", "vllm-v0", "kvplan", "aiconfigurator", "sglang", "seed"])
def test_every_overhead_profile_runs(capsys: pytest.CaptureFixture[str], fixtures_dir: Path, overhead: str) -> None:
    # --overhead sglang used to crash with an IndexError for every model
    for name in ("Llama-3.1-8B", "Qwen3-Next-80B-A3B-Instruct"):
        doc = run_json(capsys, "--hf-config", str(fixtures_dir / "hf-configs" / f"{name}.config.json"),
                       "--overhead", overhead, "--gpus", "2")
        assert doc["overhead_model"] == overhead and doc["overhead_bytes"] > 0
        assert NEW_KEYS <= set(doc)


def test_throughput_cost_and_pool_in_json(capsys: pytest.CaptureFixture[str], fixtures_dir: Path,
                                          l40s_unpriced: Path) -> None:
    doc = run_json(capsys, "--hf-config", str(fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json"),
                   "--gpu", "H100", "--concurrency", "16", "--output-tokens", "256")
    assert doc["kv_pool_tokens"] == doc["kv_pool_bytes_per_gpu"] // (131_072 * 16) * 16
    assert doc["output_tokens"] == 256 and doc["input_tokens"] == 8192 - 256
    assert 0 < doc["decode_tokens_per_s"] <= doc["decode_bound_tokens_per_s"]
    assert doc["usd_per_mtok_output_self_hosted"] == pytest.approx(2.5 / 3600 / doc["decode_tokens_per_s"] * 1e6)
    assert doc["usd_per_mtok_input_self_hosted"] < doc["usd_per_mtok_output_self_hosted"]
    unpriced = run_json(capsys, "--hf-config", str(fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json"),
                        "--gpu", "L40S")
    assert unpriced["usd_per_mtok_output_self_hosted"] is None and unpriced["decode_tokens_per_s"] > 0


def test_llama_70b_two_h100_by_default(capsys: pytest.CaptureFixture[str], fixtures_dir: Path) -> None:
    doc = run_json(capsys, "--hf-config", str(fixtures_dir / "hf-config-corpus" / "meta-llama--Meta-Llama-3.1-70B.json"),
                   "--gpus", "2")
    assert doc["fits"] and doc["min_gpus"]["H100 80GB SXM"] == 2


def test_tp_vllm_refuses_is_refused_with_its_message(capsys: pytest.CaptureFixture[str], fixtures_dir: Path) -> None:
    rc = main(["gpu-fit", "--hf-config", str(fixtures_dir / "hf-config-corpus" / "Qwen--Qwen3-8B.json"), "--tp", "3"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "Total number of attention heads (32) must be divisible by tensor parallel size (3)." in err
