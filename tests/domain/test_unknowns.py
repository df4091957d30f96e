"""Unknown is a range and every profile field means something, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.domain import unknowns
from workbench.domain.decision_matrix import build_decision_matrix
from workbench.domain.linter import lint_profile
from workbench.domain.models import (
    CRITERIA,
    Candidate,
    CapabilityRating,
    HardConstraints,
    License,
    Privacy,
    Profile,
    UnknownPolicy,
    Workload,
)
from workbench.domain.ranking import rank, rank_matrix
from workbench.domain.requirements import fail_open_risk
from workbench.domain.smaa import run_smaa

WEIGHTS = dict.fromkeys(CRITERIA, 0.0) | {"grounded_synthesis": 3.0, "cost_per_success": 1.0}


def two_candidates() -> list[Candidate]:
    rated = Candidate(name="A", capabilities={"grounded_synthesis": CapabilityRating(rating="E")})
    return [rated, Candidate(name="B")]  # B: grounded synthesis unknown (no rating, no evidence)


def two_candidate_profile(**update: object) -> Profile:
    return Profile(name="p", weights=WEIGHTS, **update)  # type: ignore[arg-type]


def test_two_candidate_score_range_by_hand() -> None:
    # Weights 3:1 -> 0.75 grounded synthesis, 0.25 cost. Envelope: synthesis 0..1 (B's range D..E),
    # cost 0.005..0.01. A = 0.75*1 + 0.25*0 = 0.75. B = 0.75*q + 0.25*1 with q in [0, 1]:
    # range [0.25, 1.0], point (q = 0.5) 0.625.
    result = rank(two_candidate_profile(), two_candidates(), cost_per_success={"A": 0.01, "B": 0.005})
    a, b = result.rows
    assert (a.name, a.score, a.score_range, a.completeness) == ("A", 0.75, [0.75, 0.75], 1.0)
    assert (b.name, b.score, b.score_range, b.completeness) == ("B", 0.625, [0.25, 1.0], 0.5)
    assert b.unknown == ["grounded_synthesis"] and b.rank_depends_on_unknowns and b.rank_range == [1, 2]
    assert a.rank_depends_on_unknowns and a.rank_range == [1, 2]  # B's best case overtakes A
    assert result.unknown_policy.mode == "range"


def test_two_candidate_smaa_share_by_hand() -> None:
    # Fixed weights (spread 0): B ranks first iff 0.75 q + 0.25 > 0.75, i.e. q > 2/3: a third of the
    # uniform draws of q (Latin hypercube over UNKNOWN_DRAWS = 50 strata: 16 or 17 of them, within 1/50).
    profile = two_candidate_profile()
    dm = build_decision_matrix(profile, two_candidates(), {"A": 0.01, "B": 0.005})
    res = run_smaa(dm, profile.weights, profile.constraints, n_samples=1_000, spread=0.0, seed=7)
    share = {c.name: c.first_rank for c in res.candidates}
    assert share["B"] == pytest.approx(1 / 3, abs=1 / 50) and share["A"] == pytest.approx(2 / 3, abs=1 / 50)
    assert res.unknowns_sampled and res.unknown_cells == 1
    assert "of plausible weightings and unknown values" in res.headline


def test_known_values_are_not_sampled() -> None:
    profile = two_candidate_profile()
    rated = [Candidate(name=n, capabilities={"grounded_synthesis": CapabilityRating(rating=r)})  # type: ignore[arg-type]
             for n, r in (("A", "E"), ("B", "A"))]
    dm = build_decision_matrix(profile, rated, {"A": 0.01, "B": 0.005})
    res = run_smaa(dm, profile.weights, profile.constraints, n_samples=500, spread=0.0)
    assert not res.unknowns_sampled and "unknown values" not in res.headline
    assert res.candidates[0].first_rank == 1.0


def test_high_risk_excludes_below_completeness_with_the_count_in_the_reason() -> None:
    result = rank(two_candidate_profile(risk_level="high"), two_candidates(), cost_per_success={"A": 0.01, "B": 0.005})
    assert [r.name for r in result.rows] == ["A"]
    assert result.unknown_policy.mode == "exclude" and result.unknown_policy.source == "risk default"
    (excluded,) = result.excluded
    assert excluded.reasons == ["insufficient data: 1 of 2 weighted criteria known "
                                "(policy: exclude below 75% completeness)"]
    gap = next(g for g in result.data_gaps if g.name == "B")
    assert gap.unknown == ["grounded_synthesis"] and "evidence" in gap.resolve["grounded_synthesis"]


def test_a_stated_range_policy_overrides_the_risk_default() -> None:
    profile = two_candidate_profile(risk_level="high", unknown_policy=UnknownPolicy(mode="range"))
    result = rank(profile, two_candidates(), cost_per_success={"A": 0.01, "B": 0.005})
    assert len(result.rows) == 2 and result.unknown_policy.source == "profile"


def test_an_unrelated_exclusion_does_not_move_an_unknown_candidates_range() -> None:
    # The old "worst observed" imputation gave B whatever the remaining rated candidates had.
    cands = [*two_candidates(), Candidate(name="C", capabilities={"grounded_synthesis": CapabilityRating(rating="D")})]
    profile = two_candidate_profile()
    dm = build_decision_matrix(profile, cands, {"A": 0.01, "B": 0.005, "C": 0.02})
    before = {r.name: r for r in rank_matrix(dm, profile.weights, HardConstraints()).rows}
    after = {r.name: r for r in rank_matrix(dm, profile.weights, HardConstraints(max_cost_per_success_usd=0.015)).rows}
    assert dm.range_lower[1, CRITERIA.index("grounded_synthesis")] == 0.0  # type: ignore[index]
    assert before["B"].unknown == after["B"].unknown == ["grounded_synthesis"]
    assert "C" not in after


def test_rank_bounds_by_hand() -> None:
    best, worst = unknowns.rank_bounds(np.array([0.75, 0.25, 0.1]), np.array([0.75, 1.0, 0.2]))
    assert best.tolist() == [1, 1, 3] and worst.tolist() == [2, 2, 3]


# --------------------------------------------------------------------------- point 5: stored fields enforced


def test_zero_retention_excludes_a_retaining_candidate_with_both_values() -> None:
    retains = Candidate(name="R", license=License(name="API terms", restrictions=["provider_retention"],  # type: ignore[list-item]
                                                  retention="Typically 30 days"))
    local = Candidate(name="L", license=License(name="MIT", kind="open_source", retention="Zero if locally hosted."))
    unknown = Candidate(name="U")
    profile = Profile(name="p", privacy=Privacy(zero_retention_required=True))
    result = rank(profile, [retains, local, unknown])
    assert [r.name for r in result.rows] == ["L"]
    reasons = {e.name: e.reasons for e in result.excluded}
    assert reasons["R"] == ["retention: provider retains request logs (Typically 30 days); required zero retention"]
    assert reasons["U"][0].startswith("retention unknown")
    assert rank(Profile(name="p"), [retains, local]).excluded == []  # not asked: not enforced


def test_workload_above_the_context_window_excludes_with_both_values() -> None:
    small = Candidate(name="small", context_window=8_192)
    big = Candidate(name="big", context_window=131_072)
    unknown = Candidate(name="unknown-window")
    profile = Profile(name="p", workload=Workload(input_tokens=60_000, output_tokens=1_500))
    result = rank(profile, [small, big, unknown])
    assert sorted(r.name for r in result.rows) == ["big", "unknown-window"]  # unknown window: a data gap
    (ex,) = result.excluded
    assert ex.reasons == ["context window 8,192 tokens < workload needs 61,500 tokens"]


def test_language_scope_uses_the_multilingual_rating_and_an_unknown_rating_is_a_range() -> None:
    def c(name: str, rating: str | None) -> Candidate:
        caps = {"multilingual_coverage": CapabilityRating(rating=rating)} if rating else {}  # type: ignore[arg-type]
        return Candidate(name=name, capabilities=caps)

    profile = Profile(name="p", language_scope="high_resource_multilingual")
    result = rank(profile, [c("D-rated", "D"), c("A-rated", "A"), c("unrated", None)])
    assert sorted(r.name for r in result.rows) == ["A-rated", "unrated"]
    assert result.excluded[0].reasons == ["multilingual coverage D < language scope high resource multilingual "
                                          "needs A"]


def test_high_risk_fail_open_is_a_blocking_lint_finding_and_a_save_warning() -> None:
    profile = Profile(name="p", risk_level="high", failure_policy="fail_open")
    assert fail_open_risk(profile) is not None and fail_open_risk(Profile(name="q")) is None
    findings = lint_profile(profile)
    assert any(f.blocking and f.rule_id == "high-risk-fail-open" for f in findings)
    assert not any(f.rule_id == "high-risk-fail-open" for f in lint_profile(Profile(name="q")))


def test_privacy_topologies_are_enforced_once() -> None:
    api = Candidate(name="api", topologies=["managed_api"])  # type: ignore[list-item]
    local = Candidate(name="local", topologies=["self_hosted"])  # type: ignore[list-item]
    profile = Profile(name="p", privacy=Privacy(allowed_topologies=["self_hosted"]))  # type: ignore[list-item]
    result = rank(profile, [api, local])
    assert [r.name for r in result.rows] == ["local"]
    assert result.excluded[0].reasons == ["topology: offers managed api, allowed self-hosted instance"]
    # the same requirement among the hard constraints (as the page's widgets fold it in) is not repeated
    both = rank(profile, [api, local], constraints_override=HardConstraints(allowed_topologies=["self_hosted"]))  # type: ignore[list-item]
    assert both.excluded[0].reasons == ["topology: offers managed api, allowed self-hosted instance"]
