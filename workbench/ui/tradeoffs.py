"""Trade-offs page helpers: cached inputs, weight and constraint widgets, view-state in the URL.

The decision matrix (candidates x criteria, costs included) is built once per workspace revision
and profile workload and cached as a resource (read-only arrays, no copy); every slider move only
re-ranks it (``rank_matrix``: a few ms) inside a fragment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from workbench.domain.checks import Check
from workbench.domain.decision_matrix import DecisionMatrix, RankingResult, rank_matrix
from workbench.domain.evidence import CapabilityEvidence, EvaluationRun
from workbench.domain.models import (
    CAPABILITY_LABELS,
    CAPABILITY_VECTORS,
    CRITERIA,
    CRITERION_LABELS,
    LICENSE_RESTRICTION_LABELS,
    REGIONS,
    TOPOLOGY_LABELS,
    Candidate,
    GpuFitConstraint,
    HardConstraints,
    LicenseRestriction,
    Modality,
    Profile,
    Topology,
)
from workbench.domain.ranking_result import TiedWith
from workbench.domain.scenario import Scenario, effective_profile
from workbench.domain.smaa import SmaaResult, run_smaa
from workbench.io.gpus import load_gpu_catalog
from workbench.services import decide as analysis
from workbench.services import ranking_notes
from workbench.store.repository import Record
from workbench.store.workspace import get_profile, list_profiles, list_scenarios
from workbench.ui.state import seen_versions
from workbench.ui.text import md

WEIGHT_MAX = 5.0
METHOD_LABELS = {"Weighted sum": "wsm", "TOPSIS": "topsis"}  # shown (and in the URL) -> engine code
METHOD_NAMES = {code: label for label, code in METHOD_LABELS.items()}


def workspace_revision(engine: Engine) -> int:
    """Changes whenever anything is saved (every change writes an audit event): a service reads it."""
    return analysis.workspace_revision(engine)


@st.cache_resource(max_entries=8, ttl=600, show_spinner=False)
def _candidates_at(_engine: Engine, url: str, revision: int, _profile: Record[Profile],
                   profile_id: int) -> tuple[Candidate, ...]:
    return analysis.candidates_for(_engine, _profile)


def candidates(engine: Engine, profile: Record[Profile]) -> tuple[Candidate, ...]:
    """Every candidate with this profile's evidence applied (cached per workspace revision)."""
    return _candidates_at(engine, str(engine.url), workspace_revision(engine), profile, profile.id)


def _workload_key(profile: Profile) -> str:
    """Everything of the profile the decision matrix depends on (not the weights or constraints)."""
    body = profile.model_dump_json(include={"workload", "context_length_tokens", "privacy", "language_scope",
                                            "risk_level", "unknown_policy"})
    return hashlib.sha256(body.encode()).hexdigest()


@st.cache_resource(max_entries=16, ttl=600, show_spinner=False)
def _matrix(_engine: Engine, url: str, revision: int, workload_key: str, profile_id: int,
            _record: Record[Profile], _profile: Profile) -> DecisionMatrix:
    return analysis.build_matrix(_profile, list(_candidates_at(_engine, url, revision, _record, profile_id)))


def decision_matrix(engine: Engine, record: Record[Profile], profile: Profile) -> DecisionMatrix:
    """Criteria values for every candidate under ``profile``'s workload (cached per revision)."""
    return _matrix(engine, str(engine.url), workspace_revision(engine), _workload_key(profile), record.id,
                   record, profile)


def checks(engine: Engine, record: Record[Profile], dm: DecisionMatrix, constraints: HardConstraints) -> list[Check]:
    return analysis.extra_checks(dm, candidates(engine, record), constraints)


def ranking(dm: DecisionMatrix, weights: dict[str, float], constraints: HardConstraints, method: str,
            extra: list[Check]) -> RankingResult:
    return rank_matrix(dm, weights, constraints, method, extra)


@st.cache_resource(max_entries=8, ttl=600, show_spinner=False)
def _evidence_at(_engine: Engine, url: str, revision: int, _profile: Record[Profile],
                 profile_id: int) -> list[CapabilityEvidence]:
    return analysis.profile_evidence(_engine, _profile)


@st.cache_resource(max_entries=8, ttl=600, show_spinner=False)
def _runs_at(_engine: Engine, url: str, revision: int, _profile: Record[Profile],
             profile_id: int) -> dict[str, list[EvaluationRun]]:
    return analysis.profile_runs(_engine, _profile)


