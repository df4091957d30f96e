"""One chart theme: readable ticks in dark text, a colour-blind-safe palette, units on every axis,
one takeaway sentence per chart, log cost axes with the ceiling drawn."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import plotly.graph_objects as go
import pytest

from workbench.charts import economics as ec
from workbench.charts import evidence as evc
from workbench.charts import portfolio as pc
from workbench.charts import theme
from workbench.charts.economics_view import rag_chart
from workbench.domain import economics as E
from workbench.domain.evidence import EvaluationRun, EvidenceFormat, ItemResult, compare_runs, summarize_rates
from workbench.domain.models import Candidate, EffortTier, Pricing, Workload


def test_contrast_ratio_matches_wcag_examples():
    assert theme.contrast_ratio("#000000") == pytest.approx(21.0)
    assert theme.contrast_ratio("#777777") == pytest.approx(4.48, abs=0.01)  # the classic "just fails AA" grey
    # Streamlit's default tick colour rgb(128,132,149) was ~3.7:1
    assert theme.contrast_ratio("#808495") == pytest.approx(3.7, abs=0.05)
    assert theme.contrast_ratio(theme.INK) >= 4.5 and theme.contrast_ratio(theme.MUTED) >= 4.5


def test_palette_is_okabe_ito_without_yellow():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(theme.PALETTE) <= okabe_ito and "#F0E442" not in theme.PALETTE
    assert len(set(theme.PALETTE)) == len(theme.PALETTE)


def _run(name, outcomes):
    items = [ItemResult(item_id=f"q{i}", passed=o) for i, o in enumerate(outcomes)]
    return EvaluationRun(source_format=EvidenceFormat.csv, source_file="t.csv", source_sha256="a" * 64,
                         imported_at=datetime(2026, 1, 1, tzinfo=UTC), source_model=name, items=items)


def _portfolio_doc():
    e2e = {"cost_per_success_usd": 0.004, "critical_path": ["a"]}
    nodes = [{"key": "a", "profile": "P", "winner": "M", "route": "single", "cost_per_success_usd": 0.004,
              "latency_p95_ms": 900.0}]
    return {"nodes": nodes, "end_to_end": e2e, "monolith": {"candidate": "M", "cost_per_success_usd": 0.005},
            "premium_everywhere": {"candidate": "P", "cost_per_success_usd": 0.02}}


def _figures() -> dict[str, go.Figure]:
    cands = [Candidate(name="A", pricing=Pricing(input_per_mtok=5, output_per_mtok=30),
                       effort_tiers=[EffortTier(name="low", quality_by_domain={"math": 0.693}),
                                     EffortTier(name="high", token_multiplier=4, quality_by_domain={"math": 0.917})]),
             Candidate(name="B", pricing=Pricing(input_per_mtok=1, output_per_mtok=4))]
    opts = E.effort_options(cands, Workload(), "math")
    sweep = E.cascade_threshold_sweep([0.9, 0.2, 0.6, 0.4], [1, 0, 1, 0], cheap_cost=1, premium_cost=10,
                                      premium_quality=1.0)
    rates = summarize_rates([_run("A", [True] * 17 + [False] * 3), _run("B", [True] * 40 + [False] * 10)])
    a, b = _run("A", [True, True, False, True] * 10), _run("B", [True, False, False, True] * 10)
    return {
        "cost": ec.cost_breakdown_bar(E.cost_breakdown_for(cands, Workload()), ceiling=0.01),
        "crossover": ec.crossover_chart(opts, E.required_quality_crossover(opts.labels, opts.cost_per_success_usd,
                                                                           opts.quality)),
        "volume": ec.volume_chart(E.self_host_vs_api(np.linspace(0, 4e6, 41), api_cost_per_request_usd=0.002,
                                                     gpu_hourly_usd=2.5, gpus=2)),
        "cascade": ec.cascade_escalation_chart(0.24, 24.7, 0.266),
        "sweep": ec.cascade_sweep_chart(sweep, E.best_threshold(sweep, 0.95), target_quality=0.95),
        "routing": ec.routing_chart(E.routing_comparison(
            cheap_cost_usd=0.001, cheap_quality=0.7, cheap_latency_ms=300, premium_cost_usd=0.02,
            premium_quality=0.9, premium_latency_ms=1200, escalation_rate=0.3)),
        "speculative": ec.speculative_chart(E.speculative_speedup(np.arange(1, 65))),
        "rag": rag_chart(E.rag_vs_stuffing(corpus_tokens=400_000, input_per_mtok=5, top_k=5, chunk_tokens=512,
                                           queries_per_month=10_000)),
        "pass_rate": evc.pass_rate_chart(rates),
        "paired": evc.paired_comparison_chart(compare_runs(a, b)),
        "portfolio_graph": pc.task_graph(_portfolio_doc(), []),
        "monolith": pc.monolith_comparison(_portfolio_doc()),
    }


@pytest.mark.parametrize("name", list(_figures()))
def test_every_chart_is_themed(name):
    fig = _figures()[name]
    layout = fig.layout
    assert layout.font.size >= 14 and theme.contrast_ratio(layout.font.color) >= 4.5
    for axis in (layout.xaxis, layout.yaxis):
        assert axis.tickfont.size >= theme.TICK_PX and theme.contrast_ratio(axis.tickfont.color) >= 4.5
    assert theme.missing_units(fig) == [], name
    said = theme.takeaway(fig)
    assert said and said.endswith(".") and "\n" not in said, said
    for a in layout.annotations or ():
        assert a.font.size >= theme.TICK_PX - 1


def test_missing_units_finds_an_axis_without_a_unit():
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    fig.update_layout(xaxis_title="Candidate", yaxis_title="Cost")
    assert theme.missing_units(fig) == ["yaxis"]  # "Candidate" is a category axis: no unit needed
    fig.update_layout(yaxis_title="Cost (USD per success)")
    assert theme.missing_units(fig) == []


def test_cost_axis_is_log_with_the_ceiling_drawn():
    fig = go.Figure(go.Bar(x=["a", "b"], y=[0.001, 0.34]))
    theme.cost_axis(fig, ceiling=0.01, values=[0.001, 0.34])
    assert fig.layout.yaxis.type == "log" and all(t.startswith("$") for t in fig.layout.yaxis.ticktext)
    lo, hi = fig.layout.yaxis.range
    assert lo < np.log10(0.001) and hi > np.log10(0.34)
    [line] = fig.layout.shapes
    assert line.y0 == line.y1 == 0.01 and line.line.color == theme.CEILING
    assert fig.layout.annotations[0].text == "cost ceiling $0.01"


def test_presenter_scaling_enlarges_fonts_without_touching_the_original():
    fig = ec.cascade_escalation_chart(0.24, 24.7, 0.266)
    big = theme.scaled(fig, 1.3)
    assert big.layout.xaxis.tickfont.size == round(theme.TICK_PX * 1.3)
    assert fig.layout.xaxis.tickfont.size == theme.TICK_PX
    assert theme.takeaway(big) == theme.takeaway(fig)


def test_log_ticks_label_every_range():
    assert theme.log_ticks(0.0002, 0.5) == [0.001, 0.01, 0.1]  # decades when there are three or more
    assert theme.log_ticks(0.0016, 0.012) == [0.002, 0.005, 0.01]  # 1-2-5 inside one decade
    assert len(theme.log_ticks(0.011, 0.013)) == 3  # a narrow range still gets labels
