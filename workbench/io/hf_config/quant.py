"""Weight format of the checkpoint from ``quantization_config`` (names as in ``workbench.domain.gpu.formats``).

Recognised ``quant_method`` values: ``fp8`` (block-scaled FP8), ``mxfp4`` (gpt-oss), ``gptq``/``awq`` (bits and
group size), ``modelopt`` (``quant_algo`` FP8 / NVFP4 / W4A8...), ``fbgemm_fp8`` (per-channel FP8),
``compressed-tensors`` (``config_groups`` weights: 4-bit float = NVFP4, 8-bit float = FP8, 8-bit int = INT8,
4-bit int = GPTQ-like), ``bitsandbytes`` (``load_in_4bit`` → NF4 with a 16-bit absmax per 64 = 4.25 bpw... read
as ``nf4``; ``load_in_8bit`` → ``int8``). Without a ``quantization_config`` the checkpoint is bf16 (fp16 when
``torch_dtype`` says so; float32 is a re-serialisation artefact).
"""

from __future__ import annotations

from typing import Any


def _compressed_tensors(qc: dict[str, Any]) -> str | None:
    groups = qc.get("config_groups") or {}
    for group in groups.values() if isinstance(groups, dict) else []:
        weights = (group or {}).get("weights") or {} if isinstance(group, dict) else {}
        if not isinstance(weights, dict):
            continue
        num_bits, wtype = weights.get("num_bits"), weights.get("type")
        if num_bits == 4 and wtype == "float":
            return "nvfp4"
        if num_bits == 8 and wtype == "float":
            return "fp8"
        if num_bits == 8:
            return "int8"
        if num_bits == 4:
            size = weights.get("group_size")
            return f"gptq-int4-g{int(size) if isinstance(size, int) and size > 0 else 128}"
    return None


def _modelopt(qc: dict[str, Any]) -> str | None:
    algo = str(qc.get("quant_algo", "") or "").upper()
    if not algo and isinstance(qc.get("quantization"), dict):
        algo = str(qc["quantization"].get("quant_algo", "") or "").upper()
    if "FP4" in algo:
        return "nvfp4"
    if "FP8" in algo:
        return "fp8"
    return None


def checkpoint_format(cfg: dict[str, Any], notes: list[str]) -> str | None:
    """The checkpoint's weight format name, or None (with a note) when the method is not recognised."""
    qc = cfg.get("quantization_config")
    if not isinstance(qc, dict):
        dtype = cfg.get("torch_dtype") or cfg.get("dtype")
        if dtype == "float32":
            notes.append("torch_dtype float32 is a re-serialisation artefact: checkpoint assumed bf16")
        return "fp16" if dtype == "float16" else "bf16"
    method = str(qc.get("quant_method", "")).lower()
    found: str | None = None
    if method in ("mxfp4", "fp8", "nvfp4"):
        found = method
    elif method in ("fbgemm_fp8", "fp_quant"):
        found = "fp8"
    elif method in ("gptq", "awq"):
        bits, group = qc.get("bits", 4), qc.get("group_size", 128)
        bits = bits if isinstance(bits, int) and not isinstance(bits, bool) else 4
        group = group if isinstance(group, int) and group > 0 else 128
        found = f"{method}-int{bits}-g{group}"
    elif method == "modelopt":
        found = _modelopt(qc)
    elif method == "compressed-tensors":
        found = _compressed_tensors(qc)
    elif method == "bitsandbytes":
        found = "nf4" if qc.get("load_in_4bit") else "int8" if qc.get("load_in_8bit") else None
    if found is None:
        notes.append(f"quantization_config quant_method {method!r} not recognised: checkpoint format unknown")
    return found
