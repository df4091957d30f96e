"""GPU memory fit: weights + KV cache + overhead per GPU against usable capacity, following vLLM's rules.

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

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, field_validator

from workbench.domain.architecture import ArchitectureSpec, ParameterCounts

GIB = 2**30
MIB = 2**20
BLOCK = 16  #: vLLM CacheConfig.DEFAULT_BLOCK_SIZE (tokens)
MAX_CONTEXT = 10_000_000  #: largest context accepted (Llama 4 Scout advertises 10M)
MAX_CONCURRENCY = 100_000
MAX_GPUS = 1024
#: TP sizes tried when searching the minimum number of GPUs (must also divide the attention heads).
TP_CANDIDATES: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)

FArr = NDArray[np.float64]
IArr = NDArray[np.int64]


class FitInputError(ValueError):
    """An input to the fit is outside its valid range or inconsistent with the model; names the field."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ============================================================================ weight formats

#: Tensor categories of :class:`ParameterCounts` that hold linear-layer matrices.
LINEAR_CATEGORIES = frozenset(
    {"attention", "linear_attention", "dense_mlp", "routed_experts", "shared_experts"}
)
ALL_MATRICES = LINEAR_CATEGORIES | {"embedding", "lm_head", "router"}
CATEGORIES = ALL_MATRICES | {"routed_expert_bias", "small"}


class WeightFormat(_Frozen):
    """A weight storage format: bits per weight for the tensors it quantises; the rest stay 16-bit.

    ``bits`` is the *effective* storage including scales/zeros (e.g. GPTQ g128: ``4 + (16+4)/128``).
    """

    name: str
    label: str
    bits: float = Field(gt=0, le=32)
    quantised: frozenset[str] = Field(default_factory=frozenset, description="ParameterCounts categories")
    bits_small: float = Field(default=16.0, description="1-D tensors (norms, biases): 16, or 32 in GGUF")
    nominal_bits: float = Field(gt=0, description="B_param of the seed's rule of thumb (16 / 8 / 4 ...)")
    vllm_quantization: str | None = Field(
        default=None, description="--quantization when not in the checkpoint"
    )
    source: str

    def bits_for(self, category: str) -> float:
        if category in ("small", "routed_expert_bias"):
            return self.bits_small
        return self.bits if category in self.quantised else 16.0

    @property
    def kept_16bit(self) -> list[str]:
        return sorted(c for c in ALL_MATRICES if c not in self.quantised)


_SRC_GPTQ = "4 + (16+4)/g bpw: DEV Community 'Group Size in GPTQ and AWQ'; AutoAWQ #566 (reference §7)"
_SRC_GGUF = "llama.cpp GGML_QUANT_SIZES / hf-mem gguf/types.py (reference §7)"
_SRC_MIX = "NyxKrage calculator average over all tensors (reference §7); mixes differ per tool"


def _gguf(name: str, bits: float, nominal: float, source: str = _SRC_GGUF) -> WeightFormat:
    return WeightFormat(
        name=name,
        label=f"GGUF {name.upper()} ({bits:g} bpw)",
        bits=bits,
        quantised=ALL_MATRICES,
        bits_small=32.0,
        nominal_bits=nominal,
        source=source + "; GGUF keeps 1-D tensors at F32",
    )


