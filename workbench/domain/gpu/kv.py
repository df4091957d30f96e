"""Per-candidate arrays and the vectorised KV-cache arithmetic (vLLM KV specs, reference §2-§3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from workbench.domain.architecture import ArchitectureSpec
from workbench.domain.gpu.base import BLOCK, MAX_CONTEXT, FArr, FitInputError, IArr
from workbench.domain.gpu.formats import KvDtype, kv_dtype, weight_format, weights_bytes

# ============================================================================ candidate arrays


@dataclass(frozen=True)
class FitArrays:
    """Per-candidate numbers the vectorised fit needs (one entry per candidate)."""

    names: list[str]
    weights_bytes: FArr
    n_full: FArr
    n_sliding: FArr
    n_chunked: FArr
    n_mla: FArr
    window: FArr
    chunk: FArr
    kv_heads: IArr
    head_dim: FArr
    full_kv_heads: IArr
    full_head_dim: FArr
    kv_width: FArr
    full_kv_width: FArr
    mla_width: FArr
    indexer_bytes: FArr
    vocab: IArr
    state_bytes_tp1: FArr
    heads: IArr
    attn_width: FArr
    is_moe: NDArray[np.bool_]
    max_pos: FArr

    def __len__(self) -> int:
        return len(self.names)


def fit_arrays(
    specs: Sequence[ArchitectureSpec], formats: Sequence[str] | str, names: Sequence[str] | None = None
) -> FitArrays:
    """Collect the per-candidate arrays (weights at each candidate's format, layer-type counts, KV shape)."""
    fmts = [formats] * len(specs) if isinstance(formats, str) else list(formats)
    if len(fmts) != len(specs):
        raise FitInputError(f"formats has {len(fmts)} entries for {len(specs)} candidates")
    rows = []
    for spec, fmt_name in zip(specs, fmts, strict=True):
        fmt = weight_format(_resolve_weights(spec, fmt_name))
        rows.append(
            (
                weights_bytes(spec.parameter_counts(), fmt),
                spec.count("full_attention"),
                spec.count("sliding_attention"),
                spec.count("chunked_attention"),
                spec.count("mla"),
                spec.sliding_window or 0,
                spec.attention_chunk_size or 0,
                spec.sliding_kv_heads or spec.num_key_value_heads,
                spec.head_dim,
                spec.full_attention_kv_heads or spec.num_key_value_heads,
                spec.full_attention_head_dim or spec.head_dim,
                spec.mla.latent_width if spec.mla else 0,
                spec.linear_state_bytes(1),
                spec.num_attention_heads,
                spec.num_attention_heads * spec.head_dim,
                spec.is_moe,
                spec.max_position_embeddings or MAX_CONTEXT,
                spec.head_dim + (spec.v_head_dim or spec.head_dim),
                2 * (spec.full_attention_head_dim or spec.head_dim)
                if spec.full_attention_head_dim else spec.head_dim + (spec.v_head_dim or spec.head_dim),
                _indexer_bytes_per_mla_layer(spec),
                spec.vocab_size,
            )
        )
    cols = list(zip(*rows, strict=True)) if rows else [()] * 21
    f = lambda i: np.asarray(cols[i], dtype=np.float64)  # noqa: E731
    n = lambda i: np.asarray(cols[i], dtype=np.int64)  # noqa: E731
    return FitArrays(
        names=list(names) if names is not None else [s.model_type for s in specs],
        weights_bytes=f(0),
        n_full=f(1),
        n_sliding=f(2),
        n_chunked=f(3),
        n_mla=f(4),
        window=f(5),
        chunk=f(6),
        kv_heads=n(7),
        head_dim=f(8),
        full_kv_heads=n(9),
        full_head_dim=f(10),
        mla_width=f(11),
        state_bytes_tp1=f(12),
        heads=n(13),
        attn_width=f(14),
        is_moe=np.asarray(cols[15], dtype=bool),
        max_pos=f(16),
        kv_width=f(17),
        full_kv_width=f(18),
        indexer_bytes=f(19),
        vocab=n(20),
    )


def _indexer_bytes_per_mla_layer(spec: ArchitectureSpec) -> float:
    """Indexer-key bytes per token averaged over the MLA layers (only layers with their own indexer cache one)."""
    ix, n_mla = spec.indexer, spec.count("mla")
    if ix is None or not n_mla:
        return 0.0
    own = n_mla if ix.own_layers is None else min(ix.own_layers, n_mla)
    return ix.cache_bytes_per_token_layer * own / n_mla


def arrays_for_request(spec: ArchitectureSpec, fmt_name: str, requested: str, checkpoint_bytes: int | None) -> FitArrays:
    """:func:`fit_arrays` for one model, with the checkpoint's exact byte count (safetensors index
    ``metadata.total_size``) replacing ``params × bits`` when the fit uses the checkpoint's own format."""
    a = fit_arrays([spec], fmt_name)
    if checkpoint_bytes and requested.strip().lower() in ("checkpoint", "auto", ""):
        return replace(a, weights_bytes=np.asarray([float(checkpoint_bytes)]))
    return a


def _resolve_weights(spec: ArchitectureSpec, name: str) -> str:
    if name.strip().lower() in ("checkpoint", "auto", ""):
        return spec.checkpoint_format or "bf16"
    return name


# ============================================================================ KV arithmetic (vectorised core)


def _layer_bytes(a: FitArrays, tp: Any, kv: KvDtype) -> tuple[FArr, FArr, FArr]:
    """Bytes per token per layer on one GPU: (full layer, sliding/chunked layer, MLA layer).

    GQA: ``max(1, H_kv // TP)·(D_k + D_v)·bytes`` (``2·H_kv·D`` when K and V heads match; vLLM replicates KV
    heads when TP > H_kv; ``FullAttentionSpec`` page ``block·kv_heads·(head_size + head_size_v)·dtype``); MLA:
    latent·bytes, replicated on every rank (no division by TP); ``fp8_ds_mla``: 656 B; plus the sparse-attention
    indexer key (132 B per token per MLA layer, DeepSeek V3.2 / GLM-5) in every KV dtype.
    """
    tp_a = np.asarray(tp, dtype=np.int64)
    kvh = np.maximum(1, a.kv_heads // tp_a)
    fkvh = np.maximum(1, a.full_kv_heads // tp_a)
    b = kv.bytes_per_element
    local = kvh * a.kv_width * b
    full = fkvh * a.full_kv_width * b
    mla = (
        a.mla_width * b
        if kv.mla_bytes_per_token_layer is None
        else np.where(a.mla_width > 0, kv.mla_bytes_per_token_layer, 0.0)
    ) + a.indexer_bytes
    return (
        np.asarray(full, dtype=np.float64),
        np.asarray(local, dtype=np.float64),
        np.asarray(mla, np.float64),
    )


def _cdiv(x: Any, y: int) -> Any:
    return -(-np.asarray(x) // y)


def kv_request_bytes(
    a: FitArrays,
    context: Any,
    tp: Any,
    kv: KvDtype,
    rule: Literal["simple", "vllm"] = "vllm",
    batched_tokens: Any = 2048,
) -> FArr:
    """KV bytes one request of ``context`` tokens holds on one GPU (module docstring: simple / vllm rule),
    including the fixed linear-attention/Mamba state ``state/TP``. Broadcasts over all arguments."""
    t = np.asarray(context, dtype=np.float64)
    full_b, local_b, mla_b = _layer_bytes(a, tp, kv)
    if rule == "simple":
        full_t = t
        sliding_t = np.minimum(t, a.window)
        chunk_t = np.minimum(t, a.chunk)
    else:
        n = np.asarray(batched_tokens, dtype=np.float64)
        full_t = _cdiv(t, BLOCK) * BLOCK
        sliding_t = (_cdiv(np.minimum(a.window - 1 + n, t), BLOCK) + 1) * BLOCK
        chunk_t = _cdiv(np.minimum(a.chunk + n, t), BLOCK) * BLOCK
    state = a.state_bytes_tp1 / np.asarray(tp, dtype=np.float64)
    total = (
        a.n_full * full_b * full_t
        + a.n_sliding * local_b * sliding_t
        + a.n_chunked * local_b * chunk_t
        + a.n_mla * mla_b * full_t
        + state
    )
    return np.asarray(total, dtype=np.float64)


def _check_kv_dtype(spec: ArchitectureSpec, kv: KvDtype) -> None:
    if kv.mla_only and spec.mla is None:
        raise FitInputError(f"kv dtype {kv.name!r} applies only to MLA models; {spec.model_type} has no MLA")


def kv_bytes_per_token_by_layer_type(
    spec: ArchitectureSpec, kv: KvDtype | str, tp: int = 1
) -> dict[str, int]:
    """Bytes one token adds, per layer type, summed over that type's layers, on one GPU at TP ``tp``
    (before any window cap). Linear-attention/Mamba layers add no per-token bytes (they hold a fixed state)."""
    kvd = kv_dtype(kv) if isinstance(kv, str) else kv
    _check_kv_dtype(spec, kvd)
    a = fit_arrays([spec], "bf16")
    full_b, local_b, mla_b = _layer_bytes(a, tp, kvd)
    out = {
        "full_attention": a.n_full * full_b,
        "sliding_attention": a.n_sliding * local_b,
        "chunked_attention": a.n_chunked * local_b,
        "mla": a.n_mla * mla_b,
    }
    return {k: int(round(float(v[0]))) for k, v in out.items() if spec.count(k)}


def kv_bytes_per_token(spec: ArchitectureSpec, kv: KvDtype | str = "bf16", tp: int = 1) -> int:
    """Σ over attention layers of the bytes one token adds (TP=1: the whole model; vLLM's per-token cost)."""
    return sum(kv_bytes_per_token_by_layer_type(spec, kv, tp).values())


def kv_bytes_for_load(
    spec: ArchitectureSpec,
    kv: KvDtype | str,
    context: int,
    concurrency: int,
    tp: int = 1,
    rule: Literal["simple", "vllm"] = "simple",
    batched_tokens: int = 2048,
) -> int:
    """KV bytes on one GPU for ``concurrency`` sequences of ``context`` tokens (windows capped, state added)."""
    kvd = kv_dtype(kv) if isinstance(kv, str) else kv
    _check_kv_dtype(spec, kvd)
    a = fit_arrays([spec], "bf16")
    per_req = kv_request_bytes(a, context, tp, kvd, rule, batched_tokens)
    return int(round(float(per_req[0]) * concurrency))



def kv_pool_tokens_per_gpu_bytes(spec: ArchitectureSpec, pool_bytes: float, kv: KvDtype | str = "bf16",
                                 tp: int = 1) -> int:
    """vLLM's "GPU KV cache size: N tokens" for a KV pool of ``pool_bytes`` on one GPU.

    ``N = floor(pool / (16 · L_attn · max_layer_bytes)) · 16``: vLLM allocates 16-token blocks and, with layers
    of different page sizes (Gemma 4: 16 KV heads × 256 sliding vs 4 × 512 global), unifies the page size to the
    largest layer's, so the reported count divides the pool by every attention layer at the largest per-token
    size (hf-mem #60: gpt-oss-120b 5.38 GiB → 78,384 tokens at 36 × 2,048 B; hf-mem PR #61: gemma-4-31B
    24.54 GiB → 26,800 tokens at 60 × 16,384 B). 0 when the model has no attention layers.
    """
    kvd = kv_dtype(kv) if isinstance(kv, str) else kv
    a = fit_arrays([spec], "bf16")
    full_b, local_b, mla_b = _layer_bytes(a, tp, kvd)
    sizes = [float(b[0]) for b, n in ((full_b, a.n_full), (local_b, a.n_sliding + a.n_chunked), (mla_b, a.n_mla))
             if float(n[0]) > 0]
    layers = float(a.n_full[0] + a.n_sliding[0] + a.n_chunked[0] + a.n_mla[0])
    if not sizes or pool_bytes <= 0:
        return 0
    page = BLOCK * layers * max(sizes)
    return int(pool_bytes // page) * BLOCK
