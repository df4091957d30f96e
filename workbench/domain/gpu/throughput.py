"""Throughput per replica (decode step time and prefill roofline) and the self-hosted cost per 1M tokens.

Decode (reference ``real-world-2026.md`` §2): one decode step of a batch of ``B`` sequences reads, on each of the
``TP`` GPUs of a replica,

``bytes_step = (W_dense + W_experts · f_E(B)) / TP + B · KV_request(T_avg, TP)``

where ``W_dense`` is every weight byte outside the routed experts, ``W_experts`` the routed-expert bytes and
``f_E(B) = 1 − (1 − k/E)^B`` the expected fraction of experts a batch of ``B`` tokens touches (top-``k`` of ``E``,
independent uniform routing); ``KV_request`` is the per-GPU KV of one sequence at its average context
``T_avg = input + output/2`` (sliding windows capped, linear/Mamba state included, :mod:`.kv`). The step takes

``t_step = t_0 + [TP > 1] · 2 · L · t_AR + max(bytes_step / (BW · η), 2 · B · active / (TP · F · η_prefill))``

(``t_0`` the engine's fixed per-step time — scheduling, sampling, launches; ``t_AR`` one tensor-parallel
all-reduce, two per layer; ``BW`` HBM bandwidth, ``η`` the fraction of it the weight and KV reads reach) and the
replica decodes ``B / t_step`` tokens/s. That never exceeds the physical bound ``B · BW / bytes_step``
(``t_0, t_AR ≥ 0``, ``η ≤ 1``).

Prefill (compute roofline): ``tokens/s = TP · F · η_prefill / (2 · active_params + 4 · L_attn · H_q · D · T_in/2)``
(``F`` = dense tensor TFLOP/s at the GEMMs' precision, :func:`compute_peak_tflops`: FP8 for an FP8 checkpoint on a
GPU with FP8 tensor cores, else BF16; the second term is causal attention at half the prompt on average).

Fit: :data:`STEP_OVERHEAD_S`, :data:`ALLREDUCE_S` and :data:`DECODE_EFFICIENCY` minimise the largest relative
error over the published cases of :mod:`.throughput_benchmarks` (vLLM 0.19.1 and vLLM's nightly latency tests on
H100, H200, A100 80GB and B200, NIM on 2 × H100; Llama 8B/70B dense, Mixtral and gpt-oss MoE; batch 1-8):
every case within :data:`BENCHMARK_TOLERANCE` (worst 14.0%). A single bandwidth fraction without ``t_0`` and
``t_AR`` missed the same cases by up to 305% (gpt-oss-20b at batch 1 on a B200 spends most of a 3.2 ms step
outside the weight reads). ``η_prefill`` = 0.50 is checked against one published prefill only
(:data:`PREFILL_BENCHMARKS`: NIM's FP8 time to first token, +11%); no BF16 prefill-only measurement with its setup
was found.

Self-hosted cost (full utilisation, one replica on the minimum GPUs that fit the load):
``$/1M input = GPUs · $/h / 3600 / prefill_tokens_per_s · 1e6``; ``$/1M output = GPUs · $/h / 3600 /
decode_tokens_per_s · 1e6`` (prefill time is charged to input tokens, decode time to output tokens).
"""

from __future__ import annotations

from pydantic import Field

from workbench.domain.architecture import ArchitectureSpec
from workbench.domain.gpu.base import FitInputError, _Frozen
from workbench.domain.gpu.catalog import GpuCatalog, GpuSpec
from workbench.domain.gpu.formats import KvDtype, WeightFormat, kv_dtype, weight_format
from workbench.domain.gpu.kv import _check_kv_dtype, _resolve_weights, fit_arrays, kv_request_bytes
from workbench.domain.gpu.matrix import min_gpus_array
from workbench.domain.gpu.throughput_benchmarks import FITTED_GPUS

#: Fraction of HBM bandwidth the weight and KV reads of a decode step reach (fitted; module docstring).
DECODE_EFFICIENCY = 0.88
#: Fixed time of one decode step outside the memory reads: scheduling, sampling, kernel launches (fitted), s.
STEP_OVERHEAD_S = 0.0024
#: One tensor-parallel all-reduce of a decode step; two per layer when TP > 1 (fitted), s.
ALLREDUCE_S = 36e-6
#: Fraction of dense BF16 peak reached in prefill (model FLOPs utilisation, MFU); not fitted.
PREFILL_EFFICIENCY = 0.50
#: Largest relative error of the fitted model on any case of :data:`BENCHMARKS`.
BENCHMARK_TOLERANCE = 0.15


