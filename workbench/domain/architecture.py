"""Model architecture: layer types, attention shape, MoE, MLA, linear attention / Mamba, vision tower, parameters.

The GPU-memory fit (:mod:`workbench.domain.gpu`) needs to know, per decoder layer, which token mixer it has
(full attention, sliding window, chunked local attention, MLA, linear attention / Gated DeltaNet, Mamba — or
attention with a parallel Mamba mixer, Falcon-H1) and which feed-forward block (dense MLP, mixture of experts,
both in parallel as in Gemma 4, none). :class:`ArchitectureSpec` holds exactly that; it is built from a Hugging
Face ``config.json`` by :func:`workbench.io.hf_config.parse_hf_config` (the reader, with transformers' defaults
and every assumption listed in :attr:`ArchitectureSpec.assumptions`).

Parameter-count convention (tested against the exact counts of transformers on the meta device for the
real-config corpus in ``tests/fixtures/hf-config-corpus``):

* ``text_total`` = every parameter of the language model transformers instantiates: input embedding, output
  head (unless tied), attention / MLA / linear-attention / Mamba mixers with their biases and norms, dense MLPs
  (gated = 3 matrices, 2-matrix for relu2/gelu MLPs), routed, latent-projected and shared experts, routers, all
  norms. Multi-token-prediction (MTP) layers are **not** counted (transformers does not instantiate them).
* ``vision`` = the vision tower and its projector (transformers' ``*ForConditionalGeneration``), counted apart;
  ``total = text_total + vision`` is what the weights occupy.
* ``active`` = parameters one text token touches: ``text_total`` minus, in every MoE layer, the
  ``(num_experts − experts_per_token)`` routed experts not selected. It **includes** the input embedding and
  the output head (reference table: gpt-oss-20b 4.187 B); ``active_excl_embedding`` subtracts the input
  embedding (the publishers' convention: gpt-oss-20b 3.61 B vs the published 3.6B).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Mixer = Literal[
    "full_attention", "sliding_attention", "chunked_attention", "mla", "linear_attention", "mamba", "none"
]
Ffn = Literal["dense", "moe", "dense_moe", "none"]

#: Mixers that keep a per-token KV cache.
ATTENTION_MIXERS: tuple[str, ...] = ("full_attention", "sliding_attention", "chunked_attention", "mla")
#: Mixers that keep a fixed per-request recurrent state instead of a per-token cache.
STATE_MIXERS: tuple[str, ...] = ("linear_attention", "mamba")


class ArchitectureError(ValueError):
    """A config.json value is missing, implausible or inconsistent; the message names the field."""


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MoESpec(Spec):
    num_experts: int = Field(gt=0)
    experts_per_token: int = Field(gt=0)
    expert_intermediate_size: int = Field(gt=0)
    num_shared_experts: int = Field(default=0, ge=0)
    shared_expert_intermediate_size: int = Field(default=0, ge=0, description="width of each shared expert")
    shared_expert_gate: bool = False
    router_bias: bool = False
    expert_bias: bool = False
    score_correction_bias: bool = False
    gated: bool = Field(default=True, description="experts are gated (3 matrices) or 2-matrix (relu2)")
    shared_gated: bool = True
    latent_size: int | None = Field(
        default=None, gt=0, description="latent MoE: experts work in this width, projected from/to hidden"
    )
    router_scales: bool = Field(default=False, description="Gemma 4 router: per-dim scale + per-expert scale")


class MLASpec(Spec):
    kv_lora_rank: int = Field(gt=0)
    qk_rope_head_dim: int = Field(gt=0)
    qk_nope_head_dim: int = Field(ge=0)
    v_head_dim: int = Field(gt=0)
    q_lora_rank: int | None = Field(default=None, gt=0)

    @property
    def latent_width(self) -> int:
        """Elements cached per token per layer: ``kv_lora_rank + qk_rope_head_dim`` (vLLM MLA head size)."""
        return self.kv_lora_rank + self.qk_rope_head_dim


class IndexerSpec(Spec):
    """Sparse-attention indexer: DeepSeek V3.2 / GLM-5 DSA on MLA layers (its own key cache per token per layer),
    or MiniMax M3's lightning indexer beside GQA attention on the layers marked ``indexer``."""

    kind: Literal["dsa", "lightning"] = "dsa"
    num_heads: int = Field(gt=0)
    head_dim: int = Field(gt=0)
    own_layers: int | None = Field(
        default=None, ge=0, description="layers with their own indexer (GLM-5.2 indexer_types 'full'); None = all"
    )

    @property
    def cache_bytes_per_token_layer(self) -> int:
        """vLLM ``DeepseekV32IndexerCache``: fp8 key + one fp32 scale per 128 elements: 128 + 4 = 132 B."""
        return self.head_dim + 4 * -(-self.head_dim // 128)


class LinearAttentionSpec(Spec):
    """Gated DeltaNet (Qwen3-Next/3.5), Mamba-2 or Mamba-1 mixer shape."""

    kind: Literal["gated_deltanet", "mamba2", "mamba1"]
    num_key_heads: int = Field(gt=0)
    num_value_heads: int = Field(gt=0)
    key_head_dim: int = Field(gt=0)
    value_head_dim: int = Field(gt=0)
    conv_kernel: int = Field(gt=0)
    state_size: int = Field(default=0, ge=0, description="Mamba d_state (0 for Gated DeltaNet)")
    n_groups: int = Field(default=1, gt=0, description="Mamba-2 B/C groups")
    conv_bias: bool = True
    gated_norm: bool = True
    proj_bias: bool = False
    time_step_rank: int = Field(default=0, ge=0, description="Mamba-1 dt_rank")
    bcdt_norms: bool = Field(default=False, description="Jamba: RMSNorms on dt (dt_rank) and on B and C (d_state)")

    def state_bytes_per_layer(self, tp: int = 1) -> int:
        """Recurrent state per request per layer on one GPU, bytes; vLLM shards the state heads over TP.

        Gated DeltaNet (aiconfigurator ``sdk/models/qwen35.py``, reference §3):
        ``(nv/tp)·hk·hv·4`` (fp32 SSM state) ``+ (2·nk·hk + nv·hv)/tp·(conv_k-1)·2`` (bf16 conv state).
        Mamba-2 (same convention): ``(nheads/tp)·head_dim·d_state·4 + (d_inner + 2·groups·d_state)/tp·(conv_k-1)·2``.
        Mamba-1 (vLLM ``MambaSpec`` shapes ``(d_inner/tp, d_state)`` and ``(d_inner/tp, conv_k-1)``):
        ``d_inner/tp·d_state·4 + d_inner/tp·(conv_k-1)·2``.
        """
        d_inner = self.num_value_heads * self.value_head_dim
        if self.kind == "gated_deltanet":
            ssm = self.num_value_heads * self.key_head_dim * self.value_head_dim * 4
            conv = (2 * self.num_key_heads * self.key_head_dim + d_inner) * (self.conv_kernel - 1) * 2
        elif self.kind == "mamba2":
            ssm = d_inner * self.state_size * 4
            conv = (d_inner + 2 * self.n_groups * self.state_size) * (self.conv_kernel - 1) * 2
        else:
            ssm = d_inner * self.state_size * 4
            conv = d_inner * (self.conv_kernel - 1) * 2
        return (ssm + conv) // max(1, tp)

    def parameters(self, hidden: int) -> tuple[int, int]:
        """(projection matrices, 1-D tensors) of one mixer (transformers module definitions)."""
        h = hidden
        key_dim = self.num_key_heads * self.key_head_dim
        value_dim = self.num_value_heads * self.value_head_dim
        nv = self.num_value_heads
        if self.kind == "gated_deltanet":
            mats = h * (2 * key_dim + 2 * value_dim) + h * 2 * nv + value_dim * h
            conv_dim = 2 * key_dim + value_dim
            return mats, conv_dim * self.conv_kernel + 2 * nv + self.value_head_dim
        if self.kind == "mamba2":  # in_proj -> (z, x, B, C, dt), conv over (x, B, C), A_log, D, dt_bias, norm
            bc = 2 * self.n_groups * self.state_size
            proj = 2 * value_dim + bc + nv
            mats = h * proj + value_dim * h
            conv_dim = value_dim + bc
            small = conv_dim * self.conv_kernel + conv_dim * self.conv_bias + 3 * nv + value_dim * self.gated_norm
            return mats, small + (proj + h) * self.proj_bias
        # mamba1: in_proj h->2·d_inner, conv, x_proj d_inner->(dt_rank + 2·d_state), dt_proj, A_log, D, out_proj
        r = self.time_step_rank
        mats = h * 2 * value_dim + value_dim * (r + 2 * self.state_size) + r * value_dim + value_dim * h
        small = value_dim * self.conv_kernel + value_dim * self.conv_bias + value_dim  # conv, conv bias, dt bias
        small += value_dim * self.state_size + value_dim  # A_log, D
        small += (r + 2 * self.state_size) * self.bcdt_norms
        return mats, small + (2 * value_dim + h) * self.proj_bias


class CompressedAttentionSpec(Spec):
    """DeepSeek V4 attention: one shared K=V head with a sliding window, q-LoRA, a grouped output LoRA, and per
    layer a compressor (rate 4 with a lightning indexer: CSA; rate 128: HCA; 0: sliding only); hyper-connections
    (``hc_mult`` residual streams) around every block. Parameters exact against transformers (DeepSeek-V4-Flash);
    its KV cache is not modelled beyond the sliding window (unverified)."""

    q_lora_rank: int = Field(gt=0)
    o_groups: int = Field(gt=0)
    o_lora_rank: int = Field(gt=0)
    hc_mult: int = Field(gt=0)
    index_heads: int = Field(gt=0)
    index_head_dim: int = Field(gt=0)
    compress: list[int] = Field(description="per layer: 0 sliding only, 4 CSA, 128 HCA")

    def attention_params(self, hidden: int, heads: int, head_dim: int, layer: int) -> tuple[int, int]:
        """(matrices, 1-D tensors) of layer ``layer``'s attention (transformers ``DeepseekV4Attention``)."""
        h, r = hidden, self.q_lora_rank
        mats = h * r + r * heads * head_dim + h * head_dim  # q_a, q_b, kv_proj
        mats += self.o_groups * self.o_lora_rank * (heads * head_dim // self.o_groups)  # o_a (grouped)
        mats += self.o_groups * self.o_lora_rank * h  # o_b
        small = r + head_dim + heads  # q_a_norm, kv_norm, sinks
        rate = self.compress[layer] if layer < len(self.compress) else 0
        if rate and rate <= 4:  # CSA: overlapping compressor (2 x head_dim) + lightning indexer
            ix = self.index_head_dim
            mats += 2 * h * 2 * head_dim + 2 * h * 2 * ix + r * self.index_heads * ix + h * self.index_heads
            small += rate * 2 * head_dim + head_dim + rate * 2 * ix + ix
        elif rate:  # HCA
            mats += 2 * h * head_dim
            small += rate * head_dim + head_dim
        return mats, small

    def hyper_connection_params(self, hidden: int) -> int:
        """Two hyper-connections per layer: ``fn ((2+m)·m × m·h) + base + scale(3)`` each."""
        width = (2 + self.hc_mult) * self.hc_mult
        return 2 * (width * self.hc_mult * hidden + width + 3)

    def head_params(self, hidden: int) -> int:
        """The model's hyper-head: ``m × m·h + m + 1``."""
        return self.hc_mult * self.hc_mult * hidden + self.hc_mult + 1


class VisionSpec(Spec):
    """The vision tower and projector, counted apart from the language model (kept 16-bit in every format)."""

    model_type: str
    parameters: int = Field(ge=0)
    basis: str = Field(description="the formula used, or why it is an estimate")
    verified: bool = Field(description="the formula was checked against transformers' exact count")


class LayerSpec(Spec):
    mixer: Mixer
    ffn: Ffn
    parallel_mamba: bool = Field(default=False, description="Falcon-H1: a Mamba mixer beside the attention")
    indexer: bool = Field(default=False, description="MiniMax M3: a lightning indexer beside the attention")


class ParameterCounts(Spec):
    """Parameter counts by tensor category (the categories decide which tensors a format quantises)."""

    embedding: int
    lm_head: int
    attention: int = Field(description="attention / MLA projection matrices")
    linear_attention: int = Field(description="Gated DeltaNet / Mamba projection matrices")
    dense_mlp: int
    routed_experts: int = Field(description="routed expert matrices (all experts)")
    routed_expert_bias: int
    shared_experts: int
    router: int
    small: int = Field(description="norms, biases, sinks, conv kernels, A_log, dt_bias: 1-D tensors")
    vision: int = Field(default=0, description="vision tower + projector")
    text_total: int
    total: int = Field(description="text_total + vision: what the weights occupy")
    active: int
    active_excl_embedding: int


class ArchitectureSpec(Spec):
    """What the memory fit needs to know about a decoder-only model (built by the config.json reader)."""

    model_type: str
    architectures: list[str] = Field(default_factory=list)
    num_hidden_layers: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    num_attention_heads: int = Field(gt=0)
    num_key_value_heads: int = Field(gt=0)
    head_dim: int = Field(gt=0)
    head_dim_source: Literal["config", "hidden_size // num_attention_heads", "no attention layers"]
    v_head_dim: int | None = Field(default=None, gt=0, description="value head width when it differs from K")
    full_attention_head_dim: int | None = Field(default=None, gt=0, description="Gemma-4 style global_head_dim")
    full_attention_kv_heads: int | None = Field(default=None, gt=0)
    sliding_kv_heads: int | None = Field(default=None, gt=0, description="MiMo: SWA layers' KV heads")
    sliding_attention_heads: int | None = Field(default=None, gt=0, description="Step 3.5: SWA layers' query heads")
    full_k_eq_v: bool = Field(default=False, description="Gemma 4: full layers have no v_proj (K = V)")
    vocab_size: int = Field(gt=0)
    tie_word_embeddings: bool
    intermediate_size: int | None = Field(default=None, gt=0, description="dense MLP width")
    mlp_gated: bool = Field(default=True, description="dense MLP gated (3 matrices) or 2-matrix (relu2, gelu)")
    mlp_bias: bool = False
    max_position_embeddings: int | None = Field(default=None, gt=0)
    layers: list[LayerSpec]
    sliding_window: int | None = Field(default=None, gt=0)
    attention_chunk_size: int | None = Field(default=None, gt=0)
    moe: MoESpec | None = None
    mla: MLASpec | None = None
    indexer: IndexerSpec | None = None
    linear: LinearAttentionSpec | None = None
    vision: VisionSpec | None = None
    compressed: CompressedAttentionSpec | None = None
    attention_bias: bool = False
    qkv_bias_only: bool = False
    attention_output_gate: bool = False
    attention_head_gate: bool = Field(default=False, description="one output gate per head, g = h·H_q (Step 3.5)")
    qk_norm: bool = False
    qk_norm_full_width: bool = Field(default=False, description="q/k norms over all heads (OLMo 2, MiniMax M2)")
    norm_bias: bool = Field(default=False, description="LayerNorms with a bias (Nemotron LayerNorm1P)")
    attention_sinks: Literal["none", "all", "sliding"] = "none"
    norms_per_layer: int | None = None
    checkpoint_format: str | None = Field(default=None, description="weight format name of the checkpoint")
    mtp_layers: int = 0
    verified: bool = Field(default=True, description="the family's reading was checked against transformers")
    assumptions: list[str] = Field(default_factory=list)

    # ------------------------------------------------------------------ layer summaries
    def count(self, mixer: str) -> int:
        """Number of layers with this mixer."""
        return sum(1 for layer in self.layers if layer.mixer == mixer)

    @property
    def state_layers(self) -> int:
        """Layers holding a recurrent state (linear attention, Mamba, or a parallel Mamba mixer)."""
        return sum(1 for la in self.layers if la.mixer in STATE_MIXERS or la.parallel_mamba)

    @property
    def layer_type_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for layer in self.layers:
            counts[layer.mixer] = counts.get(layer.mixer, 0) + 1
            if layer.parallel_mamba:
                counts["mamba"] = counts.get("mamba", 0) + 1
        return counts

    @property
    def is_moe(self) -> bool:
        return self.moe is not None and any(layer.ffn in ("moe", "dense_moe") for layer in self.layers)

    def linear_state_bytes(self, tp: int = 1) -> int:
        """Fixed recurrent state per request on one GPU over all linear-attention/Mamba layers, bytes."""
        if self.linear is None:
            return 0
        return self.state_layers * self.linear.state_bytes_per_layer(tp)

    def parameter_counts(self) -> ParameterCounts:
        """Parameter counts by category; see the module docstring for the convention."""
        return count_parameters(self)


# ============================================================================ parameter counting


def _attention_params(spec: ArchitectureSpec, mixer: str) -> tuple[int, int]:
    """(matrices, 1-D tensors) of one GQA attention layer: ``q = h·(H_q·D)`` (doubled with an output gate),
    ``k = h·(H_kv·D)``, ``v = h·(H_kv·D_v)`` (absent when K = V), ``o = (H_q·D_v)·h``, and ``g = h·H_q`` with a
    per-head gate (transformers' Step3p7Attention ``g_proj`` when ``gating`` is per head)."""
    h, hq = spec.hidden_size, spec.num_attention_heads
    hd, kvh = spec.head_dim, spec.num_key_value_heads
    vd = spec.v_head_dim or hd
    has_v = True
    if mixer == "full_attention":
        hd = spec.full_attention_head_dim or hd
        vd = spec.full_attention_head_dim or vd
        kvh = spec.full_attention_kv_heads or kvh
        has_v = not spec.full_k_eq_v
    elif mixer == "sliding_attention":
        kvh = spec.sliding_kv_heads or kvh
        hq = spec.sliding_attention_heads or hq
    q_out = hq * hd * (2 if spec.attention_output_gate else 1)
    v_out = kvh * vd if has_v else 0
    mats = h * q_out + h * kvh * hd + h * v_out + hq * vd * h + (h * hq if spec.attention_head_gate else 0)
    small = 0
    if spec.attention_bias:
        small += q_out + kvh * hd + v_out + h
    elif spec.qkv_bias_only:
        small += q_out + kvh * hd + v_out
    if spec.qk_norm_full_width:
        small += hq * hd + kvh * hd
    elif spec.qk_norm:
        small += 2 * hd
    if spec.attention_sinks == "all" or (spec.attention_sinks == "sliding" and mixer == "sliding_attention"):
        small += hq
    return mats, small


def _mla_params(spec: ArchitectureSpec, with_indexer: bool = True) -> tuple[int, int]:
    """MLA: ``q_proj = h·H_q·(nope+rope)`` (or the q-LoRA pair), ``kv_a = h·(r_kv+rope)``,
    ``kv_b = r_kv·H_q·(nope+v)``, ``o = H_q·v·h``; DSA indexer ``wq_b = r_q·H_i·D_i``, ``wk = h·D_i``,
    ``weights_proj = h·H_i``, key LayerNorm ``2·D_i``."""
    assert spec.mla is not None
    m, h, hq = spec.mla, spec.hidden_size, spec.num_attention_heads
    qk = m.qk_nope_head_dim + m.qk_rope_head_dim
    mats = small = 0
    if m.q_lora_rank:
        mats += h * m.q_lora_rank + m.q_lora_rank * hq * qk
        small += m.q_lora_rank
    else:
        mats += h * hq * qk
    mats += h * m.latent_width + m.kv_lora_rank * hq * (m.qk_nope_head_dim + m.v_head_dim) + hq * m.v_head_dim * h
    small += m.kv_lora_rank
    if spec.indexer is not None and with_indexer:
        ix = spec.indexer
        mats += (m.q_lora_rank or h) * ix.num_heads * ix.head_dim + h * ix.head_dim + h * ix.num_heads
        small += 2 * ix.head_dim
    return mats, small


def _moe_params(spec: ArchitectureSpec) -> dict[str, int]:
    """One MoE block: ``E·(3|2)·d·I_e`` experts (``d`` = latent width when latent, else hidden), latent
    projections ``2·h·latent``, router ``E·h``, shared experts ``(3|2)·h·I_s`` each."""
    assert spec.moe is not None
    moe, h = spec.moe, spec.hidden_size
    ie = moe.expert_intermediate_size
    d = moe.latent_size or h
    out = {"routed": moe.num_experts * (3 if moe.gated else 2) * d * ie, "routed_bias": 0, "router": 0,
           "shared": 0, "small": 0, "latent": 0}
    if moe.latent_size:
        out["latent"] = 2 * h * moe.latent_size
    if moe.expert_bias:
        out["routed_bias"] = moe.num_experts * ((2 if moe.gated else 1) * ie + d)
    out["router"] = moe.num_experts * h
    out["small"] += moe.num_experts * (moe.router_bias + moe.score_correction_bias)
    if moe.router_scales:
        out["small"] += h + moe.num_experts
    if moe.num_shared_experts:
        out["shared"] = moe.num_shared_experts * (3 if moe.shared_gated else 2) * h * moe.shared_expert_intermediate_size
        if moe.shared_expert_gate:
            out["router"] += h
    return out


def _mixer_params(spec: ArchitectureSpec, layer: LayerSpec, index: int, mla_seen: int) -> tuple[int, int]:
    """(matrices, 1-D tensors) of one layer's attention: DeepSeek V4 compressed, GQA, or MLA (+ indexer)."""
    if spec.compressed is not None:
        mats, small = spec.compressed.attention_params(spec.hidden_size, spec.num_attention_heads, spec.head_dim,
                                                       index)
        return mats, small + spec.compressed.hyper_connection_params(spec.hidden_size)
    if layer.mixer in ("full_attention", "sliding_attention", "chunked_attention"):
        mats, small = _attention_params(spec, layer.mixer)
        if layer.indexer and spec.indexer is not None:  # lightning indexer: q h·H_i·D_i, k h·D_i, q/k norms 2·D_i
            ix = spec.indexer
            mats += spec.hidden_size * ix.head_dim * (ix.num_heads + 1)
            small += 2 * ix.head_dim
        return mats, small
    if layer.mixer == "mla":
        own = spec.indexer is not None and (spec.indexer.own_layers is None or mla_seen <= spec.indexer.own_layers)
        return _mla_params(spec, own)
    return 0, 0


def count_parameters(spec: ArchitectureSpec) -> ParameterCounts:
    """Count parameters layer by layer (formulas follow the transformers module definitions; see the helpers)."""
    h = spec.hidden_size
    c = dict.fromkeys(
        ("attention", "linear_attention", "dense_mlp", "routed", "routed_bias", "shared", "router"), 0
    )
    norm = 2 * h if spec.norm_bias else h
    small = norm  # final norm
    dense_w = (3 if spec.mlp_gated else 2) * h * (spec.intermediate_size or 0)
    dense_b = ((2 if spec.mlp_gated else 1) * (spec.intermediate_size or 0) + h) if spec.mlp_bias else 0
    moe = _moe_params(spec) if spec.moe is not None else None
    mla_seen = 0
    if spec.compressed is not None:
        small += spec.compressed.head_params(h)
    for index, layer in enumerate(spec.layers):
        mla_seen += layer.mixer == "mla"
        mats, extra = _mixer_params(spec, layer, index, mla_seen)
        c["attention"] += mats
        small += extra
        if layer.mixer in STATE_MIXERS or layer.parallel_mamba:
            assert spec.linear is not None
            mats, extra = spec.linear.parameters(h)
            c["linear_attention"] += mats
            small += extra
        if layer.ffn in ("dense", "dense_moe"):
            c["dense_mlp"] += dense_w
            small += dense_b
        if layer.ffn in ("moe", "dense_moe"):
            assert moe is not None
            c["routed"] += moe["routed"]
            c["routed_bias"] += moe["routed_bias"]
            c["router"] += moe["router"]
            c["shared"] += moe["shared"] + moe["latent"]
            small += moe["small"]
            if layer.ffn == "dense_moe":
                small += 3 * h  # Gemma 4: extra pre/post norms around the parallel expert block
        if spec.norms_per_layer is not None:
            small += spec.norms_per_layer * norm
        else:
            small += norm * ((layer.mixer != "none") + (layer.ffn != "none"))

    embedding = spec.vocab_size * h
    lm_head = 0 if spec.tie_word_embeddings else spec.vocab_size * h
    text_total = embedding + lm_head + sum(c.values()) + small
    vision = spec.vision.parameters if spec.vision else 0
    inactive = 0
    if spec.moe is not None and spec.moe.num_experts:
        frac = (spec.moe.num_experts - spec.moe.experts_per_token) / spec.moe.num_experts
        inactive = round((c["routed"] + c["routed_bias"]) * frac)
    active = text_total - inactive
    return ParameterCounts(
        embedding=embedding,
        lm_head=lm_head,
        attention=c["attention"],
        linear_attention=c["linear_attention"],
        dense_mlp=c["dense_mlp"],
        routed_experts=c["routed"],
        routed_expert_bias=c["routed_bias"],
        shared_experts=c["shared"],
        router=c["router"],
        small=small,
        vision=vision,
        text_total=text_total,
        total=text_total + vision,
        active=active,
        active_excl_embedding=active - embedding,
    )


def describe_assumption_status(spec: ArchitectureSpec) -> str:
    """One line for pages and the CLI: 'verified against transformers' or 'unverified: generic reader'."""
    if spec.verified:
        return f"{spec.model_type}: reading verified against transformers' exact parameter count"
    return (f"{spec.model_type}: UNVERIFIED — read through the generic field reader; "
            f"{len(spec.assumptions)} assumption(s) listed")
