"""From Profile/Candidate to a ranking: criteria, constraints with reasons, imputation, Pareto, JSON."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from workbench.domain import decision_matrix as dmx
from workbench.domain.models import (
    CAPABILITY_VECTORS,
    CRITERIA,
    Candidate,
    CapabilityRating,
    EffortTier,
    HardConstraints,
    Latency,
    License,
    Profile,
    Workload,
)

# Seed 002, "Capability Fit Matrix": one letter per capability vector, in the seed's order.
SEED_MATRIX = {
    "GPT-5.4": "EEAAAEEEEEEAAE",
    "Claude Opus 4.7": "EEEEEEEEEEAAEE",
    "Gemini 3 Pro": "AAEEEEEAAEEAAA",
    "DeepSeek V4": "AEAAAAAEEEDEDD",
    "Llama 4 Scout": "AAEAAAAAAADADA",
    "Qwen 3.5 72B": "AAAAAEAAEAAEDD",
}


def seed_candidates() -> list[Candidate]:
    return [Candidate(name=name, capabilities={v: CapabilityRating(rating=r)  # type: ignore[arg-type]
                                               for v, r in zip(CAPABILITY_VECTORS, letters, strict=True)})
            for name, letters in SEED_MATRIX.items()]


def capability_only_weights() -> dict[str, float]:
    return {c: (1.0 if c in CAPABILITY_VECTORS else 0.0) for c in CRITERIA}


def cand(name: str, **kw: object) -> Candidate:
    caps = kw.pop("caps", {v: CapabilityRating(rating="A") for v in CAPABILITY_VECTORS})
    return Candidate(name=name, capabilities=caps, **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- seed worked example


def test_seed_capability_matrix_weighted_sum_with_equal_capability_weights() -> None:
    # Min-max per vector: 11 vectors hold only E and A (E -> 1, A -> 0); multimodal perception,
    # uncertainty calibration and robustness to injections span E..D (E 1, A 0.5, D 0). Sums by hand:
    # Claude 10 + 0.5 + 1 + 1 = 12.5; GPT 7 + 1 + 0.5 + 1 = 9.5; Gemini 6 + 1 + 0.5 + 0.5 = 8;
    # DeepSeek 5 + 0 = 5; Qwen 3 + 0.5 = 3.5; Llama 1 + 0.5 = 1.5; each / 14.
    profile = Profile(name="seed", weights=capability_only_weights())
    result = dmx.rank(profile, seed_candidates())
    expected = [("Claude Opus 4.7", 12.5), ("GPT-5.4", 9.5), ("Gemini 3 Pro", 8.0), ("DeepSeek V4", 5.0),
                ("Qwen 3.5 72B", 3.5), ("Llama 4 Scout", 1.5)]
    assert [r.name for r in result.rows] == [n for n, _ in expected]
    for row, (_, total) in zip(result.rows, expected, strict=True):
        assert row.score == pytest.approx(total / 14, abs=1e-12)
        assert sum(row.contributions.values()) == pytest.approx(row.score, abs=1e-9)
    assert result.method == "wsm" and result.normalisation == "min-max"


def test_seed_capability_matrix_topsis_puts_claude_first() -> None:
    profile = Profile(name="seed", weights=capability_only_weights())
    result = dmx.rank(profile, seed_candidates(), method="topsis")
    assert result.normalisation == "vector"
    assert result.rows[0].name == "Claude Opus 4.7"
    assert result.rows[-1].name == "Llama 4 Scout"


# --------------------------------------------------------------------------- criteria


def test_latency_is_ttft_p95_plus_decode_time_with_effort_multiplier() -> None:
    profile = Profile(name="p", workload=Workload(output_tokens=500, effort_tier="high"))
    c1 = cand("a", latency=Latency(ttft_p95_ms=400, output_tokens_per_s=50))
    c2 = cand("b", latency=Latency(ttft_p95_ms=400, output_tokens_per_s=50),
              effort_tiers=[EffortTier(name="high", token_multiplier=2.0)])
    c3 = cand("c", latency=Latency(ttft_p50_ms=300, output_tokens_per_s=50))  # no p95: unknown
    dm = dmx.build_decision_matrix(profile, [c1, c2, c3])
    lat = dm.column("latency")
    assert lat[0] == pytest.approx(400 + 500 / 50 * 1000)
    assert lat[1] == pytest.approx(400 + 1000 / 50 * 1000)
    assert math.isnan(lat[2])


def test_context_fit_is_capped_ratio_of_window_to_need() -> None:
    profile = Profile(name="p", context_length_tokens=200_000)
    dm = dmx.build_decision_matrix(profile, [cand("a", context_window=128_000), cand("b", context_window=1_000_000)])
    assert dm.column("context_fit").tolist() == [0.64, 1.0]


def test_cost_per_success_accepts_mapping_or_aligned_sequence() -> None:
    profile = Profile(name="p")
    cs = [cand("a"), cand("b")]
    by_name = dmx.build_decision_matrix(profile, cs, {"a": 0.02, "b": None, "zzz": 1.0})
    aligned = dmx.build_decision_matrix(profile, cs, np.array([0.02, np.nan]))
    np.testing.assert_array_equal(by_name.column("cost_per_success"), aligned.column("cost_per_success"))


def test_negative_cost_names_the_candidate() -> None:
    with pytest.raises(ValueError, match="cost_per_success of 'b'"):
        dmx.build_decision_matrix(Profile(name="p"), [cand("a"), cand("b")], {"a": 0.1, "b": -1.0})


def test_duplicate_candidate_names_are_rejected() -> None:
    with pytest.raises(ValueError, match="'a' appears twice"):
        dmx.build_decision_matrix(Profile(name="p"), [cand("a"), cand("a")])


# --------------------------------------------------------------------------- constraints


def _governed() -> list[Candidate]:
    return [
        cand("gpt", context_window=128_000, regions=["us"], license=License(name="api")),
        cand("llama", context_window=1_000_000, regions=["eu"],
             license=License(name="llama", restrictions=["professional_practice_prohibited"])),
        cand("qwen", context_window=256_000, regions=["any"], license=License(name="apache")),
        cand("mystery", regions=["eu"]),  # no context window, no licence recorded
    ]


def test_excluded_candidates_list_every_violated_constraint_with_both_values() -> None:
    hc = HardConstraints(min_context_tokens=200_000, data_residency=["eu"],
                         forbidden_license_restrictions=["professional_practice_prohibited"])
    result = dmx.rank(Profile(name="p", constraints=hc), _governed())
    excluded = {e.name: e.reasons for e in result.excluded}
    assert excluded["gpt"] == ["context 128K < required 200K", "residency: offers us, required eu"]
    assert excluded["llama"] == ["license forbids unlicensed professional (legal, medical, financial) practice"]
    assert excluded["mystery"][0] == "context unknown; required 200K"
    assert excluded["mystery"][1].startswith("license unknown")
    assert [r.name for r in result.rows] == ["qwen"]  # "any" region satisfies eu


def test_relaxing_a_constraint_brings_the_candidate_back() -> None:
    profile = Profile(name="p")
    tight = HardConstraints(min_context_tokens=200_000)
    loose = HardConstraints(min_context_tokens=100_000)
    dm = dmx.build_decision_matrix(profile, _governed())
    assert "gpt" in {e.name for e in dmx.rank_matrix(dm, profile.weights, tight).excluded}
    assert "gpt" in {r.name for r in dmx.rank_matrix(dm, profile.weights, loose).rows}


def test_min_rating_modalities_topology_and_open_weights_reasons() -> None:
    caps = {v: CapabilityRating(rating="A") for v in CAPABILITY_VECTORS}
    c = cand("m", caps=caps, topologies=["managed_api"], open_weights=False)
    hc = HardConstraints(min_rating={"reasoning_depth": "E"}, required_modalities=["text", "audio"],
                         allowed_topologies=["self_hosted"], open_weights_only=True)
    result = dmx.rank(Profile(name="p", constraints=hc), [c])
    assert result.excluded[0].reasons == [
        "reasoning depth A < required E",
        "modalities: offers text, required text + audio (missing audio)",
        "topology: offers managed api, allowed self-hosted instance",
        "weights: closed, required open weights",
    ]


def test_constraint_that_excludes_everyone_names_the_tightest_constraints() -> None:
    hc = HardConstraints(min_context_tokens=2_000_000, data_residency=["uk"])
    result = dmx.rank(Profile(name="p", constraints=hc), _governed())
    assert result.rows == []
    assert result.constraints[0].key in {"min_context_tokens", "data_residency"}
    counts = {c.key: c.excluded for c in result.constraints}
    assert counts == {"min_context_tokens": 4, "data_residency": 3}
    assert result.empty_state is not None
    assert "context >= 2M excludes 4 of 4" in result.empty_state
    assert "residency: required uk excludes 3 of 4" in result.empty_state


def test_constraints_from_profile_fold_in_profile_dimensions() -> None:
    profile = Profile(name="p", required_modalities=["text", "image"], cost_ceiling_per_success_usd=0.05)
    hc = dmx.constraints_from_profile(profile)
    assert [m.value for m in hc.required_modalities] == ["text", "image"]
    assert hc.max_cost_per_success_usd == 0.05


# --------------------------------------------------------------------------- bad input


def test_all_zero_weights_give_a_clear_error() -> None:
    profile = Profile(name="p", weights=dict.fromkeys(CRITERIA, 0.0))
    with pytest.raises(ValueError, match="all criterion weights are zero"):
        dmx.rank(profile, seed_candidates())


def test_unknown_criterion_in_override_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown criterion"):
        dmx.rank(Profile(name="p"), seed_candidates(), weights_override={"vibes": 1.0})


def test_weights_override_merges_into_profile_weights() -> None:
    profile = Profile(name="p", weights=capability_only_weights())
    only_math = dict.fromkeys(CAPABILITY_VECTORS, 0.0) | {"math_performance": 1.0}
    result = dmx.rank(profile, seed_candidates(), weights_override=only_math)
    assert result.weights["math_performance"] == 1.0
    # Four seed models are E on math: tied at the top, ordered by name.
    assert [r.name for r in result.rows[:4]] == ["Claude Opus 4.7", "DeepSeek V4", "GPT-5.4", "Gemini 3 Pro"]
    assert [r.tied for r in result.rows[:4]] == [False, True, True, True]


def test_missing_cost_is_a_range_from_best_to_worst_observed_and_reported() -> None:
    profile = Profile(name="p", weights=dict.fromkeys(CRITERIA, 0.0) | {"cost_per_success": 1.0})
    cs = [cand("cheap"), cand("dear"), cand("unknown")]
    result = dmx.rank(profile, cs, cost_per_success={"cheap": 0.01, "dear": 0.09})
    by_name = {r.name: r for r in result.rows}
    assert by_name["dear"].score == 0.0 and by_name["cheap"].score == 1.0
    assert by_name["unknown"].score == 0.5 and by_name["unknown"].score_range == [0.0, 1.0]
    assert by_name["unknown"].unknown == ["cost_per_success"] and by_name["dear"].unknown == []
    assert by_name["unknown"].completeness == 0.0 and by_name["dear"].completeness == 1.0
    # worst case 0.0 only ties "dear" (bounds that touch do not count as overtaking)
    assert by_name["unknown"].rank_range == [1, 2] and by_name["unknown"].rank_depends_on_unknowns
    assert by_name["unknown"].cost_per_success is None and by_name["unknown"].cost_basis == "unknown"
    note = next(n for n in result.unknowns if n.criterion == "cost_per_success")
    assert note.candidates == ["unknown"] and note.range == [0.01, 0.09] and note.weight == 1.0
    gap = next(g for g in result.data_gaps if g.name == "unknown")
    assert gap.unknown == ["cost_per_success"] and "price" in gap.resolve["cost_per_success"]


def test_unknown_method_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        dmx.rank(Profile(name="p"), seed_candidates(), method="ahp")


# --------------------------------------------------------------------------- Pareto and JSON


def test_pareto_set_on_quality_cost_latency() -> None:
    profile = Profile(name="p", workload=Workload(output_tokens=100))
    good = {v: CapabilityRating(rating="E") for v in CAPABILITY_VECTORS}
    poor = {v: CapabilityRating(rating="D") for v in CAPABILITY_VECTORS}
    fast = Latency(ttft_p95_ms=100, output_tokens_per_s=100)
    slow = Latency(ttft_p95_ms=900, output_tokens_per_s=100)
    cs = [cand("premium", caps=good, latency=fast), cand("budget", caps=poor, latency=fast),
          cand("worse", caps=poor, latency=slow), cand("nocost", caps=good, latency=fast)]
    result = dmx.rank(profile, cs, cost_per_success={"premium": 0.1, "budget": 0.01, "worse": 0.2})
    assert result.pareto == ["budget", "premium"]
    assert [(u.name, u.missing) for u in result.pareto_unplaced] == [("nocost", ["cost_per_success"])]
    assert {r.name: r.pareto for r in result.rows}["worse"] is False


def test_result_json_is_valid_and_bit_identical_for_the_same_inputs() -> None:
    hc = HardConstraints(min_context_tokens=200_000)
    profile = Profile(name="p", constraints=hc)
    a = dmx.rank(profile, _governed(), method="topsis", cost_per_success={"qwen": 0.02}).to_json()
    b = dmx.rank(profile, _governed(), method="topsis", cost_per_success={"qwen": 0.02}).to_json()
    assert a == b
    doc = json.loads(a)
    assert doc["method"] == "topsis" and doc["excluded"] and "NaN" not in a
    assert dmx.RankingResult.model_validate(doc).to_json() == a


def test_empty_candidate_list_ranks_nothing_without_error() -> None:
    result = dmx.rank(Profile(name="p"), [])
    assert result.rows == [] and result.empty_state is None and result.winner is None
