"""OpenAI evals `oaieval` JSONL records, streamed line by line.

A ``spec`` line, ``match`` events ``{sample_id, data.correct}`` (or ``metrics`` events with ``data.score``) and a
``final_report`` line anywhere. Lines are parsed one at a time into :class:`ItemColumns` (no list of a million
parsed lines); a file of more than ``LARGE_ITEMS`` events gives a run with its counts and the items in columns,
as for the workbench CSV.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, MetricKind
from workbench.io.evidence._common import EvidenceImportError, _build_run, _num
from workbench.io.evidence.csv_items import LARGE_ITEMS, _stream
from workbench.io.evidence.item_columns import ItemColumns


class _Log:
    def __init__(self) -> None:
        self.spec: Any = None
        self.report: Any = None
        self.matches = ItemColumns()
        self.metrics = ItemColumns()


def _event(log: _Log, row: dict[str, Any], lineno: int, file: str) -> None:
    loc = f"line {lineno}"
    if not isinstance(row.get("sample_id"), str | int):
        raise EvidenceImportError(file, "missing sample_id", location=loc, field="sample_id")
    data = row.get("data")
    if not isinstance(data, dict):
        raise EvidenceImportError(file, "missing event data", location=loc, field="data")
    sid = str(row["sample_id"])
    if row["type"] == "match":
        correct = data.get("correct")
        if not isinstance(correct, bool):
            raise EvidenceImportError(file, f"expected true/false, got {correct!r}", location=loc, field="data.correct")
        log.matches.append(lineno, sid, 1, correct, float(correct), None, None)
    else:
        score = _num(data.get("score"), file, loc, "data.score", allow_none=False)
        log.metrics.append(lineno, sid, 1, None, score, None, None)


def _read_log(data: bytes | BinaryIO, file: str) -> _Log:
    log = _Log()
    try:
        for lineno, line in enumerate(_stream(data), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvidenceImportError(file, f"invalid JSON line (truncated?): {exc.msg} (column {exc.colno})",
                                          location=f"line {lineno}") from exc
            if not isinstance(row, dict):
                raise EvidenceImportError(file, "expected a JSON object", location=f"line {lineno}")
            if "spec" in row:
                log.spec = row["spec"]
            elif "final_report" in row:
                log.report = row["final_report"]
            elif row.get("type") in ("match", "metrics"):
                _event(log, row, lineno, file)
    except UnicodeDecodeError as exc:
        raise EvidenceImportError(file, f"not UTF-8 text (byte {exc.start})") from exc
    return log


def _parse_openai_evals(
    data: bytes | BinaryIO, file: str, kind: MetricKind, meta: dict[str, Any]
) -> tuple[list[EvaluationRun], list[str], dict[int, ItemColumns]]:
    log = _read_log(data, file)
    if not isinstance(log.spec, dict):
        raise EvidenceImportError(file, "not an OpenAI evals log (no 'spec' line)", field="spec")
    fns = log.spec.get("completion_fns")
    if not isinstance(fns, list) or not fns or not all(isinstance(f, str) for f in fns):
        raise EvidenceImportError(file, "expected a list of completion function names", location="spec line",
                                  field="completion_fns")
    columns = log.matches if len(log.matches) else log.metrics
    columns.check_unique(file, "sample_id", unit="line")
    agg = None
    if isinstance(log.report, dict) and "accuracy" in log.report:
        agg = _num(log.report["accuracy"], file, "final_report line", "accuracy")
    if not len(columns) and agg is None:
        raise EvidenceImportError(file, "no match events and no final_report accuracy", field="type")
    warnings = []
    counts = columns.binary_counts()
    if agg is not None and counts and abs(counts[0] / counts[1] - agg) > 1e-9:
        warnings.append(f"final_report accuracy {agg:.4f} differs from the match events' {counts[0] / counts[1]:.4f}")
    common = {**meta, "source_format": EvidenceFormat.openai_evals, "source_model": ",".join(fns),
              "task": str(log.spec.get("eval_name") or ""), "metric_kind": kind,
              "metric_name": "match.correct" if len(log.matches) else "score",
              "aggregate_score": agg, "aggregate_pass_rate": agg if agg is not None and 0 <= agg <= 1 else None}
    if len(columns) <= LARGE_ITEMS:
        items = columns.to_items()
        return [_build_run(file, **common, items=items, n_source="items" if items else "unknown")], warnings, {}
    if agg is None:
        common.update(aggregate_score=columns.mean_score(),
                      aggregate_pass_rate=counts[0] / counts[1] if counts else None)
    run = _build_run(file, **common, n_reported=len(columns), n_source="items",
                     notes=[f"{len(columns):,} items kept in the store (not loaded for the preview)"])
    return [run], warnings, {0: columns}