class SelfHostedCost(_Frozen):
    """Self-hosted cost of one candidate on one GPU type (one replica, minimum GPUs that fit the load)."""

    gpu: str
    gpus: int = Field(gt=0)
    tp: int = Field(gt=0)
    usd_per_hour: float = Field(description="all GPUs of the replica")
    decode_tokens_per_s: float = Field(description="output tokens/s of the replica at the concurrency")
    decode_bound_tokens_per_s: float = Field(description="HBM bandwidth ÷ bytes per step (physical bound)")
    prefill_tokens_per_s: float
    usd_per_mtok_input: float
    usd_per_mtok_output: float
    concurrency: int
    basis: str


class Throughput(_Frozen):
    decode_tokens_per_s: float
    decode_bound_tokens_per_s: float
    prefill_tokens_per_s: float | None
    bytes_per_step_per_gpu: float


def _weight_split(spec: ArchitectureSpec, fmt: WeightFormat) -> tuple[float, float]:
    """(bytes outside the routed experts, routed-expert bytes) of the whole model."""
    counts = spec.parameter_counts()
    experts = (counts.routed_experts * fmt.bits_for("routed_experts")
               + counts.routed_expert_bias * fmt.bits_for("routed_expert_bias")) / 8
    total = 0.0
    for category in ("embedding", "lm_head", "attention", "linear_attention", "dense_mlp", "shared_experts",
                     "router", "small", "vision"):
        total += getattr(counts, category, 0) * fmt.bits_for(category) / 8
    # The input embedding is a lookup: one row per token is read, not the table.
    total -= counts.embedding * fmt.bits_for("embedding") / 8
    return total, experts


def expert_fraction(spec: ArchitectureSpec, batch: int) -> float:
    """``1 − (1 − k/E)^B``: expected fraction of routed experts a batch of ``B`` tokens reads."""
    if spec.moe is None:
        return 0.0
    k, e = spec.moe.experts_per_token, spec.moe.num_experts
    return 1.0 - (1.0 - k / e) ** max(1, batch)


def estimate_throughput(
    spec: ArchitectureSpec,
    gpu: GpuSpec,
    *,
    tp: int,
    batch: int,
    input_tokens: int,
    output_tokens: int,
    weights: str = "checkpoint",
    kv: str | KvDtype = "auto",
    decode_efficiency: float = DECODE_EFFICIENCY,
    prefill_efficiency: float = PREFILL_EFFICIENCY,
    step_overhead_s: float = STEP_OVERHEAD_S,
    allreduce_s: float = ALLREDUCE_S,
) -> Throughput:
    """Decode and prefill tokens/s of one replica of ``tp`` GPUs (formulas in the module docstring)."""
    if not (0 < decode_efficiency <= 1 and 0 < prefill_efficiency <= 1):
        raise FitInputError("efficiencies must be within (0, 1]")
    if step_overhead_s < 0 or allreduce_s < 0:
        raise FitInputError("step overhead and all-reduce time must be >= 0")
    if tp < 1 or batch < 1 or input_tokens < 0 or output_tokens < 1:
        raise FitInputError("tp and batch must be >= 1, input_tokens >= 0, output_tokens >= 1")
    fmt = weight_format(_resolve_weights(spec, weights))
    kvd = kv_dtype(kv) if isinstance(kv, str) else kv
    _check_kv_dtype(spec, kvd)
    dense_b, expert_b = _weight_split(spec, fmt)
    a = fit_arrays([spec], "bf16")
    t_avg = input_tokens + output_tokens / 2
    kv_seq = float(kv_request_bytes(a, t_avg, tp, kvd, "simple")[0])
    step_bytes = (dense_b + expert_b * expert_fraction(spec, batch)) / tp + batch * kv_seq
    bw = gpu.bandwidth_gb_s * 1e9
    bound = batch * bw / step_bytes
    counts = spec.parameter_counts()
    active = float(counts.active_excl_embedding)
    t_mem = step_bytes / (bw * decode_efficiency)
    prefill: float | None = None
    t_compute = 0.0
    peak = compute_peak_tflops(gpu, fmt)
    if peak is not None:
        flops = peak * 1e12 * prefill_efficiency
        t_compute = 2.0 * batch * active / tp / flops
        attn_layers = sum(spec.count(m) for m in ("full_attention", "sliding_attention", "chunked_attention", "mla"))
        attn = 4.0 * attn_layers * spec.num_attention_heads * spec.head_dim * input_tokens / 2
        prefill = tp * flops / (2.0 * active + attn)
    t_comm = 2 * spec.num_hidden_layers * allreduce_s if tp > 1 else 0.0
    decode = batch / (step_overhead_s + t_comm + max(t_mem, t_compute))
    return Throughput(
        decode_tokens_per_s=min(decode, bound),
        decode_bound_tokens_per_s=bound,
        prefill_tokens_per_s=prefill,
        bytes_per_step_per_gpu=step_bytes,
    )


