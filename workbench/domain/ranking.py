"""Rank a :class:`~workbench.domain.decision_matrix.DecisionMatrix`: constraints -> ranges -> method -> order.

:func:`rank_matrix` runs on every slider move (vectorised; a few ms at 10,000 candidates);
:func:`rank` builds the matrix and ranks. Conventions: :mod:`workbench.domain.scoring` (normalisation,
ties, unknown ranges), :mod:`workbench.domain.unknowns` (ranges, completeness, rank bounds),
:mod:`workbench.domain.requirements` (profile-field checks), :mod:`workbench.domain.tipping`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np

from workbench.domain import requirements, scoring, unknowns
from workbench.domain.checks import Check, ConstraintEvaluation, ConstraintImpact, evaluate_constraints
from workbench.domain.decision_matrix import (
    CONTRIBUTION_KIND,
    COST_INDEX,
    CRITERION_UNITS,
    LATENCY_DEFINITION,
    LATENCY_INDEX,
    N_CAPABILITIES,
    QUALITY_DEFINITION,
    DecisionMatrix,
    build_decision_matrix,
    constraint_checks,
    weights_vector,
)
from workbench.domain.models import (
    COST_CRITERION,
    CRITERION_LABELS,
    LATENCY_CRITERION,
    Candidate,
    HardConstraints,
    Profile,
)
from workbench.domain.ranking_result import (
    ConstraintImpactOut,
    CostBasis,
    DataGap,
    ExcludedCandidate,
    ParetoUnplaced,
    RankedRow,
    RankingResult,
    TippingPoint,
    UnknownNote,
    UnknownPolicyOut,
    construct,
    opt,
    r,
    round_array,
)
from workbench.domain.scoring_types import FloatArray, IntArray
from workbench.domain.tipping import weight_tipping_points

_PolicyMode = Literal["range", "exclude"]
#: How many challengers (after the winner) get tipping points.
TIPPING_CHALLENGERS = 2


@dataclass(frozen=True)
class Prepared:
    """The feasible candidates' matrix with unknowns as ranges; what a method and SMAA work on."""

    index: IntArray  #: feasible candidate indices into the DecisionMatrix
    ranges: scoring.Ranges
    weights: FloatArray  #: normalised
    raw_weights: FloatArray  #: as given (slider units)
    evaluation: ConstraintEvaluation
    known: IntArray  #: m (all candidates): weighted criteria known
    weighted: int  #: number of weighted criteria


def prepare(dm: DecisionMatrix, weights: Mapping[str, float], constraints: HardConstraints,
            extra_checks: Sequence[Check] = ()) -> Prepared:
    """Validate weights, evaluate constraints (hard, profile fields, unknown-data policy), build ranges.

    ``extra_checks`` are constraints computed outside this module over the same candidates
    (the GPU memory fit of ``constraints.gpu_fit``: see ``gpu_constraint.gpu_fit_check``).
    """
    raw = weights_vector(weights, dm.criteria)
    w = scoring.normalise_weights(raw, dm.criteria)
    _share, known, total = unknowns.completeness(np.isnan(dm.values), w)
    checks: list[Check] = [*constraint_checks(dm, constraints), *dm.profile_checks, *extra_checks]
    if dm.unknown_mode == "exclude":
        checks.append(requirements.CompletenessCheck(known, total, dm.min_completeness))
    evaluation = evaluate_constraints(checks, dm.size)
    index = np.flatnonzero(evaluation.feasible).astype(np.intp)
    x = scoring.take_rows(dm.values, index)
    lo = scoring.take_rows(dm.range_lower, index) if dm.range_lower is not None else None
    hi = scoring.take_rows(dm.range_upper, index) if dm.range_upper is not None else None
    return Prepared(index, scoring.unknown_ranges(x, lo, hi), w, raw, evaluation, known, total)


