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

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.domain.evidence import EvaluationRun, EvidenceFormat, MetricKind
from workbench.io.benchmark_mapping import load_benchmark_mapping
from workbench.io.evidence._common import (
    BINARY_METRICS,
    HEADLINE_METRICS,
    EvidenceImportError,
    ImportResult,
    _json,
    _jsonl,
    _read,
    _text,
    sha256_bytes,
)
from workbench.io.evidence.benchmark_table import parse_benchmark_table
from workbench.io.evidence.csv_items import _parse_csv
from workbench.io.evidence.detect import detect_format, is_promptfoo_row
from workbench.io.evidence.helm import _helm_model, _parse_helm_stats
from workbench.io.evidence.inspect_ai import _inspect_zip, _parse_inspect, scorers_of
from workbench.io.evidence.lm_eval import _parse_lm_eval
from workbench.io.evidence.openai_evals import _parse_openai_evals
from workbench.io.evidence.promptfoo import _parse_promptfoo, _parse_promptfoo_csv, _parse_promptfoo_jsonl

__all__ = [
    "BINARY_METRICS",
    "DEFAULT_KIND",
    "HEADLINE_METRICS",
    "EvidenceImportError",
    "ImportResult",
    "detect_format",
    "import_evidence",
    "inspect_scorers",
    "sha256_bytes",
]

# --------------------------------------------------------------------------- entry point

DEFAULT_KIND = {
    EvidenceFormat.benchmark_table: MetricKind.public_benchmark,
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
    scorer: str | None = None,
) -> ImportResult:
    """Parse and validate a whole evaluation-results file; return its runs and SHA-256.

    ``fmt``: one of promptfoo, lm-eval, inspect, openai-evals, helm, csv (detected when None).
    ``metric_kind``: what the runs measure (default: public benchmark for lm-eval / HELM, golden set
    otherwise; a CSV ``metric_kind`` column overrides per row). ``model``: source model name where the
    file has none (HELM stats.json). ``samples``: lm-eval ``samples_<task>_<date>.jsonl`` files, or HELM
    ``per_instance_stats.json``. ``scorer``: the inspect_ai scorer to import (default: the log's first).
    Nothing is returned unless the whole file is valid.
    """
    if not isinstance(source, bytes) and Path(source).is_dir():
        return _import_helm_dir(Path(source), metric_kind, model, imported_at)
    if not isinstance(source, bytes):
        streamed = _import_streamed(Path(source), fmt, name, metric_kind, imported_at)
        if streamed is not None:
            return streamed
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
    columns: dict[int, Any] = {}
    if form is EvidenceFormat.csv:
        runs, warnings, columns = _parse_csv(data, file, kind, meta)
    elif form is EvidenceFormat.openai_evals:
        runs, warnings, columns = _parse_openai_evals(data, file, kind, meta)
    else:
        runs, warnings = _dispatch(form, data, file, path, kind, meta, model, samples, companions, scorer)
    result = ImportResult(file=file, sha256=sha, format=form, runs=runs, warnings=warnings,
                          companion_files=companions)
    result._item_columns = columns
    return result


def _dispatch(
    form: EvidenceFormat, data: bytes, file: str, path: Path | None, kind: MetricKind, meta: dict[str, Any],
    model: str | None, samples: Sequence[Path | str], companions: dict[str, str], scorer: str | None = None,
) -> tuple[list[EvaluationRun], list[str]]:
    if form is EvidenceFormat.inspect:
        obj = _inspect_zip(data, file) if data[:2] == b"PK" else _json(_text(data, file), file)
        return _parse_inspect(obj, file, kind, meta, scorer)
    if form is EvidenceFormat.promptfoo:
        return _dispatch_promptfoo(_text(data, file), file, kind, meta)
    if form is EvidenceFormat.benchmark_table:
        return parse_benchmark_table(_text(data, file), file, meta, load_benchmark_mapping())
    obj = _json(_text(data, file), file)
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
        name, scenario, warnings = _helm_model(path, model)
        per_instance = None
        for sp in samples:
            sdata, sname, _ = _read(sp, None)
            companions[sname] = sha256_bytes(sdata)
            per_instance = (sname, _json(_text(sdata, sname), sname))
        runs, more = _parse_helm_stats(obj, file, kind, meta, name, per_instance, scenario)
        return runs, warnings + more
    raise EvidenceImportError(file, f"unsupported format {form}")  # pragma: no cover


#: Above this size, a CSV or OpenAI evals file given by path is parsed from the open file (never held whole).
STREAM_BYTES = 8 * 1024 * 1024
_STREAMED = {EvidenceFormat.csv: _parse_csv, EvidenceFormat.openai_evals: _parse_openai_evals}


def _import_streamed(path: Path, fmt: EvidenceFormat | str | None, name: str | None,
                     metric_kind: MetricKind | str | None, imported_at: datetime | None) -> ImportResult | None:
    """Import a large per-item file straight from disk (SHA-256 by chunks), or None to read it whole."""
    file = name or path.name
    try:
        if path.stat().st_size < STREAM_BYTES:
            return None
        with path.open("rb") as handle:
            detected = detect_format(handle.read(65_536), file)
    except (OSError, EvidenceImportError):
        return None  # the whole-file path reports the problem precisely
    if detected not in _STREAMED or (fmt is not None and fmt != detected.value and fmt != detected):
        return None
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    sha = digest.hexdigest()
    kind = MetricKind(metric_kind) if metric_kind is not None else MetricKind.golden_set_accuracy
    meta: dict[str, Any] = {"source_file": file, "source_sha256": sha, "imported_at": imported_at or datetime.now(UTC)}
    with path.open("rb") as handle:
        runs, warnings, columns = _STREAMED[detected](handle, file, kind, meta)
    result = ImportResult(file=file, sha256=sha, format=detected, runs=runs, warnings=warnings)
    result._item_columns = columns
    return result


def _dispatch_promptfoo(text: str, file: str, kind: MetricKind, meta: dict[str, Any]) -> tuple[list[EvaluationRun], list[str]]:
    """promptfoo's three ``-o`` outputs, told apart by content: JSON summary, JSON lines, wide CSV."""
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return _parse_promptfoo_csv(text, file, kind, meta)
    first = stripped.splitlines()[0]
    try:
        first_obj = json.loads(first)
    except json.JSONDecodeError:
        first_obj = None
    if is_promptfoo_row(first_obj):
        return _parse_promptfoo_jsonl(_jsonl(text, file), file, kind, meta)
    return _parse_promptfoo(_json(text, file), file, kind, meta)


def inspect_scorers(source: Path | str | bytes, name: str | None = None) -> list[str]:
    """The scorers of an inspect_ai log (``.eval`` or ``.json``), first = the default one imported."""
    data, file, _ = _read(source, name)
    obj = _inspect_zip(data, file) if data[:2] == b"PK" else _json(_text(data, file), file)
    return scorers_of(obj)


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
