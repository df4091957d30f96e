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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.domain import money, requirements, scoring, unknowns
from workbench.domain.checks import Check, FlagCheck, ForbiddenCheck, SetCheck, ThresholdCheck
from workbench.domain.models import (
    CAPABILITY_LABELS,
    CAPABILITY_VECTORS,
    CONTEXT_CRITERION,
    COST_CRITERION,
    CRITERIA,
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
    """USD per successful outcome in a constraint reason: :func:`workbench.domain.money.usd_per_success`."""
    return money.usd_per_success(value)


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
    range_lower: FloatArray | None = None  #: m x n plausible lower bound of each cell (unknowns.cell_ranges)
    range_upper: FloatArray | None = None  #: m x n plausible upper bound
    cost_basis: tuple[str, ...] = ()  #: per candidate "api" | "self_hosted" | "unknown" (empty: from values)
    cost_api: FloatArray | None = None  #: m USD per success at the API price (NaN unknown)
    cost_self_hosted: FloatArray | None = None  #: m USD per success self-hosted (NaN unknown)
    profile_checks: tuple[Check, ...] = ()  #: checks from the profile's own fields (requirements)
    privacy_topologies: tuple[str, ...] = ()  #: profile.privacy.allowed_topologies (enforced)
    privacy_regions: tuple[str, ...] = ()  #: profile.privacy.data_residency without "any" (enforced)
    unknown_mode: str = "range"  #: profile.unknown_mode()
    unknown_mode_source: str = "risk default"
    min_completeness: float = 0.75

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


def _unique_names(candidates: Sequence[Candidate]) -> tuple[str, ...]:
    names = tuple(c.name for c in candidates)
    if len(set(names)) != len(names):
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise RankingInputError(f"candidate name {name!r} appears twice; names identify rows")
            seen.add(name)
    return names


def build_decision_matrix(
    profile: Profile,
    candidates: Sequence[Candidate],
    cost_per_success: Mapping[str, float | None] | Sequence[float | None] | np.ndarray | None = None,
    *,
    cost_basis: Sequence[str] | None = None,
    cost_api: Sequence[float | None] | np.ndarray | None = None,
    cost_self_hosted: Sequence[float | None] | np.ndarray | None = None,
) -> DecisionMatrix:
    """Arrays for ranking ``candidates`` against ``profile`` (criteria: module docstring).

    ``cost_per_success`` maps candidate name -> USD per successful outcome (or is aligned with
    ``candidates``); a missing or None entry is unknown (NaN) and is scored as a range at ranking
    time. ``cost_basis`` says per candidate where the figure comes from ("api", "self_hosted",
    "unknown"; default: "api" where a cost is given); ``cost_api`` / ``cost_self_hosted`` carry both
    figures where both exist. Names not among the candidates are ignored. Raises
    :class:`RankingInputError` on duplicate candidate names or a negative/infinite cost.
    """
    names = _unique_names(candidates)
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
    lower, upper = unknowns.cell_ranges(values, CRITERIA)
    cost = values[:, COST_INDEX]
    basis = tuple(cost_basis) if cost_basis is not None else tuple(
        "unknown" if math.isnan(v) else "api" for v in cost.tolist())
    if len(basis) != m:
        raise RankingInputError(f"cost_basis has {len(basis)} entries for {m} candidates")
    profile_checks = requirements.profile_checks(
        profile, list(candidates), context, values[:, CAPABILITY_VECTORS.index("multilingual_coverage")])
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
        range_lower=_readonly(lower),
        range_upper=_readonly(upper),
        cost_basis=basis,
        cost_api=_readonly(_optional_costs(cost_api, m, cost, basis, "api")),
        cost_self_hosted=_readonly(_optional_costs(cost_self_hosted, m, cost, basis, "self_hosted")),
        profile_checks=tuple(profile_checks),
        privacy_topologies=tuple(t.value for t in profile.privacy.allowed_topologies),
        privacy_regions=tuple(r for r in profile.privacy.data_residency if r != "any")
        if "any" not in profile.privacy.data_residency else (),
        unknown_mode=profile.unknown_mode(),
        unknown_mode_source="profile" if profile.unknown_policy.mode is not None else "risk default",
        min_completeness=profile.unknown_policy.min_completeness,
    )


def _optional_costs(given: Sequence[float | None] | np.ndarray | None, m: int, cost: FloatArray,
                    basis: tuple[str, ...], kind: str) -> FloatArray:
    if given is None:
        return np.where(np.array([b == kind for b in basis], dtype=bool), cost, np.nan) if m else np.zeros(0)
    out = np.array([np.nan if v is None else float(v) for v in given], dtype=np.float64)
    if out.shape != (m,):
        raise RankingInputError(f"{kind} costs have {out.shape[0]} values for {m} candidates")
    return out


# --------------------------------------------------------------------------- constraints


def _mask(items: Sequence[str], chosen: Sequence[str]) -> BoolArray:
    wanted = {str(x) for x in chosen}
    return np.array([it in wanted for it in items], dtype=bool)