def _quality(caps: FloatArray, cap_weights: FloatArray) -> FloatArray:
    total = cap_weights.sum()
    cw = cap_weights / total if total > 0 else np.full(cap_weights.shape, 1.0 / cap_weights.size)
    return caps @ cw


def _empty_state(impacts: list[ConstraintImpact], total: int) -> str:
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


def _winner(method: str, prep: Prepared, dm: DecisionMatrix) -> str | None:
    if prep.index.size == 0:
        return None
    out = scoring.score(method, prep.ranges.point, dm.benefit, prep.weights, inert=prep.ranges.inert,
                        ranges=prep.ranges)
    return dm.names[int(prep.index[scoring.rank_order(out.scores, dm.name_key[prep.index]).order[0]])]


def _unknown_notes(dm: DecisionMatrix, prep: Prepared, weighted_unknown: np.ndarray,
                   name_order: np.ndarray) -> list[UnknownNote]:
    notes: list[UnknownNote] = []
    crit, idx, rg = list(dm.criteria), prep.index, prep.ranges
    for j in np.flatnonzero(weighted_unknown.any(axis=0)):
        who = [dm.names[int(idx[p])] for p in name_order if weighted_unknown[p, j]]
        criterion = crit[j]
        label = CRITERION_LABELS[criterion]
        if rg.inert[j]:
            rng, note = None, f"no candidate has {label.lower()}; it contributes 0 to everyone"
        else:
            rng = [r(float(np.min(rg.lower[weighted_unknown[:, j], j]))),
                   r(float(np.max(rg.upper[weighted_unknown[:, j], j])))]
            note = (f"{label} unknown for {', '.join(who[:5])}{' and more' if len(who) > 5 else ''}: scored over "
                    f"{rng[0]:.6g}..{rng[1]:.6g} ({CRITERION_UNITS[criterion]}), not a guess")
        notes.append(UnknownNote(criterion=criterion, label=label, weight=r(prep.weights[j]), candidates=who,
                                 range=rng, note=note))
    return notes


def _tipping(dm: DecisionMatrix, prep: Prepared, order: np.ndarray, normalised: FloatArray, method: str
             ) -> list[TippingPoint]:
    if method != "wsm" or order.size < 2:
        return []
    out: list[TippingPoint] = []
    a = int(order[0])
    labels = {c: CRITERION_LABELS[c] for c in dm.criteria}
    for b in order[1:1 + TIPPING_CHALLENGERS].tolist():
        out.extend(weight_tipping_points(normalised, prep.raw_weights, dm.criteria, labels, a, int(b),
                                         dm.names[int(prep.index[a])], dm.names[int(prep.index[b])]))
    return out


