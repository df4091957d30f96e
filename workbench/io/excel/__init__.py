"""Excel decision matrix: the workbook architects take into review meetings.

One ``.xlsx`` with the sheets Summary, Capability Fit, Scoring, Constraints and, when given,
Economics, GPU Fit and Evidence (DESIGN section 5).

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
      (Hwang & Yoon 1981) against the engine's reference rows ``x+`` / ``x-`` (its ideal and
      anti-ideal: the column max / min, or the envelope of the unknowns' ranges)::

          w~_j  = w_j / sum(w)
          D+_i  = sqrt( sum_j w~_j^2 (x_ij - x+_j)^2 )
          D-_i  = sqrt( sum_j w~_j^2 (x_ij - x-_j)^2 )
          C_i   = D-_i / (D+_i + D-_i)      (1 when D+ + D- = 0, as the engine)

      written as live formulas too (helper rows hold the reference points). The numpy twin is the
      domain's own kernel (``scoring.closeness_of_normalised``), not a copy.
    * Rank: ``RANK(score, all scores, 0)`` plus the equal scores above it in the sheet, so ties rank
      in sheet order = the workbench's tie-break (name ascending).

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

from workbench.io.excel.cells import clean_text, weight_name, write_text
from workbench.io.excel.model import (
    DANGEROUS_PREFIXES,
    EXCEL_MAX_CHARS,
    LIVE_RANK,
    LIVE_SCORE,
    SCORING_HEADER_ROW,
    SHEET_NAMES,
    STATIC_RANK,
    STATIC_SCORE,
    CapabilityRow,
    ConstraintRow,
    DecisionWorkbook,
    ScoringTable,
    live_scores,
    reference_rows,
)
from workbench.io.excel.writer import (
    build_decision_workbook,
    decision_workbook_bytes,
    write_decision_workbook,
)

__all__ = [
    "DANGEROUS_PREFIXES",
    "EXCEL_MAX_CHARS",
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
    "reference_rows",
    "weight_name",
    "write_decision_workbook",
    "write_text",
]
