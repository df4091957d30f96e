"""Benchmark: a 1,000,000-row per-item evidence CSV imported through `workbench import evidence` in a child process
(its own workspace), reporting the time and the child's peak resident memory (issue: under 500 MB peak)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from workbench.store import open_store
from workbench.store.workspace import create_profile, new_profile_model

ROWS = 1_000_000
PEAK_TARGET_MB = 500.0
CANDIDATES = ("GPT-5.4", "DeepSeek V4")
_PEAK = ("import atexit, runpy, sys\n"
         # VmHWM: this process's own peak resident set. ru_maxrss would not do: it survives exec, so a child
         # forked from a large parent (a long pytest worker) would report the parent's size.
         "def _peak():\n"
         "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
         "    print('PEAK_KB', int(hwm.split()[1]), file=sys.stderr)\n"
         "atexit.register(_peak)\n"
         "sys.argv = ['workbench', *sys.argv[1:]]\n"
         "runpy.run_module('workbench', run_name='__main__')\n")


def write_csv(path: Path, rows: int) -> None:
    """Deterministic rows alternating two catalog candidates (80% pass)."""
    with path.open("w", encoding="utf-8") as f:
        f.write("item_id,candidate,passed,latency_ms\n")
        for i in range(rows):
            ok = (i * 7919) % 10 < 8
            f.write(f"q{i // 2},{CANDIDATES[i % 2]},{'true' if ok else 'false'},{100 + (i * 31) % 2900}\n")


def _one(folder: Path, csv: Path, n: int) -> tuple[float, float]:
    url = f"sqlite:///{folder / f'w{n}.db'}"
    engine = open_store(url)
    create_profile(engine, new_profile_model("Load", None), "bench")
    engine.dispose()
    env = {**os.environ, "WORKBENCH_DATABASE_URL": url, "WORKBENCH_USER": "bench"}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK, "import", "evidence", str(csv), "--profile", "Load",
                           "--json"], capture_output=True, text=True, env=env, timeout=900)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"the 1M-row import failed: {proc.stderr[-500:]}")
    # ru_maxrss is in KiB on Linux
    peak_kb = int(proc.stderr.split("PEAK_KB")[1].split()[0])
    return elapsed * 1000.0, peak_kb / 1024.0


def run(quick: bool = False) -> list[dict[str, Any]]:
    repeats = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as tmp:
        folder = Path(tmp)
        csv = folder / "million.csv"
        write_csv(csv, ROWS)
        runs = [_one(folder, csv, n) for n in range(repeats)]
    times = [t for t, _ in runs]
    peaks = [p for _, p in runs]
    return [
        {"name": f"evidence import, {ROWS:,} CSV rows (child process, wall time)",
         "median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times),
         "target_ms": None, "passed": True},
        {"name": f"evidence import, {ROWS:,} CSV rows: peak RSS (MB, target {PEAK_TARGET_MB:g} MB)",
         "median_ms": statistics.median(peaks), "min_ms": min(peaks), "max_ms": max(peaks),
         "target_ms": None, "unit": "MB", "passed": max(peaks) < PEAK_TARGET_MB},
    ]
