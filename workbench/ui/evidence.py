"""Evidence page helpers: profile choice, upload + mapping + import, runs list, statistics, linter.

The statistics, importers and linter live in ``workbench.domain`` / ``workbench.io``; the store
use-cases in ``workbench.store.evidence``. Parsing an upload is cached by its bytes; the runs of a
profile are cached per workspace revision (every change writes an audit event, so the revision moves).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from sqlalchemy import Engine

from workbench.charts.evidence import pass_rate_chart
from workbench.domain.evidence import (
    HARNESS_COMPONENTS,
    EvaluationRun,
    IntervalMethod,
    MetricKind,
    hygiene_tags,
    hygiene_warnings,
    match_source_models,
    summarize_rates,
    ties_among_runs,
)
from workbench.domain.linter import (
    RULE_IDS,
    DecisionDraft,
    EvidenceRef,
    Finding,
    NodeChoice,
    SpeculativeDecoding,
    StructuredOutput,
    StructuredOutputApproach,
    lint_decision,
)
from workbench.domain.models import OutputForm, Profile
from workbench.io.evidence import (
    EvidenceImportError,
    ImportResult,
    detect_format,
    import_evidence,
    inspect_scorers,
)
from workbench.store import evidence as store
from workbench.store.repository import NotFoundError, Record, StoreError
from workbench.store.workspace import get_profile, list_candidates, list_profiles
from workbench.ui import evidence_stats as stats
from workbench.ui.dashboard import excluded_names
from workbench.ui.state import flash
from workbench.ui.text import md
from workbench.ui.tradeoffs import workspace_revision

MAX_UPLOAD_MB = 50
AUTO = "auto"
METHOD_LABELS: dict[IntervalMethod, str] = {"wilson": "Wilson", "clopper-pearson": "Clopper–Pearson"}
FORMAT_LABELS: dict[str, str] = {
    "promptfoo": "promptfoo JSON / JSONL / CSV", "lm-eval": "lm-evaluation-harness results", "inspect": "inspect_ai log",
    "openai-evals": "OpenAI evals JSONL", "helm": "HELM stats.json (a run directory: CLI)",
    "benchmark-table": "Published benchmark table (benchmark proxy)", "csv": "CSV (item_id, candidate, passed)",
}
KIND_LABELS: dict[str, str] = {k.value: c.label for k, c in HARNESS_COMPONENTS.items()}


# --------------------------------------------------------------------------- profile and cached reads


def choose_profile(engine: Engine) -> Record[Profile] | None:
    """Profile selector bound to the URL (?profile=...); None when there is no profile."""
    records = list_profiles(engine)
    if not records:
        return None
    names = [r.model.name for r in records]
    if st.session_state.get("ev_profile") not in names:
        st.session_state.pop("ev_profile", None)
    chosen = st.columns([2, 3])[0].selectbox("Profile", names, key="ev_profile", bind="query-params",
                          help="Evidence belongs to a requirement profile: the same model can be tested "
                               "differently for different tasks.")
    record = next(r for r in records if r.model.name == chosen)
    return get_profile(engine, record.id)


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def _runs_at(_engine: Engine, url: str, profile_id: int, revision: int) -> list[store.StoredRun]:
    return store.list_runs(_engine, profile_id)


def stored_runs(engine: Engine, profile_id: int) -> list[store.StoredRun]:
    return _runs_at(engine, str(engine.url), profile_id, workspace_revision(engine))


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def parse_upload(data: bytes, name: str, fmt: str | None, kind: str | None, scorer: str | None = None) -> ImportResult:
    """Validated runs of an uploaded file (EvidenceImportError names file, line/row and field)."""
    return import_evidence(data, fmt, name=name, metric_kind=kind, scorer=scorer)


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _scorers(data: bytes, name: str) -> list[str]:
    try:
        return inspect_scorers(data, name)
    except EvidenceImportError:
        return []


# --------------------------------------------------------------------------- import


def import_panel(engine: Engine, profile: Record[Profile], actor: str) -> None:
    """Upload, detect the format, preview runs, map source models to candidates, confirm, import."""
    n = st.session_state.setdefault("ev_upload_n", 0)
    upload = st.file_uploader(
        "Evaluation results file", key=f"ev_upload_{n}",
        help="promptfoo `eval -o results.json|.jsonl|.csv`, lm-eval results_*.json, inspect_ai .json/.eval log, OpenAI evals "
             "JSONL, HELM stats.json, or a CSV with item_id, candidate, passed/score[, latency_ms, cost_usd].")
    st.caption(f"Up to {MAX_UPLOAD_MB} MB per file. Larger files (or lm-eval sample files, HELM run directories): "
               "`workbench import evidence FILE --profile NAME`.")
    if upload is None:
        return
    data = upload.getvalue()
    if len(data) > MAX_UPLOAD_MB * 1_000_000:
        st.error(f"{upload.name} is {len(data) / 1e6:.1f} MB, above the {MAX_UPLOAD_MB} MB limit of the page. "
                 "Nothing was imported; use the CLI for large files.")
        return
    try:
        detected: str | None = detect_format(data, upload.name).value
    except EvidenceImportError:
        detected = None
    c1, c2 = st.columns(2)
    fmt = c1.selectbox(
        "Format", [AUTO, *FORMAT_LABELS], key="ev_format",
        format_func=lambda f: (f"Auto-detect ({FORMAT_LABELS[detected]})" if detected else "Auto-detect (unknown)")
        if f == AUTO else FORMAT_LABELS[f])
    kind = c2.selectbox(
        "What the runs measure", [AUTO, *KIND_LABELS], key="ev_kind",
        format_func=lambda k: "Default for the format" if k == AUTO else
        f"{KIND_LABELS[k]} — target: {HARNESS_COMPONENTS[MetricKind(k)].production_target}",
        help="Seed 002's harness components. lm-eval and HELM default to public benchmark, the rest to golden set; "
             "a CSV metric_kind column overrides per row.")
    scorers = _scorers(data, upload.name) if (fmt if fmt != AUTO else detected) == "inspect" else []
    scorer = st.selectbox("Scorer", scorers, key="ev_scorer",
                          help="The log has several scorers: the one to import (default: the first).") \
        if len(scorers) > 1 else None
    try:
        result = parse_upload(data, upload.name, None if fmt == AUTO else fmt, None if kind == AUTO else kind, scorer)
    except EvidenceImportError as exc:
        st.error(f"Cannot import this file — nothing was imported. {md(exc)}")
        return
    st.markdown(f"**{md(result.file)}** · {FORMAT_LABELS[result.format.value]} · SHA-256 `{result.sha256[:12]}…` · "
                f"{len(result.runs)} run(s)")
    for warning in result.warnings:
        st.warning(md(warning), icon=":material/warning:")
    st.dataframe(preview_table(result.runs), hide_index=True, width="stretch")
    duplicates = store.find_duplicates(engine, profile.id, result.sha256)
    if duplicates:
        first = duplicates[0]
        st.warning(f"This file (SHA-256 {result.sha256[:12]}…) was already imported into this profile by "
                   f"{md(first.imported_by)} at {first.imported_at:%Y-%m-%d %H:%M} UTC ({len(duplicates)} run(s)). "
                   "Replace those runs with this import, or skip it?", icon=":material/content_copy:")
        if st.button("Skip: keep the earlier runs", key=f"ev_import_{result.sha256[:12]}_skip"):
            st.session_state["ev_upload_n"] += 1
            flash("info", f"Skipped {result.file}: the earlier import is kept.")
            st.rerun()
    earlier = {s.source_model: s.candidate for s in reversed(stored_runs(engine, profile.id))}
    mapping = _mapping_widgets(engine, result, earlier)
    if mapping is None:
        return
    _confirm_and_import(engine, profile, actor, result, mapping, replace=bool(duplicates))


def preview_table(runs: Sequence[EvaluationRun]) -> pd.DataFrame:
    return pd.DataFrame([{
        "Source model": r.source_model, "Task": r.task, "Measures": KIND_LABELS[r.metric_kind.value],
        "n (items)": r.n, "Pass rate (%)": None if r.pass_rate is None else round(100 * r.pass_rate, 1),
        "Per-item results": "yes" if r.items else "aggregate only",
        "Benchmark hygiene": ", ".join(hygiene_tags(r.benchmark or r.task)) if r.metric_kind is
        MetricKind.public_benchmark else "",
    } for r in runs])


def _mapping_widgets(engine: Engine, result: ImportResult, earlier: dict[str, str]) -> dict[str, str] | None:
    """One selectbox per source model, pre-set by name match or by this profile's earlier imports.

    Returns None until every source model is mapped.
    """
    catalog = [r.model.name for r in list_candidates(engine)]
    matched = {src: cand or (earlier.get(src) if earlier.get(src) in catalog else None)
               for src, cand in match_source_models(result.source_models, catalog).items()}
    st.markdown("**Map source models to catalog candidates**")
    mapping: dict[str, str] = {}
    manual = False
    for i, source in enumerate(result.source_models):
        c1, c2 = st.columns([2, 3], vertical_alignment="center")
        default = matched[source]
        c1.markdown(f"{md(source)} →" + ("" if default else " :orange[unknown name]"))
        choice = c2.selectbox(
            f"Candidate for {source}", catalog, index=catalog.index(default) if default else None,
            key=f"ev_map_{result.sha256[:12]}_{i}", label_visibility="collapsed",
            placeholder="no catalog candidate has this name: choose one")
        if choice:
            mapping[source] = choice
            manual = manual or choice != default
        st.session_state["ev_manual_mapping"] = manual
    missing = [s for s in result.source_models if s not in mapping]
    if missing:
        st.info(f"Choose a candidate for {md(', '.join(missing))} to continue. Add a missing model on the Candidates "
                "page first.")
        return None
    return mapping


def _confirm_and_import(engine: Engine, profile: Record[Profile], actor: str, result: ImportResult,
                        mapping: dict[str, str], *, replace: bool) -> None:
    summary = "; ".join(f"{md(s)} → **{md(c)}**" for s, c in mapping.items())
    st.markdown(f"Import into **{md(profile.model.name)}**: {summary}")
    key = f"ev_import_{result.sha256[:12]}"
    if st.session_state.get("ev_manual_mapping") and not st.checkbox(
            "The chosen candidates are the models that produced these results", key=f"{key}_confirm"):
        st.caption("Confirm the mapping: a wrong one attaches the results to the wrong model.")
        return
    if replace:
        if st.button("Replace the earlier runs", key=f"{key}_replace", type="primary", icon=":material/sync:"):
            _do_import(engine, profile, actor, result, mapping, "replace")
    elif st.button(f"Import {len(result.runs)} run(s)", key=key, type="primary", icon=":material/upload:"):
        _do_import(engine, profile, actor, result, mapping, "ask")


def _do_import(engine: Engine, profile: Record[Profile], actor: str, result: ImportResult,
               mapping: dict[str, str], on_duplicate: store.OnDuplicate) -> None:
    try:
        outcome = store.import_runs(engine, profile.id, result, mapping, actor, on_duplicate=on_duplicate)
    except (StoreError, ValidationError) as exc:
        st.error(f"Nothing was imported: {md(exc)}")
        return
    st.session_state["ev_upload_n"] += 1
    verb = "Replaced" if outcome.action == "replaced" else "Imported"
    flash("success", f"{verb} {len(outcome.runs)} run(s) from {outcome.file} into {outcome.profile}.")
    st.rerun()


# --------------------------------------------------------------------------- imported runs


def runs_table(runs: Sequence[store.StoredRun]) -> pd.DataFrame:
    return pd.DataFrame([{
        "id": s.id, "Candidate": s.candidate,
        "Measures": KIND_LABELS.get(s.metric_kind, s.metric_kind) + (f" · {s.run.task}" if s.run.task else ""),
        "n (items)": s.n, "Pass rate (%)": None if s.run.pass_rate is None else round(100 * s.run.pass_rate, 1),
        "Source file": s.source_file, "SHA-256": s.sha_short, "Imported by": s.imported_by,
        "Imported at (UTC)": s.imported_at.strftime("%Y-%m-%d %H:%M"), "Source model": s.source_model,
        "Format": s.source_format,
    } for s in runs])


def runs_panel(engine: Engine, runs: Sequence[store.StoredRun], actor: str) -> None:
    if not runs:
        st.info("No runs imported for this profile yet. Use the **Import** tab.")
        return
    st.dataframe(runs_table(runs).drop(columns=["id"]), hide_index=True, width="stretch")
    labels = {s.id: f"#{s.id} {s.candidate} — {s.source_file} ({s.sha_short})" for s in runs}
    chosen = st.selectbox("Delete a run", list(labels), index=None, format_func=labels.__getitem__,
                          key="ev_delete_choice", placeholder="choose a run to delete")
    if chosen is None:
        return
    st.warning(f"Delete run {md(labels[chosen])}? The audit log keeps a record; re-import the file to restore it.")
    if st.button("Yes, delete this run", key="ev_delete_yes", type="primary", icon=":material/delete:"):
        try:
            gone = store.delete_run(engine, int(chosen), actor)
        except NotFoundError as exc:
            st.error(md(exc))
            return
        st.session_state.pop("ev_delete_choice", None)
        flash("success", f"Deleted run #{gone.id} ({gone.candidate}, {gone.source_file}).")
        st.rerun()


# --------------------------------------------------------------------------- statistics


def run_groups(runs: Sequence[store.StoredRun]) -> dict[str, list[store.StoredRun]]:
    """Runs grouped by 'measure · task' (what can be compared side by side), golden set first."""
    groups: dict[str, list[store.StoredRun]] = {}
    order = list(KIND_LABELS)
    for s in sorted(runs, key=lambda s: (order.index(s.metric_kind) if s.metric_kind in order else 99, s.run.task)):
        label = KIND_LABELS.get(s.metric_kind, s.metric_kind) + (f" · {s.run.task}" if s.run.task else "")
        groups.setdefault(label, []).append(s)
    return groups


def display_runs(group: Sequence[store.StoredRun]) -> list[EvaluationRun]:
    """The group's runs named for display: the candidate, plus the file when a candidate has several."""
    per_cand: dict[str, int] = {}
    for s in group:
        per_cand[s.candidate] = per_cand.get(s.candidate, 0) + 1
    return [s.run.model_copy(update={"candidate": s.candidate if per_cand[s.candidate] == 1
                                     else f"{s.candidate} ({s.source_file})"}) for s in group]


