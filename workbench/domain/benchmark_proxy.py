"""Published benchmark results as *benchmark-proxy* capability evidence (seed 002's term), with a wider range.

A row of a benchmark table (model, benchmark, score, n, source, date) is stored as an
:class:`EvaluationRun` of format ``benchmark-table`` and kind ``public_benchmark``. The mapping
(``data/benchmark_mapping.json``, editable) says which of the 14 capability vectors a benchmark informs and
the half-width ``h`` of its known-range uncertainty. Per candidate and vector:

- value ``v`` = mean of the mapped scores (scores in [0, 1]);
- half-width ``H = sqrt(h^2 + (z * se)^2)`` with ``h`` the largest half-width of the benchmarks pooled and
  ``se = sqrt(sum_i v_i (1 - v_i) / n_i) / k`` over the k rows whose n is known (the sampling error of their
  mean; rows without n add no sampling term, and the method says so); z = 1.96 (95 %);
- interval ``[v - H, v + H]`` clipped to [0, 1];
- effective n for the SMAA draws: the Beta(k + 1/2, n - k + 1/2) draws of a measured cell have sd about
  ``sqrt(v (1 - v) / (n + 1))``; setting that to ``H / z`` gives ``n_eff = v (1 - v) / (H / z)^2 - 1`` (at least
  1), so the draws spread as wide as the stated range.

Own evidence (golden set, per item) replaces a proxy cell when both exist (the ranking applies proxies first).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from pydantic import Field

from workbench.domain.evidence import CapabilityEvidence, EvaluationRun, EvidenceFormat, MetricKind
from workbench.domain.models import CAPABILITY_VECTORS, Model

Z95 = 1.959963984540054


class BenchmarkSpec(Model):
    """One benchmark of the mapping: the vector it informs and its warnings."""

    key: str = Field(min_length=1)
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    vector: str | None = None
    halfwidth: float | None = Field(default=None, gt=0, le=0.5)
    warnings: list[str] = Field(default_factory=list)

    def model_post_init(self, _context: object) -> None:
        if self.vector is not None and self.vector not in CAPABILITY_VECTORS:
            raise ValueError(f"benchmark {self.key!r}: unknown capability vector {self.vector!r}")


class BenchmarkMapping(Model):
    """The shipped, editable benchmark -> capability-vector mapping."""

    about: str = ""
    source: str = ""
    default_halfwidth: float = Field(default=0.10, gt=0, le=0.5)
    halfwidth_convention: str = ""
    common_warnings: list[str] = Field(default_factory=list)
    benchmarks: list[BenchmarkSpec]

    def find(self, name: str | None) -> BenchmarkSpec | None:
        """The spec whose name or alias matches ``name`` (case, spaces and punctuation ignored; the longest alias
        that prefixes the name wins, so "SWE-bench Verified (bash only)" is SWE-bench Verified)."""
        if not name:
            return None
        wanted = _norm(name)
        best: tuple[int, BenchmarkSpec] | None = None
        for spec in self.benchmarks:
            for alias in (spec.name, spec.key, *spec.aliases):
                a = _norm(alias)
                if a and wanted.startswith(a) and (best is None or len(a) > best[0]):
                    best = (len(a), spec)
        return best[1] if best else None

    def halfwidth(self, spec: BenchmarkSpec | None) -> float:
        return spec.halfwidth if spec and spec.halfwidth else self.default_halfwidth


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def is_proxy(run: EvaluationRun) -> bool:
    return run.source_format is EvidenceFormat.benchmark_table


def _interval(values: list[float], ns: list[int | None], h: float) -> tuple[float, float, int, str]:
    v = sum(values) / len(values)
    known = [(x, n) for x, n in zip(values, ns, strict=True) if n]
    se = math.sqrt(sum(x * (1 - x) / n for x, n in known)) / len(known) if known else 0.0
    total = math.sqrt(h * h + (Z95 * se) ** 2)
    n_eff = max(1, round(v * (1 - v) / (total / Z95) ** 2 - 1)) if 0 < v < 1 else max(1, round(1 / (total / Z95) ** 2))
    sampling = f" + sampling (n known for {len(known)} of {len(values)})" if known else ", no n: no sampling term"
    return v, total, n_eff, f"benchmark proxy: score ± {total:.3f} (mapping half-width {h:.2f}{sampling})"


def proxy_evidence(runs: Iterable[EvaluationRun], mapping: BenchmarkMapping) -> list[CapabilityEvidence]:
    """Capability evidence from benchmark-table runs (other runs are ignored); see the module docstring."""
    groups: dict[tuple[str, str], list[tuple[EvaluationRun, float]]] = {}
    for run in runs:
        if not is_proxy(run) or run.aggregate_score is None or not 0.0 <= run.aggregate_score <= 1.0:
            continue
        spec = mapping.find(run.benchmark or run.task)
        if spec is None or spec.vector is None:
            continue
        groups.setdefault((run.name, spec.vector), []).append((run, mapping.halfwidth(spec)))
    out = []
    for (candidate, vector), rows in groups.items():
        values = [float(r.aggregate_score or 0.0) for r, _ in rows]
        v, half, n_eff, method = _interval(values, [r.n_reported for r, _ in rows], max(h for _, h in rows))
        out.append(CapabilityEvidence(
            candidate=candidate, vector=vector, value=v, lower=max(0.0, v - half), upper=min(1.0, v + half),
            n=n_eff, kinds=[MetricKind.public_benchmark], method=method,
            sources=[f"{r.benchmark or r.task}: {r.source_file}@{r.source_sha256[:12]}" for r, _ in rows]))
    return out
