"""The ranking's output models (JSON shape of ``workbench rank --json``; docs/ranking.md documents it)."""

from __future__ import annotations

import json
import math
from typing import Any, Literal, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from workbench.domain.scoring import TIE_DECIMALS
from workbench.domain.scoring_types import FloatArray

CostBasis = Literal["api", "self_hosted", "unknown"]
_M = TypeVar("_M", bound=BaseModel)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RankedRow(_Out):
    name: str
    rank: int = Field(description="1-based position after the deterministic tie-break")
    score: float = Field(description="point score: known values, unknowns at the midpoint of their range")
    score_range: list[float] = Field(description="[worst, best] score over this candidate's own unknowns")
    rank_range: list[int] = Field(description="[best, worst] possible rank given every candidate's score range")
    rank_depends_on_unknowns: bool
    completeness: float = Field(description="share of weighted criteria whose value is known (0-1)")
    unknown: list[str] = Field(description="weighted criteria whose value is unknown (scored as a range)")
    tied: bool = Field(description="same score (to 12 decimals) as the row above; order then by name")
    contributions: dict[str, float]
    normalised: dict[str, float]
    values: dict[str, float | None] = Field(description="raw criterion values; None = unknown")
    quality: float
    cost_per_success: float | None
    cost_basis: CostBasis = Field(description="api: vendor price; self_hosted: GPU cost; unknown: a range")
    cost_api: float | None = Field(description="USD per success at the vendor's API price, where priced")
    cost_self_hosted: float | None = Field(description="USD per success self-hosted on GPUs, where computable")
    latency_p95_ms: float | None
    pareto: bool


class ExcludedCandidate(_Out):
    name: str
    reasons: list[str]
    constraints: list[str]


class UnknownNote(_Out):
    """One criterion with unknown values: which candidates, and the range they are scored over."""

    criterion: str
    label: str
    weight: float = Field(description="normalised weight of the criterion (0 = it does not affect the score)")
    candidates: list[str]
    range: list[float] | None = Field(description="[low, high] plausible range; None = no data anywhere")
    note: str


class DataGap(_Out):
    """Per candidate: its unknown weighted criteria and what would resolve each."""

    name: str
    completeness: float
    known: int
    weighted: int
    unknown: list[str]
    resolve: dict[str, str]


class ConstraintImpactOut(_Out):
    key: str
    requirement: str
    excluded: int
    sole_blocker: int


class ParetoUnplaced(_Out):
    name: str
    missing: list[str]


class UnknownPolicyOut(_Out):
    mode: Literal["range", "exclude"]
    min_completeness: float | None = Field(description="exclusion threshold (mode exclude only)")
    source: str = Field(description="'profile' when stated, else 'risk default'")


class TippingPoint(_Out):
    """The change that swaps the winner and ``candidate`` (weights: WSM stability interval)."""

    kind: Literal["weight", "price"]
    criterion: str = Field(description="criterion key, or 'output_price' / 'cost_per_success'")
    candidate: str = Field(description="the challenger (2nd or 3rd)")
    current: float
    threshold: float | None = Field(description="value at which they swap; None = no change in range swaps them")
    interval: list[float | None] | None = Field(
        default=None, description="weights: [low, high] raw weight keeping the winner ahead (None = unbounded)")
    text: str


class TiedWith(_Out):
    name: str
    basis: str = Field(description="'exact McNemar (Holm)' or 'intervals overlap'")
    p_value: float | None = None


class RankingResult(_Out):
    """A ranking: ordered rows, exclusions with reasons, Pareto set, and every convention used.

    JSON shape = ``model_dump(mode="json")``; :meth:`to_json` gives canonical bytes (sorted keys),
    bit-identical for the same inputs (scores rounded to 12 decimals, the tie precision).
    """

    method: Literal["wsm", "topsis"]
    method_label: str
    normalisation: str
    normalisation_detail: str
    tie_break: str
    imputation_policy: str
    unknown_policy: UnknownPolicyOut
    contribution_kind: str
    latency_definition: str
    quality_definition: str
    criteria: list[str]
    criterion_labels: dict[str, str]
    directions: dict[str, Literal["benefit", "cost"]]
    weights: dict[str, float] = Field(description="normalised to sum to 1")
    reference: dict[str, list[float]] = Field(
        description="per criterion [ideal, anti-ideal] in the method's normalised units (WSM min-max; TOPSIS vector)")
    candidate_count: int
    rows: list[RankedRow]
    excluded: list[ExcludedCandidate]
    pareto: list[str]
    pareto_unplaced: list[ParetoUnplaced]
    unknowns: list[UnknownNote]
    data_gaps: list[DataGap]
    constraints: list[ConstraintImpactOut] = Field(description="tightest first")
    winners: dict[str, str | None] = Field(description="winner under each method: {wsm, topsis}")
    methods_agree: bool
    tipping_points: list[TippingPoint]
    field_enforcement: dict[str, str]
    empty_state: str | None = None

    @property
    def winner(self) -> str | None:
        return self.rows[0].name if self.rows else None

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, allow_nan=False)


def construct(cls: type[_M], values: dict[str, Any]) -> _M:
    """``cls.model_construct(**values)`` without its per-field loop, for rows built by the engine itself.

    ``values`` must hold every field (the engine sets them all). pydantic's ``model_construct`` walks the
    field list for defaults and aliases on every call, which dominated ranking 500 candidates.
    """
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def round_array(a: FloatArray) -> Any:
    """:func:`r` over a whole array, as nested Python floats."""
    return (np.round(a, TIE_DECIMALS) + 0.0).tolist()


def r(x: float) -> float:
    v = round(float(x), TIE_DECIMALS)
    return 0.0 if v == 0 else v  # no "-0.0"


def opt(x: float) -> float | None:
    return None if math.isnan(x) else float(x)