WEIGHT_FORMATS: dict[str, WeightFormat] = {
    f.name: f
    for f in (
        WeightFormat(name="bf16", label="BF16", bits=16, nominal_bits=16, source="2 B/param"),
        WeightFormat(name="fp16", label="FP16", bits=16, nominal_bits=16, source="2 B/param"),
        WeightFormat(
            name="fp8",
            label="FP8 e4m3, 128×128 block scales",
            bits=8 + 32 / 16384,
            quantised=LINEAR_CATEGORIES,
            nominal_bits=8,
            vllm_quantization="fp8",
            source="1 B + 4 B fp32 scale per 16,384 weights (DeepSeek weight_block_size; reference §7)",
        ),
        WeightFormat(
            name="int8",
            label="INT8 W8A8 (per-channel scales ignored, <0.1%)",
            bits=8,
            quantised=LINEAR_CATEGORIES,
            nominal_bits=8,
            source="1 B/param (reference §7)",
        ),
        WeightFormat(
            name="mxfp4",
            label="MXFP4 experts (gpt-oss layout)",
            bits=4.25,
            quantised=frozenset({"routed_experts", "shared_experts", "dense_mlp"}),
            nominal_bits=4,
            source="4-bit + E8M0 scale per 32 = 4.25 bpw (hf-mem); gpt-oss modules_to_not_convert keeps "
            "attention, router, embed, lm_head at 16-bit (reference §7)",
        ),
        WeightFormat(
            name="nvfp4",
            label="NVFP4",
            bits=4.5,
            quantised=LINEAR_CATEGORIES,
            nominal_bits=4,
            vllm_quantization=None,
            source="4-bit + FP8 scale per 16 = 4.5 bpw (vLLM kv_cache_interface NVFP4 comment; reference §7)",
        ),
        _gguf("q2_k", 2.625, 2),
        _gguf("q3_k", 3.4375, 3),
        _gguf("q4_0", 4.5, 4),
        _gguf("q4_k", 4.5, 4),
        _gguf("iq4_xs", 4.25, 4),
        _gguf("q5_k", 5.5, 5),
        _gguf("q6_k", 6.5625, 6),
        _gguf("q8_0", 8.5, 8),
        _gguf("q3_k_m", 3.91, 3, _SRC_MIX),
        _gguf("q4_k_m", 4.85, 4, _SRC_MIX),
        _gguf("q5_k_m", 5.69, 5, _SRC_MIX),
    )
}
_GPTQ_RE = re.compile(r"^(gptq|awq)(?:-int(\d+))?(?:-g(\d+))?$")


def weight_format(name: str) -> WeightFormat:
    """Look up a format by name; ``gptq-int4-g128`` / ``awq-int4-g64`` / ``gptq`` are parsed (bits b, group g:
    ``b + (16 + b)/g`` bpw on linear layers; embeddings, lm_head and routers stay 16-bit)."""
    key = name.strip().lower()
    if key.startswith(("gptq", "awq")):
        key = key.replace("_", "-")
    if key in WEIGHT_FORMATS:
        return WEIGHT_FORMATS[key]
    if key == "fp32":
        raise FitInputError("weights 'fp32' is not a serving format; use bf16 or fp16")
    match = _GPTQ_RE.match(key)
    if match:
        method, bits_s, group_s = match.groups()
        bits = int(bits_s or 4)
        group = int(group_s or 128)
        if bits not in (2, 3, 4, 8) or group not in (16, 32, 64, 128, 256, 512, 1024):
            raise FitInputError(
                f"weights {name!r}: bits must be one of 2,3,4,8 and group size one of 16..1024, got {bits}/{group}"
            )
        return WeightFormat(
            name=f"{method}-int{bits}-g{group}",
            label=f"{method.upper()} INT{bits}, group {group}",
            bits=bits + (16 + bits) / group,
            quantised=LINEAR_CATEGORIES,
            nominal_bits=bits,
            source=_SRC_GPTQ,
        )
    known = ", ".join(sorted(WEIGHT_FORMATS)) + ", gptq-int4-g<N>, awq-int4-g<N>"
    raise FitInputError(f"unknown weights format {name!r}; valid: {known}")


def weights_bytes(counts: ParameterCounts, fmt: WeightFormat) -> int:
    """Weight bytes of the whole model: ``Σ_category params_category × bits_category / 8`` (reference §7)."""
    total = 0.0
    for category in CATEGORIES:
        total += getattr(counts, category) * fmt.bits_for(category) / 8
    return int(math.ceil(total))


# ============================================================================ KV dtypes


class KvDtype(_Frozen):
    name: str
    bytes_per_element: float = Field(gt=0)
    mla_bytes_per_token_layer: float | None = Field(
        default=None, description="fixed MLA bytes per token per layer (fp8_ds_mla: 656)"
    )
    mla_only: bool = False
    vllm_value: str | None = Field(description="--kv-cache-dtype value; None when vLLM has no such cache")
    source: str