def tied_with_leader(engine: Engine, record: Record[Profile], profile: Profile,
                     result: RankingResult) -> list[TiedWith]:
    """Who the evidence cannot separate from the leader, and on what basis (paired test or intervals)."""
    runs = _runs_at(engine, str(engine.url), workspace_revision(engine), record, record.id)
    return ranking_notes.ties(result, profile, runs)


def robustness(engine: Engine, record: Record[Profile], dm: DecisionMatrix, weights: dict[str, float],
               constraints: HardConstraints, method: str, samples: int, spread: float, seed: int,
               extra: list[Check]) -> SmaaResult:
    """SMAA-2 around the sliders' weights; measured capabilities are drawn from their evidence intervals."""
    evidence = _evidence_at(engine, str(engine.url), workspace_revision(engine), record, record.id)
    draws = analysis.capability_draws(dm, candidates(engine, record), evidence, seed=seed)
    return run_smaa(dm, weights, constraints, method=method, n_samples=samples, spread=spread, seed=seed,
                    extra_checks=extra, capability_draws=draws)


def measured_vectors(cands: tuple[Candidate, ...]) -> dict[str, list[str]]:
    """Candidate -> capability vectors whose value comes from imported evidence, not the E/A/D prior."""
    return {c.name: [v for v, r in c.capabilities.items() if r.measured is not None] for c in cands}


# --------------------------------------------------------------------------- view state


@dataclass(frozen=True)
class View:
    profile: Record[Profile]
    scenario: Record[Scenario] | None
    profile_seen: int  # the version this browser session loaded (the optimistic lock's "seen")
    scenario_seen: int | None
    method_slot: Any = None  # where the method control goes (beside the selectors)

    @property
    def effective(self) -> Profile:
        return effective_profile(self.profile.model, self.scenario.model if self.scenario else None)

    @property
    def key(self) -> str:
        """Widget-key prefix: switching profile/scenario, or reloading a newer version, re-seeds the sliders.

        Keys use the version *seen*, so someone else's save never resets what this person is moving.
        """
        s = f"s{self.scenario.id}v{self.scenario_seen}" if self.scenario else "s0"
        return f"to-p{self.profile.id}v{self.profile_seen}-{s}"

    @property
    def stale(self) -> str | None:
        """Who saved a newer version since this session loaded it, if anyone."""
        if self.profile.version != self.profile_seen:
            return f"{self.profile.updated_by} saved a newer version of profile {self.profile.model.name}"
        if self.scenario is not None and self.scenario.version != self.scenario_seen:
            return f"{self.scenario.updated_by} saved a newer version of scenario {self.scenario.model.name}"
        return None

    def reload(self) -> None:
        seen_versions()[f"profile:{self.profile.id}"] = self.profile.version
        if self.scenario is not None:
            seen_versions()[f"scenario:{self.scenario.id}"] = self.scenario.version


def choose_view(engine: Engine) -> View | None:
    """Profile and scenario selectors, bound to the URL (?profile=...&scenario=...)."""
    profiles = list_profiles(engine)
    if not profiles:
        return None
    names = [r.model.name for r in profiles]
    c1, c2, c3 = st.columns([3, 3, 2])
    linked = st.query_params.get("profile")
    if linked is not None and linked not in names:
        st.session_state["to_link_warning"] = (f"The link names profile {linked!r}, which this workspace does not "
                                               "have: showing another profile instead.")
    if st.session_state.get("profile") is not None and st.session_state["profile"] not in names:
        del st.session_state["profile"]  # a deleted or renamed profile
    chosen = c1.selectbox("Profile", names, key="profile", bind="query-params")
    profile = next(r for r in profiles if r.model.name == chosen)
    profile = get_profile(engine, profile.id)
    scenarios = list_scenarios(engine, profile.id)
    options = ["", *[s.model.name for s in scenarios]]
    pending = st.session_state.pop("to_pending_scenario", None)
    if pending in options:  # "Save as scenario" switches to the scenario it saved
        st.session_state["scenario"] = pending
    linked_s = st.query_params.get("scenario")
    if linked_s and linked_s not in options:
        st.session_state["to_link_warning"] = (f"The link names scenario {linked_s!r}, which profile {chosen!r} does "
                                               "not have: showing the profile as saved.")
    if st.session_state.get("scenario") is not None and st.session_state["scenario"] not in options:
        del st.session_state["scenario"]
    scenario_name = c2.selectbox("Scenario", options, key="scenario", bind="query-params",
                                 format_func=lambda n: n or "— the profile as saved —",
                                 help="A scenario explores weights and constraints without changing the profile.")
    scenario = next((s for s in scenarios if s.model.name == scenario_name), None)
    seen = seen_versions()
    profile_seen = seen.setdefault(f"profile:{profile.id}", profile.version)
    scenario_seen = seen.setdefault(f"scenario:{scenario.id}", scenario.version) if scenario else None
    warning = st.session_state.pop("to_link_warning", None)
    if warning:
        st.warning(md(warning), icon=":material/link_off:")
    return View(profile, scenario, profile_seen, scenario_seen, c3)


