"""Economics of model selection: cost per call, cost per successful outcome, crossovers,
cascades and routers, RAG vs context stuffing, speculative decoding and tokenizer drift.

Pure numpy + pydantic (no Streamlit, no database). Every public function is vectorised over
numpy arrays (one element per candidate, option or scenario) and validates its inputs: a
negative or missing price, a probability outside [0, 1] or a zero success rate raises
:class:`EconomicsInputError` (a ``ValueError``) that names the offending input.

Units
-----
* Prices are **USD per 1,000,000 tokens** (``*_per_mtok``), the unit of
  :class:`workbench.domain.models.Pricing` (LiteLLM stores USD per token; x 1e6).
* Every monetary output is **USD** — per call, per request (a request may make several calls
  when it retries), per successful outcome, or per month, as each name says (``*_usd``).
* Token counts are tokens of the *reference tokenizer* (``reference_chars_per_token``,
  default 4.0 characters per token); a candidate's own tokenizer scales them by
  ``reference_chars_per_token / candidate.chars_per_token``.
* Rates and qualities are fractions in [0, 1], never percentages.

Sources
-------
Seed 002 ("The Cost-Quality Crossover", "Context-Fit and Retrieval Economics", "Cascade
Optimization and Routing Economics", "Speculative Decoding as a Latency Optimization",
"Routing Economics Framework", anti-patterns "The Speculative Concurrency Trap" and
"Unintentional Tokenizer Drift"), and ``reference/economics-and-evidence.md`` sections 1, 2
and 4 (LiteLLM cost formula, cost per success, cascade/router formulas, RouteLLM numbers,
tokenizer drift measurements).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.domain.models import Candidate, Workload

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ArrayLike = float | int | Sequence[float] | Sequence[int] | npt.NDArray[Any]

#: One million: prices are per 1M tokens.
MTOK = 1_000_000.0
#: Reference tokenizer compression (characters per token) that workload token counts are
#: stated in: OpenAI's rule of thumb "one token is about 4 characters of English text".
DEFAULT_REFERENCE_CHARS_PER_TOKEN = 4.0
#: Hours in an average month (365 * 24 / 12).
HOURS_PER_MONTH = 730.0
#: Seed 002, "The Speculative Concurrency Trap": batch size above 16 without verifying that
#: the GPU is still memory-bound.
CONCURRENCY_TRAP_BATCH = 16
#: Seed 002, "Unintentional Tokenizer Drift": +10 % to +35 % tokens for the same text.
TOKENIZER_DRIFT_SEED_RANGE: tuple[float, float] = (1.10, 1.35)


class EconomicsInputError(ValueError):
    """Bad input to an economics formula; the message names the input."""


# =========================================================================== validation


def _array(name: str, value: ArrayLike | None, *, allow_nan: bool = False) -> FloatArray:
    if value is None:
        raise EconomicsInputError(f"{name} is missing")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise EconomicsInputError(f"{name} must be numeric, got {value!r}") from exc
    if np.isinf(arr).any():
        raise EconomicsInputError(f"{name} must be finite, got {value!r}")
    if not allow_nan and np.isnan(arr).any():
        raise EconomicsInputError(f"{name} is missing (NaN)")
    return arr


def _nonneg(name: str, value: ArrayLike | None, *, allow_nan: bool = False) -> FloatArray:
    arr = _array(name, value, allow_nan=allow_nan)
    bad = arr < 0  # NaN compares False
    if bad.any():
        raise EconomicsInputError(f"{name} must be >= 0, got {float(arr[bad].flat[0])}")
    return arr


def _positive(name: str, value: ArrayLike | None) -> FloatArray:
    arr = _array(name, value)
    if (arr <= 0).any():
        raise EconomicsInputError(f"{name} must be > 0, got {float(arr[arr <= 0].flat[0])}")
    return arr


def _probability(name: str, value: ArrayLike | None, *, allow_nan: bool = False) -> FloatArray:
    arr = _array(name, value, allow_nan=allow_nan)
    bad = (arr < 0) | (arr > 1)
    if bad.any():
        raise EconomicsInputError(f"{name} must be a probability within [0, 1], got {float(arr[bad].flat[0])}")
    return arr


def _success_rate(name: str, value: ArrayLike | None, *, allow_nan: bool = False) -> FloatArray:
    arr = _probability(name, value, allow_nan=allow_nan)
    if (arr == 0).any():
        raise EconomicsInputError(
            f"{name} must be > 0: with no successful outcomes the cost per success is unbounded"
        )
    return arr


def _optional_price(name: str, value: ArrayLike | None, fallback: FloatArray) -> FloatArray:
    """A missing optional price (None or NaN) falls back (reference: 'a missing cache-read price
    means no discount')."""
    if value is None:
        return fallback
    arr = _nonneg(name, value, allow_nan=True)
    return np.where(np.isnan(arr), fallback, arr)


# =========================================================================== formatting


def format_usd(x: float | None, digits: int) -> str:
    """Format an amount in USD with exactly ``digits`` decimals and thousands separators.

    ``format_usd(2, 2) == "$2.00"``, ``format_usd(-0.0128, 4) == "-$0.0128"``,
    ``format_usd(1234.5, 2) == "$1,234.50"``; None/NaN give ``"unknown"``, infinity ``"unbounded"``.
    """
    if not isinstance(digits, int) or isinstance(digits, bool) or digits < 0:
        raise EconomicsInputError(f"digits must be a non-negative integer, got {digits!r}")
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "unknown"
    value = float(x)
    if math.isnan(value):
        return "unknown"
    if math.isinf(value):
        return "unbounded" if value > 0 else "-unbounded"
    text = f"{abs(value):,.{digits}f}"
    negative = value < 0 and float(text.replace(",", "")) != 0.0
    return f"{'-' if negative else ''}${text}"


# =========================================================================== tokenizer


def tokenizer_multiplier(
    chars_per_token: ArrayLike, reference_chars_per_token: float = DEFAULT_REFERENCE_CHARS_PER_TOKEN
) -> FloatArray:
    """Token-count multiplier of a tokenizer relative to the reference tokenizer.

    ``m = reference_chars_per_token / chars_per_token``: the same text of L characters is
    L / cpt tokens, so a tokenizer that packs fewer characters per token bills more tokens.
    Source: reference section 4 ("characters per token: English 4.33 -> 3.60" gives 1.20x,
    "TypeScript 3.66 -> 2.69" gives 1.36x), seed 002 "Unintentional Tokenizer Drift".
    """
    cpt = _positive("chars_per_token", chars_per_token)
    ref = _positive("reference_chars_per_token", reference_chars_per_token)
    return np.asarray(ref / cpt, dtype=np.float64)


@dataclass(frozen=True)
class TokenizerDrift:
    """Effect of switching tokenizer: ratio of token counts, and of token-priced cost."""

    token_ratio: FloatArray
    token_change: FloatArray  #: ratio - 1 (0.20 = +20 % tokens)
    cost_before_usd: FloatArray | None
    cost_after_usd: FloatArray | None
    cost_change_usd: FloatArray | None
    in_seed_range: BoolArray  #: within seed 002's +10..35 %


def tokenizer_drift(
    from_chars_per_token: ArrayLike, to_chars_per_token: ArrayLike, cost_before_usd: ArrayLike | None = None
) -> TokenizerDrift:
    """Token-count and cost change when the same text moves to another tokenizer.

    ``ratio = cpt_from / cpt_to``; under the same pricing tier every token-priced cost scales by
    the ratio: ``cost_after = cost_before * ratio``. Seed 002 "Unintentional Tokenizer Drift":
    "+10 % to 35 % nominal token costs"; reference section 4: Claude 4.6 -> 4.7 English prose
    4.33 -> 3.60 chars/token = 1.20x, TypeScript 3.66 -> 2.69 = 1.36x.
    """
    before = _positive("from_chars_per_token", from_chars_per_token)
    after = _positive("to_chars_per_token", to_chars_per_token)
    ratio = np.asarray(before / after, dtype=np.float64)
    lo, hi = TOKENIZER_DRIFT_SEED_RANGE
    in_range = np.asarray((ratio >= lo - 1e-12) & (ratio <= hi + 1e-12))
    if cost_before_usd is None:
        return TokenizerDrift(ratio, ratio - 1.0, None, None, None, in_range)
    cost = _nonneg("cost_before_usd", cost_before_usd)
    cost_after = np.asarray(cost * ratio, dtype=np.float64)
    return TokenizerDrift(ratio, ratio - 1.0, cost, cost_after, cost_after - cost, in_range)


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


# =========================================================================== candidates


@dataclass(frozen=True)
class PriceTable:
    """Prices of n candidates as arrays (USD per 1M tokens; NaN = unknown), tiers padded with inf."""

    input_per_mtok: FloatArray
    output_per_mtok: FloatArray
    cached_input_per_mtok: FloatArray
    reasoning_per_mtok: FloatArray
    tier_thresholds: FloatArray  #: (n, k)
    tier_input_per_mtok: FloatArray
    tier_output_per_mtok: FloatArray
    tier_cached_input_per_mtok: FloatArray
    known: BoolArray


def price_table(candidates: Sequence[Candidate]) -> PriceTable:
    """Gather the candidates' :class:`Pricing` into arrays (one pass to read the models; all the
    arithmetic afterwards is vectorised)."""
    n = len(candidates)
    k = max([len(c.pricing.tiers) for c in candidates if c.pricing] + [1])
    nan = np.nan

    def f(v: float | None) -> float:
        return nan if v is None else float(v)

    base = np.array(
        [
            [f(c.pricing.input_per_mtok), f(c.pricing.output_per_mtok), f(c.pricing.cached_input_per_mtok),
             f(c.pricing.reasoning_per_mtok)] if c.pricing else [nan] * 4
            for c in candidates
        ],
        dtype=np.float64,
    ).reshape(n, 4)
    tiers = np.full((n, k, 4), nan)
    tiers[:, :, 0] = np.inf
    for i, c in enumerate(candidates):
        if c.pricing:
            for j, t in enumerate(sorted(c.pricing.tiers, key=lambda t: t.above_input_tokens)):
                tiers[i, j] = (t.above_input_tokens, t.input_per_mtok, f(t.output_per_mtok),
                               f(t.cached_input_per_mtok))
    return PriceTable(
        input_per_mtok=base[:, 0], output_per_mtok=base[:, 1], cached_input_per_mtok=base[:, 2],
        reasoning_per_mtok=base[:, 3], tier_thresholds=tiers[:, :, 0], tier_input_per_mtok=tiers[:, :, 1],
        tier_output_per_mtok=tiers[:, :, 2], tier_cached_input_per_mtok=tiers[:, :, 3],
        known=np.array([c.pricing is not None for c in candidates], dtype=bool),
    )


def candidate_tokenizer_multipliers(
    candidates: Sequence[Candidate], reference_chars_per_token: float = DEFAULT_REFERENCE_CHARS_PER_TOKEN
) -> tuple[FloatArray, BoolArray]:
    """Tokenizer multiplier per candidate (``reference / chars_per_token``); 1.0 where the
    candidate's chars_per_token is unknown (second array: known)."""
    cpt = np.array([c.chars_per_token or np.nan for c in candidates], dtype=np.float64)
    known = ~np.isnan(cpt)
    mult = np.ones_like(cpt)
    if known.any():
        mult[known] = tokenizer_multiplier(cpt[known], reference_chars_per_token)
    return mult, known


def candidate_effort_multipliers(
    candidates: Sequence[Candidate], tier_name: str | None
) -> tuple[FloatArray, BoolArray]:
    """Token multiplier of the named effort tier per candidate; 1.0 where absent (second array:
    found)."""
    values = [
        next((t.token_multiplier for t in c.effort_tiers if t.name == tier_name), np.nan) if tier_name else np.nan
        for c in candidates
    ]
    arr = np.array(values, dtype=np.float64)
    found = ~np.isnan(arr)
    return np.where(found, arr, 1.0), found


@dataclass(frozen=True)
class CandidateCosts:
    """Costs of a workload on each candidate (USD; NaN where pricing is unknown)."""

    names: list[str]
    call: CallCost
    success: SuccessCost
    monthly: dict[str, FloatArray]
    pricing_known: BoolArray
    tokenizer_multiplier: FloatArray
    tokenizer_known: BoolArray
    effort_multiplier: FloatArray
    effort_tier_found: BoolArray

    @property
    def cost_per_success_usd(self) -> FloatArray:
        return self.success.total_usd

    def rows(self) -> list[dict[str, object]]:
        """One dict per candidate: the breakdown table (USD per successful outcome per component,
        totals, monthly USD and flags). NaN stays NaN (unknown)."""
        rows: list[dict[str, object]] = []
        comps = self.success.components_usd
        for i, name in enumerate(self.names):
            row: dict[str, object] = {"candidate": name}
            for key in COST_COMPONENTS:
                row[f"{key}_usd"] = float(comps[key][i])
            row["cost_per_success_usd"] = float(self.success.total_usd[i])
            row["cost_per_call_usd"] = float(self.call.total_usd[i])
            row["cost_per_request_usd"] = float(self.success.cost_per_request_usd[i])
            row["success_probability"] = float(self.success.success_probability[i])
            row["monthly_total_usd"] = float(self.monthly["total_usd"][i])
            row["billed_input_tokens"] = float(self.call.input_tokens[i])
            row["billed_output_tokens"] = float(self.call.output_tokens[i])
            row["billed_reasoning_tokens"] = float(self.call.reasoning_tokens[i])
            row["long_context_tier"] = bool(self.call.long_context[i])
            row["tokenizer_multiplier"] = float(self.tokenizer_multiplier[i])
            row["tokenizer_known"] = bool(self.tokenizer_known[i])
            row["effort_multiplier"] = float(self.effort_multiplier[i])
            row["effort_tier_found"] = bool(self.effort_tier_found[i])
            row["pricing_known"] = bool(self.pricing_known[i])
            rows.append(row)
        return rows


def cost_breakdown_for(
    candidates: Sequence[Candidate],
    workload: Workload,
    *,
    valid_output_rate: ArrayLike | None = None,
    reference_chars_per_token: float = DEFAULT_REFERENCE_CHARS_PER_TOKEN,
) -> CandidateCosts:
    """Cost per successful outcome of ``workload`` on every candidate, with the breakdown.

    Applies :func:`cost_per_call` (prices, cached share, effort tier ``workload.effort_tier``,
    long-context tiers, tokenizer multiplier) then :func:`cost_per_success` (retries
    ``workload.max_retries``, human review) and :func:`monthly_totals`. ``valid_output_rate``
    overrides ``workload.valid_output_rate`` per candidate (e.g. measured pass rates; NaN = use
    the workload's). Candidates without pricing give NaN.
    """
    n = len(candidates)
    prices = price_table(candidates)
    tok, tok_known = candidate_tokenizer_multipliers(candidates, reference_chars_per_token)
    effort, effort_found = candidate_effort_multipliers(candidates, workload.effort_tier)
    rate = np.full(n, workload.valid_output_rate)
    if valid_output_rate is not None:
        override = _success_rate("valid_output_rate", np.broadcast_to(valid_output_rate, (n,)), allow_nan=True)
        rate = np.where(np.isnan(override), rate, override)
    call = cost_per_call(
        np.full(n, float(workload.input_tokens)),
        np.full(n, float(workload.output_tokens)),
        input_per_mtok=prices.input_per_mtok,
        output_per_mtok=prices.output_per_mtok,
        cached_input_per_mtok=prices.cached_input_per_mtok,
        reasoning_per_mtok=prices.reasoning_per_mtok,
        cached_share=workload.cached_share,
        effort_multiplier=effort,
        tokenizer_mult=tok,
        tier_thresholds=prices.tier_thresholds,
        tier_input_per_mtok=prices.tier_input_per_mtok,
        tier_output_per_mtok=prices.tier_output_per_mtok,
        tier_cached_input_per_mtok=prices.tier_cached_input_per_mtok,
        allow_unknown_prices=True,
    )
    success = cost_per_success(
        call,
        valid_output_rate=rate,
        max_retries=workload.max_retries,
        human_review_cost_usd=workload.human_review_cost_usd,
        human_review_rate=workload.human_review_rate,
    )
    monthly = monthly_totals(success, workload.requests_per_month)
    return CandidateCosts(
        names=[c.name for c in candidates], call=call, success=success, monthly=monthly,
        pricing_known=prices.known, tokenizer_multiplier=tok, tokenizer_known=tok_known,
        effort_multiplier=effort, effort_tier_found=effort_found,
    )


def cost_per_success_for(
    candidates: list[Candidate],
    workload: Workload,
    *,
    valid_output_rate: ArrayLike | None = None,
    reference_chars_per_token: float = DEFAULT_REFERENCE_CHARS_PER_TOKEN,
) -> FloatArray:
    """USD per successful outcome for each candidate (NaN where pricing is unknown); the cost
    criterion of the ranking. See :func:`cost_breakdown_for` for the breakdown."""
    return cost_breakdown_for(
        candidates, workload, valid_output_rate=valid_output_rate, reference_chars_per_token=reference_chars_per_token
    ).cost_per_success_usd


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
            f"({format_usd(nxt.cost_per_success_usd, 4)}); {prev.label} "
            f"({format_usd(prev.cost_per_success_usd, 4)} per success) reaches only {_pct(prev.q_to)}."
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
            f"Self-hosting ({format_usd(replica, 2)} per replica-month) never beats the API at "
            f"{format_usd(a, 6)} per request: a full replica costs more than its capacity on the API."
        )
    else:
        text = (
            f"Above {be:,.0f} requests per month, self-hosting ({format_usd(replica, 2)} per "
            f"replica-month) is cheaper than the API at {format_usd(a, 6)} per request."
        )
        if reversals.size:
            text += f" Adding a replica at {reversals[0]:,.0f} requests per month makes the API cheaper again until the next crossing."
    return VolumeComparison(v, np.asarray(api, dtype=np.float64), np.asarray(self_host, dtype=np.float64),
                            replicas, replica, be, crossings, reversals, text)


