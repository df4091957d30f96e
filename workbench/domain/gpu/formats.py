"""Weight storage formats (bits per weight, which tensors they quantise) and KV-cache dtypes (reference §7, §2)."""

from __future__ import annotations

import math
import re

from pydantic import Field

from workbench.domain.architecture import ParameterCounts
from workbench.domain.gpu.base import FitInputError, _Frozen

# ============================================================================ weight formats

#: Tensor categories of :class:`ParameterCounts` that hold linear-layer matrices.
LINEAR_CATEGORIES = frozenset(
    {"attention", "linear_attention", "dense_mlp", "routed_experts", "shared_experts"}
)
ALL_MATRICES = LINEAR_CATEGORIES | {"embedding", "lm_head", "router"}
CATEGORIES = ALL_MATRICES | {"routed_expert_bias", "small", "vision"}


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
        if category == "vision":
            return 16.0  # vision towers stay 16-bit in every checkpoint format of the corpus
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
        WeightFormat(
            name="nf4",
            label="bitsandbytes NF4 (4-bit, fp32 absmax per 64)",
            bits=4 + 32 / 64,
            quantised=LINEAR_CATEGORIES,
            nominal_bits=4,
            vllm_quantization="bitsandbytes",
            source="bitsandbytes 4-bit: 4 bits + one fp32 absmax per block of 64 = 4.5 bpw (without double "
            "quantisation); embeddings and lm_head stay 16-bit",
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

