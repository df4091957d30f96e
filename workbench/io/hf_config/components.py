"""Readers for the parts of an architecture: MLA, sparse-attention indexer, linear attention / Mamba, MoE.

Each returns the domain spec (:mod:`workbench.domain.architecture`) or None, and appends to ``notes`` every
value it had to assume. Field names are those of the transformers configuration classes (and vLLM's).
"""

from __future__ import annotations

from typing import Any

from workbench.domain.architecture import (
    ArchitectureError,
    CompressedAttentionSpec,
    IndexerSpec,
    LinearAttentionSpec,
    MLASpec,
    MoESpec,
)
from workbench.io.hf_config.fields import first, get_int, int_list

#: Activations whose MLP has two matrices (up, down) instead of three (gate, up, down).
MAMBA1_MODEL_TYPES = frozenset({"mamba", "falcon_mamba", "jamba"})
NON_GATED_ACTIVATIONS = frozenset({"relu2", "gelu_new", "gelu_fast", "gelu_pytorch_tanh_nongated", "fast_gelu"})
#: model_types whose MLP is a plain 2-matrix MLP whatever the activation name.
NON_GATED_MODEL_TYPES = frozenset({"nemotron", "nemotron_h", "starcoder2", "gpt_bigcode", "gpt2", "phi", "falcon"})


def mla(cfg: dict[str, Any], notes: list[str]) -> MLASpec | None:
    """DeepSeek-style MLA, detected by ``kv_lora_rank``; a re-serialised ``head_dim`` is ignored."""
    if not cfg.get("kv_lora_rank"):
        return None
    rope = get_int(cfg, "qk_rope_head_dim")
    nope = get_int(cfg, "qk_nope_head_dim", required=False, minimum=0) or 0
    v_dim = get_int(cfg, "v_head_dim", required=False) or nope or rope
    assert rope is not None and v_dim is not None
    spec = MLASpec(
        kv_lora_rank=get_int(cfg, "kv_lora_rank") or 0,
        qk_rope_head_dim=rope,
        qk_nope_head_dim=nope,
        v_head_dim=v_dim,
        q_lora_rank=get_int(cfg, "q_lora_rank", required=False),
    )
    if cfg.get("head_dim") is not None:
        notes.append(
            f"MLA: config head_dim={cfg['head_dim']} ignored; cached width is kv_lora_rank + "
            f"qk_rope_head_dim = {spec.latent_width} with one latent 'head' (vLLM)"
        )
    return spec


def lightning_layers(cfg: dict[str, Any], n_layers: int) -> list[bool] | None:
    """MiniMax M3: which layers carry a lightning indexer (``sparse_attention_config.sparse_attention_freq``)."""
    sparse = cfg.get("sparse_attention_config")
    if not isinstance(sparse, dict) or not sparse.get("use_sparse_attention", True):
        return None
    if not isinstance(sparse.get("sparse_attention_freq"), list):
        return None
    flags = int_list(sparse, "sparse_attention_freq")
    assert flags is not None
    if len(flags) < n_layers:
        raise ArchitectureError(f"field 'sparse_attention_config.sparse_attention_freq' has {len(flags)} entries but "
                                f"num_hidden_layers is {n_layers}")
    return [bool(f) for f in flags[:n_layers]]


def indexer(cfg: dict[str, Any], notes: list[str]) -> IndexerSpec | None:
    """DeepSeek V3.2 / GLM-5 sparse-attention indexer (``index_head_dim``, ``index_n_heads``), or MiniMax M3's
    lightning indexer (``sparse_attention_config``: ``sparse_index_dim``, ``sparse_num_index_heads``)."""
    sparse = cfg.get("sparse_attention_config")
    if isinstance(sparse, dict) and not cfg.get("kv_lora_rank") and isinstance(sparse.get("sparse_attention_freq"),
                                                                               list):
        spec = IndexerSpec(kind="lightning", num_heads=get_int(sparse, "sparse_num_index_heads") or 1,
                           head_dim=get_int(sparse, "sparse_index_dim") or 1)
        notes.append("MiniMax M3 lightning indexer on the sparse layers: parameters exact; its key cache and the "
                     "block-sparse selection are not modelled (every token's K/V counted): KV unverified")
        return spec
    head_dim = get_int(cfg, "index_head_dim", required=False)
    heads = get_int(cfg, "index_n_heads", required=False)
    if head_dim is None or heads is None or not cfg.get("kv_lora_rank"):
        return None
    types = cfg.get("indexer_types")
    own = sum(1 for t in types if t == "full") if isinstance(types, list) else None
    spec = IndexerSpec(num_heads=heads, head_dim=head_dim, own_layers=own)
    notes.append(
        f"sparse-attention indexer: vLLM caches its key too, {spec.cache_bytes_per_token_layer} B per token per "
        "layer (fp8 + fp32 scale per 128), in every KV dtype"
    )
    return spec


