"""Economics formulas against the seed's and the references' worked numbers."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from workbench.domain import economics as E
from workbench.domain.models import Candidate, EffortTier, PriceTier, Pricing, Workload

# --------------------------------------------------------------------------- cascade / router


def test_routellm_router_saves_3_66x_and_cascade_3_63x() -> None:
    # reference section 1/7: GPT-4 $24.7/M, Mixtral $0.24/M, 26.6 % strong calls.
    router = E.router_expected_cost(0.24, 24.7, 0.266)
    cascade = E.cascade_expected_cost(0.24, 24.7, 0.266)
    assert float(router) == pytest.approx(0.24 * 0.734 + 24.7 * 0.266)
    assert float(E.savings_ratio(24.7, router)) == pytest.approx(3.66, abs=0.005)
    assert float(E.savings_ratio(24.7, cascade)) == pytest.approx(3.63, abs=0.005)
    assert float(cascade) > float(router)  # the cascade always pays the cheap model


def test_routellm_85_percent_saving_needs_about_14_percent_strong_calls() -> None:
    # reference section 1: "85 % saving => f ~ 14 %". Solve f for E[C] = 0.15 * C_S.
    shares = np.linspace(0, 1, 100001)
    cost = E.router_expected_cost(0.24, 24.7, shares)
    f = shares[np.argmin(np.abs(cost - 0.15 * 24.7))]
    assert f == pytest.approx(0.14, abs=0.005)


def test_cascade_break_even_rate_and_quality() -> None:
    # r* = 1 - (c_W + c_J)/c_S
    assert float(E.cascade_break_even_rate(1.0, 10.0, 0.5)) == pytest.approx(0.85)
    assert float(E.cascade_expected_cost(1.0, 10.0, 0.85, 0.5)) == pytest.approx(10.0)
    assert float(E.cascade_break_even_rate(12.0, 10.0)) == 0.0  # cheap stage alone too expensive: clipped
    assert float(E.cascade_expected_quality(0.2, 0.9, 0.95)) == pytest.approx(0.8 * 0.9 + 0.2 * 0.95)
    f_star = float(E.router_break_even_share(1.0, 10.0, 0.5))
    assert float(E.router_expected_cost(1.0, 10.0, f_star, 0.5)) == pytest.approx(10.0)


def test_break_even_rates_are_clipped_with_a_plain_sentence() -> None:
    # cheap + judge above premium gave r* = 1 - (9 + 13.1)/10 = -1.21
    assert float(E.cascade_break_even_rate(9.0, 10.0, 13.1)) == 0.0
    never = E.cascade_break_even(9.0, 10.0, 13.1)
    assert never.never_pays and never.rate == 0.0 and never.unclipped == pytest.approx(-1.21)
    assert never.sentence.startswith("The cascade never pays")
    pays = E.cascade_break_even(1.0, 10.0, 0.5)
    assert not pays.never_pays and pays.rate == pytest.approx(0.85) and "85.0%" in pays.sentence
    free = E.cascade_break_even(0.0, 10.0)
    assert free.rate == 1.0 and "any escalation rate" in free.sentence
    np.testing.assert_allclose(E.cascade_break_even_rate([9.0, 1.0, 0.0], 10.0, [13.1, 0.5, 0.0]), [0.0, 0.85, 1.0])
    # router: f* = (C_H - C_R - C_L)/(C_H - C_L); never pays when the router costs the whole saving
    assert float(E.router_break_even_share(1.0, 10.0, 9.5)) == 0.0
    r = E.router_break_even(1.0, 10.0, 9.5)
    assert r.never_pays and r.unclipped == pytest.approx(-0.5 / 9) and "never pays" in r.sentence
    inverted = E.router_break_even(12.0, 10.0)
    assert inverted.never_pays and "not cheaper than the premium" in inverted.sentence
    assert float(E.router_break_even_share(12.0, 10.0)) == 0.0
    assert E.router_break_even(1.0, 10.0, 0.5).rate == pytest.approx(8.5 / 9)


def test_cascade_vectorised_over_escalation_rates() -> None:
    out = E.cascade_expected_cost(0.24, 24.7, np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(out, [0.24, 0.24 + 12.35, 24.94])


# --------------------------------------------------------------------------- threshold sweep


def test_threshold_sweep_hand_computed() -> None:
    conf = [0.9, 0.2, 0.6, 0.4]
    ok = [1, 0, 1, 0]
    sweep = E.cascade_threshold_sweep(conf, ok, cheap_cost=1.0, premium_cost=10.0, premium_quality=1.0)
    np.testing.assert_allclose(sweep.tau[:-1], [0.2, 0.4, 0.6, 0.9])
    np.testing.assert_allclose(sweep.escalation_rate, [0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(sweep.expected_quality, [0.5, 0.75, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(sweep.expected_cost, [1.0, 3.5, 6.0, 8.5, 11.0])
    best = E.best_threshold(sweep, 0.95)
    assert best is not None and best.tau == pytest.approx(0.6) and best.expected_cost == pytest.approx(6.0)
    assert best.cheaper_than_premium and "cascade is cheaper" in best.explanation
    assert E.best_threshold(
        E.cascade_threshold_sweep(conf, ok, cheap_cost=1.0, premium_cost=10.0, premium_quality=0.6), 0.99
    ) is None


def test_threshold_sweep_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    conf = np.round(rng.random(200), 2)  # ties on purpose
    ok = (rng.random(200) < conf).astype(float)
    strong = (rng.random(200) < 0.9).astype(float)
    sweep = E.cascade_threshold_sweep(conf, ok, cheap_cost=0.24, premium_cost=24.7, premium_correct=strong)
    for tau, rate, quality in zip(sweep.tau, sweep.escalation_rate, sweep.expected_quality, strict=True):
        esc = conf < tau
        assert rate == pytest.approx(esc.mean())
        assert quality == pytest.approx(np.where(esc, strong, ok).mean())
    assert sweep.premium_direct_quality == pytest.approx(strong.mean())


# --------------------------------------------------------------------------- RAG vs stuffing


def test_seed_stuffing_example_two_dollars() -> None:
    # seed 002: 400,000 tokens at $0.005 per 1K input tokens = $2.00 per query ($0.005/1K = $5/M).
    assert float(E.stuffing_cost_per_query(400_000, 0.005 * 1000)) == pytest.approx(2.00)


def test_rag_figure_is_computed_not_copied_from_the_seed() -> None:
    rag = float(E.rag_cost_per_query(5, 512, 5.0))
    assert rag == pytest.approx(0.0128)  # 2,560 tokens at $0.005/1K
    assert rag != pytest.approx(0.000413, rel=0.1)  # the seed's inconsistent figure
    # the seed's figure would need ~ $0.00016 per 1K
    assert 0.000413 / 2.560 == pytest.approx(0.000161, abs=1e-6)


def test_rag_break_even_volume() -> None:
    r = E.rag_vs_stuffing(corpus_tokens=400_000, input_per_mtok=5.0, top_k=5, chunk_tokens=512,
                          embed_per_mtok=0.02, monthly_fixed_usd=100.0, amortisation_months=12)
    chunks = math.ceil(400_000 / 512)
    assert r.index_chunks == chunks
    assert r.index_cost_usd == pytest.approx(chunks * 512 * 0.02 / 1e6)
    saving = 2.00 - 0.0128
    assert r.break_even_queries == pytest.approx(r.index_cost_usd / saving)
    assert r.break_even_queries_per_month == pytest.approx((100.0 + r.index_cost_usd / 12) / saving)
    assert "0.0128" in r.notes[0]
    never = E.rag_vs_stuffing(corpus_tokens=1000, input_per_mtok=5.0, top_k=5, chunk_tokens=512)
    assert math.isinf(never.break_even_queries)


def test_rag_break_even_below_one_query_per_month_is_said_plainly() -> None:
    # "RAG is cheaper above 1 queries per month" for a break-even of 0.0003
    r = E.rag_vs_stuffing(corpus_tokens=400_000, input_per_mtok=5.0, top_k=5, chunk_tokens=512, embed_per_mtok=0.02)
    assert r.break_even_queries_per_month == pytest.approx(0.0003358, rel=1e-3)
    assert "1 queries" not in r.explanation and "above 1 " not in r.explanation
    assert "cheaper at any volume" in r.explanation and "0.00034 queries per month" in r.explanation
    assert "pays for itself with the first query" in r.explanation
    big = E.rag_vs_stuffing(corpus_tokens=400_000, input_per_mtok=5.0, top_k=5, chunk_tokens=512,
                            embed_per_mtok=0.02, monthly_fixed_usd=1.9872)
    assert big.break_even_queries_per_month == pytest.approx(1.0, abs=1e-3)
    assert "above 1 query per month" in big.explanation or "above 2 queries per month" in big.explanation


def test_rag_index_with_overlap() -> None:
    chunks, cost = E.rag_index_cost(1000, 300, 1.0, overlap_tokens=50)
    assert float(chunks) == math.ceil(950 / 250)
    with pytest.raises(ValueError, match="overlap_tokens"):
        E.rag_index_cost(1000, 300, 1.0, overlap_tokens=300)


# --------------------------------------------------------------------------- cost per call / success


def test_cost_per_call_components() -> None:
    c = E.cost_per_call(2000, 500, input_per_mtok=5, output_per_mtok=30, cached_input_per_mtok=0.5,
                        cached_share=0.5, effort_multiplier=3)
    assert float(c.uncached_input_usd) == pytest.approx(1000 * 5 / 1e6)
    assert float(c.cached_input_usd) == pytest.approx(1000 * 0.5 / 1e6)
    assert float(c.output_usd) == pytest.approx(500 * 30 / 1e6)
    assert float(c.reasoning_tokens) == 1000  # 500 * 3 generated, 500 visible
    assert float(c.reasoning_usd) == pytest.approx(1000 * 30 / 1e6)  # billed as output
    assert float(c.total_usd) == pytest.approx(0.0505)


def test_missing_cached_price_means_no_discount_and_reasoning_price_used() -> None:
    c = E.cost_per_call(1000, 100, input_per_mtok=2, output_per_mtok=8, cached_share=1.0,
                        reasoning_tokens=50, reasoning_per_mtok=4)
    assert float(c.cached_input_usd) == pytest.approx(1000 * 2 / 1e6)
    assert float(c.reasoning_usd) == pytest.approx(50 * 4 / 1e6)


def test_long_context_tier_from_litellm_fixture(fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    prices = json.loads((fixtures_dir / "pricing" / "litellm_model_prices.json").read_text())["gpt-5.5"]
    m = 1e6
    kwargs = {
        "input_per_mtok": prices["input_cost_per_token"] * m,
        "output_per_mtok": prices["output_cost_per_token"] * m,
        "cached_input_per_mtok": prices["cache_read_input_token_cost"] * m,
        "tier_thresholds": [272_000],
        "tier_input_per_mtok": [prices["input_cost_per_token_above_272k_tokens"] * m],
        "tier_output_per_mtok": [prices["output_cost_per_token_above_272k_tokens"] * m],
        "tier_cached_input_per_mtok": [prices["cache_read_input_token_cost_above_272k_tokens"] * m],
    }
    short = E.cost_per_call(100_000, 1_000, **kwargs)
    long = E.cost_per_call(300_000, 1_000, cached_share=0.5, **kwargs)
    assert not bool(short.long_context) and bool(long.long_context)
    assert float(short.total_usd) == pytest.approx(100_000 * 5e-6 + 1_000 * 3e-5)
    assert float(long.total_usd) == pytest.approx(150_000 * 1e-5 + 150_000 * 1e-6 + 1_000 * 4.5e-5)
    # exactly at the threshold the base price applies ("above")
    assert not bool(E.cost_per_call(272_000, 0, **kwargs).long_context)


def test_tier_without_cached_price_gets_no_discount() -> None:
    c = E.cost_per_call(300_000, 0, input_per_mtok=1, output_per_mtok=1, cached_input_per_mtok=0.1,
                        cached_share=1.0, tier_thresholds=[200_000], tier_input_per_mtok=[2])
    assert float(c.cached_input_usd) == pytest.approx(300_000 * 2 / 1e6)


def test_cost_per_success_retries_and_human_review() -> None:
    call = E.cost_per_call(1000, 1000, input_per_mtok=1, output_per_mtok=1)  # $0.002 per call
    s = E.cost_per_success(call, valid_output_rate=0.8, max_retries=2, human_review_cost_usd=1.0,
                           human_review_rate=0.1)
    p_success = 1 - 0.2**3
    attempts = p_success / 0.8
    assert float(s.success_probability) == pytest.approx(p_success)
    assert float(s.expected_attempts) == pytest.approx(1 + 0.2 + 0.04)
    assert float(s.total_usd) == pytest.approx((attempts * 0.002 + 0.1) / p_success)
    # the model part is c/p regardless of retries (reference: CPS = E[C]/p)
    model_part = float(s.total_usd - s.components_usd["human_validation"])
    assert model_part == pytest.approx(0.002 / 0.8)
    assert float(s.components_usd["retries"]) == pytest.approx((attempts - 1) * 0.002 / p_success)
    assert sum(float(v) for v in s.components_usd.values()) == pytest.approx(float(s.total_usd))


def test_monthly_totals_add_up() -> None:
    call = E.cost_per_call(2000, 500, input_per_mtok=3, output_per_mtok=15, cached_input_per_mtok=0.3,
                           cached_share=0.4)
    s = E.cost_per_success(call, valid_output_rate=0.9, max_retries=1, human_review_cost_usd=0.5,
                           human_review_rate=0.02)
    m = E.monthly_totals(s, 1_000_000)
    assert float(m["total_usd"]) == pytest.approx(1_000_000 * float(s.cost_per_request_usd))
    parts = sum(float(m[f"{k}_usd"]) for k in E.COST_COMPONENTS)
    assert parts == pytest.approx(float(m["total_usd"]))
    assert float(m["successful_outcomes"]) == pytest.approx(1_000_000 * 0.99)


# --------------------------------------------------------------------------- candidates


def _candidates() -> list[Candidate]:
    return [
        Candidate(name="A", pricing=Pricing(input_per_mtok=5, output_per_mtok=30, cached_input_per_mtok=0.5),
                  chars_per_token=4.0,
                  effort_tiers=[EffortTier(name="low", token_multiplier=1.0, quality_by_domain={"math": 0.693}),
                                EffortTier(name="medium", token_multiplier=2.0, quality_by_domain={"math": 0.793}),
                                EffortTier(name="high", token_multiplier=4.0, quality_by_domain={"math": 0.917})]),
        Candidate(name="B", pricing=Pricing(input_per_mtok=1, output_per_mtok=4), chars_per_token=3.2,
                  effort_tiers=[EffortTier(name="medium", token_multiplier=2.0, quality_by_domain={"math": 0.75}),
                                EffortTier(name="high", token_multiplier=6.0, quality_by_domain={"math": 0.86})]),
        Candidate(name="C no price"),
        Candidate(name="D tiers", pricing=Pricing(input_per_mtok=1.25, output_per_mtok=10,
                                                  tiers=[PriceTier(above_input_tokens=200_000, input_per_mtok=2.5,
                                                                   output_per_mtok=15)])),
    ]


def test_cost_per_success_for_candidates_vectorised() -> None:
    w = Workload(input_tokens=2000, output_tokens=500, cached_share=0.5, effort_tier="medium",
                 max_retries=1, valid_output_rate=0.9)
    cps = E.cost_per_success_for(_candidates(), w)
    assert cps.shape == (4,) and math.isnan(cps[2])
    # A: medium doubles generated tokens -> 500 reasoning; tokenizer 4.0/4.0 = 1
    a_call = (1000 * 5 + 1000 * 0.5 + 500 * 30 + 500 * 30) / 1e6
    assert cps[0] == pytest.approx(a_call / 0.9)
    # B: tokenizer 4.0/3.2 = 1.25x tokens; no cached price -> no discount
    b_call = 1.25 * (2000 * 1 + 500 * 4 + 500 * 4) / 1e6
    assert cps[1] == pytest.approx(b_call / 0.9)
    costs = E.cost_breakdown_for(_candidates(), w)
    rows = costs.rows()
    assert rows[1]["tokenizer_multiplier"] == pytest.approx(1.25)
    assert rows[2]["pricing_known"] is False and math.isnan(float(rows[2]["cost_per_success_usd"]))  # type: ignore[arg-type]
    assert rows[3]["effort_tier_found"] is False and rows[3]["tokenizer_known"] is False
    assert costs.monthly["total_usd"][0] == pytest.approx(1_000_000 * costs.success.cost_per_request_usd[0])


def test_candidate_long_context_tier_and_override_rate() -> None:
    w = Workload(input_tokens=250_000, output_tokens=1000, valid_output_rate=0.5, max_retries=0)
    costs = E.cost_breakdown_for(_candidates(), w, valid_output_rate=[np.nan, np.nan, np.nan, 1.0])
    assert bool(costs.call.long_context[3])
    assert costs.cost_per_success_usd[3] == pytest.approx((250_000 * 2.5 + 1000 * 15) / 1e6)
    assert costs.cost_per_success_usd[0] == pytest.approx((250_000 * 5 + 1000 * 30) / 1e6 / 0.5)


# --------------------------------------------------------------------------- crossover


def test_effort_options_and_required_quality_crossover_seed_aime() -> None:
    # seed 002: GPT-5.5 Pro AIME 69.3 / 79.3 / 91.7 % at low / medium / high (candidate A here).
    w = Workload(input_tokens=1000, output_tokens=1000, max_retries=0)
    opts = E.effort_options(_candidates(), w, "math")
    assert opts.labels == ["A · low", "A · medium", "A · high", "B · medium", "B · high"]
    np.testing.assert_allclose(opts.quality, [0.693, 0.793, 0.917, 0.75, 0.86])
    a_low = (1000 * 5 + 1000 * 30) / 1e6
    assert opts.cost_per_success_usd[0] == pytest.approx(a_low / 0.693)
    res = E.required_quality_crossover(opts.labels, opts.cost_per_success_usd, opts.quality)
    # B is far cheaper: B·medium up to 75 %, B·high up to 86 %, only A·high above 86 %.
    assert [s.label for s in res.segments] == ["B · medium", "B · high", "A · high"]
    assert [c.at_quality for c in res.crossovers] == [0.75, 0.86]
    assert res.crossovers[1].explanation.startswith("Above 86.0% required quality, A · high is the cheapest")
    assert res.max_quality == pytest.approx(0.917)
    assert list(res.frontier) == [False, False, True, True, True]


def test_crossover_skips_dominated_tier_expert_swe() -> None:
    # seed 002 Expert-SWE refactor: medium 73.1 % beats high 71.4 %; high costs more -> never chosen.
    res = E.required_quality_crossover(["medium", "high", "low"], [0.02, 0.05, 0.01], [0.731, 0.714, 0.60])
    assert [s.label for s in res.segments] == ["low", "medium"]
    assert res.crossovers[0].at_quality == pytest.approx(0.60)
    assert not res.frontier[1]


def test_crossover_exact_not_grid_and_ties() -> None:
    res = E.required_quality_crossover(["x", "y", "z"], [1.0, 1.0, 3.0], [0.5, 0.8123456, 0.9])
    # equal cost: the higher-quality option wins outright
    assert res.segments[0].label == "y" and res.segments[0].q_to == 0.8123456
    assert res.crossovers[0].at_quality == 0.8123456
    empty = E.required_quality_crossover(["x"], [np.nan], [0.5])
    assert empty.segments == [] and empty.crossovers == []


def test_failure_cost_crossover() -> None:
    # A: $0.01, 70 %; B: $0.03, 90 %: equal when 0.01 + 0.3F = 0.03 + 0.1F -> F = 0.1
    f = float(E.failure_cost_crossover(0.01, 0.7, 0.03, 0.9))
    assert f == pytest.approx(0.1)
    assert 0.01 + 0.3 * f == pytest.approx(0.03 + 0.1 * f)
    assert math.isnan(float(E.failure_cost_crossover(0.01, 0.7, 0.03, 0.7)))


def test_self_host_vs_api_break_even() -> None:
    comp = E.self_host_vs_api(np.linspace(0, 4e6, 9), api_cost_per_request_usd=0.002, gpu_hourly_usd=2.5, gpus=2)
    assert comp.replica_monthly_usd == pytest.approx(2.5 * 2 * 730)
    assert comp.break_even_volume == pytest.approx(3650 / 0.002)  # 1,825,000 requests/month
    assert "1,825,000" in comp.explanation
    stepped = E.self_host_vs_api(np.linspace(0, 5e6, 11), api_cost_per_request_usd=0.002, gpu_hourly_usd=2.5,
                                 gpus=2, capacity_requests_per_month=2e6)
    np.testing.assert_allclose(stepped.crossings, [1.825e6, 3.65e6])
    np.testing.assert_allclose(stepped.reversals, [2e6, 4e6])
    never = E.self_host_vs_api([0, 1e6], api_cost_per_request_usd=0.001, gpu_hourly_usd=2.5, gpus=2,
                               capacity_requests_per_month=1e6)
    assert math.isinf(never.break_even_volume) and "never" in never.explanation
    assert float(E.self_host_capacity(1000, 500)) == pytest.approx(1000 * 3600 * 730 / 500)


# --------------------------------------------------------------------------- routing comparison


def test_routing_comparison() -> None:
    rc = E.routing_comparison(
        cheap_cost_usd=0.001, cheap_quality=0.7, cheap_latency_ms=300, premium_cost_usd=0.02,
        premium_quality=0.9, premium_latency_ms=1200, escalation_rate=0.3, cheap_quality_accepted=0.85,
        router_cost_usd=0.0001, router_latency_ms=36, router_strong_share=0.3, routing_accuracy=0.9,
        human_cost_usd=2.0, human_quality=1.0, human_latency_ms=3_600_000, human_share=0.05,
        speculative_speedup=2.0,
    )
    rows = {r["strategy"]: r for r in rc.rows()}
    assert rows["direct_premium"]["cost_per_success_usd"] == pytest.approx(0.02 / 0.9)
    assert rows["cascade"]["cost_per_request_usd"] == pytest.approx(0.001 + 0.3 * 0.02)
    assert rows["cascade"]["quality"] == pytest.approx(0.7 * 0.85 + 0.3 * 0.9)
    assert rows["cascade"]["latency_ms"] == pytest.approx(300 + 0.3 * 1200)
    assert rows["diagnostic_router"]["cost_per_request_usd"] == pytest.approx(0.0001 + 0.3 * 0.02 + 0.7 * 0.001)
    assert rows["diagnostic_router"]["quality"] == pytest.approx(0.9 * 0.9 + 0.1 * 0.7)
    assert rows["human_escalation"]["cost_per_request_usd"] == pytest.approx(0.02 + 0.05 * 2.0)
    assert rows["human_escalation"]["quality"] == pytest.approx(0.95 * 0.9 + 0.05)
    assert rows["speculative"]["latency_ms"] == pytest.approx(600)
    assert rows["direct_premium"]["savings_vs_premium"] == pytest.approx(1.0)


# --------------------------------------------------------------------------- speculative decoding


def test_speculative_leviathan_limit_and_trap() -> None:
    # Leviathan et al.: alpha 0.8, gamma 5, c 0.05 -> (1-0.8^6)/(0.2*1.25) = 2.95x ("up to 3x", seed 002)
    small = E.speculative_speedup([0], alpha=0.8, k=5, draft_cost_ratio=0.05, compute_bound_batch=1e12)
    assert float(small.speedup[0]) == pytest.approx((1 - 0.8**6) / (0.2 * 1.25))
    curve = E.speculative_speedup([1, 4, 8, 16, 17, 32])
    assert list(curve.trap) == [False, False, False, False, True, True]
    assert curve.speedup[0] > 2.0  # memory-bound: big win
    assert 0.90 <= curve.speedup[-1] <= 0.95  # seed: 5-10 % regression at batch 16-32
    be = E.speculative_speedup([0.0], compute_bound_batch=20).break_even_batch
    assert float(E.speculative_speedup([be]).speedup[0]) == pytest.approx(1.0)
    assert float(E.expected_accepted_tokens(1.0, 4)) == 5.0


def test_acceptance_rate_is_one_minus_tv() -> None:
    p = np.array([0.5, 0.3, 0.2])
    q = np.array([0.4, 0.4, 0.2])
    assert float(E.acceptance_rate(p, q)) == pytest.approx(1 - 0.5 * (0.1 + 0.1))
    assert float(E.acceptance_rate(p, q)) == pytest.approx(np.minimum(p, q).sum())
    with pytest.raises(ValueError, match="sum to 1"):
        E.acceptance_rate([0.5, 0.4], [0.5, 0.5])


# --------------------------------------------------------------------------- tokenizer drift


def test_tokenizer_drift_reference_measurements() -> None:
    # reference section 4: English 4.33 -> 3.60 chars/token ~ 1.20x; TypeScript 3.66 -> 2.69 ~ 1.36x
    d = E.tokenizer_drift([4.33, 3.66], [3.60, 2.69], cost_before_usd=[100.0, 100.0])
    np.testing.assert_allclose(d.token_ratio, [1.20, 1.36], atol=0.005)
    assert d.cost_after_usd is not None and d.cost_change_usd is not None
    np.testing.assert_allclose(d.cost_change_usd, (d.token_ratio - 1) * 100)
    assert list(d.in_seed_range) == [True, False]  # seed: +10..35 %; TypeScript exceeds it
    assert float(E.tokenizer_multiplier(3.2)) == pytest.approx(1.25)


# --------------------------------------------------------------------------- validation & format


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: E.cost_per_call(1, 1, input_per_mtok=-1, output_per_mtok=1), "input_per_mtok must be >= 0"),
        (lambda: E.cost_per_call(1, 1, input_per_mtok=None, output_per_mtok=1), "input_per_mtok is missing"),
        (lambda: E.cost_per_call(1, 1, input_per_mtok=float("nan"), output_per_mtok=1), "input_per_mtok is missing"),
        (lambda: E.cost_per_call(1, 1, input_per_mtok=1, output_per_mtok=1, cached_share=1.2), "cached_share"),
        (lambda: E.cascade_expected_cost(1, 2, -0.1), "escalation_rate must be a probability"),
        (lambda: E.router_expected_cost(1, 2, 1.5), "strong_share"),
        (lambda: E.cost_per_success(E.cost_per_call(1, 1, input_per_mtok=1, output_per_mtok=1),
                                    valid_output_rate=0.0), "valid_output_rate must be > 0"),
        (lambda: E.cascade_break_even_rate(1, 0), "premium_cost must be > 0"),
        (lambda: E.stuffing_cost_per_query(1000, "abc"), "input_per_mtok must be numeric"),  # type: ignore[arg-type]
        (lambda: E.cascade_threshold_sweep([0.1, 0.2], [1], cheap_cost=1, premium_cost=2, premium_quality=1),
         "cheap_correct"),
        (lambda: E.cascade_threshold_sweep([0.1], [1], cheap_cost=1, premium_cost=2), "premium_quality"),
    ],
)
def test_bad_input_names_the_input(call, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(E.EconomicsInputError, match=match):
        call()


def test_format_usd() -> None:
    assert E.format_usd(2, 2) == "$2.00"
    assert E.format_usd(0.0128, 4) == "$0.0128"
    assert E.format_usd(-0.0128, 4) == "-$0.0128"
    assert E.format_usd(1234.5, 2) == "$1,234.50"
    assert E.format_usd(-0.0001, 2) == "$0.00"
    assert E.format_usd(float("nan"), 2) == "unknown" and E.format_usd(None, 2) == "unknown"
    assert E.format_usd(math.inf, 2) == "unbounded"
    assert E.format_usd(0.1 + 0.2, 2) == "$0.30"
    with pytest.raises(ValueError, match="digits"):
        E.format_usd(1.0, -1)
