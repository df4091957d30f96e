"""Typed access to config.json fields with plausibility limits checked before anything is allocated.

Every integer the reader uses goes through :func:`get_int`, which refuses a wrong type, a value below the
field's minimum, or a value above its limit (:data:`LIMITS`), naming the field and the limit. The limits are
generous but finite — about ten times the largest published model of 2026 — so that a hostile file
(``num_hidden_layers: 30000000``, ``hidden_size: 1e300``) is refused before a per-layer list or a product of
sizes is built.
"""

from __future__ import annotations

from typing import Any

from workbench.domain.architecture import ArchitectureError

#: Upper limits per field family (largest published value of 2026 in the comment).
LIMITS: dict[str, int] = {
    "layers": 2_048,  # DeepSeek V3 61, Llama 3.1 405B 126, Nemotron-H 56B 118
    "hidden": 262_144,  # Llama 3.1 405B 16,384
    "heads": 16_384,  # Llama 3.1 405B 128
    "head_dim": 8_192,  # Gemma 4 global_head_dim 512
    "vocab": 4_194_304,  # Gemma 3 262,208
    "intermediate": 2_097_152,  # Llama 3.1 405B 53,248
    "experts": 8_192,  # Nemotron-3 Super 512
    "context": 100_000_000,  # Llama 4 Scout 10,000,000
    "small": 1_048_576,  # ranks, windows, kernel sizes, group counts
}

#: Which limit applies to each field name (unlisted fields use "small").
FIELD_LIMIT: dict[str, str] = {
    **dict.fromkeys(("num_hidden_layers", "n_layer", "num_layers", "n_layers", "first_k_dense_replace",
                     "num_nextn_predict_layers", "mtp_num_hidden_layers"), "layers"),
    **dict.fromkeys(("hidden_size", "d_model", "n_embd", "model_dim", "moe_latent_size", "vt_hidden_size",
                     "out_hidden_size", "text_hidden_size", "width"), "hidden"),
    **dict.fromkeys(("num_attention_heads", "n_head", "num_heads", "num_key_value_heads", "num_kv_heads",
                     "n_head_kv", "multi_query_group_num", "num_global_key_value_heads", "swa_num_key_value_heads",
                     "num_attention_groups", "num_sliding_attention_heads",
                     "mamba_num_heads", "mamba_n_heads", "linear_num_key_heads", "linear_num_value_heads",
                     "index_n_heads", "vt_num_attention_heads", "sparse_num_index_heads"), "heads"),
    **dict.fromkeys(("head_dim", "attention_head_dim", "head_size", "global_head_dim", "v_head_dim",
                     "swa_head_dim", "swa_v_head_dim", "qk_rope_head_dim", "qk_nope_head_dim", "mamba_head_dim",
                     "mamba_d_head", "linear_key_head_dim", "linear_value_head_dim", "index_head_dim", "sparse_index_dim"),
                    "head_dim"),
    **dict.fromkeys(("vocab_size", "padded_vocab_size"), "vocab"),
    **dict.fromkeys(("intermediate_size", "ffn_dim", "n_inner", "ffn_hidden_size", "moe_intermediate_size",
                     "expert_intermediate_size", "shared_expert_intermediate_size", "intermediate_size_mlp",
                     "dense_intermediate_size", "shared_intermediate_size", "moe_shared_expert_intermediate_size",
                     "share_expert_dim",
                     "mamba_d_inner", "intermediate_size_mamba", "mamba_d_ssm", "d_inner", "vt_intermediate_size"),
                    "intermediate"),
    **dict.fromkeys(("num_local_experts", "n_routed_experts", "num_experts", "moe_num_experts",
                     "num_experts_per_tok", "experts_per_token", "moe_top_k", "num_experts_per_token",
                     "top_k_experts", "n_shared_experts", "num_shared_experts"), "experts"),
    **dict.fromkeys(("max_position_embeddings", "n_positions", "max_seq_len", "sliding_window",
                     "attention_chunk_size"), "context"),
}


def first(cfg: dict[str, Any], *names: str) -> tuple[str | None, Any]:
    """(name, value) of the first field present and not null."""
    for name in names:
        if name in cfg and cfg[name] is not None:
            return name, cfg[name]
    return None, None


def check_int(name: str, value: Any, minimum: int = 1) -> int:
    """``value`` as an int within ``minimum`` .. the field's limit, else :class:`ArchitectureError`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ArchitectureError(f"field {name!r} must be an integer, got {value!r}")
    limit = LIMITS[FIELD_LIMIT.get(name, "small")]
    if not (minimum <= value <= limit):  # also refuses NaN and ±inf
        if value < minimum:
            raise ArchitectureError(f"field {name!r} must be >= {minimum}, got {value}")
        raise ArchitectureError(
            f"field {name!r} = {value:g} is implausible: the limit is {limit:,} (about 10x the largest published "
            "model); nothing was read"
        )
    if int(value) != value:
        raise ArchitectureError(f"field {name!r} must be an integer, got {value!r}")
    return int(value)


def get_int(cfg: dict[str, Any], *names: str, required: bool = True, minimum: int = 1) -> int | None:
    """The first of ``names`` present, as a checked int; None (or an error when ``required``) if absent."""
    name, value = first(cfg, *names)
    if name is None:
        if required:
            also = f" (also looked for {', '.join(repr(n) for n in names[1:])})" if len(names) > 1 else ""
            raise ArchitectureError(f"missing required field {names[0]!r}{also}")
        return None
    return check_int(name, value, minimum)


def int_list(cfg: dict[str, Any], name: str, length: int | None = None) -> list[int] | None:
    """A list of small non-negative ints (``moe_layer_freq``, ``hybrid_layer_pattern``...), checked."""
    value = cfg.get(name)
    if value is None:
        return None
    if not isinstance(value, list):
        raise ArchitectureError(f"field {name!r} must be an integer or a list, got {type(value).__name__}")
    if length is not None and len(value) != length:
        raise ArchitectureError(f"field {name!r} has {len(value)} entries but num_hidden_layers is {length}")
    return [check_int(f"{name}[{i}]", v, 0) for i, v in enumerate(value)]


#: Field names that mean the same thing (transformers' ``attribute_map`` aliases and older spellings): a default
#: is not applied when the file sets any name of its group.
ALIAS_GROUPS: tuple[tuple[str, ...], ...] = (
    ("num_hidden_layers", "n_layer", "num_layers", "n_layers"),
    ("hidden_size", "d_model", "n_embd", "model_dim"),
    ("num_attention_heads", "n_head", "num_heads"),
    ("num_key_value_heads", "num_kv_heads", "n_head_kv", "multi_query_group_num", "num_attention_groups"),
    ("vocab_size", "padded_vocab_size"),
    ("intermediate_size", "ffn_dim", "n_inner", "ffn_hidden_size"),
    ("num_local_experts", "n_routed_experts", "num_experts", "moe_num_experts"),
    ("num_experts_per_tok", "top_k_experts", "experts_per_token", "moe_top_k", "num_experts_per_token"),
    ("moe_intermediate_size", "expert_intermediate_size"),
    ("max_position_embeddings", "n_positions", "max_seq_len"),
    ("head_dim", "attention_head_dim", "head_size"),
)


def without_aliased(defaults: dict[str, Any], cfg: dict[str, Any]) -> dict[str, Any]:
    """``defaults`` minus every field whose alias group the file already sets."""
    drop: set[str] = set()
    for group in ALIAS_GROUPS:
        if any(name in cfg for name in group):
            drop.update(group)
    return {k: v for k, v in defaults.items() if k not in drop}
