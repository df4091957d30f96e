"""Benchmark: Trade-offs page rerun after one weight-slider move, 500-candidate catalog (AppTest).

Target (issue "Trade-off explorer"): <= 150 ms median. Measured with Streamlit's AppTest on a
temporary SQLite workspace holding 500 synthetic candidates and one profile.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_MS = 150.0
APP = Path(__file__).resolve().parents[1] / "app.py"
PAGE = Path(__file__).resolve().parents[2] / "pages" / "tradeoffs.py"


def _workspace(n: int) -> str:
    from workbench.benchmarks.scoring import synthetic_candidates
    from workbench.store import open_store, write_session
    from workbench.store.repository import candidates
    from workbench.store.workspace import create_profile, new_profile_model

    url = f"sqlite:///{tempfile.mkdtemp(prefix='wb-bench-')}/bench.db"
    engine = open_store(url, seed=False)
    with write_session(engine) as session:
        for candidate in synthetic_candidates(n, seed=1):
            candidates.create(session, candidate, "bench", origin="import")
    create_profile(engine, new_profile_model("Bench", "high_precision_extraction"), "bench")
    engine.dispose()
    return url


def run(quick: bool = False, n_candidates: int = 500) -> list[dict[str, Any]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    url = _workspace(n_candidates)
    previous = os.environ.get("WORKBENCH_DATABASE_URL")
    os.environ["WORKBENCH_DATABASE_URL"] = url
    try:
        st.cache_resource.clear()
        at = AppTest.from_file(str(APP), default_timeout=120).run()
        at.switch_page(str(PAGE)).run()
        key = next(s.key for s in at.slider if s.key and s.key.endswith("-w-latency"))
        times = []
        for i in range(8 if quick else 25):
            at.slider(key=key).set_value(1.0 + (i % 8) * 0.5)
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
            if at.exception:
                raise RuntimeError(f"page raised: {at.exception}")
        warm = times[2:]  # the first reruns warm the caches
        median = statistics.median(warm)
    finally:
        if previous is None:
            os.environ.pop("WORKBENCH_DATABASE_URL", None)
        else:
            os.environ["WORKBENCH_DATABASE_URL"] = previous
        st.cache_resource.clear()
    return [{"name": f"Trade-offs page rerun after one slider move, {n_candidates} candidates (AppTest)",
             "median_ms": round(median, 1), "min_ms": round(min(warm), 1), "max_ms": round(max(warm), 1),
             "runs": len(warm), "target_ms": TARGET_MS, "passed": median <= TARGET_MS}]
