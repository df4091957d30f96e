"""One model on one GPU type: bytes per GPU, fit, max concurrency and context, vLLM flags."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from workbench.domain.architecture import ArchitectureSpec
from workbench.domain.gpu.base import MAX_CONTEXT, VOCAB_PADDING, FArr, FitInputError, IArr
from workbench.domain.gpu.catalog import GpuCatalog, GpuSpec
from workbench.domain.gpu.formats import KvDtype, WeightFormat, kv_dtype, weight_format
from workbench.domain.gpu.kv import (
    FitArrays,
    _check_kv_dtype,
    _resolve_weights,
    arrays_for_request,
    fit_arrays,
    kv_bytes_per_token,
    kv_bytes_per_token_by_layer_type,
    kv_pool_tokens_per_gpu_bytes,
    kv_request_bytes,
)
from workbench.domain.gpu.matrix import min_gpus, weights_and_overhead
from workbench.domain.gpu.overhead import OVERHEAD_MODELS, default_batched_tokens
from workbench.domain.gpu.request import FitRequest, FitResult
from workbench.domain.gpu.rule_of_thumb import naive_kv_shape, rule_of_thumb_bytes, seed_kv_bytes
from workbench.domain.gpu.throughput import estimate_throughput


@dataclass(frozen=True)
class _Setup:
    fmt: WeightFormat
    kv: KvDtype
    gpu: GpuSpec
    tp: int
    gpus: int
    replicas: int
    seqs: int
    util: float
    tokens: int


def validate_tp(spec: ArchitectureSpec, tp: int) -> None:
    """vLLM's tensor-parallel checks, refused with vLLM's own message quoted:

    * ``ModelConfig.verify_with_parallel_config``: "Total number of attention heads (H) must be divisible by
      tensor parallel size (TP)."
    * ``QKVParallelLinear``: KV heads divisible by TP, or TP divisible by KV heads (then replicated) — GQA only.
    * ``VocabParallelEmbedding``: the vocabulary padded to a multiple of 64 must split evenly over TP
      (``divide`` → "V is not divisible by TP").
    """
    if spec.num_attention_heads % tp:
        valid = [t for t in range(1, 65) if spec.num_attention_heads % t == 0]
        raise FitInputError(
            f"tp={tp} does not divide num_attention_heads={spec.num_attention_heads} — vLLM refuses: \"Total number "
            f"of attention heads ({spec.num_attention_heads}) must be divisible by tensor parallel size ({tp}).\" "
            f"TP sizes dividing the heads: {', '.join(map(str, valid))}"
        )
    if spec.mla is None:
        kvh = spec.num_key_value_heads
        if (kvh >= tp and kvh % tp) or (kvh < tp and tp % kvh):
            raise FitInputError(
                f"tp={tp} and num_key_value_heads={kvh}: one must divide the other (vLLM QKVParallelLinear)"
            )
    padded = -(-spec.vocab_size // VOCAB_PADDING) * VOCAB_PADDING
    if padded % tp:
        raise FitInputError(
            f"tp={tp}: vocab_size {spec.vocab_size:,} padded to {padded:,} (a multiple of {VOCAB_PADDING}) does not "
            f"split over {tp} GPUs — vLLM's VocabParallelEmbedding refuses: \"{padded} is not divisible by {tp}\""
        )


def valid_tp_sizes(spec: ArchitectureSpec, limit: int = 64) -> list[int]:
    """TP sizes up to ``limit`` that pass :func:`validate_tp`."""
    out = []
    for t in range(1, limit + 1):
        try:
            validate_tp(spec, t)
        except FitInputError:
            continue
        out.append(t)
    return out


def _setup(spec: ArchitectureSpec, req: FitRequest, catalog: GpuCatalog) -> _Setup:
    fmt = weight_format(_resolve_weights(spec, req.weights))
    kv = kv_dtype(req.kv_dtype)
    _check_kv_dtype(spec, kv)
    gpu = catalog.get(req.gpu)
    tp = req.tp or req.gpus or 1
    gpus = req.gpus or tp
    if gpus % tp:
        raise FitInputError(f"gpus={gpus} is not a multiple of tp={tp} (each replica uses tp GPUs)")
    validate_tp(spec, tp)
    replicas = gpus // tp
    seqs = -(-req.concurrency // replicas)
    if req.overhead in OVERHEAD_MODELS and OVERHEAD_MODELS[req.overhead].batched_tokens_default == "context":
        tokens = req.max_num_batched_tokens or req.context
    else:
        tokens = req.max_num_batched_tokens or int(default_batched_tokens(gpu.usable_bytes))
    if req.overhead not in OVERHEAD_MODELS:
        raise FitInputError(f"unknown overhead model {req.overhead!r}; valid: {', '.join(OVERHEAD_MODELS)}")
    util = 1.0 if OVERHEAD_MODELS[req.overhead].replaces_utilization else req.gpu_memory_utilization
    return _Setup(fmt, kv, gpu, tp, gpus, replicas, seqs, util, tokens)


def _pool_bytes(a: FitArrays, s: _Setup, overhead: str, tp: Any = None) -> tuple[FArr, FArr, FArr]:
    """(usable, weights per GPU, overhead per GPU) for the setup; pool = usable − weights − overhead."""
    usable = np.floor(s.gpu.usable_bytes * s.util) * np.ones_like(a.weights_bytes)
    w, ovh = weights_and_overhead(a, s.tp if tp is None else tp, overhead, s.tokens, s.gpu.usable_bytes)
    return usable, w, np.ceil(ovh)


def max_context_array(
    a: FitArrays, pool: FArr, seqs: Any, tp: Any, kv: KvDtype, rule: Literal["simple", "vllm"], tokens: Any
) -> IArr:
    """Largest T ≤ the model's max_position_embeddings with ``seqs·KV(T) ≤ pool`` (binary search, like vLLM's
    ``estimate_max_model_len``; KV(T) is non-decreasing). 0 when not even one token fits."""
    lo = np.zeros(np.broadcast(pool, a.max_pos).shape, dtype=np.float64)
    hi = np.broadcast_to(a.max_pos, lo.shape).astype(np.float64)
    seqs_a = np.asarray(seqs, dtype=np.float64)
    fits_hi = seqs_a * kv_request_bytes(a, hi, tp, kv, rule, tokens) <= pool
    lo = np.where(fits_hi, hi, lo)
    for _ in range(int(math.ceil(math.log2(MAX_CONTEXT))) + 2):
        mid = np.floor((lo + hi + 1) / 2)
        ok = (seqs_a * kv_request_bytes(a, mid, tp, kv, rule, tokens) <= pool) & (mid <= hi)
        lo = np.where(ok & ~fits_hi, mid, lo)
        hi = np.where(~ok & ~fits_hi, mid - 1, hi)
    return lo.astype(np.int64)


def evaluate_fit(spec: ArchitectureSpec, request: FitRequest, catalog: GpuCatalog) -> FitResult:
    """Full fit of one model on one GPU type: bytes per GPU, fits/headroom, max concurrency and context,
    minimum GPUs of every catalog type, vLLM flags and the seed's rule of thumb beside it."""
    s = _setup(spec, request, catalog)
    counts = spec.parameter_counts()
    a = arrays_for_request(spec, s.fmt.name, request.weights, request.checkpoint_bytes)
    usable, w, ovh = _pool_bytes(a, s, request.overhead)
    pool = usable - w - ovh
    per_req = kv_request_bytes(a, request.context, s.tp, s.kv, request.kv_rule, s.tokens)
    kv_gpu = float(per_req[0]) * s.seqs
    total = float(w[0] + ovh[0]) + kv_gpu
    fits = total <= float(usable[0])
    max_conc = 0 if pool[0] <= 0 else int(pool[0] // max(float(per_req[0]), 1.0)) * s.replicas
    max_ctx = int(max_context_array(a, pool, s.seqs, s.tp, s.kv, request.kv_rule, s.tokens)[0])
    limit = int(a.max_pos[0])
    limited_by: Literal["memory", "model", "none"] = (
        "none" if max_ctx == 0 else "model" if max_ctx >= limit else "memory"
    )
    by_type = kv_bytes_per_token_by_layer_type(spec, s.kv, 1)
    per_tok_gpu = kv_bytes_per_token(spec, s.kv, s.tp)

    naive_heads, naive_dim = naive_kv_shape(spec)
    rot_kv = seed_kv_bytes(
        spec.num_hidden_layers,
        naive_heads,
        naive_dim,
        request.context,
        request.concurrency,
        s.kv.bytes_per_element,
    )
    rot = rule_of_thumb_bytes(counts.total, s.fmt.nominal_bits / 8, rot_kv)
    detailed_total = int(round(total * s.gpus))

    notes = list(spec.assumptions)
    if request.checkpoint_bytes and int(a.weights_bytes[0]) == request.checkpoint_bytes:
        estimate = fit_arrays([spec], s.fmt.name).weights_bytes[0]
        notes.append(
            f"weights: {request.checkpoint_bytes:,} B exactly, from model.safetensors.index.json total_size "
            f"(params × bits gives {int(estimate):,} B, {request.checkpoint_bytes / estimate - 1:+.1%}; the file also "
            "holds MTP layers and quantisation scales)"
        )
    if request.context > limit:
        notes.append(
            f"context {request.context:,} exceeds max_position_embeddings {limit:,}: vLLM refuses it without "
            "an override"
        )
    if spec.mla is not None:
        notes.append(
            f"MLA caches one {spec.mla.latent_width}-wide latent per token per layer, replicated on every TP "
            f"rank; the naive formula counts {naive_heads} heads × {naive_dim} × 2 (K and V) per layer instead"
        )
    if s.tp > spec.num_key_value_heads and spec.mla is None:
        notes.append(f"TP {s.tp} > {spec.num_key_value_heads} KV heads: vLLM replicates KV heads (1 per GPU)")
    if OVERHEAD_MODELS[request.overhead].replaces_utilization:
        notes.append(
            "SGLang profile: the reserve replaces gpu_memory_utilization (budget = 100% minus reserve)"
        )
    if s.kv.vllm_value is None:
        notes.append(f"kv dtype {s.kv.name} is a llama.cpp cache type; vLLM has no equivalent flag")

    args = [
        "--tensor-parallel-size",
        str(s.tp),
        "--max-model-len",
        str(request.context),
        "--gpu-memory-utilization",
        f"{request.gpu_memory_utilization:.2f}",
        "--kv-cache-dtype",
        s.kv.vllm_value or "auto",
        "--max-num-seqs",
        str(s.seqs),
    ]
    if s.replicas > 1:
        args += ["--data-parallel-size", str(s.replicas)]
    if s.fmt.vllm_quantization and spec.checkpoint_format != s.fmt.name:
        args += ["--quantization", s.fmt.vllm_quantization]

    economics = _throughput_and_cost(spec, request, s, fits)
    pool_gpu = max(0.0, float(pool[0]))
    return FitResult(
        params_vision=counts.vision,
        verified=spec.verified,
        kv_pool_bytes_per_gpu=int(pool_gpu),
        kv_pool_tokens=kv_pool_tokens_per_gpu_bytes(spec, pool_gpu, s.kv, s.tp),
        **economics,
        model_type=spec.model_type,
        gpu=s.gpu.name,
        gpus=s.gpus,
        tp=s.tp,
        replicas=s.replicas,
        weights_format=s.fmt.name,
        kv_dtype=s.kv.name,
        context=request.context,
        concurrency=request.concurrency,
        sequences_per_replica=s.seqs,
        gpu_memory_utilization=s.util,
        overhead_model=request.overhead,
        kv_rule=request.kv_rule,
        params_total=counts.total,
        params_active=counts.active,
        params_active_excl_embedding=counts.active_excl_embedding,
        weights_bytes=int(a.weights_bytes[0]),
        weights_bytes_per_gpu=int(w[0]),
        kv_bytes_per_token=sum(by_type.values()),
        kv_bytes_per_token_per_gpu=per_tok_gpu,
        kv_bytes_per_token_by_layer_type=by_type,
        kv_state_bytes_per_request=spec.linear_state_bytes(1),
        kv_bytes_per_request_per_gpu=int(round(float(per_req[0]))),
        kv_bytes=int(round(kv_gpu * s.gpus)),
        kv_bytes_per_gpu=int(round(kv_gpu)),
        overhead_bytes=int(ovh[0]),
        total_bytes_per_gpu=int(round(total)),
        capacity_bytes_per_gpu=s.gpu.usable_bytes,
        usable_bytes_per_gpu=int(usable[0]),
        fits=bool(fits),
        headroom_bytes=int(round(float(usable[0]) - total)),
        headroom_fraction=(float(usable[0]) - total) / float(usable[0]),
        max_concurrency=max_conc,
        max_context=max_ctx,
        max_context_limited_by=limited_by,
        min_gpus=min_gpus(spec, request, catalog),
        vllm_args=args,
        rule_of_thumb_bytes=int(round(rot)),
        rule_of_thumb_kv_bytes=rot_kv,
        detailed_total_bytes=detailed_total,
        rule_of_thumb_difference_bytes=int(round(rot)) - detailed_total,
        notes=notes,
    )


def concurrency_context_curve(
    spec: ArchitectureSpec, request: FitRequest, catalog: GpuCatalog, contexts: Sequence[int]
) -> list[dict[str, int]]:
    """Max concurrent sequences at each context length (the fit boundary of the concurrency-vs-context chart)."""
    s = _setup(spec, request, catalog)
    a = arrays_for_request(spec, s.fmt.name, request.weights, request.checkpoint_bytes)
    usable, w, ovh = _pool_bytes(a, s, request.overhead)
    pool = float((usable - w - ovh)[0])
    t = np.asarray(contexts, dtype=np.float64)
    per_req = kv_request_bytes(a, t, s.tp, s.kv, request.kv_rule, s.tokens)
    conc = np.where(pool > 0, np.floor(pool / np.maximum(per_req, 1.0)), 0) * s.replicas
    return [
        {"context": int(c), "max_concurrency": int(k)} for c, k in zip(contexts, conc.tolist(), strict=True)
    ]


def _throughput_and_cost(spec: ArchitectureSpec, request: FitRequest, s: _Setup, fits: bool) -> dict[str, Any]:
    """Decode/prefill tokens/s of the whole deployment (replicas × one replica's rooflines) and $/1M tokens at
    the GPU's catalog price; None where the setup does not fit or the catalog has no price/compute figure."""
    out_tok = request.output_tokens or max(1, min(512, request.context // 2))
    in_tok = max(0, request.context - out_tok)
    out: dict[str, Any] = {"input_tokens": in_tok, "output_tokens": out_tok}
    if not fits:
        return out
    t = estimate_throughput(spec, s.gpu, tp=s.tp, batch=s.seqs, input_tokens=in_tok, output_tokens=out_tok,
                            weights=s.fmt.name, kv=s.kv)
    decode = t.decode_tokens_per_s * s.replicas
    out.update(decode_tokens_per_s=decode, decode_bound_tokens_per_s=t.decode_bound_tokens_per_s * s.replicas)
    if t.prefill_tokens_per_s is not None:
        out["prefill_tokens_per_s"] = t.prefill_tokens_per_s * s.replicas
    if s.gpu.usd_per_hour is not None and t.prefill_tokens_per_s is not None:
        usd_s = s.gpus * s.gpu.usd_per_hour / 3600.0
        out.update(
            usd_per_hour=s.gpus * s.gpu.usd_per_hour,
            usd_per_mtok_input_self_hosted=usd_s / out["prefill_tokens_per_s"] * 1e6,
            usd_per_mtok_output_self_hosted=usd_s / decode * 1e6,
            self_hosted_basis=f"{s.gpus} × {s.gpu.name} at ${s.gpu.usd_per_hour:.2f}/GPU-hour ({s.gpu.price_source}, "
            f"{s.gpu.price_date}); decode at {request.concurrency} concurrent, full utilisation; "
            "prefill time charged to input tokens, decode time to output tokens",
        )
    return out
