"""Trade-offs charts: traces, axis titles with units, frontier highlighting, empty states."""

from __future__ import annotations

import pytest

from workbench.charts import theme
from workbench.charts import tradeoffs as charts
from workbench.domain import smaa
from workbench.domain.decision_matrix import build_decision_matrix, rank_matrix
from workbench.domain.models import (
    CAPABILITY_VECTORS,
    CRITERIA,
    Candidate,
    CapabilityRating,
    HardConstraints,
    Latency,
    Profile,
    Workload,
)


def _setup() -> tuple[Profile, list[Candidate], dict[str, float]]:
    def c(name: str, letter: str, ttft: float) -> Candidate:
        return Candidate(name=name, latency=Latency(ttft_p95_ms=ttft, output_tokens_per_s=100),
                         context_window=200_000,
                         capabilities={v: CapabilityRating(rating=letter) for v in CAPABILITY_VECTORS})  # type: ignore[arg-type]
    weights = dict.fromkeys(CRITERIA, 0.0) | {"reasoning_depth": 2.0, "cost_per_success": 1.0, "latency": 1.0}
    profile = Profile(name="p", weights=weights, workload=Workload(output_tokens=100))
    cands = [c("premium", "E", 300), c("budget", "D", 200), c("dominated", "D", 900), c("nocost", "A", 250)]
    return profile, cands, {"premium": 0.1, "budget": 0.002, "dominated": 0.2}


@pytest.fixture()
def result():  # type: ignore[no-untyped-def]
    profile, cands, costs = _setup()
    dm = build_decision_matrix(profile, cands, costs)
    return rank_matrix(dm, profile.weights, HardConstraints())


def test_ranking_bar_has_one_bar_per_row_best_on_top_and_titled_axes(result) -> None:  # type: ignore[no-untyped-def]
    fig = charts.ranking_bar(result)
    bar = fig.data[0]
    assert list(bar.y)[::-1] == [r.name for r in result.rows]
    assert list(bar.x)[::-1] == [r.score for r in result.rows]
    assert "0-1" in fig.layout.xaxis.title.text
    assert "min-max" in fig.layout.title.text


def test_contribution_breakdown_stacks_only_weighted_criteria(result) -> None:  # type: ignore[no-untyped-def]
    fig = charts.contribution_breakdown(result)
    assert fig.layout.barmode == "stack"
    # the weighted capability vectors stack together; cost and latency apart; details in the hover
    assert [t.name for t in fig.data] == ["Capabilities", "Cost per successful outcome", "Latency (p95)"]
    top = result.rows[0]
    total = sum(t.x[-1] for t in fig.data)  # last bar = best candidate
    assert total == pytest.approx(top.score, abs=1e-9)
    assert "USD per successful outcome" in fig.data[1].hovertext[-1]
    assert "Reasoning Depth" in fig.data[0].hovertext[-1]


def test_pareto_chart_highlights_the_frontier_with_units(result) -> None:  # type: ignore[no-untyped-def]
    fig = charts.pareto_chart(result)
    by_name = {t.name: t for t in fig.data}
    frontier = by_name["Pareto frontier (non-dominated)"]
    assert sorted(frontier.text) == ["budget", "premium"]
    assert list(by_name["dominated"].customdata[0])[0] == "dominated"
    assert fig.layout.xaxis.title.text == "Cost per successful outcome (USD, log scale)"
    assert "0-1" in fig.layout.yaxis.title.text
    assert frontier.marker.colorbar.title.text == "p95 latency (ms)"
    assert "latency" in frontier.hovertemplate and "$" in frontier.hovertemplate
    assert all(str(c[3]).endswith(" ms") or c[3] == "unknown" for c in frontier.customdata)
    assert fig.layout.xaxis.type == "log"  # 0.002 .. 0.2 spans 100x
    assert any("nocost" in a.text for a in fig.layout.annotations)


