"""promptfoo 0.123.1 outputs: `eval -o results.json` (summary version 3), `-o results.jsonl`, `-o results.csv`.

One run per provider label; items are paired on ``testIdx`` (with the prompt when a provider has several).

- JSON: ``results.results[]`` rows ``{provider{id,label}, testIdx, promptId, success, score, latencyMs, cost,
  failureReason, response.tokenUsage}``.
- JSONL: one such row per line (same fields).
- CSV: one row per test; the variables first, then per provider and prompt an output column headed
  ``[label] prompt`` followed by ``Status`` (PASS / FAIL / ERROR), ``Score``, ``Named Scores``,
  ``Grader Reason``, ``Comment``. The CSV has no latency, cost or prompt id.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, ItemResult, MetricKind
from workbench.io.evidence._common import (
    EvidenceImportError,
    _build_run,
    _check_unique,
    _dict,
    _item,
    _nonneg,
    _num,
)

# --------------------------------------------------------------------------- promptfoo


def _parse_promptfoo(obj: Any, file: str, kind: MetricKind, meta: dict[str, Any]) -> tuple[list[EvaluationRun], list[str]]:
    if not isinstance(obj, dict) or not isinstance(obj.get("results"), dict):
        raise EvidenceImportError(file, "not a promptfoo results file (no 'results' object)", field="results")
    rows = obj["results"].get("results")
    if not isinstance(rows, list):
        raise EvidenceImportError(file, "not a promptfoo results file (no 'results.results' list)",
                                  field="results.results")
    if not rows:
        raise EvidenceImportError(file, "no results", field="results.results")
    cfg = _dict(obj, "config")
    task = str(cfg.get("description") or obj.get("evalId") or "")
    located = [(f"results.results[{i}]", r) for i, r in enumerate(rows)]
    return _runs_from_rows(located, file, kind, meta, task)


def _parse_promptfoo_jsonl(
    lines: list[tuple[int, Any]], file: str, kind: MetricKind, meta: dict[str, Any]
) -> tuple[list[EvaluationRun], list[str]]:
    if not lines:
        raise EvidenceImportError(file, "no results", location="line 1")
    return _runs_from_rows([(f"line {n}", r) for n, r in lines], file, kind, meta, "")


def _runs_from_rows(
    located: list[tuple[str, Any]], file: str, kind: MetricKind, meta: dict[str, Any], task: str
) -> tuple[list[EvaluationRun], list[str]]:
    rows = [r for _, r in located]
    parsed: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    prompts_per_model: dict[str, set[str]] = {}
    errors = 0
    for loc, r in located:
        if not isinstance(r, dict):
            raise EvidenceImportError(file, "expected an object", location=loc)
        prov = r.get("provider")
        if isinstance(prov, dict):
            model = prov.get("label") or prov.get("id")
        else:
            model = prov
        if not isinstance(model, str) or not model:
            raise EvidenceImportError(file, "missing provider label/id", location=loc, field="provider")
        test_idx = r.get("testIdx")
        if isinstance(test_idx, bool) or not isinstance(test_idx, int):
            raise EvidenceImportError(file, f"expected an integer, got {test_idx!r}", location=loc, field="testIdx")
        success = r.get("success")
        if not isinstance(success, bool):
            raise EvidenceImportError(file, f"expected true/false, got {success!r}", location=loc, field="success")
        if r.get("failureReason") == 2:
            errors += 1
        usage = (r.get("response") or {}).get("tokenUsage") or {}
        prompt_id = str(r.get("promptId") or r.get("promptIdx") or "")
        prompts_per_model.setdefault(model, set()).add(prompt_id)
        parsed.setdefault(model, []).append((loc, {
            "test_idx": test_idx, "prompt_id": prompt_id, "passed": success,
            "score": _num(r.get("score"), file, loc, "score"),
            "latency_ms": _nonneg(r.get("latencyMs"), file, loc, "latencyMs"),
            "cost_usd": _nonneg(r.get("cost"), file, loc, "cost"),
            "input_tokens": usage.get("prompt") if isinstance(usage.get("prompt"), int) else None,
            "output_tokens": usage.get("completion") if isinstance(usage.get("completion"), int) else None,
        }))
    runs = []
    warnings = []
    if errors:
        warnings.append(f"{errors} result(s) failed with a provider error (failureReason 2); counted as failures")
    if any(isinstance(r, dict) and r.get("cost") == 0 for r in rows):
        warnings.append("promptfoo reported cost 0 for some items: costs may be missing rather than free")
    for model, entries in parsed.items():
        multi = len(prompts_per_model[model]) > 1
        keyed = []
        items = []
        for loc, e in entries:
            item_id = f"{e['test_idx']}@{e['prompt_id'][:12]}" if multi else str(e["test_idx"])
            keyed.append((loc, (item_id, 1)))
            items.append(_item(file, loc, item_id=item_id, passed=e["passed"], score=e["score"],
                               latency_ms=e["latency_ms"], cost_usd=e["cost_usd"],
                               input_tokens=e["input_tokens"], output_tokens=e["output_tokens"]))
        _check_unique(keyed, file, "testIdx")
        runs.append(_build_run(file, **meta, source_format=EvidenceFormat.promptfoo, source_model=model,
                               task=task, metric_kind=kind, metric_name="success", items=items,
                               n_source="items"))
    return runs, warnings




# --------------------------------------------------------------------------- CSV (-o results.csv)

_CSV_TRAILER = ("status", "score", "named scores", "grader reason", "comment")
_STATUS = {"PASS": True, "FAIL": False, "ERROR": False}


def is_promptfoo_csv_header(header: list[str]) -> bool:
    """True for promptfoo's wide CSV: an ``[label] prompt`` column followed by ``Status``."""
    return any(h.startswith("[") and "]" in h and i + 1 < len(header) and header[i + 1].strip().lower() == "status"
               for i, h in enumerate(header))


