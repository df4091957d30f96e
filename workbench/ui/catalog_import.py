"""The LiteLLM price import panel of the Candidates page: upload, filterable preview, apply all or a selection.

The preview is computed once per upload and choice and kept in session state until Apply, so Apply writes
exactly what was previewed against the versions it saw (the catalog-import service refuses with a conflict
when someone changed a candidate in between). Everything from the file is shown as data, never Markdown.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from workbench.domain.models import Candidate
from workbench.io.litellm import ImportPlan, LiteLLMError, parse_price_text
from workbench.services import catalog_import
from workbench.store.prices import price_history
from workbench.store.repository import Record
from workbench.ui.state import flash
from workbench.ui.text import md

CHOICES = {"all": "Whole file (every chat model)", "pick": "Pick models", "refresh": "Refresh catalog prices only"}
_PREVIEW, _PREVIEW_KEY = "litellm_preview", "litellm_preview_key"


@st.cache_data(ttl=600, max_entries=4, show_spinner=False)
def _parse(data: bytes, name: str) -> dict[str, dict[str, Any]]:
    return parse_price_text(data, name)


def preview_frame(plan: ImportPlan, prices: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One row per planned change, with the columns the filters work on."""
    rows = []
    for change in plan.changes:
        body = change.new_candidate or {}
        pricing = body.get("pricing") or {}
        rows.append({
            "LiteLLM key": change.litellm_key, "Candidate": change.candidate, "Action": change.action,
            "Provider": body.get("provider", ""), "Mode": prices.get(change.litellm_key, {}).get("mode") or "",
            "Input $/1M": pricing.get("input_per_mtok"), "Output $/1M": pricing.get("output_per_mtok"),
            "Context": body.get("context_window"), "Deprecation": body.get("deprecation_date"),
            "Changes": "; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in change.changes.items()),
        })
    return pd.DataFrame(rows, columns=["LiteLLM key", "Candidate", "Action", "Provider", "Mode", "Input $/1M",
                                       "Output $/1M", "Context", "Deprecation", "Changes"])


def filter_preview(frame: pd.DataFrame, *, providers: list[str], modes: list[str],
                   max_input_per_mtok: float | None, min_context: int) -> pd.DataFrame:
    shown = frame
    if providers:
        shown = shown[shown["Provider"].isin(providers)]
    if modes:
        shown = shown[shown["Mode"].isin(modes)]
    if max_input_per_mtok is not None:
        shown = shown[shown["Input $/1M"].fillna(0) <= max_input_per_mtok]
    if min_context:
        shown = shown[shown["Context"].fillna(0) >= min_context]
    return shown


def _preview(engine: Engine, actor: str, prices: dict[str, dict[str, Any]], file_id: str, name: str,
             choice: str, models: list[str]) -> ImportPlan:
    key = (file_id, choice, tuple(models))
    if st.session_state.get(_PREVIEW_KEY) != key:
        st.session_state[_PREVIEW] = catalog_import.preview_litellm(
            engine, prices, models=models if choice == "pick" else [], update_prices=True, filename=name,
            actor=actor, select_all=choice == "all")
        st.session_state[_PREVIEW_KEY] = key
    plan: ImportPlan = st.session_state[_PREVIEW]
    return plan


def _filters(frame: pd.DataFrame) -> pd.DataFrame:
    c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
    providers = c1.multiselect("Provider", sorted(frame["Provider"].unique()), key="litellm_f_provider")
    modes = c2.multiselect("Mode", sorted(frame["Mode"].unique()), key="litellm_f_mode")
    top = float(frame["Input $/1M"].max() or 0.0) if not frame.empty else 0.0
    limit = c3.number_input("Max input $/1M", min_value=0.0, value=top, key="litellm_f_price")
    context = c4.number_input("Min context (tokens)", min_value=0, value=0, step=8_192, key="litellm_f_context")
    return filter_preview(frame, providers=providers, modes=modes,
                          max_input_per_mtok=limit if limit < top else None, min_context=int(context))


