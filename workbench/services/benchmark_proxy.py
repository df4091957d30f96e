"""Capability evidence for the ranking: benchmark-proxy evidence first, own evidence after (own wins a cell).

The ranking (``services.decide``) calls :func:`evidence_with_proxies` where it used ``capability_evidence``:
own runs pool as before (public benchmarks left out of them), benchmark-table runs become proxy evidence with
the mapping's wider range (``domain.benchmark_proxy``). ``evidence_matrix`` and ``apply_evidence`` let a later
entry replace an earlier one for the same cell, so own evidence replaces a proxy where both exist.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.domain.benchmark_proxy import is_proxy, proxy_evidence
from workbench.domain.evidence import CapabilityEvidence, EvaluationRun, capability_evidence
from workbench.domain.models import TaskClass
from workbench.io.benchmark_mapping import load_benchmark_mapping


def evidence_with_proxies(runs: Sequence[EvaluationRun], task_class: TaskClass | None) -> list[CapabilityEvidence]:
    proxies = proxy_evidence(runs, load_benchmark_mapping()) if any(is_proxy(r) for r in runs) else []
    return [*proxies, *capability_evidence(runs, task_class=task_class)]