def hygiene(runs: Sequence[store.StoredRun]) -> list[str]:
    return hygiene_warnings([s.run for s in runs])


# --------------------------------------------------------------------------- linter


def evidence_refs(runs: Sequence[store.StoredRun]) -> dict[str, list[EvidenceRef]]:
    out: dict[str, list[EvidenceRef]] = {}
    for s in runs:
        kind = MetricKind(s.metric_kind)
        bench = (s.run.benchmark or s.run.task or "unnamed benchmark") if kind is MetricKind.public_benchmark else None
        out.setdefault(s.candidate, []).append(EvidenceRef(kind=kind, benchmark=bench, n=s.n))
    return out


def default_structured_output(profile: Profile) -> StructuredOutputApproach:
    json_like = profile.output_form in (OutputForm.flat_json, OutputForm.nested_json, OutputForm.tool_arguments)
    return StructuredOutputApproach.native if json_like else StructuredOutputApproach.none


def decision_draft(
    profile: Profile,
    runs: Sequence[store.StoredRun],
    chosen: Sequence[str],
    nodes: Sequence[str],
    *,
    speculative: bool = False,
    batch_size: int | None = None,
    structured: StructuredOutputApproach = StructuredOutputApproach.none,
    precompiled: bool = False,
    previous_model: str | None = None,
    token_count_compared: bool = False,
) -> DecisionDraft:
    """The draft the linter reads: every node served by the chosen candidates, with the profile's evidence."""
    return DecisionDraft(
        profile=profile,
        nodes=[NodeChoice(node=n, candidates=list(chosen)) for n in nodes],
        evidence=evidence_refs(runs),
        speculative=SpeculativeDecoding(enabled=speculative, batch_size=batch_size),
        structured_output=StructuredOutput(approach=structured, precompiled=precompiled),
        previous_model=previous_model,
        token_count_compared=token_count_compared,
    )


