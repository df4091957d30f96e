"""Safe text and shared styles of the decision workbook (OWASP CSV injection, control characters)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from workbench.io.excel.model import DANGEROUS_PREFIXES, EXCEL_MAX_CHARS

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