KV_DTYPES: dict[str, KvDtype] = {
    k.name: k
    for k in (
        KvDtype(name="bf16", bytes_per_element=2, vllm_value="auto", source="2 B/elem"),
        KvDtype(name="fp16", bytes_per_element=2, vllm_value="auto", source="2 B/elem"),
        KvDtype(name="fp8", bytes_per_element=1, vllm_value="fp8", source="1 B/elem (vLLM, hf-mem, llmfit)"),
        KvDtype(name="fp8_e4m3", bytes_per_element=1, vllm_value="fp8_e4m3", source="1 B/elem"),
        KvDtype(name="fp8_e5m2", bytes_per_element=1, vllm_value="fp8_e5m2", source="1 B/elem"),
        KvDtype(
            name="fp8_ds_mla",
            bytes_per_element=1,
            mla_bytes_per_token_layer=656,
            mla_only=True,
            vllm_value="fp8_ds_mla",
            source="vLLM MLAAttentionSpec: block·656 B, i.e. 656 B per token per layer (reference §2)",
        ),
        KvDtype(
            name="nvfp4",
            bytes_per_element=0.5625,
            vllm_value="nvfp4",
            source="head/2 B data + head/16 B scales per head (vLLM kv_cache_interface; reference §2)",
        ),
        KvDtype(
            name="q8_0", bytes_per_element=1.0625, vllm_value=None, source="llama.cpp q8_0 block (llmfit)"
        ),
        KvDtype(
            name="q4_0", bytes_per_element=0.5625, vllm_value=None, source="llama.cpp q4_0 block (llmfit)"
        ),
    )
}
_KV_ALIASES = {"auto": "bf16", "bfloat16": "bf16", "float16": "fp16", "half": "fp16"}


def kv_dtype(name: str) -> KvDtype:
    key = _KV_ALIASES.get(name.strip().lower(), name.strip().lower())
    if key not in KV_DTYPES:
        raise FitInputError(f"unknown kv dtype {name!r}; valid: auto, {', '.join(KV_DTYPES)}")
    return KV_DTYPES[key]


# ============================================================================ GPU catalog