def mark_saved(kind: str, record_id: int, version: int) -> None:
    seen_versions()[f"{kind}:{record_id}"] = version


def method_control(view: View, seed: str) -> str:
    """Weighted sum / TOPSIS beside the selectors, bound to the URL (?method=TOPSIS); seeded from the draft."""
    # The labels are the options: a bound widget keeps its *displayed* value in the URL, and default=
    # (not session_state) lets a value in the URL win.
    view.method_slot.segmented_control("Method", list(METHOD_LABELS), key="method", bind="query-params",
                                       default=METHOD_NAMES.get(seed, "Weighted sum"))
    return method()


def method() -> str:
    return METHOD_LABELS.get(st.session_state.get("method") or "", "wsm")


# --------------------------------------------------------------------------- widgets


def weight_sliders(prefix: str, weights: dict[str, float]) -> dict[str, float]:
    """One slider per criterion (relative weights 0-5), seeded from the draft, else the profile or scenario."""
    out: dict[str, float] = {}
    groups = [("Capabilities", CAPABILITY_VECTORS), ("Economics and fit", tuple(c for c in CRITERIA
                                                                                  if c not in CAPABILITY_VECTORS))]
    for title, criteria in groups:
        st.caption(title)
        cols = st.columns(2)
        for i, criterion in enumerate(criteria):
            out[criterion] = cols[i % 2].slider(
                CRITERION_LABELS[criterion], 0.0, WEIGHT_MAX, float(min(weights.get(criterion, 0.0), WEIGHT_MAX)),
                0.25, key=f"{prefix}-w-{criterion}")
    return out


def constraint_widgets(k: str, c: HardConstraints) -> HardConstraints:
    """Hard-constraint widgets seeded from the draft, else the profile's constraints (and its own dimensions).

    The p95 SLA and the cost ceiling ARE profile requirements 8b and 10 (one value: saving to the profile writes
    the requirement)."""
    a, b = st.columns(2)
    min_context = a.number_input("Minimum context (tokens)", min_value=0, value=c.min_context_tokens or 0,
                                 step=8_000, key=f"{k}-c-ctx", help="0 = no minimum")
    max_latency = b.number_input("p95 latency SLA (ms) · requirement 8b", min_value=0.0,
                                 value=float(c.max_p95_latency_ms or 0.0), step=100.0, key=f"{k}-c-lat",
                                 help="The profile's requirement 8b (Total p95 SLA): saving to the profile writes it there. 0 = no SLA. p95 = measured (imported evidence) where known, else TTFT p95 + output tokens / decode speed.")
    max_cost = a.number_input("Cost ceiling per success (USD) · requirement 10", min_value=0.0,
                              value=float(c.max_cost_per_success_usd or 0.0), step=0.001, format="%.4f",
                              key=f"{k}-c-cost",
                              help="The profile's requirement 10 (cost ceiling per successful outcome): saving to "
                              "the profile writes it there. 0 = no ceiling.")
    modalities = b.multiselect("Required modalities", [m.value for m in Modality],
                               [m.value for m in c.required_modalities], key=f"{k}-c-mod")
    topologies = a.multiselect("Allowed topologies (empty = any)", [t.value for t in Topology],
                               [t.value for t in c.allowed_topologies], format_func=lambda v: TOPOLOGY_LABELS[v],
                               key=f"{k}-c-topo")
    residency = b.multiselect("Data residency (empty = any)", [r for r in REGIONS if r != "any"],
                              [r for r in c.data_residency if r != "any"], key=f"{k}-c-res")
    forbidden = a.multiselect("Refuse licence clauses", [r.value for r in LicenseRestriction],
                              [r.value for r in c.forbidden_license_restrictions],
                              format_func=lambda v: LICENSE_RESTRICTION_LABELS[v], key=f"{k}-c-lic")
    open_only = b.toggle("Open weights only", c.open_weights_only, key=f"{k}-c-open")
    floors = st.multiselect("Capabilities with a minimum rating", list(CAPABILITY_VECTORS), list(c.min_rating),
                            format_func=lambda v: CAPABILITY_LABELS[v], key=f"{k}-c-minvec")
    min_rating: dict[str, str] = {}
    for vector in floors:  # widgets only for the chosen capabilities (each widget costs a rerun ~1 ms)
        min_rating[vector] = st.segmented_control(
            f"Minimum {CAPABILITY_LABELS[vector]}", ["D", "A", "E"], default=c.min_rating.get(vector, "A"),
            key=f"{k}-c-min-{vector}", format_func=lambda r: {"D": "D (any)", "A": "A or better", "E": "E only"}[r],
        ) or "D"
    gpu_fit = gpu_fit_widgets(c.gpu_fit, k)
    return HardConstraints(
        min_rating=min_rating,
        required_modalities=modalities,
        min_context_tokens=int(min_context) or None,
        max_cost_per_success_usd=max_cost or None,
        max_p95_latency_ms=max_latency or None,
        allowed_topologies=topologies,
        data_residency=residency,
        forbidden_license_restrictions=forbidden,
        open_weights_only=open_only,
        gpu_fit=gpu_fit,
    )