# =========================================================================== cascade and router


def cascade_expected_cost(
    cheap_cost: ArrayLike, premium_cost: ArrayLike, escalation_rate: ArrayLike, judge_cost: ArrayLike = 0.0
) -> FloatArray:
    """Expected cost of a two-model cascade (seed 002 "Cascade Routing Math"; reference section 1).

    ``E[C] = C_L + C_J + P(s_L < tau) * C_H``: the cheap model (and a judge/scorer, if any) is
    always paid; the premium model only on escalation. Any consistent cost unit (USD per call,
    USD per 1M tokens) works.
    """
    cl, ch = _nonneg("cheap_cost", cheap_cost), _nonneg("premium_cost", premium_cost)
    cj = _nonneg("judge_cost", judge_cost)
    p = _probability("escalation_rate", escalation_rate)
    return np.asarray(cl + cj + p * ch, dtype=np.float64)


def cascade_expected_quality(
    escalation_rate: ArrayLike, cheap_quality_accepted: ArrayLike, premium_quality_escalated: ArrayLike
) -> FloatArray:
    """``E[Q] = P(s_L >= tau) * Q_L(s_L >= tau) + P(s_L < tau) * Q_H(s_L < tau)`` (seed 002
    "Cascade Routing Math")."""
    p = _probability("escalation_rate", escalation_rate)
    ql = _probability("cheap_quality_accepted", cheap_quality_accepted)
    qh = _probability("premium_quality_escalated", premium_quality_escalated)
    return np.asarray((1.0 - p) * ql + p * qh, dtype=np.float64)


