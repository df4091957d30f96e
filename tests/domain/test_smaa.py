"""SMAA-2: analytic shares, central weights, confidence factors, reproducibility, bad input."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.special import betainc

from workbench.domain import scoring, smaa
from workbench.domain.decision_matrix import build_decision_matrix
from workbench.domain.models import (
    CAPABILITY_VECTORS,
    CRITERIA,
    Candidate,
    CapabilityRating,
    HardConstraints,
    Profile,
)

N = 40_000


def _within_sampling_error(observed: float, p: float, n: int, sigmas: float = 4.0) -> bool:
    return abs(observed - p) <= sigmas * math.sqrt(p * (1 - p) / n)


def test_two_candidates_uniform_weights_match_the_analytic_share() -> None:
    # A = (1, 1, 0), B = (0, 0, 1), benefit; WSM: A wins iff w3 < w1 + w2, i.e. w3 < 1/2.
    # Uniform on the 3-simplex: w3 ~ Beta(1, 2), P(w3 < 1/2) = 1 - (1/2)^2 = 0.75.
    x = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    samples = smaa.sample_weights(np.ones(3), N, seed=42, uniform=True)
    res = smaa.smaa2(x, np.ones(3, dtype=bool), samples)
    assert _within_sampling_error(res.rank_acceptability[0, 0], 0.75, N)
    np.testing.assert_allclose(res.rank_acceptability.sum(axis=0), 1.0)
    np.testing.assert_allclose(res.rank_acceptability.sum(axis=1), 1.0)
    # Central weight of A on criterion 3: E[w3 | w3 < 1/2] = (1/4 - 1/12) / (3/4) = 2/9.
    assert res.central_weights[0, 2] == pytest.approx(2 / 9, abs=0.01)
    assert res.central_weights[0].sum() == pytest.approx(1.0)
    assert res.confidence.tolist() == [1.0, 1.0]  # each wins at its own central weights


def test_dirichlet_around_chosen_weights_matches_the_beta_share() -> None:
    # A = (1, 0), B = (0, 1): A wins iff w1 > 1/2. With w = (0.6, 0.4), k = 2, spread 0.5:
    # alpha = (k / spread^2) w = (4.8, 3.2), so w1 ~ Beta(4.8, 3.2) and P = 1 - I_{1/2}(4.8, 3.2).
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    samples = smaa.sample_weights([0.6, 0.4], N, spread=0.5, seed=3)
    res = smaa.smaa2(x, np.ones(2, dtype=bool), samples)
    p = 1.0 - float(betainc(4.8, 3.2, 0.5))
    assert _within_sampling_error(res.rank_acceptability[0, 0], p, N)


def test_sample_mean_is_the_chosen_weights_and_zero_weights_stay_zero() -> None:
    w = np.array([0.5, 0.3, 0.0, 0.2])
    samples = smaa.sample_weights(w, N, spread=1.0, seed=1)
    np.testing.assert_allclose(samples.mean(axis=0), w, atol=0.01)
    assert (samples[:, 2] == 0).all()
    np.testing.assert_allclose(samples.sum(axis=1), 1.0)


def test_smaller_spread_gives_tighter_samples() -> None:
    wide = smaa.sample_weights([1, 1, 1, 1], 5000, spread=1.0, seed=0).std(axis=0)
    narrow = smaa.sample_weights([1, 1, 1, 1], 5000, spread=0.25, seed=0).std(axis=0)
    assert (narrow < wide / 3).all()


def test_same_seed_same_result_different_seed_different_samples() -> None:
    rng = np.random.default_rng(5)
    x = rng.random((30, 6))
    benefit = np.array([True, True, True, False, True, False])
    a = smaa.smaa2(x, benefit, smaa.sample_weights(rng.random(6), 2000, seed=9))
    rng = np.random.default_rng(5)
    x2 = rng.random((30, 6))
    b = smaa.smaa2(x2, benefit, smaa.sample_weights(rng.random(6), 2000, seed=9))
    np.testing.assert_array_equal(a.rank_acceptability, b.rank_acceptability)
    np.testing.assert_array_equal(a.central_weights, b.central_weights)
    s1 = smaa.sample_weights(np.ones(6), 10, seed=1)
    s2 = smaa.sample_weights(np.ones(6), 10, seed=2)
    assert not np.array_equal(s1, s2)


@pytest.mark.parametrize("method", scoring.METHODS)
@pytest.mark.parametrize("m", [40, 1500])  # int32 and int64 packing paths
def test_zero_spread_reproduces_the_deterministic_ranking(method: str, m: int) -> None:
    rng = np.random.default_rng(m)
    x = rng.random((m, 5))
    benefit = np.array([True, False, True, True, False])
    w = rng.random(5)
    names = [f"c{i:04d}" for i in rng.permutation(m)]
    key = scoring.name_order_key(names)
    res = smaa.smaa2(x, benefit, smaa.sample_weights(w, 3, spread=0.0), method=method, tiebreak=key)
    expected = scoring.rank_order(scoring.score(method, x, benefit, scoring.normalise_weights(w)).scores, key)
    assert (res.rank_acceptability.argmax(axis=1) + 1 == expected.rank).all()
    assert set(np.unique(res.rank_acceptability)) <= {0.0, 1.0}


def test_identical_candidates_share_ranks_by_name() -> None:
    x = np.array([[0.5, 0.5], [0.5, 0.5], [0.1, 0.1]])
    names = ["zed", "abe", "low"]
    res = smaa.smaa2(x, np.ones(2, dtype=bool), smaa.sample_weights([1, 1], 500, seed=0),
                     tiebreak=scoring.name_order_key(names))
    assert res.rank_acceptability[1, 0] == 1.0  # "abe" before "zed" whenever they tie
    assert np.isnan(res.central_weights[0]).all() and np.isnan(res.confidence[0])


def test_bad_inputs_raise_value_errors() -> None:
    with pytest.raises(ValueError, match="spread"):
        smaa.sample_weights([1, 1], 10, spread=-0.1)
    with pytest.raises(ValueError, match="n_samples"):
        smaa.sample_weights([1, 1], 0)
    with pytest.raises(ValueError, match="seed"):
        smaa.sample_weights([1, 1], 10, seed=-1)
    with pytest.raises(ValueError, match="all criterion weights are zero"):
        smaa.sample_weights([0, 0], 10)
    with pytest.raises(ValueError, match="ranges"):
        smaa.smaa2(np.array([[np.nan, 1.0], [1.0, 1.0]]), np.ones(2, dtype=bool), np.full((3, 2), 0.5))


def _candidates() -> list[Candidate]:
    def c(name: str, letter: str, ctx: int) -> Candidate:
        return Candidate(name=name, context_window=ctx,
                         capabilities={v: CapabilityRating(rating=letter) for v in CAPABILITY_VECTORS})  # type: ignore[arg-type]
    return [c("strong", "E", 200_000), c("middle", "A", 200_000), c("weak", "D", 200_000), c("small", "E", 8_000)]


def test_run_smaa_on_domain_objects_gives_headline_and_serialisable_result() -> None:
    profile = Profile(name="p", weights={k: (1.0 if k in CAPABILITY_VECTORS else 0.0) for k in CRITERIA})
    dm = build_decision_matrix(profile, _candidates(), {"strong": 0.05, "middle": 0.01, "weak": 0.001})
    hc = HardConstraints(min_context_tokens=100_000)
    res = smaa.run_smaa(dm, profile.weights | {"cost_per_success": 3.0}, hc, n_samples=4000, seed=1)
    assert res.excluded == ["small"]
    assert [c.name for c in res.candidates][0] in {"strong", "weak"}
    assert res.headline.startswith(f"{res.candidates[0].name} ranks first in ")
    assert "% of plausible weightings" in res.headline
    assert sum(c.first_rank for c in res.candidates) == pytest.approx(1.0)
    doc = json.loads(json.dumps(res.model_dump(mode="json"), allow_nan=False))
    assert len(doc["candidates"][0]["rank_acceptability"]) == 3
    again = smaa.run_smaa(dm, profile.weights | {"cost_per_success": 3.0}, hc, n_samples=4000, seed=1)
    assert again == res


def test_headline_with_nobody_feasible() -> None:
    assert "nothing to sample" in smaa.headline([], [])
    assert smaa.headline(["a", "b"], [0.87, 0.13]) == "a ranks first in 87% of plausible weightings; b in 13%."


def test_uncertain_values_split_first_place_by_their_draws() -> None:
    """Two candidates equal but for one criterion whose value is uncertain: in half of the value
    draws A is better, in the other half B is. With fixed weights the first-rank acceptability and
    the confidence factors follow the draws (SMAA-2 with stochastic criteria values)."""
    x = np.array([[0.5, 0.5], [0.5, 0.5]])
    benefit = np.array([True, True])
    weights = np.tile([0.5, 0.5], (1000, 1))
    draws = np.array([[[0.6, 0.5], [0.4, 0.5]], [[0.4, 0.5], [0.6, 0.5]]] * 2)  # K=4: A, B, A, B
    res = smaa.smaa2(x, benefit, weights, x_draws=draws)
    assert res.rank_acceptability[:, 0].tolist() == [0.5, 0.5]
    assert res.confidence.tolist() == [0.5, 0.5]
    fixed = smaa.smaa2(draws[0], benefit, weights)
    assert fixed.rank_acceptability[:, 0].tolist() == [1.0, 0.0]


def test_x_draws_shape_is_checked() -> None:
    with pytest.raises(smaa.SmaaError, match="x_draws must be"):
        smaa.smaa2(np.ones((2, 2)), np.array([True, True]), np.full((10, 2), 0.5), x_draws=np.ones((3, 2)))


def test_a_sample_count_from_a_file_or_link_is_capped_before_any_allocation():
    """A snapshot asking for 10**7 (or 10**9) samples is refused with the limit named, not computed."""
    for asked in (smaa.MAX_SAMPLES + 1, 10**7, 10**9):
        with pytest.raises(smaa.SmaaError, match="within 1..100,000"):
            smaa.sample_weights([1.0, 2.0], asked)
    assert smaa.sample_weights([1.0, 2.0], smaa.MAX_SAMPLES).shape == (smaa.MAX_SAMPLES, 2)
