"""Benchmark: fit matrix of 500 candidates × 10 GPU types (target ≤ 50 ms median)."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import numpy as np

from workbench.domain.architecture import ArchitectureSpec
from workbench.domain.gpu import FitArrays, fit_arrays, kv_dtype, min_gpus_array
from workbench.io.gpus import load_gpu_catalog
from workbench.io.hf_config import parse_hf_config

TARGET_MS = 50.0
_FIXTURES = Path(__file__).resolve().parents[2] / "data" / "hf-configs"  # shipped configs


def _base_specs() -> list[ArchitectureSpec]:
    """The shipped configs (data/hf-configs) when present, else a synthetic Llama-like config."""
    specs = []
    if _FIXTURES.is_dir():
        for path in sorted(_FIXTURES.glob("*.config.json")):
            specs.append(parse_hf_config(json.loads(path.read_text())))
    if not specs:
        specs.append(
            parse_hf_config(
                {
                    "model_type": "llama",
                    "num_hidden_layers": 32,
                    "hidden_size": 4096,
                    "num_attention_heads": 32,
                    "num_key_value_heads": 8,
                    "vocab_size": 128256,
                    "intermediate_size": 14336,
                }
            )
        )
    return specs


def candidate_arrays(n: int = 500) -> FitArrays:
    """n candidates: the base configs repeated with weights scaled, so sizes spread across the GPU range."""
    base = _base_specs()
    specs = [base[i % len(base)] for i in range(n)]
    fmts = ["bf16", "fp8", "gptq-int4-g128", "q4_k_m"]
    a = fit_arrays(specs, [fmts[i % len(fmts)] for i in range(n)], [f"c{i}" for i in range(n)])
    scale = np.linspace(0.1, 6.0, n)
    object.__setattr__(a, "weights_bytes", a.weights_bytes * scale)
    return a


def run(quick: bool = False) -> list[dict[str, object]]:
    gpus = load_gpu_catalog().gpus[:10]
    a = candidate_arrays(500)
    kv = kv_dtype("bf16")
    min_gpus_array(a, gpus, 32768, 8, kv)  # warm-up
    times = []
    for _ in range(5 if quick else 30):
        t0 = time.perf_counter()
        min_gpus_array(a, gpus, 32768, 8, kv)
        times.append((time.perf_counter() - t0) * 1000)
    median = statistics.median(times)
    return [
        {
            "name": "gpu fit matrix 500 candidates x 10 GPU types",
            "median_ms": median,
            "target_ms": TARGET_MS,
            "passed": median <= TARGET_MS,
            "candidates": len(a),
            "gpu_types": len(gpus),
        }
    ]
