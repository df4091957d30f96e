"""The ranking's GPU-fit constraint: "self-hosted on ≤ N × GPU type at context C and concurrency K".

A candidate satisfies :class:`~workbench.domain.models.GpuFitConstraint` when some tensor-parallel size
``TP ≤ max_gpus`` (one replica; TP from :data:`~workbench.domain.gpu.TP_CANDIDATES`, and it must pass
vLLM's head checks) gives

``weights/TP + overhead(TP) + K · KV(C, TP) ≤ usable_gib × gpu_memory_utilization``   (per GPU, bytes)

with the same per-layer KV rules, weight formats and overhead profiles as the fit page and
``workbench gpu-fit`` (:mod:`workbench.domain.gpu`, reference ``gpu-memory.md`` §1-§3, §6, §7), and
``C ≤ max_position_embeddings`` (vLLM refuses a longer ``--max-model-len`` without an override). The arithmetic
runs over all candidates × TP sizes in one numpy pass; only parsing each ``config.json`` and writing each
reason touch candidates one by one.

Reasons (``None`` = satisfied) carry the numbers, e.g.
``"needs 4 × H100 80GB SXM at 32K context × 16 concurrent; limit 2 (2 GPUs: 86.3 GiB per GPU > 71.2 GiB usable)"``,
``"does not fit on 8 × L4 at 32K context × 16 concurrent: 97.1 GiB per GPU > 20.2 GiB usable"``,
``"architecture unknown: import its config.json"``, ``"closed weights: cannot self-host"``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np

from workbench.domain.architecture import ArchitectureError, ArchitectureSpec
from workbench.domain.checks import ReasonCheck
from workbench.domain.gpu import (
    GIB,
    OVERHEAD_MODELS,
    TP_CANDIDATES,
    FitArrays,
    FitInputError,
    GpuCatalog,
    broadcast_candidates,
    default_batched_tokens,
    fit_arrays,
    kv_dtype,
    per_gpu_totals,
    weight_format,
)
from workbench.domain.models import Candidate, GpuFitConstraint

#: Reads a stored ``config.json`` dict (``workbench.io.hf_config.parse_hf_config``; the domain does not parse).
ArchitectureParser = Callable[[dict[str, Any]], ArchitectureSpec]

CLOSED_WEIGHTS = "closed weights: cannot self-host"
UNKNOWN_ARCHITECTURE = "architecture unknown: import its config.json"


def format_context(tokens: int) -> str:
    """32768 -> '32K', 131072 -> '128K', 1048576 -> '1M' (binary K/M when exact), else '12,345'."""
    if tokens >= 2**20 and tokens % 2**20 == 0:
        return f"{tokens // 2**20}M"
    if tokens >= 1024 and tokens % 1024 == 0:
        return f"{tokens // 1024}K"
    return f"{tokens:,}"


def _gpus(n: int) -> str:
    return f"{n} GPU" if n == 1 else f"{n} GPUs"


def _uses_checkpoint_format(constraint: GpuFitConstraint) -> bool:
    return constraint.weights_format.strip().lower() in ("checkpoint", "auto", "")


def _check_constraint(constraint: GpuFitConstraint, catalog: GpuCatalog) -> None:
    """Constraint fields that cannot apply to any candidate raise, naming the field."""
    try:
        catalog.get(constraint.gpu)
    except FitInputError as exc:
        raise FitInputError(f"gpu_fit.gpu: {exc}") from exc
    if not _uses_checkpoint_format(constraint):
        try:
            weight_format(constraint.weights_format)
        except FitInputError as exc:
            raise FitInputError(f"gpu_fit.weights_format: {exc}") from exc
    try:
        kv_dtype(constraint.kv_dtype)
    except FitInputError as exc:
        raise FitInputError(f"gpu_fit.kv_dtype: {exc}") from exc
    if not 0.05 <= constraint.gpu_memory_utilization <= 1.0:
        raise FitInputError(
            f"gpu_fit.gpu_memory_utilization must be within 0.05..1.0, got {constraint.gpu_memory_utilization}"
        )


def per_gpu_bytes_by_tp(
    a: FitArrays,
    capacity_bytes: int,
    context: int,
    concurrency: int,
    kv: str,
    overhead: str = "vllm",
    rule: Literal["simple", "vllm"] = "vllm",
    tps: Sequence[int] = TP_CANDIDATES,
) -> tuple[np.ndarray, np.ndarray]:
    """(total bytes per GPU, TP valid) for candidates (axis 0) × TP sizes (axis 1), one replica of TP GPUs.

    ``total = ceil(weights/TP) + overhead(TP) + concurrency · KV_request(context, TP)`` (module docstring);
    ``valid``: TP divides the attention heads and, without MLA, KV heads and TP divide one another.
    """
    tp = np.asarray(tps, dtype=np.int64).reshape(1, -1)
    tokens = float(default_batched_tokens(capacity_bytes))
    return per_gpu_totals(broadcast_candidates(a, 2), tp, context, concurrency, kv_dtype(kv), overhead, rule,
                          tokens, capacity_bytes)


def gpu_fit_violations(
    candidates: Sequence[Candidate],
    constraint: GpuFitConstraint,
    catalog: GpuCatalog,
    *,
    parse: ArchitectureParser,
    overhead: str = "vllm",
    kv_rule: Literal["simple", "vllm"] = "vllm",
) -> dict[str, str | None]:
    """Candidate name -> ``None`` if it fits on ≤ ``max_gpus`` × ``gpu`` at the constraint's context and
    concurrency (formula in the module docstring), else the reason with the numbers.

    Raises :class:`FitInputError` naming the constraint field when the GPU, weight format, KV dtype or
    utilisation cannot apply at all (an unknown GPU name, say); per-candidate problems become reasons.
    """
    _check_constraint(constraint, catalog)
    if overhead not in OVERHEAD_MODELS:
        raise FitInputError(f"unknown overhead model {overhead!r}; valid: {', '.join(OVERHEAD_MODELS)}")
    gpu = catalog.get(constraint.gpu)
    kvd = kv_dtype(constraint.kv_dtype)
    ctx, conc, limit = constraint.context_tokens, constraint.concurrency, constraint.max_gpus
    load = f"{format_context(ctx)} context × {conc} concurrent"

    reasons: dict[str, str | None] = {}
    specs: list[ArchitectureSpec] = []
    names: list[str] = []
    for cand in candidates:
        if not cand.open_weights:
            reasons[cand.name] = CLOSED_WEIGHTS
        elif cand.architecture is None:
            reasons[cand.name] = UNKNOWN_ARCHITECTURE
        else:
            try:
                spec = parse(dict(cand.architecture))
                if _uses_checkpoint_format(constraint):
                    weight_format(spec.checkpoint_format or "bf16")  # the checkpoint's format must be known
            except (ArchitectureError, FitInputError) as exc:
                reasons[cand.name] = f"architecture unusable ({exc}): re-import its config.json"
                continue
            if kvd.mla_only and spec.mla is None:
                reasons[cand.name] = f"KV cache dtype {kvd.name} applies only to MLA models; this one has no MLA"
                continue
            max_pos = spec.max_position_embeddings
            if max_pos is not None and ctx > max_pos:
                reasons[cand.name] = (
                    f"context {ctx:,} tokens exceeds the model's max_position_embeddings {max_pos:,}"
                )
                continue
            reasons[cand.name] = None
            specs.append(spec)
            names.append(cand.name)
    if not specs:
        return reasons

    a = fit_arrays(specs, constraint.weights_format, names)
    capacity = gpu.usable_bytes
    util = 1.0 if OVERHEAD_MODELS[overhead].replaces_utilization else constraint.gpu_memory_utilization
    usable = float(np.floor(capacity * util))
    tps = np.asarray(TP_CANDIDATES, dtype=np.int64)
    total, valid = per_gpu_bytes_by_tp(a, capacity, ctx, conc, kvd.name, overhead, kv_rule, TP_CANDIDATES)
    fits = valid & (total <= usable)
    min_tp = np.where(fits.any(axis=1), tps[np.argmax(fits, axis=1)], 0)
    # The best configuration within the limit: the valid TP ≤ max_gpus with the least memory per GPU.
    allowed = valid & (tps.reshape(1, -1) <= limit)
    masked = np.where(allowed, total, np.inf)
    best = np.argmin(masked, axis=1)
    best_tp = tps[best]
    best_total = masked[np.arange(len(a)), best]
    satisfied = (min_tp > 0) & (min_tp <= limit)

    usable_gib = usable / GIB
    for i, name in enumerate(names):
        if satisfied[i]:
            continue
        shortfall = f"{best_total[i] / GIB:.1f} GiB per GPU > {usable_gib:.1f} GiB usable"
        if min_tp[i] > 0:
            reasons[name] = (
                f"needs {min_tp[i]} × {gpu.name} at {load}; limit {limit} ({_gpus(int(best_tp[i]))}: {shortfall})"
            )
        else:
            why = "" if best_tp[i] == limit else f" (largest tensor-parallel size ≤ {limit} the model allows)"
            reasons[name] = f"does not fit on {best_tp[i]} × {gpu.name}{why} at {load}: {shortfall}"
    return reasons


def gpu_fit_check(names: Sequence[str], candidates: Sequence[Candidate], constraint: GpuFitConstraint,
                  catalog: GpuCatalog, *, parse: ArchitectureParser) -> ReasonCheck:
    """The ranking's hard constraint "self-hosted on <= N x GPU at context C and concurrency K".

    ``names`` fixes the order (the decision matrix's); every name must be among ``candidates``; ``parse`` reads
    a stored config.json (pass ``workbench.io.hf_config.parse_hf_config``).
    """
    outcome = gpu_fit_violations(candidates, constraint, catalog, parse=parse)
    gpu = catalog.get(constraint.gpu)
    requirement = (f"self-hosted on <= {constraint.max_gpus} x {gpu.name} at "
                   f"{format_context(constraint.context_tokens)} context x {constraint.concurrency} concurrent")
    return ReasonCheck(key="gpu_fit", requirement=requirement, outcome=tuple(outcome[name] for name in names))