def cascade_break_even_rate(cheap_cost: ArrayLike, premium_cost: ArrayLike, judge_cost: ArrayLike = 0.0) -> FloatArray:
    """Escalation rate below which the cascade is cheaper than premium-direct.

    ``r* = 1 - (C_L + C_J) / C_H`` (reference section 1). ``r* <= 0`` means the cascade never
    pays off (the cheap stage alone costs as much as premium-direct).
    """
    cl, cj = _nonneg("cheap_cost", cheap_cost), _nonneg("judge_cost", judge_cost)
    ch = _positive("premium_cost", premium_cost)
    return np.asarray(1.0 - (cl + cj) / ch, dtype=np.float64)


def router_expected_cost(
    cheap_cost: ArrayLike, premium_cost: ArrayLike, strong_share: ArrayLike, router_cost: ArrayLike = 0.0
) -> FloatArray:
    """Expected cost of a pre-generation router (reference section 1, RouteLLM).

    ``E[C] = C_R + f * C_H + (1 - f) * C_L``: each query pays the router and *either* the cheap or
    the premium model, unlike a cascade, which always pays the cheap model first.
    """
    cl, ch = _nonneg("cheap_cost", cheap_cost), _nonneg("premium_cost", premium_cost)
    cr = _nonneg("router_cost", router_cost)
    f = _probability("strong_share", strong_share)
    return np.asarray(cr + f * ch + (1.0 - f) * cl, dtype=np.float64)


