"""Published benchmark results: a CSV or JSON table of ``model, benchmark, score, n, source_url, date``.

One run per row (format ``benchmark-table``, kind ``public_benchmark``): benchmark-proxy evidence, never own
evidence. ``score`` is a percentage (``80.9`` or ``80.9%``) or a fraction (``0.809``): a file whose scores are all
<= 1 without a ``%`` is read as fractions, any value above 1 makes the file percentages (stated in a warning).
``n`` is optional (unknown stays unknown); ``source_url`` and ``date`` (YYYY-MM-DD) are required: a published
number without its source is refused. Optional ``note``. JSON: a list of row objects or ``{"results": [...]}``.
The benchmark's vector and warnings come from the mapping (``data/benchmark_mapping.json``).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from workbench.domain.benchmark_proxy import BenchmarkMapping
from workbench.domain.evidence import EvaluationRun, EvidenceFormat, MetricKind
from workbench.io.evidence._common import EvidenceImportError, _build_run, _json

COLUMNS = ("model", "benchmark", "score", "n", "source_url", "date", "note")
_ALIASES = {"source": "source_url", "url": "source_url", "candidate": "model", "published": "date", "value": "score"}


def is_benchmark_header(cells: list[str]) -> bool:
    cols = {_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in cells}
    return {"model", "benchmark", "score"} <= cols


def _rows(text: str, file: str) -> list[tuple[str, dict[str, Any]]]:
    if text.lstrip().startswith(("{", "[")):
        obj = _json(text, file)
        rows = obj.get("results") if isinstance(obj, dict) else obj
        if not isinstance(rows, list):
            raise EvidenceImportError(file, "expected a list of rows or {\"results\": [...]}", field="results")
        out = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise EvidenceImportError(file, "expected an object", location=f"[{i}]")
            out.append((f"[{i}]", {_ALIASES.get(k.lower(), k.lower()): v for k, v in row.items()}))
        return out
    reader = csv.reader(io.StringIO(text))
    try:
        header = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(reader)]
        out = []
        for rowno, raw in enumerate(reader, start=2):
            if not any(c.strip() for c in raw):
                continue
            if len(raw) != len(header):
                raise EvidenceImportError(file, f"expected {len(header)} columns, got {len(raw)}", location=f"row {rowno}")
            out.append((f"row {rowno}", {h: c.strip() for h, c in zip(header, raw, strict=True)}))
    except StopIteration as exc:
        raise EvidenceImportError(file, "empty file", location="row 1") from exc
    except csv.Error as exc:
        raise EvidenceImportError(file, f"malformed CSV: {exc}", location=f"row {reader.line_num}") from exc
    return out


def _score(value: Any, file: str, loc: str) -> tuple[float, bool]:
    """(number, written with %)."""
    text = str(value).strip() if value is not None else ""
    percent = text.endswith("%")
    try:
        x = float(text.rstrip("%")) if not isinstance(value, bool) else float("nan")
    except ValueError:
        x = float("nan")
    if not 0.0 <= x <= 100.0:
        raise EvidenceImportError(file, f"expected a score between 0 and 100 (or 0 and 1), got {value!r}",
                                  location=loc, field="score")
    return x, percent


def _n(value: Any, file: str, loc: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        n = int(str(value))
    except ValueError:
        n = 0
    if n < 1:
        raise EvidenceImportError(file, f"expected a whole number of items >= 1, got {value!r}", location=loc, field="n")
    return n


def _text_field(row: dict[str, Any], name: str, file: str, loc: str) -> str:
    value = row.get(name)
    if not isinstance(value, str) or not value.strip():
        raise EvidenceImportError(file, f"missing {name}", location=loc, field=name)
    return value.strip()


def _published(row: dict[str, Any], file: str, loc: str) -> date:
    text = _text_field(row, "date", file, loc)
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise EvidenceImportError(file, f"expected a date YYYY-MM-DD, got {text!r}", location=loc, field="date") from exc


def parse_benchmark_table(
    text: str, file: str, meta: dict[str, Any], mapping: BenchmarkMapping
) -> tuple[list[EvaluationRun], list[str]]:
    rows = _rows(text, file)
    if not rows:
        raise EvidenceImportError(file, "no data rows", location="row 2")
    parsed = []
    seen: dict[tuple[str, str], str] = {}
    for loc, row in rows:
        model, bench = _text_field(row, "model", file, loc), _text_field(row, "benchmark", file, loc)
        url = _text_field(row, "source_url", file, loc)
        if not url.startswith(("http://", "https://")):
            raise EvidenceImportError(file, f"expected an http(s) URL, got {url!r}", location=loc, field="source_url")
        key = (model.lower(), bench.lower())
        if key in seen:
            raise EvidenceImportError(file, f"duplicate row for {model} on {bench} (first at {seen[key]})",
                                      location=loc, field="benchmark")
        seen[key] = loc
        parsed.append((loc, row, model, bench, url, _published(row, file, loc), *_score(row.get("score"), file, loc),
                       _n(row.get("n"), file, loc)))
    as_percent = any(x > 1.0 or pct for *_, x, pct, _n_ in parsed)
    warnings = [f"scores read as {'percentages' if as_percent else 'fractions of 1'}"]
    runs = []
    for loc, row, model, bench, url, published, x, _pct, n in parsed:
        spec = mapping.find(bench)
        value = x / 100.0 if as_percent else x  # rounded below: 45.9 / 100 = 0.45899999999999996
        notes = [f"benchmark proxy: {url} (published {published.isoformat()})"]
        if isinstance(row.get("note"), str) and row["note"].strip():
            notes.append(row["note"].strip())
        if spec is None or spec.vector is None:
            warnings.append(f"{loc}: {bench} is not in the benchmark mapping (data/benchmark_mapping.json): imported, "
                            "but it informs no capability vector")
        else:
            notes.extend(spec.warnings)
            warnings.extend(f"{model} / {spec.name}: {w}" for w in spec.warnings)
        runs.append(_build_run(
            file, **meta, source_format=EvidenceFormat.benchmark_table, source_model=model, task=bench,
            benchmark=spec.name if spec else bench, metric_kind=MetricKind.public_benchmark, metric_name="score",
            n_reported=n, n_source="reported" if n else "unknown", aggregate_score=round(value, 9), aggregate_pass_rate=round(value, 9),
            notes=notes))
    warnings.extend(mapping.common_warnings)
    return runs, list(dict.fromkeys(warnings))
