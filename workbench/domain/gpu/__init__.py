"""GPU memory fit, throughput and self-hosted cost, following vLLM's rules (reference ``gpu-memory.md``).

One job per module: :mod:`.base` (units, limits, error), :mod:`.formats` (weight formats, KV dtypes),
:mod:`.catalog` (GPU types), :mod:`.overhead` (runtime overhead profiles), :mod:`.kv` (per-layer KV arithmetic),
:mod:`.request` (fit inputs/outputs), :mod:`.fit` (one model on one GPU), :mod:`.matrix` (candidates × GPUs ×
TP in one numpy pass), :mod:`.rule_of_thumb` (the seed's ×1.18 rule), :mod:`.throughput` (decode/prefill
rooflines, $/1M tokens self-hosted). Everything is in bytes.

Sources (see ``reference/gpu-memory.md``; section numbers below refer to it):

* Budget (§1, vLLM ``gpu_worker.determine_available_memory``): ``usable = total_gpu_memory × gpu_memory_utilization``
  where ``total_gpu_memory`` is what the CUDA/ROCm runtime reports (the catalog's ``usable_gib``), not the
  nameplate. ``KV pool = usable − weights/TP − overhead``.
* KV per token per layer (§2/§3, vLLM ``kv_cache_interface.py``): GQA/MHA ``2·max(1, H_kv // TP)·D·bytes``;
  MLA ``(kv_lora_rank + qk_rope_head_dim)·bytes`` with no ×2, replicated on every TP rank; ``fp8_ds_mla`` is
  656 B per token per layer; linear attention / Mamba keep a fixed per-request state instead.
* Per-request KV for context ``T`` (§3), two rules:
  ``simple``: ``Σ_full b·T + Σ_sliding b·min(T, window) + Σ_chunked b·min(T, chunk) + state``;
  ``vllm`` (reservation, §2): full/MLA ``cdiv(T,16)·16``, sliding ``(cdiv(min(window−1+N, T),16)+1)·16``,
  chunked ``cdiv(min(chunk+N, T),16)·16`` tokens, ``N = max_num_batched_tokens``.
* Weights (§7): ``Σ_category params × bits / 8`` with each format's real bits per weight; embeddings,
  lm_head, norms, routers stay 16-bit unless the format (GGUF) quantises them.
* Overhead (§1, §6): a selectable, stated profile (:data:`OVERHEAD_MODELS`) — never one flat factor.
* Seed rule of thumb (seed 002, "Physical GPU Arithmetic"): ``V_total ≈ P·B·1.18 + V_kv`` with
  ``V_kv ≈ 2·L·H_kv·D·ctx·batch·B_el`` — shown beside the detailed figure.

Everything is in bytes. Vectorised functions take numpy arrays over candidates (and GPU types, TP sizes)
so the fit matrix needs no Python loop per candidate.
"""

from workbench.domain.gpu.base import (
    BLOCK,
    GIB,
    MAX_CONCURRENCY,
    MAX_CONTEXT,
    MAX_GPUS,
    MIB,
    TP_CANDIDATES,
    FArr,
    FitInputError,
    IArr,
)
from workbench.domain.gpu.catalog import (
    GpuCatalog,
    GpuSpec,
)
from workbench.domain.gpu.fit import (
    concurrency_context_curve,
    evaluate_fit,
    max_context_array,
    valid_tp_sizes,
    validate_tp,
)
from workbench.domain.gpu.formats import (
    ALL_MATRICES,
    CATEGORIES,
    KV_DTYPES,
    LINEAR_CATEGORIES,
    WEIGHT_FORMATS,
    KvDtype,
    WeightFormat,
    kv_dtype,
    weight_format,
    weights_bytes,
)
from workbench.domain.gpu.kv import (
    FitArrays,
    _resolve_weights,
    fit_arrays,
    kv_bytes_for_load,
    kv_bytes_per_token,
    kv_bytes_per_token_by_layer_type,
    kv_pool_tokens_per_gpu_bytes,
    kv_request_bytes,
)
from workbench.domain.gpu.matrix import (
    FitMatrixTable,
    broadcast_candidates,
    fit_matrix,
    fit_matrix_table,
    min_gpus,
    min_gpus_array,
    per_gpu_totals,
    resolved_weight_format,
    weights_and_overhead,
)
from workbench.domain.gpu.overhead import (
    OVERHEAD_MODELS,
    OverheadModel,
    activation_bytes,
    default_batched_tokens,
    overhead_bytes,
)
from workbench.domain.gpu.request import (
    FitRequest,
    FitResult,
)
from workbench.domain.gpu.rule_of_thumb import (
    naive_kv_shape,
    rule_of_thumb_bytes,
    seed_kv_bytes,
)
from workbench.domain.gpu.throughput import (
    ALLREDUCE_S,
    BENCHMARK_TOLERANCE,
    DECODE_EFFICIENCY,
    PREFILL_EFFICIENCY,
    STEP_OVERHEAD_S,
    SelfHostedCost,
    Throughput,
    compute_peak_tflops,
    estimate_throughput,
    expert_fraction,
    is_fitted_gpu,
    self_hosted_cost,
)
from workbench.domain.gpu.throughput_benchmarks import (
    BENCHMARKS,
    FITTED_GPUS,
    HELD_OUT,
    NOT_FITTED,
    PREFILL_BENCHMARKS,
    Benchmark,
)

__all__ = [
    "FitMatrixTable",
    "fit_matrix_table",
    "resolved_weight_format",
    "kv_pool_tokens_per_gpu_bytes",
    "ALLREDUCE_S",
    "BENCHMARKS",
    "BENCHMARK_TOLERANCE",
    "NOT_FITTED",
    "FITTED_GPUS",
    "HELD_OUT",
    "PREFILL_BENCHMARKS",
    "compute_peak_tflops",
    "is_fitted_gpu",
    "STEP_OVERHEAD_S",
    "DECODE_EFFICIENCY",
    "PREFILL_EFFICIENCY",
    "Benchmark",
    "SelfHostedCost",
    "Throughput",
    "estimate_throughput",
    "expert_fraction",
    "self_hosted_cost",
    "ALL_MATRICES",
    "BLOCK",
    "CATEGORIES",
    "FArr",
    "FitArrays",
    "FitInputError",
    "FitRequest",
    "FitResult",
    "GIB",
    "GpuCatalog",
    "GpuSpec",
    "IArr",
    "KV_DTYPES",
    "KvDtype",
    "LINEAR_CATEGORIES",
    "MAX_CONCURRENCY",
    "MAX_CONTEXT",
    "MAX_GPUS",
    "MIB",
    "OVERHEAD_MODELS",
    "OverheadModel",
    "TP_CANDIDATES",
    "WEIGHT_FORMATS",
    "WeightFormat",
    "_resolve_weights",
    "activation_bytes",
    "broadcast_candidates",
    "concurrency_context_curve",
    "default_batched_tokens",
    "evaluate_fit",
    "fit_arrays",
    "fit_matrix",
    "kv_bytes_for_load",
    "kv_bytes_per_token",
    "kv_bytes_per_token_by_layer_type",
    "kv_dtype",
    "kv_request_bytes",
    "max_context_array",
    "min_gpus",
    "min_gpus_array",
    "naive_kv_shape",
    "overhead_bytes",
    "per_gpu_totals",
    "rule_of_thumb_bytes",
    "seed_kv_bytes",
    "valid_tp_sizes",
    "validate_tp",
    "weight_format",
    "weights_and_overhead",
    "weights_bytes",
]
