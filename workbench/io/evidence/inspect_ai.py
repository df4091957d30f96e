"""inspect_ai logs: `.eval` zip archives (zstd or deflate members) and `--log-format json` logs.

As inspect_ai 0.3.285 writes and reads them (``inspect_ai/log/_recorders/eval.py``):

- ``.eval``: ``header.json`` (eval, results, ...), ``samples/<id>_epoch_<n>.json`` one per sample and
  epoch, ``reductions.json``; members zstd-compressed (method 93) by default since 0.3.206. A re-logged
  sample repeats a member name; the **last** entry wins, as in inspect's reader.
- Epochs: inspect reduces each sample's epochs to one value per scorer (default reducer ``mean``) and
  computes its metrics over those, so **n = samples**, not samples × epochs. The reduced values are
  taken from ``reductions`` when the log has them, else reduced here by the mean (C = 1, I = 0, P = 0.5,
  N = 0, inspect's ``value_to_float``).
- A sample with ``error`` and no score is skipped and counted (inspect leaves it unscored).
- Several scorers: each sample's ``scores`` has one entry per scorer; the first scorer of
  ``results.scores`` is imported unless ``scorer`` names another.
"""

from __future__ import annotations

import math
from typing import Any

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, ItemResult, MetricKind
from workbench.io.archive import ArchiveError, read_members
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

_INSPECT_VALUES = {"C": (True, 1.0), "I": (False, 0.0), "P": (None, 0.5), "N": (False, 0.0)}


def _wanted(name: str) -> bool:
    return name in ("header.json", "reductions.json") or (name.startswith("samples/") and name.endswith(".json"))


def _inspect_zip(data: bytes, file: str) -> dict[str, Any]:
    """The log as one object (header + samples + reductions), like a ``--log-format json`` log."""
    try:
        members = read_members(data, _wanted)
    except ArchiveError as exc:
        raise EvidenceImportError(file, f"corrupt or truncated .eval archive: {exc}"
                                  if "corrupt" in str(exc) or "truncated" in str(exc) else f".eval archive refused: {exc}"
                                  ) from exc
    if "header.json" not in members:
        raise EvidenceImportError(file, "not an inspect_ai .eval archive (no header.json)", field="header.json")
    obj = _json(_text(members.pop("header.json"), file), f"{file}!header.json")
    if not isinstance(obj, dict):
        raise EvidenceImportError(file, "header.json is not an object", field="header.json")
    reductions = members.pop("reductions.json", None)
    if reductions is not None:
        obj["reductions"] = _json(_text(reductions, file), f"{file}!reductions.json")
    obj["samples"] = [_json(_text(members[name], file), f"{file}!{name}") for name in sorted(members)]
    return obj


def scorers_of(obj: Any) -> list[str]:
    """Scorer names of a parsed log, in ``results.scores`` order (else from the first sample)."""
    names: list[str] = []
    for entry in _list(_dict(obj, "results"), "scores"):
        if isinstance(entry, dict):
            name = entry.get("name") or entry.get("scorer")
            if isinstance(name, str) and name not in names:
                names.append(name)
    if not names:
        for sample in _list(obj, "samples"):
            scores = sample.get("scores") if isinstance(sample, dict) else None
            if isinstance(scores, dict) and scores:
                return [str(k) for k in scores]
    return names


def _value(val: Any, file: str, loc: str, field: str) -> tuple[bool | None, float]:
    if isinstance(val, bool):
        return val, float(val)
    if isinstance(val, str) and val in _INSPECT_VALUES:
        return _INSPECT_VALUES[val]
    if isinstance(val, int | float) and math.isfinite(val):
        return (bool(val) if val in (0, 1) else None), float(val)
    raise EvidenceImportError(file, f"unsupported score value {val!r} (C/I/P/N, number or bool)",
                              location=loc, field=field)


