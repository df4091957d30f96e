"""Step 3.5 / 3.7 (transformers' ``step3p5`` text model inside the ``step3p7`` wrapper) and the fields they brought:
defaults for a nested ``text_config``, ``mlp_layer_types`` / ``moe_layers_enum``, the per-head attention gate,
sliding layers with their own head count, MTP-padded per-layer lists. Exact counts from transformers 5.25 on the
meta device (tests/fixtures/hf-configs/README.md says how)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.domain.gpu import kv_bytes_per_token_by_layer_type
from workbench.io.hf_config import ArchitectureError, parse_hf_config

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STEP35 = json.loads((FIXTURES / "hf-configs" / "step3p5-flash-shaped.config.json").read_text())
STEP37 = json.loads((FIXTURES / "hf-config-corpus" / "mb-step37_config.json").read_text())


def test_step35_shaped_config_matches_transformers_exactly() -> None:
    spec = parse_hf_config(STEP35)
    assert spec.parameter_counts().total == 196_956_118_272
    assert spec.layer_type_counts == {"full_attention": 12, "sliding_attention": 33}  # 48 listed, 3 are MTP
    assert spec.num_key_value_heads == 8  # from 'num_attention_groups'
    assert spec.sliding_attention_heads == 96 and spec.sliding_window == 512
    assert [layer.ffn for layer in spec.layers[:4]] == ["dense", "dense", "dense", "moe"]  # moe_layers_enum 3..44
    assert spec.verified


def test_sliding_layers_own_head_count_changes_the_count_by_the_extra_heads() -> None:
    """Without 'attention_other_setting' every layer has 64 query heads: 33 sliding layers lose 32 heads of
    q (h·32·128), o (32·128·h) and the per-head gate (h·32)."""
    plain = {k: v for k, v in STEP35.items() if k != "attention_other_setting"}
    h = 4096
    expected = 33 * (h * 32 * 128 * 2 + h * 32)
    assert parse_hf_config(STEP35).parameter_counts().total - parse_hf_config(plain).parameter_counts().total \
        == expected


def test_step35_kv_by_layer_kind_follows_vllm() -> None:
    """vLLM: full layers 8 KV heads x 128, sliding layers attention_other_setting.num_attention_groups (8) x 128,
    K and V, 2 bytes each; the sliding layers hold at most the 512-token window."""
    kv = kv_bytes_per_token_by_layer_type(parse_hf_config(STEP35), "bf16")
    assert kv["full_attention"] == 12 * 2 * 8 * 128 * 2
    assert kv["sliding_attention"] == 33 * 2 * 8 * 128 * 2


def test_step37_wrapper_reads_the_defaults_transformers_applies_and_lists_them() -> None:
    spec = parse_hf_config(STEP37)
    counts = spec.parameter_counts()
    assert counts.text_total == 195_844_496_640 and counts.vision == 1_981_014_784
    assert spec.vision is not None and spec.vision.verified
    notes = " ".join(spec.assumptions)
    assert "num_hidden_layers=45" in notes and "n_routed_experts=288" in notes and "share_expert_dim=1280" in notes
    assert "layers 0-2 dense" in notes


def test_gate_width_follows_gating() -> None:
    """transformers' Step3p7Attention: gating true / "per-head" -> g_proj h x H; anything else -> h x (H x D)."""
    h, heads, hd, layers = 4096, 64, 128, 45
    per_head = parse_hf_config(STEP37).parameter_counts().text_total
    full = {**STEP37, "text_config": {**STEP37["text_config"], "gating": "full"}}
    assert parse_hf_config(full).parameter_counts().text_total - per_head == layers * h * (heads * hd - heads)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("mlp_layer_types", ["dense", "sparse", "bogus"], "mlp_layer_types"),
    ("mlp_layer_types", ["dense"] * 3, "mlp_layer_types"),
    ("moe_layers_enum", "3,4,x", "moe_layers_enum"),
    ("moe_layers_enum", "9" * 10_000, "moe_layers_enum"),  # refused by name, not by int()'s digit limit
    ("mlp_layer_types", {"0": "sparse"}, "mlp_layer_types"),
])
def test_bad_per_layer_moe_lists_are_refused_naming_the_field(field: str, value: object, message: str) -> None:
    with pytest.raises(ArchitectureError, match=message):
        parse_hf_config({**STEP35, field: value})


def test_mlp_layer_types_wins_over_first_k_dense_replace() -> None:
    """transformers' canonical per-layer field decides; a padded list (MTP entries) is cut to the layer count."""
    kinds = ["dense"] * 5 + ["sparse"] * 43
    spec = parse_hf_config({**STEP35, "mlp_layer_types": kinds, "first_k_dense_replace": 1})
    assert [layer.ffn for layer in spec.layers].count("dense") == 5


def test_top_level_file_without_core_sizes_is_still_refused() -> None:
    """Only a wrapper's language model gets transformers' core defaults: a top-level file without a layer count
    is truncated, and a default would decide the model's size."""
    with pytest.raises(ArchitectureError, match="num_hidden_layers"):
        parse_hf_config({k: v for k, v in STEP35.items() if k != "num_hidden_layers"})
