"""Regenerate data/hf_config_defaults.json from the installed transformers (test extra; no torch).

    .venv/bin/python data/tools/gen_hf_config_defaults.py MODEL_TYPE ... > data/hf_config_defaults.json

with the model types of the current table (``defaults`` in data/hf_config_defaults.json) as arguments. Only constant defaults are kept: a field whose
default changes when hidden_size, num_attention_heads, num_hidden_layers or vocab_size change is derived and left
out. tests/io/test_hf_config_defaults.py re-checks every carried value against the installed library.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import transformers
from transformers import CONFIG_MAPPING

FIELDS = (
    "vocab_size hidden_size intermediate_size num_hidden_layers num_attention_heads num_key_value_heads head_dim "
    "tie_word_embeddings sliding_window max_position_embeddings attention_bias num_experts num_local_experts "
    "n_routed_experts num_experts_per_tok top_k_experts num_experts_per_token num_shared_experts moe_top_k "
    "experts_per_token moe_intermediate_size n_shared_experts first_k_dense_replace kv_lora_rank q_lora_rank "
    "qk_rope_head_dim qk_nope_head_dim v_head_dim global_head_dim num_global_key_value_heads hidden_act "
    "hidden_activation mlp_hidden_act sliding_window_pattern moe_latent_size n_groups ssm_state_size "
    "mamba_num_heads mamba_head_dim conv_kernel state_size expand time_step_rank use_conv_bias use_bias mlp_bias "
    "full_attention_interval linear_num_key_heads linear_num_value_heads linear_key_head_dim "
    "linear_value_head_dim linear_conv_kernel_dim decoder_sparse_step shared_expert_intermediate_size "
    "attention_chunk_size interleave_moe_layer_step intermediate_size_mlp attn_layer_period attn_layer_offset "
    "expert_layer_period expert_layer_offset mamba_d_state mamba_d_conv mamba_expand mamba_n_heads mamba_d_head "
    "mamba_n_groups mamba_d_ssm mamba_conv_bias mamba_rms_norm projectors_bias mamba_proj_bias enable_moe_block "
    "attention_k_eq_v hidden_size_per_layer_input index_head_dim index_n_heads qkv_bias use_qk_norm share_expert_dim"
).split()
PERTURB = {"hidden_size": lambda v: v * 2, "num_attention_heads": lambda v: v * 2,
           "num_hidden_layers": lambda v: v + 2, "vocab_size": lambda v: v + 64}


def constant_defaults(model_type: str) -> dict[str, Any] | None:
    """The constant defaults of one configuration class, or ``{"_text_model_type": ...}`` for a wrapper."""
    cls = CONFIG_MAPPING[model_type]
    try:
        base = cls().to_dict()
    except Exception:  # noqa: BLE001 - a class that cannot be built with defaults is skipped
        return None
    if isinstance(base.get("text_config"), dict) and model_type != "llama4_text":
        return {"_text_model_type": base["text_config"].get("model_type")}
    variants = []
    for key, change in PERTURB.items():
        if base.get(key):
            try:
                variants.append((key, cls(**{key: change(base[key])}).to_dict()))
            except Exception:  # noqa: BLE001, S112 - a perturbation the class refuses tells nothing
                continue
    keep: dict[str, Any] = {}
    for field in FIELDS:
        value = base.get(field)
        derived = any(field != key and other.get(field) != value for key, other in variants)
        if value is not None and not derived:
            keep[field] = value
    return keep


def main(model_types: list[str]) -> None:
    logging.disable(logging.CRITICAL)
    defaults = {}
    for model_type in sorted(t for t in model_types if t in CONFIG_MAPPING):
        found = constant_defaults(model_type)
        if found is not None:
            defaults[model_type] = found
    doc = {"provenance": {"source": f"Hugging Face transformers {transformers.__version__}: the constant defaults of "
                          "each configuration class (derived defaults such as head_dim = hidden_size // "
                          "num_attention_heads excluded)", "generated_by": "data/tools/gen_hf_config_defaults.py",
                          "checked_by": "tests/io/test_hf_config_defaults.py re-checks every value"},
           "transformers_version": transformers.__version__, "defaults": defaults}
    print(json.dumps(doc, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
