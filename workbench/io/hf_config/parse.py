"""``config.json`` dict → :class:`~workbench.domain.architecture.ArchitectureSpec`, read as transformers reads it.

Defaults: a published config that omits a field relies on the library default. This reader carries
transformers' constant defaults itself (:mod:`.defaults_table`, generated from transformers' configuration
classes and re-checked by a test against the installed library) so the product needs neither transformers nor
torch; every default it applies to a size field is listed in the assumptions. A multimodal wrapper
(``Gemma3ForConditionalGeneration``, Qwen3-VL, Qwen3.5, Llama 4, Kimi K2.5...) keeps its language model in
``text_config``; a wrapper file without one is read as transformers reads it — the default text configuration,
top-level fields ignored — and says so.

Unknown model types go through the generic field reader: every assumption is listed and the spec is marked
unverified (:attr:`ArchitectureSpec.verified`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.domain.architecture import (
    ArchitectureError,
    ArchitectureSpec,
    Ffn,
    LayerSpec,
    LinearAttentionSpec,
    Mixer,
    MLASpec,
    MoESpec,
)
from workbench.io.hf_config import components, layers
from workbench.io.hf_config.defaults_table import DEFAULTS, TRANSFORMERS_VERSION
from workbench.io.hf_config.fields import first, get_int, without_aliased
from workbench.io.hf_config.quant import checkpoint_format
from workbench.io.hf_config.vision import vision_tower

#: model_types whose reading is checked against transformers' exact count (tests/fixtures/hf-config-corpus).
VERIFIED_MODEL_TYPES: frozenset[str] = frozenset({
    "llama", "mistral", "mixtral", "qwen2", "qwen3", "qwen3_moe", "qwen3_next", "qwen3_5_text", "qwen3_5_moe_text",
    "qwen3_vl_text", "qwen3_vl_moe_text", "deepseek_v2", "deepseek_v3", "deepseek_v32", "kimi_k2", "gemma",
    "gemma2", "gemma3", "gemma3_text", "gemma4_text", "gpt_oss", "llama4", "llama4_text", "phi3", "olmo2", "olmoe",
    "cohere", "glm", "glm4_moe", "glm_moe_dsa", "minimax_m2", "mimo_v2_flash", "nemotron", "nemotron_h",
    "falcon_h1", "mamba", "step3p5",
})
#: Fields whose library default is listed as an assumption when the file omits them.
_SIZE_FIELDS = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                "intermediate_size", "head_dim", "tie_word_embeddings", "moe_intermediate_size", "num_experts",
                "n_routed_experts", "num_experts_per_tok", "share_expert_dim")
_CORE_FIELDS = ("num_hidden_layers", "hidden_size", "num_attention_heads")
_NORMS_PER_LAYER: dict[str, int] = {"gemma2": 4, "gemma3": 4, "gemma3_text": 4, "gemma4_text": 4, "olmo2": 2,
                                    "cohere": 1}
_QK_NORM_FULL: frozenset[str] = frozenset({"olmo2", "olmoe", "minimax_m2"})
_QKV_BIAS_ONLY_WHEN_BIAS: frozenset[str] = frozenset({"glm", "glm4_moe"})
_QK_NORM: frozenset[str] = frozenset({"qwen3", "qwen3_moe", "qwen3_next", "gemma3", "gemma3_text", "gemma4_text",
                                      "olmo2", "olmoe", "qwen3_5_text", "qwen3_5_moe_text", "qwen3_vl_text",
                                      "qwen3_vl_moe_text", "step3p5"})
_QKV_BIAS: frozenset[str] = frozenset({"qwen2", "qwen2_moe"})
_OUTPUT_GATE: frozenset[str] = frozenset({"qwen3_next", "qwen3_5_text", "qwen3_5_moe_text"})


def _apply_defaults(cfg: dict[str, Any], model_type: str, notes: list[str], core: bool = False) -> dict[str, Any]:
    """``cfg`` over transformers' defaults for ``model_type``. The core size fields (layers, hidden size,
    attention heads) are only defaulted for a wrapper's language model (``core``: a ``text_config``, or a wrapper
    without one), which transformers builds from its sub-configuration class; a top-level file always carries
    them, so their absence there means a truncated file, and a default would decide the model's size."""
    defaults = without_aliased(DEFAULTS.get(model_type, {}), cfg)
    if not core:
        defaults = {k: v for k, v in defaults.items() if k not in _CORE_FIELDS}
    used = [k for k in _SIZE_FIELDS if k in defaults and k not in cfg]
    if used:
        notes.append(
            f"not in config.json, transformers' {model_type} default used: "
            + ", ".join(f"{k}={defaults[k]!r}" for k in used) + f" (transformers {TRANSFORMERS_VERSION})"
        )
    return _derived_defaults({**defaults, **cfg}, model_type, notes)