def compute_peak_tflops(gpu: GpuSpec, fmt: WeightFormat) -> float | None:
    """Dense tensor throughput the GEMMs run at: FP8 for an FP8 checkpoint on a GPU with FP8 tensor cores (vLLM
    runs W8A8 FP8 GEMMs there), else BF16 (16-bit activations: BF16, INT4/FP4 weight-only, GGUF)."""
    if fmt.name == "fp8" and gpu.tflops_fp8_dense is not None:
        return gpu.tflops_fp8_dense
    return gpu.tflops_bf16_dense


def is_fitted_gpu(gpu: GpuSpec) -> bool:
    """Whether published results on this GPU type went into the fit (:data:`FITTED_GPUS`)."""
    return bool({gpu.name, *gpu.aliases} & FITTED_GPUS)


def _min_tp(spec: ArchitectureSpec, gpu: GpuSpec, context: int, concurrency: int, weights: str, kv: str,
            gpu_memory_utilization: float) -> int | None:
    fmt = weight_format(_resolve_weights(spec, weights))
    a = fit_arrays([spec], fmt.name)
    kvd = kv_dtype(kv)
    raw = min_gpus_array(a, [gpu], context, concurrency, kvd, gpu_memory_utilization)
    value = int(raw[0][0])
    return value or None


def self_hosted_cost(
    spec: ArchitectureSpec,
    gpu: GpuSpec | GpuCatalog,
    *,
    input_tokens: int,
    output_tokens: int,
    concurrency: int = 1,
    weights: str = "checkpoint",
    kv: str = "auto",
    gpu_memory_utilization: float = 0.92,
    tp: int | None = None,
) -> SelfHostedCost | None:
    """Cost per 1M input and output tokens of serving ``spec`` self-hosted (module docstring).

    ``gpu``: one GPU type, or a catalog (then the priced GPU type with the lowest output cost is chosen).
    The replica uses ``tp`` GPUs, or the fewest that fit ``concurrency`` sequences of ``input + output``
    tokens. Returns None when the GPU has no price, no compute figure, or nothing fits (never a guess).
    """
    if isinstance(gpu, GpuCatalog):
        options = [
            self_hosted_cost(spec, g, input_tokens=input_tokens, output_tokens=output_tokens,
                             concurrency=concurrency, weights=weights, kv=kv,
                             gpu_memory_utilization=gpu_memory_utilization, tp=tp)
            for g in gpu.gpus if g.usd_per_hour is not None
        ]
        found = [o for o in options if o is not None]
        return min(found, key=lambda o: (o.usd_per_mtok_output, o.usd_per_mtok_input)) if found else None
    if gpu.usd_per_hour is None or gpu.tflops_bf16_dense is None:
        return None
    context = max(1, input_tokens + output_tokens)
    n = tp or _min_tp(spec, gpu, context, concurrency, weights, kv, gpu_memory_utilization)
    if n is None:
        return None
    tput = estimate_throughput(spec, gpu, tp=n, batch=concurrency, input_tokens=input_tokens,
                               output_tokens=output_tokens, weights=weights, kv=kv)
    assert tput.prefill_tokens_per_s is not None
    usd_s = n * gpu.usd_per_hour / 3600.0
    basis = (
        f"self-hosted on {n} × {gpu.name} at ${gpu.usd_per_hour:.2f}/GPU-hour ({gpu.price_source}, "
        f"{gpu.price_date}); {concurrency} concurrent × {input_tokens:,} in / {output_tokens:,} out tokens; "
        f"decode {tput.decode_tokens_per_s:,.0f} tok/s ({STEP_OVERHEAD_S * 1e3:.1f} ms a step + reads at "
        f"{DECODE_EFFICIENCY:.0%} of HBM bandwidth), prefill "
        f"{tput.prefill_tokens_per_s:,.0f} tok/s (compute roofline × {PREFILL_EFFICIENCY:.0%}); full utilisation"
        + ("" if is_fitted_gpu(gpu) else f"; throughput unverified on {gpu.name}: the model is fitted to published "
           f"results on {', '.join(sorted(FITTED_GPUS))} only")
    )
    return SelfHostedCost(
        gpu=gpu.name,
        gpus=n,
        tp=n,
        usd_per_hour=n * gpu.usd_per_hour,
        decode_tokens_per_s=tput.decode_tokens_per_s,
        decode_bound_tokens_per_s=tput.decode_bound_tokens_per_s,
        prefill_tokens_per_s=tput.prefill_tokens_per_s,
        usd_per_mtok_input=usd_s / tput.prefill_tokens_per_s * 1e6,
        usd_per_mtok_output=usd_s / tput.decode_tokens_per_s * 1e6,
        concurrency=concurrency,
        basis=basis,
    )
