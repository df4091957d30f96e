"""`workbench bench`: the speed targets of every area, measured in one run.

Each area module in ``workbench.benchmarks`` exposes ``run(quick) -> list[dict]``; a figure has
``name``, ``median_ms``, ``target_ms`` and ``passed``, plus ``ratio`` / ``peer_median_ms`` where an
issue names a peer (e.g. scikit-criteria). Benchmarks are a command, not timed tests.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from typing import Any

from workbench.cli._common import print_json

AREAS: tuple[str, ...] = ("scoring", "tradeoffs_page", "gpu", "excel", "imports", "browser")


def run_benchmarks(areas: list[str], quick: bool) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    started = time.perf_counter()
    for area in areas:
        try:
            module = importlib.import_module(f"workbench.benchmarks.{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"workbench.benchmarks.{area}":
                raise
            continue
        for figure in module.run(quick=quick):
            results.append({"area": area, **figure})
    return {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.machine()},
        "quick": quick,
        "seconds": round(time.perf_counter() - started, 2),
        "all_passed": all(bool(r.get("passed", True)) for r in results),
        "results": results,
    }


def _bench(args: argparse.Namespace) -> int:
    areas = args.area or list(AREAS)
    try:
        report = run_benchmarks(areas, args.quick)
    except RuntimeError as exc:  # e.g. the browser area without Chromium or Playwright
        print(f"workbench bench: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print_json(report)
    else:
        for r in report["results"]:
            target = f"target {r['target_ms']:g} ms" if r.get("target_ms") is not None else "no target"
            ratio = f", {r['ratio']:.1f}x vs peer" if r.get("ratio") is not None else ""
            status = "PASS" if r.get("passed", True) else "MISS"
            unit = r.get("unit", "ms")
            spread = f", {r['min_ms']:.3f}-{r['max_ms']:.3f}" if r.get("min_ms") is not None else ""
            print(f"{status}  {r['name']}: {r['median_ms']:.3f} {unit} median{spread} ({target}{ratio})")
        print(f"{len(report['results'])} figures in {report['seconds']} s", file=sys.stderr)
    return 0 if report["all_passed"] or not args.strict else 1


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("bench", help="measure the speed targets (ranking, SMAA, page rerun, GPU fit, Excel, 1M-row import memory, real browser)")
    parser.add_argument("--area", action="append", choices=AREAS, help="only this area (repeatable)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (same problem sizes)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=_bench)
