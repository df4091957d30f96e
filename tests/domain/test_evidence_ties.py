"""Tied-with-leader (paired test with Holm, else interval overlap) and the sample-size planner,
against hand computations and statsmodels' power functions."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from statsmodels.stats.power import normal_power_het, normal_sample_size_one_tail

from workbench.domain.evidence import (
    EvaluationRun,
    EvidenceFormat,
    ItemResult,
    MetricKind,
    leader_ties,
    mcnemar_mde,
    mcnemar_power,
    mcnemar_sample_size,
    plan_sample_size,
    ties_among_runs,
    wilson_interval,
)

SHA = "0" * 64


def run(name: str, outcomes: list[bool] | None = None, *, rate: float | None = None, n: int | None = None,
        kind: MetricKind = MetricKind.golden_set_accuracy) -> EvaluationRun:
    items = [ItemResult(item_id=f"q{i}", passed=o) for i, o in enumerate(outcomes or [])]
    return EvaluationRun(source_format=EvidenceFormat.csv, source_file="t.csv", source_sha256=SHA,
                         imported_at=datetime(2026, 1, 1, tzinfo=UTC), source_model=name, metric_kind=kind,
                         items=items, aggregate_pass_rate=rate, n_reported=n,
                         n_source="items" if outcomes else "reported")


def outcomes(both: int, a_only: int, b_only: int, neither: int) -> tuple[list[bool], list[bool]]:
    a = [True] * both + [True] * a_only + [False] * b_only + [False] * neither
    b = [True] * both + [False] * a_only + [True] * b_only + [False] * neither
    return a, b


def table() -> dict[str, list[EvaluationRun]]:
    # leader A 80/100; B 68/100 on the same items with 12 A-only and 0 B-only passes; E 79/100 with
    # b = 3, c = 2; C has only an aggregate; D has nothing.
    a, b = outcomes(68, 12, 0, 20)
    _, e = outcomes(77, 3, 2, 18)
    return {"A": [run("A", a)], "B": [run("B", b)], "E": [run("E", e)], "C": [run("C", rate=0.75, n=100)]}


def test_paired_test_separates_where_intervals_overlap() -> None:
    ties = leader_ties("A", ["B", "E", "C", "D"], criterion="*", runs_by_candidate=table())
    rows = {r.candidate: r for r in ties.rows}
    # B: exact McNemar p = 2 * 0.5**12 = 0.000488; Holm over two paired rows doubles the smallest
    assert rows["B"].basis == "paired" and rows["B"].test == "mcnemar-exact"
    assert rows["B"].p_value == pytest.approx(2 * 0.5**12)
    assert rows["B"].p_holm == pytest.approx(4 * 0.5**12)  # 0.00098, the worked figure
    assert rows["B"].tied is False
    lo_a, _ = wilson_interval(80, 100)
    _, hi_b = wilson_interval(68, 100)
    assert float(hi_b) > float(lo_a) and rows["B"].intervals_overlap is True
    assert "intervals overlap" in rows["B"].explanation.lower()
    assert ties.separated_despite_overlap() == [rows["B"]]
    # E: b = 3, c = 2 -> exact p = 1.0, tied on the paired basis
    assert rows["E"].basis == "paired" and rows["E"].tied is True and rows["E"].p_value == pytest.approx(1.0)
    # C: aggregate only -> interval overlap with A's Wilson interval
    assert rows["C"].basis == "intervals" and rows["C"].tied is True
    # D: no evidence at all -> unknown, not a guess
    assert rows["D"].basis == "none" and rows["D"].tied is None
    assert ties.tied() == ["E", "C"]
    assert rows["B"].label().startswith("B (McNemar exact, Holm p = 0.00098")


def test_interval_basis_honours_alpha() -> None:
    runs = {"A": [run("A", rate=0.80, n=100)], "C": [run("C", rate=0.68, n=100)]}
    at_95 = leader_ties("A", ["C"], criterion="*", runs_by_candidate=runs, alpha=0.05)
    at_50 = leader_ties("A", ["C"], criterion="*", runs_by_candidate=runs, alpha=0.50)
    assert at_95.rows[0].tied is True  # 95 % intervals overlap
    assert at_50.rows[0].tied is False  # 50 % intervals do not
    assert at_95.leader_interval == pytest.approx(tuple(float(x) for x in wilson_interval(80, 100, 0.95)))


def test_criterion_selects_runs_by_vector() -> None:
    a, b = outcomes(68, 12, 0, 20)
    runs = {"A": [run("A", a, kind=MetricKind.schema_validity)], "B": [run("B", b, kind=MetricKind.schema_validity)]}
    on_schema = leader_ties("A", ["B"], criterion="schema_adherence", runs_by_candidate=runs)
    assert on_schema.rows[0].basis == "paired"
    on_math = leader_ties("A", ["B"], criterion="math_performance", runs_by_candidate=runs)
    assert on_math.rows[0].basis == "none" and on_math.rows[0].tied is None


def test_ties_among_runs_picks_the_leader() -> None:
    flat = [r for runs in table().values() for r in runs]
    ties = ties_among_runs(flat)
    assert ties is not None and ties.leader == "A"
    assert ties_among_runs(table()["A"]) is None


# --------------------------------------------------------------------------- planner


@pytest.mark.parametrize(("n", "delta", "psi", "alpha"), [(200, 0.1, 0.3, 0.05), (50, 0.2, 0.4, 0.05),
                                                          (1000, 0.03, 0.2, 0.01), (164, 0.15, 0.5, 0.05)])
def test_power_matches_statsmodels(n: int, delta: float, psi: float, alpha: float) -> None:
    expected = normal_power_het(delta, n, alpha, std_null=math.sqrt(psi),
                                std_alternative=math.sqrt(psi - delta**2), alternative="two-sided")
    assert mcnemar_power(n, delta, psi, alpha) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(("delta", "psi"), [(0.1, 0.3), (0.05, 0.2), (0.03, 0.5), (0.2, 0.25)])
def test_sample_size_matches_statsmodels(delta: float, psi: float) -> None:
    n = normal_sample_size_one_tail(delta, 0.8, 0.05 / 2, std_null=math.sqrt(psi),
                                    std_alternative=math.sqrt(psi - delta**2))
    assert mcnemar_sample_size(delta, psi) == math.ceil(n)
    assert mcnemar_power(math.ceil(n), delta, psi) >= 0.8 > mcnemar_power(math.ceil(n) - 2, delta, psi)


def test_mde_reaches_the_power_and_matches_lm_eval_quote() -> None:
    mde = mcnemar_mde(164, 0.5)
    assert mde is not None and mcnemar_power(164, mde, 0.5) == pytest.approx(0.8, abs=1e-6)
    # lm-evaluation-harness #4017: "about 15.5 points" at HumanEval's n = 164 (independent ~50 % models)
    assert mde == pytest.approx(0.155, abs=0.002)
    assert mcnemar_mde(5, 0.02) is None


def test_plan_by_hand() -> None:
    plan = plan_sample_size(a="A", b="B", n_paired=100, a_only=12, b_only=4,
                            cost_per_call_a_usd=0.01, cost_per_call_b_usd=0.002)
    assert plan.discordance == pytest.approx(0.16) and plan.observed_difference == pytest.approx(0.08)
    # n = (1.959964 * 0.4 + 0.841621 * sqrt(0.16 - 0.0064))^2 / 0.0064 = 193.3 -> 194
    hand = (1.959964 * 0.4 + 0.841621 * math.sqrt(0.16 - 0.0064)) ** 2 / 0.0064
    assert plan.n_needed == math.ceil(hand) == 194 and plan.additional_items == 94
    assert plan.cost_per_item_usd == pytest.approx(0.012)
    assert plan.cost_needed_usd == pytest.approx(194 * 0.012)
    assert plan.cost_additional_usd == pytest.approx(94 * 0.012)
    assert plan.target_source == "observed difference"


def test_plan_edge_cases() -> None:
    agree = plan_sample_size(a="A", b="B", n_paired=50, a_only=0, b_only=0, target_difference=0.05)
    assert agree.n_needed is None and agree.mde_at_current_n is None and any("discordant" in n for n in agree.notes)
    wide = plan_sample_size(a="A", b="B", n_paired=100, a_only=3, b_only=1, target_difference=0.2)
    assert wide.planning_discordance == pytest.approx(0.2) and wide.cost_needed_usd is None
    with pytest.raises(ValueError, match="counts"):
        plan_sample_size(a="A", b="B", n_paired=5, a_only=4, b_only=3)
    with pytest.raises(ValueError, match="alpha"):
        plan_sample_size(a="A", b="B", n_paired=5, a_only=1, b_only=0, alpha=1.5)