def _reduced(obj: dict[str, Any], scorer: str, file: str) -> dict[str, float]:
    """sample id -> reduced value from the log's ``reductions`` for ``scorer`` ({} if none)."""
    out: dict[str, float] = {}
    for i, entry in enumerate(_list(obj, "reductions")):
        if not isinstance(entry, dict) or entry.get("scorer") != scorer:
            continue
        for j, s in enumerate(_list(entry, "samples")):
            loc = f"reductions[{i}].samples[{j}]"
            if not isinstance(s, dict) or not isinstance(s.get("sample_id"), int | str):
                raise EvidenceImportError(file, "missing sample_id", location=loc, field="sample_id")
            out[str(s["sample_id"])] = _value(s.get("value"), file, loc, "value")[1]
    return out


def _sample_rows(
    samples: list[Any], model: str, scorer: str, file: str
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Per sample id, one row per epoch (errored samples left out and listed)."""
    by_id: dict[str, list[dict[str, Any]]] = {}
    keyed = []
    errored: list[str] = []
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
        keyed.append((loc, (str(sid), epoch)))
        sc = (s.get("scores") or {}).get(scorer)
        if s.get("error") and not isinstance(sc, dict):
            errored.append(f"{sid} (epoch {epoch})")
            continue
        if not isinstance(sc, dict) or "value" not in sc:
            raise EvidenceImportError(file, f"no score from scorer {scorer!r}", location=loc,
                                      field=f"scores.{scorer}.value")
        passed, score = _value(sc["value"], file, loc, f"scores.{scorer}.value")
        usage = (s.get("model_usage") or {}).get(model) or {}
        total = _nonneg(s.get("total_time"), file, loc, "total_time")
        by_id.setdefault(str(sid), []).append({
            "loc": loc, "passed": passed, "score": score,
            "latency_ms": None if total is None else total * 1000.0,
            "cost_usd": _nonneg(usage.get("total_cost"), file, loc, "model_usage.total_cost"),
            "input_tokens": usage.get("input_tokens") if isinstance(usage.get("input_tokens"), int) else None,
            "output_tokens": usage.get("output_tokens") if isinstance(usage.get("output_tokens"), int) else None,
        })
    _check_unique(keyed, file, "id")
    return by_id, errored


def _mean(values: list[Any]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _reduce(file: str, sid: str, rows: list[dict[str, Any]], reduced: dict[str, float]) -> ItemResult:
    """One item per sample: the mean over its epochs (inspect's default reducer)."""
    if len(rows) == 1:
        r = rows[0]
        return _item(file, r["loc"], item_id=sid, passed=r["passed"], score=r["score"], latency_ms=r["latency_ms"],
                     cost_usd=r["cost_usd"], input_tokens=r["input_tokens"], output_tokens=r["output_tokens"])
    score = reduced.get(sid, _mean([r["score"] for r in rows]))
    assert score is not None
    passed = True if score == 1.0 else False if score == 0.0 and all(r["passed"] is False for r in rows) else None
    tokens_in, tokens_out = _mean([r["input_tokens"] for r in rows]), _mean([r["output_tokens"] for r in rows])
    return _item(
        file, rows[-1]["loc"], item_id=sid, passed=passed, score=score,
        latency_ms=_mean([r["latency_ms"] for r in rows]), cost_usd=_mean([r["cost_usd"] for r in rows]),
        input_tokens=None if tokens_in is None else round(tokens_in),
        output_tokens=None if tokens_out is None else round(tokens_out),
    )


def _aggregate(results: dict[str, Any], scorer: str, file: str) -> tuple[float | None, float | None, int | None]:
    for entry in _list(results, "scores"):
        if isinstance(entry, dict) and scorer in (entry.get("name"), entry.get("scorer")):
            mets = entry.get("metrics") or {}
            acc = (mets.get("accuracy") or mets.get("mean") or {}).get("value")
            agg = _num(acc, file, "results.scores", "metrics.accuracy.value")
            se = _num((mets.get("stderr") or {}).get("value"), file, "results.scores", "metrics.stderr.value")
            scored = entry.get("scored_samples")
            return agg, se, scored if isinstance(scored, int) and not isinstance(scored, bool) else None
    return None, None, None


def _header(obj: Any, file: str) -> tuple[dict[str, Any], str, list[Any], list[str]]:
    """(eval, model, samples, warnings) of a log, refusing a log without them."""
    if not isinstance(obj, dict) or not isinstance(obj.get("eval"), dict):
        raise EvidenceImportError(file, "not an inspect_ai log (no 'eval' object)", field="eval")
    ev = obj["eval"]
    model = ev.get("model")
    if not isinstance(model, str) or not model:
        raise EvidenceImportError(file, "missing model name", location="eval", field="model")
    samples = obj.get("samples")
    if samples is not None and not isinstance(samples, list):
        raise EvidenceImportError(file, "expected a list", field="samples")
    status = obj.get("status")
    warnings = [] if status in (None, "success") else [f"run status is {status!r}: results may be partial"]
    return ev, model, samples or [], warnings


def _choose_scorer(obj: Any, scorer: str | None, file: str, warnings: list[str]) -> str | None:
    available = scorers_of(obj)
    if scorer is not None and scorer not in available:
        raise EvidenceImportError(file, f"no scorer {scorer!r} in the log (it has: {', '.join(available) or 'none'})",
                                  field="scorer")
    chosen = scorer or (available[0] if available else None)
    if len(available) > 1:
        warnings.append(f"{len(available)} scorers in the log ({', '.join(available)}): imported {chosen!r}; "
                        "choose another with --scorer (CLI) or the Scorer box (app)")
    return chosen


def _items(obj: Any, samples: list[Any], model: str, scorer: str, file: str, warnings: list[str]) -> list[ItemResult]:
    by_id, errored = _sample_rows(samples, model, scorer, file)
    reduced = _reduced(obj, scorer, file)
    items = [_reduce(file, sid, rows, reduced) for sid, rows in by_id.items()]
    if errored:
        shown = ", ".join(errored[:5]) + (f" and {len(errored) - 5} more" if len(errored) > 5 else "")
        warnings.append(f"{len(errored)} errored sample(s) skipped (not scored): {shown}")
    epochs = max((len(rows) for rows in by_id.values()), default=1)
    if epochs > 1:
        warnings.append(f"{epochs} epochs per sample reduced to one value per sample (mean, as inspect does): "
                        f"n = {len(items)} samples")
    return items


def _parse_inspect(
    obj: Any, file: str, kind: MetricKind, meta: dict[str, Any], scorer: str | None = None
) -> tuple[list[EvaluationRun], list[str]]:
    ev, model, samples, warnings = _header(obj, file)
    chosen = _choose_scorer(obj, scorer, file, warnings)
    items = _items(obj, samples, model, chosen, file, warnings) if chosen is not None and samples else []
    agg, se, scored = _aggregate(_dict(obj, "results"), chosen or "", file)
    if not items and agg is None:
        raise EvidenceImportError(file, "neither samples nor an aggregate score", field="samples")
    completed = _dict(obj, "results").get("completed_samples")
    n_rep = scored if scored is not None else (completed if isinstance(completed, int) else None)
    binary = bool(items) and all(it.passed is not None for it in items)
    run = _build_run(
        file, **meta, source_format=EvidenceFormat.inspect, source_model=model, task=str(ev.get("task") or ""),
        metric_kind=kind, metric_name=str(chosen or ""), items=items, n_reported=n_rep,
        n_source="items" if items else ("reported" if n_rep else "unknown"),
        aggregate_pass_rate=agg if binary and agg is not None and 0 <= agg <= 1 else None,
        aggregate_score=agg, reported_stderr=se if se is not None and se >= 0 else None,
    )
    return [run], warnings
