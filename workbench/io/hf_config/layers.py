"""Per-layer patterns of a config.json: which token mixer and which feed-forward block each layer has.

Token mixer, first pattern present wins (the same precedence transformers' configuration classes apply):
``layers_block_type`` / ``hybrid_override_pattern`` (Nemotron-H: ``M`` Mamba, ``*`` attention, ``-`` MLP, ``E``
MoE — one block per layer); ``layer_types``; ``linear_attn_config.full_attn_layers`` (Kimi Linear, 1-indexed);
``hybrid_layer_pattern`` (MiMo: 1 = sliding window); ``attn_layer_period``/``offset`` (Jamba: the rest Mamba);
``full_attention_interval`` (Qwen3-Next/3.5: the rest Gated DeltaNet); ``attention_chunk_size`` with
``no_rope_layers`` (Llama 4); ``sliding_window_pattern`` (Gemma 3); the Gemma-2 alternation; a bare
``sliding_window`` (every layer).

Feed-forward: the block pattern when there is one; else ``mlp_layer_types`` (``sparse``/``dense`` per layer,
transformers' canonical field) or ``moe_layers_enum`` (Step 3.5/3.7); else MoE layers from
``first_k_dense_replace`` and ``moe_layer_freq`` (an int period or a per-layer 0/1 list), ``decoder_sparse_step``/``mlp_only_layers`` (Qwen),
``interleave_moe_layer_step``/``moe_layers`` (Llama 4), ``expert_layer_period``/``offset`` (Jamba),
``enable_moe_block`` (Gemma 4: a dense MLP and the experts side by side in every layer).
"""

from __future__ import annotations

from typing import Any

from workbench.domain.architecture import ArchitectureError, Ffn, Mixer
from workbench.io.hf_config.fields import get_int, int_list

LAYER_TYPE_ALIASES: dict[str, Mixer] = {
    "full_attention": "full_attention",
    "attention": "full_attention",
    "global": "full_attention",
    "global_attention": "full_attention",
    "sliding_attention": "sliding_attention",
    "sliding_window_attention": "sliding_attention",
    "local": "sliding_attention",
    "local_attention": "sliding_attention",
    "chunked_attention": "chunked_attention",
    "linear_attention": "linear_attention",
    "mamba": "mamba",
    "mamba2": "mamba",
}
#: One-block-per-layer patterns (Nemotron-H): mixer and FFN of each symbol.
_BLOCKS: dict[str, tuple[Mixer, Ffn]] = {
    "M": ("mamba", "none"), "*": ("full_attention", "none"), "-": ("none", "dense"), "E": ("none", "moe"),
    "mamba": ("mamba", "none"), "attention": ("full_attention", "none"), "full_attention": ("full_attention", "none"),
    "mlp": ("none", "dense"), "moe": ("none", "moe"),
}


def block_pattern(cfg: dict[str, Any], n_layers: int, notes: list[str]) -> list[tuple[Mixer, Ffn]] | None:
    """Nemotron-H style one-block-per-layer pattern (``layers_block_type`` list or ``hybrid_override_pattern``)."""
    blocks = cfg.get("layers_block_type")
    pattern = cfg.get("hybrid_override_pattern")
    seq: list[str] | None = None
    name = ""
    if isinstance(blocks, list) and blocks and any(str(b) in ("mlp", "moe") for b in blocks):
        seq, name = [str(b) for b in blocks], "layers_block_type"
    elif isinstance(pattern, str) and pattern:
        seq, name = list(pattern), "hybrid_override_pattern"
    if seq is None:
        return None
    if len(seq) != n_layers:
        raise ArchitectureError(f"field {name!r} has {len(seq)} entries but num_hidden_layers is {n_layers}")
    unknown = sorted({s for s in seq if s not in _BLOCKS})
    if unknown:
        raise ArchitectureError(f"field {name!r} has unknown block type(s) {unknown}; known: M * - E")
    notes.append(f"{name}: one block per layer (Mamba, attention, MLP or MoE), one norm each")
    return [_BLOCKS[s] for s in seq]


