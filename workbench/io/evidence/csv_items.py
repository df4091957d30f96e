"""The workbench's own per-item CSV: `item_id, candidate, passed|score[, latency_ms, cost_usd, epoch, metric_kind]`."""

from __future__ import annotations

import csv
import io
from typing import Any

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, ItemResult, MetricKind
from workbench.io.evidence._common import (
    EvidenceImportError,
    _build_run,
    _check_unique,
    _item,
    _nonneg,
    _num,
)

# --------------------------------------------------------------------------- CSV

_CSV_ALIASES = {"latency": "latency_ms", "cost": "cost_usd", "model": "candidate", "id": "item_id"}
_TRUE = {"true", "1", "yes", "y", "pass", "passed", "t"}
_FALSE = {"false", "0", "no", "n", "fail", "failed", "f"}


def _parse_csv(text: str, file: str, kind: MetricKind, meta: dict[str, Any]) -> tuple[list[EvaluationRun], list[str]]:
    if text.lstrip()[:1] in ("{", "["):
        raise EvidenceImportError(file, "not a CSV file: the content is JSON", location="row 1")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise EvidenceImportError(file, "empty CSV", location="row 1") from exc
    except csv.Error as exc:  # e.g. a bare carriage return in the header row
        raise EvidenceImportError(file, f"malformed CSV: {exc}", location="row 1") from exc
    cols = [_CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    for need in ("item_id", "candidate"):
        if need not in cols:
            have = ", ".join(cols)
            have = have if len(have) <= 120 else have[:117] + "..."
            raise EvidenceImportError(file, f"missing column {need!r} (have: {have})", location="row 1",
                                      field=need)
    if "passed" not in cols and "score" not in cols:
        raise EvidenceImportError(file, "missing column: needs 'passed' or 'score'", location="row 1",
                                  field="passed")
    groups: dict[tuple[str, MetricKind], list[tuple[str, ItemResult]]] = {}
    try:
        for rowno, raw in enumerate(reader, start=2):
            if not any(c.strip() for c in raw):
                continue
            loc = f"row {rowno}"
            if len(raw) != len(cols):
                raise EvidenceImportError(file, f"expected {len(cols)} columns, got {len(raw)} (truncated?)",
                                          location=loc)
            row = dict(zip(cols, (c.strip() for c in raw), strict=True))
            if not row["item_id"]:
                raise EvidenceImportError(file, "empty item id", location=loc, field="item_id")
            if not row["candidate"]:
                raise EvidenceImportError(file, "empty candidate", location=loc, field="candidate")
            passed: bool | None = None
            if row.get("passed", "") != "":
                low = row["passed"].lower()
                if low not in _TRUE | _FALSE:
                    raise EvidenceImportError(file, f"expected true/false/1/0, got {row['passed']!r}", location=loc,
                                              field="passed")
                passed = low in _TRUE
            row_kind = kind
            if row.get("metric_kind"):
                try:
                    row_kind = MetricKind(row["metric_kind"])
                except ValueError as exc:
                    raise EvidenceImportError(file, f"unknown metric kind {row['metric_kind']!r}; use one of "
                                              f"{', '.join(m.value for m in MetricKind)}", location=loc,
                                              field="metric_kind") from exc
            epoch = _num(row.get("epoch"), file, loc, "epoch")
            if epoch is not None and (epoch != int(epoch) or epoch < 0):
                raise EvidenceImportError(file, f"expected a whole number, got {row['epoch']!r}", location=loc,
                                          field="epoch")
            item = _item(
                file, loc, item_id=row["item_id"], epoch=int(epoch) if epoch is not None else 1, passed=passed,
                score=_num(row.get("score"), file, loc, "score"),
                latency_ms=_nonneg(row.get("latency_ms"), file, loc, "latency_ms"),
                cost_usd=_nonneg(row.get("cost_usd"), file, loc, "cost_usd"),
            )
            if item.passed is None and item.score is None:
                raise EvidenceImportError(file, "needs passed or score", location=loc, field="passed")
            groups.setdefault((row["candidate"], row_kind), []).append((loc, item))
    except csv.Error as exc:
        raise EvidenceImportError(file, f"malformed CSV: {exc}", location=f"row {reader.line_num}") from exc
    if not groups:
        raise EvidenceImportError(file, "no data rows", location="row 2")
    runs = []
    for (cand, row_kind), entries in groups.items():
        _check_unique([(loc, it.key) for loc, it in entries], file, "item_id")
        runs.append(_build_run(file, **meta, source_format=EvidenceFormat.csv, source_model=cand,
                               metric_kind=row_kind, metric_name="passed" if "passed" in cols else "score",
                               items=[it for _, it in entries], n_source="items"))
    return runs, []


