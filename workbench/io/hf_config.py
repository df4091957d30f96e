"""Read a Hugging Face ``config.json`` (path or bytes) into an :class:`ArchitectureSpec`.

Errors name the file and the field: a file that is not JSON, not an object, or misses a required value raises
:class:`HfConfigError` (a ``ValueError``); nothing is written anywhere, so a candidate stays unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.domain.architecture import ArchitectureError, ArchitectureSpec, parse_hf_config

MAX_BYTES = 5_000_000  #: a config.json is a few KB; refuse anything absurdly large


class HfConfigError(ValueError):
    """The config file cannot be used; the message starts with the file name."""


def load_config_dict(data: bytes | str, source: str = "<config.json>") -> dict[str, Any]:
    """Decode ``config.json`` bytes to a dict (raises :class:`HfConfigError` naming ``source``)."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise HfConfigError(f"{source}: {len(data):,} bytes is too large for a config.json")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise HfConfigError(f"{source}: not UTF-8 text, so not a config.json ({exc.reason})") from exc
    else:
        text = data
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HfConfigError(
            f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from exc
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
