"""Benchmark: export of the Excel decision workbook (1,000 candidates, all sheets, <= 3 s)."""

from __future__ import annotations

import datetime as dt
import statistics
import time

import numpy as np
import pandas as pd

from workbench.domain.models import CAPABILITY_VECTORS, CRITERIA, CapabilityRating
from workbench.io.excel import (
    CapabilityRow,
    ConstraintRow,
    DecisionWorkbook,
    ScoringTable,
    decision_workbook_bytes,
    live_scores,
)

TARGET_MS = 3_000.0


def sample_workbook(n_candidates: int = 1_000, method: str = "wsm", seed: int = 0) -> DecisionWorkbook:
    """Synthetic decision data of the given size: every sheet filled (for benchmarks and tests)."""
    rng = np.random.default_rng(seed)
    names = [f"model-{i:04d}" for i in range(n_candidates)]
    ratings = rng.choice(np.array(["E", "A", "D", ""]), size=(n_candidates, len(CAPABILITY_VECTORS)))
    measured = np.where(rng.random((n_candidates, len(CAPABILITY_VECTORS))) < 0.2,
                        rng.random((n_candidates, len(CAPABILITY_VECTORS))).round(3), np.nan)
    capability = [
        CapabilityRow(candidate=name, capabilities={
            v: CapabilityRating(rating=ratings[i, j] or None,
                                measured=None if np.isnan(measured[i, j]) else float(measured[i, j]))
            for j, v in enumerate(CAPABILITY_VECTORS)
        })
        for i, name in enumerate(names)
    ]
    criteria = list(CRITERIA)
    weights = rng.random(len(criteria)).round(2) + 0.01
    matrix = rng.random((n_candidates, len(criteria)))
    data = DecisionWorkbook(
        profile="benchmark", scenario=None, method=method, normalisation="min-max",
        date=dt.date(2026, 1, 1), snapshot_hash="0" * 64, winner="", robustness="",
        capability=capability,
        scoring=ScoringTable(criteria=criteria, weights=weights, candidates=names, matrix=matrix,
                             scores=np.zeros(n_candidates), ranks=np.ones(n_candidates)),
    )
    scores = live_scores(data)
    ranks = (-scores).argsort().argsort() + 1
    data.scoring = ScoringTable(criteria=criteria, weights=weights, candidates=names, matrix=matrix,
                                scores=scores, ranks=ranks)
    data.winner = names[int(np.argmax(scores))] if n_candidates else ""
    data.robustness = "ranks first in 42% of plausible weightings"
    data.constraints = [
        ConstraintRow(candidate=name, constraint=c, passed=bool(ok),
                      reason="" if ok else f"context 128K < required 200K ({name})")
        for name, oks in zip(names, rng.random((n_candidates, 3)) > 0.1, strict=True)
        for c, ok in zip(("context window", "data residency", "license"), oks, strict=True)
    ]
    data.economics = pd.DataFrame({
        "Candidate": names,
        "Input price (USD / 1M tokens)": rng.random(n_candidates) * 10,
        "Output price (USD / 1M tokens)": rng.random(n_candidates) * 30,
        "Cost per call (USD)": rng.random(n_candidates) * 1e-2,
        "Cost per successful outcome (USD)": rng.random(n_candidates) * 2e-2,
        "Monthly cost (USD / month)": rng.random(n_candidates) * 1e5,
    })
    data.gpu_fit = pd.DataFrame({
        "Candidate": names,
        "GPU": "H100 80GB",
        "Tensor parallel (GPUs)": rng.integers(1, 9, n_candidates),
        "Weights (GiB)": rng.random(n_candidates) * 140,
        "KV cache per token (KiB)": rng.random(n_candidates) * 300,
        "Max concurrency at context (requests)": rng.integers(0, 512, n_candidates),
        "Fits": rng.random(n_candidates) > 0.3,
    })
    data.evidence = pd.DataFrame({
        "Candidate": names,
        "Suite": "extraction-v1",
        "Items (n)": rng.integers(50, 500, n_candidates),
        "Pass rate (%)": rng.random(n_candidates) * 100,
        "Wilson 95% low (%)": rng.random(n_candidates) * 100,
        "Wilson 95% high (%)": rng.random(n_candidates) * 100,
        "Source": "internal eval 2026-01",
    })
    return data


def _median_ms(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def run(quick: bool = False) -> list[dict]:
    """Median wall time of ``decision_workbook_bytes`` for 1,000 candidates (WSM and TOPSIS)."""
    repeats = 1 if quick else 5
    results = []
    for method in ("wsm", "topsis"):
        data = sample_workbook(1_000, method=method)
        median = _median_ms(lambda d=data: decision_workbook_bytes(d), repeats)
        results.append({
            "name": f"excel export, 1,000 candidates, all sheets ({method})",
            "median_ms": round(median, 1),
            "target_ms": TARGET_MS,
            "passed": median <= TARGET_MS,
            "repeats": repeats,
        })
    return results


if __name__ == "__main__":  # pragma: no cover
    for row in run():
        print(row)
