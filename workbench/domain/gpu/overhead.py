"""Per-GPU runtime overhead profiles (vLLM, kvplan, aiconfigurator, SGLang, seed): activations, non-torch memory, CUDA graphs."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field

from workbench.domain.gpu.base import GIB, MIB, FArr, FitInputError, _Frozen

# ============================================================================ overhead models


class OverheadModel(_Frozen):
    name: str
    label: str
    description: str
    source: str
    replaces_utilization: bool = False
    batched_tokens_default: str = Field(
        default="engine", description="'engine': vLLM's max_num_batched_tokens default; 'context': max_model_len "
        "(the legacy V0 engine without chunked prefill profiles a whole prompt)"
    )


OVERHEAD_MODELS: dict[str, OverheadModel] = {
    m.name: m
    for m in (
        OverheadModel(
            name="vllm",
            label="vLLM V1 (calibrated to start-up logs)",
            description="activation peak 2·T·(heads·head_dim)·2.2·coef(TP) (coef 11/6.5/5 at TP 1/2/≥4, T = "
            "max_num_batched_tokens) + non-torch 0.25 GiB + CUDA graphs 0.25 GiB, per GPU, at every TP size",
            source="fitted to vLLM start-up logs (tests/domain/test_gpu_calibration.py): activation peaks 1.26 GiB "
            "Llama-3-8B (PR #10511), 1.26 GiB DeepSeek-V2-Lite (PR #10927), 2.23 GiB Qwen3-14B (v0.17); non-torch "
            "0.10 GiB at TP1 (#12330) and 0.2-0.25 GiB at TP2 (#13061, PR #14447); CUDA graphs: kvplan README",
        ),
        OverheadModel(
            name="vllm-v0",
            label="vLLM V0 (legacy engine, no chunked prefill)",
            description="the vllm profile without the CUDA-graph estimate, plus fp32 logits of every profiled "
            "token T·vocab·8 B (logits + their softmax), T = max_model_len",
            source="fitted to vLLM issue #12330 (A100-40GB, Llama-3-8B: activation peak 9.37 GiB, KV 11.12 GiB)",
            batched_tokens_default="context",
        ),
        OverheadModel(
            name="kvplan",
            label="kvplan (lean)",
            description="activation peak + torch.compile 0.11 + CUDA graphs 0.25 + other 0.25 GiB, per GPU",
            source="kvplan README runtime breakdown for Llama-3.1-8B on L4 (reference §11.4)",
        ),
        OverheadModel(
            name="aiconfigurator",
            label="NVIDIA aiconfigurator",
            description="activation peak + NCCL (0/342/392 MB at TP 1/2/≥4) + other 3.5 GiB, per GPU",
            source="ai-dynamo/aiconfigurator sdk/backends/base_backend.py, H200 yaml (reference §6)",
        ),
        OverheadModel(
            name="sglang",
            label="SGLang reserve",
            description="reserved = 512 + max(chunked_prefill, 2048)·1.5 + cuda_graph_bs(256)·2 + TP/8·1024 MiB, "
            "at least 10 GiB on GPUs > 60 GB; replaces gpu_memory_utilization (mem_fraction_static)",
            source="sglang server_args._handle_gpu_memory_settings, PR #10975 (reference §6)",
            replaces_utilization=True,
        ),
        OverheadModel(
            name="seed",
            label="Seed rule (18% of weights)",
            description="0.18 × weights per GPU (the seed's ×1.18 safety margin)",
            source="seed 002, Physical GPU Arithmetic",
        ),
    )
}

# aiconfigurator activation coefficients by family and min(TP, 8): LLAMA {1:11,2:6.5,4:5,8:5}; MOE {1:22,2:13,4:10,8:10}
_COEF_DENSE = np.array([0, 11, 6.5, 6.5, 5, 5, 5, 5, 5], dtype=np.float64)
_COEF_MOE = np.array([0, 22, 13, 13, 10, 10, 10, 10, 10], dtype=np.float64)


def default_batched_tokens(capacity_bytes: Any) -> Any:
    """vLLM's default ``max_num_batched_tokens`` for the OpenAI server: 8192 on GPUs with ≥ 70 GiB, else 2048
    (vllm ``engine/arg_utils.py`` usage-context defaults)."""
    return np.where(np.asarray(capacity_bytes) >= 70 * GIB, 8192, 2048)


#: Scale of the aiconfigurator dense coefficients that fits vLLM's logged activation peaks (profile "vllm").
VLLM_ACTIVATION_SCALE = 2.2
NON_TORCH_BYTES = 0.25 * GIB  #: vLLM non-torch memory per GPU (#12330: 0.10 at TP1; #13061/PR #14447: 0.2-0.25 at TP2)
CUDA_GRAPH_BYTES = 0.25 * GIB  #: vLLM CUDA-graph estimate (kvplan README, reference §11.4)


def vllm_activation_bytes(attn_width: Any, tp: Any, tokens: Any) -> FArr:
    """vLLM's profiled activation peak per GPU: ``max(70 MiB, 2·T·(heads·head_dim)·2.2·coef_dense[min(TP,8)])``.

    The aiconfigurator shape (reference §6) with one scale fitted to vLLM logs (profile ``vllm`` description);
    its error on the logged peaks is +20% (Llama-3-8B), −10% (DeepSeek-V2-Lite), −15% (Qwen3-14B), i.e.
    under 0.4 GiB, about 0.7% of an 80 GB GPU's KV pool."""
    idx = np.clip(np.asarray(tp, dtype=np.int64), 1, 8)
    act = 2.0 * np.asarray(tokens) * np.asarray(attn_width) * _COEF_DENSE[idx] * VLLM_ACTIVATION_SCALE
    return np.asarray(np.maximum(70 * MIB, act), dtype=np.float64)


