"""Model architecture from a Hugging Face ``config.json``: layer types, attention shape, MoE, MLA, parameters.

The GPU-memory fit (``workbench.domain.gpu``) needs to know, per decoder layer, which token mixer it
has (full attention, sliding window, chunked local attention, MLA, linear attention / Gated DeltaNet, Mamba)
and which feed-forward block (dense MLP, mixture of experts, none). This module reads those from the
generic ``config.json`` fields that transformers and vLLM read, so that a model released after this code
still parses; every guess is written to :attr:`ArchitectureSpec.assumptions` so the page can show it.

Rules followed (reference ``gpu-memory.md`` §2-§4 and §9; vLLM ``ModelConfig.get_head_size`` /
``get_num_kv_heads``):

* ``head_dim`` comes from the config; ``hidden_size // num_attention_heads`` only when it is absent (that
  fallback is wrong for Gemma, Qwen3, Llama 4 and gpt-oss, which all set ``head_dim``).
* MLA (DeepSeek V2/V3/R1 style, detected by ``kv_lora_rank``): the cache holds one latent of width
  ``kv_lora_rank + qk_rope_head_dim`` per token per layer; a re-serialised ``head_dim`` is ignored.
* Layer types, in order of precedence: ``layer_types``; ``layers_block_type`` / ``hybrid_override_pattern``
  (Mamba hybrids); ``full_attention_interval`` (Qwen3-Next/3.5: every n-th layer is full attention, the rest
  Gated DeltaNet); ``attention_chunk_size`` with ``no_rope_layers`` (Llama 4); ``sliding_window_pattern``
  (Gemma 3: every n-th layer is full); the Gemma-2 alternation; a bare ``sliding_window`` (all layers).

Parameter-count convention (stated, and tested against the exact counts of transformers on the meta device
for the six development configs):

* ``total`` = every parameter of the text decoder that transformers instantiates: input embedding, output
  head (unless tied), attention / linear-attention / Mamba mixers with their biases and norms, dense MLPs,
  routed and shared experts, routers, all norms. Multi-token-prediction (MTP) layers and vision/audio towers
  are **not** counted (transformers does not instantiate them; a note says so when the config has them).
* ``active`` = parameters touched by one token: ``total`` minus, in every MoE layer, the
  ``(num_experts - experts_per_token)`` routed experts not selected. It **includes** the input embedding and
  the output head (as the reference's table: gpt-oss-20b 4.187 B).
* ``active_excl_embedding`` = ``active`` minus the input-embedding table: the convention publishers usually
  use (gpt-oss-20b 3.61 B vs the published 3.6B).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Mixer = Literal[
    "full_attention", "sliding_attention", "chunked_attention", "mla", "linear_attention", "mamba", "none"
]
Ffn = Literal["dense", "moe", "none"]

#: Mixers that keep a per-token KV cache.
ATTENTION_MIXERS: tuple[str, ...] = ("full_attention", "sliding_attention", "chunked_attention", "mla")
#: Mixers that keep a fixed per-request recurrent state instead of a per-token cache.
STATE_MIXERS: tuple[str, ...] = ("linear_attention", "mamba")

#: model_types whose config needs no guesses here (their defaults are known).
KNOWN_MODEL_TYPES: frozenset[str] = frozenset(
    {
        "llama",
        "mistral",
        "mixtral",
        "qwen2",
        "qwen2_moe",
        "qwen3",
        "qwen3_moe",
        "qwen3_next",
        "deepseek_v2",
        "deepseek_v3",
        "gemma",
        "gemma2",
        "gemma3",
        "gemma3_text",
        "gpt_oss",
        "llama4",
        "llama4_text",
        "phi3",
        "granite",
        "olmo2",
        "cohere2",
    }
)

#: transformers' default ``tie_word_embeddings`` per model_type when the config omits it.
_TIED_DEFAULT: dict[str, bool] = {
    "gemma": True,
    "gemma2": True,
    "gemma3": True,
    "gemma3_text": True,
    "cohere2": True,
    "llama": False,
    "mistral": False,
    "mixtral": False,
    "qwen2": False,
    "qwen2_moe": False,
    "qwen3": False,
    "qwen3_moe": False,
    "qwen3_next": False,
    "deepseek_v2": False,
    "deepseek_v3": False,
    "gpt_oss": False,
    "llama4": False,
    "llama4_text": False,
    "phi3": False,
    "granite": True,
    "olmo2": False,
}
#: Norms of width hidden_size per decoder layer (Gemma 2/3 have pre- and post- norms around both blocks).
_NORMS_PER_LAYER: dict[str, int] = {"gemma2": 4, "gemma3": 4, "gemma3_text": 4, "olmo2": 2}
#: model_types with per-head RMSNorm on q and k (``q_norm``/``k_norm`` of width head_dim).
_QK_NORM: frozenset[str] = frozenset({"qwen3", "qwen3_moe", "qwen3_next", "gemma3", "gemma3_text", "olmo2"})
#: model_types with biases on q, k, v (not o) although the config has no ``attention_bias`` field.
_QKV_BIAS: frozenset[str] = frozenset({"qwen2", "qwen2_moe"})

_LAYER_TYPE_ALIASES: dict[str, Mixer] = {
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


class ArchitectureError(ValueError):
    """A config.json value is missing or inconsistent; the message names the field."""


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


class LinearAttentionSpec(Spec):
    """Gated DeltaNet (Qwen3-Next/3.5) or Mamba-2 mixer shape."""

    kind: Literal["gated_deltanet", "mamba2"]
    num_key_heads: int = Field(gt=0)
    num_value_heads: int = Field(gt=0)
    key_head_dim: int = Field(gt=0)
    value_head_dim: int = Field(gt=0)
    conv_kernel: int = Field(gt=0)
    state_size: int = Field(default=0, ge=0, description="Mamba-2 d_state (0 for Gated DeltaNet)")
    n_groups: int = Field(default=1, gt=0, description="Mamba-2 B/C groups")

    def state_bytes_per_layer(self, tp: int = 1) -> int:
        """Recurrent state per request per layer on one GPU, bytes.

        Gated DeltaNet (aiconfigurator ``sdk/models/qwen35.py``, reference §3):
        ``(nv/tp)·hk·hv·4`` (fp32 SSM state) ``+ (2·nk·hk + nv·hv)/tp·(conv_k-1)·2`` (bf16 conv state).
        Mamba-2 (same convention): ``(nheads/tp)·head_dim·d_state·4 + (d_inner + 2·groups·d_state)/tp·(conv_k-1)·2``.
        """
        if self.kind == "gated_deltanet":
            ssm = self.num_value_heads * self.key_head_dim * self.value_head_dim * 4
            conv = (
                (2 * self.num_key_heads * self.key_head_dim + self.num_value_heads * self.value_head_dim)
                * (self.conv_kernel - 1)
                * 2
            )
        else:
            d_inner = self.num_value_heads * self.value_head_dim
            ssm = self.num_value_heads * self.value_head_dim * self.state_size * 4
            conv = (d_inner + 2 * self.n_groups * self.state_size) * (self.conv_kernel - 1) * 2
        return (ssm + conv) // max(1, tp)


class LayerSpec(Spec):
    mixer: Mixer
    ffn: Ffn


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
    total: int
    active: int
    active_excl_embedding: int


class ArchitectureSpec(Spec):
    """What the memory fit needs to know about a decoder-only model. Build it with :func:`parse_hf_config`."""

    model_type: str
    architectures: list[str] = Field(default_factory=list)
    num_hidden_layers: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    num_attention_heads: int = Field(gt=0)
    num_key_value_heads: int = Field(gt=0)
    head_dim: int = Field(gt=0)
    head_dim_source: Literal["config", "hidden_size // num_attention_heads"]
    full_attention_head_dim: int | None = Field(
        default=None, gt=0, description="Gemma-4 style global_head_dim"
    )
    full_attention_kv_heads: int | None = Field(default=None, gt=0)
    vocab_size: int = Field(gt=0)
    tie_word_embeddings: bool
    intermediate_size: int | None = Field(default=None, gt=0)
    max_position_embeddings: int | None = Field(default=None, gt=0)
    layers: list[LayerSpec]
    sliding_window: int | None = Field(default=None, gt=0)
    attention_chunk_size: int | None = Field(default=None, gt=0)
    moe: MoESpec | None = None
    mla: MLASpec | None = None
    linear: LinearAttentionSpec | None = None
    attention_bias: bool = False
    qkv_bias_only: bool = False
    attention_output_gate: bool = False
    qk_norm: bool = False
    attention_sinks: bool = False
    norms_per_layer: int | None = None
    checkpoint_format: str | None = Field(default=None, description="weight format name of the checkpoint")
    mtp_layers: int = 0
    assumptions: list[str] = Field(default_factory=list)

    # ------------------------------------------------------------------ layer summaries
    def count(self, mixer: str) -> int:
        """Number of layers with this mixer."""
        return sum(1 for layer in self.layers if layer.mixer == mixer)

    @property
    def layer_type_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for layer in self.layers:
            counts[layer.mixer] = counts.get(layer.mixer, 0) + 1
        return counts

    @property
    def is_moe(self) -> bool:
        return self.moe is not None and any(layer.ffn == "moe" for layer in self.layers)

    def linear_state_bytes(self, tp: int = 1) -> int:
        """Fixed recurrent state per request on one GPU over all linear-attention/Mamba layers, bytes."""
        if self.linear is None:
            return 0
        n = self.count("linear_attention") + self.count("mamba")
        return n * self.linear.state_bytes_per_layer(tp)

    # ------------------------------------------------------------------ parameters
    def parameter_counts(self) -> ParameterCounts:
        """Parameter counts by category; see the module docstring for the convention."""
        return count_parameters(self)


# ============================================================================ parameter counting


def count_parameters(spec: ArchitectureSpec) -> ParameterCounts:
    """Count parameters layer by layer (formulas follow the transformers module definitions).

    GQA attention: ``q = h·(H_q·D)``, ``k = v = h·(H_kv·D)``, ``o = (H_q·D)·h`` (q doubled with an output
    gate, Qwen3-Next); MLA: ``q_proj = h·H_q·(nope+rope)`` (or the q-LoRA pair), ``kv_a = h·(r_kv+rope)``,
    ``kv_b = r_kv·H_q·(nope+v)``, ``o = H_q·v·h``; gated MLP ``3·h·I``; MoE ``E·3·h·I_e`` plus router
    ``E·h`` plus shared experts ``3·h·I_s`` each; Gated DeltaNet ``h·(2·K+2·V) + h·2·nv + conv + V·h``
    with ``K = nk·dk``, ``V = nv·dv``.
    """
    h = spec.hidden_size
    hq = spec.num_attention_heads
    d = spec.head_dim
    embedding = spec.vocab_size * h
    lm_head = 0 if spec.tie_word_embeddings else spec.vocab_size * h
    attention = linear_attention = dense_mlp = routed = routed_bias = shared = router = 0
    small = h  # final norm

    for layer in spec.layers:
        # ---- token mixer
        if layer.mixer in ("full_attention", "sliding_attention", "chunked_attention"):
            hd = d
            kvh = spec.num_key_value_heads
            if layer.mixer == "full_attention":
                hd = spec.full_attention_head_dim or d
                kvh = spec.full_attention_kv_heads or kvh
            q_out = hq * hd * (2 if spec.attention_output_gate else 1)
            attention += h * q_out + 2 * h * kvh * hd + hq * hd * h
            if spec.attention_bias:
                small += q_out + 2 * kvh * hd + h
            elif spec.qkv_bias_only:
                small += q_out + 2 * kvh * hd
            if spec.qk_norm:
                small += 2 * hd
            if spec.attention_sinks:
                small += hq
        elif layer.mixer == "mla":
            assert spec.mla is not None
            m = spec.mla
            qk = m.qk_nope_head_dim + m.qk_rope_head_dim
            if m.q_lora_rank:
                attention += h * m.q_lora_rank + m.q_lora_rank * hq * qk
                small += m.q_lora_rank
            else:
                attention += h * hq * qk
            attention += h * (m.kv_lora_rank + m.qk_rope_head_dim)
            attention += m.kv_lora_rank * hq * (m.qk_nope_head_dim + m.v_head_dim)
            attention += hq * m.v_head_dim * h
            small += m.kv_lora_rank
        elif layer.mixer in ("linear_attention", "mamba"):
            assert spec.linear is not None
            la = spec.linear
            key_dim = la.num_key_heads * la.key_head_dim
            value_dim = la.num_value_heads * la.value_head_dim
            if la.kind == "gated_deltanet":
                linear_attention += (
                    h * (2 * key_dim + 2 * value_dim) + h * 2 * la.num_value_heads + value_dim * h
                )
                conv_dim = 2 * key_dim + value_dim
                small += conv_dim * la.conv_kernel + 2 * la.num_value_heads + la.value_head_dim
            else:  # mamba2: in_proj -> (z, x, B, C, dt), conv over (x, B, C), A_log, D, dt_bias, gated norm
                bc = 2 * la.n_groups * la.state_size
                linear_attention += h * (2 * value_dim + bc + la.num_value_heads) + value_dim * h
                conv_dim = value_dim + bc
                small += conv_dim * la.conv_kernel + conv_dim + 3 * la.num_value_heads + value_dim
        # ---- feed-forward
        if layer.ffn == "dense":
            assert spec.intermediate_size is not None
            dense_mlp += 3 * h * spec.intermediate_size
        elif layer.ffn == "moe":
            assert spec.moe is not None
            moe = spec.moe
            ie = moe.expert_intermediate_size
            routed += moe.num_experts * 3 * h * ie
            if moe.expert_bias:
                routed_bias += moe.num_experts * (2 * ie + h)
            router += moe.num_experts * h
            if moe.router_bias:
                small += moe.num_experts
            if moe.score_correction_bias:
                small += moe.num_experts
            if moe.num_shared_experts:
                shared += moe.num_shared_experts * 3 * h * moe.shared_expert_intermediate_size
                if moe.shared_expert_gate:
                    router += h
        # ---- norms
        if spec.norms_per_layer is not None:
            small += spec.norms_per_layer * h
        else:
            small += h * ((layer.mixer != "none") + (layer.ffn != "none"))

    total = embedding + lm_head + attention + linear_attention + dense_mlp + routed + routed_bias + shared
    total += router + small
    inactive = 0
    if spec.moe is not None and spec.moe.num_experts:
        frac = (spec.moe.num_experts - spec.moe.experts_per_token) / spec.moe.num_experts
        inactive = round((routed + routed_bias) * frac)
    active = total - inactive
    return ParameterCounts(
        embedding=embedding,
        lm_head=lm_head,
        attention=attention,
        linear_attention=linear_attention,
        dense_mlp=dense_mlp,
        routed_experts=routed,
        routed_expert_bias=routed_bias,
        shared_experts=shared,
        router=router,
        small=small,
        total=total,
        active=active,
        active_excl_embedding=active - embedding,
    )


# ============================================================================ parsing


def _first(cfg: dict[str, Any], *names: str) -> tuple[str | None, Any]:
    for name in names:
        if name in cfg and cfg[name] is not None:
            return name, cfg[name]
    return None, None


def _int(cfg: dict[str, Any], *names: str, required: bool = True, minimum: int = 1) -> int | None:
    name, value = _first(cfg, *names)
    if name is None:
        if required:
            raise ArchitectureError(
                f"missing required field {names[0]!r}"
                + (f" (also looked for {', '.join(repr(n) for n in names[1:])})" if len(names) > 1 else "")
            )
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise ArchitectureError(f"field {name!r} must be an integer, got {value!r}")
    if value < minimum:
        raise ArchitectureError(f"field {name!r} must be >= {minimum}, got {value}")
    return int(value)


def _text_config(raw: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """Merge a nested ``text_config`` (multimodal wrappers) over the top level."""
    text = raw.get("text_config")
    if isinstance(text, dict):
        merged = {k: v for k, v in raw.items() if k != "text_config"}
        merged.update(text)
        notes.append(
            "read the language model from nested 'text_config'; vision/audio tower parameters are not counted"
        )
        if "model_type" in text and "model_type" in raw and text["model_type"] != raw["model_type"]:
            merged["model_type"] = text["model_type"]
        return merged
    return raw


def _layer_mixers(cfg: dict[str, Any], n_layers: int, model_type: str, notes: list[str]) -> list[Mixer]:
    """Per-layer token mixer from the generic fields (precedence in the module docstring)."""
    layer_types = cfg.get("layer_types")
    if isinstance(layer_types, list) and layer_types:
        if len(layer_types) != n_layers:
            raise ArchitectureError(
                f"field 'layer_types' has {len(layer_types)} entries but num_hidden_layers is {n_layers}"
            )
        mixers: list[Mixer] = []
        for i, name in enumerate(layer_types):
            mixer = _LAYER_TYPE_ALIASES.get(str(name).lower())
            if mixer is None:
                notes.append(
                    f"layer_types[{i}] = {name!r} is unknown: counted as full attention (conservative)"
                )
                mixer = "full_attention"
            mixers.append(mixer)
        return mixers

    blocks = cfg.get("layers_block_type")
    if isinstance(blocks, list) and blocks:
        if len(blocks) != n_layers:
            raise ArchitectureError(
                f"field 'layers_block_type' has {len(blocks)} entries but num_hidden_layers is {n_layers}"
            )
        return ["mamba" if str(b).lower().startswith("mamba") else "full_attention" for b in blocks]

    pattern = cfg.get("hybrid_override_pattern")
    if isinstance(pattern, str) and pattern:
        if len(pattern) != n_layers:
            raise ArchitectureError(
                f"field 'hybrid_override_pattern' has {len(pattern)} characters but num_hidden_layers is {n_layers}"
            )
        notes.append("hybrid_override_pattern: 'M' = Mamba, '*' = attention, other = no token mixer")
        return ["mamba" if c == "M" else "full_attention" if c == "*" else "none" for c in pattern]

    period = cfg.get("attn_layer_period")
    if isinstance(period, int) and period > 0 and "attn_layer_offset" in cfg:
        offset = int(cfg["attn_layer_offset"])
        return ["full_attention" if i % period == offset else "mamba" for i in range(n_layers)]

    interval = cfg.get("full_attention_interval")
    if isinstance(interval, int) and interval > 0:
        return ["full_attention" if (i + 1) % interval == 0 else "linear_attention" for i in range(n_layers)]

    chunk = cfg.get("attention_chunk_size")
    if isinstance(chunk, int) and chunk > 0:
        no_rope = cfg.get("no_rope_layers")
        if isinstance(no_rope, list) and len(no_rope) == n_layers:
            return ["chunked_attention" if flag else "full_attention" for flag in no_rope]
        notes.append("attention_chunk_size without no_rope_layers: assumed every 4th layer global (Llama 4)")
        return ["full_attention" if (i + 1) % 4 == 0 else "chunked_attention" for i in range(n_layers)]

    window = cfg.get("sliding_window")
    use_sw = cfg.get("use_sliding_window")
    if isinstance(window, int) and window > 0 and use_sw is not False:
        swp = cfg.get("sliding_window_pattern")
        if isinstance(swp, int) and swp > 0:
            return ["full_attention" if (i + 1) % swp == 0 else "sliding_attention" for i in range(n_layers)]
        if model_type in ("gemma2", "cohere2") or cfg.get("cache_implementation") == "hybrid":
            # transformers Gemma2: layer i is sliding when (i + 1) % 2 == 1
            return ["sliding_attention" if (i + 1) % 2 else "full_attention" for i in range(n_layers)]
        if model_type in ("gemma3", "gemma3_text"):
            notes.append("gemma3 without sliding_window_pattern: assumed 5 sliding : 1 full")
            return ["full_attention" if (i + 1) % 6 == 0 else "sliding_attention" for i in range(n_layers)]
        notes.append(
            f"sliding_window={window} with no per-layer pattern: every layer treated as sliding window "
            "(as vLLM does; some runtimes ignore the window)"
        )
        return ["sliding_attention"] * n_layers
    return ["full_attention"] * n_layers


def _moe_layer_flags(cfg: dict[str, Any], n_layers: int, mixers: list[Mixer], notes: list[str]) -> list[bool]:
    """Which layers carry a MoE block (DeepSeek ``first_k_dense_replace``/``moe_layer_freq``, Qwen
    ``decoder_sparse_step``/``mlp_only_layers``, Llama 4 ``interleave_moe_layer_step``)."""
    first_k = _int(cfg, "first_k_dense_replace", required=False, minimum=0) or 0
    freq = _int(cfg, "moe_layer_freq", required=False) or 1
    step = _int(cfg, "decoder_sparse_step", "interleave_moe_layer_step", required=False) or 1
    mlp_only = set(cfg.get("mlp_only_layers") or [])
    flags = []
    for i in range(n_layers):
        is_moe = i >= first_k and (i - first_k) % freq == 0 if "moe_layer_freq" in cfg else i >= first_k
        if "decoder_sparse_step" in cfg or "interleave_moe_layer_step" in cfg:
            is_moe = is_moe and (i + 1) % step == 0
        flags.append(is_moe and i not in mlp_only)
    return flags


def _checkpoint_format(cfg: dict[str, Any], notes: list[str]) -> str | None:
    """Weight format of the checkpoint from ``quantization_config`` (names as in gpu_memory.WEIGHT_FORMATS)."""
    qc = cfg.get("quantization_config")
    if not isinstance(qc, dict):
        dtype = cfg.get("torch_dtype") or cfg.get("dtype")
        if dtype == "float32":
            notes.append("torch_dtype float32 is a re-serialisation artefact: checkpoint assumed bf16")
        return "fp16" if dtype == "float16" else "bf16"
    method = str(qc.get("quant_method", "")).lower()
    if method == "mxfp4":
        return "mxfp4"
    if method == "fp8":
        return "fp8"
    if method in ("gptq", "awq"):
        bits = int(qc.get("bits", 4))
        group = int(qc.get("group_size", 128))
        return f"{method}-int{bits}-g{group}"
    if method == "modelopt":
        algo = str(qc.get("quant_algo", "")).upper()
        return "nvfp4" if "FP4" in algo else "fp8" if "FP8" in algo else None
    if method == "compressed-tensors":
        groups = qc.get("config_groups") or {}
        for group in groups.values() if isinstance(groups, dict) else []:
            weights = (group or {}).get("weights") or {}
            num_bits = weights.get("num_bits")
            wtype = weights.get("type")
            if num_bits == 4 and wtype == "float":
                return "nvfp4"
            if num_bits == 8 and wtype == "float":
                return "fp8"
            if num_bits == 8:
                return "int8"
            if num_bits == 4:
                return f"gptq-int4-g{int(weights.get('group_size') or 128)}"
    notes.append(f"quantization_config quant_method {method!r} not recognised: checkpoint format unknown")
    return None


def parse_hf_config(raw: dict[str, Any]) -> ArchitectureSpec:
    """Parse a Hugging Face ``config.json`` dict into an :class:`ArchitectureSpec`.

    Raises :class:`ArchitectureError` naming the field when a required value is missing or inconsistent
    (e.g. heads not dividing ``hidden_size`` without an explicit ``head_dim``; attention heads not a multiple
    of KV heads; ``layer_types`` of the wrong length). A value of the wrong type anywhere (real users bring
    configs this code has never seen) is reported the same way, never as a crash.
    """
    try:
        return _parse_hf_config(raw)
    except ArchitectureError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        raise ArchitectureError(f"config.json has a value of an unexpected type or shape ({type(exc).__name__}: "
                                f"{exc}); check the fields this model type uses") from exc


def _parse_hf_config(raw: dict[str, Any]) -> ArchitectureSpec:
    if not isinstance(raw, dict):
        raise ArchitectureError(f"config must be a JSON object, got {type(raw).__name__}")
    notes: list[str] = []
    cfg = _text_config(raw, notes)
    model_type = str(cfg.get("model_type") or "").strip()
    if not model_type:
        notes.append("no 'model_type': read through the generic fields")
        model_type = "unknown"
    elif model_type not in KNOWN_MODEL_TYPES:
        notes.append(f"model_type {model_type!r} is not one this code knows: read through the generic fields")
    architectures = [str(a) for a in cfg.get("architectures") or []]

    n_layers = _int(cfg, "num_hidden_layers", "n_layer", "num_layers", "n_layers")
    hidden = _int(cfg, "hidden_size", "d_model", "n_embd", "model_dim")
    heads = _int(cfg, "num_attention_heads", "n_head", "num_heads")
    vocab = _int(cfg, "vocab_size", "padded_vocab_size")
    assert n_layers is not None and hidden is not None and heads is not None and vocab is not None

    kv_name, _ = _first(cfg, "num_key_value_heads", "num_kv_heads", "n_head_kv", "multi_query_group_num")
    if kv_name is not None:
        kv_heads = _int(cfg, kv_name)
    elif cfg.get("multi_query") is True:
        kv_heads = 1
    else:
        kv_heads = heads
        notes.append("no 'num_key_value_heads': assumed multi-head attention (KV heads = attention heads)")
    assert kv_heads is not None
    if heads % kv_heads:
        raise ArchitectureError(
            f"num_attention_heads={heads} is not a multiple of num_key_value_heads={kv_heads}"
        )

    mla: MLASpec | None = None
    if cfg.get("kv_lora_rank"):
        rope = _int(cfg, "qk_rope_head_dim")
        nope = _int(cfg, "qk_nope_head_dim", required=False, minimum=0) or 0
        v_dim = _int(cfg, "v_head_dim", required=False) or nope or rope
        assert rope is not None and v_dim is not None
        mla = MLASpec(
            kv_lora_rank=_int(cfg, "kv_lora_rank") or 0,
            qk_rope_head_dim=rope,
            qk_nope_head_dim=nope,
            v_head_dim=v_dim,
            q_lora_rank=_int(cfg, "q_lora_rank", required=False),
        )
        if cfg.get("head_dim") is not None:
            notes.append(
                f"MLA: config head_dim={cfg['head_dim']} ignored; cached width is kv_lora_rank + "
                f"qk_rope_head_dim = {mla.latent_width} with one latent 'head' (vLLM)"
            )

    head_dim_cfg = _int(cfg, "head_dim", "attention_head_dim", "head_size", required=False)
    if head_dim_cfg is not None:
        head_dim, head_src = head_dim_cfg, "config"
    elif mla is not None:
        head_dim, head_src = mla.qk_nope_head_dim + mla.qk_rope_head_dim, "config"
    else:
        if hidden % heads:
            raise ArchitectureError(
                f"num_attention_heads={heads} does not divide hidden_size={hidden} and the config has no "
                "explicit 'head_dim'"
            )
        head_dim, head_src = hidden // heads, "hidden_size // num_attention_heads"
        if model_type not in KNOWN_MODEL_TYPES:
            notes.append(f"no 'head_dim': used hidden_size // num_attention_heads = {head_dim}")

    tied_name, tied = _first(cfg, "tie_word_embeddings")
    if tied_name is None:
        tied = _TIED_DEFAULT.get(model_type, True)
        if model_type not in _TIED_DEFAULT:
            notes.append("no 'tie_word_embeddings': assumed tied (transformers' PretrainedConfig default)")

    mixers = _layer_mixers(cfg, n_layers, model_type, notes)
    if mla is not None:
        mixers = [
            "mla" if m in ("full_attention", "sliding_attention", "chunked_attention") else m for m in mixers
        ]
    window = _int(cfg, "sliding_window", required=False) if "sliding_attention" in mixers else None
    if "sliding_attention" in mixers and window is None:
        raise ArchitectureError("layers are sliding-window attention but field 'sliding_window' is missing")
    chunk = _int(cfg, "attention_chunk_size", required=False) if "chunked_attention" in mixers else None

    # ---- linear attention / Mamba
    linear: LinearAttentionSpec | None = None
    if "linear_attention" in mixers:
        linear = LinearAttentionSpec(
            kind="gated_deltanet",
            num_key_heads=_int(cfg, "linear_num_key_heads") or 1,
            num_value_heads=_int(cfg, "linear_num_value_heads") or 1,
            key_head_dim=_int(cfg, "linear_key_head_dim") or 1,
            value_head_dim=_int(cfg, "linear_value_head_dim") or 1,
            conv_kernel=_int(cfg, "linear_conv_kernel_dim", required=False) or 4,
        )
    elif "mamba" in mixers:
        d_state = _int(cfg, "mamba_d_state", "ssm_state_size", "state_size", "d_state")
        expand = cfg.get("mamba_expand", cfg.get("expand", 2))
        d_inner = int(cfg.get("mamba_d_inner") or cfg.get("intermediate_size_mamba") or expand * hidden)
        m_heads = _int(cfg, "mamba_num_heads", "mamba_n_heads", required=False)
        m_head_dim = _int(cfg, "mamba_head_dim", "mamba_d_head", required=False)
        if m_heads is None and m_head_dim is None:
            m_head_dim = 64
            notes.append("Mamba: no head count/size in the config: assumed head_dim 64 (Mamba-2 default)")
        if m_heads is None:
            assert m_head_dim is not None
            m_heads = max(1, d_inner // m_head_dim)
        if m_head_dim is None:
            m_head_dim = max(1, d_inner // m_heads)
        groups = _int(cfg, "mamba_n_groups", "n_groups", required=False) or 1
        linear = LinearAttentionSpec(
            kind="mamba2",
            num_key_heads=m_heads,
            num_value_heads=m_heads,
            key_head_dim=m_head_dim,
            value_head_dim=m_head_dim,
            conv_kernel=_int(cfg, "mamba_d_conv", "conv_kernel", "mamba_conv_kernel", required=False) or 4,
            state_size=d_state or 0,
            n_groups=groups,
        )
        notes.append("Mamba layers read as Mamba-2 (state fp32, conv state 16-bit); Mamba-1 differs")

    # ---- MoE
    moe: MoESpec | None = None
    experts_name, _ = _first(cfg, "num_local_experts", "n_routed_experts", "num_experts", "moe_num_experts")
    experts = _int(cfg, experts_name, minimum=0) if experts_name is not None else None
    intermediate = _int(cfg, "intermediate_size", "ffn_dim", "n_inner", "ffn_hidden_size", required=False)
    moe_flags = [False] * n_layers
    if experts is not None and experts > 1:
        top_k = _int(cfg, "num_experts_per_tok", "experts_per_token", "moe_top_k", "num_experts_per_token")
        expert_size = _int(cfg, "moe_intermediate_size", "expert_intermediate_size", required=False)
        if expert_size is None:
            if intermediate is None:
                raise ArchitectureError("MoE config has no 'moe_intermediate_size' nor 'intermediate_size'")
            expert_size = intermediate
        assert top_k is not None
        if top_k > experts:
            raise ArchitectureError(
                f"num_experts_per_tok={top_k} exceeds the number of experts {experts_name}={experts}"
            )
        n_shared = _int(cfg, "n_shared_experts", "num_shared_experts", required=False, minimum=0) or 0
        shared_size = expert_size
        shared_gate = False
        if cfg.get("shared_expert_intermediate_size"):
            n_shared = max(n_shared, 1)
            shared_size = _int(cfg, "shared_expert_intermediate_size") or expert_size
            shared_gate = model_type.startswith(("qwen2_moe", "qwen3_next", "qwen3_5"))
        moe = MoESpec(
            num_experts=experts,
            experts_per_token=top_k,
            expert_intermediate_size=expert_size,
            num_shared_experts=n_shared,
            shared_expert_intermediate_size=shared_size if n_shared else 0,
            shared_expert_gate=shared_gate,
            router_bias=model_type == "gpt_oss",
            expert_bias=model_type == "gpt_oss",
            score_correction_bias=str(cfg.get("topk_method", "")) == "noaux_tc",
        )
        moe_flags = _moe_layer_flags(cfg, n_layers, mixers, notes)
        if model_type not in KNOWN_MODEL_TYPES:
            notes.append(
                f"MoE read from generic fields: {moe.num_experts} experts, top-{moe.experts_per_token}, "
                f"expert FFN {moe.expert_intermediate_size}, {n_shared} shared; gated (3-matrix) experts assumed"
            )

    ffns: list[Ffn] = []
    for i in range(n_layers):
        if cfg.get("hybrid_override_pattern"):
            c = str(cfg["hybrid_override_pattern"])[i]
            ffns.append("moe" if c == "E" and moe else "dense" if c == "-" else "none")
        else:
            ffns.append("moe" if moe_flags[i] else "dense")
    if "dense" in ffns and intermediate is None:
        raise ArchitectureError("dense MLP layers present but field 'intermediate_size' is missing")
    if model_type not in KNOWN_MODEL_TYPES and "dense" in ffns:
        notes.append("dense MLP assumed gated (gate, up, down: 3·hidden·intermediate)")

    if cfg.get("hybrid_override_pattern"):
        norms: int | None = 1
    else:
        norms = _NORMS_PER_LAYER.get(model_type)

    mtp = int(cfg.get("num_nextn_predict_layers") or cfg.get("mtp_num_hidden_layers") or 0)
    if mtp:
        notes.append(f"{mtp} multi-token-prediction layer(s) in the checkpoint are not counted in the totals")

    qkv_bias_only = model_type in _QKV_BIAS or bool(cfg.get("qkv_bias")) and not cfg.get("attention_bias")
    full_hd = _int(cfg, "global_head_dim", required=False)
    full_kvh = _int(cfg, "num_global_key_value_heads", required=False)

    return ArchitectureSpec(
        model_type=model_type,
        architectures=architectures,
        num_hidden_layers=n_layers,
        hidden_size=hidden,
        num_attention_heads=heads,
        num_key_value_heads=1 if mla is not None else kv_heads,
        head_dim=head_dim,
        head_dim_source=head_src,
        full_attention_head_dim=full_hd,
        full_attention_kv_heads=full_kvh,
        vocab_size=vocab,
        tie_word_embeddings=bool(tied),
        intermediate_size=intermediate,
        max_position_embeddings=_int(
            cfg, "max_position_embeddings", "n_positions", "max_seq_len", required=False
        ),
        layers=[LayerSpec(mixer=m, ffn=f) for m, f in zip(mixers, ffns, strict=True)],
        sliding_window=window,
        attention_chunk_size=chunk,
        moe=moe,
        mla=mla,
        linear=linear,
        attention_bias=bool(cfg.get("attention_bias")),
        qkv_bias_only=qkv_bias_only,
        attention_output_gate=bool(cfg.get("attn_output_gate")) or model_type == "qwen3_next",
        qk_norm=model_type in _QK_NORM or bool(cfg.get("use_qk_norm")),
        attention_sinks=model_type == "gpt_oss",
        norms_per_layer=norms,
        checkpoint_format=_checkpoint_format(cfg, notes),
        mtp_layers=mtp,
        assumptions=notes,
    )


def describe(spec: ArchitectureSpec) -> dict[str, Any]:
    """A flat summary for tables and JSON: layer-type counts, head shape, MoE/MLA fields, parameters."""
    counts = spec.parameter_counts()
    return {
        "model_type": spec.model_type,
        "layers": spec.num_hidden_layers,
        "layer_types": spec.layer_type_counts,
        "hidden_size": spec.hidden_size,
        "attention_heads": spec.num_attention_heads,
        "kv_heads": spec.num_key_value_heads,
        "head_dim": spec.head_dim,
        "head_dim_source": spec.head_dim_source,
        "sliding_window": spec.sliding_window,
        "attention_chunk_size": spec.attention_chunk_size,
        "vocab_size": spec.vocab_size,
        "tie_word_embeddings": spec.tie_word_embeddings,
        "moe": spec.moe.model_dump() if spec.moe else None,
        "mla": spec.mla.model_dump() if spec.mla else None,
        "linear": spec.linear.model_dump() if spec.linear else None,
        "checkpoint_format": spec.checkpoint_format,
        "params_total": counts.total,
        "params_active": counts.active,
        "params_active_excl_embedding": counts.active_excl_embedding,
        "assumptions": list(spec.assumptions),
    }


def gib(n_bytes: float) -> float:
    """Bytes -> GiB (2**30)."""
    return n_bytes / 2**30