def router_break_even_share(cheap_cost: ArrayLike, premium_cost: ArrayLike, router_cost: ArrayLike = 0.0) -> FloatArray:
    """Strong-model share below which the router is cheaper than premium-direct:
    ``f* = (C_H - C_R - C_L) / (C_H - C_L)`` (from ``C_R + f*C_H + (1-f)*C_L = C_H``)."""
    cl, cr = _nonneg("cheap_cost", cheap_cost), _nonneg("router_cost", router_cost)
    ch = _positive("premium_cost", premium_cost)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(ch > cl, (ch - cr - cl) / np.where(ch > cl, ch - cl, 1.0), -np.inf)
    return np.asarray(out, dtype=np.float64)


def savings_ratio(premium_cost: ArrayLike, expected_cost: ArrayLike) -> FloatArray:
    """Cost-saving ratio against premium-direct: ``C_H / E[C]`` (RouteLLM's "3.66x")."""
    ch = _nonneg("premium_cost", premium_cost)
    ec = _positive("expected_cost", expected_cost)
    return np.asarray(ch / ec, dtype=np.float64)


@dataclass(frozen=True)
class ThresholdSweep:
    """Cascade cost and quality over the threshold tau (escalate when confidence < tau)."""

    tau: FloatArray
    escalation_rate: FloatArray
    expected_cost: FloatArray  #: in the unit of cheap_cost / premium_cost
    expected_quality: FloatArray
    cost_per_success: FloatArray
    premium_direct_cost: float
    premium_direct_quality: float
    n_items: int


