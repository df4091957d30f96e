"""Read the benchmark -> capability-vector mapping (`data/benchmark_mapping.json`, shipped and editable)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from workbench.domain.benchmark_proxy import BenchmarkMapping
from workbench.io.json_text import JsonInputError, load_json
from workbench.io.resources import data_file

FILE = "benchmark_mapping.json"


class MappingError(ValueError):
    """The mapping file cannot be used; the message names the file and field."""


def read_benchmark_mapping(path: Path) -> BenchmarkMapping:
    try:
        raw = load_json(path.read_bytes(), path.name)
        return BenchmarkMapping.model_validate(raw)
    except OSError as exc:
        raise MappingError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except JsonInputError as exc:
        raise MappingError(str(exc)) from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        raise MappingError(f"{path.name}: field {'.'.join(str(p) for p in err['loc'])!r}: {err['msg']}") from exc


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> BenchmarkMapping:
    return read_benchmark_mapping(Path(path))


def load_benchmark_mapping() -> BenchmarkMapping:
    """The mapping in the data folder (``WORKBENCH_DATA_DIR`` honoured), re-read when the file changes."""
    path = data_file(FILE)
    return _cached(str(path), path.stat().st_mtime if path.exists() else 0.0)
