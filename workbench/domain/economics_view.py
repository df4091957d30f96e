"""Store-free views over :mod:`workbench.domain.economics` for the Economics page and the ranking.

Pure numpy + pydantic: turns candidates and a workload into what the page shows (rows sorted by
cost per success, options with what-if effort-tier token multipliers, latency estimates, the
tokenizer-drift scenario, RAG monthly curves). Every formula lives in ``economics``; this module
only selects, reshapes and combines. Money is USD throughout.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from workbench.domain.economics import (
    COST_COMPONENTS,
    CandidateCosts,
    EconomicsInputError,
    FloatArray,
    RagComparison,
    cost_breakdown_for,
    cost_per_success_for,
    tokenizer_drift,
    tokenizer_multiplier,
)
from workbench.domain.models import Candidate, Workload


def cost_per_success_by_name(candidates: Sequence[Candidate], workload: Workload) -> dict[str, float | None]:
    """USD per successful outcome by candidate name; None where pricing is unknown (the ranking's
    cost criterion). Formula: :func:`workbench.domain.economics.cost_per_success`."""
    if not candidates:
        return {}
    values = cost_per_success_for(list(candidates), workload)
    return {c.name: (float(v) if math.isfinite(float(v)) else None) for c, v in zip(candidates, values, strict=True)}


def priced(candidates: Sequence[Candidate]) -> list[Candidate]:
    return [c for c in candidates if c.pricing is not None]


def unpriced_names(candidates: Sequence[Candidate]) -> list[str]:
    return [c.name for c in candidates if c.pricing is None]


def cost_rows(costs: CandidateCosts) -> list[dict[str, object]]:
    """Rows of the breakdown table for candidates with known pricing, cheapest per success first."""
    rows = [r for r in costs.rows() if r["pricing_known"]]
    return sorted(rows, key=lambda r: float(r["cost_per_success_usd"]))  # type: ignore[arg-type]


def component_keys() -> tuple[str, ...]:
    return COST_COMPONENTS


# --------------------------------------------------------------------------- effort tiers


def effort_domains(candidates: Sequence[Candidate]) -> list[str]:
    """Task domains that some candidate's effort tier reports a quality for (sorted)."""
    return sorted({d for c in candidates for t in c.effort_tiers for d in t.quality_by_domain})


def effort_tier_names(candidates: Sequence[Candidate]) -> list[str]:
    """Distinct effort-tier names in catalog order of first appearance."""
    return list(dict.fromkeys(t.name for c in candidates for t in c.effort_tiers))


def tiers_for_domain(candidates: Sequence[Candidate], domain: str) -> list[tuple[str, str, float]]:
    """(candidate, tier, token multiplier) for every priced candidate's tier with a quality for ``domain``."""
    return [
        (c.name, t.name, t.token_multiplier)
        for c in candidates
        if c.pricing is not None
        for t in c.effort_tiers
        if domain in t.quality_by_domain
    ]


def with_effort_multipliers(
    candidates: Sequence[Candidate], multipliers: Mapping[tuple[str, str], float]
) -> list[Candidate]:
    """Copies of the candidates with what-if token multipliers for (candidate, tier) pairs; the
    stored candidates are not changed. A multiplier must be > 0."""
    out: list[Candidate] = []
    for c in candidates:
        changes = {t.name: multipliers[(c.name, t.name)] for t in c.effort_tiers if (c.name, t.name) in multipliers}
        if not changes:
            out.append(c)
            continue
        for tier, value in changes.items():
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise EconomicsInputError(f"token multiplier of {c.name} · {tier} must be > 0, got {value!r}")
        tiers = [t.model_copy(update={"token_multiplier": float(changes.get(t.name, t.token_multiplier))})
                 for t in c.effort_tiers]
        out.append(c.model_copy(update={"effort_tiers": tiers}))
    return out


# --------------------------------------------------------------------------- latency


def estimated_latency_ms(candidate: Candidate, output_tokens: float) -> float | None:
    """Mean end-to-end latency of one call: ``TTFT p50 + output_tokens / decode tokens-per-second
    * 1000`` (ms); None when either figure is unknown (the catalog's latency fields)."""
    lat = candidate.latency
    if lat.ttft_p50_ms is None or lat.output_tokens_per_s is None:
        return None
    return float(lat.ttft_p50_ms + output_tokens / lat.output_tokens_per_s * 1000.0)


# --------------------------------------------------------------------------- tokenizer drift


@dataclass(frozen=True)
class DriftView:
    """Moving today's prompts to ``target``'s tokenizer (same text, same price tier)."""

    source: str
    target: str
    token_ratio: float
    token_change: float  #: ratio - 1
    tokens_before: float  #: input + output tokens per request counted with the source tokenizer
    tokens_after: float
    monthly_before_usd: float | None  #: target's token-priced USD/month at the source's token counts
    monthly_after_usd: float | None
    in_seed_range: bool  #: within seed 002's +10..35 %


def tokenizer_drift_view(
    source: Candidate,
    target: Candidate,
    workload: Workload,
    *,
    source_chars_per_token: float,
    target_chars_per_token: float,
) -> DriftView:
    """Token-count and cost effect of moving the workload from ``source`` to ``target``.

    ``ratio = cpt_source / cpt_target`` (:func:`tokenizer_drift`). The cost effect prices the
    workload on the target at the token counts you measure today (source tokenizer) and scales the
    token-priced part (all but human review) by the ratio: the budget error of reusing today's
    counts. Seed 002 "Unintentional Tokenizer Drift" (+10 % to +35 %); reference section 4.
    """
    ratio_arr = tokenizer_multiplier(target_chars_per_token, source_chars_per_token)  # cpt_s / cpt_t
    ratio = float(ratio_arr)
    tokens_before = float(workload.input_tokens + workload.output_tokens)
    before: float | None = None
    after: float | None = None
    in_range: bool
    if target.pricing is not None:
        as_source = target.model_copy(update={"chars_per_token": float(source_chars_per_token)})
        costs = cost_breakdown_for([as_source], workload)
        token_priced = float(costs.monthly["total_usd"][0] - costs.monthly["human_validation_usd"][0])
        drift = tokenizer_drift(source_chars_per_token, target_chars_per_token, token_priced)
        assert drift.cost_after_usd is not None
        before, after = token_priced, float(drift.cost_after_usd)
        in_range = bool(drift.in_seed_range)
    else:
        in_range = bool(tokenizer_drift(source_chars_per_token, target_chars_per_token).in_seed_range)
    return DriftView(source.name, target.name, ratio, ratio - 1.0, tokens_before, tokens_before * ratio,
                     before, after, in_range)


# --------------------------------------------------------------------------- RAG


def rag_monthly_curves(rag: RagComparison, volumes: Sequence[float] | FloatArray) -> tuple[FloatArray, FloatArray]:
    """Monthly USD of context stuffing (``stuffing * Q``) and RAG (``rag * Q + fixed + index /
    amortisation``) over query volumes Q, consistent with :func:`economics.rag_vs_stuffing`."""
    q = np.asarray(volumes, dtype=np.float64)
    if (q < 0).any() or np.isnan(q).any():
        raise EconomicsInputError("query volumes must be >= 0")
    amortised = rag.rag_monthly_usd - rag.rag_per_query_usd * rag.queries_per_month  # fixed + index / months
    return (np.asarray(rag.stuffing_per_query_usd * q, dtype=np.float64),
            np.asarray(rag.rag_per_query_usd * q + amortised, dtype=np.float64))
