"""SMAA-2 robustness of a ranking (Lahdelma & Salminen 2001), vectorised over all samples.

Stochastic Multicriteria Acceptability Analysis asks how the ranking changes over *plausible*
weightings instead of one weight vector. Definitions follow reference/decisions-signing-excel.md
section 2 (after R ``smaa`` / JSMAA):

* **rank acceptability** ``b_i^r`` = share of weight samples in which candidate i takes rank r
  (an m x m matrix, each row and each column sums to 1);
* **central weights** ``w_i^c`` = mean weight vector over the samples in which i ranks first
  (undefined, None, when i never ranks first);
* **confidence factor** ``p_i^c`` = share of samples in which i ranks first when the weights are
  its central weights. The criterion values are fixed here (not sampled), so each confidence factor
  is 0 or 1: "i wins at its own typical weights" or not.

Weight sampling (``sample_weights``): criteria with weight 0 stay at 0 (nobody asked for them);
the k positive-weight criteria are drawn from ``Dirichlet(alpha = (k / spread^2) * w)`` where ``w``
are the chosen weights normalised to sum 1. Its mean is ``w``; each weight's standard deviation is
``sqrt(w_j (1 - w_j) / (k / spread^2 + 1))``, about ``spread * sqrt(w_j (1 - w_j) / k)``. With equal
chosen weights, ``spread = 1`` is exactly the uniform distribution on the simplex (classic SMAA
with no preference information); ``spread = 0`` is no sampling at all. ``uniform=True`` draws
``Dirichlet(1, ..., 1)`` on the positive-weight criteria whatever the chosen weights.

Each sample is scored by the ranking method on the same normalised matrix as the ranking
(:mod:`workbench.domain.scoring`): WSM ``S = W @ N.T``; TOPSIS via
``D+^2 = (W^2) @ ((R - R+)^2).T`` (the weighted ideal of a non-negative weight is ``w_j * R+_j``).
Within a sample, scores closer than the packing resolution count as tied and are broken by name,
as in :data:`scoring.TIE_BREAK_RULE`: ``2^-(30 - ceil(log2 m))`` up to 1,024 candidates (about 1e-6
for 1,000), ``2^-(62 - ceil(log2 m))`` beyond. Criterion values are not sampled (see confidence).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from pydantic import BaseModel, ConfigDict, Field

from workbench.domain import scoring, unknowns
from workbench.domain.checks import Check
from workbench.domain.decision_matrix import N_CAPABILITIES, DecisionMatrix
from workbench.domain.models import HardConstraints
from workbench.domain.ranking import Prepared, prepare
from workbench.domain.scoring import BoolArray, FloatArray, IntArray

DEFAULT_SAMPLES = 10_000
DEFAULT_SPREAD = 0.5
#: Draws of the unknown values per SMAA run (Latin hypercube; each sees n_samples / UNKNOWN_DRAWS weights).
UNKNOWN_DRAWS = 50
MAX_SPREAD = 3.0
#: The most weight samples one run draws (memory grows with samples x candidates x criteria). Counts arriving
#: from a snapshot, a link or a file are refused above it before anything is allocated (a bundle
#: asking for 10**7 samples took 2.9 GB); scenarios and the Trade-offs slider stop here too.
MAX_SAMPLES = 100_000
#: Cap on samples x candidates processed per block (bounds memory: ~16 bytes per element).
_BLOCK_ELEMENTS = 2_000_000


class SmaaError(ValueError):
    """Bad SMAA input (sample count, spread, seed)."""


def sampling_description(spread: float, uniform: bool) -> str:
    if uniform:
        return "Dirichlet(1, ..., 1) over the positive-weight criteria (uniform on the simplex)"
    if spread == 0:
        return "no sampling (spread 0): every sample equals the chosen weights"
    return (f"Dirichlet(alpha = (k / {spread:g}^2) * w) over the k positive-weight criteria; "
            "mean = chosen weights w, zero weights stay zero")


def sample_weights(weights: ArrayLike, n_samples: int = DEFAULT_SAMPLES, spread: float = DEFAULT_SPREAD,
                   seed: int = 0, *, uniform: bool = False) -> FloatArray:
    """``n_samples`` x n weight vectors on the simplex around ``weights`` (see module docstring).

    Same seed -> the same samples (numpy ``default_rng(seed)``, PCG64).
    """
    w = scoring.normalise_weights(weights)
    if not isinstance(n_samples, int | np.integer) or not 1 <= n_samples <= MAX_SAMPLES:
        raise SmaaError(f"n_samples must be an integer within 1..{MAX_SAMPLES:,}, got {n_samples!r:.40}")
    if not (isinstance(spread, int | float) and math.isfinite(spread) and 0 <= spread <= MAX_SPREAD):
        raise SmaaError(f"spread must be within 0..{MAX_SPREAD:g}, got {spread!r}")
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise SmaaError(f"seed must be a non-negative integer, got {seed!r}")
    active = np.flatnonzero(w > 0)
    k = active.size
    out = np.zeros((int(n_samples), w.size))
    if k == 1 or (spread == 0 and not uniform):
        out[:] = w
        return out
    rng = np.random.default_rng(int(seed))
    alpha = np.ones(k) if uniform else (k / spread**2) * w[active]
    out[:, active] = rng.dirichlet(alpha, size=int(n_samples))
    return out


@dataclass(frozen=True)
class Smaa2Arrays:
    rank_acceptability: FloatArray  #: m x m, [candidate, rank-1]
    central_weights: FloatArray  #: m x n, NaN rows where first-rank acceptability is 0
    confidence: FloatArray  #: m, NaN where central weights are undefined
    first_counts: IntArray  #: m


@dataclass(frozen=True)
class _Kernel:
    """Per-method precomputation; ``loss_keys`` gives ``(1 - score) * 2^score_bits`` per sample row."""

    method: str
    loss: FloatArray  #: WSM: (1 - N).T * scale (n x m); TOPSIS: R (unused)
    dp2: FloatArray | None
    dm2: FloatArray | None
    idx_bits: int
    score_bits: int
    dtype: type[np.signedinteger]

    def loss_keys(self, w: FloatArray) -> FloatArray:
        scale = float(2**self.score_bits)
        if self.dp2 is None or self.dm2 is None:
            # Rows of w sum to 1, so (1 - w.n) = w.(1 - n): one matmul gives the sort key.
            return w @ self.loss
        w2 = w * w
        d_plus = np.sqrt(w2 @ self.dp2.T)
        d_minus = np.sqrt(w2 @ self.dm2.T)
        denom = d_plus + d_minus
        c = np.where(denom > 0, d_minus / np.where(denom > 0, denom, 1.0), 1.0)
        c *= -scale
        c += scale
        return c

    def orders(self, w: FloatArray) -> IntArray:
        """Per sample row, candidate positions best first; ties (within 2^-score_bits) by position.

        Packs ``floor((1 - score) * 2^b)`` and the candidate position into one integer and sorts
        the integers (several times faster than argsort). Scores lie in [0, 1] for both methods, so
        the packed value fits; float noise just outside [0, 1] still sorts correctly.
        """
        q = self.loss_keys(w).astype(self.dtype)
        m = q.shape[1]
        q <<= self.idx_bits
        q |= np.arange(m, dtype=self.dtype)
        q.sort(axis=1)
        q &= (1 << self.idx_bits) - 1
        return q


def _kernel(method: str, x: FloatArray, benefit: BoolArray, inert: BoolArray | None,
            lo: FloatArray | None = None, hi: FloatArray | None = None) -> _Kernel:
    m = x.shape[0]
    idx_bits = max(1, (m - 1).bit_length())
    dtype: type[np.signedinteger]
    if idx_bits <= 10:
        dtype, score_bits = np.int32, 30 - idx_bits
    else:
        dtype, score_bits = np.int64, min(52, 62 - idx_bits)
    scale = float(2**score_bits)
    if method == "wsm":
        n = scoring.minmax_normalise(x, benefit, lo, hi)
        if inert is not None and inert.any():
            n[:, inert] = 0.0
        return _Kernel(method, np.ascontiguousarray(((1.0 - n) * scale).T), None, None, idx_bits, score_bits, dtype)
    if method == "topsis":
        norms = scoring.vector_norms(x)
        r = x / norms
        rmax = r.max(axis=0) if hi is None else hi / norms
        rmin = r.min(axis=0) if lo is None else lo / norms
        ideal = np.where(benefit, rmax, rmin)
        anti = np.where(benefit, rmin, rmax)
        return _Kernel(method, r, (r - ideal) ** 2, (r - anti) ** 2, idx_bits, score_bits, dtype)
    raise scoring.ScoringError(f"unknown method {method!r}; use one of {', '.join(scoring.METHODS)}")


def smaa2(x: FloatArray, benefit: BoolArray, weight_samples: FloatArray, *, method: str = "wsm",
          tiebreak: IntArray | None = None, inert: BoolArray | None = None,
          x_draws: FloatArray | None = None, lo: FloatArray | None = None,
          hi: FloatArray | None = None) -> Smaa2Arrays:
    """SMAA-2 over a complete (imputed) candidates x criteria matrix ``x`` (raw values).

    ``x`` is normalised as the ranking method does; ``tiebreak`` = :func:`scoring.name_order_key`.
    Processes samples in blocks; everything per block is vectorised over samples and candidates.

    Uncertain criterion values (SMAA-2 with stochastic criteria; Lahdelma & Salminen 2001):
    ``x_draws`` (K x m x n) are K draws of the matrix, e.g. measured capabilities drawn from their
    evidence posterior. Weight sample ``i`` is evaluated on draw ``i mod K`` (stratified pairing,
    so each draw sees N/K weight samples), and the confidence factor becomes the share of draws in
    which a candidate ranks first under its own central weights. ``lo`` / ``hi`` fix the normalisation
    reference (the envelope of the unknowns' ranges, as in the ranking) for every draw.
    """
    x = scoring.as_matrix(x, "x")
    m, n = x.shape
    w_all = np.asarray(weight_samples, dtype=np.float64)
    if w_all.ndim != 2 or w_all.shape[1] != n:
        raise SmaaError(f"weight samples must be N x {n}, got shape {w_all.shape}")
    if not np.isfinite(w_all).all() or (w_all < 0).any():
        raise SmaaError("weight samples must be finite and >= 0")
    sums = w_all.sum(axis=1, keepdims=True)
    if (sums <= 0).any():
        raise SmaaError("a weight sample has all weights zero")
    if not np.allclose(sums, 1.0, rtol=0, atol=1e-9):
        w_all = w_all / sums
    if m == 0:
        return Smaa2Arrays(np.zeros((0, 0)), np.zeros((0, n)), np.zeros(0), np.zeros(0, dtype=np.intp))
    if np.isnan(x).any():
        raise SmaaError("x has unknown values: give their ranges first (scoring.unknown_ranges)")
    tb = np.arange(m, dtype=np.intp) if tiebreak is None else np.asarray(tiebreak, dtype=np.intp)
    perm = np.argsort(tb, kind="stable")  # position p holds candidate perm[p] (name order)
    if x_draws is None:
        matrices = [x[perm]]
    else:
        draws = np.asarray(x_draws, dtype=np.float64)
        if draws.ndim != 3 or draws.shape[1:] != (m, n) or draws.shape[0] < 1:
            raise SmaaError(f"x_draws must be K x {m} x {n}, got shape {draws.shape}")
        if np.isnan(draws).any():
            raise SmaaError("x_draws has unknown values: fill them from x first")
        matrices = [d[perm] for d in draws]
    kernels = [_kernel(method, xk, benefit, inert, lo, hi) for xk in matrices]
    n_samples = w_all.shape[0]
    block = max(1, _BLOCK_ELEMENTS // m)
    counts = np.zeros(m * m, dtype=np.int64)
    first_counts = np.zeros(m, dtype=np.int64)
    cw_sum = np.zeros((m, n))
    rank_offsets = np.arange(m, dtype=np.int64)
    for k, kernel in enumerate(kernels):
        w_k = w_all[k::len(kernels)]
        for start in range(0, w_k.shape[0], block):
            w = w_k[start:start + block]
            order = kernel.orders(w)
            first = order[:, 0].astype(np.intp)
            first_counts += np.bincount(first, minlength=m)
            np.add.at(cw_sum, first, w)
            flat = order if m * m < 2**31 else order.astype(np.int64)
            flat *= m
            flat += rank_offsets.astype(flat.dtype)
            counts += np.bincount(flat.ravel(), minlength=m * m)
    ra_perm = counts.reshape(m, m) / n_samples
    with np.errstate(invalid="ignore", divide="ignore"):
        cw_perm = cw_sum / first_counts[:, None]
    cw_perm[first_counts == 0] = np.nan
    # Confidence factor: the share of value draws in which each candidate ranks first under its own
    # central weights (0 or 1 when the values are certain).
    has_cw = first_counts > 0
    conf_perm = np.full(m, np.nan)
    if has_cw.any():
        rows = np.flatnonzero(has_cw)
        wins = np.zeros(rows.size)
        for kernel in kernels:
            wins += kernel.orders(cw_perm[rows])[:, 0] == rows
        conf_perm[rows] = wins / len(kernels)
    inv = np.empty(m, dtype=np.intp)
    inv[perm] = np.arange(m, dtype=np.intp)
    return Smaa2Arrays(ra_perm[inv], cw_perm[inv], conf_perm[inv], first_counts[inv].astype(np.intp))


# --------------------------------------------------------------------------- high level


class SmaaCandidate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    rank_acceptability: list[float] = Field(description="share of samples at rank 1, 2, ..., m")
    first_rank: float
    expected_rank: float
    central_weights: dict[str, float] | None
    confidence: float | None


class SmaaResult(BaseModel):
    """SMAA-2 result; candidates ordered by first-rank acceptability, then expected rank, then name."""

    model_config = ConfigDict(extra="forbid")

    method: str
    n_samples: int
    seed: int
    spread: float
    uniform: bool
    sampling: str
    weights: dict[str, float]
    candidates: list[SmaaCandidate]
    excluded: list[str] = Field(description="candidates removed by hard constraints before sampling")
    value_draws: int = Field(default=0, description="draws of uncertain values (0 = values fixed)")
    unknowns_sampled: bool = Field(default=False, description="unknown values drawn from their ranges")
    unknown_cells: int = Field(default=0, description="unknown weighted cells of ranked candidates sampled")
    headline: str

    def rank_acceptability_matrix(self) -> list[list[float]]:
        return [c.rank_acceptability for c in self.candidates]


def headline(names: list[str], first_rank: list[float], unknowns_sampled: bool = False) -> str:
    """"X ranks first in NN% of plausible weightings [and unknown values]" for the most frequent winner."""
    if not names:
        return "No candidate meets the hard constraints, so there is nothing to sample."
    best = max(range(len(names)), key=lambda i: (first_rank[i], -i))
    pct = first_rank[best] * 100
    what = "plausible weightings and unknown values" if unknowns_sampled else "plausible weightings"
    text = f"{names[best]} ranks first in {pct:.0f}% of {what}"
    runners = sorted((i for i in range(len(names)) if i != best and first_rank[i] > 0),
                     key=lambda i: -first_rank[i])
    if runners:
        r = runners[0]
        text += f"; {names[r]} in {first_rank[r] * 100:.0f}%"
    return text + "."


def _r(x: float) -> float:
    v = round(float(x), 12)
    return 0.0 if v == 0 else v


def _value_draws(dm: DecisionMatrix, prep: Prepared, capability_draws: FloatArray | None, n_samples: int,
                 seed: int) -> tuple[FloatArray | None, bool, int]:
    """K draws of the ranked matrix: evidence draws of measured capabilities (tiled) and Latin-hypercube
    draws of the unknown weighted cells from their ranges; ``(draws or None, evidence used, unknown cells)``."""
    rg = prep.ranges
    sampled = rg.unknown & ((prep.weights > 0) & ~rg.inert)[None, :]
    n_unknown = int(sampled.sum())
    caps = None
    if capability_draws is not None:
        draws = np.asarray(capability_draws, dtype=np.float64)
        if draws.ndim != 3 or draws.shape[1] != dm.size or draws.shape[2] != N_CAPABILITIES:
            raise SmaaError(f"capability_draws must be K x {dm.size} x {N_CAPABILITIES}, got {draws.shape}")
        caps = draws[:, prep.index, :]
    x_draws = None
    if caps is not None or n_unknown:
        k = min(n_samples, max(UNKNOWN_DRAWS if n_unknown else 1, 0 if caps is None else caps.shape[0]))
        x_draws = np.repeat(rg.point[None, :, :], k, axis=0)
        if caps is not None:
            tiled = caps[np.arange(k) % caps.shape[0]]
            known = ~np.isnan(tiled)
            x_draws[:, :, :N_CAPABILITIES] = np.where(known, tiled, x_draws[:, :, :N_CAPABILITIES])
        if n_unknown:
            x_draws[:, sampled] = unknowns.draw_unknowns(rg.lower, rg.upper, sampled, k, seed)
    return x_draws, caps is not None, n_unknown


def run_smaa(dm: DecisionMatrix, weights: Mapping[str, float], constraints: HardConstraints, *,
             method: str = "wsm", n_samples: int = DEFAULT_SAMPLES, spread: float = DEFAULT_SPREAD,
             seed: int = 0, uniform: bool = False, extra_checks: Sequence[Check] = (),
             capability_draws: FloatArray | None = None) -> SmaaResult:
    """SMAA-2 for the same feasible candidates, unknown ranges and normalisation as ``rank_matrix``.

    Unknown values of weighted criteria are drawn from their ranges (:func:`unknowns.draw_unknowns`,
    :data:`UNKNOWN_DRAWS` Latin-hypercube draws paired with the weight samples), so the headline covers
    weights and unknowns together. ``capability_draws`` (K x all candidates of ``dm`` x 14 capability vectors, NaN = keep the matrix
    value) makes the capability values uncertain too: typically measured values drawn from their
    evidence posterior (``evidence.sample_capabilities``). See :func:`smaa2`.
    """
    if method not in scoring.METHODS:
        raise scoring.ScoringError(f"unknown method {method!r}; use one of {', '.join(scoring.METHODS)}")
    prep = prepare(dm, weights, constraints, extra_checks)
    samples = sample_weights(prep.weights, n_samples, spread, seed, uniform=uniform)
    rg = prep.ranges
    x_draws, caps_used, n_unknown = _value_draws(dm, prep, capability_draws, int(n_samples), seed)
    env = rg.any
    res = smaa2(rg.point, dm.benefit, samples, method=method, tiebreak=dm.name_key[prep.index], inert=rg.inert,
                x_draws=x_draws, lo=rg.env_lo if env else None, hi=rg.env_hi if env else None)
    names = [dm.names[int(i)] for i in prep.index]
    m = len(names)
    ranks = np.arange(1, m + 1)
    expected = res.rank_acceptability @ ranks if m else np.zeros(0)
    first = res.rank_acceptability[:, 0] if m else np.zeros(0)
    order = np.lexsort((dm.name_key[prep.index], expected, -first)) if m else np.zeros(0, dtype=np.intp)
    crit = list(dm.criteria)
    # Round whole arrays at once (a per-value Python round is most of the cost at 500 x 500);
    # "+ 0.0" turns -0.0 into 0.0 so equal results serialise identically.
    acceptability = (np.round(res.rank_acceptability, 12) + 0.0).tolist()
    first_r = (np.round(first, 12) + 0.0).tolist()
    expected_r = (np.round(expected, 12) + 0.0).tolist()
    central = np.round(res.central_weights, 12) + 0.0
    has_nan = np.asarray(np.isnan(res.central_weights).any(axis=1), dtype=bool)
    central_ok = [not bool(v) for v in has_nan] if m else []
    cands = []
    for i in order:
        cands.append(SmaaCandidate.model_construct(
            name=names[i],
            rank_acceptability=acceptability[i],
            first_rank=first_r[i],
            expected_rank=expected_r[i],
            central_weights=dict(zip(crit, central[i].tolist(), strict=True)) if central_ok[i] else None,
            confidence=None if np.isnan(res.confidence[i]) else float(res.confidence[i]),
        ))
    excluded = [dm.names[int(i)] for i in np.flatnonzero(~prep.evaluation.feasible)]
    return SmaaResult(
        method=method, n_samples=int(n_samples), seed=int(seed), spread=float(spread), uniform=uniform,
        sampling=sampling_description(spread, uniform) + (
            "; measured capabilities drawn from their evidence intervals" if caps_used else "") + (
            f"; {n_unknown} unknown value(s) drawn uniformly from their ranges (Latin hypercube)"
            if n_unknown else "") + (f" ({len(x_draws)} value draws)" if x_draws is not None else ""),
        value_draws=0 if x_draws is None else len(x_draws),
        unknowns_sampled=n_unknown > 0, unknown_cells=n_unknown,
        weights={c: _r(v) for c, v in zip(crit, prep.weights.tolist(), strict=True)},
        candidates=cands, excluded=sorted(excluded),
        headline=headline([c.name for c in cands], [c.first_rank for c in cands], n_unknown > 0),
    )
