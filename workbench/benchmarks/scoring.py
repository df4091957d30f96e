"""Benchmark: the Trade-offs ranking engine ("Speed" target).

* Rank 10,000 candidates x 20 criteria with hard constraints, WSM and TOPSIS: median <= 5 ms,
  and >= 10x faster than the scikit-criteria pipeline on the same matrix with the same ranking.
  What is timed on our side: constraint masks, feasibility, unknown ranges, weight validation,
  normalisation, scoring, score ranges, rank bounds and the deterministic ordering, from raw arrays. On the peer's
  side only ``pipeline.evaluate(dm)`` (filters -> inverter/scaler -> aggregator); building its
  ``DecisionMatrix`` is left out, which favours the peer.
* SMAA-2, 10,000 weight samples x 1,000 candidates (WSM, full rank acceptability): median <= 300 ms.
* Informational (no target): reasons text for every excluded candidate; the full
  ``rank_matrix`` result model on 500 synthetic candidates.

scikit-criteria is a test/bench extra: imported lazily here, never by runtime code.
"""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from workbench.domain import scoring, smaa, unknowns
from workbench.domain.checks import Check, ThresholdCheck, evaluate_constraints
from workbench.domain.scoring import BoolArray, FloatArray, IntArray

RANK_TARGET_MS = 5.0
RATIO_TARGET = 10.0
SMAA_TARGET_MS = 300.0
N_CANDIDATES = 10_000
N_CRITERIA = 20
SMAA_SAMPLES = 10_000
SMAA_CANDIDATES = 1_000
#: Constraints of the synthetic problem: (column, kind, threshold).
CONSTRAINTS: tuple[tuple[int, str, float], ...] = ((0, "min", 0.05), (5, "min", 0.02), (18, "max", 0.95))


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def synthetic_problem(m: int = N_CANDIDATES, n: int = N_CRITERIA, seed: int = 0
                      ) -> tuple[FloatArray, BoolArray, FloatArray, list[str]]:
    """Random Fortran-ordered matrix (values in (0, 1]), direction mask (last 3 criteria are costs), weights, names."""
    rng = np.random.default_rng(seed)
    x = np.asfortranarray(rng.uniform(0.001, 1.0, size=(m, n)))
    benefit = np.ones(n, dtype=bool)
    benefit[-3:] = False
    weights = rng.uniform(0.1, 1.0, size=n)
    names = [f"model-{i:05d}" for i in range(m)]
    return x, benefit, weights, names


def _checks(x: FloatArray) -> list[Check]:
    return [ThresholdCheck(key=f"c{j}", label=f"C{j}", values=x[:, j], threshold=t,
                                   kind="min" if kind == "min" else "max")
            for j, kind, t in CONSTRAINTS]


def rank_arrays(x: FloatArray, benefit: BoolArray, weights: FloatArray, tiebreak: IntArray,
                method: str) -> IntArray:
    """The timed path: constraints -> unknown ranges -> normalisation -> scores and score ranges -> order."""
    w = scoring.normalise_weights(weights)
    evaluation = evaluate_constraints(_checks(x), x.shape[0])
    idx = np.flatnonzero(evaluation.feasible)
    rg = scoring.unknown_ranges(scoring.take_rows(x, idx))
    out = scoring.score(method, rg.point, benefit, w, inert=rg.inert, ranges=rg)
    worst, best = scoring.score_bounds(method, rg, benefit, w, out.scores)
    order = scoring.rank_order(out.scores, tiebreak[idx])
    if rg.any:  # with no unknowns every rank is certain
        unknowns.rank_bounds(worst, best)
    return idx[order.order]


def _skcriteria_pipeline(method: str) -> Any:
    from skcriteria.agg.simple import WeightedSumModel
    from skcriteria.agg.topsis import TOPSIS
    from skcriteria.pipelines import mkpipe
    from skcriteria.preprocessing.filters import FilterGE, FilterLE
    from skcriteria.preprocessing.invert_objectives import MinMaxInverter
    from skcriteria.preprocessing.scalers import VectorScaler

    filters = [FilterGE({f"C{j}": t}) if kind == "min" else FilterLE({f"C{j}": t}) for j, kind, t in CONSTRAINTS]
    if method == "wsm":
        return mkpipe(*filters, MinMaxInverter(), WeightedSumModel())
    return mkpipe(*filters, VectorScaler(target="matrix"), TOPSIS())


def _skcriteria_dm(x: FloatArray, benefit: BoolArray, weights: FloatArray, names: list[str]) -> Any:
    import skcriteria as skc

    return skc.mkdm(x, [max if b else min for b in benefit], weights=scoring.normalise_weights(weights),
                    alternatives=names, criteria=[f"C{j}" for j in range(x.shape[1])])


def skcriteria_order(result: Any, names: list[str]) -> list[int]:
    """Candidate indices in scikit-criteria's rank order (rank 1 first; its ties by input order)."""
    position = {name: i for i, name in enumerate(names)}
    alts = [position[str(a)] for a in result.alternatives]
    ranks = np.asarray(result.rank_)
    return [alts[k] for k in np.argsort(ranks, kind="stable")]


