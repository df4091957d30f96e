"""Economics charts: traces, marks and axis units."""

from __future__ import annotations

import numpy as np

from workbench.charts import economics as charts
from workbench.charts import theme
from workbench.domain import economics as E
from workbench.domain.models import Candidate, EffortTier, Pricing, Workload


def _cands() -> list[Candidate]:
    return [
        Candidate(name="A", pricing=Pricing(input_per_mtok=5, output_per_mtok=30),
                  effort_tiers=[EffortTier(name="low", quality_by_domain={"math": 0.693}),
                                EffortTier(name="high", token_multiplier=4, quality_by_domain={"math": 0.917})]),
        Candidate(name="B", pricing=Pricing(input_per_mtok=1, output_per_mtok=4),
                  effort_tiers=[EffortTier(name="high", token_multiplier=3, quality_by_domain={"math": 0.85})]),
        Candidate(name="C"),
    ]


def test_cost_breakdown_bar() -> None:
    costs = E.cost_breakdown_for(_cands(), Workload(human_review_rate=0.1, human_review_cost_usd=1))
    fig = charts.cost_breakdown_bar(costs, ceiling=float(costs.success.total_usd[1]) * 1.01, excluded=["A"])
    [bar] = [t for t in fig.data if t.type == "bar"]
    assert list(bar.y[:2]) == list(costs.success.total_usd[:2])  # the total per success, one bar each
    assert fig.layout.yaxis.type == "log" and "USD" in fig.layout.yaxis.title.text
    assert "C (pricing unknown)" in list(bar.x)
    assert list(bar.marker.color[:2]) == [theme.EXCLUDED, theme.PALETTE[0]]  # A excluded (grey), B within
    assert any((s.line.color == theme.CEILING) for s in fig.layout.shapes)  # the ceiling drawn
    # components are in the hover: prefill .. human validation for each bar
    assert [round(float(v), 12) for v in bar.customdata[1][:len(E.COST_COMPONENTS)]] == [
        round(float(costs.success.components_usd[k][1]), 12) for k in E.COST_COMPONENTS]
    assert theme.takeaway(fig).startswith("Cheapest eligible per success: B at ")
    assert "1 excluded by the profile" in theme.takeaway(fig)


def test_crossover_chart_marks_crossovers() -> None:
    opts = E.effort_options(_cands(), Workload(), "math")
    res = E.required_quality_crossover(opts.labels, opts.cost_per_success_usd, opts.quality)
    fig = charts.crossover_chart(opts, res)
    marks = next(t for t in fig.data if t.name == "Crossover points")
    assert list(marks.y) == [c.at_quality * 100 for c in res.crossovers]
    assert marks.text[0] == res.crossovers[0].explanation
    assert "USD" in fig.layout.xaxis.title.text and "%" in fig.layout.yaxis.title.text


def test_volume_chart_marks_break_even() -> None:
    comp = E.self_host_vs_api(np.linspace(0, 4e6, 41), api_cost_per_request_usd=0.002, gpu_hourly_usd=2.5, gpus=2)
    fig = charts.volume_chart(comp)
    cross = next(t for t in fig.data if t.name == "Crossover")
    assert list(cross.x) == [comp.break_even_volume]
    assert fig.layout.xaxis.title.text == "Requests per month" and "USD per month" in fig.layout.yaxis.title.text


def test_cascade_charts() -> None:
    fig = charts.cascade_escalation_chart(0.24, 24.7, 0.266)
    current = next(t for t in fig.data if t.name == "Current")
    assert current.y[0] == float(E.cascade_expected_cost(0.24, 24.7, 0.266))
    assert any("break-even" in (a.text or "") for a in fig.layout.annotations)
    sweep = E.cascade_threshold_sweep([0.9, 0.2, 0.6, 0.4], [1, 0, 1, 0], cheap_cost=1, premium_cost=10,
                                      premium_quality=1.0)
    best = E.best_threshold(sweep, 0.95)
    fig2 = charts.cascade_sweep_chart(sweep, best, target_quality=0.95)
    assert fig2.layout.yaxis2.title.text == "Expected quality (%)"
    assert any("best tau" in (a.text or "") for a in fig2.layout.annotations)


def test_routing_chart() -> None:
    rc = E.routing_comparison(cheap_cost_usd=0.001, cheap_quality=0.7, cheap_latency_ms=300, premium_cost_usd=0.02,
                              premium_quality=0.9, premium_latency_ms=1200, escalation_rate=0.3)
    fig = charts.routing_chart(rc)
    assert list(fig.data[0].x) == [E.ROUTING_LABELS[s] for s in E.ROUTING_STRATEGIES]
    assert "USD" in fig.layout.yaxis.title.text


def test_speculative_chart_shades_trap() -> None:
    fig = charts.speculative_chart(E.speculative_speedup(np.arange(1, 65)))
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == 1 and rects[0].x0 == E.CONCURRENCY_TRAP_BATCH
    assert "batch" in fig.layout.xaxis.title.text and "(x)" in fig.layout.yaxis.title.text