def _apply(engine: Engine, plan: ImportPlan, actor: str, keys: set[str], name: str) -> None:
    bar = st.progress(0.0, text=f"Writing {len(keys):,} candidates in one transaction…")
    st.session_state.pop(_PREVIEW_KEY, None)
    try:
        counts = catalog_import.apply_litellm(
            engine, plan, actor, only=keys,
            progress=lambda done, total: bar.progress(min(done / max(total, 1), 1.0), text=f"{done:,} of {total:,}"))
    except catalog_import.ImportConflictError as exc:
        bar.empty()
        st.error(md(exc))
        return
    bar.progress(1.0, text="Done")
    flash("success", f"Imported from {name}: {counts['create']} added, {counts['update']} updated.")
    st.rerun()


def litellm_import_panel(engine: Engine, actor: str) -> None:
    st.write("Upload LiteLLM's `model_prices_and_context_window.json`: import the whole file, pick models, or "
             "refresh the prices of catalog candidates. Entries that cannot be used are listed and skipped; what "
             "you apply is written in one transaction.")
    upload = st.file_uploader("Price file (JSON)", type=["json"], key="litellm_file")
    if upload is None:
        return
    try:
        prices = _parse(upload.getvalue(), upload.name)
    except LiteLLMError as exc:
        st.error(md(exc))
        return
    choice = st.radio("Import", list(CHOICES), format_func=CHOICES.__getitem__, horizontal=True, key="litellm_choice")
    models: list[str] = []
    if choice == "pick":
        chat = sorted(k for k, v in prices.items() if v.get("mode") in ("chat", "responses"))
        models = st.multiselect(f"Models to add ({len(chat):,} chat models in the file)", chat, key="litellm_models")
        if not models:
            return
    try:
        plan = _preview(engine, actor, prices, upload.file_id, upload.name, choice, models)
    except LiteLLMError as exc:
        st.error(md(exc))
        return
    s = plan.summary()
    st.text(f"Preview: {s['create']:,} to add, {s['update']:,} price updates, {s['unchanged']:,} unchanged, "
            f"{s['skipped']:,} skipped, {s['not_candidates']:,} entries are not chat models.")
    if plan.skipped:
        with st.expander(f"Skipped entries ({len(plan.skipped):,}): field and reason"):
            st.dataframe(pd.DataFrame([e.model_dump() for e in plan.skipped]), hide_index=True, width="stretch")
    frame = preview_frame(plan, prices)
    writes = frame[frame["Action"] != "unchanged"]
    if writes.empty:
        st.info("Nothing to write: every candidate in this preview is up to date.")
        return
    shown = _filters(writes)
    event = st.dataframe(shown, hide_index=True, width="stretch", key="litellm_table", on_select="rerun",
                         selection_mode="multi-row")
    selected = [shown.iloc[i]["LiteLLM key"] for i in getattr(getattr(event, "selection", None), "rows", [])]
    c1, c2 = st.columns(2)
    if c1.button(f"Apply all shown ({len(shown):,})", type="primary", key="litellm_apply", disabled=shown.empty):
        _apply(engine, plan, actor, set(shown["LiteLLM key"]), upload.name)
    if c2.button(f"Apply selected ({len(selected):,})", key="litellm_apply_selected", disabled=not selected):
        _apply(engine, plan, actor, set(selected), upload.name)


def candidate_import_details(engine: Engine, record: Record[Candidate]) -> None:
    """Deprecation date, vendor-declared support (never a rating) and the dated price history of a candidate."""
    c = record.model
    points = price_history(engine, record.id)
    if not (c.declared_support or c.deprecation_date or points):
        return
    with st.expander("Declared support, deprecation and price history"):
        if c.deprecation_date:
            st.text(f"Deprecation date (from the price list): {c.deprecation_date.isoformat()}")
        if c.declared_support:
            st.caption("Declared by the price list (LiteLLM supports_* flags): what the vendor states, not a rating "
                       "and not measured.")
            st.dataframe(pd.DataFrame([{"Feature": k.replace("_", " "), "Declared": "yes" if v else "no"}
                                       for k, v in sorted(c.declared_support.items())]), hide_index=True)
        if points:
            st.caption("Price history: one row per date the prices changed.")
            st.dataframe(pd.DataFrame([{
                "Effective": p.effective, "Input $/1M": p.pricing.input_per_mtok,
                "Output $/1M": p.pricing.output_per_mtok, "Cached input $/1M": p.pricing.cached_input_per_mtok,
                "Source": p.source, "Recorded by": p.recorded_by} for p in points]), hide_index=True, width="stretch")
