"""Costs of a workload on catalog candidates: price tables, tokenizer and effort multipliers, and
the cost-per-success breakdown used by the ranking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.domain.economics._validate import (
    DEFAULT_REFERENCE_CHARS_PER_TOKEN,
    ArrayLike,
    BoolArray,
    FloatArray,
    _success_rate,
)
from workbench.domain.economics.cost import (
    COST_COMPONENTS,
    CallCost,
    SuccessCost,
    cost_per_call,
    cost_per_success,
    monthly_totals,
)
from workbench.domain.economics.tokenizer import tokenizer_multiplier
from workbench.domain.models import Candidate, Workload

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
