"""Measured latency files: vLLM --save-result JSON (field names of vLLM 0.33.0) and the simple CSV."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from workbench.io.latency import LatencyImportError, read_latency

LAT = "latency"


def _read(fixtures_dir, name, **kw):
    return read_latency((fixtures_dir / LAT / name).read_bytes(), name, **kw)


def test_vllm_result_with_requested_percentiles(fixtures_dir):
    parsed = _read(fixtures_dir, "vllm_serve_shape_0.33.0.json")
    [row] = parsed.rows
    assert parsed.format == "vllm-benchmark-serving" and row.model == "openai/gpt-oss-20b"
    assert (row.ttft_p50_ms, row.ttft_p95_ms, row.total_p95_ms) == (128.4, 221.7, 3426.0)
    assert row.output_tokens_per_s == pytest.approx(1000 / 8.8)  # per sequence, from the median TPOT
    assert row.measured_on == date(2026, 12, 5) and "max concurrency 4" in row.note
    assert not parsed.warnings


def test_vllm_default_percentiles_never_pass_p99_off_as_p95(fixtures_dir):
    parsed = _read(fixtures_dir, "vllm_serve_default_percentiles.json")
    [row] = parsed.rows
    assert row.ttft_p95_ms is None  # only p99 in the file: unknown, not the p99
    latencies = [1.82, 1.95, 2.01, 2.10, 2.13, 2.20, 2.24, 2.31, 2.35, 2.40, 2.44, 2.51, 2.58, 2.62, 2.71, 2.80,
                 2.93, 3.05, 3.40, 3.92]
    assert row.total_p95_ms == pytest.approx(float(np.percentile(latencies, 95)) * 1000)  # 3426.0
    assert any("p99 is not used" in w for w in parsed.warnings)


def test_csv(fixtures_dir):
    parsed = _read(fixtures_dir, "latency.csv")
    gpt, deepseek = parsed.rows
    assert (gpt.model, gpt.ttft_p95_ms, gpt.total_p95_ms, gpt.output_tokens_per_s) == ("GPT-5.4", 880, 6200, None)
    assert deepseek.measured_on == date(2026, 11, 28) and deepseek.output_tokens_per_s == 54


@pytest.mark.parametrize(("text", "pattern"), [
    ("candidate,ttft_p95_ms,measured_on,source\nA,-3,2026-12-01,x\n", r"row 2: field 'ttft_p95_ms'"),
    ("candidate,ttft_p95_ms,measured_on,source\nA,300,yesterday,x\n", r"row 2: field 'measured_on'"),
    ("candidate,ttft_p95_ms,measured_on\nA,300,2026-12-01\n", r"row 1: field 'source'"),
    ("candidate,ttft_p95_ms,measured_on,source\nA,,2026-12-01,x\n", r"row 2: no figure"),
    ("candidate,ttft_p95_ms,measured_on,source\nA,1,2026-12-01,x\nA,2,2026-12-01,x\n", r"row 3: field 'candidate'"),
    ('{"model_id": "m", "date": "x", "median_ttft_ms": 1}', r"field 'date'"),
    ('{"model_id": "m", "date": "20261201-101010", "median_ttft_ms": NaN}', r"non-finite"),
])
def test_bad_files_name_row_and_field(text, pattern):
    with pytest.raises(LatencyImportError, match=pattern):
        read_latency(text.encode(), "lt.csv")
