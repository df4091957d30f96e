"""Load and validate the GPU catalog (``data/gpus.json``) into :class:`workbench.domain.gpu.GpuCatalog`."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from workbench.domain.gpu import GpuCatalog

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "gpus.json"


class GpuCatalogError(ValueError):
    """The GPU catalog file is missing, not JSON, or fails validation; the message names file and field."""


def parse_gpu_catalog(data: bytes | str, source: str = "<gpus.json>") -> GpuCatalog:
    try:
        raw = json.loads(data)
    except json.JSONDecodeError as exc:
        raise GpuCatalogError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    try:
        return GpuCatalog.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise GpuCatalogError(f"{source}: field {loc}: {first['msg']}") from exc


def load_gpu_catalog(path: str | Path | None = None) -> GpuCatalog:
    """Read and validate a catalog file (default: the shipped ``data/gpus.json``)."""
    p = Path(path) if path is not None else DEFAULT_PATH
    if path is None:
        return _default_catalog()
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise GpuCatalogError(f"{p}: cannot read GPU catalog ({exc.strerror})") from exc
    return parse_gpu_catalog(data, str(p))


@lru_cache(maxsize=1)
def _default_catalog() -> GpuCatalog:
    try:
        data = DEFAULT_PATH.read_bytes()
    except OSError as exc:
        raise GpuCatalogError(f"{DEFAULT_PATH}: cannot read GPU catalog ({exc.strerror})") from exc
    return parse_gpu_catalog(data, str(DEFAULT_PATH))