def test_rank_acceptability_heatmap_shows_percentages_and_folds_tail_ranks() -> None:
    profile, cands, costs = _setup()
    dm = build_decision_matrix(profile, cands, costs)
    res = smaa.run_smaa(dm, profile.weights, HardConstraints(), n_samples=2000, seed=4)
    fig = charts.rank_acceptability_heatmap(res, max_ranks=2)
    heat = fig.data[0]
    assert list(heat.x) == ["1", "2", "> 2"]
    assert list(heat.y) == [c.name for c in res.candidates]
    for row in heat.z:
        assert sum(row) == pytest.approx(100.0)
    assert fig.layout.xaxis.title.text == "Rank (1 = best)"
    assert heat.colorbar.title.text == "% of samples"
    assert theme.takeaway(fig) == res.headline


def test_empty_states_explain_instead_of_drawing_nothing() -> None:
    profile, cands, costs = _setup()
    dm = build_decision_matrix(profile, cands, costs)
    res = rank_matrix(dm, profile.weights, HardConstraints(min_context_tokens=5_000_000))
    for fig in (charts.ranking_bar(res), charts.contribution_breakdown(res), charts.pareto_chart(res)):
        assert len(fig.data) == 0
        assert "No candidate meets every hard constraint" in fig.layout.annotations[0].text


def test_pareto_falls_back_to_quality_and_cost_when_no_latency_is_known() -> None:
    from workbench.domain.models import Candidate, CapabilityRating, Latency, Pricing

    cands = [
        Candidate(name="cheap", capabilities={"reasoning_depth": CapabilityRating(rating="A")},
                  pricing=Pricing(input_per_mtok=0.1, output_per_mtok=0.1), latency=Latency()),
        Candidate(name="good", capabilities={"reasoning_depth": CapabilityRating(rating="E")},
                  pricing=Pricing(input_per_mtok=5, output_per_mtok=5), latency=Latency()),
        Candidate(name="bad", capabilities={"reasoning_depth": CapabilityRating(rating="D")},
                  pricing=Pricing(input_per_mtok=9, output_per_mtok=9), latency=Latency()),
    ]
    from workbench.domain.decision_matrix import rank
    from workbench.domain.models import Profile

    profile = Profile(name="p", weights={"reasoning_depth": 1, "cost_per_success": 1})
    result = rank(profile, cands, cost_per_success={"cheap": 0.001, "good": 0.05, "bad": 0.09})
    assert sorted(result.pareto) == ["cheap", "good"]  # "bad" is dominated on quality and cost
    fig = charts.pareto_chart(result)
    assert any("latency unknown" in a.text for a in fig.layout.annotations)


def test_pareto_is_projector_grade_dollar_ticks_ceiling_frontier_line_no_axis_below_zero(result) -> None:  # type: ignore[no-untyped-def]
    from workbench.charts import theme

    fig = charts.pareto_chart(result, ceiling=0.05)
    assert all(t.startswith("$") for t in fig.layout.xaxis.ticktext)
    assert fig.layout.yaxis.range[0] == 0
    assert any(s.line.color == theme.CEILING and s.x0 == 0.05 for s in fig.layout.shapes)  # the ceiling drawn
    label = next(a for a in fig.layout.annotations if a.text == "cost ceiling $0.05")
    assert label.x == pytest.approx(-1.30103)  # log10(0.05): plotly places annotations on a log axis in log10
    line = next(t for t in fig.data if t.mode == "lines")
    assert list(line.x) == sorted(line.x) and len(line.x) == len(result.pareto)  # the frontier drawn
    frontier = next(t for t in fig.data if t.name == "Pareto frontier (non-dominated)")
    assert frontier.textfont.size >= 14
    assert theme.missing_units(fig) == []
    said = theme.takeaway(fig)
    assert "budget" in said and "premium" in said and "above the cost ceiling" in said  # premium $0.1 > $0.05


def test_heat_map_ranks_are_integers_and_every_chart_has_a_takeaway(result) -> None:  # type: ignore[no-untyped-def]
    from workbench.charts import theme

    profile, cands, costs = _setup()
    dm = build_decision_matrix(profile, cands, costs)
    res = smaa.run_smaa(dm, profile.weights, HardConstraints(), n_samples=500, seed=4)
    fig = charts.rank_acceptability_heatmap(res)
    assert fig.layout.xaxis.type == "category" and list(fig.data[0].x) == ["1", "2", "3", "4"]
    for f in (fig, charts.contribution_breakdown(result), charts.pareto_chart(result)):
        assert theme.takeaway(f) and theme.missing_units(f) == []
        assert f.layout.xaxis.tickfont.size >= 14
