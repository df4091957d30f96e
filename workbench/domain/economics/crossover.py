"""Cost-quality crossover across candidates and effort tiers (seed 002 "The Cost-Quality
Crossover")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.domain.economics._validate import (
    DEFAULT_REFERENCE_CHARS_PER_TOKEN,
    ArrayLike,
    BoolArray,
    EconomicsInputError,
    FloatArray,
    _array,
    _nonneg,
    _probability,
)
from workbench.domain.economics.candidates import candidate_tokenizer_multipliers, price_table
from workbench.domain.economics.cost import cost_per_call, cost_per_success
from workbench.domain.models import Candidate, Workload
from workbench.domain.money import usd_per_success

# =========================================================================== crossover


@dataclass(frozen=True)
class Options:
    """Candidate x effort-tier options for one task domain."""

    labels: list[str]
    candidates: list[str]
    tiers: list[str]
    quality: FloatArray  #: pass rate in [0, 1] for the domain
    cost_per_call_usd: FloatArray
    cost_per_success_usd: FloatArray


def effort_options(
    candidates: Sequence[Candidate],
    workload: Workload,
    domain: str,
    *,
    reference_chars_per_token: float = DEFAULT_REFERENCE_CHARS_PER_TOKEN,
) -> Options:
    """Every (candidate, effort tier) that has a quality for ``domain`` and known pricing, with
    its cost per success.

    The tier's quality is the per-attempt success rate: ``cost per success = cost per request /
    P(success)`` (:func:`cost_per_success`, seed 002 "The Cost-Quality Crossover": GPT-5.5 Pro
    AIME 69.3 / 79.3 / 91.7 % at low / medium / high). The tier's token multiplier scales the
    generated tokens.
    """
    pairs = [
        (i, t.name, t.token_multiplier, t.quality_by_domain[domain])
        for i, c in enumerate(candidates)
        if c.pricing is not None
        for t in c.effort_tiers
        if domain in t.quality_by_domain
    ]
    if not pairs:
        empty = np.zeros(0)
        return Options([], [], [], empty, empty, empty)
    idx = np.array([p[0] for p in pairs])
    effort = np.array([p[2] for p in pairs], dtype=np.float64)
    quality = np.array([p[3] for p in pairs], dtype=np.float64)
    prices = price_table(candidates)
    tok, _ = candidate_tokenizer_multipliers(candidates, reference_chars_per_token)
    call = cost_per_call(
        np.full(len(pairs), float(workload.input_tokens)),
        np.full(len(pairs), float(workload.output_tokens)),
        input_per_mtok=prices.input_per_mtok[idx],
        output_per_mtok=prices.output_per_mtok[idx],
        cached_input_per_mtok=prices.cached_input_per_mtok[idx],
        reasoning_per_mtok=prices.reasoning_per_mtok[idx],
        cached_share=workload.cached_share,
        effort_multiplier=effort,
        tokenizer_mult=tok[idx],
        tier_thresholds=prices.tier_thresholds[idx],
        tier_input_per_mtok=prices.tier_input_per_mtok[idx],
        tier_output_per_mtok=prices.tier_output_per_mtok[idx],
        tier_cached_input_per_mtok=prices.tier_cached_input_per_mtok[idx],
    )
    # quality 0 means no success at all: cost per success is unbounded (inf), not an error here.
    safe_q = np.where(quality > 0, quality, np.nan)
    success = cost_per_success(
        call, valid_output_rate=safe_q, max_retries=workload.max_retries,
        human_review_cost_usd=workload.human_review_cost_usd, human_review_rate=workload.human_review_rate,
    )
    cps = np.where(quality > 0, success.total_usd, np.inf)
    names = [candidates[p[0]].name for p in pairs]
    return Options(
        labels=[f"{n} · {p[1]}" for n, p in zip(names, pairs, strict=True)],
        candidates=names, tiers=[p[1] for p in pairs], quality=quality,
        cost_per_call_usd=call.total_usd, cost_per_success_usd=cps,
    )


@dataclass(frozen=True)
class QualitySegment:
    """Over required quality in (q_from, q_to], ``label`` is the cheapest option per success."""

    q_from: float
    q_to: float
    index: int
    label: str
    cost_per_success_usd: float


@dataclass(frozen=True)
class QualityCrossover:
    """Point where the cheapest option per success changes as the required quality rises."""

    at_quality: float  #: above this required quality ...
    from_index: int
    to_index: int
    from_label: str
    to_label: str
    from_cost_usd: float
    to_cost_usd: float
    explanation: str


@dataclass(frozen=True)
class CrossoverResult:
    segments: list[QualitySegment]
    crossovers: list[QualityCrossover]
    frontier: BoolArray  #: options on the (quality up, cost per success down) Pareto frontier
    max_quality: float  #: above this no option qualifies


def _pct(q: float) -> str:
    return f"{100 * q:.1f}%"


def required_quality_crossover(
    labels: Sequence[str], cost_per_success_usd: ArrayLike, quality: ArrayLike
) -> CrossoverResult:
    """Cheapest option per success as a function of the required quality, with the exact
    crossover points (not a grid).

    For a required quality ``q*`` the feasible options are those with ``quality >= q*``; the
    choice is ``argmin cost_per_success`` over them. It can change only at an option's quality,
    so with options sorted by quality the answer on ``(q_(j-1), q_j]`` is a suffix minimum
    (``np.minimum.accumulate`` on the reversed order). Reference section 1: "A beats B iff
    c_A/p_A < c_B/p_B"; seed 002 "The Cost-Quality Crossover". Options with NaN cost or quality
    are ignored; the chosen options are exactly the Pareto frontier.
    """
    raw = _array("cost_per_success_usd", np.where(np.isinf(np.asarray(cost_per_success_usd, dtype=np.float64)),
                                                   np.nan, np.asarray(cost_per_success_usd, dtype=np.float64)),
                 allow_nan=True)
    cost = _nonneg("cost_per_success_usd", raw, allow_nan=True)  # inf (quality 0) is ignored like NaN
    q = _probability("quality", quality, allow_nan=True)
    if len(labels) != cost.size or cost.size != q.size:
        raise EconomicsInputError("labels, cost_per_success_usd and quality must have the same length")
    valid = ~np.isnan(cost) & ~np.isnan(q) & (q > 0)
    frontier = np.zeros(cost.size, dtype=bool)
    if not valid.any():
        return CrossoverResult([], [], frontier, 0.0)
    vidx = np.flatnonzero(valid)
    # sort by quality ascending, ties by cost ascending
    order = vidx[np.lexsort((cost[vidx], q[vidx]))]
    qs, cs = q[order], cost[order]
    # suffix argmin of cost: walk from the highest quality down; the choice changes only where a
    # strictly lower cost appears (exact ties keep the higher-quality option).
    rev_c = cs[::-1]
    prev_min = np.concatenate(([np.inf], np.minimum.accumulate(rev_c)[:-1]))
    best_rev = np.maximum.accumulate(np.where(rev_c < prev_min, np.arange(rev_c.size), 0))
    suffix_best = order[::-1][best_rev][::-1]  # option chosen when required quality <= qs[j]
    # distinct quality levels: segment for (prev_level, level]
    levels, first = np.unique(qs, return_index=True)
    chosen = suffix_best[first]
    segments: list[QualitySegment] = []
    lo = 0.0
    for level, opt in zip(levels.tolist(), chosen.tolist(), strict=True):
        if segments and segments[-1].index == opt:
            s = segments[-1]
            segments[-1] = QualitySegment(s.q_from, level, s.index, s.label, s.cost_per_success_usd)
        else:
            segments.append(QualitySegment(lo, level, opt, labels[opt], float(cost[opt])))
        lo = level
    frontier[[s.index for s in segments]] = True
    crossovers: list[QualityCrossover] = []
    for prev, nxt in zip(segments, segments[1:], strict=False):
        text = (
            f"Above {_pct(prev.q_to)} required quality, {nxt.label} is the cheapest per success "
            f"({usd_per_success(nxt.cost_per_success_usd)}); {prev.label} "
            f"({usd_per_success(prev.cost_per_success_usd)} per success) reaches only {_pct(prev.q_to)}."
        )
        crossovers.append(QualityCrossover(prev.q_to, prev.index, nxt.index, prev.label, nxt.label,
                                           prev.cost_per_success_usd, nxt.cost_per_success_usd, text))
    return CrossoverResult(segments, crossovers, frontier, float(levels[-1]))


def failure_cost_crossover(
    cost_a_usd: ArrayLike, quality_a: ArrayLike, cost_b_usd: ArrayLike, quality_b: ArrayLike
) -> FloatArray:
    """Downstream cost of a failure (USD) at which options A and B cost the same per request.

    ``E[total] = c + (1 - p) * C_fail`` (reference section 1); equal when
    ``C_fail* = (c_A - c_B) / (p_A - p_B)``. Above ``C_fail*`` the higher-quality option is
    cheaper overall. NaN where the qualities are equal (no crossover); a negative value means
    the higher-quality option is cheaper even at zero failure cost.
    """
    ca, cb = _nonneg("cost_a_usd", cost_a_usd), _nonneg("cost_b_usd", cost_b_usd)
    pa, pb = _probability("quality_a", quality_a), _probability("quality_b", quality_b)
    dq = pa - pb
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(dq != 0, (ca - cb) / np.where(dq != 0, dq, 1.0), np.nan)
    return np.asarray(out, dtype=np.float64)
