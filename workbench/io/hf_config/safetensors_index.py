"""``model.safetensors.index.json``: the checkpoint's exact byte count and what its tensors say.

``metadata.total_size`` is the sum of every tensor's bytes in the checkpoint (vision tower, MTP layers and
quantisation scales included), so it beats ``parameters × bits / 8`` when the user has it. ``weight_map`` names
every tensor: scale tensors (``*_scale``, ``*.scales``, ``weight_scale_inv``, ``qweight``...) show which weights
are quantised, ``visual``/``vision_tower`` names show a vision tower, ``mtp``/``nextn`` names show MTP layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.io.json_text import JsonInputError, load_json

MAX_INDEX_BYTES = 50_000_000  #: DeepSeek V3's index is ~9 MB; refuse anything far larger
MAX_TOTAL_SIZE = 100 * 2**40  #: 100 TiB: ten times the largest published checkpoint
_SCALE_MARKERS = ("_scale", ".scales", "weight_scale_inv", "qweight", "qzeros", ".absmax", "input_scale")
_VISION_MARKERS = ("visual.", "vision_tower", "vision_model", "vision_encoder", "mm_projector", "multi_modal")
_MTP_MARKERS = ("mtp.", ".mtp", "nextn")


class SafetensorsIndexError(ValueError):
    """The index file cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class SafetensorsIndex:
    total_size: int
    tensors: int
    scale_tensors: int
    vision_tensors: int
    mtp_tensors: int


def parse_safetensors_index(data: bytes | str, source: str = "model.safetensors.index.json") -> SafetensorsIndex:
    """Read an index file (strict JSON, size-limited); raises :class:`SafetensorsIndexError`."""
    try:
        raw: Any = load_json(data, source, max_bytes=MAX_INDEX_BYTES)
    except JsonInputError as exc:
        raise SafetensorsIndexError(str(exc)) from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("metadata"), dict):
        raise SafetensorsIndexError(f"{source}: expected an object with a 'metadata' object")
    total = raw["metadata"].get("total_size")
    if isinstance(total, bool) or not isinstance(total, int | float) or int(total) != total:
        raise SafetensorsIndexError(f"{source}: field 'metadata.total_size' must be an integer, got {total!r}")
    if not 0 < total <= MAX_TOTAL_SIZE:
        raise SafetensorsIndexError(f"{source}: field 'metadata.total_size' = {total:,} is outside 1..{MAX_TOTAL_SIZE:,}")
    weight_map = raw.get("weight_map", {})
    if not isinstance(weight_map, dict):
        raise SafetensorsIndexError(f"{source}: field 'weight_map' must be an object")
    names = [str(k) for k in weight_map]
    return SafetensorsIndex(
        total_size=int(total),
        tensors=len(names),
        scale_tensors=sum(1 for n in names if any(m in n for m in _SCALE_MARKERS)),
        vision_tensors=sum(1 for n in names if any(m in n for m in _VISION_MARKERS)),
        mtp_tensors=sum(1 for n in names if any(m in n for m in _MTP_MARKERS)),
    )
