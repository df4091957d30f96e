"""Import evaluation results: promptfoo, lm-evaluation-harness, inspect_ai, OpenAI evals, HELM, CSV.

Every importer validates the whole file before returning anything and returns one
:class:`~workbench.domain.evidence.EvaluationRun` per source model (per task for lm-eval, per metric
kind for CSV), with per-item results where the source has them, plus the file's SHA-256. A bad file
raises :class:`EvidenceImportError` naming the file, the line / row / JSON path and the field.

Shapes (reference ``economics-and-evidence.md`` section 5; real samples in ``fixtures/evidence``):
- promptfoo ``eval -o results.json``: ``results.results[]`` with ``provider{id,label}``, ``testIdx``,
  ``promptId``, ``success``, ``score``, ``latencyMs``, ``cost``; paired on ``testIdx``.
- lm-eval ``results_<date>.json``: ``results.<task>["<metric>,<filter>"]``, ``config.model_args``,
  ``n-samples``; optional ``samples_<task>_<date>.jsonl`` (``--log_samples``) keyed by ``doc_id``.
- inspect_ai log v2 (``--log-format json`` or ``.eval`` zip): ``eval.model``, ``samples[]{id, epoch,
  scores.<scorer>.value "C"/"I"/"P"/"N" or number, total_time, model_usage}``.
- OpenAI evals ``oaieval`` JSONL: a ``spec`` line, ``match`` events ``{sample_id, data.correct}``,
  a ``final_report`` line anywhere.
- HELM ``stats.json`` (a list of Stat) and ``per_instance_stats.json``; a run directory gives
  ``run_spec.json`` for the model name.
- CSV: ``item_id, candidate, passed|score[, latency_ms, cost_usd, epoch, metric_kind]``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, ItemResult, MetricKind

#: lm-eval / HELM metrics that are means of 0/1 outcomes: their value is a pass rate.
BINARY_METRICS = frozenset({
    "acc", "acc_norm", "exact_match", "quasi_exact_match", "prefix_exact_match", "quasi_prefix_exact_match",
    "pass@1", "pass_at_1", "em", "correct",
})
#: Preferred headline metrics, in order (lm-eval and HELM).
HEADLINE_METRICS = (
    "exact_match", "quasi_exact_match", "acc", "acc_norm", "prefix_exact_match", "quasi_prefix_exact_match",
    "pass@1", "f1_score", "f1", "rouge_l", "bleu_4", "bleu",
)


class EvidenceImportError(ValueError):
    """A file that cannot be imported. ``file``, ``location`` (line / row / JSON path) and ``field``."""

    def __init__(self, file: str, message: str, *, location: str | None = None, field: str | None = None):
        self.file = file
        self.location = location
        self.field = field
        self.detail = message
        parts = [file]
        if location:
            parts.append(location)
        if field:
            parts.append(f"field {field!r}")
        super().__init__(": ".join(parts) + ": " + message)


class ImportResult(BaseModel):
    """Everything one file yields: validated runs, the file's hash, and warnings to show."""

    file: str
    sha256: str
    format: EvidenceFormat
    runs: list[EvaluationRun]
    warnings: list[str] = Field(default_factory=list)
    companion_files: dict[str, str] = Field(default_factory=dict, description="name -> SHA-256")

    @property
    def source_models(self) -> list[str]:
        return sorted({r.source_model for r in self.runs})


# --------------------------------------------------------------------------- helpers


def _dict(parent: Any, key: str) -> dict[str, Any]:
    """``parent[key]`` if it is an object, else {} (optional sub-objects of a source format)."""
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, dict) else {}


def _list(parent: Any, key: str) -> list[Any]:
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, list) else []


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(source: Path | str | bytes, name: str | None) -> tuple[bytes, str, Path | None]:
    if isinstance(source, bytes):
        return source, name or "<bytes>", None
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EvidenceImportError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    return data, name or path.name, path


