"""Measured latency per candidate: vLLM ``benchmark_serving.py --save-result`` JSON and a simple CSV.

vLLM (``benchmarks/benchmark_serving.py --save-result``, now ``vllm bench serve``) writes one JSON object per run
with ``model_id``, ``date`` (``YYYYMMDD-HHMMSS``), ``max_concurrency``, ``completed``, ``duration``,
``mean_/median_/std_/p99_ttft_ms``, ``..._tpot_ms``, ``..._itl_ms``, ``..._e2el_ms`` and one ``p<q>_<metric>_ms``
per percentile asked for with ``--metric-percentiles`` (default 99). What becomes of it:

- ``ttft_p50_ms`` = ``median_ttft_ms`` (or ``p50_ttft_ms``); ``ttft_p95_ms`` = ``p95_ttft_ms`` only — a p99 is
  never passed off as a p95 (run with ``--metric-percentiles 50,95,99``); ``total_p95_ms`` = ``p95_e2el_ms``
  (with ``--percentile-metrics ttft,tpot,itl,e2el``);
- ``output_tokens_per_s`` per sequence = 1000 / ``median_tpot_ms`` (time per output token after the first);
  the aggregate ``output_throughput`` of all concurrent requests is kept in the note, not used as decode speed;
- ``measured_on`` = the run's ``date``; source = the file name, concurrency and request rate;
- without ``p95_e2el_ms``, the total p95 is numpy's (linear) 95th percentile of the per-request ``latencies``
  (seconds) that ``--save-result`` keeps, as vLLM computes its own percentiles.

Field names checked against vLLM 0.33.0 ``vllm/benchmarks/serve.py`` (``result_json``, ``process_one_metric``).

CSV: ``candidate, ttft_p50_ms, ttft_p95_ms, total_p95_ms, output_tokens_per_s, measured_on, source``; an empty
cell is unknown; each row needs a date, a source and at least one figure.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from datetime import date, datetime
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from workbench.io.json_text import JsonInputError, load_json

FIGURES = ("ttft_p50_ms", "ttft_p95_ms", "total_p95_ms", "output_tokens_per_s")
CSV_COLUMNS = ("candidate", *FIGURES, "measured_on", "source")
MAX_ROWS = 100_000


class LatencyImportError(ValueError):
    """A latency file refused: the message names the file, row and field."""


class LatencyMeasurement(BaseModel):
    model: str = Field(min_length=1, description="candidate or source model name as the file gives it")
    ttft_p50_ms: float | None = None
    ttft_p95_ms: float | None = None
    total_p95_ms: float | None = None
    output_tokens_per_s: float | None = None
    measured_on: date
    source: str
    note: str = ""

    def figures(self) -> dict[str, float]:
        return {k: v for k in FIGURES if (v := getattr(self, k)) is not None}


class LatencyFile(BaseModel):
    file: str
    sha256: str
    format: str  # "vllm-benchmark-serving" | "csv"
    rows: list[LatencyMeasurement]
    warnings: list[str] = Field(default_factory=list)


def _positive(value: Any, file: str, where: str, field: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        x = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        x = math.nan
    if not math.isfinite(x) or x <= 0:
        raise LatencyImportError(f"{file}: {where}: field {field!r}: expected a positive number, got {value!r}")
    return x


def _vllm(obj: dict[str, Any], file: str, measured_on: date | None) -> tuple[LatencyMeasurement, list[str]]:
    where = "run"
    model = obj.get("model_id")
    if not isinstance(model, str) or not model:
        raise LatencyImportError(f"{file}: {where}: field 'model_id': missing")
    stamp = obj.get("date")
    on = measured_on
    if on is None:
        try:
            on = datetime.strptime(str(stamp), "%Y%m%d-%H%M%S").date()
        except ValueError as exc:
            raise LatencyImportError(f"{file}: {where}: field 'date': expected YYYYMMDD-HHMMSS, got {stamp!r} "
                                     "(or pass the measurement date)") from exc
    tpot = _positive(obj.get("median_tpot_ms", obj.get("mean_tpot_ms")), file, where, "median_tpot_ms")
    warnings = []
    p95_ttft = _positive(obj.get("p95_ttft_ms"), file, where, "p95_ttft_ms")
    if p95_ttft is None:
        warnings.append(f"{file}: no p95_ttft_ms (run with --metric-percentiles 50,95,99): TTFT p95 stays unknown; "
                        "the p99 is not used in its place")
    total = _positive(obj.get("p95_e2el_ms"), file, where, "p95_e2el_ms")
    latencies = obj.get("latencies")
    if total is None and isinstance(latencies, list) and latencies:
        values = [_positive(x, file, f"{where} latencies[{i}]", "latencies") for i, x in enumerate(latencies)]
        # vLLM computes its percentiles with numpy's default (linear) method over these same seconds
        total = float(np.percentile(np.array(values, dtype=float), 95)) * 1000.0
        warnings.append(f"{file}: total p95 computed from the {len(values)} per-request latencies (no p95_e2el_ms)")
    elif total is None:
        warnings.append(f"{file}: no p95_e2el_ms (add e2el to --percentile-metrics): total p95 stays unknown")
    concurrency = obj.get("max_concurrency")
    note = (f"vLLM benchmark_serving: {obj.get('completed', '?')} requests, max concurrency "
            f"{concurrency if concurrency is not None else 'unlimited'}, request rate {obj.get('request_rate', '?')}, "
            f"aggregate output throughput {obj.get('output_throughput', '?')} tok/s")
    row = LatencyMeasurement(
        model=model, ttft_p50_ms=_positive(obj.get("median_ttft_ms", obj.get("p50_ttft_ms")), file, where,
                                           "median_ttft_ms"),
        ttft_p95_ms=p95_ttft, total_p95_ms=total, output_tokens_per_s=None if tpot is None else 1000.0 / tpot,
        measured_on=on, source=f"{file} (vLLM benchmark_serving --save-result)", note=note)
    return row, warnings


def _csv_rows(text: str, file: str) -> list[LatencyMeasurement]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration as exc:
        raise LatencyImportError(f"{file}: row 1: empty file") from exc
    missing = [c for c in ("candidate", "measured_on", "source") if c not in header]
    if missing:
        raise LatencyImportError(f"{file}: row 1: field {missing[0]!r}: missing column (need {', '.join(CSV_COLUMNS)})")
    rows = []
    for rowno, raw in enumerate(reader, start=2):
        if not any(c.strip() for c in raw):
            continue
        if rowno > MAX_ROWS + 1:
            raise LatencyImportError(f"{file}: more than {MAX_ROWS:,} rows")
        where = f"row {rowno}"
        if len(raw) != len(header):
            raise LatencyImportError(f"{file}: {where}: expected {len(header)} columns, got {len(raw)}")
        cells = {h: c.strip() for h, c in zip(header, raw, strict=True)}
        for name in ("candidate", "source"):
            if not cells[name]:
                raise LatencyImportError(f"{file}: {where}: field {name!r}: missing")
        try:
            on = date.fromisoformat(cells["measured_on"])
        except ValueError as exc:
            raise LatencyImportError(f"{file}: {where}: field 'measured_on': expected YYYY-MM-DD, got "
                                     f"{cells['measured_on']!r}") from exc
        figures = {f: _positive(cells.get(f), file, where, f) for f in FIGURES}
        if all(v is None for v in figures.values()):
            raise LatencyImportError(f"{file}: {where}: no figure (need one of {', '.join(FIGURES)})")
        rows.append(LatencyMeasurement(model=cells["candidate"], measured_on=on, source=cells["source"], **figures))
    if not rows:
        raise LatencyImportError(f"{file}: row 2: no data rows")
    return rows


def read_latency(data: bytes, file: str, *, measured_on: date | None = None) -> LatencyFile:
    """Parse a whole latency file (format told by content); LatencyImportError names file, row and field."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LatencyImportError(f"{file}: not UTF-8 text (byte {exc.start})") from exc
    if text.lstrip().startswith("{"):
        try:
            obj = load_json(text, file)
        except JsonInputError as exc:
            raise LatencyImportError(str(exc)) from exc
        if not any(k.endswith("_ttft_ms") for k in obj):
            raise LatencyImportError(f"{file}: JSON without *_ttft_ms fields: not a vLLM --save-result file")
        row, warnings = _vllm(obj, file, measured_on)
        return LatencyFile(file=file, sha256=sha, format="vllm-benchmark-serving", rows=[row], warnings=warnings)
    rows = _csv_rows(text, file)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row.model in seen:
            raise LatencyImportError(f"{file}: row {i + 2}: field 'candidate': {row.model!r} appears twice")
        seen.add(row.model)
    return LatencyFile(file=file, sha256=sha, format="csv", rows=rows)