def _from_layer_types(cfg: dict[str, Any], n_layers: int, notes: list[str]) -> list[Mixer] | None:
    layer_types = cfg.get("layer_types")
    if not isinstance(layer_types, list) or not layer_types:
        layer_types = cfg.get("layers_block_type")
        if not isinstance(layer_types, list) or not layer_types:
            return None
    mtp = get_int(cfg, "num_nextn_predict_layers", "mtp_num_hidden_layers", required=False, minimum=0) or 0
    if mtp and len(layer_types) == n_layers + mtp:  # Step 3.5: the list also covers the MTP layers (trimmed)
        layer_types = layer_types[:n_layers]
    if len(layer_types) != n_layers:
        raise ArchitectureError(
            f"field 'layer_types' has {len(layer_types)} entries but num_hidden_layers is {n_layers}"
        )
    mixers: list[Mixer] = []
    for i, name in enumerate(layer_types):
        mixer = LAYER_TYPE_ALIASES.get(str(name).lower())
        if mixer is None:
            notes.append(f"layer_types[{i}] = {name!r} is unknown: counted as full attention (conservative)")
            mixer = "full_attention"
        mixers.append(mixer)
    return mixers


def _from_indices(cfg: dict[str, Any], n_layers: int) -> list[Mixer] | None:
    lac = cfg.get("linear_attn_config")
    if isinstance(lac, dict) and isinstance(lac.get("full_attn_layers"), list):
        full = {int(i) for i in lac["full_attn_layers"] if isinstance(i, int)}
        return ["full_attention" if i + 1 in full else "linear_attention" for i in range(n_layers)]
    pattern = int_list(cfg, "hybrid_layer_pattern", n_layers)
    if pattern is not None:
        return ["sliding_attention" if p else "full_attention" for p in pattern]
    period = get_int(cfg, "attn_layer_period", required=False)
    if period and "attn_layer_offset" in cfg:
        offset = get_int(cfg, "attn_layer_offset", minimum=0) or 0
        return ["full_attention" if i % period == offset else "mamba" for i in range(n_layers)]
    interval = get_int(cfg, "full_attention_interval", required=False)
    if interval:
        return ["full_attention" if (i + 1) % interval == 0 else "linear_attention" for i in range(n_layers)]
    return None


def _sliding(cfg: dict[str, Any], n_layers: int, model_type: str, notes: list[str]) -> list[Mixer]:
    window = cfg.get("sliding_window")
    if not (isinstance(window, int) and window > 0) or cfg.get("use_sliding_window") is False:
        return ["full_attention"] * n_layers
    swp = get_int(cfg, "sliding_window_pattern", required=False)
    if swp:
        return ["full_attention" if (i + 1) % swp == 0 else "sliding_attention" for i in range(n_layers)]
    if model_type in ("gemma2", "cohere2") or cfg.get("cache_implementation") == "hybrid":
        # transformers Gemma2: layer i is sliding when (i + 1) % 2 == 1
        return ["sliding_attention" if (i + 1) % 2 else "full_attention" for i in range(n_layers)]
    if model_type in ("gemma3", "gemma3_text"):
        notes.append("gemma3 without sliding_window_pattern: 5 sliding : 1 full (transformers' default)")
        return ["full_attention" if (i + 1) % 6 == 0 else "sliding_attention" for i in range(n_layers)]
    notes.append(
        f"sliding_window={window} with no per-layer pattern: every layer treated as sliding window "
        "(as vLLM does; some runtimes ignore the window)"
    )
    return ["sliding_attention"] * n_layers


def layer_mixers(cfg: dict[str, Any], n_layers: int, model_type: str, notes: list[str]) -> list[Mixer]:
    """Per-layer token mixer (precedence in the module docstring)."""
    for found in (_from_layer_types(cfg, n_layers, notes), _from_indices(cfg, n_layers)):
        if found is not None:
            return found
    chunk = cfg.get("attention_chunk_size")
    if isinstance(chunk, int) and chunk > 0:
        no_rope = cfg.get("no_rope_layers")
        if isinstance(no_rope, list) and len(no_rope) == n_layers:
            return ["chunked_attention" if flag else "full_attention" for flag in no_rope]
        notes.append("attention_chunk_size without no_rope_layers: every 4th layer global (Llama 4 default)")
        return ["full_attention" if (i + 1) % 4 == 0 else "chunked_attention" for i in range(n_layers)]
    return _sliding(cfg, n_layers, model_type, notes)