def gpu_fit_widgets(current: GpuFitConstraint | None, k: str) -> GpuFitConstraint | None:
    """"Must self-host on <= N x GPU at context C and concurrency K" (GPU memory fit, vLLM rules)."""
    if not st.toggle("Must self-host on GPUs", current is not None, key=f"{k}-c-gpu",
                     help="Excludes candidates that cannot be served within this GPU budget (see GPU fit)."):
        return None
    base = current or GpuFitConstraint(gpu="H100 SXM")
    names = load_gpu_catalog().names
    catalog = load_gpu_catalog()
    chosen = catalog.get(base.gpu).name if base.gpu else names[0]
    g1, g2 = st.columns(2)
    gpu = g1.selectbox("GPU", names, names.index(chosen) if chosen in names else 0, key=f"{k}-c-gpu-name")
    max_gpus = g2.number_input("At most GPUs", 1, 64, base.max_gpus, key=f"{k}-c-gpu-n")
    context = g1.number_input("Context (tokens)", 1_024, 2_000_000, base.context_tokens, 1_024, key=f"{k}-c-gpu-ctx")
    concurrency = g2.number_input("Concurrent requests", 1, 4_096, base.concurrency, key=f"{k}-c-gpu-conc")
    return base.model_copy(update={"gpu": gpu, "max_gpus": int(max_gpus), "context_tokens": int(context),
                                   "concurrency": int(concurrency)})


BASIS_SHORT = {"api": "API", "self_hosted": "GPU", "unknown": "?"}
TABLE_COLUMNS = {
    "#": st.column_config.NumberColumn(width=36),
    "Candidate": st.column_config.TextColumn(width=190),
    "Score": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.3f", width=80),
    "Range": st.column_config.TextColumn(help="Score from the worst to the best case of the candidate's unknown "
                                         "values; ! = its rank depends on unknowns", width=80),
    "Known": st.column_config.TextColumn(help="Completeness: share of weighted criteria known", width=56),
    "$/success": st.column_config.TextColumn(help="Cost per successful outcome (USD) and its basis: API = vendor "
                                             "price, GPU = self-hosted on GPUs, ? = unknown", width=105),
    "p95": st.column_config.TextColumn(help="p95 latency (ms); * = on the Pareto frontier", width=70),
    "Quality": st.column_config.NumberColumn(format="%.3f", help="Weighted capability, 0-1"),
    "API $/success": st.column_config.TextColumn(help="At the vendor's API price (USD), beside a self-hosted cost"),
    "Measured (evidence)": st.column_config.TextColumn(),
}


