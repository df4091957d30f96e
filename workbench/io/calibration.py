"""Read per-item calibration data for cascade threshold sweeps.

A calibration CSV has one row per evaluated item: the cheap model's confidence score and whether
its answer was correct. Columns (header row required, names case-insensitive):

* ``confidence`` (required): a finite number (a probability, a win rate or any score where higher
  means more confident);
* ``correct`` (required): 1/0, true/false, yes/no, correct/incorrect, pass/fail, c/i;
* ``item_id`` (optional): an identifier, unique per row; defaults to the 1-based row number;
* ``premium_correct`` (optional): whether the premium model was correct on the item (same values
  as ``correct``), for an exact cascade quality curve.

The whole file is validated before anything is returned; errors name the file, row and column.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

REQUIRED_COLUMNS: tuple[str, ...] = ("confidence", "correct")
OPTIONAL_COLUMNS: tuple[str, ...] = ("item_id", "premium_correct")

_TRUE = {"1", "1.0", "true", "t", "yes", "y", "correct", "pass", "passed", "c"}
_FALSE = {"0", "0.0", "false", "f", "no", "n", "incorrect", "fail", "failed", "i", "wrong"}


class CalibrationFormatError(ValueError):
    """The calibration file is malformed; the message names the file, row and column."""


@dataclass(frozen=True)
class CalibrationData:
    item_ids: list[str]
    confidence: npt.NDArray[np.float64]
    correct: npt.NDArray[np.bool_]
    premium_correct: npt.NDArray[np.bool_] | None
    source: str

    def __len__(self) -> int:
        return int(self.confidence.size)

    @property
    def accuracy(self) -> float:
        return float(self.correct.mean())


def _parse_bool(value: str, where: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise CalibrationFormatError(f"{where}: expected correct/incorrect (1/0, true/false), got {value!r}")


def parse_calibration_csv(text: str, source: str = "<calibration>") -> CalibrationData:
    """Parse calibration CSV text (see the module docstring for the columns)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        return _parse_rows(reader, source)
    except csv.Error as exc:  # e.g. a bare carriage return inside a field
        raise CalibrationFormatError(f"{source}: malformed CSV at line {reader.line_num}: {exc}") from exc


def _columns(reader: Any, source: str) -> list[str]:
    """The lower-cased header, checked for the required columns and duplicates."""
    try:
        header = next(reader)
    except StopIteration:
        raise CalibrationFormatError(
            f"{source}: empty file; expected columns {', '.join(REQUIRED_COLUMNS)} (optional: "
            f"{', '.join(OPTIONAL_COLUMNS)})"
        ) from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise CalibrationFormatError(
            f"{source}: missing column(s) {', '.join(missing)}; expected columns "
            f"{', '.join(REQUIRED_COLUMNS)} (optional: {', '.join(OPTIONAL_COLUMNS)}), found "
            f"{', '.join(h for h in header if h) or 'none'}"
        )
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise CalibrationFormatError(f"{source}: duplicate column(s) {', '.join(dupes)}")
    return names


def _confidence(raw: str, where: str) -> float:
    try:
        score = float(raw)
    except ValueError:
        raise CalibrationFormatError(f"{where}, column confidence: not a number: {raw!r}") from None
    if not math.isfinite(score):
        raise CalibrationFormatError(f"{where}, column confidence: must be finite, got {raw!r}")
    return score


def _parse_rows(reader: Any, source: str) -> CalibrationData:
    names = _columns(reader, source)
    col = {n: i for i, n in enumerate(names)}
    ids: list[str] = []
    conf: list[float] = []
    ok: list[bool] = []
    prem: list[bool] = []
    seen: dict[str, int] = {}
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(names):
            row = row + [""] * (len(names) - len(row))
        where = f"{source}, row {line_no}"
        conf.append(_confidence(row[col["confidence"]].strip(), where))
        ok.append(_parse_bool(row[col["correct"]], f"{where}, column correct"))
        if "premium_correct" in col:
            prem.append(_parse_bool(row[col["premium_correct"]], f"{where}, column premium_correct"))
        item = row[col["item_id"]].strip() if "item_id" in col else str(len(ids) + 1)
        if not item:
            raise CalibrationFormatError(f"{where}, column item_id: empty")
        if item in seen:
            raise CalibrationFormatError(f"{where}, column item_id: {item!r} repeats row {seen[item]}")
        seen[item] = line_no
        ids.append(item)
    if not ids:
        raise CalibrationFormatError(f"{source}: no data rows")
    return CalibrationData(
        item_ids=ids,
        confidence=np.array(conf, dtype=np.float64),
        correct=np.array(ok, dtype=bool),
        premium_correct=np.array(prem, dtype=bool) if "premium_correct" in col else None,
        source=source,
    )


def read_calibration_csv(source: str | Path | bytes | IO[str] | IO[bytes], name: str | None = None) -> CalibrationData:
    """Read a calibration CSV from a path, bytes (e.g. a Streamlit upload's ``getvalue()``) or a
    file object. ``name`` labels error messages (defaults to the path)."""
    if isinstance(source, str | Path):
        path = Path(source)
        label = name or str(path)
        try:
            raw: str | bytes = path.read_bytes()
        except OSError as exc:
            raise CalibrationFormatError(f"{label}: cannot read: {exc.strerror or exc}") from exc
    elif isinstance(source, bytes):
        label, raw = name or "<upload>", source
    else:
        label = name or str(getattr(source, "name", "<stream>"))
        raw = source.read()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CalibrationFormatError(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_calibration_csv(raw, label)
