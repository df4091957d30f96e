"""Store-free economics views: cost by name for the ranking, what-if effort multipliers, tokenizer drift,
latency estimate, RAG monthly curves; and the RAG chart."""

from __future__ import annotations

import math

import numpy as np
import pytest

from workbench.charts.economics_view import rag_chart
from workbench.domain import economics as econ
from workbench.domain.economics_view import (
    cost_per_success_by_name,
    cost_rows,
    effort_domains,
    effort_tier_names,
    estimated_latency_ms,
    rag_monthly_curves,
    tiers_for_domain,
    tokenizer_drift_view,
    unpriced_names,
    with_effort_multipliers,
)
from workbench.domain.models import Candidate, Latency, Pricing, Workload
from workbench.io.shipped import load_catalog


@pytest.fixture(scope="module")
def catalog() -> list[Candidate]:
    return load_catalog()


def test_cost_per_success_by_name_matches_the_formula_and_leaves_unknown_prices_none(catalog):
    wl = Workload(input_tokens=2000, output_tokens=500, valid_output_rate=0.95, max_retries=1)
    costs = cost_per_success_by_name(catalog, wl)
    assert set(costs) == {c.name for c in catalog}
    assert costs["Qwen 3.5 72B"] is None  # no pricing in the catalog
    assert unpriced_names(catalog) == ["Qwen 3.5 72B"]
    # GPT-5.5 Pro: (2000 x $30 + 500 x $180) / 1e6 = $0.15 per call; / 0.95 per success
    assert costs["GPT-5.5 Pro"] == pytest.approx(0.15 / 0.95)
    assert cost_per_success_by_name([], wl) == {}


def test_cost_rows_skip_unknown_prices_and_sort_cheapest_first(catalog):
    rows = cost_rows(econ.cost_breakdown_for(catalog, Workload()))
    names = [r["candidate"] for r in rows]
    assert "Qwen 3.5 72B" not in names and len(names) == len(catalog) - 1
    values = [r["cost_per_success_usd"] for r in rows]
    assert values == sorted(values)


def test_effort_tiers_of_the_catalog(catalog):
    assert effort_domains(catalog) == ["math_aime", "swe_refactor"]
    assert effort_tier_names(catalog) == ["low", "medium", "high"]
    assert tiers_for_domain(catalog, "swe_refactor") == [("GPT-5.5 Pro", "medium", 1.0), ("GPT-5.5 Pro", "high", 1.0)]


def test_what_if_multipliers_make_the_seed_aime_tiers_cross(catalog):
    wl = Workload(input_tokens=2000, output_tokens=500, valid_output_rate=1.0, max_retries=0)
    adjusted = with_effort_multipliers(catalog, {("GPT-5.5 Pro", "medium"): 2.0, ("GPT-5.5 Pro", "high"): 4.0})
    original = next(c for c in catalog if c.name == "GPT-5.5 Pro")
    assert [t.token_multiplier for t in original.effort_tiers] == [1.0, 1.0, 1.0]  # not mutated
    opts = econ.effort_options(adjusted, wl, "math_aime")
    # cost per call: $0.06 input + 500 x m x $180/1e6 -> 0.15, 0.24, 0.42; per success / 0.693, 0.793, 0.917
    assert opts.cost_per_success_usd == pytest.approx([0.15 / 0.693, 0.24 / 0.793, 0.42 / 0.917])
    result = econ.required_quality_crossover(opts.labels, opts.cost_per_success_usd, opts.quality)
    assert [c.at_quality for c in result.crossovers] == pytest.approx([0.693, 0.793])
    with pytest.raises(econ.EconomicsInputError, match="GPT-5.5 Pro · high"):
        with_effort_multipliers(catalog, {("GPT-5.5 Pro", "high"): 0.0})


def test_tokenizer_drift_view_reproduces_the_reference_ratio(catalog):
    gpt = next(c for c in catalog if c.name == "GPT-5.4")
    wl = Workload(input_tokens=2000, output_tokens=500, human_review_cost_usd=2.0, human_review_rate=0.1)
    d = tokenizer_drift_view(gpt, gpt, wl, source_chars_per_token=4.33, target_chars_per_token=3.60)
    assert d.token_ratio == pytest.approx(4.33 / 3.60)  # 1.20x (reference section 4, English prose)
    assert d.in_seed_range
    assert d.tokens_after == pytest.approx(2500 * 4.33 / 3.60)
    # token-priced part only: human review (10 % x $2) is left out
    costs = econ.cost_breakdown_for([gpt.model_copy(update={"chars_per_token": 4.33})], wl)
    token_priced = float(costs.monthly["total_usd"][0] - costs.monthly["human_validation_usd"][0])
    assert d.monthly_before_usd == pytest.approx(token_priced)
    assert d.monthly_after_usd == pytest.approx(token_priced * 4.33 / 3.60)
    unpriced = next(c for c in catalog if c.pricing is None)
    assert tokenizer_drift_view(gpt, unpriced, wl, source_chars_per_token=4.0,
                                target_chars_per_token=4.0).monthly_after_usd is None
    with pytest.raises(econ.EconomicsInputError):
        tokenizer_drift_view(gpt, gpt, wl, source_chars_per_token=4.0, target_chars_per_token=0.0)


def test_latency_estimate_needs_both_figures():
    c = Candidate(name="x", pricing=Pricing(input_per_mtok=1, output_per_mtok=2),
                  latency=Latency(ttft_p50_ms=300, output_tokens_per_s=50))
    assert estimated_latency_ms(c, 500) == pytest.approx(300 + 500 / 50 * 1000)
    assert estimated_latency_ms(Candidate(name="y"), 500) is None


def test_rag_curves_agree_with_the_comparison_and_the_chart_marks_break_even():
    r = econ.rag_vs_stuffing(corpus_tokens=400_000, input_per_mtok=5.0, top_k=5, chunk_tokens=512,
                             embed_per_mtok=0.02, monthly_fixed_usd=100.0, queries_per_month=10_000)
    assert r.stuffing_per_query_usd == pytest.approx(2.00)  # seed 002's stuffing example
    assert r.rag_per_query_usd == pytest.approx(0.0128)  # 2,560 tokens at $0.005/1K, not the seed's $0.000413
    stuff, rag = rag_monthly_curves(r, [0.0, r.queries_per_month, r.break_even_queries_per_month])
    assert stuff[1] == pytest.approx(r.stuffing_monthly_usd) and rag[1] == pytest.approx(r.rag_monthly_usd)
    assert stuff[2] == pytest.approx(rag[2])  # they meet at the break-even volume
    fig = rag_chart(r)
    assert [t.name for t in fig.data][0] == "Context stuffing"
    assert fig.layout.yaxis.title.text == "Cost (USD per month)"
    assert fig.layout.xaxis.title.text == "Queries per month"
    assert any(s.x0 == pytest.approx(r.break_even_queries_per_month) for s in fig.layout.shapes)
    assert any(a.text == f"break-even {math.ceil(r.break_even_queries_per_month):,}/month"
               for a in fig.layout.annotations)
    with pytest.raises(econ.EconomicsInputError):
        rag_monthly_curves(r, np.array([-1.0]))
    tiny = econ.rag_vs_stuffing(corpus_tokens=400_000, input_per_mtok=5.0, top_k=5, chunk_tokens=512,
                                embed_per_mtok=0.02, queries_per_month=10_000)
    assert tiny.break_even_queries_per_month < 1
    assert [a.text for a in rag_chart(tiny).layout.annotations if "break-even" in a.text] == ["break-even < 1/month"]
