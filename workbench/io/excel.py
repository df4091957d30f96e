"""Excel decision matrix: the workbook architects take into review meetings.

One ``.xlsx`` with the sheets Summary, Capability Fit, Scoring, Constraints and, when given,
Economics, GPU Fit and Evidence (issue 8; DESIGN section 5).

Scoring sheet
    Weights are named input cells (one defined name per criterion, ``w_<criterion>``, plus the
    row name ``weights``), validated to 0-1 and shown as %. Each candidate row carries *live*
    formulas that Excel recalculates when a weight changes, **and** the workbench's own values
    as static numbers (openpyxl stores no formula results, so pandas / ``data_only`` readers see
    only the static columns; they are authoritative).

    * Weighted sum (``method="wsm"``)::

          score_i = SUMPRODUCT(weights, x_i) / SUM(weights) = sum_j w_j x_ij / sum_j w_j

      i.e. the weights are used as ``w / sum(w)``, so they need not add up to 1.
    * TOPSIS (``method="topsis"``), on the shown normalised, benefit-oriented matrix ``x``
      (Hwang & Yoon 1981; same construction as pymcdm ``TOPSIS``: ideal = column max,
      anti-ideal = column min of the weighted matrix)::

          w~_j  = w_j / sum(w)
          D+_i  = sqrt( sum_j w~_j^2 (x_ij - max_k x_kj)^2 )
          D-_i  = sqrt( sum_j w~_j^2 (x_ij - min_k x_kj)^2 )
          C_i   = D-_i / (D+_i + D-_i)      (0 when D+ + D- = 0)

      written as live formulas too (helper rows hold the column max and min).
    * Rank: ``RANK(score, all scores, 0)`` (1 = best; ties share a rank).

Security
    Every string that is not a formula we built ourselves goes through :func:`write_text`,
    which forces ``data_type = "s"`` (openpyxl binds any string longer than one character
    starting with ``=`` as a formula, and ``#N/A`` etc. as error cells) and sets
    ``quotePrefix`` when the text starts with ``= + - @ TAB CR LF`` (OWASP CSV Injection;
    CWE-1236), so it stays text even after a user re-enters the cell. Characters Excel cannot
    store (openpyxl ``ILLEGAL_CHARACTERS_RE``) are replaced by their visible Unicode "control
    picture" (U+2400 + code, e.g. BEL -> "\u2407") and strings longer than 32,767 characters are
    truncated; both are listed under "Export notes" on the Summary sheet.
    Formulas are built only from cell coordinates and defined names, never from user text.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from copy import copy
from pathlib import Path
from typing import Any, BinaryIO, Literal

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.domain.models import (
    CAPABILITY_LABELS,
    CAPABILITY_VECTORS,
    CRITERION_LABELS,
    RATING_LABELS,
    CapabilityRating,
    check_capability_vectors,
)

__all__ = [
    "CapabilityRow",
    "ConstraintRow",
    "DecisionWorkbook",
    "ScoringTable",
    "LIVE_RANK",
    "LIVE_SCORE",
    "SCORING_HEADER_ROW",
    "SHEET_NAMES",
    "STATIC_RANK",
    "STATIC_SCORE",
    "build_decision_workbook",
    "clean_text",
    "decision_workbook_bytes",
    "live_scores",
    "topsis_closeness",
    "weight_name",
    "weighted_sum",
    "write_decision_workbook",
    "write_text",
]

#: Excel keeps at most this many characters in a cell (openpyxl truncates silently).
EXCEL_MAX_CHARS = 32_767
#: Leading characters that make a spreadsheet treat text as a formula (OWASP CSV Injection).
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

SUMMARY, CAPABILITY, SCORING, CONSTRAINTS = "Summary", "Capability Fit", "Scoring", "Constraints"
ECONOMICS, GPU_FIT, EVIDENCE = "Economics", "GPU Fit", "Evidence"
SHEET_NAMES: tuple[str, ...] = (SUMMARY, CAPABILITY, SCORING, CONSTRAINTS, ECONOMICS, GPU_FIT, EVIDENCE)

# Scoring sheet layout (1-based rows). Fixed for both methods so readers can rely on it:
# pandas: pd.read_excel(f, sheet_name="Scoring", header=SCORING_HEADER_ROW - 1).
_ROW_TITLE, _ROW_NOTE, _ROW_WEIGHT, _ROW_NAME, _ROW_BEST, _ROW_WORST = 1, 2, 3, 4, 5, 6
SCORING_HEADER_ROW = 7
_FIRST_DATA_ROW = SCORING_HEADER_ROW + 1

LIVE_SCORE = "Live score"
LIVE_RANK = "Live rank"
LIVE_DPLUS = "Live D+ (distance to ideal)"
LIVE_DMINUS = "Live D- (distance to anti-ideal)"
STATIC_SCORE = "Workbench score"
STATIC_RANK = "Workbench rank"

# ----------------------------------------------------------------------------- input model


class CapabilityRow(BaseModel):
    """One candidate's row of the Capability Fit Matrix (seed 002): E/A/D, optionally measured."""

    model_config = ConfigDict(extra="forbid")

    candidate: str
    capabilities: dict[str, CapabilityRating] = Field(default_factory=dict)

    @field_validator("capabilities")
    @classmethod
    def _known_vectors(cls, value: dict[str, CapabilityRating]) -> dict[str, CapabilityRating]:
        check_capability_vectors(value)
        return value


