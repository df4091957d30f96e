"""Read a Hugging Face ``config.json`` (path, bytes or dict) into an :class:`ArchitectureSpec`.

The reader lives here, in ``io/`` (formats); the domain keeps the architecture model and its arithmetic
(:mod:`workbench.domain.architecture`). Modules: :mod:`.fields` (typed access and plausibility limits),
:mod:`.defaults_table` (transformers' defaults), :mod:`.layers` (per-layer patterns), :mod:`.components` (MLA,
indexer, linear attention / Mamba, MoE), :mod:`.vision` (vision towers), :mod:`.quant` (checkpoint format),
:mod:`.parse` (the dict reader).

Errors name the file and the field: a file that is not strict JSON (duplicate keys refused), not an object, or
misses a required value raises :class:`HfConfigError` (a ``ValueError``); nothing is written anywhere, so a
candidate stays unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.domain.architecture import ArchitectureError, ArchitectureSpec
from workbench.io.hf_config.parse import VERIFIED_MODEL_TYPES, parse_hf_config
from workbench.io.json_text import JsonInputError, load_json

__all__ = [
    "MAX_BYTES",
    "VERIFIED_MODEL_TYPES",
    "ArchitectureError",
    "HfConfigError",
    "load_config_dict",
    "parse_architectures",
    "parse_config_bytes",
    "parse_hf_config",
    "read_hf_config",
]

MAX_BYTES = 5_000_000  #: a config.json is a few KB; refuse anything absurdly large


class HfConfigError(ValueError):
    """The config file cannot be used; the message starts with the file name."""


def load_config_dict(data: bytes | str, source: str = "<config.json>") -> dict[str, Any]:
    """Decode ``config.json`` bytes to a dict (raises :class:`HfConfigError` naming ``source``).

    Strict JSON (duplicate keys refused) except that ``Infinity``/``NaN`` are accepted: Python writes them and
    published configs carry them in fields the reader never uses (Nemotron-H ``time_step_limit``); every field
    the reader uses is range-checked."""
    try:
        raw = load_json(data, source, max_bytes=MAX_BYTES, allow_non_finite=True)
    except JsonInputError as exc:
        raise HfConfigError(str(exc)) from exc
    if not isinstance(raw, dict):
        raise HfConfigError(f"{source}: expected a JSON object, got {type(raw).__name__}")
    return raw


def parse_config_bytes(data: bytes | str, source: str = "<config.json>") -> ArchitectureSpec:
    """``config.json`` content -> :class:`ArchitectureSpec`."""
    raw = load_config_dict(data, source)
    try:
        return parse_hf_config(raw)
    except ArchitectureError as exc:
        raise HfConfigError(f"{source}: {exc}") from exc


def read_hf_config(path: str | Path) -> ArchitectureSpec:
    """Read a ``config.json`` file -> :class:`ArchitectureSpec`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise HfConfigError(f"{p}: cannot read file ({exc.strerror})") from exc
    return parse_config_bytes(data, str(p))


def parse_architectures(raws: dict[str, Any]) -> dict[str, ArchitectureSpec | str]:
    """Name -> parsed spec, or the error message, for stored architectures (``candidate.architecture``)."""
    out: dict[str, ArchitectureSpec | str] = {}
    for name, raw in raws.items():
        try:
            out[name] = parse_hf_config(dict(raw))
        except (ArchitectureError, TypeError, ValueError) as exc:
            out[name] = str(exc)
    return out
