"""Vision tower + projector parameters from ``vision_config`` (counted apart from the language model).

Formulas (transformers module definitions; ``h`` = vision width, ``I`` = its MLP width, ``L`` = depth):

* one ViT block with biases and two LayerNorms: ``4h² + 2hI + 9h + I`` (qkv + proj with biases, fc1 + fc2 with
  biases, two LayerNorms of ``2h``); a gated MLP (Gemma 4) ``4h² + 3hI`` plus RMSNorms.
* Qwen3-VL / Qwen3.5 (``depth``, ``num_position_embeddings``, ``out_hidden_size``): Conv3d patch embedding
  ``3·t·p²·h + h``, learned positions ``N·h``, ``L`` blocks, a patch merger ``2h + (4h)² + 4h + 4h·out + out``
  and one merger with a ``(4h)`` LayerNorm per ``deepstack_visual_indexes`` entry. Exact on the corpus.
* Kimi K2.5 MoonViT (``vt_*``): Conv2d patch embedding, ``64·64·h`` learned positions, ``L`` blocks, a final
  LayerNorm and the patch-merger projector ``2h + (4h)² + 4h + 4h·text + text``. Exact on the corpus.
* SigLIP (Gemma 3): Conv2d patch embedding, ``(image/p)²·h`` positions, ``L`` blocks, post LayerNorm, the
  attention-pooling head when ``vision_use_head``, and the projector ``h·text + h``.
* Gemma 4 (``gemma4_vision``): bias-free patch projection ``3·p²·h``, two position tables ``2·P·h``, ``L``
  blocks of bias-free attention (q/k norms of ``D``), a gated MLP ``3hI`` and four RMSNorms, and the projector
  ``h·text``. Exact on the corpus.
* Step 3.7 perception encoder (``perception_encoder`` / ``step3p5_vision``; ``width``, ``layers``): bias-free
  Conv2d patch embedding ``3·p²·h``, ``(image/p)²·h`` positions, a pre-LayerNorm ``2h``, ``L`` blocks with two
  layer-scale vectors ``2h`` each, MLP width ``int(h · mlp_ratio)`` (default 8960/1536), two stride-2 3×3
  downsamplers ``9·h·2h + 2h`` and ``9·2h·4h + 4h``, and the projector ``4h·text`` (``+ text`` with
  ``projector_bias``). Exact on the corpus.
* MiniMax M3 VL (a ``clip_vision_model`` inside ``minimax_m3_vl``): bias-free Conv3d patch embedding
  ``3·t·p²·h``, a pre-LayerNorm ``2h``, ``L`` blocks, and the two-branch projector ``h·P + P + P·T + T`` and
  ``T·m²·P + P + P·T + T`` (``P`` = ``projector_hidden_size``, ``T`` = text width, ``m`` = spatial merge). Exact
  on the corpus.
* Anything else: the generic ViT estimate (blocks + patch embedding + a ``h·text`` projector), marked unverified.
"""

from __future__ import annotations

from typing import Any

from workbench.domain.architecture import ArchitectureError, VisionSpec
from workbench.io.hf_config.fields import get_int


def _block(h: int, inter: int) -> int:
    return 4 * h * h + 2 * h * inter + 9 * h + inter


def _qwen_vl(vc: dict[str, Any]) -> int:
    h = get_int(vc, "hidden_size") or 0
    inter = get_int(vc, "intermediate_size") or 0
    depth = get_int(vc, "depth") or 0
    p = get_int(vc, "patch_size", required=False) or 16
    t = get_int(vc, "temporal_patch_size", required=False) or 2
    c = get_int(vc, "in_channels", required=False) or 3
    pos = get_int(vc, "num_position_embeddings", required=False) or 0
    out = get_int(vc, "out_hidden_size") or 0
    m = get_int(vc, "spatial_merge_size", required=False) or 2
    wide = h * m * m
    merger = wide * wide + wide + wide * out + out
    deep = len(vc.get("deepstack_visual_indexes") or [])
    return c * t * p * p * h + h + pos * h + depth * _block(h, inter) + (2 * h + merger) + deep * (2 * wide + merger)


def _moonvit(vc: dict[str, Any], text_hidden: int) -> int:
    h = get_int(vc, "vt_hidden_size") or 0
    inter = get_int(vc, "vt_intermediate_size") or 0
    depth = get_int(vc, "vt_num_hidden_layers") or 0
    p = get_int(vc, "patch_size", required=False) or 14
    pos_h = get_int(vc, "init_pos_emb_height", required=False) or 64
    pos_w = get_int(vc, "init_pos_emb_width", required=False) or 64
    text = get_int(vc, "text_hidden_size", required=False) or text_hidden
    wide = h * 4
    return (3 * p * p * h + h + pos_h * pos_w * h + depth * _block(h, inter) + 2 * h
            + 2 * h + wide * wide + wide + wide * text + text)


