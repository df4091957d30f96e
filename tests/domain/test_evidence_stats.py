"""Statistics of the evidence module against the reference's worked numbers and scipy (tests only)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from scipy import stats

from workbench.domain.evidence import (
    BENCHMARK_GUIDE,
    EvaluationRun,
    EvidenceError,
    EvidenceFormat,
    ItemResult,
    MetricKind,
    apply_evidence,
    benchmark_info,
    capability_evidence,
    check_target,
    clopper_pearson_interval,
    compare_runs,
    evidence_matrix,
    holm_adjust,
    hygiene_tags,
    hygiene_warnings,
    match_source_models,
    mcnemar_exact,
    paired_bootstrap,
    proportion_interval,
    sample_capabilities,
    summarize_rates,
    tied_with_leader,
    vector_for,
    wilson_interval,
    zero_failure_n,
)
from workbench.domain.models import Candidate, CapabilityRating, TaskClass

SHA = "0" * 64


def run_of(name: str, outcomes: list[bool] | list[float], kind: MetricKind = MetricKind.golden_set_accuracy,
           ids: list[str] | None = None, benchmark: str | None = None) -> EvaluationRun:
    ids = ids or [f"q{i}" for i in range(len(outcomes))]
    items = [
        ItemResult(item_id=i, passed=o) if isinstance(o, bool) else ItemResult(item_id=i, score=o)
        for i, o in zip(ids, outcomes, strict=True)
    ]
    return EvaluationRun(source_format=EvidenceFormat.csv, source_file="t.csv", source_sha256=SHA,
                         imported_at=datetime(2026, 1, 1, tzinfo=UTC), source_model=name, metric_kind=kind,
                         items=items, benchmark=benchmark, n_source="items")


# --------------------------------------------------------------------------- intervals


def test_reference_intervals() -> None:
    # reference economics-and-evidence.md 6 (matches promptfoo PR #10325)
    lo, hi = wilson_interval(17, 20)
    assert (round(float(lo), 3), round(float(hi), 3)) == (0.640, 0.948)
    lo, hi = clopper_pearson_interval(17, 20)
    assert (round(float(lo), 3), round(float(hi), 3)) == (0.621, 0.968)
    lo, hi = wilson_interval(5, 5)
    assert (round(float(lo), 3), float(hi)) == (0.566, 1.0)
    lo, hi = clopper_pearson_interval(5, 5)
    assert (round(float(lo), 3), float(hi)) == (0.478, 1.0)
    lo, hi = wilson_interval(850, 1000)
    assert (round(float(lo), 3), round(float(hi), 3)) == (0.827, 0.871)


@pytest.mark.parametrize(
    ("rate", "n", "expected"),
    [
        (0.693, 30, (0.51, 0.83)), (0.793, 30, (0.62, 0.90)), (0.917, 30, (0.77, 0.97)),
        (0.731, 30, (0.55, 0.86)), (0.714, 30, (0.54, 0.84)), (0.793, 120, (0.71, 0.86)),
        (0.917, 120, (0.85, 0.95)),
    ],
)
def test_seed_rates_at_illustrative_n(rate: float, n: int, expected: tuple[float, float]) -> None:
    lo, hi = wilson_interval(rate * n, n)
    assert (round(float(lo), 2), round(float(hi), 2)) == expected


def test_intervals_match_scipy_over_grid() -> None:
    cases = [(k, n) for n in (1, 2, 5, 10, 20, 30, 97, 500, 1319) for k in sorted({0, 1, n // 3, n // 2, n - 1, n})
             if 0 <= k <= n]
    k = np.array([c[0] for c in cases])
    n = np.array([c[1] for c in cases])
    for method, scipy_name in (("wilson", "wilson"), ("clopper-pearson", "exact")):
        lo, hi = proportion_interval(k, n, method)  # one vectorised call over all cases
        for i, (ki, ni) in enumerate(cases):
            ref = stats.binomtest(int(ki), int(ni)).proportion_ci(method=scipy_name)
            assert lo[i] == pytest.approx(ref.low, abs=1e-9), (method, ki, ni)
            assert hi[i] == pytest.approx(ref.high, abs=1e-9), (method, ki, ni)


def test_clopper_pearson_closed_forms_at_the_ends() -> None:
    n = 40
    _, hi = clopper_pearson_interval(0, n)
    assert float(hi) == pytest.approx(1 - 0.025 ** (1 / n), abs=1e-12)
    lo, _ = clopper_pearson_interval(n, n)
    assert float(lo) == pytest.approx(0.025 ** (1 / n), abs=1e-12)


def test_interval_other_confidence_and_bad_input() -> None:
    lo, hi = wilson_interval(17, 20, confidence=0.9)
    ref = stats.binomtest(17, 20).proportion_ci(confidence_level=0.9, method="wilson")
    assert (float(lo), float(hi)) == pytest.approx((ref.low, ref.high), abs=1e-12)
    with pytest.raises(ValueError, match="k"):
        wilson_interval(21, 20)
    with pytest.raises(ValueError, match="n"):
        clopper_pearson_interval(0, 0)
    with pytest.raises(ValueError, match="method"):
        proportion_interval(1, 2, "wald")  # type: ignore[arg-type]


@pytest.mark.parametrize(("k", "n", "expected"), [
    (18, 20, (0.698966, 0.972134)),
    (4, 20, (0.080658, 0.416017)),
    (190, 200, (0.910422, 0.972617)),
    (0, 30, (0.0, 0.113513)),
    (30, 30, (0.886487, 1.0)),
])
def test_wilson_published_values(k: int, n: int, expected: tuple[float, float]) -> None:
    # R binom.confint, kept in statsmodels' results_proportion.py (real-world-2026.md section 6)
    lo, hi = wilson_interval(k, n)
    assert (float(lo), float(hi)) == pytest.approx(expected, abs=5e-7)


def test_wilson_honours_alpha() -> None:
    lo95, hi95 = wilson_interval(18, 20, 0.95)
    lo80, hi80 = wilson_interval(18, 20, 0.80)
    assert lo80 > lo95 and hi80 < hi95
    ref = stats.binomtest(18, 20).proportion_ci(confidence_level=0.80, method="wilson")
    assert (float(lo80), float(hi80)) == pytest.approx((ref.low, ref.high), abs=1e-12)


def test_mcnemar_published_values() -> None:
    # statsmodels test_contingency_tables.py: table [[23, 15], [19, 31]] -> b = 15, c = 19
    res = mcnemar_exact(15, 19)
    assert res.p_value == pytest.approx(0.6076, abs=5e-5)
    assert res.statistic_cc == pytest.approx(0.2647, abs=5e-5)
    assert res.p_value_chi2_cc == pytest.approx(0.6069, abs=5e-5)


def test_compare_runs_intervals_honour_alpha() -> None:
    a = run_of("A", [True] * 18 + [False] * 2)
    b = run_of("B", [True] * 14 + [False] * 6)
    wide = compare_runs(a, b, alpha=0.05)
    narrow = compare_runs(a, b, alpha=0.20)
    assert wide.interval_a == pytest.approx(tuple(float(x) for x in wilson_interval(18, 20, 0.95)))
    assert narrow.interval_a == pytest.approx(tuple(float(x) for x in wilson_interval(18, 20, 0.80)))
    assert narrow.interval_a[0] > wide.interval_a[0]


# --------------------------------------------------------------------------- McNemar


def test_mcnemar_routellm_gsm8k() -> None:
    # RouteLLM GSM8K: both 747, weak-only 95, strong-only 383, neither 94 -> p ~ 5.1e-42 (reference 6)
    res = mcnemar_exact(95, 383)
    assert res.p_value == pytest.approx(5.1e-42, rel=0.01)
    assert res.p_value == pytest.approx(stats.binomtest(95, 478, 0.5).pvalue, rel=1e-6)


@pytest.mark.parametrize(("b", "c"), [(0, 0), (0, 1), (1, 0), (3, 3), (2, 9), (10, 4), (40, 25), (120, 160)])
def test_mcnemar_matches_binomial_test_on_discordant_pairs(b: int, c: int) -> None:
    res = mcnemar_exact(b, c)
    expected = 1.0 if b + c == 0 else stats.binomtest(b, b + c, 0.5).pvalue
    assert res.p_value == pytest.approx(expected, rel=1e-9, abs=1e-15)
    if b + c:
        chi = (abs(b - c) - 1) ** 2 / (b + c) if b != c else 0.0
        assert res.p_value_chi2_cc == pytest.approx(stats.chi2.sf(chi, 1), rel=1e-9)


def test_mcnemar_rejects_negative() -> None:
    with pytest.raises(ValueError, match="discordant"):
        mcnemar_exact(-1, 3)


def test_compare_runs_binary_verdict_not_distinguishable() -> None:
    a = [True] * 22 + [False] * 8
    b = [True] * 21 + [False] * 9
    cmp = compare_runs(run_of("A", a), run_of("B", b))
    assert cmp.test == "mcnemar-exact"
    assert cmp.n_paired == 30
    assert cmp.a_only == 1 and cmp.b_only == 0 and cmp.both_pass == 21
    assert "not distinguishable at n = 30" in cmp.verdict
    assert not cmp.significant
    assert any("few discordant" in f for f in cmp.flags)


def test_compare_runs_binary_significant_and_unpaired_items() -> None:
    a = [True] * 100
    b = [True] * 60 + [False] * 40
    ra = run_of("A", a + [True], ids=[f"q{i}" for i in range(100)] + ["extra"])
    cmp = compare_runs(ra, run_of("B", b))
    assert cmp.significant and cmp.verdict.startswith("A is better than B")
    assert cmp.p_value == pytest.approx(stats.binomtest(40, 40, 0.5).pvalue)
    assert cmp.only_in_a == 1 and cmp.n_paired == 100
    lo, hi = cmp.interval_b
    ref = stats.binomtest(60, 100).proportion_ci(method="wilson")
    assert (lo, hi) == pytest.approx((ref.low, ref.high))


def test_compare_runs_needs_shared_items() -> None:
    with pytest.raises(EvidenceError, match="share no item"):
        compare_runs(run_of("A", [True], ids=["x"]), run_of("B", [True], ids=["y"]))


# --------------------------------------------------------------------------- bootstrap


def test_paired_bootstrap_is_deterministic_per_seed() -> None:
    rng = np.random.default_rng(1)
    a = rng.uniform(0, 1, 80)
    b = a - 0.05 + rng.normal(0, 0.05, 80)
    r1 = paired_bootstrap(a, b, n_boot=2000, seed=7)
    r2 = paired_bootstrap(a, b, n_boot=2000, seed=7)
    r3 = paired_bootstrap(a, b, n_boot=2000, seed=8)
    assert r1 == r2
    assert (r1.lower, r1.upper) != (r3.lower, r3.upper)
    assert r1.mean_difference == pytest.approx(float(np.mean(a - b)))
    assert r1.lower < r1.mean_difference < r1.upper
    assert r1.p_value < 0.01  # a clear 5-point paired difference
    # percentile interval close to scipy's percentile bootstrap of the paired differences
    ref = stats.bootstrap((a - b,), np.mean, n_resamples=20000, method="percentile", random_state=0)
    assert r1.lower == pytest.approx(ref.confidence_interval.low, abs=0.004)
    assert r1.upper == pytest.approx(ref.confidence_interval.high, abs=0.004)


def test_paired_bootstrap_no_difference_and_bad_input() -> None:
    a = np.linspace(0, 1, 50)
    res = paired_bootstrap(a, a[::-1][::-1] + 0.0, n_boot=500, seed=0)
    assert res.p_value == 1.0 and res.mean_difference == 0.0
    with pytest.raises(ValueError, match="equal length"):
        paired_bootstrap([1, 2], [1, 2, 3])


def test_compare_runs_scores_uses_bootstrap() -> None:
    rng = np.random.default_rng(3)
    sa = list(np.clip(rng.normal(0.7, 0.1, 40), 0, 1))
    sb = list(np.clip(np.array(sa) - 0.01 + rng.normal(0, 0.1, 40), 0, 1))
    cmp = compare_runs(run_of("A", sa), run_of("B", sb), n_boot=2000, seed=1)
    assert cmp.test == "paired-bootstrap"
    assert cmp.difference_interval is not None
    assert cmp == compare_runs(run_of("A", sa), run_of("B", sb), n_boot=2000, seed=1)


# --------------------------------------------------------------------------- misc statistics


def test_holm_adjust_worked_example() -> None:
    # Holm 1979: p = (0.01, 0.04, 0.03, 0.005) -> sorted 0.005*4, 0.01*3, 0.03*2, 0.04*1 (monotone)
    assert holm_adjust([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_tied_with_leader_and_rate_summaries() -> None:
    runs = [run_of("A", [True] * 25 + [False] * 5), run_of("B", [True] * 24 + [False] * 6),
            run_of("C", [True] * 10 + [False] * 20)]
    rows = summarize_rates(runs)
    assert [r.name for r in rows] == ["A", "B", "C"]
    assert all("small sample" not in " ".join(r.flags) for r in rows)  # n = 30 is not < 30
    tied = tied_with_leader([r.rate for r in rows], [r.lower for r in rows], [r.upper for r in rows])
    assert tied.tolist() == [True, True, False]
    small = summarize_rates([run_of("D", [True] * 5)])[0]
    assert any("small sample: n = 5" in f for f in small.flags)


def test_check_target_needle_rule_of_three() -> None:
    lo, hi = wilson_interval(30, 30)
    chk = check_target(MetricKind.needle_recall, 1.0, float(lo), float(hi), n=30)
    assert chk.met is True and chk.demonstrated is False
    assert "299 items" in chk.message  # ln(0.05)/ln(0.99) = 298.07 -> 299 (rule of three: ~300)
    assert zero_failure_n(0.99) == 299
    at_99 = check_target(MetricKind.needle_recall, 1.0, float(lo), float(hi), n=30, confidence=0.99)
    assert "459 items" in at_99.message  # ln(0.01)/ln(0.99) = 458.2 -> 459
    chk = check_target(MetricKind.tool_first_attempt, 0.85, 0.8, 0.9, n=200)
    assert chk.met is False
    chk = check_target(MetricKind.golden_set_accuracy, 0.842, 0.83, 0.85, baseline=0.845)
    assert chk.met is True  # within 0.5 points of the baseline
    assert check_target(MetricKind.golden_set_accuracy, 0.8, 0.7, 0.9).met is None


# --------------------------------------------------------------------------- evidence -> capability


def test_capability_evidence_pools_and_replaces_prior() -> None:
    needle1 = run_of("A", [True] * 18 + [False] * 2, MetricKind.needle_recall)
    needle2 = run_of("A", [True] * 9 + [False], MetricKind.needle_recall, ids=[f"z{i}" for i in range(10)])
    golden = run_of("B", [True] * 15 + [False] * 5)
    public = run_of("A", [True] * 10, MetricKind.public_benchmark, benchmark="mmlu")
    ev = capability_evidence([needle1, needle2, golden, public], task_class=TaskClass.extraction)
    by = {(e.candidate, e.vector): e for e in ev}
    assert set(by) == {("A", "long_context_integrity"), ("B", "schema_adherence")}
    pooled = by[("A", "long_context_integrity")]
    assert pooled.n == 30 and pooled.value == pytest.approx(27 / 30)
    lo, hi = wilson_interval(27, 30)
    assert (pooled.lower, pooled.upper) == pytest.approx((float(lo), float(hi)))
    with_public = capability_evidence([public], include_public_benchmarks=True)
    assert with_public[0].vector == "reasoning_depth"

    cands = [
        Candidate(name="A", capabilities={"long_context_integrity": CapabilityRating(rating="D")}),
        Candidate(name="B", capabilities={"long_context_integrity": CapabilityRating(rating="A"),
                                          "schema_adherence": CapabilityRating(rating="E")}),
    ]
    m = evidence_matrix(cands, ev, vectors=["long_context_integrity", "schema_adherence"])
    assert m.source == [["measured", "unknown"], ["prior", "measured"]]
    assert m.values[0][0] == pytest.approx(0.9) and m.values[0][1] is None
    assert m.values[1][0] == 0.5 and m.lower[1][0] == m.upper[1][0] == 0.5  # prior: no interval
    assert m.values[1][1] == pytest.approx(0.75)  # measured 15/20 replaces the E prior (1.0)
    assert m.n_eff[1][1] == 20
    updated = apply_evidence(cands[0], ev)
    assert updated.capability_value("long_context_integrity") == pytest.approx(0.9)
    assert updated.capabilities["long_context_integrity"].rating == "D"


def test_sample_capabilities_follows_interval_and_is_seeded() -> None:
    ev = capability_evidence([run_of("A", [True] * 85 + [False] * 15, MetricKind.schema_validity)])
    cands = [Candidate(name="A"), Candidate(name="B", capabilities={"schema_adherence": CapabilityRating(rating="A")})]
    m = evidence_matrix(cands, ev, vectors=["schema_adherence", "math_performance"])
    draws = sample_capabilities(m, 20000, seed=5)
    assert draws.shape == (20000, 2, 2)
    assert np.array_equal(draws, sample_capabilities(m, 20000, seed=5), equal_nan=True)
    q = np.quantile(draws[:, 0, 0], [0.025, 0.975])
    lo, hi = wilson_interval(85, 100)
    assert q == pytest.approx([float(lo), float(hi)], abs=0.015)
    assert np.all(draws[:, 1, 0] == 0.5)  # prior: constant
    assert np.all(np.isnan(draws[:, :, 1]))  # unknown
    wide = sample_capabilities(m, 1000, seed=5, prior_halfwidth=0.1)
    assert 0.4 <= wide[:, 1, 0].min() < wide[:, 1, 0].max() <= 0.6


def test_vector_for_and_latency_kind() -> None:
    assert vector_for(MetricKind.golden_set_accuracy, TaskClass.math) == "math_performance"
    assert vector_for(MetricKind.shadow_latency) is None
    assert vector_for(MetricKind.public_benchmark, benchmark="swe_bench_verified") == "code_competence"


# --------------------------------------------------------------------------- hygiene and names


def test_benchmark_guide_tags() -> None:
    assert set(BENCHMARK_GUIDE) == {"mmlu", "mmlu-pro", "gpqa-diamond", "hle", "swe-bench-verified",
                                    "swe-bench-pro", "terminal-bench-2"}
    info = benchmark_info("mmlu_pro")
    assert info is not None and info.name == "MMLU-Pro"
    info = benchmark_info("mmlu_abstract_algebra")
    assert info is not None and info.name == "MMLU"
    info = benchmark_info("gpqa_diamond_cot_zeroshot")
    assert info is not None and info.saturated
    assert hygiene_tags("SWE-bench Verified") == ["saturated", "contamination-prone"]
    assert hygiene_tags("SWE-bench Pro") == []
    assert hygiene_tags("HLE") == []
    assert benchmark_info("hellaswag") is None


def test_hygiene_warnings() -> None:
    only_public = run_of("A", [True] * 10, MetricKind.public_benchmark, benchmark="mmlu")
    unknown_public = run_of("B", [True] * 10, MetricKind.public_benchmark, benchmark="gsm8k")
    golden = run_of("B", [True] * 10)
    warns = hygiene_warnings([only_public, unknown_public, golden])
    assert any(w.startswith("A: MMLU is saturated and contamination-prone") for w in warns)
    assert any("A: the evidence rests only on public benchmarks" in w for w in warns)
    assert any("gsm8k is not in the seed's Benchmark Performance Guide" in w for w in warns)
    assert not any(w.startswith("B: the evidence rests only") for w in warns)


def test_match_source_models() -> None:
    got = match_source_models(
        ["openai/GPT-4o", "hf:meta-llama/Meta-Llama-3-8B-Instruct", "echo-a"],
        ["gpt-4o", "Meta-Llama-3-8B-Instruct", "claude-sonnet-4-5"],
    )
    assert got == {"openai/GPT-4o": "gpt-4o", "hf:meta-llama/Meta-Llama-3-8B-Instruct": "Meta-Llama-3-8B-Instruct",
                   "echo-a": None}


def test_run_rejects_duplicate_items() -> None:
    with pytest.raises(ValueError, match="duplicate item id 'q1'"):
        run_of("A", [True, False], ids=["q1", "q1"])
