"""Guess an evaluation file's format from its content (not its name)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from workbench.domain.evidence import EvidenceFormat
from workbench.io.evidence._common import (
    EvidenceImportError,
    _read,
    _text,
)
from workbench.io.evidence.benchmark_table import is_benchmark_header
from workbench.io.evidence.promptfoo import is_promptfoo_csv_header

# --------------------------------------------------------------------------- detection

_LEADING = re.compile(rb"(?:\xef\xbb\xbf)?\s*")


def is_promptfoo_row(obj: Any) -> bool:
    """One promptfoo result (a line of ``-o results.jsonl``)."""
    return isinstance(obj, dict) and "testIdx" in obj and "provider" in obj and "success" in obj


def _is_benchmark_rows(obj: Any) -> bool:
    rows = obj.get("results") if isinstance(obj, dict) else obj
    return (isinstance(rows, list) and bool(rows) and isinstance(rows[0], dict)
            and {"model", "benchmark", "score"} <= {str(k).lower() for k in rows[0]})


def _detect_obj(obj: Any) -> EvidenceFormat | None:
    if is_promptfoo_row(obj):
        return EvidenceFormat.promptfoo
    if _is_benchmark_rows(obj):
        return EvidenceFormat.benchmark_table
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
    start = first_content(data)
    if start >= len(data):
        raise EvidenceImportError(file, "empty file")
    if data[start:start + 1] not in (b"{", b"["):
        return _detect_text_table(data, start, file)
    text = _text(data, file)
    stripped = text.lstrip()
    if stripped[0] in "{[":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as whole_err:
            first = stripped.split("\n", 1)[0]
            try:
                line_obj = json.loads(first)
            except json.JSONDecodeError:
                raise EvidenceImportError(file, f"truncated or invalid JSON: {whole_err.msg}",
                                          location=f"line {whole_err.lineno}") from whole_err
            if isinstance(line_obj, dict):
                if {"spec", "final_report", "run_id"} & set(line_obj):
                    return EvidenceFormat.openai_evals
                if is_promptfoo_row(line_obj):
                    return EvidenceFormat.promptfoo
                if "doc_id" in line_obj:
                    raise EvidenceImportError(
                        file, "an lm-eval --log_samples file: import it together with its results JSON "
                              "(samples=...)") from whole_err
            raise EvidenceImportError(file, "JSON lines of an unknown shape: not an OpenAI evals log nor promptfoo "
                                            "results.jsonl",
                                      location="line 1") from whole_err
        fmt = _detect_obj(obj)
        if fmt is None:
            raise EvidenceImportError(file, "JSON of an unknown shape: not promptfoo, lm-eval, inspect_ai or HELM")
        return fmt
    raise AssertionError("unreachable")  # pragma: no cover


def first_content(data: bytes) -> int:
    """Index of the first byte that is not whitespace or a UTF-8 BOM (no copy of the data)."""
    match = _LEADING.match(data)
    return match.end() if match else 0


def _detect_text_table(data: bytes, start: int, file: str) -> EvidenceFormat:
    """CSV formats, told from the header line alone (a large file is never decoded whole here)."""
    end = data.find(b"\n", start)
    try:
        first_line = data[start:end if end >= 0 else len(data)].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise EvidenceImportError(file, f"not UTF-8 text (byte {start + exc.start})") from exc
    try:
        header = next(csv.reader([first_line]))
    except (csv.Error, StopIteration):
        header = first_line.split(",")
    if is_promptfoo_csv_header(header):
        return EvidenceFormat.promptfoo
    cols = {c.strip().lower() for c in header}
    if is_benchmark_header(header) and "item_id" not in cols:
        return EvidenceFormat.benchmark_table
    if "item_id" in cols or "candidate" in cols:
        return EvidenceFormat.csv
    raise EvidenceImportError(file, "unknown format: neither JSON, JSON lines, promptfoo CSV nor a CSV with "
                                    "item_id/candidate")
