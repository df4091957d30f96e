"""The ranking's GPU-fit constraint: which candidates fit on ≤ N × GPU at context C × concurrency K, and why not."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workbench.domain.gpu import GIB, FitInputError, FitRequest, evaluate_fit, fit_arrays, fit_matrix
from workbench.domain.gpu_constraint import (
    CLOSED_WEIGHTS,
    UNKNOWN_ARCHITECTURE,
    format_context,
    gpu_fit_violations,
    per_gpu_bytes_by_tp,
)
from workbench.domain.models import Candidate, GpuFitConstraint
from workbench.io.gpus import load_gpu_catalog
from workbench.io.hf_config import parse_hf_config

FAMILIES = (
    "Llama-3.1-8B",
    "Mixtral-8x7B-v0.1",
    "DeepSeek-V2-Lite",
    "Gemma-2-9B",
    "gpt-oss-20b",
    "Qwen3-Next-80B-A3B-Instruct",
)


def _config(fixtures_dir: Path, name: str) -> dict[str, object]:
    return json.loads((fixtures_dir / "hf-configs" / f"{name}.config.json").read_text())


def _candidate(fixtures_dir: Path, name: str) -> Candidate:
    return Candidate(name=name, open_weights=True, architecture=_config(fixtures_dir, name))


@pytest.fixture(scope="module")
def catalog():
    return load_gpu_catalog()


def test_llama_8b_worked_example(fixtures_dir: Path, catalog) -> None:
    """Llama-3.1-8B, BF16: KV 131,072 B/token (reference §4) → 32K × 16 = 64 GiB of KV; weights
    8,030,261,248 × 2 B = 14.96 GiB. On one H100 (79.1 GiB × 0.90 = 71.19 GiB usable) that cannot fit;
    TP 2 halves weights and KV (8 KV heads split 4 + 4), so 2 GPUs do."""
    llama = [_candidate(fixtures_dir, "Llama-3.1-8B")]
    one = gpu_fit_violations(llama, GpuFitConstraint(gpu="H100", max_gpus=1), catalog, parse=parse_hf_config)["Llama-3.1-8B"]
    assert one is not None
    assert one.startswith("needs 2 × H100 80GB SXM at 32K context × 16 concurrent; limit 1 (1 GPU: ")
    per_gpu = float(re.search(r"([\d.]+) GiB per GPU", one).group(1))  # type: ignore[union-attr]
    kv = 16 * 32768 * 131_072
    assert kv == 64 * GIB
    weights = 8_030_261_248 * 2
    # vLLM overhead profile: activations 2·8192 tokens·4096·11·2.2 B (calibrated, TP1) + non-torch 0.25 GiB
    # + CUDA graphs 0.25 GiB
    overhead = 2 * 8192 * 4096 * 11 * 2.2 + (0.25 + 0.25) * GIB
    assert per_gpu == pytest.approx((kv + weights + overhead) / GIB, abs=0.05)  # 81.0 GiB
    assert "71.2 GiB usable" in one
    assert gpu_fit_violations(llama, GpuFitConstraint(gpu="H100", max_gpus=2), catalog, parse=parse_hf_config) == {"Llama-3.1-8B": None}


def test_per_gpu_total_equals_the_single_fit(fixtures_dir: Path, catalog) -> None:
    """The vectorised grid reproduces evaluate_fit's total per GPU at every valid TP (same formulas)."""
    specs = [parse_hf_config(_config(fixtures_dir, n)) for n in FAMILIES]
    a = fit_arrays(specs, "bf16", list(FAMILIES))
    gpu = catalog.get("H200")
    total, valid = per_gpu_bytes_by_tp(a, gpu.usable_bytes, 8192, 4, "bf16", tps=(1, 2, 4, 8))
    for i, spec in enumerate(specs):
        for j, tp in enumerate((1, 2, 4, 8)):
            if not valid[i, j]:
                continue
            r = evaluate_fit(spec, FitRequest(weights="bf16", context=8192, concurrency=4, gpu="H200", tp=tp), catalog)
            assert total[i, j] == pytest.approx(r.total_bytes_per_gpu, abs=2), (FAMILIES[i], tp)


@pytest.mark.parametrize("gpu", ["H100", "L4", "A100 40GB", "MI300X"])
def test_agrees_with_the_fit_matrix(fixtures_dir: Path, catalog, gpu: str) -> None:
    """A candidate passes with max_gpus = N exactly when the fit matrix's minimum for that GPU is ≤ N."""
    cands = [_candidate(fixtures_dir, n) for n in FAMILIES]
    specs = [parse_hf_config(c.architecture) for c in cands]  # type: ignore[arg-type]
    context, concurrency = 4096, 8  # within every model's max_position_embeddings (Gemma 2: 8,192)
    matrix = fit_matrix(fit_arrays(specs, "bf16"), [catalog.get(gpu)], context, concurrency)
    for limit in (1, 2, 4, 8):
        c = GpuFitConstraint(gpu=gpu, max_gpus=limit, context_tokens=context, concurrency=concurrency)
        got = gpu_fit_violations(cands, c, catalog, parse=parse_hf_config)
        for name, row in zip(FAMILIES, matrix, strict=True):
            expected_ok = row[0] is not None and row[0] <= limit
            assert (got[name] is None) == expected_ok, (name, limit, row[0], got[name])
            if row[0] is not None and row[0] > limit:
                assert got[name].startswith(f"needs {row[0]} × ")  # type: ignore[union-attr]


