"""The workbook writer: Summary, Capability Fit, Constraints and table sheets (Scoring: scoring_sheet.py)."""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from copy import copy
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from workbench.domain.models import CAPABILITY_LABELS, CAPABILITY_VECTORS, RATING_LABELS
from workbench.io.excel.cells import (
    _CENTER,
    _FAIL_FILL,
    _FAIL_FONT,
    _HEADER_FILL,
    _HEADER_FONT,
    _NOTE_FONT,
    _PASS_FILL,
    _PASS_FONT,
    _RATING_FILL,
    _RATING_FONT,
    _TITLE_FONT,
    _WRAP_HEADER,
    _WRAP_TOP,
    _naive,
    _number_format,
    _print_setup,
    _text_width,
    write_text,
)
from workbench.io.excel.model import (
    _ROW_WEIGHT,
    CAPABILITY,
    CONSTRAINTS,
    ECONOMICS,
    EVIDENCE,
    GPU_FIT,
    SUMMARY,
    DecisionWorkbook,
    live_scores,
)


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
                "TOPSIS: the live columns recompute TOPSIS closeness on the normalised matrix shown against the "
                "ideal and anti-ideal rows (the workbench's reference points); identical candidates score 1."
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
        from workbench.io.excel.scoring_sheet import write_scoring_sheet

        write_scoring_sheet(self)

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
