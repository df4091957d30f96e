"""promptfoo `eval -o results.json` (summary version 3): one run per provider label."""

from __future__ import annotations

from typing import Any

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, MetricKind
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
    parsed: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    prompts_per_model: dict[str, set[str]] = {}
    errors = 0
    for i, r in enumerate(rows):
        loc = f"results.results[{i}]"
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
    cfg = _dict(obj, "config")
    task = str(cfg.get("description") or obj.get("evalId") or "")
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