def _siglip(vc: dict[str, Any], text_hidden: int) -> int:
    h = get_int(vc, "hidden_size", required=False) or 768
    inter = get_int(vc, "intermediate_size", required=False) or 3072
    depth = get_int(vc, "num_hidden_layers", required=False) or 12
    p = get_int(vc, "patch_size", required=False) or 16
    image = get_int(vc, "image_size", required=False) or 224
    total = 3 * p * p * h + h + (image // p) ** 2 * h + depth * _block(h, inter) + 2 * h
    if vc.get("vision_use_head", True):
        total += h + 3 * h * h + 3 * h + h * h + h + 2 * h + 2 * h * inter + inter + h
    return total + h * text_hidden + h


def _gemma4(vc: dict[str, Any], text_hidden: int) -> int:
    h = get_int(vc, "hidden_size") or 0
    inter = get_int(vc, "intermediate_size") or 0
    depth = get_int(vc, "num_hidden_layers") or 0
    hq = get_int(vc, "num_attention_heads") or 0
    kvh = get_int(vc, "num_key_value_heads", required=False) or hq
    hd = get_int(vc, "head_dim", required=False) or h // max(1, hq)
    p = get_int(vc, "patch_size", required=False) or 16
    pos = get_int(vc, "position_embedding_size", required=False) or 0
    block = 2 * h * hq * hd + 2 * h * kvh * hd + 2 * hd + 3 * h * inter + 4 * h
    return 3 * p * p * h + 2 * pos * h + depth * block + h * text_hidden


def _step_perception(vc: dict[str, Any], text_hidden: int, projector_bias: bool) -> int:
    h = get_int(vc, "width", "hidden_size", required=False) or 1536
    depth = get_int(vc, "layers", "num_hidden_layers", required=False) or 47
    p = get_int(vc, "patch_size", required=False) or 14
    image = get_int(vc, "image_size", required=False) or 728
    ratio = vc.get("mlp_ratio", 8960 / 1536)
    if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 < ratio <= 64:
        raise ArchitectureError(f"field 'vision_config.mlp_ratio' must be a number in (0, 64], got {ratio!r}")
    inter = int(h * ratio)
    downsample = 9 * h * 2 * h + 2 * h + 9 * 2 * h * 4 * h + 4 * h
    projector = 4 * h * text_hidden + (text_hidden if projector_bias else 0)
    return (3 * p * p * h + (image // p) ** 2 * h + 2 * h + depth * (_block(h, inter) + 2 * h) + downsample
            + projector)


def _minimax_m3(vc: dict[str, Any], raw: dict[str, Any], text_hidden: int) -> int:
    h = get_int(vc, "hidden_size") or 0
    inter = get_int(vc, "intermediate_size") or 0
    depth = get_int(vc, "num_hidden_layers") or 0
    p = get_int(vc, "patch_size", required=False) or 14
    merge_cfg = vc.get("img_token_compression_config")
    merge_cfg = merge_cfg if isinstance(merge_cfg, dict) else {}
    t = get_int(vc, "temporal_patch_size", required=False) or get_int(merge_cfg, "temporal_patch_size",
                                                                        required=False) or 2
    m = get_int(vc, "spatial_merge_size", required=False) or get_int(merge_cfg, "spatial_merge_size",
                                                                       required=False) or 2
    proj = get_int(raw, "projector_hidden_size", required=False) or text_hidden
    projector = (h * proj + proj + proj * text_hidden + text_hidden
                 + text_hidden * m * m * proj + proj + proj * text_hidden + text_hidden)
    return 3 * t * p * p * h + 2 * h + depth * _block(h, inter) + projector


def _generic(vc: dict[str, Any], text_hidden: int) -> int:
    h = get_int(vc, "hidden_size", "width", "vt_hidden_size", required=False) or 0
    depth = get_int(vc, "num_hidden_layers", "depth", "layers", "vt_num_hidden_layers", required=False) or 0
    inter = get_int(vc, "intermediate_size", "vt_intermediate_size", required=False) or 4 * h
    p = get_int(vc, "patch_size", required=False) or 14
    return 3 * p * p * h + depth * _block(h, inter) + 4 * h * text_hidden


def vision_tower(raw: dict[str, Any], text_hidden: int, notes: list[str]) -> VisionSpec | None:
    """Vision tower of a multimodal wrapper config (``vision_config``), or None."""
    vc = raw.get("vision_config")
    if not isinstance(vc, dict) or not vc:
        return None
    vtype = str(vc.get("model_type") or raw.get("model_type") or "vision")
    if "depth" in vc and "out_hidden_size" in vc:
        params, basis, verified = _qwen_vl(vc), "Qwen3-VL/Qwen3.5 vision formula", True
    elif "vt_hidden_size" in vc:
        params, basis, verified = _moonvit(vc, text_hidden), "MoonViT formula (Kimi K2.5)", True
    elif vtype == "gemma4_vision":
        params, basis, verified = _gemma4(vc, text_hidden), "Gemma 4 vision formula", True
    elif raw.get("model_type") == "minimax_m3_vl":
        params, basis, verified = _minimax_m3(vc, raw, text_hidden), "MiniMax M3 VL vision formula", True
    elif vtype in ("perception_encoder", "step3p5_vision"):
        params = _step_perception(vc, text_hidden, bool(raw.get("projector_bias")))
        basis, verified = "Step 3.7 perception-encoder formula", True
    elif vtype.startswith("siglip"):
        params, basis, verified = _siglip(vc, text_hidden), "SigLIP formula (Gemma 3)", True
    else:
        params, basis, verified = _generic(vc, text_hidden), "generic ViT estimate", False
    notes.append(
        f"vision tower ({vtype}): {params:,} parameters by the {basis}"
        + ("" if verified else " — unverified, checked only against the total") + "; counted in weight memory, "
        "kept 16-bit"
    )
    return VisionSpec(model_type=vtype, parameters=params, basis=basis, verified=verified)
