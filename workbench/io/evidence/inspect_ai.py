"""inspect_ai logs: `.eval` zip archives and `--log-format json`."""

from __future__ import annotations

import io
import math
import zipfile
from typing import Any

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, ItemResult, MetricKind
from workbench.io.evidence._common import (
    EvidenceImportError,
    _build_run,
    _check_unique,
    _dict,
    _item,
    _json,
    _list,
    _nonneg,
    _num,
    _text,
)

# --------------------------------------------------------------------------- inspect_ai

_INSPECT_VALUES = {"C": (True, 1.0), "I": (False, 0.0), "P": (None, 0.5), "N": (False, 0.0)}


def _inspect_zip(data: bytes, file: str) -> dict[str, Any]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
        if "header.json" not in names:
            raise EvidenceImportError(file, "not an inspect_ai .eval archive (no header.json)", field="header.json")
        obj = _json(_text(zf.read("header.json"), file), f"{file}!header.json")
        samples = []
        for name in sorted(n for n in names if n.startswith("samples/") and n.endswith(".json")):
            samples.append(_json(_text(zf.read(name), file), f"{file}!{name}"))
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise EvidenceImportError(file, f"corrupt or truncated .eval archive: {exc}") from exc
    if not isinstance(obj, dict):
        raise EvidenceImportError(file, "header.json is not an object", field="header.json")
    obj["samples"] = samples
    return obj


def _parse_inspect(obj: Any, file: str, kind: MetricKind, meta: dict[str, Any]) -> tuple[list[EvaluationRun], list[str]]:
    if not isinstance(obj, dict) or not isinstance(obj.get("eval"), dict):
        raise EvidenceImportError(file, "not an inspect_ai log (no 'eval' object)", field="eval")
    ev = obj["eval"]
    model = ev.get("model")
    if not isinstance(model, str) or not model:
        raise EvidenceImportError(file, "missing model name", location="eval", field="model")
    warnings = []
    status = obj.get("status")
    if status not in (None, "success"):
        warnings.append(f"run status is {status!r}: results may be partial")
    results = _dict(obj, "results")
    scores = _list(results, "scores")
    headline = _dict(results, "headline")
    scorer = headline.get("scorer") or (scores[0].get("scorer") or scores[0].get("name") if scores else None)
    samples = obj.get("samples")
    if samples is not None and not isinstance(samples, list):
        raise EvidenceImportError(file, "expected a list", field="samples")
    samples = samples or []
    if scorer is None and samples:
        first = samples[0].get("scores") if isinstance(samples[0], dict) else None
        scorer = next(iter(first), None) if isinstance(first, dict) else None
    items: list[ItemResult] = []
    keyed = []
    for i, s in enumerate(samples):
        loc = f"samples[{i}]"
        if not isinstance(s, dict):
            raise EvidenceImportError(file, "expected an object", location=loc)
        sid = s.get("id")
        if isinstance(sid, bool) or not isinstance(sid, int | str) or sid == "":
            raise EvidenceImportError(file, f"expected a sample id, got {sid!r}", location=loc, field="id")
        epoch = s.get("epoch", 1)
        if isinstance(epoch, bool) or not isinstance(epoch, int):
            raise EvidenceImportError(file, f"expected an integer, got {epoch!r}", location=loc, field="epoch")
        sc = (s.get("scores") or {}).get(scorer) if scorer else None
        if not isinstance(sc, dict) or "value" not in sc:
            raise EvidenceImportError(file, f"no score from scorer {scorer!r}", location=loc,
                                      field=f"scores.{scorer}.value")
        val = sc["value"]
        passed: bool | None
        score: float | None
        if isinstance(val, bool):
            passed, score = val, float(val)
        elif isinstance(val, str) and val in _INSPECT_VALUES:
            passed, score = _INSPECT_VALUES[val]
        elif isinstance(val, int | float) and math.isfinite(val):
            score = float(val)
            passed = bool(val) if val in (0, 1) else None
        else:
            raise EvidenceImportError(file, f"unsupported score value {val!r} (C/I/P/N, number or bool)",
                                      location=loc, field=f"scores.{scorer}.value")
        usage = (s.get("model_usage") or {}).get(model) or {}
        total = _nonneg(s.get("total_time"), file, loc, "total_time")
        keyed.append((loc, (str(sid), epoch)))
        items.append(_item(
            file, loc, item_id=str(sid), epoch=epoch, passed=passed, score=score,
            latency_ms=None if total is None else total * 1000.0,
            cost_usd=_nonneg(usage.get("total_cost"), file, loc, "model_usage.total_cost"),
            input_tokens=usage.get("input_tokens") if isinstance(usage.get("input_tokens"), int) else None,
            output_tokens=usage.get("output_tokens") if isinstance(usage.get("output_tokens"), int) else None,
        ))
    _check_unique(keyed, file, "id")
    agg = None
    se = None
    for entry in scores:
        if isinstance(entry, dict) and (entry.get("scorer") == scorer or entry.get("name") == scorer):
            mets = entry.get("metrics") or {}
            acc = (mets.get("accuracy") or mets.get("mean") or {}).get("value")
            agg = _num(acc, file, "results.scores", "metrics.accuracy.value")
            se = _num((mets.get("stderr") or {}).get("value"), file, "results.scores", "metrics.stderr.value")
    if not items and agg is None:
        raise EvidenceImportError(file, "neither samples nor an aggregate score", field="samples")
    n_rep = results.get("completed_samples") if isinstance(results.get("completed_samples"), int) else None
    binary = all(it.passed is not None for it in items) if items else False
    run = _build_run(
        file, **meta, source_format=EvidenceFormat.inspect, source_model=model, task=str(ev.get("task") or ""),
        metric_kind=kind, metric_name=str(scorer or ""), items=items, n_reported=n_rep,
        n_source="items" if items else ("reported" if n_rep else "unknown"),
        aggregate_pass_rate=agg if binary and agg is not None and 0 <= agg <= 1 else None,
        aggregate_score=agg, reported_stderr=se if se is not None and se >= 0 else None,
    )
    return [run], warnings


