"""Candidates × GPU types × TP sizes in one numpy pass: minimum GPUs, per-GPU totals (the fit matrix)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from workbench.domain.architecture import ArchitectureSpec
from workbench.domain.gpu.base import TP_CANDIDATES, VOCAB_PADDING, FArr, FitInputError, IArr
from workbench.domain.gpu.catalog import GpuCatalog, GpuSpec
from workbench.domain.gpu.formats import KvDtype, kv_dtype, weight_format
from workbench.domain.gpu.kv import (
    FitArrays,
    _resolve_weights,
    arrays_for_request,
    fit_arrays,
    kv_request_bytes,
)
from workbench.domain.gpu.overhead import OVERHEAD_MODELS, default_batched_tokens, overhead_bytes
from workbench.domain.gpu.request import FitRequest


def weights_and_overhead(a: FitArrays, tp: Any, overhead: str, tokens: Any, capacity: Any) -> tuple[FArr, FArr]:
    """Per GPU: ``ceil(weights / TP)`` and the runtime overhead of the chosen overhead model (module docstring).

    Broadcasts over the axes ``a``, ``tp``, ``tokens`` and ``capacity`` carry; shared by the pool size, the fit
    matrix and the ranking's GPU-fit constraint so they can never disagree.
    """
    weights = np.ceil(a.weights_bytes / tp)
    ovh = overhead_bytes(
        overhead,
        attn_width=a.attn_width,
        is_moe=a.is_moe,
        weights_bytes_total=a.weights_bytes,
        tp=tp,
        tokens=tokens,
        capacity_bytes=capacity,
        vocab=a.vocab,
    )
    return weights, np.asarray(ovh + np.zeros_like(weights), dtype=np.float64)  # every profile keeps the candidate axis


def broadcast_candidates(a: FitArrays, ndim: int) -> FitArrays:
    """``a`` with every per-candidate array reshaped to (candidates, 1, ...) for ``ndim``-axis broadcasting."""
    shape = (len(a),) + (1,) * (ndim - 1)
    return FitArrays(
        names=a.names,
        **{k: getattr(a, k).reshape(shape) for k in FitArrays.__dataclass_fields__ if k != "names"},
    )


def per_gpu_totals(
    sub: FitArrays,
    tp: IArr,
    context: int,
    concurrency: int,
    kv: KvDtype,
    overhead: str,
    rule: Literal["simple", "vllm"],
    tokens: FArr | float,
    capacity: FArr | int,
) -> tuple[FArr, np.ndarray]:
    """(bytes per GPU, TP valid), broadcast over the axes of ``sub`` (candidates), ``tp`` and ``capacity``.

    ``total = ceil(weights / TP) + overhead(TP) + concurrency x KV_request(context, TP)`` (module docstring);
    ``valid``: TP divides the attention heads and, without MLA, KV heads and TP divide one another
    (vLLM's tensor-parallel rule; KV heads replicate when TP exceeds them).
    """
    weights, ovh = weights_and_overhead(sub, tp, overhead, tokens, capacity)
    kv_b = kv_request_bytes(sub, context, tp, kv, rule, tokens) * concurrency
    kvh = sub.kv_heads
    padded_vocab = -(-sub.vocab // VOCAB_PADDING) * VOCAB_PADDING
    valid = (sub.heads % tp == 0) & (padded_vocab % tp == 0) & (
        (sub.mla_width > 0) | np.where(kvh >= tp, kvh % tp == 0, tp % np.maximum(kvh, 1) == 0)
    )
    return np.asarray(weights + ovh + kv_b, dtype=np.float64), np.asarray(valid, dtype=bool)


def _min_tp_array(
    a: FitArrays,
    usable: FArr,
    capacity: FArr,
    context: int,
    concurrency: int,
    kv: KvDtype,
    overhead: str,
    rule: Literal["simple", "vllm"],
    tokens: FArr,
    tps: Sequence[int] = TP_CANDIDATES,
) -> IArr:
    """Minimum TP (= GPUs, one replica) per (candidate, GPU type) that fits, 0 when none ≤ max(tps) does.

    Shapes: candidates on axis 0, GPU types on axis 1, TP sizes on axis 2 — one numpy pass, no loops.
    """
    tp = np.asarray(tps, dtype=np.int64).reshape(1, 1, -1)
    total, valid = per_gpu_totals(broadcast_candidates(a, 3), tp, context, concurrency, kv, overhead, rule,
                                  tokens.reshape(1, -1, 1), capacity.reshape(1, -1, 1))
    ok = (total <= usable.reshape(1, -1, 1)) & valid
    first = np.argmax(ok, axis=2)
    any_ok = ok.any(axis=2)
    return np.where(any_ok, np.asarray(tps, dtype=np.int64)[first], 0)


def min_gpus(spec: ArchitectureSpec, request: FitRequest, catalog: GpuCatalog) -> dict[str, int | None]:
    """Minimum GPUs (tensor-parallel, one replica) of each catalog type serving the request's context and
    concurrency; None when no TP size up to 64 fits."""
    fmt = weight_format(_resolve_weights(spec, request.weights))
    kv = kv_dtype(request.kv_dtype)
    a = arrays_for_request(spec, fmt.name, request.weights, request.checkpoint_bytes)
    matrix = fit_matrix(
        a,
        catalog.gpus,
        request.context,
        request.concurrency,
        kv.name,
        request.gpu_memory_utilization,
        request.overhead,
        request.kv_rule,
        request.max_num_batched_tokens,
    )
    return {g.name: matrix[0][j] for j, g in enumerate(catalog.gpus)}


def fit_matrix(
    a: FitArrays,
    gpus: Sequence[GpuSpec],
    context: int,
    concurrency: int,
    kv: str = "bf16",
    gpu_memory_utilization: float = 0.90,
    overhead: str = "vllm",
    rule: Literal["simple", "vllm"] = "vllm",
    max_num_batched_tokens: int | None = None,
) -> list[list[int | None]]:
    """Candidates × GPU types → minimum GPUs (TP size) or None ("does not fit"). Vectorised."""
    FitRequest(context=context, concurrency=concurrency, gpu_memory_utilization=gpu_memory_utilization)
    kvd = kv_dtype(kv)
    if kvd.mla_only and bool(np.any(a.mla_width == 0)):
        raise FitInputError(f"kv dtype {kvd.name!r} applies only to MLA models")
    if overhead not in OVERHEAD_MODELS:
        raise FitInputError(f"unknown overhead model {overhead!r}; valid: {', '.join(OVERHEAD_MODELS)}")
    raw = min_gpus_array(
        a, gpus, context, concurrency, kvd, gpu_memory_utilization, overhead, rule, max_num_batched_tokens
    )
    return [[int(v) if v else None for v in row] for row in raw.tolist()]


def min_gpus_array(
    a: FitArrays,
    gpus: Sequence[GpuSpec],
    context: int,
    concurrency: int,
    kv: KvDtype,
    gpu_memory_utilization: float = 0.90,
    overhead: str = "vllm",
    rule: Literal["simple", "vllm"] = "vllm",
    max_num_batched_tokens: int | None = None,
) -> IArr:
    """As :func:`fit_matrix` but returns the raw int array (0 = does not fit); the benchmark times this."""
    capacity = np.asarray([g.usable_bytes for g in gpus], dtype=np.float64)
    util = 1.0 if OVERHEAD_MODELS[overhead].replaces_utilization else gpu_memory_utilization
    usable = np.floor(capacity * util)
    tokens = (
        np.full(len(gpus), float(max_num_batched_tokens))
        if max_num_batched_tokens
        else np.full(len(gpus), float(context))
        if OVERHEAD_MODELS[overhead].batched_tokens_default == "context"
        else default_batched_tokens(capacity).astype(np.float64)
    )
    return _min_tp_array(a, usable, capacity, context, concurrency, kv, overhead, rule, tokens)


@dataclass(frozen=True)
class FitMatrixTable:
    """The fit matrix as the GPU-fit page and the Excel GPU sheet show it (one implementation for both)."""

    names: list[str]
    weights: list[str]  #: each candidate's weight format as used (the checkpoint's when "checkpoint")
    kv: list[str]  #: each candidate's KV dtype as used (MLA-only dtypes fall back to fp8 for non-MLA models)
    rows: list[list[int | None]]  #: minimum GPUs per catalog GPU type, None = does not fit
    problems: list[str]


def resolved_weight_format(spec: ArchitectureSpec, requested: str) -> str:
    """The weight format a fit uses: the checkpoint's own (``quantization_config``; bf16 without one) when
    ``requested`` is "checkpoint"/"auto", else ``requested`` — the page, the CLI and the Excel sheet all use it."""
    return weight_format(_resolve_weights(spec, requested)).name


def fit_matrix_table(
    specs: Sequence[tuple[str, ArchitectureSpec]],
    gpus: Sequence[GpuSpec],
    *,
    context: int,
    concurrency: int,
    weights: str = "checkpoint",
    kv: str = "auto",
    gpu_memory_utilization: float = 0.90,
    overhead: str = "vllm",
) -> FitMatrixTable:
    """Minimum GPUs per (candidate, GPU type) with each candidate's resolved weight format and KV dtype."""
    groups: dict[tuple[str, str], list[tuple[str, ArchitectureSpec]]] = {}
    problems: list[str] = []
    for name, spec in specs:
        try:
            fmt = resolved_weight_format(spec, weights)
        except FitInputError as exc:
            problems.append(f"{name}: {exc}")
            continue
        kvd = kv_dtype(kv)
        dtype = "fp8" if kvd.mla_only and spec.mla is None else kvd.name
        groups.setdefault((fmt, dtype), []).append((name, spec))
    order = {name: i for i, (name, _) in enumerate(specs)}
    found: list[tuple[str, str, str, list[int | None]]] = []
    for (fmt, dtype), members in groups.items():
        a = fit_arrays([s for _, s in members], fmt, [n for n, _ in members])
        try:
            matrix = fit_matrix(a, gpus, context, concurrency, dtype, gpu_memory_utilization, overhead)
        except FitInputError as exc:
            problems.append(str(exc))
            continue
        found += [(n, fmt, dtype, row) for n, row in zip(a.names, matrix, strict=True)]
    found.sort(key=lambda item: order[item[0]])
    return FitMatrixTable(names=[f[0] for f in found], weights=[f[1] for f in found], kv=[f[2] for f in found],
                          rows=[f[3] for f in found], problems=problems)
