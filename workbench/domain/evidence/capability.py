"""Evidence -> capability values with an interval, the candidates x vectors evidence matrix, and
seeded SMAA draws."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, field_validator

from workbench.domain.evidence.hygiene import vector_for
from workbench.domain.evidence.intervals import IntervalMethod, proportion_interval, z_quantile
from workbench.domain.evidence.runs import (
    DEFAULT_CONFIDENCE,
    EvaluationRun,
    EvidenceError,
    FloatArray,
    MetricKind,
)
from workbench.domain.models import (
    CAPABILITY_VECTORS,
    Candidate,
    CapabilityRating,
    Model,
    TaskClass,
)

# =========================================================================== evidence -> capability


class CapabilityEvidence(Model):
    """Measured standing of one candidate on one capability vector, with its interval."""

    candidate: str
    vector: str
    value: float = Field(ge=0.0, le=1.0)
    lower: float = Field(ge=0.0, le=1.0)
    upper: float = Field(ge=0.0, le=1.0)
    n: int = Field(ge=1, description="items (effective sample size for the SMAA draws)")
    kinds: list[MetricKind]
    sources: list[str] = Field(description="file name and SHA-256 prefix of each run used")
    method: str

    @field_validator("vector")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in CAPABILITY_VECTORS:
            raise ValueError(f"unknown capability vector {v!r}")
        return v


def _pooled_scores(group: Sequence[EvaluationRun]) -> tuple[float, float, int] | None:
    """(mean, standard error, n) of score runs pooled with weights n; None without any score.

    Per run: item scores (mean, sample variance; 0.25 for a single item) or its pass rate
    (variance p(1-p)); pooled mean ``sum w m / sum w``, ``se = sqrt(sum w v / (sum w)^2)``.
    """
    means, ns, vars_ = [], [], []
    for r in group:
        scores = np.array([it.score for it in r.items if it.score is not None], dtype=float)
        if scores.size:
            if scores.min() < 0 or scores.max() > 1:
                raise EvidenceError(f"{r.source_file}: scores of {r.name} fall outside [0, 1]; "
                                    "rescale before using them as capability evidence")
            means.append(float(scores.mean()))
            ns.append(scores.size)
            vars_.append(float(scores.var(ddof=1)) if scores.size > 1 else 0.25)
        elif r.pass_rate is not None and r.n:
            means.append(r.pass_rate)
            ns.append(r.n)
            vars_.append(r.pass_rate * (1 - r.pass_rate))
    if not ns:
        return None
    w = np.array(ns, dtype=float)
    m = float(np.sum(w * np.array(means)) / w.sum())
    se = float(math.sqrt(np.sum(w * np.array(vars_)) / w.sum() / w.sum()))
    return m, se, int(w.sum())


def capability_evidence(
    runs: Iterable[EvaluationRun],
    *,
    task_class: TaskClass | None = None,
    method: IntervalMethod = "wilson",
    include_public_benchmarks: bool = False,
    confidence: float = DEFAULT_CONFIDENCE,
) -> list[CapabilityEvidence]:
    """Pool runs per (candidate, vector) into a value in [0, 1] with an interval.

    Binary runs pool their counts (sum k / sum n) and take a Wilson (or Clopper–Pearson) interval.
    Score runs (scores in [0, 1]) take the item mean and a normal interval ``mean +/- z s / sqrt(n)``
    clipped to [0, 1]; mixed runs weight by n. Public benchmarks only give initial signal (seed 002,
    "Benchmark Interpretation Guide"), so they are left out unless ``include_public_benchmarks``.
    Runs of latency (shadow telemetry) inform the latency criterion, not a vector, and are skipped.
    """
    groups: dict[tuple[str, str], list[EvaluationRun]] = {}
    for run in runs:
        if run.metric_kind is MetricKind.public_benchmark and not include_public_benchmarks:
            continue
        vec = vector_for(run.metric_kind, task_class, run.benchmark)
        if vec is None:
            continue
        groups.setdefault((run.name, vec), []).append(run)
    z = z_quantile(confidence)
    out: list[CapabilityEvidence] = []
    for (cand, vec), group in groups.items():
        counts = [r.binary_counts() for r in group]
        sources = [f"{r.source_file}@{r.source_sha256[:12]}" for r in group]
        kinds = sorted({r.metric_kind for r in group})
        if all(c is not None for c in counts):
            k = sum(c[0] for c in counts if c)
            n = sum(c[1] for c in counts if c)
            if n == 0:
                continue
            lo, hi = proportion_interval(k, n, method, confidence)
            out.append(CapabilityEvidence(candidate=cand, vector=vec, value=k / n, lower=float(lo),
                                          upper=float(hi), n=n, kinds=kinds, sources=sources,
                                          method=f"pooled pass rate, {method} {confidence:.0%}"))
            continue
        pooled = _pooled_scores(group)
        if pooled is None:
            continue
        m, se, n_items = pooled
        out.append(CapabilityEvidence(candidate=cand, vector=vec, value=min(1.0, max(0.0, m)),
                                      lower=max(0.0, m - z * se), upper=min(1.0, m + z * se), n=n_items,
                                      kinds=kinds, sources=sources,
                                      method=f"mean score, normal {confidence:.0%}"))
    return out


class EvidenceMatrix(Model):
    """Capability values for the ranking: measured where evidence exists, else the E/A/D prior.

    Arrays are candidates x vectors; ``source`` says which was used per cell.
    """

    candidates: list[str]
    vectors: list[str]
    values: list[list[float | None]]
    lower: list[list[float | None]]
    upper: list[list[float | None]]
    n_eff: list[list[int]]
    source: list[list[Literal["measured", "prior", "unknown"]]]

    def arrays(self) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.int64]]:
        """(values, lower, upper, n_eff) as float arrays (unknown = NaN)."""

        def conv(x: list[list[float | None]]) -> FloatArray:
            return np.array([[np.nan if v is None else v for v in row] for row in x], dtype=float)

        return conv(self.values), conv(self.lower), conv(self.upper), np.array(self.n_eff, dtype=np.int64)


def evidence_matrix(
    candidates: Sequence[Candidate],
    evidence: Iterable[CapabilityEvidence],
    vectors: Sequence[str] = CAPABILITY_VECTORS,
) -> EvidenceMatrix:
    """Build the candidates x vectors matrix; evidence replaces the prior cell by cell (DESIGN 3).

    A prior cell has lower = upper = value (the E/A/D prior has no stated interval).
    """
    names = [c.name for c in candidates]
    col = {v: j for j, v in enumerate(vectors)}
    row = {n: i for i, n in enumerate(names)}
    nc, nv = len(names), len(vectors)
    prior = np.array([[np.nan if (x := c.capability_value(v)) is None else x for v in vectors]
                      for c in candidates], dtype=float).reshape(nc, nv)
    val, lo, hi = prior.copy(), prior.copy(), prior.copy()
    n_eff = np.zeros((nc, nv), dtype=np.int64)
    src = np.where(np.isnan(prior), "unknown", "prior").astype(object)
    for ev in evidence:
        if ev.candidate in row and ev.vector in col:
            i, j = row[ev.candidate], col[ev.vector]
            val[i, j], lo[i, j], hi[i, j], n_eff[i, j] = ev.value, ev.lower, ev.upper, ev.n
            src[i, j] = "measured"

    def tolist(a: FloatArray) -> list[list[float | None]]:
        return [[None if math.isnan(x) else float(x) for x in r] for r in a]

    return EvidenceMatrix(candidates=names, vectors=list(vectors), values=tolist(val), lower=tolist(lo),
                          upper=tolist(hi), n_eff=n_eff.tolist(), source=src.tolist())


def apply_evidence(candidate: Candidate, evidence: Iterable[CapabilityEvidence]) -> Candidate:
    """A copy of ``candidate`` whose capability ratings carry ``measured`` values from the evidence."""
    caps = dict(candidate.capabilities)
    for ev in evidence:
        if ev.candidate != candidate.name:
            continue
        old = caps.get(ev.vector)
        caps[ev.vector] = CapabilityRating(rating=old.rating if old else None, measured=ev.value)
    return candidate.model_copy(update={"capabilities": caps})


def sample_capabilities(
    matrix: EvidenceMatrix,
    n_samples: int,
    seed: int = 0,
    *,
    prior_halfwidth: float = 0.0,
) -> FloatArray:
    """Seeded draws of the capability matrix for SMAA: shape (n_samples, candidates, vectors).

    Measured cells draw from the Jeffreys posterior ``Beta(k + 1/2, n - k + 1/2)`` with
    ``k = value * n`` (its 95 % interval is close to Wilson's; Brown, Cai & DasGupta 2001), so the
    draws follow the evidence interval and stay in [0, 1]. Prior cells are constant, or uniform in
    ``value +/- prior_halfwidth`` (clipped) when a half-width is given. Unknown cells are NaN.
    """
    if n_samples < 1:
        raise ValueError("n_samples must be >= 1")
    val, _lo, _hi, n = matrix.arrays()
    rng = np.random.default_rng(seed)
    measured = np.array(matrix.source, dtype=object) == "measured"
    nn = np.where(measured, n, 1).astype(float)
    k = np.where(measured, np.nan_to_num(val) * nn, 0.5)
    a = np.broadcast_to(k + 0.5, (n_samples, *val.shape))
    b = np.broadcast_to(nn - k + 0.5, (n_samples, *val.shape))
    draws_m = rng.beta(a, b)
    base = np.broadcast_to(val, (n_samples, *val.shape))
    if prior_halfwidth > 0:
        u = rng.uniform(-prior_halfwidth, prior_halfwidth, size=base.shape)
        draws_p = np.clip(base + u, 0.0, 1.0)
    else:
        draws_p = base.copy()
    return np.where(measured[None, :, :], draws_m, draws_p)


def latency_percentiles(run: EvaluationRun, q: Sequence[float] = (50, 95)) -> dict[str, float]:
    """Item latency percentiles in ms (shadow telemetry -> the latency criterion). Empty if none."""
    lat = run.latencies_ms()
    if lat.size == 0:
        return {}
    return {f"p{int(p)}_ms": float(v) for p, v in zip(q, np.percentile(lat, q), strict=True)}
