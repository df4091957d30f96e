"""Large per-item CSV files stream in: a million rows import with bounded memory (peak RSS measured)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from workbench.io.evidence import import_evidence
from workbench.io.evidence.csv_items import LARGE_ITEMS
from workbench.store import evidence as ev
from workbench.store import open_store
from workbench.store.workspace import create_profile, new_profile_model

CANDIDATES = ("GPT-5.4", "DeepSeek V4")
PEAK_LIMIT_MB = 500


def _write_csv(path: Path, rows: int) -> int:
    """Deterministic rows alternating two candidates; returns the number of passes written."""
    passes = 0
    with path.open("w", encoding="utf-8") as f:
        f.write("item_id,candidate,passed,latency_ms\n")
        for i in range(rows):
            ok = (i * 7919) % 10 < 8
            passes += ok
            f.write(f"q{i // 2},{CANDIDATES[i % 2]},{'true' if ok else 'false'},{100 + (i * 31) % 2900}\n")
    return passes


def test_large_file_round_trips_through_the_store(engine, tmp_path):
    rows = 2 * (LARGE_ITEMS // 2 + 10_000)
    passes = _write_csv(tmp_path / "big.csv", rows)
    result = import_evidence(tmp_path / "big.csv")
    assert all(not r.items for r in result.runs)  # counts only: the items stay in columns
    assert sum(r.n for r in result.runs) == rows
    profile = create_profile(engine, new_profile_model("Load", None), "ada")
    outcome = ev.import_runs(engine, profile.id, result, {c: c for c in CANDIDATES}, "ada")
    assert sum(s.n for s in outcome.runs) == rows and sum(s.passed for s in outcome.runs) == passes
    assert {ev.run_summary(s)["items"] for s in outcome.runs} == {rows // 2}
    stored = ev.list_runs(engine, profile.id)  # read back: the body holds every item, validated like any run
    assert sum(len(s.run.items) for s in stored) == rows
    assert sum(s.run.binary_counts()[0] for s in stored) == passes
    first = next(s.run for s in stored if s.candidate == CANDIDATES[0])
    assert (first.items[0].item_id, first.items[0].passed, first.items[0].latency_ms) == ("q0", True, 100.0)


_PEAK = ("import atexit, runpy, sys\n"
         # VmHWM: this process's own peak resident set. ru_maxrss would not do: it survives exec, so a child
         # forked from a large parent (a long pytest worker) would report the parent's size.
         "def _peak():\n"
         "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
         "    print('PEAK_KB', int(hwm.split()[1]), file=sys.stderr)\n"
         "atexit.register(_peak)\n"
         "sys.argv = ['workbench', *sys.argv[1:]]\n"
         "runpy.run_module('workbench', run_name='__main__')\n")


def test_a_million_rows_import_under_500_mb_peak_rss(tmp_path):
    rows = 1_000_000
    passes = _write_csv(tmp_path / "million.csv", rows)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = open_store(url)
    create_profile(engine, new_profile_model("Load", None), "ada")
    env = {**os.environ, "WORKBENCH_DATABASE_URL": url, "WORKBENCH_USER": "ci"}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK, "import", "evidence", str(tmp_path / "million.csv"),
                           "--profile", "Load", "--json"], capture_output=True, text=True, env=env, timeout=600)
    elapsed = time.perf_counter() - started
    assert proc.returncode == 0, proc.stderr[-2000:]
    peak_mb = int(proc.stderr.split("PEAK_KB")[1].split()[0]) / 1024
    print(f"1,000,000-row CSV: peak RSS {peak_mb:.0f} MB, {elapsed:.1f} s")
    assert peak_mb < PEAK_LIMIT_MB
    doc = json.loads(proc.stdout)
    assert sum(r["n"] for r in doc["runs"]) == rows and sum(r["passed"] for r in doc["runs"]) == passes
    with engine.connect() as conn:
        lengths = conn.execute(text("SELECT length(body) FROM evidence_run")).scalars().all()
    assert len(lengths) == 2 and min(lengths) > 20_000_000  # every item is stored
    engine.dispose()


def test_large_openai_evals_log_streams_into_columns(engine, tmp_path):
    rows = LARGE_ITEMS + 20_000
    path = tmp_path / "oaieval.jsonl"
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"spec": {"completion_fns": ["gpt-5.4"], "eval_name": "contracts.dev.v0"}}) + "\n")
        for i in range(rows):
            f.write(json.dumps({"run_id": "r1", "event_id": i, "sample_id": f"contracts.dev.{i}", "type": "match",
                                "data": {"correct": i % 4 != 0}}) + "\n")
    result = import_evidence(path)
    [run] = result.runs
    assert run.n == rows and not run.items and run.pass_rate == 0.75
    profile = create_profile(engine, new_profile_model("Load", None), "ada")
    ev.import_runs(engine, profile.id, result, {"gpt-5.4": "GPT-5.4"}, "ada")
    [stored] = ev.list_runs(engine, profile.id)
    assert len(stored.run.items) == rows and stored.run.binary_counts() == (rows * 3 // 4, rows)
