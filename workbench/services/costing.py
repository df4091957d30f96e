"""Cost per successful outcome on the right basis: vendor API price or self-hosted GPUs.

* ``api``: the vendor's price (``economics.cost_per_success_for``).
* ``self_hosted``: an open-weight candidate with a ``config.json`` costed on GPUs with the GPU engineer's
  throughput model (``domain.gpu.throughput.self_hosted_cost``: GPUs x $/hour / throughput at the
  profile's per-request tokens and concurrency, the cheapest priced GPU type of the catalog), turned into
  a cost per success by the same economics formula (retries, valid-output rate, human review).
* ``unknown``: when the profile allows only self-hosted / on-premises topologies
  (``privacy.allowed_topologies`` within {self_hosted, local_edge}), a candidate that cannot be costed on
  GPUs (closed weights, no architecture, no priced GPU fits) gets an unknown cost, scored as a range,
  never the vendor's API price. Otherwise the API price is the basis and the self-hosted figure is
  shown beside it where both exist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workbench.domain.architecture import ArchitectureError
from workbench.domain.economics import cost_per_success_for
from workbench.domain.gpu.throughput import self_hosted_cost
from workbench.domain.models import Candidate, Pricing, Profile, Topology
from workbench.io.gpus import load_gpu_catalog
from workbench.io.hf_config import parse_hf_config

ON_PREMISES = frozenset({Topology.self_hosted, Topology.local_edge})


@dataclass(frozen=True)
class Costs:
    per_success: list[float | None]
    basis: list[str]
    api: list[float | None]
    self_hosted: list[float | None]
    notes: dict[str, str]  #: candidate -> basis sentence of its self-hosted figure


def self_hosted_only(profile: Profile) -> bool:
    allowed = set(profile.privacy.allowed_topologies)
    return bool(allowed) and allowed <= ON_PREMISES


def _opt(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def self_hosted_pricing(candidate: Candidate, profile: Profile) -> tuple[Pricing, str] | None:
    """Per-1M-token prices of serving ``candidate`` on GPUs at the profile's workload, or None."""
    if not candidate.open_weights or not candidate.architecture:
        return None
    try:
        spec = parse_hf_config(dict(candidate.architecture))
    except (ArchitectureError, ValueError, TypeError):
        return None
    w = profile.workload
    cost = self_hosted_cost(spec, load_gpu_catalog(), input_tokens=max(1, w.input_tokens),
                            output_tokens=max(1, w.output_tokens),
                            concurrency=profile.throughput.concurrent_requests or 1)
    if cost is None:
        return None
    return Pricing(input_per_mtok=cost.usd_per_mtok_input, output_per_mtok=cost.usd_per_mtok_output), cost.basis


def costs_for(profile: Profile, candidates: list[Candidate]) -> Costs:
    """Both figures per candidate and the one the ranking uses (module docstring)."""
    api = cost_per_success_for(candidates, profile.workload) if candidates else np.zeros(0)
    hosted: list[float | None] = []
    notes: dict[str, str] = {}
    copies, where = [], []
    for i, c in enumerate(candidates):
        found = self_hosted_pricing(c, profile)
        if found is not None:
            copies.append(c.model_copy(update={"pricing": found[0]}))
            where.append(i)
            notes[c.name] = found[1]
    hosted = [None] * len(candidates)
    if copies:
        for i, v in zip(where, cost_per_success_for(copies, profile.workload).tolist(), strict=True):
            hosted[i] = _opt(v)
    only_on_prem = self_hosted_only(profile)
    per, basis = [], []
    for i in range(len(candidates)):
        a, h = _opt(float(api[i])), hosted[i]
        if only_on_prem:
            per.append(h)
            basis.append("self_hosted" if h is not None else "unknown")
        else:
            per.append(a)
            basis.append("api" if a is not None else "unknown")
    return Costs(per, basis, [_opt(float(v)) for v in api], hosted, notes)


def priced_on_basis(profile: Profile, candidates: tuple[Candidate, ...]) -> tuple[tuple[Candidate, ...], dict[str, str]]:
    """The candidates with the pricing the ranking's cost basis uses, and a note per changed candidate.

    Self-hosted-only profiles: open weights carry their self-hosted per-1M-token prices, the others no
    pricing (an unknown cost, never the vendor's API price). Otherwise the candidates are returned as they are.
    """
    if not self_hosted_only(profile):
        return candidates, {}
    out, notes = [], {}
    for c in candidates:
        found = self_hosted_pricing(c, profile)
        if found is not None:
            out.append(c.model_copy(update={"pricing": found[0]}))
            notes[c.name] = f"costed self-hosted (the profile allows only on-premises topologies): {found[1]}"
        else:
            out.append(c.model_copy(update={"pricing": None}))
            notes[c.name] = ("not costed: the profile allows only on-premises topologies and no self-hosted GPU cost "
                             "can be computed (closed weights, no config.json, or no priced GPU fits); the vendor's "
                             "API price is not used")
    return tuple(out), notes
