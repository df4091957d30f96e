"""Input model of the decision workbook (plain data) and the live-score check, with the domain's kernels."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.domain.models import CRITERION_LABELS, CapabilityRating, check_capability_vectors
from workbench.domain.scoring import closeness_of_normalised, weighted_sum_of_normalised

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

    ``matrix[i, j]`` is candidate ``i``'s normalised value on criterion ``j``, >= 0 and
    higher-is-better (cost and latency already inverted). For TOPSIS it must be the matrix the
    distances were measured on, with ``best`` / ``worst`` the engine's ideal and anti-ideal (default:
    column max / min), otherwise the live TOPSIS formulas will differ from ``scores``; the writer
    notes any such difference.
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
    best: np.ndarray | None = None  #: reference row per criterion (the engine's ideal); None = column MAX
    worst: np.ndarray | None = None  #: the engine's anti-ideal; None = column MIN
    criterion_labels: dict[str, str] = Field(default_factory=dict)

    @field_validator("weights", "scores", mode="before")
    @classmethod
    def _vec(cls, value: Any, info: Any) -> np.ndarray:
        return _as_float_array(value, 1, info.field_name)

    @field_validator("best", "worst", mode="before")
    @classmethod
    def _ref(cls, value: Any, info: Any) -> np.ndarray | None:
        return None if value is None else _as_float_array(value, 1, info.field_name)

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
        bad_cells = np.argwhere(~np.isfinite(self.matrix) | (self.matrix < -1e-9))
        if bad_cells.size:
            i, j = (int(v) for v in bad_cells[0])
            raise ValueError(
                f"scoring.matrix row {i} (candidate {self.candidates[i]!r}), criterion {self.criteria[j]!r}: "
                f"{self.matrix[i, j]!r} is not a normalised value (finite, >= 0)"
            )
        for field, arr in (("scores", self.scores), ("ranks", self.ranks)):
            if arr.shape != (m,):
                raise ValueError(f"scoring.{field}: expected {m} values (one per candidate), got {arr.size}")
        for field, ref in (("best", self.best), ("worst", self.worst)):
            if ref is not None and (ref.shape != (n,) or not np.all(np.isfinite(ref))):
                raise ValueError(f"scoring.{field}: expected {n} finite reference values (one per criterion)")
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


def reference_rows(s: ScoringTable) -> tuple[np.ndarray, np.ndarray]:
    """The TOPSIS ideal and anti-ideal rows the sheet uses: the engine's, else the column max / min."""
    m = s.matrix
    best = s.best if s.best is not None else (m.max(axis=0) if m.shape[0] else np.ones(m.shape[1]))
    worst = s.worst if s.worst is not None else (m.min(axis=0) if m.shape[0] else np.zeros(m.shape[1]))
    return best, worst


def live_scores(data: DecisionWorkbook, weights: np.ndarray | None = None) -> np.ndarray:
    """What the Scoring sheet's live score formulas evaluate to (optionally with other weights),
    computed by the domain's kernels (``scoring.weighted_sum_of_normalised`` /
    ``scoring.closeness_of_normalised``): one implementation of each method."""
    s = data.scoring
    w = s.weights if weights is None else np.asarray(weights, dtype=float)
    if data.method == "topsis":
        best, worst = reference_rows(s)
        return closeness_of_normalised(s.matrix, w, best, worst)
    return weighted_sum_of_normalised(s.matrix, w)
