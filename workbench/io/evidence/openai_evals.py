"""OpenAI evals `oaieval` JSONL records."""

from __future__ import annotations

from typing import Any

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, ItemResult, MetricKind
from workbench.io.evidence._common import (
    EvidenceImportError,
    _build_run,
    _check_unique,
    _item,
    _num,
)

# --------------------------------------------------------------------------- OpenAI evals


def _events(lines: list[tuple[int, Any]], file: str) -> tuple[Any, Any, list[tuple[str, dict[str, Any]]],
                                                                 list[tuple[str, dict[str, Any]]]]:
    """(spec, final_report, match events, metrics events), each event checked for sample_id and data."""
    spec = None
    report = None
    matches: list[tuple[str, dict[str, Any]]] = []
    metric_rows: list[tuple[str, dict[str, Any]]] = []
    for lineno, row in lines:
        loc = f"line {lineno}"
        if not isinstance(row, dict):
            raise EvidenceImportError(file, "expected a JSON object", location=loc)
        if "spec" in row:
            spec = row["spec"]
        elif "final_report" in row:
            report = row["final_report"]
        elif row.get("type") in ("match", "metrics"):
            if not isinstance(row.get("sample_id"), str | int):
                raise EvidenceImportError(file, "missing sample_id", location=loc, field="sample_id")
            if not isinstance(row.get("data"), dict):
                raise EvidenceImportError(file, "missing event data", location=loc, field="data")
            (matches if row["type"] == "match" else metric_rows).append((loc, row))
    return spec, report, matches, metric_rows


def _event_items(matches: list[tuple[str, dict[str, Any]]], metric_rows: list[tuple[str, dict[str, Any]]],
                 file: str) -> list[ItemResult]:
    items: list[ItemResult] = []
    keyed = []
    for loc, row in matches or metric_rows:
        sid = str(row["sample_id"])
        keyed.append((loc, (sid, 1)))
        if matches:
            correct = row["data"].get("correct")
            if not isinstance(correct, bool):
                raise EvidenceImportError(file, f"expected true/false, got {correct!r}", location=loc,
                                          field="data.correct")
            items.append(_item(file, loc, item_id=sid, passed=correct, score=float(correct)))
        else:
            score = _num(row["data"].get("score"), file, loc, "data.score", allow_none=False)
            items.append(_item(file, loc, item_id=sid, score=score))
    _check_unique(keyed, file, "sample_id")
    return items


def _parse_openai_evals(
    lines: list[tuple[int, Any]], file: str, kind: MetricKind, meta: dict[str, Any]
) -> tuple[list[EvaluationRun], list[str]]:
    spec, report, matches, metric_rows = _events(lines, file)
    if not isinstance(spec, dict):
        raise EvidenceImportError(file, "not an OpenAI evals log (no 'spec' line)", field="spec")
    fns = spec.get("completion_fns")
    if not isinstance(fns, list) or not fns or not all(isinstance(f, str) for f in fns):
        raise EvidenceImportError(file, "expected a list of completion function names", location="spec line",
                                  field="completion_fns")
    items = _event_items(matches, metric_rows, file)
    agg = None
    if isinstance(report, dict) and "accuracy" in report:
        agg = _num(report["accuracy"], file, "final_report line", "accuracy")
    if not items and agg is None:
        raise EvidenceImportError(file, "no match events and no final_report accuracy", field="type")
    warnings = []
    if agg is not None and items and all(it.passed is not None for it in items):
        rate = sum(1 for it in items if it.passed) / len(items)
        if abs(rate - agg) > 1e-9:
            warnings.append(f"final_report accuracy {agg:.4f} differs from the match events' {rate:.4f}")
    run = _build_run(
        file, **meta, source_format=EvidenceFormat.openai_evals, source_model=",".join(fns),
        task=str(spec.get("eval_name") or ""), metric_kind=kind, metric_name="match.correct" if matches else "score",
        items=items, n_source="items" if items else "unknown",
        aggregate_pass_rate=agg if agg is not None and 0 <= agg <= 1 else None, aggregate_score=agg,
    )
    return [run], warnings
