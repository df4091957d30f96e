"""Load and validate the GPU catalog (``data/gpus.json``) into :class:`workbench.domain.gpu.GpuCatalog`.

The shipped file is found through :func:`workbench.io.resources.data_file` (the wheel carries ``data/``;
``WORKBENCH_DATA_DIR`` overrides it). Strict JSON (duplicate keys, NaN refused, with positions); every entry is
validated and an error names the file and the field. ``usd_per_hour`` needs ``price_source`` and ``price_date``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from workbench.domain.gpu import GpuCatalog
from workbench.io.json_text import JsonInputError, load_json
from workbench.io.resources import data_file

MAX_BYTES = 2_000_000  #: a GPU catalog is a few KB


class GpuCatalogError(ValueError):
    """The GPU catalog file is missing, not JSON, or fails validation; the message names file and field."""


def parse_gpu_catalog(data: bytes | str, source: str = "<gpus.json>") -> GpuCatalog:
    try:
        raw = load_json(data, source, max_bytes=MAX_BYTES)
    except JsonInputError as exc:
        raise GpuCatalogError(str(exc)) from exc
    try:
        return GpuCatalog.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise GpuCatalogError(f"{source}: field {loc}: {first['msg']}") from exc


def default_path() -> Path:
    """The catalog in use: ``$WORKBENCH_DATA_DIR/gpus.json``, else the shipped one."""
    return data_file("gpus.json")


def load_gpu_catalog(path: str | Path | None = None) -> GpuCatalog:
    """Read and validate a catalog file (default: :func:`default_path`)."""
    if path is None:
        return _cached(str(default_path()))
    return _read(Path(path))


def _read(p: Path) -> GpuCatalog:
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise GpuCatalogError(f"{p}: cannot read GPU catalog ({exc.strerror})") from exc
    return parse_gpu_catalog(data, str(p))


@lru_cache(maxsize=4)
def _cached(path: str) -> GpuCatalog:
    return _read(Path(path))