def compressed_attention(cfg: dict[str, Any], n_layers: int, notes: list[str]) -> CompressedAttentionSpec | None:
    """DeepSeek V4 (``o_groups``, ``hc_mult``, ``compress_ratios``); None for every other model."""
    if cfg.get("o_groups") is None or cfg.get("hc_mult") is None:
        return None
    ratios = cfg.get("compress_ratios")
    compress = [int(r) for r in ratios[:n_layers] if isinstance(r, int) and not isinstance(r, bool)] \
        if isinstance(ratios, list) else []
    if len(compress) != n_layers:
        compress = [0, 0] + [4 if i % 2 == 0 else 128 for i in range(n_layers - 2)]
        notes.append("DeepSeek V4: no per-layer compress_ratios: transformers' default pattern (0, 0, then 4/128)")
    notes.append("DeepSeek V4 compressed attention: parameters exact; the compressed KV entries (1/4 and 1/128 of "
                 "the tokens) are not modelled, only the 128-token sliding window: KV unverified")
    return CompressedAttentionSpec(
        q_lora_rank=get_int(cfg, "q_lora_rank") or 1, o_groups=get_int(cfg, "o_groups") or 1,
        o_lora_rank=get_int(cfg, "o_lora_rank") or 1, hc_mult=get_int(cfg, "hc_mult") or 1,
        index_heads=get_int(cfg, "index_n_heads") or 1, index_head_dim=get_int(cfg, "index_head_dim") or 1,
        compress=compress,
    )