def bench_rank(method: str, repeats: int, peer_repeats: int) -> dict[str, Any]:
    x, benefit, weights, names = synthetic_problem()
    tiebreak = scoring.name_order_key(names)
    ours = rank_arrays(x, benefit, weights, tiebreak, method)
    median = _median_ms(lambda: rank_arrays(x, benefit, weights, tiebreak, method), repeats)
    row: dict[str, Any] = {
        "name": f"rank {N_CANDIDATES:,} x {N_CRITERIA} {method.upper()} with constraints",
        "median_ms": round(median, 3), "target_ms": RANK_TARGET_MS, "feasible": int(ours.size),
    }
    try:
        dm = _skcriteria_dm(x, benefit, weights, names)
        pipe = _skcriteria_pipeline(method)
    except ImportError:
        row.update(passed=median <= RANK_TARGET_MS, peer="scikit-criteria not installed")
        return row
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = pipe.evaluate(dm)
        peer = _median_ms(lambda: pipe.evaluate(dm), peer_repeats)
    identical = skcriteria_order(result, names) == ours.tolist()
    ratio = peer / median if median > 0 else float("inf")
    row.update(peer="scikit-criteria pipeline.evaluate", peer_median_ms=round(peer, 3), ratio=round(ratio, 1),
               ratio_target=RATIO_TARGET, identical_ranking=identical,
               passed=bool(median <= RANK_TARGET_MS and ratio >= RATIO_TARGET and identical))
    return row


def bench_reasons(repeats: int) -> dict[str, Any]:
    x, _, _, _ = synthetic_problem()
    evaluation = evaluate_constraints(_checks(x), x.shape[0])
    excluded = np.flatnonzero(~evaluation.feasible)
    median = _median_ms(lambda: [evaluation.reasons(int(i)) for i in excluded], repeats)
    return {"name": f"reason texts for {excluded.size} excluded of {N_CANDIDATES:,}", "median_ms": round(median, 3),
            "target_ms": None, "passed": True}


def bench_smaa(repeats: int, method: str = "wsm") -> dict[str, Any]:
    x, benefit, weights, names = synthetic_problem(SMAA_CANDIDATES, N_CRITERIA, seed=1)
    tiebreak = scoring.name_order_key(names)

    def run_once() -> smaa.Smaa2Arrays:
        samples = smaa.sample_weights(weights, SMAA_SAMPLES, spread=0.5, seed=7)
        return smaa.smaa2(x, benefit, samples, method=method, tiebreak=tiebreak)

    median = _median_ms(run_once, repeats)
    target = SMAA_TARGET_MS if method == "wsm" else None
    return {"name": f"SMAA-2 {SMAA_SAMPLES:,} samples x {SMAA_CANDIDATES:,} candidates ({method.upper()})",
            "median_ms": round(median, 3), "target_ms": target,
            "passed": bool(target is None or median <= target)}


def synthetic_candidates(n: int = 500, seed: int = 0) -> list[Any]:
    """Random but valid ``Candidate`` objects (for the page-size benchmark and tests)."""
    from workbench.domain.models import CAPABILITY_VECTORS, Candidate, CapabilityRating, Latency, License

    rng = np.random.default_rng(seed)
    letters = np.array(["E", "A", "D"])
    out = []
    for i in range(n):
        caps = {v: CapabilityRating(rating=str(rng.choice(letters))) for v in CAPABILITY_VECTORS
                if rng.random() > 0.05}
        out.append(Candidate(
            name=f"model-{i:04d}", capabilities=caps,
            context_window=int(rng.choice([32_000, 128_000, 200_000, 1_000_000])),
            latency=Latency(ttft_p95_ms=float(rng.uniform(100, 2000)), output_tokens_per_s=float(rng.uniform(20, 200))),
            regions=[str(rng.choice(["eu", "us", "any"]))], topologies=["managed_api"],
            license=License(name="synthetic")))
    return out


def bench_rank_matrix(repeats: int) -> dict[str, Any]:
    from workbench.domain.decision_matrix import build_decision_matrix, rank_matrix
    from workbench.domain.models import HardConstraints, Profile

    cands = synthetic_candidates(500)
    rng = np.random.default_rng(3)
    profile = Profile(name="bench")
    dm = build_decision_matrix(profile, cands, {c.name: float(rng.uniform(0.001, 0.1)) for c in cands})
    hc = HardConstraints(min_context_tokens=100_000, data_residency=["eu"])
    median = _median_ms(lambda: rank_matrix(dm, profile.weights, hc, "wsm"), repeats)
    return {"name": "rank_matrix 500 candidates (result model with reasons, Pareto, score ranges, tipping points)",
            "median_ms": round(median, 3), "target_ms": None, "passed": True}


def run(quick: bool = False) -> list[dict[str, Any]]:
    """All scoring benchmarks; ``quick`` lowers repeat counts, not problem sizes."""
    r, pr, sr = (15, 3, 3) if quick else (101, 9, 9)
    return [
        bench_rank("wsm", r, pr),
        bench_rank("topsis", r, pr),
        bench_reasons(3 if quick else 9),
        bench_smaa(sr),
        bench_smaa(2 if quick else 5, method="topsis"),
        bench_rank_matrix(3 if quick else 15),
    ]


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(run(quick=True), indent=2))