def cascade_threshold_sweep(
    confidence: ArrayLike,
    cheap_correct: ArrayLike,
    *,
    cheap_cost: float,
    premium_cost: float,
    premium_quality: float | None = None,
    premium_correct: ArrayLike | None = None,
    judge_cost: float = 0.0,
) -> ThresholdSweep:
    """Exact cascade curve over tau from per-item calibration data (seed 002 "Cascade Routing
    Math": escalate when ``s_L < tau``).

    The curve is a step function that changes only at observed scores, so tau runs over every
    distinct score plus one value above the maximum (escalate everything). With items sorted by
    score and ``e(tau)`` escalated items (``searchsorted``):

    * ``P(esc) = e / N``; ``E[C] = C_L + C_J + P(esc) * C_H``;
    * ``E[Q] = (sum of cheap correctness over accepted + sum of premium correctness over
      escalated) / N``, premium correctness per item if given, else the scalar ``premium_quality``.
    """
    s = _array("confidence", confidence)
    ok = _probability("cheap_correct", cheap_correct)
    if s.ndim != 1 or s.size == 0:
        raise EconomicsInputError("confidence must be a non-empty 1-D array")
    if ok.shape != s.shape:
        raise EconomicsInputError("cheap_correct must have one value per confidence score")
    if premium_correct is not None:
        qh_items = _probability("premium_correct", premium_correct)
        if qh_items.shape != s.shape:
            raise EconomicsInputError("premium_correct must have one value per confidence score")
    elif premium_quality is not None:
        qh_items = np.full(s.shape, float(_probability("premium_quality", premium_quality)))
    else:
        raise EconomicsInputError("premium_quality (or per-item premium_correct) is missing")
    order = np.argsort(s, kind="stable")
    s_sorted = s[order]
    uniq = np.unique(s_sorted)
    tau = np.concatenate([uniq, [np.nextafter(uniq[-1], np.inf)]])
    escalated = np.searchsorted(s_sorted, tau, side="left")
    n = s.size
    prefix_l = np.concatenate([[0.0], np.cumsum(ok[order])])
    prefix_h = np.concatenate([[0.0], np.cumsum(qh_items[order])])
    quality = (prefix_l[-1] - prefix_l[escalated] + prefix_h[escalated]) / n
    rate = escalated / n
    cost = cascade_expected_cost(cheap_cost, premium_cost, rate, judge_cost)
    with np.errstate(divide="ignore"):
        cps = np.where(quality > 0, cost / np.where(quality > 0, quality, 1.0), np.inf)
    return ThresholdSweep(
        tau=tau, escalation_rate=np.asarray(rate, dtype=np.float64), expected_cost=cost,
        expected_quality=np.asarray(quality, dtype=np.float64), cost_per_success=np.asarray(cps, dtype=np.float64),
        premium_direct_cost=float(premium_cost), premium_direct_quality=float(prefix_h[-1] / n), n_items=n,
    )


