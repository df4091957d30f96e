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


def _parse_openai_evals(
    lines: list[tuple[int, Any]], file: str, kind: MetricKind, meta: dict[str, Any]
) -> tuple[list[EvaluationRun], list[str]]:
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
            continue
        if "final_report" in row:
            report = row["final_report"]
            continue
        typ = row.get("type")
        if typ not in ("match", "metrics"):
            continue
        if not isinstance(row.get("sample_id"), str | int):
            raise EvidenceImportError(file, "missing sample_id", location=loc, field="sample_id")
        if not isinstance(row.get("data"), dict):
            raise EvidenceImportError(file, "missing event data", location=loc, field="data")
        (matches if typ == "match" else metric_rows).append((loc, row))
    if not isinstance(spec, dict):
        raise EvidenceImportError(file, "not an OpenAI evals log (no 'spec' line)", field="spec")
    fns = spec.get("completion_fns")
    if not isinstance(fns, list) or not fns or not all(isinstance(f, str) for f in fns):
        raise EvidenceImportError(file, "expected a list of completion function names", location="spec line",
                                  field="completion_fns")
    model = ",".join(fns)
    items: list[ItemResult] = []
    keyed = []
    if matches:
        for loc, row in matches:
            correct = row["data"].get("correct")
            if not isinstance(correct, bool):
                raise EvidenceImportError(file, f"expected true/false, got {correct!r}", location=loc,
                                          field="data.correct")
            sid = str(row["sample_id"])
            keyed.append((loc, (sid, 1)))
            items.append(_item(file, loc, item_id=sid, passed=correct, score=float(correct)))
    else:
        for loc, row in metric_rows:
            score = _num(row["data"].get("score"), file, loc, "data.score", allow_none=False)
            sid = str(row["sample_id"])
            keyed.append((loc, (sid, 1)))
            items.append(_item(file, loc, item_id=sid, score=score))
    _check_unique(keyed, file, "sample_id")
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
        file, **meta, source_format=EvidenceFormat.openai_evals, source_model=model,
        task=str(spec.get("eval_name") or ""), metric_kind=kind, metric_name="match.correct" if matches else "score",
        items=items, n_source="items" if items else "unknown",
        aggregate_pass_rate=agg if agg is not None and 0 <= agg <= 1 else None, aggregate_score=agg,
    )
    return [run], warnings


