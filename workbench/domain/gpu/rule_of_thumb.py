"""The seed's rule of thumb ``P·B·1.18 + V_kv`` shown beside the detailed figure (seed 002)."""

from __future__ import annotations

from workbench.domain.architecture import ArchitectureSpec

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