def activation_bytes(attn_width: Any, is_moe: Any, tp: Any, tokens: Any) -> FArr:
    """Peak activations per GPU: ``max(70 MiB, 2·tokens·(heads·head_dim)·coef[family][min(TP,8)])`` bytes
    (aiconfigurator ``_get_memory_usage``; reference §6)."""
    idx = np.clip(np.asarray(tp, dtype=np.int64), 1, 8)
    coef = np.where(np.asarray(is_moe, dtype=bool), _COEF_MOE[idx], _COEF_DENSE[idx])
    return np.maximum(70 * MIB, 2.0 * np.asarray(tokens) * np.asarray(attn_width) * coef)


def overhead_bytes(
    model: str,
    *,
    attn_width: Any,
    is_moe: Any,
    weights_bytes_total: Any,
    tp: Any,
    tokens: Any,
    capacity_bytes: Any,
    vocab: Any = 0,
) -> FArr:
    """Per-GPU non-weight, non-KV memory under the chosen profile (formulas in :data:`OVERHEAD_MODELS`).

    All arguments broadcast (numpy), so one call covers candidates × GPU types × TP sizes.
    """
    if model not in OVERHEAD_MODELS:
        raise FitInputError(f"unknown overhead model {model!r}; valid: {', '.join(OVERHEAD_MODELS)}")
    tp_a = np.asarray(tp, dtype=np.int64)
    act = activation_bytes(attn_width, is_moe, tp_a, tokens)
    if model == "vllm":
        return vllm_activation_bytes(attn_width, tp_a, tokens) + NON_TORCH_BYTES + CUDA_GRAPH_BYTES
    if model == "vllm-v0":
        logits = np.asarray(tokens) * np.asarray(vocab) * 8.0
        return vllm_activation_bytes(attn_width, tp_a, tokens) + logits + NON_TORCH_BYTES
    if model == "kvplan":
        return np.asarray(act + 0.61 * GIB, dtype=np.float64)
    if model == "aiconfigurator":
        nccl = np.select([tp_a >= 4, tp_a >= 2], [392e6, 342e6], 0.0)
        return np.asarray(act + nccl + 3.5 * GIB, dtype=np.float64)
    if model == "sglang":
        reserved = (512 + np.maximum(np.asarray(tokens), 2048) * 1.5 + 256 * 2 + tp_a / 8 * 1024) * MIB
        big = np.asarray(capacity_bytes) > 60e9
        return np.asarray(np.where(big, np.maximum(reserved, 10 * GIB), reserved), dtype=np.float64)
    # seed
    return np.asarray(0.18 * np.asarray(weights_bytes_total) / tp_a, dtype=np.float64)