class ConstraintRow(BaseModel):
    """One hard-constraint check of one candidate, with the reason in words."""

    model_config = ConfigDict(extra="forbid")

    candidate: str
    constraint: str
    passed: bool
    reason: str = ""


def _as_float_array(value: Any, ndim: int, field: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"scoring.{field}: not numeric ({exc})") from exc
    if ndim == 2 and arr.size == 0:
        arr = arr.reshape(0, arr.shape[1] if arr.ndim == 2 else 0)
    if arr.ndim != ndim:
        raise ValueError(f"scoring.{field}: expected a {ndim}-d array, got shape {arr.shape}")
    return arr


class ScoringTable(BaseModel):
    """What the ranking engine computed, in the shape the Scoring sheet shows it.

    ``matrix[i, j]`` is candidate ``i``'s normalised value on criterion ``j``, in [0, 1] and
    higher-is-better (cost and latency already inverted). For TOPSIS it must be the matrix the
    distances were measured on (ideal = column max, anti-ideal = column min), otherwise the live
    TOPSIS formulas will differ from ``scores``; the writer notes any such difference.
    ``weights`` are in [0, 1]; they need not sum to 1 (scores use ``w / sum(w)``).
    ``scores`` / ``ranks`` are the workbench's values (authoritative; rank 1 = best).
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    criteria: list[str] = Field(min_length=1)
    weights: np.ndarray
    candidates: list[str]
    matrix: np.ndarray
    scores: np.ndarray
    ranks: np.ndarray
    criterion_labels: dict[str, str] = Field(default_factory=dict)

    @field_validator("weights", "scores", mode="before")
    @classmethod
    def _vec(cls, value: Any, info: Any) -> np.ndarray:
        return _as_float_array(value, 1, info.field_name)

    @field_validator("matrix", mode="before")
    @classmethod
    def _mat(cls, value: Any) -> np.ndarray:
        return _as_float_array(value, 2, "matrix")

    @field_validator("ranks", mode="before")
    @classmethod
    def _ranks(cls, value: Any) -> np.ndarray:
        arr = _as_float_array(value, 1, "ranks")
        if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)) or arr.min() < 1):
            raise ValueError("scoring.ranks: ranks must be whole numbers >= 1")
        return arr.astype(np.int64)

    @model_validator(mode="after")
    def _shapes(self) -> ScoringTable:
        n, m = len(self.criteria), len(self.candidates)
        if len(set(self.criteria)) != n:
            raise ValueError("scoring.criteria: criterion names must be unique")
        if self.weights.shape != (n,):
            raise ValueError(f"scoring.weights: expected {n} weights (one per criterion), got {self.weights.size}")
        bad = np.flatnonzero(~np.isfinite(self.weights) | (self.weights < 0) | (self.weights > 1))
        if bad.size:
            j = int(bad[0])
            raise ValueError(
                f"scoring.weights[{j}] ({self.criteria[j]!r}) = {self.weights[j]!r}: weights must be in [0, 1]"
            )
        if not self.weights.sum() > 0:
            raise ValueError("scoring.weights: at least one weight must be > 0")
        if self.matrix.shape != (m, n):
            raise ValueError(
                f"scoring.matrix: expected shape (candidates={m}, criteria={n}), got {self.matrix.shape}"
            )
        bad_cells = np.argwhere(~np.isfinite(self.matrix) | (self.matrix < -1e-9) | (self.matrix > 1 + 1e-9))
        if bad_cells.size:
            i, j = (int(v) for v in bad_cells[0])
            raise ValueError(
                f"scoring.matrix row {i} (candidate {self.candidates[i]!r}), criterion {self.criteria[j]!r}: "
                f"{self.matrix[i, j]!r} is not a normalised value in [0, 1]"
            )
        for field, arr in (("scores", self.scores), ("ranks", self.ranks)):
            if arr.shape != (m,):
                raise ValueError(f"scoring.{field}: expected {m} values (one per candidate), got {arr.size}")
        bad = np.flatnonzero(~np.isfinite(self.scores))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"scoring.scores row {i} (candidate {self.candidates[i]!r}): not a finite number")
        return self

    def label(self, criterion: str) -> str:
        return self.criterion_labels.get(criterion) or CRITERION_LABELS.get(criterion, criterion)


class DecisionWorkbook(BaseModel):
    """Everything the decision workbook shows. Plain data; the writer adds no computation
    beyond the live formulas (and a numpy check that they agree with the static values)."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    profile: str
    scenario: str | None = None
    method: Literal["wsm", "topsis"] = "wsm"
    normalisation: str
    date: dt.datetime | dt.date
    snapshot_hash: str
    winner: str
    robustness: str = ""
    capability: list[CapabilityRow] = Field(default_factory=list)
    scoring: ScoringTable
    constraints: list[ConstraintRow] = Field(default_factory=list)
    economics: pd.DataFrame | None = None
    gpu_fit: pd.DataFrame | None = None
    evidence: pd.DataFrame | None = None


