"""Economics page: RAG vs context stuffing."""

from __future__ import annotations

import math
from collections.abc import Sequence

import streamlit as st

from workbench.charts.economics_view import rag_chart
from workbench.domain import economics as econ
from workbench.domain import economics_view as view
from workbench.domain.economics import EconomicsInputError
from workbench.domain.models import Candidate
from workbench.domain.money import usd_per_month, usd_per_request
from workbench.ui.economics.common import (
    SOURCE_SEED,
    show_econ_error,
)
from workbench.ui.presenter import show_chart
from workbench.ui.text import md

# =========================================================================== RAG vs stuffing

RAG_NOTE = (
    "Seed 002's RAG example does not follow from its own price: 5 × 512 = 2,560 tokens at $0.005 per 1K cost "
    "2,560 / 1,000 × 0.005 = **$0.0128**, while its “$0.000413” implies about $0.00016 per 1K. This page computes "
    "every figure from the prices instead of copying the seed's number."
)


def rag_section(candidates: Sequence[Candidate]) -> None:
    st.subheader("RAG vs context stuffing")
    st.markdown("Stuffing: (corpus + question)·P_in + output·P_out per query. RAG: question·P_embed + search + "
                "(k·chunk + question)·P_in + output·P_out per query, plus a one-off index (chunks·chunk·P_embed) and "
                f"fixed monthly cost ({SOURCE_SEED} “Context-Fit and Retrieval Economics”).")
    priced = {c.name: c for c in view.priced(candidates)}
    c = st.columns(4)
    model = c[0].selectbox("Generation model prices", [None, *priced], key="econ_rag_model", persist_state="session",
                           format_func=lambda n: "Seed example: $0.005 per 1K input" if n is None else n)
    pricing = priced[model].pricing if model else None
    p_in = pricing.input_per_mtok if pricing else c[0].number_input(
        "Input price (USD per 1M tokens)", min_value=0.0, value=5.0, step=0.5, format="%.4f", key="econ_rag_pin", persist_state="session")
    p_out = pricing.output_per_mtok if pricing else c[0].number_input(
        "Output price (USD per 1M tokens)", min_value=0.0, value=0.0, step=0.5, format="%.4f", key="econ_rag_pout", persist_state="session")
    corpus = c[1].number_input("Corpus (tokens)", min_value=0, value=400_000, step=10_000, key="econ_rag_corpus", persist_state="session")
    qpm = c[1].number_input("Queries per month", min_value=0, value=10_000, step=1000, key="econ_rag_qpm", persist_state="session")
    question = c[1].number_input("Question tokens per query", min_value=0, value=0, step=50, key="econ_rag_q", persist_state="session")
    output = c[1].number_input("Output tokens per query", min_value=0, value=0, step=50, key="econ_rag_out", persist_state="session")
    k = c[2].number_input("Chunks retrieved (top-k)", min_value=0, value=5, step=1, key="econ_rag_k", persist_state="session")
    chunk = c[2].number_input("Chunk size (tokens)", min_value=1, value=512, step=64, key="econ_rag_chunk", persist_state="session")
    overlap = c[2].number_input("Chunk overlap (tokens)", min_value=0, value=0, step=16, key="econ_rag_overlap", persist_state="session")
    embed = c[3].number_input("Embedding price (USD per 1M tokens)", min_value=0.0, value=0.02, step=0.01,
                              format="%.4f", key="econ_rag_embed", persist_state="session")
    search = c[3].number_input("Vector search (USD per query)", min_value=0.0, value=0.0, step=0.0001,
                               format="%.6f", key="econ_rag_search", persist_state="session")
    fixed = c[3].number_input("Vector store (USD per month)", min_value=0.0, value=0.0, step=10.0, format="%.2f",
                              key="econ_rag_fixed", persist_state="session")
    months = c[3].number_input("Amortise index over (months)", min_value=1.0, value=12.0, step=1.0, format="%.0f",
                               key="econ_rag_months", persist_state="session")
    try:
        r = econ.rag_vs_stuffing(
            corpus_tokens=corpus, input_per_mtok=p_in, top_k=k, chunk_tokens=chunk, question_tokens=question,
            output_tokens=output, output_per_mtok=p_out, embed_per_mtok=embed, search_cost_per_query_usd=search,
            overlap_tokens=overlap, monthly_fixed_usd=fixed, amortisation_months=months, queries_per_month=qpm)
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return
    m = st.columns(4)
    m[0].metric("Stuffing (USD per query)", usd_per_request(r.stuffing_per_query_usd))
    m[1].metric("RAG (USD per query)", usd_per_request(r.rag_per_query_usd))
    m[2].metric("Index, one-off (USD)", usd_per_month(r.index_cost_usd), help=f"{r.index_chunks:,.0f} chunks")
    be = r.break_even_queries_per_month
    m[3].metric("Break-even (queries per month)",
                "never" if not math.isfinite(be) else ("< 1" if be < 1 else f"{math.ceil(be):,}"),
                help="Monthly volume above which RAG is cheaper; below one query per month it is cheaper at any volume")
    st.markdown(r.explanation)
    st.caption(f"At {qpm:,} queries per month: stuffing {usd_per_month(r.stuffing_monthly_usd)} USD, "
               f"RAG {usd_per_month(r.rag_monthly_usd)} USD per month. Prices: "
               + (f"{md(model)}'s catalog pricing." if model else "seed 002 example ($0.005 per 1K = $5 per 1M input)."))
    fig = rag_chart(r)
    fig.update_layout(height=400, yaxis_tickformat="$,.0f")
    show_chart(fig, key="econ_rag_chart")
    st.info(RAG_NOTE, icon=":material/info:")