def _csv_columns(header: list[str], file: str) -> list[tuple[int, str, str]]:
    """(column of Status, provider label, prompt) per output column."""
    out = []
    for i, h in enumerate(header):
        if h.startswith("[") and "]" in h and i + 1 < len(header) and header[i + 1].strip().lower() == "status":
            label, _, prompt = h[1:].partition("]")
            trailer = [c.strip().lower() for c in header[i + 1:i + 1 + len(_CSV_TRAILER)]]
            if trailer[:2] != list(_CSV_TRAILER[:2]):
                raise EvidenceImportError(file, f"column {h!r} is not followed by Status, Score", location="row 1",
                                          field=h)
            out.append((i + 1, label.strip(), prompt.strip()))
    if not out:
        raise EvidenceImportError(file, "no '[provider] prompt' output column followed by Status", location="row 1")
    return out


def _parse_promptfoo_csv(text: str, file: str, kind: MetricKind, meta: dict[str, Any]) -> tuple[list[EvaluationRun], list[str]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
        columns = _csv_columns(header, file)
        multi = {label for label, n in Counter(label for _, label, _ in columns).items() if n > 1}
        located: dict[str, list[tuple[str, ItemResult]]] = {}
        errors = 0
        for test_idx, raw in enumerate(reader):
            loc = f"row {test_idx + 2}"
            if len(raw) != len(header):
                raise EvidenceImportError(file, f"expected {len(header)} columns, got {len(raw)} (truncated?)",
                                          location=loc)
            for at, label, prompt in columns:
                status = raw[at].strip().upper()
                if status not in _STATUS:
                    raise EvidenceImportError(file, f"expected PASS, FAIL or ERROR, got {raw[at]!r}", location=loc,
                                              field=header[at - 1])
                errors += status == "ERROR"
                item_id = f"{test_idx}@{prompt[:40]}" if label in multi else str(test_idx)
                item = _item(file, loc, item_id=item_id, passed=_STATUS[status],
                             score=_num(raw[at + 1], file, loc, f"{header[at - 1]} Score"))
                located.setdefault(label, []).append((loc, item))
    except StopIteration as exc:
        raise EvidenceImportError(file, "empty CSV", location="row 1") from exc
    except csv.Error as exc:
        raise EvidenceImportError(file, f"malformed CSV: {exc}", location=f"row {reader.line_num}") from exc
    if not located:
        raise EvidenceImportError(file, "no data rows", location="row 2")
    runs = []
    for label, entries in located.items():
        _check_unique([(loc, it.key) for loc, it in entries], file, "testIdx")
        runs.append(_build_run(file, **meta, source_format=EvidenceFormat.promptfoo, source_model=label,
                               metric_kind=kind, metric_name="success", items=[it for _, it in entries],
                               n_source="items"))
    warnings = [f"{errors} result(s) with status ERROR (a provider error); counted as failures"] if errors else []
    warnings.append("promptfoo CSV carries no latency, cost or token counts")
    return runs, warnings