class GpuSpec(_Frozen):
    """One GPU type. ``usable_gib`` is what the runtime reports as total memory (not the nameplate)."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    vendor: Literal["NVIDIA", "AMD", "Intel", "Apple", "other"]
    memory_nameplate_gb: float = Field(gt=0, description="marketing capacity, GB (10^9) unless noted")
    usable_gib: float = Field(gt=0, description="runtime-reported total, GiB (2^30)")
    usable_basis: Literal["torch_total_capacity", "vllm_log", "nvidia_smi", "vendor_tool", "estimate"]
    usable_source: str = Field(min_length=1)
    bandwidth_gb_s: float = Field(gt=0, description="memory bandwidth, GB/s (10^9)")
    source_url: str = Field(min_length=1)
    retrieved: str = Field(min_length=1, description="how/when the figures were retrieved")
    note: str = ""

    @property
    def usable_bytes(self) -> int:
        return int(round(self.usable_gib * GIB))

    @field_validator("usable_gib")
    @classmethod
    def _usable_below_nameplate(cls, value: float) -> float:
        if value > 2048:
            raise ValueError(f"usable_gib {value} is implausible (> 2048 GiB)")
        return value


class GpuCatalog(_Frozen):
    provenance: dict[str, str]
    gpus: list[GpuSpec] = Field(min_length=1)

    @field_validator("gpus")
    @classmethod
    def _unique(cls, value: list[GpuSpec]) -> list[GpuSpec]:
        seen: set[str] = set()
        for gpu in value:
            for key in [gpu.name, *gpu.aliases]:
                if key.lower() in seen:
                    raise ValueError(f"duplicate GPU name or alias {key!r}")
                seen.add(key.lower())
        return value

    def get(self, name: str) -> GpuSpec:
        key = name.strip().lower()
        for gpu in self.gpus:
            if key == gpu.name.lower() or key in (a.lower() for a in gpu.aliases):
                return gpu
        raise FitInputError(f"unknown GPU {name!r}; valid: {', '.join(g.name for g in self.gpus)}")

    @property
    def names(self) -> list[str]:
        return [g.name for g in self.gpus]


# ============================================================================ overhead models


class OverheadModel(_Frozen):
    name: str
    label: str
    description: str
    source: str
    replaces_utilization: bool = False


OVERHEAD_MODELS: dict[str, OverheadModel] = {
    m.name: m
    for m in (
        OverheadModel(
            name="vllm",
            label="vLLM (measured log)",
            description="activation peak (aiconfigurator formula) + non-torch memory 1.79 GiB at TP1, "
            "3.58 GiB at TP≥2 (NCCL) + CUDA graphs 0.25 GiB, per GPU",
            source="non-torch: vllm PR #10511 log (Llama-3-8B, H100); activations: aiconfigurator "
            "base_backend._get_memory_usage; CUDA graphs: kvplan README (reference §1, §6, §11)",
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
) -> FArr:
    """Per-GPU non-weight, non-KV memory under the chosen profile (formulas in :data:`OVERHEAD_MODELS`).

    All arguments broadcast (numpy), so one call covers candidates × GPU types × TP sizes.
    """
    if model not in OVERHEAD_MODELS:
        raise FitInputError(f"unknown overhead model {model!r}; valid: {', '.join(OVERHEAD_MODELS)}")
    tp_a = np.asarray(tp, dtype=np.int64)
    act = activation_bytes(attn_width, is_moe, tp_a, tokens)
    if model == "vllm":
        non_torch = np.where(tp_a > 1, 3.58 * GIB, 1.79 * GIB)
        return np.asarray(act + non_torch + 0.25 * GIB, dtype=np.float64)
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
    mla_width: FArr
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
                spec.num_key_value_heads,
                spec.head_dim,
                spec.full_attention_kv_heads or spec.num_key_value_heads,
                spec.full_attention_head_dim or spec.head_dim,
                spec.mla.latent_width if spec.mla else 0,
                spec.linear_state_bytes(1),
                spec.num_attention_heads,
                spec.num_attention_heads * spec.head_dim,
                spec.is_moe,
                spec.max_position_embeddings or MAX_CONTEXT,
            )
        )
    cols = list(zip(*rows, strict=True)) if rows else [()] * 17
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
    )


def _resolve_weights(spec: ArchitectureSpec, name: str) -> str:
    if name.strip().lower() in ("checkpoint", "auto", ""):
        return spec.checkpoint_format or "bf16"
    return name


# ============================================================================ KV arithmetic (vectorised core)


def _layer_bytes(a: FitArrays, tp: Any, kv: KvDtype) -> tuple[FArr, FArr, FArr]:
    """Bytes per token per layer on one GPU: (full layer, sliding/chunked layer, MLA layer).

    GQA: ``2·max(1, H_kv // TP)·D·bytes`` (vLLM replicates KV heads when TP > H_kv); MLA: latent·bytes,
    replicated on every rank (no division by TP); ``fp8_ds_mla``: 656 B.
    """
    tp_a = np.asarray(tp, dtype=np.int64)
    kvh = np.maximum(1, a.kv_heads // tp_a)
    fkvh = np.maximum(1, a.full_kv_heads // tp_a)
    b = kv.bytes_per_element
    local = 2.0 * kvh * a.head_dim * b
    full = 2.0 * fkvh * a.full_head_dim * b
    mla = (
        a.mla_width * b
        if kv.mla_bytes_per_token_layer is None
        else np.where(a.mla_width > 0, kv.mla_bytes_per_token_layer, 0.0)
    )
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


# ============================================================================ seed rule of thumb


def seed_kv_bytes(
    layers: int, kv_heads: int, head_dim: int, context: int, batch: int, element_bytes: float
) -> int:
    """Seed 002: ``V_kv ≈ 2·N_layers·N_heads·D_head·L_context·N_batch·B_element`` (plain full attention only)."""
    return int(round(2 * layers * kv_heads * head_dim * context * batch * element_bytes))


def rule_of_thumb_bytes(params: float, bytes_per_param: float, kv_bytes: float = 0.0) -> float:
    """Seed 002: ``V_total ≈ P·B_param·1.18 + V_kv`` (bytes when P is a count of parameters)."""
    return params * bytes_per_param * 1.18 + kv_bytes


def naive_kv_shape(spec: ArchitectureSpec) -> tuple[int, int]:
    """(KV heads, head_dim) as the naive formula reads them from the config (MLA: the MHA view,
    ``num_attention_heads`` heads of ``qk_nope + qk_rope``)."""
    if spec.mla is not None:
        return spec.num_attention_heads, spec.head_dim
    return spec.num_key_value_heads, spec.head_dim


# ============================================================================ request / result


class FitRequest(_Frozen):
    """Inputs of one fit; ranges are validated here so every entry point refuses absurd values the same way."""

    weights: str = Field(default="checkpoint", description="weight format name, or 'checkpoint'")
    kv_dtype: str = "auto"
    context: int = Field(default=8192, description=f"tokens per sequence, 1..{MAX_CONTEXT:,}")
    concurrency: int = Field(default=1, description=f"concurrent sequences, 1..{MAX_CONCURRENCY:,}")
    gpu: str = "H100 80GB SXM"
    gpus: int | None = None
    tp: int | None = None
    gpu_memory_utilization: float = 0.90
    overhead: str = "vllm"
    kv_rule: Literal["simple", "vllm"] = "vllm"
    max_num_batched_tokens: int | None = None

    @field_validator("context")
    @classmethod
    def _context(cls, v: int) -> int:
        if not 1 <= v <= MAX_CONTEXT:
            raise ValueError(f"context must be within 1..{MAX_CONTEXT:,} tokens, got {v:,}")
        return v

    @field_validator("concurrency")
    @classmethod
    def _concurrency(cls, v: int) -> int:
        if not 1 <= v <= MAX_CONCURRENCY:
            raise ValueError(f"concurrency must be within 1..{MAX_CONCURRENCY:,} sequences, got {v:,}")
        return v

    @field_validator("gpus", "tp")
    @classmethod
    def _count(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= MAX_GPUS:
            raise ValueError(f"GPU count / tensor-parallel size must be within 1..{MAX_GPUS}, got {v}")
        return v

    @field_validator("gpu_memory_utilization")
    @classmethod
    def _util(cls, v: float) -> float:
        if not 0.05 <= v <= 1.0:
            raise ValueError(f"gpu_memory_utilization must be within 0.05..1.0, got {v}")
        return v

    @field_validator("max_num_batched_tokens")
    @classmethod
    def _mnbt(cls, v: int | None) -> int | None:
        if v is not None and not 16 <= v <= 1_000_000:
            raise ValueError(f"max_num_batched_tokens must be within 16..1,000,000, got {v}")
        return v


class FitResult(_Frozen):
    """Every number of one fit (bytes unless named otherwise). Stable JSON for ``workbench gpu-fit --json``."""

    model_type: str
    gpu: str
    gpus: int
    tp: int
    replicas: int
    weights_format: str
    kv_dtype: str
    context: int
    concurrency: int
    sequences_per_replica: int
    gpu_memory_utilization: float
    overhead_model: str
    kv_rule: str
    params_total: int
    params_active: int
    params_active_excl_embedding: int
    weights_bytes: int
    weights_bytes_per_gpu: int
    kv_bytes_per_token: int
    kv_bytes_per_token_per_gpu: int
    kv_bytes_per_token_by_layer_type: dict[str, int]
    kv_state_bytes_per_request: int
    kv_bytes_per_request_per_gpu: int
    kv_bytes: int
    kv_bytes_per_gpu: int
    overhead_bytes: int
    total_bytes_per_gpu: int
    capacity_bytes_per_gpu: int
    usable_bytes_per_gpu: int
    fits: bool
    headroom_bytes: int
    headroom_fraction: float
    max_concurrency: int
    max_context: int
    max_context_limited_by: Literal["memory", "model", "none"]
    min_gpus: dict[str, int | None]
    vllm_args: list[str]
    rule_of_thumb_bytes: int
    rule_of_thumb_kv_bytes: int
    detailed_total_bytes: int
    rule_of_thumb_difference_bytes: int
    notes: list[str]


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
    """vLLM's TP checks: TP divides the attention heads; KV heads divide by TP or TP by KV heads (GQA)."""
    if spec.num_attention_heads % tp:
        valid = [t for t in range(1, 65) if spec.num_attention_heads % t == 0]
        raise FitInputError(
            f"tp={tp} does not divide num_attention_heads={spec.num_attention_heads}; TP sizes dividing the "
            f"heads: {', '.join(map(str, valid))}"
        )
    if spec.mla is None:
        kvh = spec.num_key_value_heads
        if (kvh >= tp and kvh % tp) or (kvh < tp and tp % kvh):
            raise FitInputError(f"tp={tp} and num_key_value_heads={kvh}: one must divide the other")


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
    )
    return weights, ovh


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
    a = fit_arrays([spec], s.fmt.name)
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

    return FitResult(
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
    valid = (sub.heads % tp == 0) & (
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
    a = fit_arrays([spec], fmt.name)
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
        else default_batched_tokens(capacity).astype(np.float64)
    )
    return _min_tp_array(a, usable, capacity, context, concurrency, kv, overhead, rule, tokens)


def concurrency_context_curve(
    spec: ArchitectureSpec, request: FitRequest, catalog: GpuCatalog, contexts: Sequence[int]
) -> list[dict[str, int]]:
    """Max concurrent sequences at each context length (the fit boundary of the concurrency-vs-context chart)."""
    s = _setup(spec, request, catalog)
    a = fit_arrays([spec], s.fmt.name)
    usable, w, ovh = _pool_bytes(a, s, request.overhead)
    pool = float((usable - w - ovh)[0])
    t = np.asarray(contexts, dtype=np.float64)
    per_req = kv_request_bytes(a, t, s.tp, s.kv, request.kv_rule, s.tokens)
    conc = np.where(pool > 0, np.floor(pool / np.maximum(per_req, 1.0)), 0) * s.replicas
    return [
        {"context": int(c), "max_concurrency": int(k)} for c, k in zip(contexts, conc.tolist(), strict=True)
    ]