def _rows(dm: DecisionMatrix, prep: Prepared, out: scoring.ScoreOutput, ordering: scoring.Ordering,
          bounds: tuple[FloatArray, FloatArray], rank_bounds: tuple[IntArray, IntArray],
          weighted_unknown: np.ndarray, quality: FloatArray, on_front: np.ndarray) -> list[RankedRow]:
    """The ranked rows, best first (arrays rounded once: per-value rounding dominated at 500 candidates)."""
    idx = prep.index
    worst, best = bounds
    best_rank, worst_rank = rank_bounds
    raw = dm.values[idx]
    crit = list(dm.criteria)
    scores_r, contributions_r = round_array(out.scores), round_array(out.contributions)
    normalised_r, quality_r = round_array(out.normalised), round_array(quality)
    worst_r, best_r = round_array(worst), round_array(best)
    known_share = prep.known[idx] / prep.weighted if prep.weighted else np.ones(idx.size)
    share_r = round_array(known_share)
    basis = dm.cost_basis or ("unknown",) * dm.size
    api = dm.cost_api if dm.cost_api is not None else np.full(dm.size, np.nan)
    selfh = dm.cost_self_hosted if dm.cost_self_hosted is not None else np.full(dm.size, np.nan)
    raw_list = [[None if v != v else v for v in row] for row in raw.tolist()]
    unknown_lists = [[c for c, u in zip(crit, row, strict=True) if u] for row in weighted_unknown.tolist()]
    rows: list[RankedRow] = []
    for pos in ordering.order.tolist():
        i = int(idx[pos])
        values = raw_list[pos]
        rows.append(construct(RankedRow, dict(  # noqa: C408 (keyword form mirrors the model)
            name=dm.names[i], rank=int(ordering.rank[pos]), score=scores_r[pos],
            score_range=[worst_r[pos], best_r[pos]], rank_range=[int(best_rank[pos]), int(worst_rank[pos])],
            rank_depends_on_unknowns=bool(best_rank[pos] != worst_rank[pos]),
            completeness=share_r[pos], unknown=unknown_lists[pos],
            tied=bool(ordering.tied[pos]),
            contributions=dict(zip(crit, contributions_r[pos], strict=True)),
            normalised=dict(zip(crit, normalised_r[pos], strict=True)),
            values=dict(zip(crit, values, strict=True)),
            quality=quality_r[pos], cost_per_success=values[COST_INDEX], cost_basis=cast(CostBasis, basis[i]),
            cost_api=opt(float(api[i])), cost_self_hosted=opt(float(selfh[i])),
            latency_p95_ms=values[LATENCY_INDEX], pareto=bool(on_front[pos]))))

    return rows


def rank_matrix(dm: DecisionMatrix, weights: Mapping[str, float], constraints: HardConstraints,
                method: str = "wsm", extra_checks: Sequence[Check] = ()) -> RankingResult:
    """Rank the candidates of ``dm``: constraints -> unknown ranges -> normalisation -> method -> order.

    Raises ``ValueError`` (:class:`scoring.ScoringError`) for all-zero or negative weights or an
    unknown method, :class:`RankingInputError` for unknown criteria.
    """
    if method not in scoring.METHODS:
        raise scoring.ScoringError(f"unknown method {method!r}; use one of {', '.join(scoring.METHODS)}")
    prep = prepare(dm, weights, constraints, extra_checks)
    idx, rg, w = prep.index, prep.ranges, prep.weights
    out = scoring.score(method, rg.point, dm.benefit, w, inert=rg.inert, ranges=rg)
    worst, best = scoring.score_bounds(method, rg, dm.benefit, w, out.scores)
    weighted_unknown = rg.unknown & (w > 0)[None, :]
    has_unknown = weighted_unknown.any(axis=1)
    worst = np.where(has_unknown, np.minimum(worst, out.scores), out.scores)
    best = np.where(has_unknown, np.maximum(best, out.scores), out.scores)
    ordering = scoring.rank_order(out.scores, dm.name_key[idx])
    best_rank, worst_rank = unknowns.rank_bounds(worst, best) if has_unknown.any() else (ordering.rank, ordering.rank)
    quality = _quality(rg.point[:, :N_CAPABILITIES], w[:N_CAPABILITIES])
    raw = dm.values[idx]
    pareto_obj, axis_names = _pareto_objectives(quality, raw)
    on_front = scoring.pareto_front(pareto_obj, [True] + [False] * (pareto_obj.shape[1] - 1))

    rows = _rows(dm, prep, out, ordering, (worst, best), (best_rank, worst_rank), weighted_unknown, quality,
                 on_front)
    crit = list(dm.criteria)
    ev = prep.evaluation
    excluded = [ExcludedCandidate(name=dm.names[i], reasons=ev.reasons(int(i)), constraints=ev.violated_keys(int(i)))
                for i in sorted(np.flatnonzero(~ev.feasible), key=lambda k: dm.name_key[k])]
    name_order = np.argsort(dm.name_key[idx], kind="stable")
    pareto = [dm.names[int(idx[p])] for p in name_order if on_front[p]]
    nan_obj = np.isnan(pareto_obj)
    unplaced = [ParetoUnplaced(name=dm.names[int(idx[p])], missing=[axis_names[k] for k in np.flatnonzero(nan_obj[p])])
                for p in name_order if nan_obj[p].any()]
    impacts = ev.impacts()
    winners = {m: (rows[0].name if m == method and rows else _winner(m, prep, dm)) for m in scoring.METHODS}
    return RankingResult(
        method=method,
        method_label=scoring.METHOD_LABELS[method],
        normalisation=scoring.NORMALISATION[method],
        normalisation_detail=scoring.NORMALISATION_LABELS[scoring.NORMALISATION[method]],
        tie_break=scoring.TIE_BREAK_RULE,
        imputation_policy=scoring.IMPUTATION_POLICY,
        unknown_policy=UnknownPolicyOut(mode=cast(_PolicyMode, dm.unknown_mode),
                                        min_completeness=dm.min_completeness if dm.unknown_mode == "exclude" else None,
                                        source=dm.unknown_mode_source),
        contribution_kind=CONTRIBUTION_KIND[method],
        latency_definition=LATENCY_DEFINITION,
        quality_definition=QUALITY_DEFINITION,
        criteria=crit,
        criterion_labels={c: CRITERION_LABELS[c] for c in crit},
        directions={c: ("benefit" if b else "cost") for c, b in zip(crit, dm.benefit.tolist(), strict=True)},
        weights={c: r(v) for c, v in zip(crit, w.tolist(), strict=True)},
        reference={c: [r(a), r(b)] for c, a, b in zip(crit, *scoring.reference_points(
            method, rg.point, dm.benefit, rg, rg.inert), strict=True)},
        candidate_count=dm.size,
        rows=rows,
        excluded=excluded,
        pareto=pareto,
        pareto_unplaced=unplaced,
        unknowns=_unknown_notes(dm, prep, weighted_unknown, name_order),
        data_gaps=_data_gaps(dm, prep, weighted_unknown, ordering.order, ev),
        constraints=[ConstraintImpactOut(key=it.key, requirement=it.requirement, excluded=it.excluded,
                                         sole_blocker=it.sole_blocker) for it in impacts],
        winners=winners,
        methods_agree=len(set(winners.values())) == 1,
        tipping_points=_tipping(dm, prep, ordering.order, out.normalised, method),
        field_enforcement=dict(requirements.FIELD_ENFORCEMENT),
        empty_state=_empty_state(impacts, dm.size) if dm.size and not rows else None,
    )