def _derived_defaults(cfg: dict[str, Any], model_type: str, notes: list[str]) -> dict[str, Any]:
    """Defaults transformers derives in a configuration's ``__post_init__`` rather than declares (so the
    generated table cannot carry them)."""
    if model_type == "step3p5" and not any(k in cfg for k in ("mlp_layer_types", "moe_layers_enum")):
        notes.append("Step 3.5/3.7: no mlp_layer_types/moe_layers_enum, so layers 0-2 dense and the rest MoE "
                     f"(transformers {TRANSFORMERS_VERSION} Step3p7TextConfig)")
        return {**cfg, "first_k_dense_replace": 3}
    return cfg


def resolve(raw: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """The language-model fields with defaults applied (nested ``text_config`` merged over the top level)."""
    top_type = str(raw.get("model_type") or "").strip()
    wrapper_text = DEFAULTS.get(top_type, {}).get("_text_model_type")
    text = raw.get("text_config")
    top = {k: v for k, v in raw.items() if k not in ("text_config", "vision_config", "audio_config")}
    if isinstance(text, dict):
        text_type = str(text.get("model_type") or wrapper_text or top_type)
        notes.append("read the language model from nested 'text_config'")
        return _apply_defaults({**top, **text, "model_type": text_type}, text_type, notes, core=True)
    if wrapper_text:
        notes.append(
            f"model_type {top_type!r} keeps its language model in 'text_config'; this file has none, so transformers "
            f"(and vLLM) build the default {wrapper_text} configuration and ignore the top-level size fields — so "
            "does this reader. Use model_type "
            f"{wrapper_text!r} if the top-level fields describe the model"
        )
        keep: dict[str, Any] = {k: top[k] for k in ("quantization_config", "torch_dtype", "dtype") if k in top}
        return _apply_defaults({**keep, "model_type": wrapper_text}, wrapper_text, notes, core=True)
    return _apply_defaults(raw, top_type, notes)


def _attention_shape(cfg: dict[str, Any], hidden: int, heads: int, model_type: str,
                     notes: list[str]) -> tuple[int, int, str]:
    """(KV heads, head_dim, head_dim source)."""
    kv_name, _ = first(cfg, "num_key_value_heads", "num_kv_heads", "n_head_kv", "multi_query_group_num",
                       "num_attention_groups")
    if kv_name is not None:
        kv_heads = get_int(cfg, kv_name) or heads
    elif cfg.get("multi_query") is True:
        kv_heads = 1
    else:
        kv_heads = heads
        notes.append("no 'num_key_value_heads': assumed multi-head attention (KV heads = attention heads)")
    if heads % kv_heads:
        raise ArchitectureError(f"num_attention_heads={heads} is not a multiple of num_key_value_heads={kv_heads}")
    head_dim = get_int(cfg, "head_dim", "attention_head_dim", "head_size", required=False)
    if head_dim is not None:
        return kv_heads, head_dim, "config"
    if hidden % heads:
        raise ArchitectureError(
            f"num_attention_heads={heads} does not divide hidden_size={hidden} and the config has no explicit "
            "'head_dim'"
        )
    if model_type not in VERIFIED_MODEL_TYPES:
        notes.append(f"no 'head_dim': used hidden_size // num_attention_heads = {hidden // heads}")
    return kv_heads, hidden // heads, "hidden_size // num_attention_heads"


def _layers(cfg: dict[str, Any], n: int, model_type: str, moe: MoESpec | None,
            notes: list[str]) -> tuple[list[Mixer], list[Ffn]]:
    blocks = layers.block_pattern(cfg, n, notes)
    if blocks is not None:
        mixers = [b[0] for b in blocks]
        ffns: list[Ffn] = [("dense" if f == "moe" and moe is None else f) for _, f in blocks]
        return mixers, ffns
    mixers = layers.layer_mixers(cfg, n, model_type, notes)
    if moe is None:
        return mixers, ["dense"] * n
    if cfg.get("enable_moe_block"):
        return mixers, ["dense_moe"] * n
    flags = layers.moe_layer_flags(cfg, n)
    return mixers, ["moe" if f else "dense" for f in flags]


def _dense_width(cfg: dict[str, Any], ffns: list[Ffn]) -> int | None:
    width = get_int(cfg, "intermediate_size_mlp", "dense_intermediate_size", "intermediate_size", "ffn_dim",
                    "n_inner", "ffn_hidden_size", required=False)
    if width is None and any(f in ("dense", "dense_moe") for f in ffns):
        raise ArchitectureError("dense MLP layers present but field 'intermediate_size' is missing")
    return width


def _mamba_for_parallel(cfg: dict[str, Any], hidden: int, model_type: str, notes: list[str],
                        current: LinearAttentionSpec | None) -> LinearAttentionSpec | None:
    if model_type != "falcon_h1" or current is not None:
        return current
    notes.append("Falcon-H1: every layer runs attention and a Mamba-2 mixer in parallel (both cached)")
    return components.linear(cfg, {"mamba"}, hidden, model_type, notes)


@dataclass
class _Shape:
    """The sizes and per-layer structure read from the config (intermediate result of :func:`_parse`)."""

    n_layers: int
    hidden: int
    vocab: int
    heads: int
    kv_heads: int
    head_dim: int
    head_src: str
    mla: MLASpec | None
    gated: bool
    moe: MoESpec | None
    mixers: list[Mixer]
    ffns: list[Ffn]


def _read_shape(cfg: dict[str, Any], model_type: str, notes: list[str]) -> _Shape:
    n_layers = get_int(cfg, "num_hidden_layers", "n_layer", "num_layers", "n_layers")
    hidden = get_int(cfg, "hidden_size", "d_model", "n_embd", "model_dim")
    vocab = get_int(cfg, "vocab_size", "padded_vocab_size")
    assert n_layers is not None and hidden is not None and vocab is not None
    attention = model_type != "mamba"
    heads = get_int(cfg, "num_attention_heads", "n_head", "num_heads", required=attention) or 1
    mla = components.mla(cfg, notes)
    kv_heads, head_dim, head_src = (_attention_shape(cfg, hidden, heads, model_type, notes) if attention
                                    else (1, 1, "no attention layers"))
    if mla is not None and head_src != "config":
        head_dim, head_src = mla.qk_nope_head_dim + mla.qk_rope_head_dim, "config"
    gated = components.mlp_gated(cfg, model_type)
    moe = components.moe(cfg, model_type, gated, notes)
    if attention:
        mixers, ffns = _layers(cfg, n_layers, model_type, moe, notes)
    else:
        mixers, ffns = ["mamba"] * n_layers, ["none"] * n_layers
    if mla is not None:
        mixers = ["mla" if m in ("full_attention", "sliding_attention", "chunked_attention") else m for m in mixers]
    return _Shape(n_layers, hidden, vocab, heads, kv_heads, head_dim, head_src, mla, gated, moe, mixers, ffns)


def _windows(cfg: dict[str, Any], mixers: list[Mixer]) -> tuple[int | None, int | None]:
    window = get_int(cfg, "sliding_window", required=False) if "sliding_attention" in mixers else None
    if "sliding_attention" in mixers and window is None:
        raise ArchitectureError("layers are sliding-window attention but field 'sliding_window' is missing")
    chunk = get_int(cfg, "attention_chunk_size", required=False) if "chunked_attention" in mixers else None
    return window, chunk


def _tied_and_mtp(cfg: dict[str, Any], notes: list[str]) -> tuple[bool, int]:
    tied_name, tied = first(cfg, "tie_word_embeddings")
    if tied_name is None:
        tied = True
        notes.append("no 'tie_word_embeddings': assumed tied (transformers' PretrainedConfig default)")
    mtp = get_int(cfg, "num_nextn_predict_layers", "mtp_num_hidden_layers", "num_mtp_modules", required=False,
                  minimum=0) or 0
    if mtp:
        notes.append(f"{mtp} multi-token-prediction layer(s) in the checkpoint are not counted in the totals")
    return bool(tied), mtp


def _parse(raw: dict[str, Any]) -> ArchitectureSpec:
    if not isinstance(raw, dict):
        raise ArchitectureError(f"config must be a JSON object, got {type(raw).__name__}")
    notes: list[str] = []
    cfg = resolve(raw, notes)
    model_type = str(cfg.get("model_type") or "").strip() or "unknown"
    verified = model_type in VERIFIED_MODEL_TYPES
    if not verified:
        notes.insert(0, f"model_type {model_type!r} is not verified against transformers: read through the generic "
                        "fields; every assumption is listed here")
    sh = _read_shape(cfg, model_type, notes)
    window, chunk = _windows(cfg, sh.mixers)
    linear = components.linear(cfg, set(sh.mixers), sh.hidden, model_type, notes)
    linear = _mamba_for_parallel(cfg, sh.hidden, model_type, notes, linear)
    if not sh.gated:
        notes.append("2-matrix MLP (up, down) from the activation/family; no gate projection")
    if not verified:
        _generic_notes(sh.moe, sh.ffns, sh.gated, notes)
    tied, mtp = _tied_and_mtp(cfg, notes)
    vision = vision_tower(_vision_source(raw), sh.hidden, notes)
    n_layers, hidden, heads, kv_heads, mla, mixers, ffns = (sh.n_layers, sh.hidden, sh.heads, sh.kv_heads, sh.mla,
                                                            sh.mixers, sh.ffns)
    return ArchitectureSpec(
        model_type=model_type,
        architectures=[str(a) for a in cfg.get("architectures") or [] if isinstance(a, str)],
        num_hidden_layers=n_layers,
        hidden_size=hidden,
        num_attention_heads=heads,
        num_key_value_heads=1 if mla is not None else kv_heads,
        head_dim=sh.head_dim,
        head_dim_source=sh.head_src,
        v_head_dim=get_int(cfg, "v_head_dim", required=False) if mla is None else None,
        full_attention_head_dim=get_int(cfg, "global_head_dim", required=False),
        full_attention_kv_heads=get_int(cfg, "num_global_key_value_heads", required=False),
        sliding_kv_heads=_sliding_kv_heads(cfg, model_type, kv_heads),
        sliding_attention_heads=_sliding_heads(cfg, model_type),
        full_k_eq_v=bool(cfg.get("attention_k_eq_v")),
        vocab_size=sh.vocab,
        tie_word_embeddings=tied,
        intermediate_size=_dense_width(cfg, ffns),
        mlp_gated=sh.gated,
        mlp_bias=bool(cfg.get("mlp_bias")),
        max_position_embeddings=get_int(cfg, "max_position_embeddings", "n_positions", "max_seq_len", required=False),
        layers=_layer_specs(cfg, model_type, mixers, ffns),
        sliding_window=window,
        attention_chunk_size=chunk,
        moe=sh.moe if any(f in ("moe", "dense_moe") for f in ffns) else None,
        mla=mla,
        indexer=components.indexer(cfg, notes),
        compressed=components.compressed_attention(cfg, n_layers, notes),
        linear=linear,
        vision=vision,
        attention_bias=bool(cfg.get("attention_bias")) and model_type not in _QKV_BIAS_ONLY_WHEN_BIAS,
        qkv_bias_only=model_type in _QKV_BIAS or bool(cfg.get("qkv_bias")) and not cfg.get("attention_bias")
        or bool(cfg.get("attention_bias")) and model_type in _QKV_BIAS_ONLY_WHEN_BIAS,
        attention_output_gate=_output_gate(cfg, model_type),
        attention_head_gate=_step_gate(cfg, model_type) == "per-head",
        qk_norm=model_type in _QK_NORM or bool(cfg.get("use_qk_norm")),
        qk_norm_full_width=model_type in _QK_NORM_FULL and cfg.get("qk_norm_type", "per_layer") == "per_layer",
        norm_bias=model_type == "nemotron",
        attention_sinks=_sinks(cfg, model_type),
        norms_per_layer=1 if layers.block_pattern(cfg, n_layers, []) else _NORMS_PER_LAYER.get(model_type),
        checkpoint_format=checkpoint_format(cfg, notes),
        mtp_layers=mtp,
        verified=verified,
        assumptions=notes,
    )


def _generic_notes(moe: MoESpec | None, ffns: list[Ffn], gated: bool, notes: list[str]) -> None:
    kind = "gated (3-matrix)" if gated else "2-matrix"
    if moe is not None and any(f in ("moe", "dense_moe") for f in ffns):
        notes.append(
            f"MoE read from generic fields: {moe.num_experts} experts, top-{moe.experts_per_token}, expert FFN "
            f"{moe.expert_intermediate_size}, {moe.num_shared_experts} shared; {kind} experts assumed"
        )
    if "dense" in ffns:
        notes.append(f"dense MLP assumed {kind}")


def _vision_source(raw: dict[str, Any]) -> dict[str, Any]:
    """The dict holding ``vision_config`` (a Gemma 3 wrapper without one gets transformers' SigLIP default)."""
    if raw.get("model_type") == "gemma3" and not isinstance(raw.get("vision_config"), dict):
        return {**raw, "vision_config": {"model_type": "siglip_vision_model"}}
    return raw


def _sliding_kv_heads(cfg: dict[str, Any], model_type: str, kv_heads: int) -> int | None:
    if model_type == "mimo_v2_flash":  # transformers: SWA layers double the KV heads
        return 2 * kv_heads
    other = cfg.get("attention_other_setting")
    # vLLM's get_swa_num_kv_heads for step3p5 (the KV cache); transformers' weights keep the global KV heads, the
    # same 8 in the published Step 3.5 config
    if model_type == "step3p5" and isinstance(other, dict):
        return get_int(other, "num_attention_groups", required=False)
    return get_int(cfg, "swa_num_key_value_heads", required=False)


def _sliding_heads(cfg: dict[str, Any], model_type: str) -> int | None:
    """Query heads of the sliding-window layers where they differ (Step 3.5: ``attention_other_setting``)."""
    heads = get_int(cfg, "num_sliding_attention_heads", required=False)
    other = cfg.get("attention_other_setting")
    if heads is None and model_type == "step3p5" and isinstance(other, dict):
        heads = get_int(other, "num_attention_heads", required=False)
    return heads


def _layer_specs(cfg: dict[str, Any], model_type: str, mixers: list[Mixer], ffns: list[Ffn]) -> list[LayerSpec]:
    indexers = components.lightning_layers(cfg, len(mixers)) or [False] * len(mixers)
    return [LayerSpec(mixer=m, ffn=f, parallel_mamba=model_type == "falcon_h1", indexer=x)
            for m, f, x in zip(mixers, ffns, indexers, strict=True)]


def _output_gate(cfg: dict[str, Any], model_type: str) -> bool:
    """A full-width output gate: Qwen3-Next/3.5 (q_proj doubled), ``attn_output_gate``, or Step's non-per-head gate."""
    return bool(cfg.get("attn_output_gate")) or model_type in _OUTPUT_GATE or _step_gate(cfg, model_type) == "full"


def _step_gate(cfg: dict[str, Any], model_type: str) -> str | None:
    """Step 3.5/3.7 attention gate ``g_proj``: ``gating`` true or "per-head" gives one gate per head, any other
    value a full-width gate (transformers' Step3p7Attention builds one either way); the class default is per head."""
    if model_type != "step3p5":
        return None
    gating = cfg.get("gating", True)
    return "per-head" if gating is True or gating == "per-head" else "full"


def _sinks(cfg: dict[str, Any], model_type: str) -> Any:
    if model_type == "gpt_oss":
        return "all"
    if cfg.get("add_swa_attention_sink_bias"):
        return "sliding"
    return "none"


def parse_hf_config(raw: dict[str, Any]) -> ArchitectureSpec:
    """Parse a Hugging Face ``config.json`` dict into an :class:`ArchitectureSpec`.

    Raises :class:`ArchitectureError` naming the field when a required value is missing, implausible or
    inconsistent. A value of the wrong type anywhere is reported the same way, never as a crash.
    """
    try:
        return _parse(raw)
    except ArchitectureError as exc:
        if "missing required field" in str(exc) and isinstance(raw, dict) and isinstance(raw.get("auto_map"), dict):
            raise ArchitectureError(
                f"{exc}; this model's defaults live in remote code (auto_map "
                f"{raw['auto_map'].get('AutoConfig', '?')}), which this reader does not run: add the field"
            ) from exc
        raise
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        raise ArchitectureError(f"config.json has a value of an unexpected type or shape ({type(exc).__name__}: "
                                f"{exc}); check the fields this model type uses") from exc