@dataclass(frozen=True)
class BestThreshold:
    index: int
    tau: float
    escalation_rate: float
    expected_cost: float
    expected_quality: float
    cheaper_than_premium: bool
    explanation: str


def best_threshold(sweep: ThresholdSweep, target_quality: float) -> BestThreshold | None:
    """Cheapest tau whose expected quality reaches ``target_quality`` (ties: higher quality);
    None when no tau reaches it."""
    target = float(_probability("target_quality", target_quality))
    meets = sweep.expected_quality >= target - 1e-12
    if not meets.any():
        return None
    idx = np.flatnonzero(meets)
    best = int(idx[np.lexsort((-sweep.expected_quality[idx], sweep.expected_cost[idx]))[0]])
    cost = float(sweep.expected_cost[best])
    cheaper = cost < sweep.premium_direct_cost
    text = (
        f"tau = {sweep.tau[best]:.4g} escalates {_pct(float(sweep.escalation_rate[best]))} of items and reaches "
        f"{_pct(float(sweep.expected_quality[best]))} (target {_pct(target)}) at expected cost {cost:.4g} vs "
        f"premium-direct {sweep.premium_direct_cost:.4g}: "
        + ("the cascade is cheaper." if cheaper else "premium-direct is cheaper.")
    )
    return BestThreshold(best, float(sweep.tau[best]), float(sweep.escalation_rate[best]), cost,
                         float(sweep.expected_quality[best]), cheaper, text)


# --------------------------------------------------------------------------- routing comparison

ROUTING_STRATEGIES: tuple[str, ...] = ("direct_premium", "cascade", "diagnostic_router", "human_escalation")
ROUTING_LABELS: dict[str, str] = {
    "direct_premium": "Direct route (premium)",
    "cascade": "Model cascade",
    "diagnostic_router": "Diagnostic router",
    "human_escalation": "Human escalation",
    "speculative": "Speculative decoding (premium)",
}


@dataclass(frozen=True)
class RoutingComparison:
    strategies: list[str]
    cost_per_request_usd: FloatArray
    quality: FloatArray
    cost_per_success_usd: FloatArray
    latency_ms: FloatArray
    savings_vs_premium: FloatArray  #: premium cost per success / strategy cost per success

    def rows(self) -> list[dict[str, object]]:
        return [
            {
                "strategy": s, "label": ROUTING_LABELS[s],
                "cost_per_request_usd": float(self.cost_per_request_usd[i]), "quality": float(self.quality[i]),
                "cost_per_success_usd": float(self.cost_per_success_usd[i]), "latency_ms": float(self.latency_ms[i]),
                "savings_vs_premium": float(self.savings_vs_premium[i]),
            }
            for i, s in enumerate(self.strategies)
        ]


