"""Speculative decoding: acceptance rate, expected tokens, speed-up vs batch and the concurrency
trap (seed 002 "Speculative Decoding as a Latency Optimization"; Leviathan et al. 2023)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workbench.domain.economics._validate import (
    CONCURRENCY_TRAP_BATCH,
    ArrayLike,
    BoolArray,
    EconomicsInputError,
    FloatArray,
    _nonneg,
    _positive,
    _probability,
)

# =========================================================================== speculative decoding


def acceptance_rate(p: ArrayLike, q: ArrayLike) -> FloatArray:
    """Token acceptance rate of a draft distribution q for target p: ``alpha = 1 - TV(p, q) =
    sum_i min(p_i, q_i)`` (seed 002 "Drafter Training"; Leviathan et al. 2023). Last axis =
    vocabulary; each row must sum to 1."""
    pp, qq = _probability("p", p), _probability("q", q)
    if pp.shape != qq.shape:
        raise EconomicsInputError("p and q must have the same shape")
    for name, arr in (("p", pp), ("q", qq)):
        if not np.allclose(arr.sum(axis=-1), 1.0, atol=1e-6):
            raise EconomicsInputError(f"{name} must sum to 1 over the last axis")
    tv = 0.5 * np.abs(pp - qq).sum(axis=-1)
    return np.asarray(1.0 - tv, dtype=np.float64)


def expected_accepted_tokens(alpha: ArrayLike, k: ArrayLike) -> FloatArray:
    """Expected tokens per verification step with k drafted tokens and acceptance rate alpha:
    ``(1 - alpha^(k+1)) / (1 - alpha)`` (``k + 1`` at alpha = 1). Leviathan, Kalman, Matias 2023,
    "Fast Inference from Transformers via Speculative Decoding", eq. 1."""
    a = _probability("alpha", alpha)
    kk = _nonneg("k", k)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(a < 1.0, (1.0 - a ** (kk + 1.0)) / np.where(a < 1.0, 1.0 - a, 1.0), kk + 1.0)
    return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True)
class SpeculativeCurve:
    batch: FloatArray
    speedup: FloatArray  #: > 1 faster, < 1 regression
    trap: BoolArray  #: batch > CONCURRENCY_TRAP_BATCH (seed 002 anti-pattern)
    regression: BoolArray  #: speedup < 1 under the model
    break_even_batch: float  #: batch above which the model predicts a regression (inf = never)
    expected_tokens: float
    explanation: str


def speculative_speedup(
    batch: ArrayLike,
    *,
    alpha: float = 0.8,
    k: int = 4,
    draft_cost_ratio: float = 0.05,
    compute_bound_batch: float = 20.0,
) -> SpeculativeCurve:
    """Expected speed-up of speculative decoding vs batch size, with the concurrency trap.

    First-order latency model. One decode step of the target over ``n`` tokens in flight costs
    ``T(n) = 1 + n / n_c`` (memory time normalised to 1, plus compute time that equals it at
    ``n_c = compute_bound_batch`` tokens). Plain decoding of batch B costs ``T(B)`` per token;
    speculative decoding costs ``k * c * T(B)`` for the draft (``c`` = draft/target step cost)
    plus ``T(B * (k+1))`` to verify, and yields ``E = (1 - alpha^(k+1)) / (1 - alpha)`` tokens:

    ``S(B) = E * T(B) / (k * c * T(B) + T(B * (k + 1)))``

    At B -> 0 this is Leviathan et al.'s ``E / (k*c + 1)`` (alpha 0.8, k 5, c 0.05 -> 2.95x: seed
    002 "up to 3x"). The break-even batch solves ``S = 1`` exactly:
    ``B* = n_c * (E - k*c - 1) / (k + 1 - E + k*c)``. The default ``n_c = 20`` puts B* near 23 and
    the loss at batch 32 near 8 % for alpha 0.8, k 4, c 0.05, matching seed 002's "5 % to 10 %
    regression" at batch 16-32. The trap flag is the seed's rule: batch > 16.
    """
    b = _nonneg("batch", batch)
    a = float(_probability("alpha", alpha))
    kk = float(_nonneg("k", k))
    c = float(_nonneg("draft_cost_ratio", draft_cost_ratio))
    nc = float(_positive("compute_bound_batch", compute_bound_batch))
    e = float(expected_accepted_tokens(a, kk))
    t_plain = 1.0 + b / nc
    t_verify = 1.0 + b * (kk + 1.0) / nc
    s = e * t_plain / (kk * c * t_plain + t_verify)
    num, den = e - kk * c - 1.0, kk + 1.0 - e + kk * c
    if num <= 0:
        be = 0.0
    elif den <= 0:
        be = math.inf
    else:
        be = nc * num / den
    trap = b > CONCURRENCY_TRAP_BATCH
    text = (
        f"Expected {e:.2f} tokens per verification step; speed-up {e / (kk * c + 1):.2f}x at small batch, "
        + (f"regression above batch {be:.1f}. " if math.isfinite(be) else "no regression predicted. ")
        + f"Above batch {CONCURRENCY_TRAP_BATCH} the seed's concurrency trap applies: verify the GPU is still "
        "memory-bound before enabling speculation."
    )
    return SpeculativeCurve(b, np.asarray(s, dtype=np.float64), np.asarray(trap), np.asarray(s < 1.0), be, e, text)
