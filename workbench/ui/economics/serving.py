"""Economics page: speculative decoding and tokenizer drift."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import streamlit as st

from workbench.charts.economics import (
    speculative_chart,
)
from workbench.domain import economics as econ
from workbench.domain import economics_view as view
from workbench.domain.economics import EconomicsInputError
from workbench.domain.models import Candidate, Workload
from workbench.domain.money import usd_per_month
from workbench.ui.economics.common import (
    SOURCE_REF,
    SOURCE_SEED,
    _slug,
    show_econ_error,
)
from workbench.ui.presenter import show_chart
from workbench.ui.text import md

# =========================================================================== speculative decoding


@st.fragment
def speculative_section() -> None:
    st.subheader("Speculative decoding")
    st.markdown("S(B) = E·T(B) / (k·c·T(B) + T(B·(k+1))), T(n) = 1 + n/n_c, E = (1 − α^(k+1))/(1 − α) tokens per "
                "verification (Leviathan et al. 2023, eq. 1). Above batch 16 the seed's **concurrency trap** applies "
                f"({SOURCE_SEED} “Speculative Decoding”, anti-pattern “The Speculative Concurrency Trap”).")
    c = st.columns(5)
    alpha = c[0].slider("Acceptance rate α", 0.0, 0.99, 0.8, 0.01, key="econ_spec_alpha", persist_state="session")
    k = c[1].slider("Drafted tokens k", 1, 12, 4, key="econ_spec_k", persist_state="session")
    draft = c[2].slider("Draft cost / target step", 0.0, 0.5, 0.05, 0.01, key="econ_spec_c", persist_state="session")
    nc = c[3].slider("Compute-bound batch n_c", 1, 128, 20, key="econ_spec_nc", persist_state="session",
                     help="Batch at which a decode step's compute time equals its memory time (GPU-specific)")
    batch = c[4].slider("Your serving batch", 1, 128, 8, key="econ_spec_batch", persist_state="session")
    try:
        curve = econ.speculative_speedup(np.arange(1, 129), alpha=alpha, k=k, draft_cost_ratio=draft,
                                         compute_bound_batch=nc)
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return
    at = float(curve.speedup[batch - 1])
    m = st.columns(3)
    m[0].metric(f"Speed-up at batch {batch} (×)", f"{at:.2f}×")
    m[1].metric("Tokens per verification step", f"{curve.expected_tokens:.2f}")
    be = curve.break_even_batch
    m[2].metric("Regression above batch", f"{be:.1f}" if math.isfinite(be) else "never")
    if batch > econ.CONCURRENCY_TRAP_BATCH:
        st.warning(f"Concurrency trap: batch {batch} > {econ.CONCURRENCY_TRAP_BATCH}. Verify the GPU is still "
                   "memory-bound before enabling speculation" + (" — this model predicts a slowdown." if at < 1 else "."))
    fig = speculative_chart(curve)
    fig.for_each_annotation(lambda a: a.update(y=0.02, yanchor="bottom") if a.text.startswith("break-even") else None)
    fig.add_vline(x=batch, line_dash="dash", line_color="gray", annotation_text="your batch",
                  annotation_position="bottom right")
    fig.update_layout(height=420)
    show_chart(fig, key="econ_spec_chart")
    st.caption(curve.explanation)


# =========================================================================== tokenizer drift


def tokenizer_section(candidates: Sequence[Candidate], workload: Workload) -> None:
    st.subheader("Tokenizer drift")
    st.markdown("The same text becomes cpt_from / cpt_to times as many tokens; token-priced cost scales by the same "
                f"ratio ({SOURCE_SEED} “Unintentional Tokenizer Drift”: +10 % to +35 %; {SOURCE_REF} §4: Claude "
                "Opus 4.6 → 4.7 English prose 4.33 → 3.60 characters per token = 1.20×).")
    names = [c.name for c in candidates]
    if len(names) < 2:
        st.info("Two candidates are needed.")
        return
    by_name = {c.name: c for c in candidates}
    c = st.columns(4)
    src = c[0].selectbox("From (today's model)", names, index=0, key="econ_tok_from", persist_state="session")
    dst = c[1].selectbox("To (candidate model)", names, index=1, key="econ_tok_to", persist_state="session")
    cpt_src = c[2].number_input(f"{src}: characters per token", min_value=0.01, value=by_name[src].chars_per_token,
                                step=0.05, format="%.2f", key=f"econ_tok_cpt_{_slug(src)}", persist_state="session", placeholder="unknown")
    cpt_dst = c[3].number_input(f"{dst}: characters per token", min_value=0.01, value=by_name[dst].chars_per_token,
                                step=0.05, format="%.2f", key=f"econ_tok_cpt_{_slug(dst)}_to", persist_state="session", placeholder="unknown")
    missing = [n for n, v in ((src, cpt_src), (dst, cpt_dst)) if v is None]
    if missing or cpt_src is None or cpt_dst is None:
        st.info(f"Characters per token unknown for {md(' and '.join(missing))}: the catalog has no measurement. Enter one "
                "(count the characters and tokens of a representative prompt with each tokenizer) to see the effect.")
        return
    try:
        d = view.tokenizer_drift_view(by_name[src], by_name[dst], workload, source_chars_per_token=cpt_src,
                                      target_chars_per_token=cpt_dst)
    except EconomicsInputError as exc:
        show_econ_error(exc)
        return
    m = st.columns(4)
    m[0].metric("Token count change (%)", f"{d.token_change * 100:+.1f}%", help=f"ratio {d.token_ratio:.3f}×")
    m[1].metric("Tokens per request", f"{d.tokens_after:,.0f}", delta=f"{d.tokens_after - d.tokens_before:+,.0f}",
                delta_color="inverse", help=f"from {d.tokens_before:,.0f} counted with {src}'s tokenizer")
    if d.monthly_before_usd is not None and d.monthly_after_usd is not None:
        m[2].metric("Token cost (USD per month)", usd_per_month(d.monthly_after_usd),
                    delta=f"{usd_per_month(d.monthly_after_usd - d.monthly_before_usd)} vs today's counts",
                    delta_color="inverse", help=f"{dst}'s prices on this workload's requests per month")
    else:
        m[2].metric("Token cost (USD per month)", "unknown", help=f"{dst} has no pricing")
    m[3].metric("Within the seed's +10–35 %", "yes" if d.in_seed_range else "no")
    st.caption(f"Budgets built from {md(src)}'s token counts misstate {md(dst)}'s bill by this ratio (same price tier; human "
               "review is not token-priced and is left out).")