def _period_flags(cfg: dict[str, Any], flags: list[bool], first_k: int) -> list[bool]:
    """``moe_layer_freq`` as a per-layer 0/1 list, or as a period counted from ``first_k_dense_replace``."""
    freq = cfg.get("moe_layer_freq")
    if isinstance(freq, list):
        return [bool(v) for v in int_list(cfg, "moe_layer_freq", len(flags)) or []]
    if freq is not None:
        period = get_int(cfg, "moe_layer_freq") or 1
        return [f and (i - first_k) % period == 0 for i, f in enumerate(flags)]
    return flags


def _step_flags(cfg: dict[str, Any], flags: list[bool]) -> list[bool]:
    """Llama 4 ``moe_layers`` list, or every ``decoder_sparse_step``-th / ``interleave_moe_layer_step``-th layer."""
    moe_layers = cfg.get("moe_layers")
    if isinstance(moe_layers, list):
        chosen = {int(i) for i in moe_layers if isinstance(i, int)}
        return [i in chosen for i in range(len(flags))]
    step = get_int(cfg, "decoder_sparse_step", "interleave_moe_layer_step", required=False)
    if step:
        return [f and (i + 1) % step == 0 for i, f in enumerate(flags)]
    return flags


def _listed_flags(cfg: dict[str, Any], n_layers: int) -> list[bool] | None:
    """transformers' canonical per-layer ``mlp_layer_types`` (``"sparse"``/``"dense"``), or Step's legacy
    ``moe_layers_enum`` (MoE layer indices, a list or a comma-separated string). Lists padded with trailing
    multi-token-prediction entries are cut to ``num_hidden_layers``, as transformers does."""
    kinds = cfg.get("mlp_layer_types")
    if kinds is not None and not isinstance(kinds, list):
        raise ArchitectureError(f"field 'mlp_layer_types' must be a list of \"sparse\"/\"dense\", got "
                                f"{type(kinds).__name__}")
    if kinds:
        unknown = sorted({str(k) for k in kinds} - {"sparse", "dense", "moe"})
        if unknown:
            raise ArchitectureError(f"field 'mlp_layer_types' has unknown entries {unknown} (expected sparse/dense)")
        if len(kinds) < n_layers:
            raise ArchitectureError(f"field 'mlp_layer_types' has {len(kinds)} entries but num_hidden_layers is "
                                    f"{n_layers}")
        return [str(k) in ("sparse", "moe") for k in kinds[:n_layers]]
    listed = cfg.get("moe_layers_enum")
    if listed is None:
        return None
    items = listed.split(",") if isinstance(listed, str) else listed if isinstance(listed, list) else None
    if items is None or not all(str(i).strip().isdigit() and len(str(i).strip()) <= 6 for i in items
                                if str(i).strip()):
        raise ArchitectureError("field 'moe_layers_enum' must list layer indices below 1,000,000 (e.g. \"3,4,5\")")
    chosen = {int(str(i)) for i in items if str(i).strip()}
    return [i in chosen for i in range(n_layers)]


def moe_layer_flags(cfg: dict[str, Any], n_layers: int) -> list[bool]:
    """Which layers carry a MoE block (fields in the module docstring)."""
    listed = _listed_flags(cfg, n_layers)
    if listed is not None:
        return listed
    first_k = get_int(cfg, "first_k_dense_replace", required=False, minimum=0) or 0
    flags = _step_flags(cfg, _period_flags(cfg, [i >= first_k for i in range(n_layers)], first_k))
    period = get_int(cfg, "expert_layer_period", required=False)
    if period:
        offset = get_int(cfg, "expert_layer_offset", required=False, minimum=0) or 0
        flags = [i % period == offset for i in range(n_layers)]
    mlp_only = cfg.get("mlp_only_layers") or []
    if not isinstance(mlp_only, list):
        raise ArchitectureError("field 'mlp_only_layers' must be a list of layer indices")
    skip = {int(i) for i in mlp_only if isinstance(i, int)}
    return [f and i not in skip for i, f in enumerate(flags)]
