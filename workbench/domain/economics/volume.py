"""API vs self-hosting over request volume (seed 002 "Deployment Fit Matrix")."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workbench.domain.economics._validate import (
    HOURS_PER_MONTH,
    ArrayLike,
    FloatArray,
    _nonneg,
    _positive,
    _success_rate,
)
from workbench.domain.money import usd_per_month, usd_per_request

# --------------------------------------------------------------------------- volume


def self_host_capacity(
    output_tokens_per_second: ArrayLike,
    output_tokens_per_request: ArrayLike,
    *,
    hours_per_month: float = HOURS_PER_MONTH,
    utilisation: ArrayLike = 1.0,
) -> FloatArray:
    """Requests one replica can serve per month: ``tok/s * 3600 * hours * utilisation / tokens
    per request`` (aggregate decode throughput of the replica at its serving batch size)."""
    tps = _positive("output_tokens_per_second", output_tokens_per_second)
    tpr = _positive("output_tokens_per_request", output_tokens_per_request)
    hours = _positive("hours_per_month", hours_per_month)
    util = _success_rate("utilisation", utilisation)
    return np.asarray(tps * 3600.0 * hours * util / tpr, dtype=np.float64)


@dataclass(frozen=True)
class VolumeComparison:
    """API (per-token) vs self-hosting (GPU hours) monthly cost over request volumes (USD/month)."""

    volumes: FloatArray  #: requests per month
    api_monthly_usd: FloatArray
    self_host_monthly_usd: FloatArray
    replicas: FloatArray
    replica_monthly_usd: float
    break_even_volume: float  #: first volume above which self-hosting is cheaper (inf = never)
    crossings: FloatArray  #: volumes where the API overtakes self-hosting
    reversals: FloatArray  #: replica steps where self-hosting jumps back above the API
    explanation: str


def self_host_vs_api(
    volumes: ArrayLike,
    *,
    api_cost_per_request_usd: float,
    gpu_hourly_usd: float,
    gpus: int,
    hours_per_month: float = HOURS_PER_MONTH,
    capacity_requests_per_month: float | None = None,
    fixed_monthly_usd: float = 0.0,
) -> VolumeComparison:
    """Monthly cost of the API vs self-hosting, and the exact crossover volumes.

    API: ``a * V`` (``a`` = USD per request from token prices). Self-hosting: ``ceil(V / cap) * R``
    replicas with ``R = gpu_hourly_usd * gpus * hours_per_month + fixed_monthly_usd`` (at least one
    replica; ``cap`` = requests per replica per month, unlimited if None). Within replica step
    ``k`` (``(k-1)*cap < V <= k*cap``) the costs meet at ``V_k = k*R/a``; the first is the break-even
    volume ``R/a`` (seed 002 "Deployment Fit Matrix": self-hosting trades per-token price for
    fixed GPU cost; DESIGN 3 "across volume").
    """
    v = _nonneg("volumes", volumes)
    a = float(_nonneg("api_cost_per_request_usd", api_cost_per_request_usd))
    rate = float(_nonneg("gpu_hourly_usd", gpu_hourly_usd))
    n_gpu = float(_positive("gpus", gpus))
    hours = float(_positive("hours_per_month", hours_per_month))
    fixed = float(_nonneg("fixed_monthly_usd", fixed_monthly_usd))
    replica = rate * n_gpu * hours + fixed
    api = a * v
    if capacity_requests_per_month is None:
        replicas = np.ones_like(v)
        cap = math.inf
    else:
        cap = float(_positive("capacity_requests_per_month", capacity_requests_per_month))
        replicas = np.maximum(1.0, np.ceil(v / cap))
    self_host = replicas * replica
    vmax = float(v.max()) if v.size else 0.0
    if a <= 0:
        crossings = np.zeros(0)
    elif math.isinf(cap):
        crossings = np.array([replica / a])
    else:
        k = np.arange(1, max(1, math.ceil(max(vmax, replica / a) / cap)) + 1, dtype=np.float64)
        vk = k * replica / a
        crossings = vk[((k - 1) * cap < vk) & (vk <= k * cap)]
        crossings = crossings[(np.arange(crossings.size) == 0) | (crossings <= vmax)]  # keep the first
    if math.isinf(cap) or a <= 0:
        reversals = np.zeros(0)
    else:
        steps = np.arange(1, max(1, math.ceil(vmax / cap)) + 1, dtype=np.float64)
        reversals = steps * cap
        reversals = reversals[(a * reversals < (steps + 1) * replica) & (a * reversals >= steps * replica)]
        reversals = reversals[reversals < vmax]
    be = float(crossings[0]) if crossings.size else math.inf
    if math.isinf(be):
        text = (
            f"Self-hosting ({usd_per_month(replica)} per replica-month) never beats the API at "
            f"{usd_per_request(a)} per request: a full replica costs more than its capacity on the API."
        )
    else:
        text = (
            f"Above {be:,.0f} requests per month, self-hosting ({usd_per_month(replica)} per "
            f"replica-month) is cheaper than the API at {usd_per_request(a)} per request."
        )
        if reversals.size:
            text += f" Adding a replica at {reversals[0]:,.0f} requests per month makes the API cheaper again until the next crossing."
    return VolumeComparison(v, np.asarray(api, dtype=np.float64), np.asarray(self_host, dtype=np.float64),
                            replicas, replica, be, crossings, reversals, text)
