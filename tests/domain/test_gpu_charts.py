"""Charts of the GPU fit: traces, axis titles with units."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.charts.gpu import concurrency_vs_context, fit_matrix_heatmap, memory_stack
from workbench.domain.gpu import FitRequest, concurrency_context_curve, evaluate_fit
from workbench.io.gpus import load_gpu_catalog
from workbench.io.hf_config import parse_hf_config


def spec(fixtures_dir: Path):  # noqa: ANN201
    return parse_hf_config(json.loads((fixtures_dir / "hf-configs" / "Llama-3.1-8B.config.json").read_text()))


def test_memory_stack(fixtures_dir: Path) -> None:
    cat = load_gpu_catalog()
    results = [evaluate_fit(spec(fixtures_dir), FitRequest(gpu=g), cat) for g in ("L4", "H100")]
    fig = memory_stack(results)
    assert [t.name for t in fig.data] == ["Weights", "KV cache", "Overhead", "Usable per GPU"]
    assert fig.layout.barmode == "stack"
    assert "GiB" in fig.layout.yaxis.title.text
    assert fig.data[0].y[0] == results[0].weights_bytes_per_gpu / 2**30
    assert fig.data[3].y[1] == results[1].usable_bytes_per_gpu / 2**30


def test_concurrency_curve_chart(fixtures_dir: Path) -> None:
    curve = concurrency_context_curve(
        spec(fixtures_dir), FitRequest(gpu="H100"), load_gpu_catalog(), [1024, 4096, 16384]
    )
    fig = concurrency_vs_context(curve, 4096, 3)
    assert list(fig.data[0].x) == [1024, 4096, 16384]
    assert list(fig.data[0].y) == [p["max_concurrency"] for p in curve]
    assert fig.data[1].name == "Requested load"
    assert "tokens" in fig.layout.xaxis.title.text and "count" in fig.layout.yaxis.title.text


def test_fit_matrix_heatmap() -> None:
    fig = fit_matrix_heatmap(["a", "b"], ["L4", "H100"], [[1, None], [2, 4]])
    heat = fig.data[0]
    assert heat.text[0][1] == "does not fit"
    assert heat.z[0][1] is None and heat.z[1][1] == 4.0
    assert fig.layout.xaxis.title.text == "GPU type"


def test_gpu_charts_use_the_theme_readable_numbers_and_a_takeaway() -> None:
    from workbench.charts import theme
    from workbench.charts.gpu import fit_matrix_heatmap

    fig = fit_matrix_heatmap(["a", "b"], ["H100", "L4"], [[1, None], [None, None]])
    assert fig.data[0].textfont.size >= 14
    assert theme.takeaway(fig) == "1 of 2 candidates fit on at least one GPU type."