def constraint_checks(dm: DecisionMatrix, constraints: HardConstraints) -> list[Check]:
    """The hard constraints as vectorised checks over ``dm`` (unknown values fail: fail closed).

    Residency: the candidate must offer one of the required regions; a candidate offering "any"
    satisfies every region; a requirement that lists "any" is no requirement. Topology: one of the
    allowed topologies. Modalities: all required ones. Licence: none of the forbidden restrictions
    (an unknown licence fails).
    """
    checks: list[Check] = []
    for vector, rating in sorted(constraints.min_rating.items()):
        j = CAPABILITY_VECTORS.index(vector)
        checks.append(ThresholdCheck(
            key=f"min_rating.{vector}", label=CAPABILITY_LABELS[vector].lower(), values=dm.values[:, j],
            threshold=RATING_VALUE[rating], kind="min", fmt=format_rating))
    if constraints.required_modalities:
        checks.append(SetCheck(
            key="required_modalities", label="modalities", offered=dm.modalities, known=dm.modalities_known,
            wanted=_mask(_MODALITIES, [m.value for m in constraints.required_modalities]), mode="all",
            items=_MODALITIES))
    if constraints.min_context_tokens is not None:
        checks.append(ThresholdCheck(
            key="min_context_tokens", label="context", values=dm.context_window,
            threshold=float(constraints.min_context_tokens), kind="min", fmt=format_tokens))
    if constraints.max_cost_per_success_usd is not None:
        checks.append(ThresholdCheck(
            key="max_cost_per_success_usd", label="cost per success", values=dm.values[:, COST_INDEX],
            threshold=constraints.max_cost_per_success_usd, kind="max", word="max", fmt=format_usd))
    if constraints.max_p95_latency_ms is not None:
        checks.append(ThresholdCheck(
            key="max_p95_latency_ms", label="p95 latency", values=dm.values[:, LATENCY_INDEX],
            threshold=constraints.max_p95_latency_ms, kind="max", word="SLA", fmt=format_ms))
    if constraints.allowed_topologies:
        checks.append(_topology_check(dm, [t.value for t in constraints.allowed_topologies], "allowed_topologies"))
    required_regions = [r for r in constraints.data_residency if r != "any"]
    if required_regions and len(required_regions) == len(constraints.data_residency):
        checks.append(_residency_check(dm, required_regions, "data_residency"))
    checks.extend(_privacy_checks(dm, [t.value for t in constraints.allowed_topologies], required_regions))
    if constraints.forbidden_license_restrictions:
        checks.append(ForbiddenCheck(
            key="forbidden_license_restrictions", label="license", present=dm.restrictions,
            known=dm.license_known,
            forbidden=_mask(_RESTRICTIONS, [r.value for r in constraints.forbidden_license_restrictions]),
            phrases=tuple(_LICENSE_PHRASES[r] for r in _RESTRICTIONS),
            short=tuple(_LICENSE_SHORT.get(r, r.replace("_", " ")) for r in _RESTRICTIONS)))
    if constraints.open_weights_only:
        checks.append(FlagCheck(
            key="open_weights_only", requirement="open weights only", failing=~dm.open_weights,
            reason="weights: closed, required open weights"))
    return checks


def _topology_check(dm: DecisionMatrix, allowed: Sequence[str], key: str) -> Check:
    return SetCheck(
        key=key, label="topology", offered=dm.topologies, known=dm.topologies_known,
        wanted=_mask(_TOPOLOGIES, allowed), mode="any",
        items=tuple(TOPOLOGY_LABELS[t].lower() for t in _TOPOLOGIES), word="allowed")


def _residency_check(dm: DecisionMatrix, regions: Sequence[str], key: str) -> Check:
    any_col = REGIONS.index("any")
    offered = dm.regions | dm.regions[:, [any_col]]  # offering "any" covers every region
    return SetCheck(key=key, label="residency", offered=offered, known=dm.regions_known,
                            wanted=_mask(REGIONS, regions), mode="any", items=REGIONS, shown=dm.regions)


def _privacy_checks(dm: DecisionMatrix, topologies: Sequence[str], regions: Sequence[str]) -> list[Check]:
    """The profile's privacy requirements (a stored field is enforced), unless the hard
    constraints already imply them (a subset of the allowed topologies / regions: no duplicate reason)."""
    out: list[Check] = []
    if dm.privacy_topologies and not (topologies and set(topologies) <= set(dm.privacy_topologies)):
        out.append(_topology_check(dm, dm.privacy_topologies, "privacy.allowed_topologies"))
    if dm.privacy_regions and not (regions and set(regions) <= set(dm.privacy_regions)):
        out.append(_residency_check(dm, dm.privacy_regions, "privacy.data_residency"))
    return out


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


def weights_vector(weights: Mapping[str, float], criteria: Sequence[str] = CRITERIA) -> FloatArray:
    """Weights in criterion order (missing = 0); unknown names raise :class:`RankingInputError`."""
    unknown = sorted(set(weights) - set(criteria))
    if unknown:
        raise RankingInputError(f"unknown criterion/criteria in weights: {', '.join(unknown)}")
    return np.array([float(weights.get(c, 0.0)) for c in criteria], dtype=np.float64)




_MOVED = {
    "Prepared": "workbench.domain.ranking", "prepare": "workbench.domain.ranking",
    "rank_matrix": "workbench.domain.ranking", "rank": "workbench.domain.ranking",
    "RankingResult": "workbench.domain.ranking_result", "RankedRow": "workbench.domain.ranking_result",
    "ExcludedCandidate": "workbench.domain.ranking_result", "UnknownNote": "workbench.domain.ranking_result",
    "DataGap": "workbench.domain.ranking_result", "ConstraintImpactOut": "workbench.domain.ranking_result",
    "ParetoUnplaced": "workbench.domain.ranking_result", "TippingPoint": "workbench.domain.ranking_result",
}


def __getattr__(name: str) -> Any:
    """The ranking and its result models moved to :mod:`ranking` / :mod:`ranking_result` (kept importable
    from here, resolved lazily: :mod:`ranking` imports this module)."""
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