def result_table(result: RankingResult, measured: dict[str, list[str]] | None = None,
                 detail: bool = False) -> list[dict[str, Any]]:
    """The ranking, compact enough to fit its column (text cells: an unknown says "unknown", never "None")."""
    rows = []
    for row in result.rows:
        cost = "unknown" if row.cost_per_success is None else f"${row.cost_per_success:.5f}"
        out: dict[str, Any] = {
            "#": row.rank, "Candidate": row.name, "Score": round(row.score, 4),
            "Range": f"{row.score_range[0]:.2f}-{row.score_range[1]:.2f}" + (" !" if row.rank_depends_on_unknowns
                                                                             else ""),
            "Known": f"{100 * row.completeness:.0f}%",
            "$/success": cost if row.cost_per_success is None else f"{cost} {BASIS_SHORT[row.cost_basis]}",
            "p95": ("unknown" if row.latency_p95_ms is None else f"{row.latency_p95_ms:,.0f} ms")
            + (" *" if row.pareto else "")}
        if detail:
            out |= {"Quality": round(row.quality, 3),
                    "API $/success": f"${row.cost_api:.5f}" if row.cost_basis == "self_hosted" and row.cost_api
                    is not None else "",
                    "Measured (evidence)": ", ".join(CAPABILITY_LABELS[v] for v in (measured or {}).get(row.name, []))}
        rows.append(out)
    return rows


def data_gaps_table(result: RankingResult, top: int = 50) -> list[dict[str, Any]]:
    """One row per candidate with unknown weighted criteria (the first ``top``, rank order): which, and what would
    resolve each. ``workbench rank --json`` lists every gap (``ranking.data_gaps``)."""
    excluded = {e.name for e in result.excluded}
    return [{
        "Candidate": gap.name,
        "Known": f"{gap.known} of {gap.weighted}",
        "Status": "excluded (insufficient data)" if gap.name in excluded else "ranked with ranges",
        "Unknown criteria": ", ".join(CRITERION_LABELS.get(c, c) for c in gap.unknown),
        "What would resolve it": "; ".join(sorted(set(gap.resolve.values()))),
    } for gap in result.data_gaps[:top]]


def smaa_table(smaa: SmaaResult, top: int = 10) -> list[dict[str, Any]]:
    """Per candidate: first-rank acceptability, expected rank, confidence factor and its central weights
    (the typical weighting that makes it win), largest weights first."""
    rows = []
    for c in smaa.candidates[:top]:
        central = sorted((c.central_weights or {}).items(), key=lambda kv: -kv[1])[:4]
        rows.append({
            "Candidate": c.name,
            "Ranks first (%)": round(100 * c.first_rank, 1),
            "Expected rank": round(c.expected_rank, 2),
            "Confidence factor": "n/a (never first)" if c.confidence is None else f"{c.confidence:.2f}",
            "Central weights (top 4)": ", ".join(f"{CRITERION_LABELS.get(k, k)} {v:.0%}" for k, v in central)
            or "never ranks first",
        })
    return rows


def policy_text(result: RankingResult) -> str:
    policy = result.unknown_policy
    if policy.mode == "exclude":
        return (f"exclude below {policy.min_completeness:.0%} completeness ({policy.source}); others scored as ranges")
    return f"scored as ranges, never a guess ({policy.source})"


def data_gaps_panel(result: RankingResult) -> None:
    """One panel for every unknown: per candidate, which weighted criteria and what would resolve them."""
    if not result.data_gaps:
        return
    depends = [r.name for r in result.rows if r.rank_depends_on_unknowns]
    title = f"Data gaps ({len(result.data_gaps)} candidates)" + (
        f" · rank depends on unknowns for {len(depends)}" if depends else "")
    st.caption(md(title))
    st.dataframe(data_gaps_table(result), hide_index=True, width="stretch", key="to_gaps")
    if len(result.data_gaps) > 50:
        st.caption(f"First 50 of {len(result.data_gaps)}; `workbench rank --json` lists every gap.")


def tipping_panel(result: RankingResult) -> None:
    if not result.tipping_points:
        return
    st.caption("Tipping points (weighted sum): the smallest change that swaps the winner and a challenger")
    st.dataframe([{"Challenger": t.candidate, "Criterion": CRITERION_LABELS.get(t.criterion, t.criterion),
                   "Now": t.current, "Swaps at": t.threshold, "What": t.text}
                  for t in result.tipping_points[:12]], hide_index=True, width="stretch", key="to_tips")