def routing_comparison(
    *,
    cheap_cost_usd: float,
    cheap_quality: float,
    cheap_latency_ms: float,
    premium_cost_usd: float,
    premium_quality: float,
    premium_latency_ms: float,
    escalation_rate: float,
    cheap_quality_accepted: float | None = None,
    router_cost_usd: float = 0.0,
    router_latency_ms: float = 0.0,
    router_strong_share: float = 0.5,
    routing_accuracy: float = 1.0,
    human_cost_usd: float = 0.0,
    human_quality: float = 1.0,
    human_latency_ms: float = 0.0,
    human_share: float = 0.0,
    speculative_speedup: float | None = None,
) -> RoutingComparison:
    """Seed 002 "Routing Economics Framework" as numbers: cost per request, quality, cost per
    success (= cost / quality) and mean latency of each routing protocol.

    * Direct premium: ``C_H``, ``Q_H``, ``T_H``.
    * Cascade: ``C_L + p*C_H``; ``(1-p)*Q_L|accepted + p*Q_H`` (``Q_L|accepted`` defaults to
      ``Q_L``, i.e. escalation uninformative); latency ``T_L + p*T_H`` (sequential stages).
    * Diagnostic router (pre-generation): ``C_R + f*C_H + (1-f)*C_L``; quality
      ``a*Q_H + (1-a)*Q_L`` with routing accuracy ``a`` (a correctly routed query gets the answer
      quality it needs; a misrouted one is assumed to get the cheap model's quality — a
      conservative approximation); latency ``T_R + f*T_H + (1-f)*T_L``.
    * Human escalation: premium model, share ``h`` escalated to a person:
      ``C_H + h*C_human``; ``(1-h)*Q_H + h*Q_human``; ``T_H + h*T_human``.
    * Speculative decoding (optional, self-hosted premium): premium cost and quality (the target
      distribution is unchanged), latency ``T_H / speed-up``.
    """
    cl = float(_nonneg("cheap_cost_usd", cheap_cost_usd))
    ch = float(_nonneg("premium_cost_usd", premium_cost_usd))
    ql = float(_probability("cheap_quality", cheap_quality))
    qh = float(_probability("premium_quality", premium_quality))
    qla = ql if cheap_quality_accepted is None else float(_probability("cheap_quality_accepted", cheap_quality_accepted))
    tl = float(_nonneg("cheap_latency_ms", cheap_latency_ms))
    th = float(_nonneg("premium_latency_ms", premium_latency_ms))
    p = float(_probability("escalation_rate", escalation_rate))
    cr = float(_nonneg("router_cost_usd", router_cost_usd))
    tr = float(_nonneg("router_latency_ms", router_latency_ms))
    f = float(_probability("router_strong_share", router_strong_share))
    acc = float(_probability("routing_accuracy", routing_accuracy))
    chum = float(_nonneg("human_cost_usd", human_cost_usd))
    qhum = float(_probability("human_quality", human_quality))
    thum = float(_nonneg("human_latency_ms", human_latency_ms))
    h = float(_probability("human_share", human_share))
    strategies = list(ROUTING_STRATEGIES)
    cost = [ch, cl + p * ch, cr + f * ch + (1 - f) * cl, ch + h * chum]
    quality = [qh, (1 - p) * qla + p * qh, acc * qh + (1 - acc) * ql, (1 - h) * qh + h * qhum]
    latency = [th, tl + p * th, tr + f * th + (1 - f) * tl, th + h * thum]
    if speculative_speedup is not None:
        sp = float(_positive("speculative_speedup", speculative_speedup))
        strategies.append("speculative")
        cost.append(ch)
        quality.append(qh)
        latency.append(th / sp)
    c, q = np.array(cost, dtype=np.float64), np.array(quality, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        cps = np.where(q > 0, c / np.where(q > 0, q, 1.0), np.inf)
        savings = np.where(cps > 0, cps[0] / np.where(cps > 0, cps, 1.0), np.inf)
    return RoutingComparison(strategies, c, q, np.asarray(cps, dtype=np.float64),
                             np.array(latency, dtype=np.float64), np.asarray(savings, dtype=np.float64))


# =========================================================================== RAG vs stuffing


def stuffing_cost_per_query(
    corpus_tokens: ArrayLike,
    input_per_mtok: ArrayLike,
    *,
    question_tokens: ArrayLike = 0.0,
    output_tokens: ArrayLike = 0.0,
    output_per_mtok: ArrayLike = 0.0,
    cached_share: ArrayLike = 0.0,
    cached_input_per_mtok: ArrayLike | None = None,
) -> FloatArray:
    """USD per query when the whole corpus goes into the prompt.

    Seed 002 "Context Stuffing versus RAG": ``Cost_stuffing = (C_corpus / 1000) * P_input`` with
    P per 1K tokens; here P is per 1M (``$0.005/1K = $5/M``): 400,000 tokens -> $2.00 per query.
    Extended with the question and output tokens and an optional cached share of the corpus
    (prompt caching; missing cached price = no discount).
    """
    corpus = _nonneg("corpus_tokens", corpus_tokens)
    p_in = _nonneg("input_per_mtok", input_per_mtok)
    q = _nonneg("question_tokens", question_tokens)
    out = _nonneg("output_tokens", output_tokens)
    p_out = _nonneg("output_per_mtok", output_per_mtok)
    share = _probability("cached_share", cached_share)
    p_cached = _optional_price("cached_input_per_mtok", cached_input_per_mtok, p_in)
    cost = (corpus * (1 - share) * p_in + corpus * share * p_cached + q * p_in + out * p_out) / MTOK
    return np.asarray(cost, dtype=np.float64)


def rag_cost_per_query(
    top_k: ArrayLike,
    chunk_tokens: ArrayLike,
    input_per_mtok: ArrayLike,
    *,
    question_tokens: ArrayLike = 0.0,
    output_tokens: ArrayLike = 0.0,
    output_per_mtok: ArrayLike = 0.0,
    embed_per_mtok: ArrayLike = 0.0,
    search_cost_per_query_usd: ArrayLike = 0.0,
) -> FloatArray:
    """USD per RAG query: ``Cost_RAG = C_embed + C_search + C_generation`` (seed 002).

    ``C_embed = question_tokens * P_embed``; ``C_search`` per query;
    ``C_generation = (top_k * chunk_tokens + question_tokens) * P_in + output_tokens * P_out``.

    The seed's example retrieves 5 x 512 = 2,560 tokens and states "approximately $0.000413",
    but at the seed's own price ($0.005 per 1K) those tokens cost 2,560 / 1000 x 0.005 =
    **$0.0128**; $0.000413 would imply about $0.00016 per 1K. This function computes the figure
    from the price instead of copying the seed's number.
    """
    k = _nonneg("top_k", top_k)
    chunk = _nonneg("chunk_tokens", chunk_tokens)
    p_in = _nonneg("input_per_mtok", input_per_mtok)
    q = _nonneg("question_tokens", question_tokens)
    out = _nonneg("output_tokens", output_tokens)
    p_out = _nonneg("output_per_mtok", output_per_mtok)
    p_emb = _nonneg("embed_per_mtok", embed_per_mtok)
    search = _nonneg("search_cost_per_query_usd", search_cost_per_query_usd)
    generation = ((k * chunk + q) * p_in + out * p_out) / MTOK
    return np.asarray(q * p_emb / MTOK + search + generation, dtype=np.float64)


def rag_index_cost(
    corpus_tokens: ArrayLike, chunk_tokens: ArrayLike, embed_per_mtok: ArrayLike, *, overlap_tokens: ArrayLike = 0.0
) -> tuple[FloatArray, FloatArray]:
    """One-off cost of embedding the corpus: ``chunks = ceil((corpus - overlap) / (chunk - overlap))``
    (sliding window with overlap), ``cost = chunks * chunk_tokens * P_embed`` (USD). Returns
    (chunks, cost)."""
    corpus = _nonneg("corpus_tokens", corpus_tokens)
    chunk = _positive("chunk_tokens", chunk_tokens)
    overlap = _nonneg("overlap_tokens", overlap_tokens)
    if (overlap >= chunk).any():
        raise EconomicsInputError("overlap_tokens must be smaller than chunk_tokens")
    p_emb = _nonneg("embed_per_mtok", embed_per_mtok)
    chunks = np.where(corpus > 0, np.ceil(np.maximum(corpus - overlap, 1.0) / (chunk - overlap)), 0.0)
    return np.asarray(chunks, dtype=np.float64), np.asarray(chunks * chunk * p_emb / MTOK, dtype=np.float64)


@dataclass(frozen=True)
class RagComparison:
    stuffing_per_query_usd: float
    rag_per_query_usd: float
    index_chunks: float
    index_cost_usd: float  #: one-off
    monthly_fixed_usd: float  #: vector store etc.
    break_even_queries: float  #: total queries after which RAG (incl. one-off index) is cheaper
    break_even_queries_per_month: float  #: monthly volume above which RAG is cheaper (index amortised)
    queries_per_month: float
    stuffing_monthly_usd: float
    rag_monthly_usd: float
    explanation: str
    notes: list[str] = field(default_factory=list)


def rag_vs_stuffing(
    *,
    corpus_tokens: float,
    input_per_mtok: float,
    top_k: float,
    chunk_tokens: float,
    question_tokens: float = 0.0,
    output_tokens: float = 0.0,
    output_per_mtok: float = 0.0,
    embed_per_mtok: float = 0.0,
    search_cost_per_query_usd: float = 0.0,
    overlap_tokens: float = 0.0,
    monthly_fixed_usd: float = 0.0,
    amortisation_months: float = 12.0,
    queries_per_month: float = 0.0,
    cached_share: float = 0.0,
    cached_input_per_mtok: float | None = None,
) -> RagComparison:
    """Per-query cost of context stuffing vs RAG and the break-even query volume (seed 002,
    "Context-Fit and Retrieval Economics": "RAG pipelines are economically justified when the cost
    of corpus indexing and vector searching amortizes below the per-query expense of context
    stuffing").

    ``N* = index_cost / (stuffing - rag)`` total queries (one-off index only);
    per month: ``Q* = (monthly_fixed + index_cost / amortisation_months) / (stuffing - rag)``.
    ``inf`` when RAG is not cheaper per query.
    """
    stuff = float(stuffing_cost_per_query(corpus_tokens, input_per_mtok, question_tokens=question_tokens,
                                          output_tokens=output_tokens, output_per_mtok=output_per_mtok,
                                          cached_share=cached_share, cached_input_per_mtok=cached_input_per_mtok))
    rag = float(rag_cost_per_query(top_k, chunk_tokens, input_per_mtok, question_tokens=question_tokens,
                                   output_tokens=output_tokens, output_per_mtok=output_per_mtok,
                                   embed_per_mtok=embed_per_mtok, search_cost_per_query_usd=search_cost_per_query_usd))
    chunks, index = rag_index_cost(corpus_tokens, chunk_tokens, embed_per_mtok, overlap_tokens=overlap_tokens)
    fixed = float(_nonneg("monthly_fixed_usd", monthly_fixed_usd))
    months = float(_positive("amortisation_months", amortisation_months))
    qpm = float(_nonneg("queries_per_month", queries_per_month))
    saving = stuff - rag
    idx = float(index)
    if saving > 0:
        n_star = idx / saving
        q_star = (fixed + idx / months) / saving
        text = (
            f"Stuffing costs {format_usd(stuff, 4)} per query and RAG {format_usd(rag, 6)}; the one-off "
            f"index ({format_usd(idx, 2)}) pays for itself after {math.ceil(n_star):,} queries, and with "
            f"{format_usd(fixed, 2)}/month fixed cost RAG is cheaper above {math.ceil(q_star):,} queries per month."
        )
    else:
        n_star = q_star = math.inf
        text = (f"RAG ({format_usd(rag, 6)} per query) is not cheaper than stuffing ({format_usd(stuff, 6)}) "
                "per query: no break-even volume.")
    return RagComparison(
        stuffing_per_query_usd=stuff, rag_per_query_usd=rag, index_chunks=float(chunks), index_cost_usd=idx,
        monthly_fixed_usd=fixed, break_even_queries=n_star, break_even_queries_per_month=q_star,
        queries_per_month=qpm, stuffing_monthly_usd=stuff * qpm, rag_monthly_usd=rag * qpm + fixed + idx / months,
        explanation=text,
        notes=["Seed 002's RAG figure ($0.000413 for 2,560 tokens) does not follow from its own $0.005/1K "
               "price (that gives $0.0128); this workbench computes the figure from the prices."],
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