# ----------------------------------------------------------------------------- reference maths


def weighted_sum(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted sum with weights used as ``w / sum(w)``: ``s_i = sum_j w_j x_ij / sum_j w_j``.

    The numpy twin of the Scoring sheet's ``SUMPRODUCT(weights, row) / SUM(weights)``
    (DESIGN section 3, Scoring; reference decisions-signing-excel.md section 5).
    """
    w = np.asarray(weights, dtype=float)
    return np.asarray(matrix, dtype=float) @ w / w.sum()


def topsis_closeness(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """TOPSIS closeness on a normalised benefit matrix (Hwang & Yoon 1981; pymcdm ``TOPSIS``).

    ``v = x * w/sum(w)``; ideal ``v+ = max_i v``, anti-ideal ``v- = min_i v`` per column;
    ``D± = ||v_i - v±||_2``; ``C = D- / (D+ + D-)``, 0 where ``D+ + D- = 0``.
    The numpy twin of the Scoring sheet's live TOPSIS formulas.
    """
    x = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    if x.shape[0] == 0:
        return np.zeros(0)
    v = x * w
    d_plus = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    total = d_plus + d_minus
    return np.divide(d_minus, total, out=np.zeros_like(total), where=total > 0)


def live_scores(data: DecisionWorkbook, weights: np.ndarray | None = None) -> np.ndarray:
    """What the Scoring sheet's live score formulas evaluate to (optionally with other weights)."""
    s = data.scoring
    w = s.weights if weights is None else np.asarray(weights, dtype=float)
    return topsis_closeness(s.matrix, w) if data.method == "topsis" else weighted_sum(s.matrix, w)


# ----------------------------------------------------------------------------- safe text


_CONTROL_PICTURE = {i: chr(0x2400 + i) for i in range(0x20)}


def clean_text(value: str) -> tuple[str, list[str]]:
    """Make ``value`` storable by Excel; return it with a list of what was changed (may be empty).

    CR and CRLF become LF (XML end-of-line handling would do it on reading anyway); characters
    matching openpyxl's ``ILLEGAL_CHARACTERS_RE`` become Unicode control pictures (U+2400 + code);
    text over 32,767 characters is truncated with a visible marker.
    """
    notes: list[str] = []
    if "\r" in value:  # XML readers turn CR into LF anyway; normalise so what is read equals what was written
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if ILLEGAL_CHARACTERS_RE.search(value):
        count = len(ILLEGAL_CHARACTERS_RE.findall(value))
        value = ILLEGAL_CHARACTERS_RE.sub(lambda m: _CONTROL_PICTURE[ord(m.group(0))], value)
        notes.append(f"{count} control character(s) Excel cannot store shown as Unicode control pictures")
    if len(value) > EXCEL_MAX_CHARS:
        notes.append(f"text of {len(value):,} characters truncated to Excel's {EXCEL_MAX_CHARS:,}")
        marker = " …[truncated]"
        value = value[: EXCEL_MAX_CHARS - len(marker)] + marker
    return value, notes


def write_text(cell: Cell, value: str) -> list[str]:
    """Write ``value`` into ``cell`` as literal text, never as a formula or error value.

    Forces ``data_type = "s"`` (undoing openpyxl's formula / error binding) and sets
    ``quotePrefix`` for text with a dangerous leading character or that looks like an error
    code. Returns notes about any sanitisation (control characters, truncation).
    """
    text, notes = clean_text(str(value))
    cell.value = text
    cell.data_type = "s"
    if text.startswith(DANGEROUS_PREFIXES) or text in ERROR_CODES:
        cell.quotePrefix = True
    return notes


# ----------------------------------------------------------------------------- styles

_HEADER_FONT = Font(bold=True, color="1F1F1F")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HELPER_FILL = PatternFill("solid", fgColor="F2F2F2")
_TITLE_FONT = Font(bold=True, size=14)
_NOTE_FONT = Font(italic=True, color="595959")
_WRAP_HEADER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center")
_THIN = Side(style="thin", color="7F7F7F")
_INPUT_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

_RATING_FILL = {
    "E": PatternFill("solid", fgColor="C6EFCE"),
    "A": PatternFill("solid", fgColor="FFEB9C"),
    "D": PatternFill("solid", fgColor="FFC7CE"),
}
_RATING_FONT = {"E": Font(color="006100"), "A": Font(color="9C5700"), "D": Font(color="9C0006")}
_PASS_FILL, _FAIL_FILL = _RATING_FILL["E"], _RATING_FILL["D"]
_PASS_FONT, _FAIL_FONT = _RATING_FONT["E"], _RATING_FONT["D"]

_FMT_NORM = "0.000"
_FMT_SCORE = "0.0000"
_FMT_RANK = "0"
_FMT_WEIGHT = "0.0%"



def _score_scale() -> ColorScaleRule:
    """Red (lowest) - yellow (median) - green (highest), as Excel's built-in 3-colour scale."""
    return ColorScaleRule(
        start_type="min", start_color="F8696B", mid_type="percentile", mid_value=50, mid_color="FFEB84",
        end_type="max", end_color="63BE7B",
    )


def _print_setup(ws: Worksheet, title_rows: str | None) -> None:
    """A4 landscape, fit all columns on one page width, header rows repeated on every page."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&A - page &P of &N"


def _text_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return 10
    return max((len(part) for part in str(value).splitlines()), default=0)


# ----------------------------------------------------------------------------- writer


class _Writer:
    """Builds one workbook; collects sanitisation notes for the Summary sheet."""

    def __init__(self, data: DecisionWorkbook) -> None:
        self.data = data
        self.wb = Workbook()
        self.notes: list[str] = []
        self._names: set[str] = set()
        self._styles: dict[tuple[Any, ...], StyleArray] = {}
        self._keep: list[dict[str, Any]] = []

    def style(self, cell: Cell, **attrs: Any) -> Cell:
        """Apply font/fill/alignment/border/number_format/quotePrefix to ``cell``.

        Each distinct combination is registered with the workbook once and then copied as a
        StyleArray (what openpyxl itself does when copying cells): per-cell style assignment
        re-hashes the style objects and dominates export time for 1,000 candidates.
        """
        key = tuple((k, v if isinstance(v, str | bool) else id(v)) for k, v in attrs.items())
        arr = self._styles.get(key)
        if arr is None:
            scratch = Cell(self.wb.active)
            for name, value in attrs.items():
                setattr(scratch, name, value)
            arr = self._styles[key] = scratch._style
            self._keep.append(attrs)  # keep the style objects alive: the key holds their ids
        cell._style = copy(arr)
        return cell

    # -- cells ------------------------------------------------------------------------------

    def text(self, ws: Worksheet, row: int, col: int, value: str) -> Cell:
        cell = ws.cell(row=row, column=col)
        for note in write_text(cell, value):
            self.notes.append(f"{ws.title}!{cell.coordinate}: {note}")
        return cell

    def value(self, ws: Worksheet, row: int, col: int, value: Any) -> Cell:
        """Write any DataFrame/scalar value: numbers as numbers, everything else as safe text."""
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
            return ws.cell(row=row, column=col)
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, bool | int | float):
            if isinstance(value, float) and not math.isfinite(value):
                return self.text(ws, row, col, "inf" if value > 0 else "-inf")
            return ws.cell(row=row, column=col, value=value)
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if isinstance(value, dt.datetime | dt.date):
            cell = ws.cell(row=row, column=col, value=_naive(value))
            fmt = "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
            return self.style(cell, number_format=fmt)
        return self.text(ws, row, col, str(value))

    def header(self, ws: Worksheet, row: int, labels: Sequence[str], start_col: int = 1) -> None:
        for offset, label in enumerate(labels):
            cell = self.text(ws, row, start_col + offset, label)
            self.style(cell, font=_HEADER_FONT, fill=_HEADER_FILL, alignment=_WRAP_HEADER,
                       quotePrefix=bool(cell.quotePrefix))
        ws.row_dimensions[row].height = 45

    def define(self, name: str, sheet: str, ref: str) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(sheet)}!{ref}")
        self._names.add(name.lower())

    def unique_name(self, base: str) -> str:
        name, k = base, 2
        while name.lower() in self._names:
            name, k = f"{base}_{k}", k + 1
        return name

    # -- sheets -----------------------------------------------------------------------------

    def build(self) -> Workbook:
        summary = self.wb.active
        assert summary is not None
        summary.title = SUMMARY
        self.capability_sheet()
        self.scoring_sheet()
        self.constraints_sheet()
        for title, frame in ((ECONOMICS, self.data.economics), (GPU_FIT, self.data.gpu_fit),
                             (EVIDENCE, self.data.evidence)):
            if frame is not None:
                self.frame_sheet(title, frame)
        self.summary_sheet(summary)
        return self.wb

    def summary_sheet(self, ws: Worksheet) -> None:
        d, s = self.data, self.data.scoring
        method = {"wsm": "Weighted sum (WSM)", "topsis": "TOPSIS"}[d.method]
        failing = sorted({c.candidate for c in d.constraints if not c.passed})
        c = ws.cell(row=1, column=1, value="Model decision matrix")
        c.font = _TITLE_FONT
        rows: list[tuple[str, Any]] = [
            ("Profile", d.profile),
            ("Scenario", d.scenario if d.scenario is not None else "(saved profile, no scenario)"),
            ("Method", method),
            ("Normalisation", d.normalisation),
            ("Weighting", "Scores use weights / SUM(weights): the weights need not add up to 100%."),
            ("Date", d.date),
            ("Snapshot hash", d.snapshot_hash),
            ("Winner (workbench)", d.winner),
            ("Robustness", d.robustness),
            ("Candidates scored", len(s.candidates)),
            ("Candidates failing a constraint", len(failing)),
        ]
        r = 3
        for key, val in rows:
            ws.cell(row=r, column=1, value=key).font = Font(bold=True)
            cell = self.value(ws, r, 2, val)
            cell.alignment = _WRAP_TOP
            r += 1
        ws.cell(row=r, column=1, value="Winner at current weights (live)").font = Font(bold=True)
        if s.candidates:
            ws.cell(row=r, column=2, value="=INDEX(candidate_names,MATCH(MAX(live_score),live_score,0))")
        r += 2
        guide = [
            "How to use this workbook",
            f"Scoring: change a yellow weight cell (row {_ROW_WEIGHT}); the live score and live rank columns "
            "recalculate. Each weight is a named cell (w_<criterion>); the whole row is named 'weights'.",
            "The 'Workbench score' and 'Workbench rank' columns hold the values the workbench computed for this "
            "snapshot; they are authoritative and are what tools that do not evaluate formulas see.",
            (
                "TOPSIS: the live columns recompute TOPSIS closeness on the normalised matrix shown "
                "(ideal = column max, anti-ideal = column min of the weighted matrix)."
                if d.method == "topsis"
                else "Weighted sum: live score = SUMPRODUCT(weights, normalised row) / SUM(weights)."
            ),
            "Capability Fit: " + ", ".join(f"{k} = {v}" for k, v in RATING_LABELS.items())
            + "; blank = not rated; 'measured' columns hold evaluation evidence (0-1) that replaces the prior.",
            "Text from users (names, notes, reasons) is stored as plain text, never as formulas.",
        ]
        ws.cell(row=r, column=1, value=guide[0]).font = Font(bold=True)
        for line in guide[1:]:
            r += 1
            ws.cell(row=r, column=1, value=line).font = _NOTE_FONT
        mismatch = self.live_static_gap()
        if mismatch is not None:
            self.notes.insert(0, mismatch)
        r += 2
        ws.cell(row=r, column=1, value="Export notes").font = Font(bold=True)
        for note in self.notes or ["none"]:
            r += 1
            self.text(ws, r, 1, note).font = _NOTE_FONT
        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 80
        _print_setup(ws, None)

    def live_static_gap(self) -> str | None:
        s = self.data.scoring
        if not s.candidates:
            return None
        gap = float(np.max(np.abs(live_scores(self.data) - s.scores)))
        if gap <= 1e-9:
            return None
        return (
            f"Scoring: the live formulas differ from the workbench scores by up to {gap:.3g} "
            "(the workbench computed its scores differently from the formulas shown); "
            "the 'Workbench score' column is authoritative."
        )

    def capability_sheet(self) -> None:
        ws = self.wb.create_sheet(CAPABILITY)
        rows = self.data.capability
        measured = [v for v in CAPABILITY_VECTORS
                    if any(r.capabilities.get(v) and r.capabilities[v].measured is not None for r in rows)]
        labels = ["Candidate"] + [CAPABILITY_LABELS[v] for v in CAPABILITY_VECTORS]
        labels += [f"{CAPABILITY_LABELS[v]} - measured (0-1)" for v in measured]
        self.header(ws, 1, labels)
        n_vec = len(CAPABILITY_VECTORS)
        for i, row in enumerate(rows, start=2):
            self.text(ws, i, 1, row.candidate)
            for j, vector in enumerate(CAPABILITY_VECTORS, start=2):
                cap = row.capabilities.get(vector)
                if cap is not None and cap.rating is not None:
                    cell = ws.cell(row=i, column=j, value=cap.rating)
                    self.style(cell, fill=_RATING_FILL[cap.rating], font=_RATING_FONT[cap.rating],
                               alignment=_CENTER)
            for j, vector in enumerate(measured, start=2 + n_vec):
                cap = row.capabilities.get(vector)
                if cap is not None and cap.measured is not None:
                    self.style(ws.cell(row=i, column=j, value=cap.measured), number_format="0.00")
        last = get_column_letter(len(labels))
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = f"A1:{last}{max(1, len(rows)) + 1}"
        ws.column_dimensions["A"].width = self.name_width(r.candidate for r in rows)
        for j in range(2, len(labels) + 1):
            ws.column_dimensions[get_column_letter(j)].width = 12
        _print_setup(ws, "1:1")

    def name_width(self, names: Iterable[str]) -> float:
        widths = [_text_width(n) for _, n in zip(range(500), names, strict=False)]
        return float(min(max([12, *widths]) + 2, 50))

    def scoring_sheet(self) -> None:
        d, s = self.data, self.data.scoring
        ws = self.wb.create_sheet(SCORING)
        n, m = len(s.criteria), len(s.candidates)
        first_c, last_c = 2, 1 + n
        cl_first, cl_last = get_column_letter(first_c), get_column_letter(last_c)
        r0, r1 = _FIRST_DATA_ROW, _FIRST_DATA_ROW + max(m, 1) - 1
        topsis = d.method == "topsis"
        live_cols = [LIVE_DPLUS, LIVE_DMINUS] if topsis else []
        live_cols += [LIVE_SCORE, LIVE_RANK]
        extra = [*live_cols, STATIC_SCORE, STATIC_RANK]
        col_of = {name: last_c + 1 + k for k, name in enumerate(extra)}
        L = {name: get_column_letter(c) for name, c in col_of.items()}

        title = ws.cell(row=_ROW_TITLE, column=1,
                        value="Scoring - " + ("TOPSIS" if topsis else "weighted sum") + ": live formulas and "
                        "workbench values")
        title.font = _TITLE_FONT
        note = (
            "Live score = TOPSIS closeness D-/(D+ + D-) on the normalised matrix below, weights used as "
            "w/SUM(w). " if topsis else
            "Live score = SUMPRODUCT(weights, normalised row)/SUM(weights): weights are used as w/SUM(w). "
        ) + "Edit the yellow weights; 'Workbench score/rank' are the authoritative computed values."
        ws.cell(row=_ROW_NOTE, column=1, value=note).font = _NOTE_FONT

        # weights: one named, validated input cell per criterion, plus the row name "weights"
        ws.cell(row=_ROW_WEIGHT, column=1, value="Weight (input)").font = Font(bold=True)
        ws.cell(row=_ROW_NAME, column=1, value="Name in formulas").font = _NOTE_FONT
        ws.cell(row=_ROW_BEST, column=1, value="Column best (MAX)").font = _NOTE_FONT
        ws.cell(row=_ROW_WORST, column=1, value="Column worst (MIN)").font = _NOTE_FONT
        for j, (criterion, weight) in enumerate(zip(s.criteria, s.weights, strict=True), start=first_c):
            col = get_column_letter(j)
            cell = ws.cell(row=_ROW_WEIGHT, column=j, value=float(weight))
            cell.number_format = _FMT_WEIGHT
            cell.fill = _INPUT_FILL
            cell.border = _INPUT_BORDER
            name = self.unique_name(weight_name(criterion))
            self.define(name, SCORING, f"${col}${_ROW_WEIGHT}")
            ws.cell(row=_ROW_NAME, column=j, value=name).font = _NOTE_FONT
            for row, fn in ((_ROW_BEST, "MAX"), (_ROW_WORST, "MIN")):
                helper = ws.cell(row=row, column=j)
                if m:
                    helper.value = f"={fn}({col}{r0}:{col}{r1})"
                helper.number_format = _FMT_NORM
                helper.fill = _HELPER_FILL
        weight_ref = f"${cl_first}${_ROW_WEIGHT}:${cl_last}${_ROW_WEIGHT}"
        self.define("weights", SCORING, weight_ref)
        self.define("crit_best", SCORING, f"${cl_first}${_ROW_BEST}:${cl_last}${_ROW_BEST}")
        self.define("crit_worst", SCORING, f"${cl_first}${_ROW_WORST}:${cl_last}${_ROW_WORST}")
        sum_col = last_c + 1
        ws.cell(row=_ROW_NAME, column=sum_col, value="Sum of weights").font = _NOTE_FONT
        total = ws.cell(row=_ROW_WEIGHT, column=sum_col, value="=SUM(weights)")
        total.number_format = _FMT_WEIGHT
        dv = DataValidation(
            type="decimal", operator="between", formula1="0", formula2="1", allow_blank=False,
            showErrorMessage=True, errorTitle="Weight out of range", error="Enter a weight between 0% and 100%.",
            showInputMessage=True, promptTitle="Criterion weight",
            prompt="0% to 100%. Scores use weight / sum of weights.",
        )
        dv.add(f"{cl_first}{_ROW_WEIGHT}:{cl_last}{_ROW_WEIGHT}")
        ws.add_data_validation(dv)

        # header and candidate rows
        self.header(ws, SCORING_HEADER_ROW, ["Candidate", *(s.label(c) for c in s.criteria), *extra])
        names, matrix = s.candidates, s.matrix
        static_scores, static_ranks = s.scores.tolist(), s.ranks.tolist()
        score_col = L[LIVE_SCORE]
        for i in range(m):
            r = r0 + i
            self.text(ws, r, 1, names[i])
            for j, x in enumerate(matrix[i].tolist(), start=first_c):
                self.style(ws.cell(row=r, column=j, value=x), number_format=_FMT_NORM)
            row_ref = f"{cl_first}{r}:{cl_last}{r}"
            if topsis:
                dp, dm = L[LIVE_DPLUS], L[LIVE_DMINUS]
                for name, target in ((LIVE_DPLUS, "crit_best"), (LIVE_DMINUS, "crit_worst")):
                    formula = f"=SQRT(SUMPRODUCT((weights/SUM(weights))^2*({row_ref}-{target})^2))"
                    self.style(ws.cell(row=r, column=col_of[name], value=formula), number_format=_FMT_SCORE)
                score = f"=IF({dp}{r}+{dm}{r}=0,0,{dm}{r}/({dp}{r}+{dm}{r}))"
            else:
                score = f"=SUMPRODUCT(weights,{row_ref})/SUM(weights)"
            rank = f"=RANK({score_col}{r},live_score,0)"
            self.style(ws.cell(row=r, column=col_of[LIVE_SCORE], value=score), number_format=_FMT_SCORE)
            self.style(ws.cell(row=r, column=col_of[LIVE_RANK], value=rank), number_format=_FMT_RANK)
            self.style(ws.cell(row=r, column=col_of[STATIC_SCORE], value=static_scores[i]),
                       number_format=_FMT_SCORE)
            self.style(ws.cell(row=r, column=col_of[STATIC_RANK], value=static_ranks[i]),
                       number_format=_FMT_RANK)
        if m:
            self.define("candidate_names", SCORING, f"$A${r0}:$A${r1}")
            self.define("live_score", SCORING, f"${score_col}${r0}:${score_col}${r1}")
            self.define("static_score", SCORING, f"${L[STATIC_SCORE]}${r0}:${L[STATIC_SCORE]}${r1}")
            for name in (LIVE_SCORE, STATIC_SCORE):
                ref = f"{L[name]}{r0}:{L[name]}{r1}"
                ws.conditional_formatting.add(ref, _score_scale())

        ws.freeze_panes = f"B{_FIRST_DATA_ROW}"
        last_col = get_column_letter(col_of[STATIC_RANK])
        ws.auto_filter.ref = f"A{SCORING_HEADER_ROW}:{last_col}{r1}"
        ws.column_dimensions["A"].width = max(self.name_width(names), 20.0)
        for j in range(first_c, col_of[STATIC_RANK] + 1):
            ws.column_dimensions[get_column_letter(j)].width = 13
        ws.row_dimensions[_ROW_NAME].height = 30
        for j in range(first_c, last_c + 1):
            ws.cell(row=_ROW_NAME, column=j).alignment = Alignment(wrap_text=True, vertical="top")
        _print_setup(ws, f"{_ROW_WEIGHT}:{SCORING_HEADER_ROW}")

    def constraints_sheet(self) -> None:
        ws = self.wb.create_sheet(CONSTRAINTS)
        self.header(ws, 1, ["Candidate", "Constraint", "Result", "Reason"])
        rows = self.data.constraints
        for i, row in enumerate(rows, start=2):
            self.text(ws, i, 1, row.candidate)
            self.text(ws, i, 2, row.constraint)
            result = ws.cell(row=i, column=3, value="PASS" if row.passed else "FAIL")
            self.style(result, fill=_PASS_FILL if row.passed else _FAIL_FILL,
                       font=_PASS_FONT if row.passed else _FAIL_FONT, alignment=_CENTER)
            if row.reason:
                reason = self.text(ws, i, 4, row.reason)
                self.style(reason, alignment=_WRAP_TOP, quotePrefix=bool(reason.quotePrefix))
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = f"A1:D{max(1, len(rows)) + 1}"
        ws.column_dimensions["A"].width = self.name_width(r.candidate for r in rows)
        ws.column_dimensions["B"].width = self.name_width(r.constraint for r in rows)
        ws.column_dimensions["C"].width = 9
        ws.column_dimensions["D"].width = 70
        _print_setup(ws, "1:1")

    def frame_sheet(self, title: str, frame: pd.DataFrame) -> None:
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"{title}: expected a pandas DataFrame, got {type(frame).__name__}")
        ws = self.wb.create_sheet(title)
        if not isinstance(frame.index, pd.RangeIndex):
            frame = frame.reset_index()
        columns = [str(c) for c in frame.columns]
        self.header(ws, 1, columns)
        formats = [_number_format(frame.iloc[:, k]) for k in range(frame.shape[1])]
        for i, values in enumerate(frame.itertuples(index=False, name=None), start=2):
            for j, v in enumerate(values, start=1):
                cell = self.value(ws, i, j, v)
                fmt = formats[j - 1]
                if fmt and cell.data_type == "n" and cell.value is not None:
                    self.style(cell, number_format=fmt)
        n_rows, n_cols = frame.shape
        if n_cols:
            ws.freeze_panes = "B2"
            ws.auto_filter.ref = f"A1:{get_column_letter(n_cols)}{max(1, n_rows) + 1}"
        for k, name in enumerate(columns):
            sample = frame.iloc[:200, k].tolist()
            longest_word = max((len(w) for w in name.split()), default=0)  # headers wrap between words
            width = max([_text_width(name) * 0.6, longest_word, *(_text_width(v) for v in sample), 8])
            ws.column_dimensions[get_column_letter(k + 1)].width = float(min(width + 2, 50))
        _print_setup(ws, "1:1")


def _naive(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _number_format(series: pd.Series) -> str | None:
    """A readable number format for a numeric column: integers with separators, small values
    with enough decimals, tiny ones (e.g. per-token prices) in scientific notation."""
    if series.dtype == bool or not pd.api.types.is_numeric_dtype(series):
        return None
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    if np.all(values == np.round(values)):
        return "#,##0"
    big = float(np.max(np.abs(values)))
    if big < 1e-3:
        return "0.00E+00"
    if big < 10:
        return "0.0000"
    return "#,##0.00"


_NAME_CLEAN = re.compile(r"[^a-z0-9_]+")


def weight_name(criterion: str) -> str:
    """Defined name of a criterion's weight cell: ``w_`` + the criterion in ``[a-z0-9_]``.

    The underscore keeps it from ever looking like a cell reference (A1 or R1C1).
    """
    core = _NAME_CLEAN.sub("_", criterion.lower()).strip("_") or "criterion"
    return ("w_" + core)[:250]


# ----------------------------------------------------------------------------- public API


def build_decision_workbook(data: DecisionWorkbook) -> Workbook:
    """The openpyxl Workbook (not yet saved) for ``data``."""
    return _Writer(data).build()


def write_decision_workbook(data: DecisionWorkbook, target: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the decision workbook to a path (atomically: temp file + rename) or a binary stream."""
    wb = build_decision_workbook(data)
    if isinstance(target, str | os.PathLike):
        path = Path(target)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".xlsx", dir=path.parent or ".")
        os.close(fd)
        try:
            wb.save(tmp)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    else:
        wb.save(target)


def decision_workbook_bytes(data: DecisionWorkbook) -> bytes:
    """The decision workbook as ``.xlsx`` bytes (for a download button)."""
    buf = io.BytesIO()
    write_decision_workbook(data, buf)
    return buf.getvalue()