def _data_gaps(dm: DecisionMatrix, prep: Prepared, weighted_unknown: np.ndarray, order: np.ndarray,
               ev: ConstraintEvaluation) -> list[DataGap]:
    """Ranked candidates with unknown weighted criteria (rank order), then those the policy excluded."""
    crit, w = list(dm.criteria), prep.weights
    gaps: list[DataGap] = []
    rows_unknown = weighted_unknown.tolist()
    for pos in order.tolist():
        missing = [c for c, u in zip(crit, rows_unknown[pos], strict=True) if u]
        if missing:
            i = int(prep.index[pos])
            gaps.append(_gap(dm.names[i], int(prep.known[i]), prep.weighted, missing))
    keys = [getattr(ch, "key", "") for ch in ev.checks]
    if "unknown_policy" in keys:
        c = keys.index("unknown_policy")
        unknown_all = np.isnan(dm.values) & (w > 0)[None, :]
        for i in np.flatnonzero(ev.masks[c]).tolist():
            gaps.append(_gap(dm.names[i], int(prep.known[i]), prep.weighted,
                             [crit[j] for j in np.flatnonzero(unknown_all[i])]))
    return gaps


def _gap(name: str, known: int, total: int, missing: list[str]) -> DataGap:
    return construct(DataGap, {"name": name, "completeness": r(known / total) if total else 1.0, "known": known,
                               "weighted": total, "unknown": missing,
                               "resolve": {c: unknowns.RESOLVE[c] for c in missing}})


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
