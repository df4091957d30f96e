"""lm-evaluation-harness `results_<date>.json` (+ `samples_<task>_<date>.jsonl`)."""

from __future__ import annotations

import re
from typing import Any

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, ItemResult, MetricKind
from workbench.io.evidence._common import (
    BINARY_METRICS,
    HEADLINE_METRICS,
    EvidenceImportError,
    _build_run,
    _check_unique,
    _dict,
    _item,
    _jsonl,
    _num,
    _text,
)

# --------------------------------------------------------------------------- lm-eval

_PRETRAINED = re.compile(r"(?:^|,)\s*(?:pretrained|model|model_name|engine|path)\s*=\s*([^,]+)")


def _lm_eval_model(obj: dict[str, Any]) -> str:
    if isinstance(obj.get("model_name"), str) and obj["model_name"]:
        return str(obj["model_name"])
    cfg = _dict(obj, "config")
    args = cfg.get("model_args")
    if isinstance(args, dict):
        for key in ("pretrained", "model", "model_name", "engine", "path"):
            if isinstance(args.get(key), str):
                return str(args[key])
    if isinstance(args, str):
        m = _PRETRAINED.search(args)
        if m:
            return m.group(1).strip()
    return str(cfg.get("model") or "unknown")


def _lm_eval_samples(
    file: str, data: bytes, metric: str, filt: str, binary: bool
) -> list[ItemResult]:
    lines = _jsonl(_text(data, file), file)
    keyed = []
    items = []
    for lineno, row in lines:
        loc = f"line {lineno}"
        if not isinstance(row, dict):
            raise EvidenceImportError(file, "expected a JSON object", location=loc)
        if "filter" in row and row["filter"] != filt:
            continue
        doc_id = row.get("doc_id")
        if isinstance(doc_id, bool) or not isinstance(doc_id, int | str):
            raise EvidenceImportError(file, f"expected an id, got {doc_id!r}", location=loc, field="doc_id")
        if metric not in row:
            raise EvidenceImportError(file, f"no value for metric {metric!r}", location=loc, field=metric)
        value = _num(row[metric], file, loc, metric, allow_none=False)
        assert value is not None
        keyed.append((loc, (str(doc_id), 1)))
        passed = bool(value >= 0.5) if binary and value in (0.0, 1.0) else None
        items.append(_item(file, loc, item_id=str(doc_id), passed=passed, score=value))
    _check_unique(keyed, file, "doc_id")
    if not items:
        raise EvidenceImportError(file, f"no samples for filter {filt!r}", field="filter")
    return items


def _task_metrics(metrics: dict[str, Any], file: str, loc: str
                  ) -> tuple[dict[str, float], dict[str, float | None], str, str]:
    """(values, stderrs, headline metric, its filter) of one task's ``"<metric>,<filter>"`` entries."""
    values: dict[str, float] = {}
    stderrs: dict[str, float | None] = {}
    order: list[tuple[str, str]] = []
    for key, val in metrics.items():
        if key == "alias" or "," not in key:
            continue
        mname, filt = key.split(",", 1)
        if mname.endswith("_stderr"):
            stderrs[f"{mname[:-7]},{filt}"] = None if val == "N/A" else _num(val, file, loc, key)
            continue
        x = _num(val, file, loc, key, allow_none=False)
        assert x is not None
        values[key] = x
        order.append((mname, filt))
    if not order:
        raise EvidenceImportError(file, "no '<metric>,<filter>' values", location=loc)
    names = [m for m, _ in order]
    head = next((h for h in HEADLINE_METRICS if h in names), names[0])
    return values, stderrs, head, next(f for m, f in order if m == head)


def _parse_lm_eval(
    obj: Any, file: str, kind: MetricKind, meta: dict[str, Any], samples: dict[str, tuple[str, bytes]]
) -> tuple[list[EvaluationRun], list[str]]:
    if not isinstance(obj, dict) or not isinstance(obj.get("results"), dict) or not obj["results"]:
        raise EvidenceImportError(file, "not an lm-eval results file (no 'results' object of tasks)",
                                  field="results")
    if not any(k in obj for k in ("config", "configs", "versions", "n-shot", "lm_eval_version")):
        raise EvidenceImportError(file, "not an lm-eval results file (no config/configs/versions)", field="config")
    model = _lm_eval_model(obj)
    group_subtasks = obj.get("group_subtasks") or {}
    if not isinstance(group_subtasks, dict):
        raise EvidenceImportError(file, f"expected an object of group -> subtasks, got {type(group_subtasks).__name__}",
                                  field="group_subtasks")
    groups = {g for g, subs in group_subtasks.items() if subs}
    n_samples = _dict(obj, "n-samples")
    runs: list[EvaluationRun] = []
    warnings: list[str] = []
    for task, metrics in obj["results"].items():
        loc = f"results.{task}"
        if task in groups:
            continue
        if not isinstance(metrics, dict):
            raise EvidenceImportError(file, "expected an object of metrics", location=loc)
        values, stderrs, head, filt = _task_metrics(metrics, file, loc)
        key = f"{head},{filt}"
        value = values[key]
        se = stderrs.get(key)
        binary = head in BINARY_METRICS and 0.0 <= value <= 1.0
        notes = [f"headline {key}"]
        n_rep: int | None = None
        n_src = "unknown"
        ns = n_samples.get(task)
        if isinstance(ns, dict) and isinstance(ns.get("effective"), int):
            n_rep, n_src = int(ns["effective"]), "reported"
        elif binary and se and 0 < value < 1:
            # lm-eval's mean stderr is the sample sd / sqrt(n): se^2 = p(1-p)/(n-1)  =>  n = p(1-p)/se^2 + 1
            n_rep, n_src = round(value * (1 - value) / (se * se) + 1), "inferred_from_stderr"
            notes.append(f"n = {n_rep} inferred from the reported stderr (no n-samples in the file)")
        items: list[ItemResult] = []
        if task in samples:
            sname, sdata = samples[task]
            items = _lm_eval_samples(sname, sdata, head, filt, binary)
            n_src = "items"
        cfg = _dict(obj, "config")
        if cfg.get("limit") not in (None, ""):
            warnings.append(f"{task}: run with limit={cfg.get('limit')}: a subset of the benchmark")
        runs.append(_build_run(
            file, **meta, source_format=EvidenceFormat.lm_eval, source_model=model, task=task,
            metric_kind=kind, metric_name=key, benchmark=task if kind is MetricKind.public_benchmark else None,
            items=items, n_reported=n_rep, n_source=n_src,
            aggregate_pass_rate=value if binary else None, aggregate_score=value, reported_stderr=se,
            extra_metrics=values, notes=notes,
        ))
    unused = sorted(set(samples) - set(obj["results"]))
    if unused:
        raise EvidenceImportError(samples[unused[0]][0], f"samples for task {unused[0]!r}, which the results "
                                                         "file does not contain")
    return runs, warnings


