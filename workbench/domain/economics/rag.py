"""Context stuffing vs RAG and the break-even query volume (seed 002 "Context-Fit and Retrieval
Economics")."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from workbench.domain.economics._validate import (
    MTOK,
    ArrayLike,
    EconomicsInputError,
    FloatArray,
    _nonneg,
    _optional_price,
    _positive,
    _probability,
)
from workbench.domain.money import usd_per_month, usd_per_request

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


def _queries(n: int) -> str:
    return f"{n:,} query" if n == 1 else f"{n:,} queries"


def _pays_back(n_star: float) -> str:
    """"pays for itself after 1,234 queries"; below one query: "pays for itself with the first query"."""
    if n_star <= 1.0:
        return "pays for itself with the first query"
    return f"pays for itself after {_queries(math.ceil(n_star))}"


def _monthly_volume(q_star: float) -> str:
    """Break-even monthly volume in words: a break-even below one query per month (e.g. 0.0003) means
    RAG is cheaper at any volume, not "above 1 queries per month"."""
    if q_star < 1.0:
        return f"at any volume (its break-even is {q_star:.2g} queries per month, below one query)"
    return f"above {_queries(math.ceil(q_star))} per month"


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
            f"Stuffing costs {usd_per_request(stuff)} per query and RAG {usd_per_request(rag)}; the one-off "
            f"index ({usd_per_month(idx)}) {_pays_back(n_star)}, and with {usd_per_month(fixed)}/month fixed "
            f"cost RAG is cheaper {_monthly_volume(q_star)}."
        )
    else:
        n_star = q_star = math.inf
        text = (f"RAG ({usd_per_request(rag)} per query) is not cheaper than stuffing ({usd_per_request(stuff)}) "
                "per query: no break-even volume.")
    return RagComparison(
        stuffing_per_query_usd=stuff, rag_per_query_usd=rag, index_chunks=float(chunks), index_cost_usd=idx,
        monthly_fixed_usd=fixed, break_even_queries=n_star, break_even_queries_per_month=q_star,
        queries_per_month=qpm, stuffing_monthly_usd=stuff * qpm, rag_monthly_usd=rag * qpm + fixed + idx / months,
        explanation=text,
        notes=["Seed 002's RAG figure ($0.000413 for 2,560 tokens) does not follow from its own $0.005/1K "
               "price (that gives $0.0128); this workbench computes the figure from the prices."],
    )
