"""Cost per call (LiteLLM's cost formula, reference section 1) and cost per successful outcome
(seed 002 "Evaluation and Observability Guidance"), with monthly totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.domain.economics._validate import (
    MTOK,
    ArrayLike,
    BoolArray,
    EconomicsInputError,
    FloatArray,
    _nonneg,
    _optional_price,
    _positive,
    _probability,
    _success_rate,
)

# =========================================================================== cost per call


@dataclass(frozen=True)
class CallCost:
    """Cost of one model call (USD per call) by component, with the billed token counts."""

    uncached_input_usd: FloatArray
    cached_input_usd: FloatArray
    output_usd: FloatArray
    reasoning_usd: FloatArray
    input_tokens: FloatArray  #: billed prompt tokens (after the tokenizer multiplier)
    output_tokens: FloatArray  #: billed visible output tokens
    reasoning_tokens: FloatArray  #: billed reasoning tokens
    long_context: BoolArray  #: a long-context price tier applied

    @property
    def total_usd(self) -> FloatArray:
        return np.asarray(
            self.uncached_input_usd + self.cached_input_usd + self.output_usd + self.reasoning_usd,
            dtype=np.float64,
        )


def _select_tier(
    prompt_tokens: FloatArray,
    base: FloatArray,
    thresholds: FloatArray,
    tier_prices: FloatArray,
) -> tuple[FloatArray, BoolArray]:
    """Price of the highest tier whose threshold the prompt exceeds; NaN tier price -> base."""
    shape = np.broadcast_shapes(prompt_tokens.shape, thresholds.shape[:-1], base.shape)
    thr = np.broadcast_to(thresholds, (*shape, thresholds.shape[-1]))
    prices = np.broadcast_to(tier_prices, thr.shape)
    applies = np.broadcast_to(prompt_tokens, shape)[..., None] > thr  # inf padding never applies
    ranked = np.where(applies, thr, -np.inf)
    idx = np.argmax(ranked, axis=-1)[..., None]
    chosen = np.take_along_axis(prices, idx, axis=-1)[..., 0]
    has = applies.any(axis=-1)
    base_b = np.broadcast_to(base, shape)
    out = np.where(has & ~np.isnan(chosen), chosen, base_b)
    return np.asarray(out, dtype=np.float64), np.asarray(has)


def cost_per_call(
    input_tokens: ArrayLike,
    output_tokens: ArrayLike,
    *,
    input_per_mtok: ArrayLike | None,
    output_per_mtok: ArrayLike | None,
    cached_input_per_mtok: ArrayLike | None = None,
    reasoning_per_mtok: ArrayLike | None = None,
    cached_share: ArrayLike = 0.0,
    reasoning_tokens: ArrayLike = 0.0,
    effort_multiplier: ArrayLike = 1.0,
    tokenizer_mult: ArrayLike = 1.0,
    tier_thresholds: ArrayLike | None = None,
    tier_input_per_mtok: ArrayLike | None = None,
    tier_output_per_mtok: ArrayLike | None = None,
    tier_cached_input_per_mtok: ArrayLike | None = None,
    allow_unknown_prices: bool = False,
) -> CallCost:
    """Cost of one call in USD, by component (reference section 1, LiteLLM's cost formula).

    ``c = n_in*(1-s)*P_in + n_in*s*P_cached + n_out*P_out + n_reason*P_reason`` with prices in
    USD per 1M tokens (divided by 1e6), where

    * ``n_in = input_tokens * tokenizer_mult`` and ``s`` is the cached share of the prompt;
    * generated tokens are ``output_tokens * effort_multiplier * tokenizer_mult`` (the effort
      tier's token multiplier, seed 002 "The Cost-Quality Crossover"): up to ``output_tokens``
      of them are the visible answer, the rest are reasoning tokens, plus any explicit
      ``reasoning_tokens``;
    * a missing cached price means no discount (``P_cached = P_in``); a missing reasoning price
      means reasoning is billed as output (LiteLLM: ``output_cost_per_reasoning_token`` is in
      only 72 entries);
    * long-context tiers (LiteLLM ``*_above_<N>k_tokens``): when ``n_in`` exceeds a tier's
      threshold the whole request uses that tier's prices; a tier without an output price keeps
      the base output price, a tier without a cached price gets no cache discount. Tier arrays
      have a trailing axis of tiers, padded with ``inf`` thresholds.

    ``allow_unknown_prices`` lets NaN base prices through (the result is then NaN): used when a
    candidate has no pricing; direct callers get a ValueError for a missing price.
    """
    n_in = _nonneg("input_tokens", input_tokens)
    n_visible = _nonneg("output_tokens", output_tokens)
    share = _probability("cached_share", cached_share)
    extra_reason = _nonneg("reasoning_tokens", reasoning_tokens)
    effort = _positive("effort_multiplier", effort_multiplier)
    tok = _positive("tokenizer_multiplier", tokenizer_mult)
    p_in = _nonneg("input_per_mtok", input_per_mtok, allow_nan=allow_unknown_prices)
    p_out = _nonneg("output_per_mtok", output_per_mtok, allow_nan=allow_unknown_prices)
    p_cached = _optional_price("cached_input_per_mtok", cached_input_per_mtok, p_in)

    billed_in = np.asarray(n_in * tok, dtype=np.float64)
    generated = n_visible * effort * tok
    billed_out = np.minimum(generated, n_visible * tok)
    billed_reason = np.asarray(generated - billed_out + extra_reason * tok, dtype=np.float64)

    long_context: BoolArray = np.zeros(np.broadcast_shapes(billed_in.shape, p_in.shape), dtype=bool)
    if tier_thresholds is not None:
        try:
            thr = np.asarray(tier_thresholds, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise EconomicsInputError(f"tier_thresholds must be numeric, got {tier_thresholds!r}") from exc
        if np.isnan(thr).any() or (thr <= 0).any():
            raise EconomicsInputError("tier_thresholds must be > 0 (use inf to pad)")
        if thr.ndim == 0:
            thr = thr[None]
        t_in = _nonneg("tier_input_per_mtok", tier_input_per_mtok, allow_nan=True)
        t_out = (
            np.full(thr.shape, np.nan)
            if tier_output_per_mtok is None
            else _nonneg("tier_output_per_mtok", tier_output_per_mtok, allow_nan=True)
        )
        t_cached = (
            np.full(thr.shape, np.nan)
            if tier_cached_input_per_mtok is None
            else _nonneg("tier_cached_input_per_mtok", tier_cached_input_per_mtok, allow_nan=True)
        )
        t_in, t_out, t_cached = (np.broadcast_to(a, thr.shape) for a in (t_in, t_out, t_cached))
        new_in, long_context = _select_tier(billed_in, p_in, thr, t_in)
        new_out, _ = _select_tier(billed_in, p_out, thr, t_out)
        # cached price in a tier: the tier's cached price, else no discount (tier input price).
        tier_cached_or_input = np.where(np.isnan(t_cached), t_in, t_cached)
        new_cached, _ = _select_tier(billed_in, p_cached, thr, tier_cached_or_input)
        p_in, p_out, p_cached = new_in, new_out, new_cached

    # reasoning without its own price is billed as (possibly tiered) output
    p_reason = _optional_price("reasoning_per_mtok", reasoning_per_mtok, p_out)

    uncached = billed_in * (1.0 - share) * p_in / MTOK
    cached = billed_in * share * p_cached / MTOK
    out = billed_out * p_out / MTOK
    reason = billed_reason * p_reason / MTOK
    shape = np.broadcast_shapes(uncached.shape, cached.shape, out.shape, reason.shape)

    def _b(a: Any) -> FloatArray:
        return np.asarray(np.broadcast_to(a, shape), dtype=np.float64)

    return CallCost(
        uncached_input_usd=_b(uncached),
        cached_input_usd=_b(cached),
        output_usd=_b(out),
        reasoning_usd=_b(reason),
        input_tokens=_b(billed_in),
        output_tokens=_b(billed_out),
        reasoning_tokens=_b(billed_reason),
        long_context=np.asarray(np.broadcast_to(long_context, shape)),
    )


# =========================================================================== cost per success

#: Component names of a cost-per-success breakdown, in display (stacking) order.
COST_COMPONENTS: tuple[str, ...] = ("prefill", "caching", "generation", "reasoning", "retries", "human_validation")
COST_COMPONENT_LABELS: dict[str, str] = {
    "prefill": "Prefill (uncached input)",
    "caching": "Cached input",
    "generation": "Generation (output)",
    "reasoning": "Reasoning tokens",
    "retries": "Retries",
    "human_validation": "Human validation",
}


@dataclass(frozen=True)
class SuccessCost:
    """Cost per successful outcome (USD per success) by component, and per-request figures."""

    components_usd: dict[str, FloatArray]  #: USD per successful outcome, keys = COST_COMPONENTS
    cost_per_call_usd: FloatArray  #: USD for one attempt
    cost_per_request_usd: FloatArray  #: USD per request: expected attempts + human review
    expected_attempts: FloatArray
    success_probability: FloatArray  #: P(a valid output within the allowed retries)

    @property
    def total_usd(self) -> FloatArray:
        return np.asarray(sum(self.components_usd[k] for k in COST_COMPONENTS), dtype=np.float64)


def cost_per_success(
    call: CallCost,
    *,
    valid_output_rate: ArrayLike,
    max_retries: ArrayLike = 0,
    human_review_cost_usd: ArrayLike = 0.0,
    human_review_rate: ArrayLike = 0.0,
) -> SuccessCost:
    """Cost per successful outcome with its breakdown (seed 002, "Evaluation and Observability
    Guidance": "prefill, generation, caching, retries, and human validation — divided by the rate
    of valid outputs"; reference section 1: ``CPS = E[C_attempt] / p_success``).

    With valid-output rate ``p`` per attempt and up to ``r`` retries:

    * ``P(success) = 1 - (1-p)^(r+1)``; ``E[attempts] = (1 - (1-p)^(r+1)) / p``;
    * ``cost per request = E[attempts]*c + h_rate*h_cost`` (human review of a share of requests);
    * ``cost per success = cost per request / P(success)``.

    The model part equals ``c / p`` for any ``r`` (``E[attempts]/P(success) = 1/p``): retries buy
    success probability, not a lower cost per success. The first attempt is split into prefill /
    caching / generation / reasoning; the further attempts are the "retries" component.
    """
    p = _success_rate("valid_output_rate", valid_output_rate, allow_nan=True)
    retries = _nonneg("max_retries", max_retries)
    h_cost = _nonneg("human_review_cost_usd", human_review_cost_usd)
    h_rate = _probability("human_review_rate", human_review_rate)
    c = call.total_usd
    fail_all = (1.0 - p) ** (retries + 1.0)
    p_success = 1.0 - fail_all
    attempts = p_success / p
    per_request = attempts * c + h_rate * h_cost
    parts = {
        "prefill": call.uncached_input_usd / p_success,
        "caching": call.cached_input_usd / p_success,
        "generation": call.output_usd / p_success,
        "reasoning": call.reasoning_usd / p_success,
        "retries": (attempts - 1.0) * c / p_success,
        "human_validation": h_rate * h_cost / p_success,
    }
    shape = np.broadcast_shapes(*(v.shape for v in parts.values()), per_request.shape)
    comps = {k: np.asarray(np.broadcast_to(v, shape), dtype=np.float64) for k, v in parts.items()}
    return SuccessCost(
        components_usd=comps,
        cost_per_call_usd=np.asarray(np.broadcast_to(c, shape), dtype=np.float64),
        cost_per_request_usd=np.asarray(np.broadcast_to(per_request, shape), dtype=np.float64),
        expected_attempts=np.asarray(np.broadcast_to(attempts, shape), dtype=np.float64),
        success_probability=np.asarray(np.broadcast_to(p_success, shape), dtype=np.float64),
    )


def monthly_totals(success: SuccessCost, requests_per_month: ArrayLike) -> dict[str, FloatArray]:
    """Monthly figures: ``total_usd = requests * cost_per_request``; ``successful_outcomes =
    requests * P(success)``; each component in USD per month = component per success x successes
    (so the components add up to ``total_usd``). Keys: ``requests``, ``successful_outcomes``,
    ``total_usd``, and ``<component>_usd`` for each of COST_COMPONENTS."""
    n = _nonneg("requests_per_month", requests_per_month)
    successes = n * success.success_probability
    out: dict[str, FloatArray] = {
        "requests": np.asarray(np.broadcast_to(n, successes.shape), dtype=np.float64),
        "successful_outcomes": np.asarray(successes, dtype=np.float64),
        "total_usd": np.asarray(n * success.cost_per_request_usd, dtype=np.float64),
    }
    for key in COST_COMPONENTS:
        out[f"{key}_usd"] = np.asarray(success.components_usd[key] * successes, dtype=np.float64)
    return out