def show_finding(f: Finding) -> None:
    box = st.error if f.severity == "high" else st.warning
    box(f"**{f.title}** (`{f.rule_id}`, {f.severity})  \n**Evidence:** {f.evidence}  \n**Fix:** {f.fix}  \n"
        f"*Source: {f.source}*", icon=":material/rule:")


def leader(runs: Sequence[store.StoredRun], skip: frozenset[str] = frozenset()) -> str | None:
    """Candidate with the highest pass rate in the first (golden set first) group of runs (``skip``: excluded)."""
    groups = run_groups(runs)
    for group in groups.values():
        rated = [s for s in group if s.run.pass_rate is not None and s.candidate not in skip]
        if rated:
            return max(rated, key=lambda s: s.run.pass_rate or 0.0).candidate
    return None



# --------------------------------------------------------------------------- panels


@st.fragment
def results_panel(engine: Engine, profile: Record[Profile], runs: Sequence[store.StoredRun]) -> None:
    """Pass rates with intervals, the paired comparison, harness targets, capability evidence, hygiene."""
    if not runs:
        st.info("No evidence for this profile yet. Import a results file in the **Import** tab: pass rates, "
                "intervals and paired comparisons appear here.")
        return
    groups = run_groups(runs)
    c1, c2, c3 = st.columns([3, 2, 2])
    label = c1.selectbox("Runs measuring", list(groups), key="ev_group")
    alpha = stats.choose_alpha(c3)
    method: IntervalMethod = c2.segmented_control(
        "Interval", list(METHOD_LABELS), key="ev_method", default="wilson", format_func=METHOD_LABELS.__getitem__,
        help="Wilson: accurate at every n (default). Clopper–Pearson: exact, conservative.") or "wilson"
    group = groups[label]
    shown = display_runs(group)
    summaries = summarize_rates(shown, method, 1.0 - alpha)
    if summaries:
        st.plotly_chart(pass_rate_chart(summaries, title=f"Pass rate — {label}"), key="ev_rate_chart")
        sources = {r.name: f"{s.source_file} ({s.sha_short})" for r, s in zip(shown, group, strict=True)}
        stats.rates_section(summaries, sources, ties_among_runs(shown, alpha=alpha, method=method), alpha, method)
    else:
        st.info("These runs carry no pass/fail outcome (scores or latency only); compare them below.")
    stats.comparison_section(engine, profile, group, method, alpha)
    st.subheader("Harness components and production targets")
    golden = {s.candidate: s.run.pass_rate for s in runs
              if s.metric_kind == MetricKind.golden_set_accuracy.value and s.run.pass_rate is not None}
    base_name = st.columns([2, 3])[0].selectbox(
        "Golden-set baseline: the model in production today", [None, *sorted(golden)], key="ev_baseline",
        format_func=lambda n: "— none (golden-set target not checkable) —" if n is None else
        f"{n} ({100 * golden[n]:.1f}%)",
        help="Seed 002: a replacement must match the baseline's golden-set accuracy within ±0.5 points.")
    st.dataframe(stats.target_table(runs, method, golden.get(base_name) if base_name else None, 1.0 - alpha), hide_index=True,
                 width="stretch", column_config={"Measured (%)": st.column_config.NumberColumn(format="%.1f %%")})
    st.caption(f"Targets: seed 002, Model Selection Evaluation Harness. 'Shown by the interval' needs the whole {1 - alpha:.0%} "
               "interval to meet the target, not just the point estimate.")
    caps = stats.capability_table(runs, profile.model, method, 1.0 - alpha)
    if not caps.empty:
        st.subheader("Measured capabilities used by the ranking")
        st.dataframe(caps, hide_index=True, width="stretch")
        st.caption("Where a candidate has measured evidence for a capability, Trade-offs uses it instead of the "
                   "E/A/D prior; the robustness analysis samples from the interval. Public benchmarks are left out.")
    st.subheader("Benchmark hygiene")
    warnings = hygiene(runs)
    for w in warnings:
        st.warning(w, icon=":material/science:")
    if not warnings:
        st.caption("No public-benchmark evidence here: nothing saturated or contamination-prone to flag.")


