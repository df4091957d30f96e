"""Ranking kernels: normalisation, WSM, TOPSIS, ties, missing data, Pareto, constraints."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from workbench.domain import scoring
from workbench.domain.checks import ForbiddenCheck, SetCheck, ThresholdCheck, evaluate_constraints

skc = pytest.importorskip("skcriteria")


def _skc_dm(x: np.ndarray, benefit: np.ndarray, w: np.ndarray):  # type: ignore[no-untyped-def]
    return skc.mkdm(x, [max if b else min for b in benefit], weights=w)


# --------------------------------------------------------------------------- worked examples


def test_topsis_reproduces_tzeng_huang_2011_worked_example() -> None:
    # Tzeng & Huang (2011), as used by scikit-criteria's own golden test.
    x = np.array([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], dtype=float)
    out = scoring.topsis(x, np.ones(3, dtype=bool), scoring.normalise_weights([0.3, 0.4, 0.3]))
    np.testing.assert_allclose(out.scores, [0.5037, 0.6581, 0.7482, 0.3340], atol=1e-4)
    order = scoring.rank_order(out.scores, np.arange(4))
    assert order.rank.tolist() == [3, 2, 1, 4]


def test_minmax_normalisation_handles_benefit_and_cost_direction() -> None:
    x = np.array([[1.0, 10.0], [3.0, 20.0], [2.0, 30.0]])
    n = scoring.minmax_normalise(x, np.array([True, False]))
    np.testing.assert_allclose(n, [[0.0, 1.0], [1.0, 0.5], [0.5, 0.0]])


def test_minmax_constant_column_is_best_for_everyone() -> None:
    x = np.array([[0.5, 1.0], [0.5, 2.0]])
    n = scoring.minmax_normalise(x, np.array([True, True]))
    assert n[:, 0].tolist() == [1.0, 1.0]


def test_vector_normalisation_matches_scikit_criteria_docstring_example() -> None:
    r = scoring.vector_normalise(np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(r, [[0.31622776, 0.44721359], [0.94868326, 0.89442718]], atol=1e-8)


def test_vector_normalisation_keeps_a_zero_column_zero() -> None:
    r = scoring.vector_normalise(np.array([[0.0, 2.0], [0.0, 4.0]]))
    assert r[:, 0].tolist() == [0.0, 0.0]


# --------------------------------------------------------------------------- agreement with the peer


@pytest.mark.parametrize("seed", range(6))
def test_weighted_sum_agrees_with_scikit_criteria_minmax_pipeline(seed: int) -> None:
    from skcriteria.agg.simple import WeightedSumModel
    from skcriteria.preprocessing.invert_objectives import MinMaxInverter

    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(5, 60)), int(rng.integers(2, 12))
    x = rng.uniform(0.01, 100.0, size=(m, n))
    benefit = rng.random(n) < 0.6
    w = scoring.normalise_weights(rng.uniform(0.0, 1.0, size=n) + 0.01)
    ours = scoring.weighted_sum(x, benefit, w)
    peer = WeightedSumModel().evaluate(MinMaxInverter().transform(_skc_dm(x, benefit, w)))
    np.testing.assert_allclose(ours.scores, peer.e_.score, rtol=0, atol=1e-12)
    assert scoring.rank_order(ours.scores, np.arange(m)).rank.tolist() == list(peer.rank_)


@pytest.mark.parametrize("seed", range(6))
def test_topsis_agrees_with_scikit_criteria_vector_pipeline(seed: int) -> None:
    from skcriteria.agg.topsis import TOPSIS
    from skcriteria.preprocessing.scalers import VectorScaler

    rng = np.random.default_rng(100 + seed)
    m, n = int(rng.integers(5, 60)), int(rng.integers(2, 12))
    x = rng.uniform(0.01, 100.0, size=(m, n))
    benefit = rng.random(n) < 0.6
    w = scoring.normalise_weights(rng.uniform(0.0, 1.0, size=n) + 0.01)
    ours = scoring.topsis(x, benefit, w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TOPSIS warns about minimise objectives
        peer = TOPSIS().evaluate(VectorScaler(target="matrix").transform(_skc_dm(x, benefit, w)))
    np.testing.assert_allclose(ours.scores, peer.e_.similarity, rtol=0, atol=1e-12)
    assert scoring.rank_order(ours.scores, np.arange(m)).rank.tolist() == list(peer.rank_)


def test_fortran_and_c_ordered_inputs_score_the_same() -> None:
    rng = np.random.default_rng(3)
    x = rng.random((40, 7))
    benefit = np.array([True, False, True, True, False, True, True])
    w = scoring.normalise_weights(rng.random(7))
    for method in scoring.METHODS:
        a = scoring.score(method, x, benefit, w).scores
        b = scoring.score(method, np.asfortranarray(x), benefit, w).scores
        np.testing.assert_allclose(a, b, atol=1e-15)


@pytest.mark.parametrize("method", scoring.METHODS)
def test_contributions_add_up_to_the_score(method: str) -> None:
    rng = np.random.default_rng(7)
    x = rng.random((25, 6))
    benefit = np.array([True, True, False, True, False, True])
    out = scoring.score(method, x, benefit, scoring.normalise_weights(rng.random(6)))
    np.testing.assert_allclose(out.contributions.sum(axis=1), out.scores, atol=1e-12)
    assert (out.contributions >= 0).all()


@pytest.mark.parametrize("method", scoring.METHODS)
def test_single_candidate_scores_one(method: str) -> None:
    out = scoring.score(method, np.array([[0.3, 5.0]]), np.array([True, False]), np.array([0.5, 0.5]))
    assert out.scores.tolist() == [1.0]
    np.testing.assert_allclose(out.contributions.sum(), 1.0)


def test_unknown_method_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown method 'vikor'"):
        scoring.score("vikor", np.ones((2, 2)), np.ones(2, dtype=bool), np.array([0.5, 0.5]))


# --------------------------------------------------------------------------- weights


def test_all_zero_weights_raise_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match="all criterion weights are zero"):
        scoring.normalise_weights([0.0, 0.0, 0.0])


def test_negative_weight_names_the_criterion() -> None:
    with pytest.raises(ValueError, match="weight of latency is negative"):
        scoring.normalise_weights([1.0, -0.5], ["quality", "latency"])


def test_nan_weight_is_rejected() -> None:
    with pytest.raises(ValueError, match="criterion 1 is not a finite number"):
        scoring.normalise_weights([1.0, float("nan")])


def test_weights_are_scaled_to_sum_one() -> None:
    assert scoring.normalise_weights([1.0, 3.0]).tolist() == [0.25, 0.75]


# --------------------------------------------------------------------------- unknown data


def test_unknown_values_are_ranges_scored_at_their_midpoint_not_the_worst_observed() -> None:
    nan = np.nan
    x = np.array([[nan, nan, nan], [0.5, 10.0, nan], [1.0, 30.0, nan]])
    lower = np.array([[0.0, 10.0, nan], [0.5, 10.0, nan], [1.0, 30.0, nan]])
    upper = np.array([[1.0, 30.0, nan], [0.5, 10.0, nan], [1.0, 30.0, nan]])
    rg = scoring.unknown_ranges(x, lower, upper)
    assert rg.point[0, 0] == 0.5 and rg.point[0, 1] == 20.0  # midpoints, not 0.5 / 30 (the worst observed)
    assert rg.lower[0, :2].tolist() == [0.0, 10.0] and rg.upper[0, :2].tolist() == [1.0, 30.0]
    assert rg.inert.tolist() == [False, False, True]
    assert rg.unknown[:, 0].tolist() == [True, False, False]
    assert rg.env_lo[:2].tolist() == [0.0, 10.0] and rg.env_hi[:2].tolist() == [1.0, 30.0]


def test_an_unknown_value_is_not_scored_as_zero_and_its_score_range_spans_its_range() -> None:
    x = np.array([[np.nan, 0.0], [0.5, 0.0], [1.0, 1.0]])
    rg = scoring.unknown_ranges(x, np.array([[0.0, 0.0]] * 3), np.array([[1.0, 0.0]] * 3))
    benefit, w = np.array([True, True]), np.array([0.5, 0.5])
    out = scoring.score("wsm", rg.point, benefit, w, inert=rg.inert, ranges=rg)
    assert out.scores.tolist() == [0.25, 0.25, 1.0]  # unknown at 0.5 of the 0..1 envelope
    worst, best = scoring.score_bounds("wsm", rg, benefit, w, out.scores)
    assert worst.tolist() == [0.0, 0.25, 1.0] and best.tolist() == [0.5, 0.25, 1.0]
    t = scoring.score("topsis", rg.point, benefit, w, ranges=rg)
    tw, tb = scoring.score_bounds("topsis", rg, benefit, w, t.scores)
    assert tw[0] < t.scores[0] < tb[0] and tw[1] == pytest.approx(t.scores[1])


def test_a_criterion_nobody_has_data_for_contributes_nothing() -> None:
    x = np.array([[np.nan, 0.2], [np.nan, 0.8]])
    rg = scoring.unknown_ranges(x)
    out = scoring.weighted_sum(rg.point, np.array([True, True]), np.array([0.5, 0.5]), inert=rg.inert,
                               lo=rg.env_lo, hi=rg.env_hi)
    assert out.contributions[:, 0].tolist() == [0.0, 0.0]
    assert out.scores.tolist() == [0.0, 0.5]


def test_infinite_value_is_rejected_with_its_position() -> None:
    with pytest.raises(ValueError, match="row 1, column 0"):
        scoring.as_matrix([[1.0, 2.0], [np.inf, 1.0]])


# --------------------------------------------------------------------------- ties


def test_ties_are_broken_by_name_then_flagged() -> None:
    names = ["zeta", "alpha", "mid"]
    key = scoring.name_order_key(names)
    ordering = scoring.rank_order(np.array([0.5, 0.5, 0.9]), key)
    assert [names[i] for i in ordering.order] == ["mid", "alpha", "zeta"]
    assert ordering.tied.tolist() == [True, False, False]  # zeta tied with alpha above it
    assert ordering.rank.tolist() == [3, 2, 1]


def test_float_noise_below_twelve_decimals_counts_as_a_tie() -> None:
    names = ["b", "a"]
    ordering = scoring.rank_order(np.array([0.3 + 1e-15, 0.3]), scoring.name_order_key(names))
    assert [names[i] for i in ordering.order] == ["a", "b"]


def test_tie_break_is_independent_of_input_order() -> None:
    rng = np.random.default_rng(11)
    names = [f"m{i:02d}" for i in range(30)]
    scores = rng.integers(0, 4, size=30) / 4.0
    perm = rng.permutation(30)
    a = scoring.rank_order(scores, scoring.name_order_key(names))
    b = scoring.rank_order(scores[perm], scoring.name_order_key([names[i] for i in perm]))
    assert [names[i] for i in a.order] == [names[perm[i]] for i in b.order]


def test_scores_outside_unit_range_use_the_lexsort_path_with_the_same_rule() -> None:
    names = ["b", "a", "c"]
    ordering = scoring.rank_order(np.array([5e9, 5e9, -3e9]), scoring.name_order_key(names))
    assert [names[i] for i in ordering.order] == ["a", "b", "c"]
    assert ordering.tied.tolist() == [True, False, False]


# --------------------------------------------------------------------------- Pareto


def test_pareto_front_matches_scikit_criteria_docstring_example() -> None:
    f = np.array([[7, 5, 35], [5, 4, 26], [5, 6, 28], [1, 7, 30], [5, 8, 30]], dtype=float)
    front = scoring.pareto_front(f, [True, True, False])
    assert front.tolist() == [True, True, True, False, True]  # MM is dominated by FN


def _brute_force_front(f: np.ndarray, maximise: np.ndarray) -> np.ndarray:
    g = np.where(maximise, -f, f)
    better_eq = (g[:, None, :] <= g[None, :, :]).all(axis=2)
    strictly = (g[:, None, :] < g[None, :, :]).any(axis=2)
    dominated = (better_eq & strictly).any(axis=0)
    return ~dominated


@pytest.mark.parametrize("seed", range(5))
def test_pareto_front_agrees_with_brute_force_and_scikit_criteria(seed: int) -> None:
    from skcriteria.preprocessing.filters import FilterNonDominated

    rng = np.random.default_rng(seed)
    f = rng.integers(0, 6, size=(80, 3)).astype(float)  # small integers: many ties and duplicates
    maximise = np.array([True, False, False])
    front = scoring.pareto_front(f, maximise)
    np.testing.assert_array_equal(front, _brute_force_front(f, maximise))
    dm = skc.mkdm(f, [max, min, min], alternatives=[f"a{i}" for i in range(80)])
    kept = set(FilterNonDominated(strict=False).transform(dm).alternatives)
    assert kept == {f"a{i}" for i in np.flatnonzero(front)}


def test_pareto_rows_with_missing_values_are_not_on_the_front() -> None:
    f = np.array([[1.0, np.nan, 1.0], [0.5, 1.0, 1.0]])
    assert scoring.pareto_front(f, [True, False, False]).tolist() == [False, True]


def test_identical_points_are_both_on_the_front() -> None:
    f = np.array([[1.0, 2.0], [1.0, 2.0], [0.5, 3.0]])
    assert scoring.pareto_front(f, [True, False]).tolist() == [True, True, False]


# --------------------------------------------------------------------------- constraints


def test_threshold_check_reports_both_values_and_unknowns() -> None:
    check = ThresholdCheck(key="min_context", label="context", values=np.array([128e3, np.nan, 300e3]),
                                   threshold=200e3, kind="min", fmt=lambda v: f"{v / 1e3:.0f}K")
    assert check.violated().tolist() == [True, True, False]
    assert check.reasons(0) == ["context 128K < required 200K"]
    assert check.reasons(1) == ["context unknown; required 200K"]


def test_set_check_any_and_all_modes() -> None:
    offered = np.array([[True, False, False], [False, True, True]])
    known = np.array([True, True])
    residency = SetCheck(key="res", label="residency", offered=offered, known=known,
                                 wanted=np.array([False, True, False]), mode="any", items=("us", "eu", "uk"))
    assert residency.violated().tolist() == [True, False]
    assert residency.reasons(0) == ["residency: offers us, required eu"]
    modalities = SetCheck(key="mod", label="modalities", offered=offered, known=known,
                                  wanted=np.array([True, True, False]), mode="all", items=("text", "image", "audio"))
    assert modalities.violated().tolist() == [True, True]
    assert modalities.reasons(1) == ["modalities: offers image + audio, required text + image (missing text)"]


def test_forbidden_check_lists_every_forbidden_clause_and_fails_unknown() -> None:
    present = np.array([[True, True, False], [False, False, False], [False, False, False]])
    check = ForbiddenCheck(key="lic", label="license", present=present, known=np.array([True, True, False]),
                                   forbidden=np.array([True, True, False]), phrases=("license forbids X",
                                   "license forbids Y", "license forbids Z"), short=("X", "Y", "Z"))
    assert check.violated().tolist() == [True, False, True]
    assert check.reasons(0) == ["license forbids X", "license forbids Y"]
    assert check.reasons(2)[0].startswith("license unknown")


def test_evaluation_lists_every_violation_and_counts_sole_blockers() -> None:
    a = ThresholdCheck(key="a", label="a", values=np.array([0.0, 0.0, 1.0, 1.0]), threshold=0.5, kind="min")
    b = ThresholdCheck(key="b", label="b", values=np.array([9.0, 1.0, 9.0, 1.0]), threshold=5.0, kind="max")
    ev = evaluate_constraints([a, b], 4)
    assert ev.feasible.tolist() == [False, False, False, True]
    assert ev.violated_keys(0) == ["a", "b"]
    assert ev.reasons(0) == ["a 0 < required 0.5", "b 9 > required 5"]
    impacts = {it.key: (it.excluded, it.sole_blocker) for it in ev.impacts()}
    assert impacts == {"a": (2, 1), "b": (2, 1)}


def test_no_constraints_keep_everyone() -> None:
    ev = evaluate_constraints([], 3)
    assert ev.feasible.tolist() == [True, True, True]
    assert ev.impacts() == []