def test_does_not_fit_reason_names_the_largest_configuration(fixtures_dir: Path, catalog) -> None:
    qwen = [_candidate(fixtures_dir, "Qwen3-Next-80B-A3B-Instruct")]
    # 80B parameters in BF16 (~148 GiB) plus 256K × 64 sequences of KV: no TP size up to 64 L4s fits,
    # so the reason gives the per-GPU figure of the largest configuration within the limit (8 × L4).
    c = GpuFitConstraint(gpu="L4", max_gpus=8, context_tokens=262_144, concurrency=64)
    reason = gpu_fit_violations(qwen, c, catalog, parse=parse_hf_config)["Qwen3-Next-80B-A3B-Instruct"]
    assert reason is not None and reason.startswith("does not fit on 8 × L4 at 256K context × 64 concurrent: ")
    m = re.search(r"([\d.]+) GiB per GPU > ([\d.]+) GiB usable", reason)
    assert m and float(m.group(1)) > float(m.group(2))
    assert float(m.group(2)) == pytest.approx(22.49 * 0.90, abs=0.05)


def test_tp_must_divide_heads(fixtures_dir: Path, catalog) -> None:
    """40 heads: TP 8 is valid, 3 and 6 are not; a limit of 6 GPUs uses TP 4 at most (the reason says so)."""
    cfg = dict(_config(fixtures_dir, "Llama-3.1-8B"), num_attention_heads=40, num_key_value_heads=8,
               hidden_size=5120, head_dim=128, num_hidden_layers=80)
    big = [Candidate(name="big", open_weights=True, architecture=cfg)]
    reason = gpu_fit_violations(big, GpuFitConstraint(gpu="L4", max_gpus=6, context_tokens=131_072), catalog, parse=parse_hf_config)["big"]
    assert reason is not None and "on 4 × L4 (largest tensor-parallel size ≤ 6 the model allows)" in reason


def test_reasons_for_candidates_that_cannot_be_evaluated(fixtures_dir: Path, catalog) -> None:
    llama = _config(fixtures_dir, "Llama-3.1-8B")
    broken = {k: v for k, v in llama.items() if k != "num_hidden_layers"}
    cands = [
        Candidate(name="api", open_weights=False),
        Candidate(name="unknown", open_weights=True),
        Candidate(name="broken", open_weights=True, architecture=broken),
        Candidate(name="gemma", open_weights=True, architecture=_config(fixtures_dir, "Gemma-2-9B")),
    ]
    got = gpu_fit_violations(cands, GpuFitConstraint(gpu="H200", max_gpus=8, context_tokens=32_768), catalog, parse=parse_hf_config)
    assert got["api"] == CLOSED_WEIGHTS == "closed weights: cannot self-host"
    assert got["unknown"] == UNKNOWN_ARCHITECTURE == "architecture unknown: import its config.json"
    assert got["broken"] is not None and "num_hidden_layers" in got["broken"]
    assert got["gemma"] == "context 32,768 tokens exceeds the model's max_position_embeddings 8,192"
    assert list(got) == ["api", "unknown", "broken", "gemma"]


def test_mla_only_kv_dtype(fixtures_dir: Path, catalog) -> None:
    cands = [_candidate(fixtures_dir, "DeepSeek-V2-Lite"), _candidate(fixtures_dir, "Llama-3.1-8B")]
    c = GpuFitConstraint(gpu="H100", max_gpus=8, context_tokens=8192, concurrency=4, kv_dtype="fp8_ds_mla")
    got = gpu_fit_violations(cands, c, catalog, parse=parse_hf_config)
    assert got["DeepSeek-V2-Lite"] is None
    assert got["Llama-3.1-8B"] is not None and "only to MLA" in got["Llama-3.1-8B"]


def test_weight_format_and_kv_dtype_change_the_verdict(fixtures_dir: Path, catalog) -> None:
    mixtral = [_candidate(fixtures_dir, "Mixtral-8x7B-v0.1")]
    base = {"gpu": "H100", "max_gpus": 1, "context_tokens": 8192, "concurrency": 8}
    assert gpu_fit_violations(mixtral, GpuFitConstraint(**base), catalog, parse=parse_hf_config)["Mixtral-8x7B-v0.1"] is not None
    small = GpuFitConstraint(**base, weights_format="awq-int4-g128", kv_dtype="fp8")
    assert gpu_fit_violations(mixtral, small, catalog, parse=parse_hf_config) == {"Mixtral-8x7B-v0.1": None}


@pytest.mark.parametrize(
    ("field", "change"),
    [("gpu_fit.gpu", {"gpu": "H100 80GB PCIe-ish"}), ("gpu_fit.weights_format", {"weights_format": "fp3"}),
     ("gpu_fit.kv_dtype", {"kv_dtype": "int3"})],
)
def test_bad_constraint_fields_raise_naming_the_field(catalog, field: str, change: dict[str, str]) -> None:
    with pytest.raises(FitInputError, match=re.escape(field)):
        gpu_fit_violations([Candidate(name="x")], GpuFitConstraint(**{"gpu": "H100", **change}), catalog, parse=parse_hf_config)


def test_many_candidates_in_one_pass(fixtures_dir: Path, catalog) -> None:
    cands = [
        Candidate(name=f"{n}-{i}", open_weights=True, architecture=_config(fixtures_dir, n))
        for i in range(20)
        for n in ("Llama-3.1-8B", "gpt-oss-20b")
    ]
    got = gpu_fit_violations(cands, GpuFitConstraint(gpu="H100", max_gpus=1), catalog, parse=parse_hf_config)
    assert sum(v is None for v in got.values()) == 20  # every gpt-oss copy fits, no Llama copy does
    assert all(got[f"gpt-oss-20b-{i}"] is None for i in range(20))


def test_format_context() -> None:
    assert [format_context(n) for n in (32_768, 131_072, 1_048_576, 32_000, 500)] == [
        "32K", "128K", "1M", "32,000", "500"]