def linter_panel(engine: Engine, profile: Record[Profile], runs: Sequence[store.StoredRun]) -> None:
    """The anti-pattern linter on the draft decision: chosen candidates, task graph, serving settings."""
    p = profile.model
    catalog = [r.model.name for r in list_candidates(engine)]
    top = leader(runs, skip=excluded_names(engine, p.name))  # never default to a candidate the profile excludes
    key = f"ev_lint_{profile.id}"
    c1, c2 = st.columns(2)
    chosen = c1.multiselect("Chosen candidate(s)", catalog, default=[top] if top in catalog else [],
                            key=f"{key}_chosen", help="Default: the leader on this profile's evidence among the "
                            "candidates its hard constraints do not exclude.")
    nodes_text = c2.text_input("Task-graph nodes (comma-separated)", value=p.task_class.value, key=f"{key}_nodes",
                               help="Each node is served by the chosen candidates (one model for several nodes "
                                    "is the single-model monolith).")
    c3, c4, c5 = st.columns(3)
    speculative = c3.toggle("Speculative decoding", key=f"{key}_spec")
    batch = c3.number_input("Batch size (requests)", 1, 4096, value=p.throughput.concurrent_requests or 1,
                            key=f"{key}_batch", disabled=not speculative)
    approaches = list(StructuredOutputApproach)
    structured = c4.selectbox("Structured output", approaches, key=f"{key}_so",
                              index=approaches.index(default_structured_output(p)),
                              format_func=lambda a: {"none": "none", "native": "provider JSON mode",
                                                     "fsm": "FSM (Outlines-style)", "pda": "PDA (XGrammar)"}[a.value])
    precompiled = c4.checkbox("Schema pre-compiled and cached", key=f"{key}_pre")
    previous = c5.selectbox("Replaces model", [None, *catalog], key=f"{key}_prev",
                            format_func=lambda n: "— new deployment —" if n is None else n)
    compared = c5.checkbox("Token counts compared", key=f"{key}_tok")
    nodes = [n.strip() for n in nodes_text.split(",") if n.strip()]
    if not chosen or not nodes:
        st.info("Choose at least one candidate and name at least one task-graph node to lint the decision.")
        return
    try:
        draft = decision_draft(p, runs, chosen, nodes, speculative=speculative, batch_size=int(batch),
                               structured=structured, precompiled=precompiled, previous_model=previous,
                               token_count_compared=compared)
    except ValidationError as exc:
        st.error(f"Cannot build the draft: {md(exc.errors()[0]['msg'])}")
        return
    findings = lint_decision(draft)
    if not findings:
        st.success("No selection anti-pattern found in this draft (seed 002, Selection Failure Modes).")
    for f in findings:
        show_finding(f)
    st.caption(f"{len(findings)} finding(s) from {len(RULE_IDS)} rules. Findings flow into the MDR's "
               "'Failure Tolerance and Risk Mitigation' section.")
