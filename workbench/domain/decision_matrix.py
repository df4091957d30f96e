"""From domain models to the ranking: the decision matrix and :func:`rank`.

:func:`build_decision_matrix` turns a profile and its candidates into arrays once (cache it);
:func:`rank_matrix` re-ranks on every slider move (weights, constraints, method) in a few ms;
:func:`rank` does both. Kernels and pinned conventions: :mod:`workbench.domain.scoring`.

Criteria (DESIGN.md 3 "Scoring"; order = ``models.CRITERIA``):

* the 14 capability vectors of seed 002's Capability Fit Matrix, ``Candidate.capability_value``
  (E = 1, A = 0.5, D = 0, measured evidence in [0, 1] wins), benefit;
* ``cost_per_success`` USD per successful outcome, cost (lower is better), supplied by the caller
  from the economics module (``economics.cost_per_success_for``), NaN when unknown;
* ``latency`` p95 total in ms, cost: the measured ``latency.total_p95_ms`` when evidence gave one, else
  the estimate ``ttft_p95_ms + output_tokens * k / output_tokens_per_s
  * 1000`` with ``output_tokens`` from ``profile.workload`` and ``k`` the candidate's token
  multiplier of ``profile.workload.effort_tier`` (1 when the candidate has no such tier). This adds a
  p95 TTFT to a typical decode time, so it is an estimate, not a measured p95 (seed 002, "Latency SLA":
  TTFT and total execution);
* ``context_fit`` = ``min(1, context_window / profile.context_length_tokens)``, benefit.

Quality for the Pareto frontier = weighted mean of the capability values (E/A/D scale) with the
capability weights (equal weights when every capability weight is zero).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from workbench.domain import scoring
from workbench.domain.models import (
    CAPABILITY_LABELS,
    CAPABILITY_VECTORS,
    CONTEXT_CRITERION,
    COST_CRITERION,
    CRITERIA,
    CRITERION_LABELS,
    LATENCY_CRITERION,
    LICENSE_RESTRICTION_LABELS,
    RATING_VALUE,
    REGIONS,
    TOPOLOGY_LABELS,
    Candidate,
    HardConstraints,
    LicenseRestriction,
    Modality,
    Profile,
    Topology,
)
from workbench.domain.scoring import BoolArray, FloatArray, IntArray

N_CAPABILITIES = len(CAPABILITY_VECTORS)
COST_INDEX = CRITERIA.index(COST_CRITERION)
LATENCY_INDEX = CRITERIA.index(LATENCY_CRITERION)
CONTEXT_INDEX = CRITERIA.index(CONTEXT_CRITERION)
BENEFIT: BoolArray = np.array([c not in (COST_CRITERION, LATENCY_CRITERION) for c in CRITERIA], dtype=bool)
CRITERION_UNITS: dict[str, str] = {
    **dict.fromkeys(CAPABILITY_VECTORS, "rating 0-1 (E=1, A=0.5, D=0)"),
    COST_CRITERION: "USD per successful outcome",
    LATENCY_CRITERION: "ms (estimated p95 total)",
    CONTEXT_CRITERION: "ratio 0-1 (context window / need)",
}
LATENCY_DEFINITION = (
    "p95 total ms: measured on the task where evidence gives it (latency.total_p95_ms), else estimated as "
    "ttft_p95_ms + output_tokens x effort multiplier / output_tokens_per_s x 1000"
)
QUALITY_DEFINITION = "weighted mean of capability values (E=1, A=0.5, D=0) with the capability weights"
CONTRIBUTION_KIND = {
    "wsm": "w_j x min-max normalised value; contributions add up to the score",
    "topsis": "closeness split in proportion to each criterion's squared distance from the anti-ideal "
    "(TOPSIS is not additive; this is an attribution)",
}
_MODALITIES: tuple[str, ...] = tuple(m.value for m in Modality)
_TOPOLOGIES: tuple[str, ...] = tuple(t.value for t in Topology)
_RESTRICTIONS: tuple[str, ...] = tuple(r.value for r in LicenseRestriction)
_LICENSE_PHRASES: dict[str, str] = {
    **{key: f"license {label}" for key, label in LICENSE_RESTRICTION_LABELS.items()},
    "provider_retention": "license lets the provider retain request logs",
}
_LICENSE_SHORT: dict[str, str] = {
    "professional_practice_prohibited": "professional-practice ban",
    "mau_limit": "MAU limit",
    "no_competitive_training": "no-competitive-training clause",
    "no_distillation": "no-distillation clause",
    "commercial_agreement_required": "commercial-agreement requirement",
    "litigation_termination": "litigation-termination clause",
    "provider_retention": "provider log retention",
}


class RankingInputError(ValueError):
    """Bad input to the ranking adapter (duplicate names, bad costs, unknown criteria, ...)."""


# --------------------------------------------------------------------------- formatting


def format_tokens(value: float) -> str:
    """128000 -> "128K", 131072 -> "131.1K", 1000000 -> "1M"."""
    if value >= 1e6:
        return f"{value / 1e6:.4g}M"
    if value >= 1e3:
        return f"{value / 1e3:.4g}K"
    return f"{value:.0f}"


def format_usd(value: float) -> str:
    return f"${value:,.2f}" if value >= 100 else f"${value:.4g}"


def format_ms(value: float) -> str:
    return f"{value:,.0f} ms"


def format_rating(value: float) -> str:
    for letter, v in RATING_VALUE.items():
        if value == v:
            return letter
    return f"{value:.2f}"


# --------------------------------------------------------------------------- matrix


@dataclass(frozen=True)
class DecisionMatrix:
    """Candidates x criteria as arrays (read-only), plus the arrays the hard constraints need."""

    names: tuple[str, ...]
    criteria: tuple[str, ...]
    values: FloatArray  #: m x n raw values, NaN = unknown
    benefit: BoolArray  #: n
    name_key: IntArray  #: tie-break key (position in name order)
    context_window: FloatArray  #: m tokens, NaN unknown
    modalities: BoolArray  #: m x len(Modality)
    modalities_known: BoolArray
    topologies: BoolArray  #: m x len(Topology)
    topologies_known: BoolArray
    regions: BoolArray  #: m x len(REGIONS)
    regions_known: BoolArray
    restrictions: BoolArray  #: m x len(LicenseRestriction)
    license_known: BoolArray
    open_weights: BoolArray
    context_need_tokens: int
    output_tokens: int

    @property
    def size(self) -> int:
        return len(self.names)

    def column(self, criterion: str) -> FloatArray:
        return self.values[:, self.criteria.index(criterion)]


def _readonly(a: np.ndarray) -> Any:
    a.flags.writeable = False
    return a


def _costs_array(candidates: Sequence[Candidate],
                 cost_per_success: Mapping[str, float | None] | Sequence[float | None] | np.ndarray | None
                 ) -> FloatArray:
    m = len(candidates)
    if cost_per_success is None:
        return np.full(m, np.nan)
    if isinstance(cost_per_success, Mapping):
        raw = [cost_per_success.get(c.name) for c in candidates]
    else:
        raw = list(cost_per_success)
        if len(raw) != m:
            raise RankingInputError(f"cost_per_success has {len(raw)} values for {m} candidates")
    out = np.array([np.nan if v is None else float(v) for v in raw], dtype=np.float64)
    bad = np.flatnonzero(np.isinf(out) | (out < 0))
    if bad.size:
        i = int(bad[0])
        raise RankingInputError(
            f"cost_per_success of {candidates[i].name!r} must be a finite number >= 0, got {out[i]}")
    return out


def build_decision_matrix(
    profile: Profile,
    candidates: Sequence[Candidate],
    cost_per_success: Mapping[str, float | None] | Sequence[float | None] | np.ndarray | None = None,
) -> DecisionMatrix:
    """Arrays for ranking ``candidates`` against ``profile`` (criteria: module docstring).

    ``cost_per_success`` maps candidate name -> USD per successful outcome (or is aligned with
    ``candidates``); a missing or None entry is unknown (NaN) and is imputed at ranking time.
    Names not among the candidates are ignored. Raises :class:`RankingInputError` on duplicate
    candidate names or a negative/infinite cost.
    """
    names = tuple(c.name for c in candidates)
    if len(set(names)) != len(names):
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise RankingInputError(f"candidate name {name!r} appears twice; names identify rows")
            seen.add(name)
    m, n = len(candidates), len(CRITERIA)
    values = np.full((m, n), np.nan)
    context = np.full(m, np.nan)
    ttft = np.full(m, np.nan)
    tps = np.full(m, np.nan)
    effort = np.ones(m)
    modalities = np.zeros((m, len(_MODALITIES)), dtype=bool)
    topologies = np.zeros((m, len(_TOPOLOGIES)), dtype=bool)
    regions = np.zeros((m, len(REGIONS)), dtype=bool)
    restrictions = np.zeros((m, len(_RESTRICTIONS)), dtype=bool)
    license_known = np.zeros(m, dtype=bool)
    open_weights = np.zeros(m, dtype=bool)
    tier = profile.workload.effort_tier
    # Gathering fields from pydantic objects is inherently per candidate; it runs once per
    # catalog change (cache the DecisionMatrix). Everything after this is vectorised.
    measured_p95 = np.full(len(candidates), np.nan)
    for i, c in enumerate(candidates):
        for j, vector in enumerate(CAPABILITY_VECTORS):
            v = c.capability_value(vector)
            if v is not None:
                values[i, j] = v
        if c.context_window is not None:
            context[i] = c.context_window
        if c.latency.ttft_p95_ms is not None:
            ttft[i] = c.latency.ttft_p95_ms
        if c.latency.output_tokens_per_s is not None:
            tps[i] = c.latency.output_tokens_per_s
        if c.latency.total_p95_ms is not None:
            measured_p95[i] = c.latency.total_p95_ms
        if tier is not None:
            for t in c.effort_tiers:
                if t.name == tier:
                    effort[i] = t.token_multiplier
        for mod in c.modalities:
            modalities[i, _MODALITIES.index(mod.value)] = True
        for top in c.topologies:
            topologies[i, _TOPOLOGIES.index(top.value)] = True
        for region in c.regions:
            regions[i, REGIONS.index(region)] = True
        if c.license is not None:
            license_known[i] = True
            for r in c.license.restrictions:
                restrictions[i, _RESTRICTIONS.index(r.value)] = True
        open_weights[i] = c.open_weights
    values[:, COST_INDEX] = _costs_array(candidates, cost_per_success)
    estimate = ttft + profile.workload.output_tokens * effort / tps * 1000.0
    values[:, LATENCY_INDEX] = np.where(np.isnan(measured_p95), estimate, measured_p95)
    values[:, CONTEXT_INDEX] = np.minimum(1.0, context / profile.context_length_tokens)
    return DecisionMatrix(
        names=names,
        criteria=CRITERIA,
        values=_readonly(np.asfortranarray(values)),
        benefit=_readonly(BENEFIT.copy()),
        name_key=_readonly(scoring.name_order_key(names)),
        context_window=_readonly(context),
        modalities=_readonly(modalities),
        modalities_known=_readonly(np.asarray(modalities.any(axis=1), dtype=bool)),
        topologies=_readonly(topologies),
        topologies_known=_readonly(np.asarray(topologies.any(axis=1), dtype=bool)),
        regions=_readonly(regions),
        regions_known=_readonly(np.asarray(regions.any(axis=1), dtype=bool)),
        restrictions=_readonly(restrictions),
        license_known=_readonly(license_known),
        open_weights=_readonly(open_weights),
        context_need_tokens=profile.context_length_tokens,
        output_tokens=profile.workload.output_tokens,
    )


# --------------------------------------------------------------------------- constraints


def _mask(items: Sequence[str], chosen: Sequence[str]) -> BoolArray:
    wanted = {str(x) for x in chosen}
    return np.array([it in wanted for it in items], dtype=bool)


def constraint_checks(dm: DecisionMatrix, constraints: HardConstraints) -> list[scoring.Check]:
    """The hard constraints as vectorised checks over ``dm`` (unknown values fail: fail closed).

    Residency: the candidate must offer one of the required regions; a candidate offering "any"
    satisfies every region; a requirement that lists "any" is no requirement. Topology: one of the
    allowed topologies. Modalities: all required ones. Licence: none of the forbidden restrictions
    (an unknown licence fails).
    """
    checks: list[scoring.Check] = []
    for vector, rating in sorted(constraints.min_rating.items()):
        j = CAPABILITY_VECTORS.index(vector)
        checks.append(scoring.ThresholdCheck(
            key=f"min_rating.{vector}", label=CAPABILITY_LABELS[vector].lower(), values=dm.values[:, j],
            threshold=RATING_VALUE[rating], kind="min", fmt=format_rating))
    if constraints.required_modalities:
        checks.append(scoring.SetCheck(
            key="required_modalities", label="modalities", offered=dm.modalities, known=dm.modalities_known,
            wanted=_mask(_MODALITIES, [m.value for m in constraints.required_modalities]), mode="all",
            items=_MODALITIES))
    if constraints.min_context_tokens is not None:
        checks.append(scoring.ThresholdCheck(
            key="min_context_tokens", label="context", values=dm.context_window,
            threshold=float(constraints.min_context_tokens), kind="min", fmt=format_tokens))
    if constraints.max_cost_per_success_usd is not None:
        checks.append(scoring.ThresholdCheck(
            key="max_cost_per_success_usd", label="cost per success", values=dm.values[:, COST_INDEX],
            threshold=constraints.max_cost_per_success_usd, kind="max", word="max", fmt=format_usd))
    if constraints.max_p95_latency_ms is not None:
        checks.append(scoring.ThresholdCheck(
            key="max_p95_latency_ms", label="p95 latency", values=dm.values[:, LATENCY_INDEX],
            threshold=constraints.max_p95_latency_ms, kind="max", word="SLA", fmt=format_ms))
    if constraints.allowed_topologies:
        checks.append(scoring.SetCheck(
            key="allowed_topologies", label="topology", offered=dm.topologies, known=dm.topologies_known,
            wanted=_mask(_TOPOLOGIES, [t.value for t in constraints.allowed_topologies]), mode="any",
            items=tuple(TOPOLOGY_LABELS[t].lower() for t in _TOPOLOGIES), word="allowed"))
    required_regions = [r for r in constraints.data_residency if r != "any"]
    if required_regions and len(required_regions) == len(constraints.data_residency):
        any_col = REGIONS.index("any")
        wanted = _mask(REGIONS, required_regions)
        offered = dm.regions | dm.regions[:, [any_col]]  # offering "any" covers every region
        checks.append(scoring.SetCheck(
            key="data_residency", label="residency", offered=offered, known=dm.regions_known,
            wanted=wanted, mode="any", items=REGIONS, shown=dm.regions))
    if constraints.forbidden_license_restrictions:
        checks.append(scoring.ForbiddenCheck(
            key="forbidden_license_restrictions", label="license", present=dm.restrictions,
            known=dm.license_known,
            forbidden=_mask(_RESTRICTIONS, [r.value for r in constraints.forbidden_license_restrictions]),
            phrases=tuple(_LICENSE_PHRASES[r] for r in _RESTRICTIONS),
            short=tuple(_LICENSE_SHORT.get(r, r.replace("_", " ")) for r in _RESTRICTIONS)))
    if constraints.open_weights_only:
        checks.append(scoring.FlagCheck(
            key="open_weights_only", requirement="open weights only", failing=~dm.open_weights,
            reason="weights: closed, required open weights"))
    return checks


def constraints_from_profile(profile: Profile) -> HardConstraints:
    """The profile's constraints tightened by its own dimensions (a starting point for widgets).

    Adds the profile's required modalities, total p95 latency SLA, cost ceiling per success,
    allowed topologies and data residency where the constraints leave them open. :func:`rank`
    does not call this: it ranks with exactly the constraints it is given.
    """
    c = profile.constraints
    modalities = list(dict.fromkeys([*c.required_modalities, *profile.required_modalities]))
    return c.model_copy(update={
        "required_modalities": modalities,
        "max_p95_latency_ms": c.max_p95_latency_ms or profile.latency_sla.total_p95_ms,
        "max_cost_per_success_usd": c.max_cost_per_success_usd or profile.cost_ceiling_per_success_usd,
        "allowed_topologies": c.allowed_topologies or list(profile.privacy.allowed_topologies),
        "data_residency": c.data_residency or list(profile.privacy.data_residency),
    })


# --------------------------------------------------------------------------- result


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RankedRow(_Out):
    name: str
    rank: int = Field(description="1-based position after the deterministic tie-break")
    score: float
    tied: bool = Field(description="same score (to 12 decimals) as the row above; order then by name")
    contributions: dict[str, float]
    normalised: dict[str, float]
    values: dict[str, float | None] = Field(description="raw criterion values; None = unknown")
    imputed: list[str] = Field(description="criteria whose unknown value was imputed (worst observed)")
    quality: float
    cost_per_success: float | None
    latency_p95_ms: float | None
    pareto: bool


class ExcludedCandidate(_Out):
    name: str
    reasons: list[str]
    constraints: list[str]


class ImputationNote(_Out):
    criterion: str
    label: str
    weight: float = Field(description="normalised weight of the criterion (0 = it does not affect the score)")
    candidates: list[str]
    fill_value: float | None
    note: str


class ConstraintImpactOut(_Out):
    key: str
    requirement: str
    excluded: int
    sole_blocker: int


class ParetoUnplaced(_Out):
    name: str
    missing: list[str]


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
    contribution_kind: str
    latency_definition: str
    quality_definition: str
    criteria: list[str]
    criterion_labels: dict[str, str]
    directions: dict[str, Literal["benefit", "cost"]]
    weights: dict[str, float] = Field(description="normalised to sum to 1")
    candidate_count: int
    rows: list[RankedRow]
    excluded: list[ExcludedCandidate]
    pareto: list[str]
    pareto_unplaced: list[ParetoUnplaced]
    imputations: list[ImputationNote]
    constraints: list[ConstraintImpactOut] = Field(description="tightest first")
    empty_state: str | None = None

    @property
    def winner(self) -> str | None:
        return self.rows[0].name if self.rows else None

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, allow_nan=False)


def _round_array(a: FloatArray) -> Any:
    """``_r`` over a whole array, as nested Python floats."""
    return (np.round(a, 12) + 0.0).tolist()


def _r(x: float) -> float:
    v = round(float(x), scoring.TIE_DECIMALS)
    return 0.0 if v == 0 else v  # no "-0.0"


def _opt(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def weights_vector(weights: Mapping[str, float], criteria: Sequence[str] = CRITERIA) -> FloatArray:
    """Weights in criterion order (missing = 0); unknown names raise :class:`RankingInputError`."""
    unknown = sorted(set(weights) - set(criteria))
    if unknown:
        raise RankingInputError(f"unknown criterion/criteria in weights: {', '.join(unknown)}")
    return np.array([float(weights.get(c, 0.0)) for c in criteria], dtype=np.float64)


@dataclass(frozen=True)
class Prepared:
    """The feasible, imputed matrix a method and SMAA work on."""

    index: IntArray  #: feasible candidate indices into the DecisionMatrix
    imputation: scoring.Imputation
    weights: FloatArray  #: normalised
    evaluation: scoring.ConstraintEvaluation


def prepare(dm: DecisionMatrix, weights: Mapping[str, float], constraints: HardConstraints,
            extra_checks: Sequence[scoring.Check] = ()) -> Prepared:
    """Validate weights, evaluate constraints, impute the feasible candidates' missing values.

    ``extra_checks`` are constraints computed outside this module over the same candidates
    (the GPU memory fit of ``constraints.gpu_fit``: see ``gpu_constraint.gpu_fit_check``).
    """
    w = scoring.normalise_weights(weights_vector(weights, dm.criteria), dm.criteria)
    checks = [*constraint_checks(dm, constraints), *extra_checks]
    evaluation = scoring.evaluate_constraints(checks, dm.size)
    index = np.flatnonzero(evaluation.feasible).astype(np.intp)
    imputation = scoring.impute_worst(scoring.take_rows(dm.values, index), dm.benefit)
    return Prepared(index, imputation, w, evaluation)


def _quality(filled_caps: FloatArray, cap_weights: FloatArray) -> FloatArray:
    total = cap_weights.sum()
    cw = cap_weights / total if total > 0 else np.full(cap_weights.shape, 1.0 / cap_weights.size)
    return filled_caps @ cw


def _empty_state(impacts: list[scoring.ConstraintImpact], total: int) -> str:
    top = [it for it in impacts if it.excluded > 0][:3]
    parts = [f"{it.requirement} excludes {it.excluded} of {total}"
             + (f" ({it.sole_blocker} by itself)" if it.sole_blocker else "") for it in top]
    return "No candidate meets every hard constraint. Tightest: " + "; ".join(parts) + "."


def _pareto_objectives(quality: FloatArray, raw: FloatArray) -> tuple[FloatArray, tuple[str, ...]]:
    """Pareto objectives (quality up, cost per success down, p95 latency down).

    An objective no ranked candidate has a value for (e.g. latency before any is measured) is left
    out, so the frontier is drawn on the objectives that are known rather than on none.
    """
    columns, names = [quality], ["quality"]
    for index, name in ((COST_INDEX, COST_CRITERION), (LATENCY_INDEX, LATENCY_CRITERION)):
        if raw.shape[0] and not np.isnan(raw[:, index]).all():
            columns.append(raw[:, index])
            names.append(name)
    return np.column_stack(columns), tuple(names)


def rank_matrix(dm: DecisionMatrix, weights: Mapping[str, float], constraints: HardConstraints,
                method: str = "wsm", extra_checks: Sequence[scoring.Check] = ()) -> RankingResult:
    """Rank the candidates of ``dm``: constraints -> imputation -> normalisation -> method -> order.

    Raises ``ValueError`` (:class:`scoring.ScoringError`) for all-zero or negative weights or an
    unknown method, :class:`RankingInputError` for unknown criteria.
    """
    if method not in scoring.METHODS:
        raise scoring.ScoringError(f"unknown method {method!r}; use one of {', '.join(scoring.METHODS)}")
    prep = prepare(dm, weights, constraints, extra_checks)
    idx, imp, w = prep.index, prep.imputation, prep.weights
    out = scoring.score(method, imp.filled, dm.benefit, w, inert=imp.all_missing)
    ordering = scoring.rank_order(out.scores, dm.name_key[idx])
    quality = _quality(imp.filled[:, :N_CAPABILITIES], w[:N_CAPABILITIES])
    raw = dm.values[idx]
    pareto_obj, axis_names = _pareto_objectives(quality, raw)
    on_front = scoring.pareto_front(pareto_obj, [True] + [False] * (pareto_obj.shape[1] - 1))

    crit = list(dm.criteria)
    # Round whole arrays once (per-value Python rounding dominated at 500 candidates); "+ 0.0"
    # normalises -0.0. Unknown raw values become None.
    scores_r = _round_array(out.scores)
    contributions_r = _round_array(out.contributions)
    normalised_r = _round_array(out.normalised)
    quality_r = _round_array(quality)
    raw_list = [[None if v != v else v for v in row] for row in raw.tolist()]
    rows: list[RankedRow] = []
    for pos in ordering.order.tolist():
        i = int(idx[pos])
        values = raw_list[pos]
        rows.append(RankedRow.model_construct(
            name=dm.names[i], rank=int(ordering.rank[pos]), score=scores_r[pos],
            tied=bool(ordering.tied[pos]),
            contributions=dict(zip(crit, contributions_r[pos], strict=True)),
            normalised=dict(zip(crit, normalised_r[pos], strict=True)),
            values=dict(zip(crit, values, strict=True)),
            imputed=[crit[j] for j in np.flatnonzero(imp.imputed[pos])],
            quality=quality_r[pos], cost_per_success=values[COST_INDEX],
            latency_p95_ms=values[LATENCY_INDEX], pareto=bool(on_front[pos])))

    ev = prep.evaluation
    excluded = [ExcludedCandidate(name=dm.names[i], reasons=ev.reasons(int(i)), constraints=ev.violated_keys(int(i)))
                for i in sorted(np.flatnonzero(~ev.feasible), key=lambda k: dm.name_key[k])]
    name_order = np.argsort(dm.name_key[idx], kind="stable")
    pareto = [dm.names[int(idx[p])] for p in name_order if on_front[p]]
    nan_obj = np.isnan(pareto_obj)
    unplaced = [ParetoUnplaced(name=dm.names[int(idx[p])], missing=[axis_names[k] for k in np.flatnonzero(nan_obj[p])])
                for p in name_order if nan_obj[p].any()]
    notes: list[ImputationNote] = []
    for j in np.flatnonzero(imp.imputed.any(axis=0)):
        who = [dm.names[int(idx[p])] for p in name_order if imp.imputed[p, j]]
        criterion = crit[j]
        if imp.all_missing[j]:
            note = f"no ranked candidate has {CRITERION_LABELS[criterion].lower()}; it contributes 0 to everyone"
        else:
            fill = float(imp.fill_values[j])
            note = (f"unknown for {len(who)} candidate(s): scored as the worst observed value "
                    f"{fill:.6g} ({CRITERION_UNITS[criterion]})")
        notes.append(ImputationNote(criterion=criterion, label=CRITERION_LABELS[criterion], weight=_r(w[j]),
                                    candidates=who,
                                    fill_value=_opt(float(imp.fill_values[j])), note=note))
    impacts = ev.impacts()
    return RankingResult(
        method=method,
        method_label=scoring.METHOD_LABELS[method],
        normalisation=scoring.NORMALISATION[method],
        normalisation_detail=scoring.NORMALISATION_LABELS[scoring.NORMALISATION[method]],
        tie_break=scoring.TIE_BREAK_RULE,
        imputation_policy=scoring.IMPUTATION_POLICY,
        contribution_kind=CONTRIBUTION_KIND[method],
        latency_definition=LATENCY_DEFINITION,
        quality_definition=QUALITY_DEFINITION,
        criteria=crit,
        criterion_labels={c: CRITERION_LABELS[c] for c in crit},
        directions={c: ("benefit" if b else "cost") for c, b in zip(crit, dm.benefit.tolist(), strict=True)},
        weights={c: _r(v) for c, v in zip(crit, w.tolist(), strict=True)},
        candidate_count=dm.size,
        rows=rows,
        excluded=excluded,
        pareto=pareto,
        pareto_unplaced=unplaced,
        imputations=notes,
        constraints=[ConstraintImpactOut(key=it.key, requirement=it.requirement, excluded=it.excluded,
                                         sole_blocker=it.sole_blocker) for it in impacts],
        empty_state=_empty_state(impacts, dm.size) if dm.size and not rows else None,
    )


def rank(
    profile: Profile,
    candidates: Sequence[Candidate],
    method: str = "wsm",
    cost_per_success: Mapping[str, float | None] | Sequence[float | None] | np.ndarray | None = None,
    weights_override: Mapping[str, float] | None = None,
    constraints_override: HardConstraints | None = None,
) -> RankingResult:
    """Rank ``candidates`` for ``profile``.

    Weights: ``profile.weights`` updated with ``weights_override`` (a partial mapping is merged).
    Constraints: ``constraints_override`` if given, else ``profile.constraints`` (as is; see
    :func:`constraints_from_profile` to fold in the profile's own dimensions).
    """
    dm = build_decision_matrix(profile, candidates, cost_per_success)
    weights = {**profile.weights, **(weights_override or {})}
    constraints = constraints_override if constraints_override is not None else profile.constraints
    return rank_matrix(dm, weights, constraints, method)
