"""Per-layer patterns the corpus has no file for (synthetic configs with the published field names)."""

from __future__ import annotations

import pytest

from workbench.domain.gpu import kv_bytes_per_token_by_layer_type
from workbench.io.hf_config import ArchitectureError, parse_hf_config

JAMBA_15_MINI = {  # ai21labs/AI21-Jamba-1.5-Mini config.json (size fields)
    "model_type": "jamba", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
    "num_key_value_heads": 8, "intermediate_size": 14336, "num_experts": 16, "num_experts_per_tok": 2,
    "vocab_size": 65536, "attn_layer_period": 8, "attn_layer_offset": 4, "expert_layer_period": 2,
    "expert_layer_offset": 1, "mamba_d_state": 16, "mamba_d_conv": 4, "mamba_expand": 2, "mamba_dt_rank": 256,
    "mamba_conv_bias": True, "mamba_proj_bias": False, "tie_word_embeddings": False,
}


def test_jamba_expert_and_attention_periods() -> None:
    spec = parse_hf_config(JAMBA_15_MINI)
    # attention every 8th layer from 4, Mamba-1 elsewhere; MoE every 2nd layer from 1 (every layer was the bug)
    assert spec.layer_type_counts == {"mamba": 28, "full_attention": 4}
    assert [la.ffn for la in spec.layers[:4]] == ["dense", "moe", "dense", "moe"]
    total = spec.parameter_counts().total
    assert total == pytest.approx(51.6e9, rel=0.001)  # transformers' exact count, 51.6 B (independent audit)
    assert kv_bytes_per_token_by_layer_type(spec, "bf16") == {"full_attention": 4 * 2 * 8 * 128 * 2}
    # Mamba-1 state per layer: d_inner 8192 x d_state 16 x 4 B + 8192 x (4 - 1) x 2 B
    assert spec.linear_state_bytes(1) == 28 * (8192 * 16 * 4 + 8192 * 3 * 2)


def test_kimi_linear_full_attention_layers_are_one_indexed_mla() -> None:
    cfg = {"model_type": "kimi_linear", "hidden_size": 1024, "num_hidden_layers": 8, "num_attention_heads": 8,
           "num_key_value_heads": 8, "vocab_size": 1000, "intermediate_size": 2048, "kv_lora_rank": 512,
           "qk_rope_head_dim": 64, "qk_nope_head_dim": 128, "v_head_dim": 128, "tie_word_embeddings": False,
           "linear_attn_config": {"full_attn_layers": [4, 8], "kda_layers": [1, 2, 3, 5, 6, 7], "num_heads": 8,
                                  "head_dim": 128, "short_conv_kernel_size": 4}}
    spec = parse_hf_config(cfg)
    assert [la.mixer for la in spec.layers] == ["linear_attention"] * 3 + ["mla"] + ["linear_attention"] * 3 + ["mla"]
    # only the 2 full layers cache the MLA latent (all 8 was the bug: 4x the KV)
    assert kv_bytes_per_token_by_layer_type(spec, "bf16") == {"mla": 2 * 576 * 2}
    assert spec.linear_state_bytes(1) > 0 and not spec.verified


def test_layers_block_type_list_is_read_like_the_hybrid_pattern() -> None:
    base = {"model_type": "nemotron_h", "hidden_size": 1024, "num_attention_heads": 8, "num_key_value_heads": 2,
            "head_dim": 128, "vocab_size": 1000, "intermediate_size": 2048, "mamba_num_heads": 16,
            "mamba_head_dim": 64, "ssm_state_size": 128, "n_groups": 1, "conv_kernel": 4,
            "n_routed_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 512,
            "tie_word_embeddings": False}
    listed = parse_hf_config({**base, "num_hidden_layers": 6,
                              "layers_block_type": ["mamba", "moe", "attention", "mlp", "mamba", "moe"]})
    pattern = parse_hf_config({**base, "num_hidden_layers": 6, "hybrid_override_pattern": "ME*-ME"})
    assert listed.layers == pattern.layers
    assert kv_bytes_per_token_by_layer_type(listed, "bf16") == {"full_attention": 1 * 2 * 2 * 128 * 2}
    assert listed.parameter_counts() == pattern.parameter_counts()


def test_moe_layer_freq_list_and_top_k_experts_alias() -> None:
    cfg = {"model_type": "brand_new_moe", "hidden_size": 512, "num_hidden_layers": 4, "num_attention_heads": 4,
           "num_key_value_heads": 4, "vocab_size": 100, "intermediate_size": 1024, "moe_intermediate_size": 256,
           "num_experts": 8, "top_k_experts": 2, "moe_layer_freq": [0, 1, 1, 0]}
    spec = parse_hf_config(cfg)
    assert [la.ffn for la in spec.layers] == ["dense", "moe", "moe", "dense"]
    assert spec.moe is not None and spec.moe.experts_per_token == 2
    with pytest.raises(ArchitectureError, match="moe_layer_freq"):
        parse_hf_config({**cfg, "moe_layer_freq": [0, 1, 1]})
