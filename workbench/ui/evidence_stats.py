"""Evidence page, statistics display: the confidence level, pass rates with tied-with-leader on the
same basis as the paired test, the paired comparison of two candidates, and the sample-size planner.

Statistics come from :mod:`workbench.domain.evidence` (``ties_among_runs``, ``compare_runs`` through
the store, ``plan_sample_size`` through :mod:`workbench.services.evidence_plan`). Candidate names and
file names are user data: they go into dataframes and metrics, or through :func:`workbench.ui.text.md`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from workbench.charts.evidence import paired_comparison_chart
from workbench.domain.evidence import (
    HARNESS_COMPONENTS,
    EvidenceError,
    IntervalMethod,
    LeaderTie,
    LeaderTies,
    MetricKind,
    RateSummary,
    capability_evidence,
    check_target,
    summarize_rates,
)
from workbench.domain.models import CAPABILITY_LABELS, Profile
from workbench.domain.money import usd_per_month, usd_per_request
from workbench.services.evidence_plan import plan_for_profile
from workbench.store import evidence as store
from workbench.store.repository import Record
from workbench.ui.text import md

LEVELS: tuple[float, ...] = (0.90, 0.95, 0.99)
METHOD_NAMES = {"wilson": "Wilson", "clopper-pearson": "Clopper–Pearson"}


def level_label(alpha: float) -> str:
    """``0.05 -> "95%"``."""
    return f"{1 - alpha:.0%}"


def choose_alpha(container: st.delta_generator.DeltaGenerator) -> float:
    """The confidence level of every interval and the significance level of every test on the page."""
    level = container.segmented_control(
        "Confidence", list(LEVELS), default=0.95, key="ev_level", format_func=lambda v: f"{v:.0%}",
        help="Intervals are at this level and tests at alpha = 1 − level (ties, paired test, planner).")
    return round(1.0 - float(level or 0.95), 10)


def _tie_cell(row: LeaderTie | None, is_leader: bool) -> str:
    if is_leader:
        return "leader"
    if row is None or row.tied is None:
        return "unknown (no evidence)"
    verdict = "yes" if row.tied else "no"
    if row.basis == "paired" and row.p_holm is not None:
        return f"{verdict} (paired, Holm p = {row.p_holm:.2g})"
    return f"{verdict} (intervals {'overlap' if row.tied else 'apart'})"


def rate_table(summaries: Sequence[RateSummary], sources: dict[str, str], ties: LeaderTies | None,
               alpha: float) -> pd.DataFrame:
    """Pass rates with their intervals at ``1 - alpha``; "Tied with leader" on the paired test where
    both have per-item results, else on interval overlap."""
    if not summaries:
        return pd.DataFrame()
    level = level_label(alpha)
    rows_by = {r.candidate: r for r in ties.rows} if ties else {}
    leader = ties.leader if ties else None
    rows = [{
        "Candidate": s.name, "Passed": s.k, "n (items)": s.n, "Pass rate (%)": 100 * s.rate,
        f"Lower {level} (%)": 100 * s.lower, f"Upper {level} (%)": 100 * s.upper,
        "Tied with leader": _tie_cell(rows_by.get(s.name), s.name == leader),
        "Flags": "; ".join(s.flags) or "—", "Source": sources.get(s.name, ""),
    } for s in summaries]
    return pd.DataFrame(rows).sort_values("Pass rate (%)", ascending=False)


def rates_section(summaries: Sequence[RateSummary], sources: dict[str, str], ties: LeaderTies | None,
                  alpha: float, method: IntervalMethod) -> None:
    level = level_label(alpha)
    pct = st.column_config.NumberColumn(format="%.1f %%")
    st.dataframe(rate_table(summaries, sources, ties, alpha), hide_index=True, width="stretch", column_config={
        "Pass rate (%)": pct, f"Lower {level} (%)": pct, f"Upper {level} (%)": pct})
    st.caption(f"{level} {METHOD_NAMES[method]} intervals on the items of each run. Flags: n < 30 or an interval "
               "wider than 20 points. 'Tied with leader': where both runs have per-item results on the same items, "
               f"the exact McNemar test (Holm-adjusted across the table, alpha = {alpha:g}); otherwise whether "
               "the intervals overlap.")
    for row in ties.separated_despite_overlap() if ties else []:
        st.info(f"**Intervals overlap, but the paired test separates {md(row.candidate)} from the leader.** "
                f"{md(row.explanation)}", icon=":material/compare_arrows:")


def comparison_section(engine: Engine, profile: Record[Profile], group: Sequence[store.StoredRun],
                       method: IntervalMethod, alpha: float) -> None:
    st.subheader("Paired comparison on the same items")
    names = sorted({s.candidate for s in group if s.run.items})
    everyone = sorted({s.candidate for s in group})
    if len(names) < 2:
        if len(everyone) >= 2:
            aggregate_only = [n for n in everyone if n not in names]
            st.info("These runs cannot be paired: a paired comparison needs per-item results (item ids with "
                    "pass/fail or scores) for both candidates, and the runs below carry only aggregate results. "
                    "Re-import them with per-item logs (promptfoo results.json, lm-eval --log_samples, "
                    "an inspect .eval log, HELM per_instance_stats.json).")
            st.caption("Aggregate results only: " + ", ".join(md(n) for n in aggregate_only))
        else:
            st.info("A paired comparison needs per-item results of two candidates on the same items. Import a second "
                    "candidate's run of this test.")
        return
    ranked = sorted(names, key=lambda n: -max((s.run.pass_rate or 0.0) for s in group if s.candidate == n))
    c1, c2 = st.columns(2)
    a = c1.selectbox("Candidate A", names, index=names.index(ranked[0]), key="ev_cmp_a")
    b = c2.selectbox("Candidate B", names, index=names.index(ranked[1]), key="ev_cmp_b")
    try:
        outcome = store.compare_candidates(engine, profile.id, a, b, method=method,
                                           metric_kind=group[0].metric_kind, alpha=alpha)
    except EvidenceError as exc:
        st.info(md(exc))
        return
    cmp = outcome.comparison
    level = level_label(alpha)
    m1, m2, m3 = st.columns(3)
    m1.metric(f"{md(a)} ({'pass rate' if cmp.test == 'mcnemar-exact' else 'mean score'})", _pct(cmp.rate_a, cmp.test),
              help=f"{level} {METHOD_NAMES[method]}: {_iv(cmp.interval_a, cmp.test)}")
    m2.metric(md(b), _pct(cmp.rate_b, cmp.test), help=f"{level} interval: {_iv(cmp.interval_b, cmp.test)}")
    m3.metric("p-value", f"{cmp.p_value:.3g}", help="exact McNemar (two-sided binomial test on the discordant "
              "pairs)" if cmp.test == "mcnemar-exact" else "paired bootstrap over item ids (10,000 resamples, seed 0)")
    (st.success if cmp.significant else st.info)(f"**Verdict:** {md(cmp.verdict)}")
    overlap = cmp.interval_a[0] <= cmp.interval_b[1] and cmp.interval_b[0] <= cmp.interval_a[1]
    if overlap and cmp.significant:
        st.caption(f"The two {level} intervals overlap, yet the paired test separates the candidates: both answered "
                   "the same items, so item difficulty cancels out of the paired test, which is the sharper tool "
                   "here. Ties in the table above follow the paired test for that reason.")
    st.plotly_chart(paired_comparison_chart(cmp), key="ev_cmp_chart")
    for flag in cmp.flags:
        st.text(f"Note: {flag}")
    st.caption(md(f"Runs: {a} from {outcome.a.source_file} ({outcome.a.sha_short}); {b} from "
                  f"{outcome.b.source_file} ({outcome.b.sha_short}); {cmp.n_paired} paired items."))
    if cmp.test == "mcnemar-exact":
        planner_section(engine, profile, a, b, group[0].metric_kind, alpha)


def planner_section(engine: Engine, profile: Record[Profile], a: str, b: str, metric_kind: str, alpha: float) -> None:
    """How many paired items would separate A and B, and what they cost (``workbench evidence plan``)."""
    st.subheader("How many items would settle it?")
    c1, c2 = st.columns(2)
    target_pts = c1.number_input("Difference to detect (points)", min_value=0.0, max_value=100.0, value=None,
                                 step=0.5, format="%.1f", key="ev_plan_target", placeholder="observed difference",
                                 help="Pass-rate difference to detect; empty = the observed difference")
    power = c2.select_slider("Power", [0.8, 0.85, 0.9, 0.95], value=0.8, key="ev_plan_power",
                             format_func=lambda v: f"{v:.0%}")
    try:
        plan = plan_for_profile(engine, profile, a, b, target_difference=(target_pts / 100) if target_pts else None,
                                alpha=alpha, power=float(power), metric_kind=metric_kind)
    except (EvidenceError, ValueError) as exc:
        st.info(md(exc))
        return
    m = st.columns(4)
    m[0].metric("Detectable now (points)", "—" if plan.mde_at_current_n is None else
                f"{100 * plan.mde_at_current_n:.1f}", help=f"at n = {plan.n_paired} paired items, {power:.0%} power")
    m[1].metric("Items needed", "—" if plan.n_needed is None else f"{plan.n_needed:,}",
                help="paired items for the target difference (Connor 1987 normal approximation of McNemar)")
    m[2].metric("More than now", "—" if plan.additional_items is None else f"{plan.additional_items:,}")
    m[3].metric("Cost of the additional items", usd_per_month(plan.cost_additional_usd),
                help=f"{usd_per_request(plan.cost_per_item_usd)} per item (A + B); {plan.cost_basis}")
    target = "—" if plan.target_difference is None else f"{100 * plan.target_difference:.1f} points"
    st.caption(f"Target difference: {target} ({plan.target_source}); discordance "
               f"{'—' if plan.discordance is None else f'{plan.discordance:.3f}'} (share of items where only one "
               f"passed); alpha {alpha:g}. Same figures: `workbench evidence plan --profile … --a … --b …`.")
    for note in plan.notes:
        st.text(f"Note: {note}")


def target_table(runs: Sequence[store.StoredRun], method: IntervalMethod,
                 baseline: float | None = None, confidence: float = 0.95) -> pd.DataFrame:
    """Seed 002's harness components with their production targets, checked against each run.

    ``baseline``: the golden-set pass rate of the model in production (the seed's "match baseline").
    """
    rows: list[dict[str, object]] = []
    for kind, comp in HARNESS_COMPONENTS.items():
        if kind is MetricKind.public_benchmark:
            continue
        mine = [s for s in runs if s.metric_kind == kind.value]
        base: dict[str, object] = {"Component": f"{comp.label} ({comp.target_metric})",
                                   "Production target (seed 002)": comp.production_target}
        summaries = summarize_rates([s.run for s in mine], method, confidence)
        if not summaries:
            rows.append({**base, "Candidate": "—", "Measured (%)": None, "Meets target": "no evidence yet",
                         "Shown by the interval": "", "Note": f"import a run measuring {comp.pass_means}"})
            continue
        for s in summaries:
            check = check_target(kind, s.rate, s.lower, s.upper, n=s.n,
                                 baseline=baseline if kind is MetricKind.golden_set_accuracy else None,
                                 confidence=confidence)
            rows.append({**base, "Candidate": s.name, "Measured (%)": round(100 * s.rate, 1),
                         "Meets target": _yes_no(check.met), "Shown by the interval": _yes_no(check.demonstrated),
                         "Note": check.message})
    return pd.DataFrame(rows)


def _yes_no(value: bool | None) -> str:
    return "n/a" if value is None else ("yes" if value else "no")


def capability_table(runs: Sequence[store.StoredRun], profile: Profile, method: IntervalMethod,
                     confidence: float = 0.95) -> pd.DataFrame:
    """What the ranking uses instead of the E/A/D prior: measured capability values with intervals."""
    try:
        evidence = capability_evidence([s.run for s in runs], task_class=profile.task_class, method=method,
                                       confidence=confidence)
    except EvidenceError as exc:
        st.warning(md(exc))
        return pd.DataFrame()
    return pd.DataFrame([{
        "Candidate": e.candidate, "Capability": CAPABILITY_LABELS[e.vector], "Measured (0–1)": round(e.value, 3),
        "Interval": f"{e.lower:.3f}–{e.upper:.3f}", "n (items)": e.n, "Method": e.method,
        "Sources": ", ".join(e.sources),
    } for e in evidence])


def _pct(value: float, test: str) -> str:
    return f"{100 * value:.1f}%" if test == "mcnemar-exact" else f"{value:.3f}"


def _iv(iv: tuple[float, float], test: str) -> str:
    return f"{_pct(iv[0], test)} – {_pct(iv[1], test)}"
