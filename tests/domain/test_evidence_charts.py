"""Evidence charts: inspect the figures' data and axis titles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workbench.charts import theme
from workbench.charts.evidence import paired_comparison_chart, pass_rate_chart
from workbench.domain.evidence import EvaluationRun, EvidenceFormat, ItemResult, compare_runs, summarize_rates


def run_of(name: str, outcomes: list[bool] | list[float]) -> EvaluationRun:
    items = [ItemResult(item_id=f"q{i}", passed=o) if isinstance(o, bool) else ItemResult(item_id=f"q{i}", score=o)
             for i, o in enumerate(outcomes)]
    return EvaluationRun(source_format=EvidenceFormat.csv, source_file="t.csv", source_sha256="a" * 64,
                         imported_at=datetime(2026, 1, 1, tzinfo=UTC), source_model=name, items=items)


def test_pass_rate_chart_error_bars() -> None:
    rows = summarize_rates([run_of("A", [True] * 17 + [False] * 3), run_of("B", [True] * 40 + [False] * 10)])
    fig = pass_rate_chart(rows)
    bar = fig.data[0]
    assert list(bar.y) == ["B", "A"]  # sorted ascending: best at the top of a horizontal chart
    assert list(bar.x) == pytest.approx([80.0, 85.0])
    # 17/20 Wilson [0.640, 0.948] -> error bars 85-64.0 below, 94.8-85 above
    assert bar.error_x.arrayminus[1] == pytest.approx(85 - 63.958, abs=0.01)
    assert bar.error_x.array[1] == pytest.approx(94.763 - 85, abs=0.01)
    assert "Pass rate (%)" in fig.layout.xaxis.title.text and "Wilson" in fig.layout.xaxis.title.text
    assert bar.marker.color[1] == theme.PALETTE[5]  # n = 20: flagged small sample (lighter blue)
    assert "95% Wilson" in fig.layout.xaxis.title.text


def test_charts_state_the_confidence_level() -> None:
    rows = summarize_rates([run_of("A", [True] * 17 + [False] * 3)], confidence=0.9)
    assert rows[0].confidence == 0.9
    assert "90% Wilson" in pass_rate_chart(rows).layout.xaxis.title.text
    scores = compare_runs(run_of("A", [0.5, 0.7, 0.9, 0.6]), run_of("B", [0.4, 0.6, 0.9, 0.5]), n_boot=500, alpha=0.01)
    assert "99% bootstrap interval" in paired_comparison_chart(scores).layout.xaxis.title.text


def test_paired_comparison_chart() -> None:
    cmp = compare_runs(run_of("A", [True] * 25 + [False] * 5), run_of("B", [True] * 20 + [False] * 10))
    fig = paired_comparison_chart(cmp)
    assert list(fig.data[0].y) == [20, 5, 0, 5]
    assert fig.layout.yaxis.title.text == "Items (count)"
    assert "not distinguishable at n = 30" in fig.layout.title.text
    scores = compare_runs(run_of("A", [0.5, 0.7, 0.9, 0.6]), run_of("B", [0.4, 0.6, 0.9, 0.5]), n_boot=500)
    fig = paired_comparison_chart(scores)
    assert fig.data[0].x[0] == pytest.approx(0.075)
    assert "score units" in fig.layout.xaxis.title.text
