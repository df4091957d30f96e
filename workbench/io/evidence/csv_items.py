"""The workbench's own per-item CSV: `item_id, candidate, passed|score[, latency_ms, cost_usd, epoch, metric_kind]`.

Read as a stream (row by row from the bytes, never the whole text at once) into :class:`ItemColumns`. A file
of up to :data:`LARGE_ITEMS` items gives runs with their ItemResult items as before; a larger one gives runs
that carry their counts (``n``, pass rate, mean score) and leave the items in columns, which the store writes
straight to JSON. A million rows import within ~500 MB (tests/io/test_large_import.py measures it).
"""

from __future__ import annotations

import csv
import io
from typing import Any, BinaryIO

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, MetricKind
from workbench.io.evidence._common import EvidenceImportError, _build_run, _nonneg, _num
from workbench.io.evidence.item_columns import ItemColumns

LARGE_ITEMS = 100_000
_CSV_ALIASES = {"latency": "latency_ms", "cost": "cost_usd", "model": "candidate", "id": "item_id"}
_TRUE = {"true", "1", "yes", "y", "pass", "passed", "t"}
_FALSE = {"false", "0", "no", "n", "fail", "failed", "f"}
_BOOL = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}


def _header(reader: Any, file: str) -> list[str]:
    try:
        header = next(reader)
    except StopIteration as exc:
        raise EvidenceImportError(file, "empty CSV", location="row 1") from exc
    except csv.Error as exc:  # e.g. a bare carriage return in the header row
        raise EvidenceImportError(file, f"malformed CSV: {exc}", location="row 1") from exc
    except UnicodeDecodeError as exc:
        raise EvidenceImportError(file, f"not UTF-8 text (byte {exc.start})") from exc
    cols = [_CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    for need in ("item_id", "candidate"):
        if need not in cols:
            have = ", ".join(cols)
            have = have if len(have) <= 120 else have[:117] + "..."
            raise EvidenceImportError(file, f"missing column {need!r} (have: {have})", location="row 1", field=need)
    if "passed" not in cols and "score" not in cols:
        raise EvidenceImportError(file, "missing column: needs 'passed' or 'score'", location="row 1", field="passed")
    return cols


def _kind(value: str, default: MetricKind, file: str, loc: str) -> MetricKind:
    if not value:
        return default
    try:
        return MetricKind(value)
    except ValueError as exc:
        raise EvidenceImportError(file, f"unknown metric kind {value!r}; use one of "
                                  f"{', '.join(m.value for m in MetricKind)}", location=loc,
                                  field="metric_kind") from exc


def _add_row(groups: dict[tuple[str, MetricKind], ItemColumns], row: dict[str, str], rowno: int, file: str,
             kind: MetricKind) -> None:
    loc = f"row {rowno}"
    if not row["item_id"]:
        raise EvidenceImportError(file, "empty item id", location=loc, field="item_id")
    if not row["candidate"]:
        raise EvidenceImportError(file, "empty candidate", location=loc, field="candidate")
    passed: bool | None = None
    if row.get("passed", "") != "":
        passed = _BOOL.get(row["passed"].lower())
        if passed is None:
            raise EvidenceImportError(file, f"expected true/false/1/0, got {row['passed']!r}", location=loc,
                                      field="passed")
    epoch = _num(row.get("epoch"), file, loc, "epoch")
    if epoch is not None and (epoch != int(epoch) or epoch < 0 or epoch > 2**31 - 1):
        raise EvidenceImportError(file, f"expected a whole number, got {row['epoch']!r}", location=loc, field="epoch")
    score = _num(row.get("score"), file, loc, "score")
    if passed is None and score is None:
        raise EvidenceImportError(file, "needs passed or score", location=loc, field="passed")
    columns = groups.setdefault((row["candidate"], _kind(row.get("metric_kind", ""), kind, file, loc)), ItemColumns())
    columns.append(rowno, row["item_id"], int(epoch) if epoch is not None else 1, passed, score,
                   _nonneg(row.get("latency_ms"), file, loc, "latency_ms"),
                   _nonneg(row.get("cost_usd"), file, loc, "cost_usd"))


def _stream(source: bytes | BinaryIO) -> io.TextIOWrapper:
    """Text lines decoded as they are read (a BOM dropped), from bytes or an open binary file."""
    raw = io.BytesIO(source) if isinstance(source, bytes) else source
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _parse_csv(
    data: bytes | BinaryIO, file: str, kind: MetricKind, meta: dict[str, Any]
) -> tuple[list[EvaluationRun], list[str], dict[int, ItemColumns]]:
    """Runs per (candidate, metric kind); the third value holds the columns of runs left without items."""
    if isinstance(data, bytes) and data.lstrip()[:1] in (b"{", b"["):
        raise EvidenceImportError(file, "not a CSV file: the content is JSON", location="row 1")
    reader = csv.reader(_stream(data))
    cols = _header(reader, file)
    groups: dict[tuple[str, MetricKind], ItemColumns] = {}
    try:
        for rowno, raw in enumerate(reader, start=2):
            if not any(c.strip() for c in raw):
                continue
            if len(raw) != len(cols):
                raise EvidenceImportError(file, f"expected {len(cols)} columns, got {len(raw)} (truncated?)",
                                          location=f"row {rowno}")
            _add_row(groups, dict(zip(cols, (c.strip() for c in raw), strict=True)), rowno, file, kind)
    except csv.Error as exc:
        raise EvidenceImportError(file, f"malformed CSV: {exc}", location=f"row {reader.line_num}") from exc
    except UnicodeDecodeError as exc:
        raise EvidenceImportError(file, f"not UTF-8 text (byte {exc.start})") from exc
    if not groups:
        raise EvidenceImportError(file, "no data rows", location="row 2")
    large = sum(len(c) for c in groups.values()) > LARGE_ITEMS
    runs: list[EvaluationRun] = []
    kept: dict[int, ItemColumns] = {}
    metric = "passed" if "passed" in cols else "score"
    for (cand, row_kind), columns in groups.items():
        columns.check_unique(file, "item_id")
        common = {**meta, "source_format": EvidenceFormat.csv, "source_model": cand, "metric_kind": row_kind,
                  "metric_name": metric}
        if not large:
            runs.append(_build_run(file, **common, items=columns.to_items(), n_source="items"))
            continue
        counts = columns.binary_counts()
        kept[len(runs)] = columns
        runs.append(_build_run(file, **common, n_reported=len(columns), n_source="items",
                               aggregate_pass_rate=counts[0] / counts[1] if counts else None,
                               aggregate_score=columns.mean_score(),
                               notes=[f"{len(columns):,} items kept in the store (not loaded for the preview)"]))
    return runs, [], kept