def _text(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvidenceImportError(file, f"not UTF-8 text (byte {exc.start})") from exc


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _json(text: str, file: str) -> Any:
    """Parse a whole JSON document; duplicate keys in an object are an error (json keeps the last)."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as exc:
        raise EvidenceImportError(file, f"duplicate key {exc.args[0]!r} in a JSON object", field=exc.args[0]) from exc
    except json.JSONDecodeError as exc:
        hint = "truncated? " if exc.pos >= len(text.rstrip()) - 1 else ""
        raise EvidenceImportError(file, f"{hint}invalid JSON: {exc.msg} (column {exc.colno})",
                                  location=f"line {exc.lineno}") from exc


def _jsonl(text: str, file: str) -> list[tuple[int, Any]]:
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((lineno, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise EvidenceImportError(file, f"invalid JSON line (truncated?): {exc.msg} (column {exc.colno})",
                                      location=f"line {lineno}") from exc
    return out


def _num(value: Any, file: str, loc: str, field: str, *, allow_none: bool = True) -> float | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise EvidenceImportError(file, "missing value", location=loc, field=field)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise EvidenceImportError(file, f"expected a number, got {value!r}", location=loc, field=field)
    try:
        x = float(value)
    except ValueError as exc:
        raise EvidenceImportError(file, f"expected a number, got {value!r}", location=loc, field=field) from exc
    if not math.isfinite(x):
        raise EvidenceImportError(file, f"expected a finite number, got {value!r}", location=loc, field=field)
    return x


def _nonneg(value: Any, file: str, loc: str, field: str) -> float | None:
    x = _num(value, file, loc, field)
    if x is not None and x < 0:
        raise EvidenceImportError(file, f"must be >= 0, got {x}", location=loc, field=field)
    return x


def _check_unique(keys: list[tuple[str, tuple[str, int]]], file: str, field: str) -> None:
    """``keys`` = (location, (item_id, epoch)) per item of one run; raise on the first duplicate."""
    seen: dict[tuple[str, int], str] = {}
    for loc, key in keys:
        if key in seen:
            raise EvidenceImportError(file, f"duplicate item id {key[0]!r} (epoch {key[1]}; first at {seen[key]})",
                                      location=loc, field=field)
        seen[key] = loc


def _build_run(file: str, **kw: Any) -> EvaluationRun:
    try:
        return EvaluationRun(**kw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise EvidenceImportError(file, err["msg"], location=f"run of {kw.get('source_model')!r}",
                                  field=field) from exc


def _item(file: str, loc: str, **kw: Any) -> ItemResult:
    try:
        return ItemResult(**kw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise EvidenceImportError(file, err["msg"], location=loc, field=field) from exc


# --------------------------------------------------------------------------- detection


def _detect_obj(obj: Any) -> EvidenceFormat | None:
    if isinstance(obj, dict):
        res = obj.get("results")
        if "evalId" in obj or (isinstance(res, dict) and isinstance(res.get("results"), list)):
            return EvidenceFormat.promptfoo
        if isinstance(obj.get("eval"), dict) and ("samples" in obj or "version" in obj or "results" in obj):
            return EvidenceFormat.inspect
        if isinstance(res, dict) and any(k in obj for k in ("configs", "config", "n-shot", "versions",
                                                            "lm_eval_version", "group_subtasks")):
            return EvidenceFormat.lm_eval
    if isinstance(obj, list) and obj and isinstance(obj[0], dict):
        first = obj[0]
        if isinstance(first.get("name"), dict) and "count" in first:
            return EvidenceFormat.helm
        if "instance_id" in first and "stats" in first:
            return EvidenceFormat.helm
    return None


def detect_format(path_or_bytes: Path | str | bytes, name: str | None = None) -> EvidenceFormat:
    """Guess the format from the content (not the file name); raise EvidenceImportError if unknown.

    ``name`` labels bytes in error messages.
    """
    if not isinstance(path_or_bytes, bytes) and Path(path_or_bytes).is_dir():
        return EvidenceFormat.helm
    data, file, _ = _read(path_or_bytes, name)
    if data[:2] == b"PK":
        return EvidenceFormat.inspect
    text = _text(data, file)
    stripped = text.lstrip()
    if not stripped:
        raise EvidenceImportError(file, "empty file")
    if stripped[0] in "{[":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as whole_err:
            first = stripped.splitlines()[0]
            try:
                line_obj = json.loads(first)
            except json.JSONDecodeError:
                raise EvidenceImportError(file, f"truncated or invalid JSON: {whole_err.msg}",
                                          location=f"line {whole_err.lineno}") from whole_err
            if isinstance(line_obj, dict):
                if {"spec", "final_report", "run_id"} & set(line_obj):
                    return EvidenceFormat.openai_evals
                if "doc_id" in line_obj:
                    raise EvidenceImportError(
                        file, "an lm-eval --log_samples file: import it together with its results JSON "
                              "(samples=...)") from whole_err
            raise EvidenceImportError(file, "JSON lines of an unknown shape: not an OpenAI evals log",
                                      location="line 1") from whole_err
        fmt = _detect_obj(obj)
        if fmt is None:
            raise EvidenceImportError(file, "JSON of an unknown shape: not promptfoo, lm-eval, inspect_ai or HELM")
        return fmt
    header = stripped.splitlines()[0].lower()
    cols = {c.strip() for c in header.split(",")}
    if "item_id" in cols or "candidate" in cols:
        return EvidenceFormat.csv
    raise EvidenceImportError(file, "unknown format: neither JSON, JSON lines nor a CSV with item_id/candidate")


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
        filt = next(f for m, f in order if m == head)
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


# --------------------------------------------------------------------------- HELM


def _helm_stat_key(stat: dict[str, Any]) -> str:
    return json.dumps(stat.get("name"), sort_keys=True)


def _helm_model(path: Path | None, model: str | None) -> tuple[str, list[str]]:
    if model:
        return model, []
    if path is not None:
        folder = path if path.is_dir() else path.parent
        spec = folder / "run_spec.json"
        if spec.is_file():
            try:
                rs = json.loads(spec.read_text(encoding="utf-8"))
                m = (rs.get("adapter_spec") or {}).get("model") or (rs.get("adapter_spec") or {}).get("model_deployment")
                if isinstance(m, str) and m:
                    return m, []
            except (json.JSONDecodeError, OSError, AttributeError):
                pass
        found = re.search(r"model=([^,]+)", folder.name)
        if found:
            return found.group(1).replace("_", "/", 1), []
    return "unknown", ["HELM stats.json carries no model name: pass the model (or a run directory with "
                       "run_spec.json) and map it to a candidate"]


def _parse_helm_stats(
    stats: Any, file: str, kind: MetricKind, meta: dict[str, Any], model: str, per_instance: tuple[str, Any] | None
) -> tuple[list[EvaluationRun], list[str]]:
    if not isinstance(stats, list) or not stats:
        raise EvidenceImportError(file, "not a HELM stats.json (expected a non-empty list of Stat)")
    seen: dict[str, str] = {}
    plain: dict[str, dict[str, Any]] = {}
    for i, st in enumerate(stats):
        loc = f"[{i}]"
        if not isinstance(st, dict) or not isinstance(st.get("name"), dict) or "name" not in st["name"]:
            raise EvidenceImportError(file, "expected a Stat with a name object", location=loc, field="name")
        if not isinstance(st["name"]["name"], str) or not isinstance(st["name"].get("split") or "", str):
            raise EvidenceImportError(file, f"expected text in name.name/name.split, got {st['name']!r}",
                                      location=loc, field="name.name")
        if not isinstance(st.get("count"), int) or isinstance(st.get("count"), bool):
            raise EvidenceImportError(file, f"expected an integer, got {st.get('count')!r}", location=loc,
                                      field="count")
        key = _helm_stat_key(st)
        if key in seen:
            raise EvidenceImportError(file, f"duplicate stat {st['name']} (first at {seen[key]})", location=loc,
                                      field="name")
        seen[key] = loc
        if st["count"] > 0:
            _num(st.get("mean"), file, loc, "mean", allow_none=False)
        nm = st["name"]
        if set(nm) <= {"name", "split"} and st["count"] > 0:
            plain.setdefault(nm.get("split") or "", {})[nm["name"]] = st
    split = "test" if "test" in plain else ("valid" if "valid" in plain else next(iter(plain), None))
    if split is None:
        raise EvidenceImportError(file, "no unperturbed stat with count > 0", field="name")
    chosen = plain[split]
    head = next((h for h in HEADLINE_METRICS if h in chosen), None)
    extra = {name: float(st["mean"]) for name, st in chosen.items()}
    warnings = []
    if head is None:
        warnings.append("no accuracy-type stat (exact_match, f1_score, ...) in the file: only run statistics "
                        "were imported; the run carries no pass rate")
    value = float(chosen[head]["mean"]) if head else None
    n_rep = int(chosen[head]["count"]) if head else None
    binary = head in BINARY_METRICS if head else False
    items: list[ItemResult] = []
    if per_instance is not None:
        items = _helm_items(per_instance[0], per_instance[1], head, split)
    run = _build_run(
        file, **meta, source_format=EvidenceFormat.helm, source_model=model, task=split,
        metric_kind=kind, metric_name=head or "", items=items, n_reported=n_rep,
        n_source="items" if items else ("reported" if n_rep else "unknown"),
        aggregate_pass_rate=value if binary and value is not None and 0 <= value <= 1 else None,
        aggregate_score=value, extra_metrics=extra,
        notes=[f"HELM split {split!r}; variance is the population variance"],
    )
    if "inference_runtime" in chosen:
        run.notes.append(f"mean inference_runtime {float(chosen['inference_runtime']['mean']) * 1000:.3g} ms")
    return [run], warnings


def _helm_items(file: str, rows: Any, head: str | None, split: str) -> list[ItemResult]:
    if not isinstance(rows, list):
        raise EvidenceImportError(file, "not a HELM per_instance_stats.json (expected a list)")
    if head is None:
        return []
    items = []
    keyed = []
    for i, row in enumerate(rows):
        loc = f"[{i}]"
        if not isinstance(row, dict) or not isinstance(row.get("instance_id"), str | int):
            raise EvidenceImportError(file, "missing instance_id", location=loc, field="instance_id")
        trial = row.get("train_trial_index", 0)
        if isinstance(trial, bool) or not isinstance(trial, int):
            raise EvidenceImportError(file, f"expected an integer, got {trial!r}", location=loc,
                                      field="train_trial_index")
        stats = _list(row, "stats")
        st = next((s for s in stats if isinstance(s, dict) and s.get("name") == {"name": head, "split": split}), None)
        if st is None:
            continue
        val = _num(st.get("mean"), file, loc, f"stats[{head}].mean", allow_none=False)
        keyed.append((loc, (str(row["instance_id"]), trial)))
        passed = bool(val) if head in BINARY_METRICS and val in (0.0, 1.0) else None
        items.append(_item(file, loc, item_id=str(row["instance_id"]), epoch=trial, passed=passed, score=val))
    _check_unique(keyed, file, "instance_id")
    return items


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


# --------------------------------------------------------------------------- entry point

DEFAULT_KIND = {
    EvidenceFormat.lm_eval: MetricKind.public_benchmark,
    EvidenceFormat.helm: MetricKind.public_benchmark,
}


def import_evidence(
    source: Path | str | bytes,
    fmt: EvidenceFormat | str | None = None,
    *,
    name: str | None = None,
    metric_kind: MetricKind | str | None = None,
    model: str | None = None,
    samples: Sequence[Path | str] = (),
    imported_at: datetime | None = None,
) -> ImportResult:
    """Parse and validate a whole evaluation-results file; return its runs and SHA-256.

    ``fmt``: one of promptfoo, lm-eval, inspect, openai-evals, helm, csv (detected when None).
    ``metric_kind``: what the runs measure (default: public benchmark for lm-eval / HELM, golden set
    otherwise; a CSV ``metric_kind`` column overrides per row). ``model``: source model name where the
    file has none (HELM stats.json). ``samples``: lm-eval ``samples_<task>_<date>.jsonl`` files, or HELM
    ``per_instance_stats.json``. Nothing is returned unless the whole file is valid.
    """
    if not isinstance(source, bytes) and Path(source).is_dir():
        return _import_helm_dir(Path(source), metric_kind, model, imported_at)
    data, file, path = _read(source, name)
    detected: EvidenceFormat | None = None
    if fmt is None:
        detected = detect_format(data, file)
        form = detected
    else:
        try:
            form = EvidenceFormat(fmt)
        except ValueError as exc:
            raise EvidenceImportError(file, f"unknown format {fmt!r}; use one of "
                                            f"{', '.join(f.value for f in EvidenceFormat)}") from exc
    kind = MetricKind(metric_kind) if metric_kind is not None else DEFAULT_KIND.get(form, MetricKind.golden_set_accuracy)
    sha = sha256_bytes(data)
    meta: dict[str, Any] = {"source_file": file, "source_sha256": sha,
                            "imported_at": imported_at or datetime.now(UTC)}
    companions: dict[str, str] = {}
    if detected is None:
        try:
            detected = detect_format(data, file)
        except EvidenceImportError:
            detected = None  # let the named format's parser say precisely what is wrong
        if detected is not None and detected != form:
            raise EvidenceImportError(file, f"not in {form.value} format: the content looks like {detected.value}")
    runs, warnings = _dispatch(form, data, file, path, kind, meta, model, samples, companions)
    return ImportResult(file=file, sha256=sha, format=form, runs=runs, warnings=warnings,
                        companion_files=companions)


def _dispatch(
    form: EvidenceFormat, data: bytes, file: str, path: Path | None, kind: MetricKind, meta: dict[str, Any],
    model: str | None, samples: Sequence[Path | str], companions: dict[str, str],
) -> tuple[list[EvaluationRun], list[str]]:
    if form is EvidenceFormat.inspect:
        obj = _inspect_zip(data, file) if data[:2] == b"PK" else _json(_text(data, file), file)
        return _parse_inspect(obj, file, kind, meta)
    if form is EvidenceFormat.openai_evals:
        return _parse_openai_evals(_jsonl(_text(data, file), file), file, kind, meta)
    if form is EvidenceFormat.csv:
        return _parse_csv(_text(data, file), file, kind, meta)
    obj = _json(_text(data, file), file)
    if form is EvidenceFormat.promptfoo:
        return _parse_promptfoo(obj, file, kind, meta)
    if form is EvidenceFormat.lm_eval:
        by_task: dict[str, tuple[str, bytes]] = {}
        tasks = list(obj["results"]) if isinstance(obj, dict) and isinstance(obj.get("results"), dict) else []
        for sp in samples:
            sdata, sname, _ = _read(sp, None)
            task = _samples_task(sname, tasks)
            if task is None:
                raise EvidenceImportError(sname, "cannot tell the task from the name: expected "
                                                 "samples_<task>_<date>.jsonl for a task in the results file")
            companions[sname] = sha256_bytes(sdata)
            by_task[task] = (sname, sdata)
        return _parse_lm_eval(obj, file, kind, meta, by_task)
    if form is EvidenceFormat.helm:
        if isinstance(obj, list) and obj and isinstance(obj[0], dict) and "instance_id" in obj[0]:
            raise EvidenceImportError(file, "a HELM per_instance_stats.json: import stats.json with it as samples")
        name, warnings = _helm_model(path, model)
        per_instance = None
        for sp in samples:
            sdata, sname, _ = _read(sp, None)
            companions[sname] = sha256_bytes(sdata)
            per_instance = (sname, _json(_text(sdata, sname), sname))
        runs, more = _parse_helm_stats(obj, file, kind, meta, name, per_instance)
        return runs, warnings + more
    raise EvidenceImportError(file, f"unsupported format {form}")  # pragma: no cover


def _samples_task(name: str, tasks: list[str]) -> str | None:
    stem = name.removesuffix(".jsonl")
    if not stem.startswith("samples_"):
        return None
    rest = stem[len("samples_"):]
    for task in sorted(tasks, key=len, reverse=True):
        if rest == task or rest.startswith(task + "_"):
            return task
    return None


def _import_helm_dir(
    folder: Path, metric_kind: MetricKind | str | None, model: str | None, imported_at: datetime | None
) -> ImportResult:
    stats = folder / "stats.json"
    if not stats.is_file():
        raise EvidenceImportError(str(folder), "HELM run directory without stats.json", field="stats.json")
    per = folder / "per_instance_stats.json"
    res = import_evidence(stats, EvidenceFormat.helm, metric_kind=metric_kind, model=model,
                          samples=[per] if per.is_file() else [], imported_at=imported_at)
    return res