def _mamba(cfg: dict[str, Any], hidden: int, model_type: str, notes: list[str]) -> LinearAttentionSpec:
    d_state = get_int(cfg, "mamba_d_state", "ssm_state_size", "state_size", "d_state")
    conv = get_int(cfg, "mamba_d_conv", "conv_kernel", "mamba_conv_kernel", required=False) or 4
    expand = cfg.get("mamba_expand", cfg.get("expand", 2))
    if not isinstance(expand, int | float) or isinstance(expand, bool) or not 0 < expand <= 64:
        raise ArchitectureError(f"field 'mamba_expand' must be a number within 0..64, got {expand!r}")
    d_inner = get_int(cfg, "mamba_d_ssm", "mamba_d_inner", "intermediate_size_mamba", required=False)
    if model_type in MAMBA1_MODEL_TYPES:  # Mamba-1 (Mamba, Falcon-Mamba, Jamba's mixer)
        jamba = model_type == "jamba"
        d_inner = (int(expand * hidden) if jamba else
                   get_int(cfg, "intermediate_size", "d_inner", required=False) or int(expand * hidden))
        rank_name = "mamba_dt_rank" if jamba else "time_step_rank"
        rank = cfg.get(rank_name, "auto")
        dt_rank = -(-hidden // 16) if rank == "auto" else get_int(cfg, rank_name) or 1
        return LinearAttentionSpec(
            kind="mamba1", num_key_heads=1, num_value_heads=1, key_head_dim=d_inner, value_head_dim=d_inner,
            conv_kernel=conv, state_size=d_state or 0,
            conv_bias=bool(cfg.get("mamba_conv_bias" if jamba else "use_conv_bias", True)),
            proj_bias=bool(cfg.get("mamba_proj_bias" if jamba else "use_bias", False)), time_step_rank=dt_rank,
            bcdt_norms=jamba,
        )
    d_inner = d_inner or int(expand * hidden)
    m_heads = get_int(cfg, "mamba_num_heads", "mamba_n_heads", required=False)
    m_head_dim = get_int(cfg, "mamba_head_dim", "mamba_d_head", required=False)
    if m_heads is None and m_head_dim is None:
        m_head_dim = 64
        notes.append("Mamba: no head count/size in the config: assumed head_dim 64 (Mamba-2 default)")
    if m_heads is None:
        m_heads = max(1, d_inner // (m_head_dim or 64))
    if m_head_dim is None:
        m_head_dim = max(1, d_inner // m_heads)
    notes.append("Mamba-2 state: SSM fp32, conv state 16-bit, sharded over TP like vLLM's MambaSpec")
    return LinearAttentionSpec(
        kind="mamba2",
        num_key_heads=m_heads,
        num_value_heads=m_heads,
        key_head_dim=m_head_dim,
        value_head_dim=m_head_dim,
        conv_kernel=conv,
        state_size=d_state or 0,
        n_groups=get_int(cfg, "mamba_n_groups", "n_groups", required=False) or 1,
        conv_bias=bool(cfg.get("mamba_conv_bias", cfg.get("use_conv_bias", True))),
        gated_norm=bool(cfg.get("mamba_rms_norm", True)),
        proj_bias=bool(cfg.get("mamba_proj_bias", cfg.get("use_bias", False))),
    )


def linear(
    cfg: dict[str, Any], kinds: set[str], hidden: int, model_type: str, notes: list[str]
) -> LinearAttentionSpec | None:
    """Gated DeltaNet (``linear_*`` fields) or Mamba (``mamba_*`` / ``ssm_state_size`` fields)."""
    lac = cfg.get("linear_attn_config")
    if "linear_attention" in kinds and isinstance(lac, dict) and "num_heads" in lac:
        heads = get_int(lac, "num_heads") or 1
        dim = get_int(lac, "head_dim") or 1
        notes.append(f"Kimi Delta Attention layers read as Gated DeltaNet: {heads} heads x {dim}, fp32 state "
                     "(parameters of its low-rank gates not counted: unverified)")
        return LinearAttentionSpec(kind="gated_deltanet", num_key_heads=heads, num_value_heads=heads,
                                   key_head_dim=dim, value_head_dim=dim,
                                   conv_kernel=get_int(lac, "short_conv_kernel_size", required=False) or 4)
    if "linear_attention" in kinds:
        return LinearAttentionSpec(
            kind="gated_deltanet",
            num_key_heads=get_int(cfg, "linear_num_key_heads") or 1,
            num_value_heads=get_int(cfg, "linear_num_value_heads") or 1,
            key_head_dim=get_int(cfg, "linear_key_head_dim") or 1,
            value_head_dim=get_int(cfg, "linear_value_head_dim") or 1,
            conv_kernel=get_int(cfg, "linear_conv_kernel_dim", required=False) or 4,
        )
    if "mamba" in kinds:
        return _mamba(cfg, hidden, model_type, notes)
    return None


def mlp_gated(cfg: dict[str, Any], model_type: str) -> bool:
    """Gated (SwiGLU/GeGLU: 3 matrices) unless the activation or the family is a plain 2-matrix MLP."""
    act = str(cfg.get("mlp_hidden_act") or cfg.get("hidden_act") or cfg.get("hidden_activation") or "").lower()
    return not (act in NON_GATED_ACTIVATIONS or model_type in NON_GATED_MODEL_TYPES)


def moe(cfg: dict[str, Any], model_type: str, gated: bool, notes: list[str]) -> MoESpec | None:
    """Mixture of experts from the generic fields; None for a dense model."""
    experts_name, _ = first(cfg, "num_local_experts", "n_routed_experts", "num_experts", "moe_num_experts")
    experts = get_int(cfg, experts_name, minimum=0) if experts_name is not None else None
    if experts is None or experts <= 1:
        return None
    top_k = get_int(cfg, "num_experts_per_tok", "top_k_experts", "experts_per_token", "moe_top_k",
                    "num_experts_per_token")
    expert_size = get_int(cfg, "moe_intermediate_size", "expert_intermediate_size", required=False)
    if expert_size is None:
        expert_size = get_int(cfg, "intermediate_size", required=False)
        if expert_size is None:
            raise ArchitectureError("MoE config has no 'moe_intermediate_size' nor 'intermediate_size'")
    assert top_k is not None
    if top_k > experts:
        raise ArchitectureError(f"num_experts_per_tok={top_k} exceeds the number of experts {experts_name}={experts}")
    n_shared = get_int(cfg, "n_shared_experts", "num_shared_experts", required=False, minimum=0) or 0
    shared_size = get_int(cfg, "moe_shared_expert_intermediate_size", "shared_intermediate_size",
                          required=False, minimum=0) or expert_size
    shared_gate = False
    if cfg.get("shared_expert_intermediate_size"):
        n_shared = max(n_shared, 1)
        shared_size = get_int(cfg, "shared_expert_intermediate_size") or expert_size
        shared_gate = model_type.startswith(("qwen2_moe", "qwen3_next", "qwen3_5"))
    if model_type in ("llama4", "llama4_text"):
        n_shared = 1  # Llama 4: one shared expert of intermediate_size beside the routed ones
    if cfg.get("share_expert_dim"):  # Step 3.5/3.7: one always-active shared expert of share_expert_dim
        n_shared = max(n_shared, 1)
        shared_size = get_int(cfg, "share_expert_dim") or expert_size
    spec = MoESpec(
        num_experts=experts,
        experts_per_token=top_k,
        expert_intermediate_size=expert_size,
        num_shared_experts=n_shared,
        shared_expert_intermediate_size=shared_size if n_shared else 0,
        shared_expert_gate=shared_gate,
        router_bias=model_type == "gpt_oss",
        expert_bias=model_type == "gpt_oss",
        score_correction_bias=False,  # e_score_correction_bias is a buffer in transformers 5.x, not a parameter
        gated=gated,
        shared_gated=gated,
        latent_size=get_int(cfg, "moe_latent_size", required=False),
        router_scales=model_type in ("gemma4", "gemma4_text"),
    )
    return spec
