"""The Scoring sheet: weights as named input cells, live formulas and the workbench's values beside them.

Live formulas use the same kernels as the engine: weighted sum ``SUMPRODUCT(weights, row)/SUM(weights)``;
TOPSIS closeness ``D-/(D+ + D-)`` against the engine's reference rows (ideal / anti-ideal), 1 when
``D+ = D- = 0`` (every candidate identical on the weighted criteria), as in ``scoring.topsis``. Live rank:
``RANK`` plus the number of equal live scores above in the sheet, so ties rank in sheet order, which is
the workbench's tie-break (name ascending) -- the sheet says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from workbench.io.excel.cells import (
    _FMT_NORM,
    _FMT_RANK,
    _FMT_SCORE,
    _FMT_WEIGHT,
    _HELPER_FILL,
    _INPUT_BORDER,
    _INPUT_FILL,
    _NOTE_FONT,
    _TITLE_FONT,
    _print_setup,
    _score_scale,
    weight_name,
)
from workbench.io.excel.model import (
    _FIRST_DATA_ROW,
    _ROW_BEST,
    _ROW_NAME,
    _ROW_NOTE,
    _ROW_TITLE,
    _ROW_WEIGHT,
    _ROW_WORST,
    LIVE_DMINUS,
    LIVE_DPLUS,
    LIVE_RANK,
    LIVE_SCORE,
    SCORING,
    SCORING_HEADER_ROW,
    STATIC_RANK,
    STATIC_SCORE,
)

if TYPE_CHECKING:
    from workbench.io.excel.writer import _Writer

TIES_NOTE = ("Ties: the workbench orders equal scores (to 12 decimals) by name; the live rank gives equal live "
             "scores consecutive ranks in the order of this sheet, which is that name order.")


def write_scoring_sheet(self: _Writer) -> None:
    """The Scoring sheet: named weight cells, live formulas and the workbench's values side by side."""
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
    ) + "Edit the yellow weights; 'Workbench score/rank' are the authoritative computed values. " + TIES_NOTE
    ws.cell(row=_ROW_NOTE, column=1, value=note).font = _NOTE_FONT

    # weights: one named, validated input cell per criterion, plus the row name "weights"
    ws.cell(row=_ROW_WEIGHT, column=1, value="Weight (input)").font = Font(bold=True)
    ws.cell(row=_ROW_NAME, column=1, value="Name in formulas").font = _NOTE_FONT
    engine_ref = s.best is not None and s.worst is not None
    ws.cell(row=_ROW_BEST, column=1, value="Ideal (workbench)" if engine_ref else "Column best (MAX)").font = _NOTE_FONT
    ws.cell(row=_ROW_WORST, column=1, value="Anti-ideal (workbench)" if engine_ref else "Column worst (MIN)"
            ).font = _NOTE_FONT
    for j, (criterion, weight) in enumerate(zip(s.criteria, s.weights, strict=True), start=first_c):
        col = get_column_letter(j)
        cell = ws.cell(row=_ROW_WEIGHT, column=j, value=float(weight))
        cell.number_format = _FMT_WEIGHT
        cell.fill = _INPUT_FILL
        cell.border = _INPUT_BORDER
        name = self.unique_name(weight_name(criterion))
        self.define(name, SCORING, f"${col}${_ROW_WEIGHT}")
        ws.cell(row=_ROW_NAME, column=j, value=name).font = _NOTE_FONT
        for row, fn, ref in ((_ROW_BEST, "MAX", s.best), (_ROW_WORST, "MIN", s.worst)):
            helper = ws.cell(row=row, column=j)
            if ref is not None and s.worst is not None and s.best is not None:
                helper.value = float(ref[j - first_c])  # the engine's reference point (envelope of ranges)
            elif m:
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
            score = f"=IF({dp}{r}+{dm}{r}=0,1,{dm}{r}/({dp}{r}+{dm}{r}))"
        else:
            score = f"=SUMPRODUCT(weights,{row_ref})/SUM(weights)"
        rank = f"=RANK({score_col}{r},live_score,0)" + (
            f"+COUNTIF({score_col}${r0}:{score_col}{r - 1},{score_col}{r})" if r > r0 else "")
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
            ws.conditional_formatting.add(f"{L[name]}{r0}:{L[name]}{r1}", _score_scale())

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

