"""Edit forms for candidates and profiles.

A form returns the *raw* values; the caller validates them with the domain model so every rule
lives in one place (pydantic) and an invalid value shows its field's error and saves nothing.
Widget keys include the record id and the version loaded, so a reload after a conflict (or a
successful save) repopulates the form from the stored row.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from workbench.domain.models import (
    CAPABILITY_LABELS,
    CAPABILITY_VECTORS,
    CRITERIA,
    CRITERION_LABELS,
    LICENSE_RESTRICTION_LABELS,
    RATING_LABELS,
    REGIONS,
    TOPOLOGY_LABELS,
    Candidate,
    FailureMode,
    FailurePolicy,
    LanguageScope,
    LicenseRestriction,
    Modality,
    OutputForm,
    Profile,
    ReasoningDepth,
    RiskLevel,
    TaskClass,
    ToolUseComplexity,
    Topology,
    UserExposure,
)
from workbench.domain.requirements import FIELD_ENFORCEMENT as ENFORCEMENT

UNKNOWN = "unknown"

CANDIDATE_LABELS = {
    "name": "Name",
    "context_window": "Context window (tokens)",
    "max_output_tokens": "Max output tokens",
    "pricing.input_per_mtok": "Input price (USD / 1M tokens)",
    "pricing.output_per_mtok": "Output price (USD / 1M tokens)",
    "pricing.cached_input_per_mtok": "Cached input price (USD / 1M tokens)",
    "pricing.reasoning_per_mtok": "Reasoning price (USD / 1M tokens)",
    "latency.ttft_p50_ms": "TTFT p50 (ms)",
    "latency.ttft_p95_ms": "TTFT p95 (ms)",
    "latency.output_tokens_per_s": "Output speed (tokens/s)",
    "chars_per_token": "Characters per token",
    "modalities": "Modalities",
}

PROFILE_LABELS = {
    "name": "Name",
    "context_length_tokens": "Context length need (tokens)",
    "latency_sla.ttft_ms": "TTFT SLA (ms)",
    "latency_sla.total_p95_ms": "Total p95 SLA (ms)",
    "cost_ceiling_per_success_usd": "Cost ceiling per successful outcome (USD)",
    "throughput.peak_rps": "Peak requests / s",
    "throughput.concurrent_requests": "Concurrent requests",
}


def _label(enum_value: str) -> str:
    return enum_value.replace("_", " ").capitalize()


def _optional_number(label: str, value: float | int | None, key: str, *, step: float | int, fmt: str,
                     help: str | None = None, container: Any = st) -> Any:
    return container.number_input(label, value=value, step=step, format=fmt, key=key, help=help,
                                  placeholder=UNKNOWN)


# --------------------------------------------------------------------------- candidate


def candidate_form(candidate: Candidate, key: str, submit_label: str) -> dict[str, Any] | None:
    """Draw the candidate form; on submit return the raw candidate dict (not yet validated)."""
    with st.form(key=f"{key}-form", border=True):
        identity, deploy, prices, caps, more = st.tabs(
            ["Identity", "Deployment & licence", "Prices & latency", "Capabilities", "Tokenizer & notes"]
        )
        with identity:
            values = _identity_fields(candidate, key)
        with deploy:
            values |= _deployment_fields(candidate, key)
        with prices:
            values |= _price_fields(candidate, key)
        with caps:
            values["capabilities"] = _capability_fields(candidate, key)
        with more:
            values["chars_per_token"] = _optional_number(
                "Characters per token", candidate.chars_per_token, f"{key}-cpt", step=0.1, fmt="%.2f",
                help="Tokenizer compression; drives the tokenizer-drift cost effect.")
            values["notes"] = st.text_area("Notes", candidate.notes, key=f"{key}-notes", max_chars=5000)
            source = st.text_input("Source of this edit", "", key=f"{key}-source",
                                   placeholder="e.g. vendor pricing page URL, benchmark report",
                                   help="Recorded as provenance for the values you change.")
        submitted = st.form_submit_button(submit_label, type="primary")
    if not submitted:
        return None
    raw = candidate.model_dump(mode="json")
    raw.update(values)
    raw["_edit_source"] = source.strip()
    return raw


def _identity_fields(candidate: Candidate, key: str) -> dict[str, Any]:
    c1, c2 = st.columns(2)
    name = c1.text_input("Name", candidate.name, key=f"{key}-name", max_chars=200)
    provider = c2.text_input("Provider", candidate.provider, key=f"{key}-provider")
    family = c1.text_input("Family", candidate.family, key=f"{key}-family")
    version = c2.text_input("Version", candidate.version, key=f"{key}-version")
    open_weights = c1.checkbox("Open weights", candidate.open_weights, key=f"{key}-open")
    hf_repo = c2.text_input("Hugging Face repository", candidate.hf_repo or "", key=f"{key}-hf")
    context = _optional_number("Context window (tokens)", candidate.context_window, f"{key}-ctx",
                               step=1024, fmt="%d", container=c1)
    max_out = _optional_number("Max output tokens", candidate.max_output_tokens, f"{key}-maxout",
                               step=1024, fmt="%d", container=c2)
    modalities = st.multiselect("Modalities", [m.value for m in Modality], [m.value for m in candidate.modalities],
                                key=f"{key}-mod")
    return {"name": name.strip(), "provider": provider.strip(), "family": family.strip(),
            "version": version.strip(), "open_weights": open_weights, "hf_repo": hf_repo.strip() or None,
            "context_window": None if context is None else int(context),
            "max_output_tokens": None if max_out is None else int(max_out), "modalities": modalities}


def _deployment_fields(candidate: Candidate, key: str) -> dict[str, Any]:
    topologies = st.multiselect(
        "Deployment topologies offered", [t.value for t in Topology],
        [t.value for t in candidate.topologies], format_func=lambda v: TOPOLOGY_LABELS[v], key=f"{key}-topo",
    )
    regions = st.multiselect(
        "Data-residency regions offered", list(REGIONS), candidate.regions, key=f"{key}-regions",
        help="'any' = open weights you can host in any region you choose.",
    )
    lic = candidate.license
    l1, l2 = st.columns(2)
    license_name = l1.text_input("Licence", lic.name if lic else "", key=f"{key}-lic")
    kinds = ["proprietary_api", "open_weight_custom", "open_source"]
    license_kind = l2.selectbox("Licence kind", kinds, kinds.index(lic.kind) if lic else 0,
                                format_func=_label, key=f"{key}-lickind")
    restrictions = st.multiselect(
        "Licence restrictions", [r.value for r in LicenseRestriction],
        [r.value for r in lic.restrictions] if lic else [],
        format_func=lambda v: LICENSE_RESTRICTION_LABELS[v], key=f"{key}-licr",
    )
    license_raw = ({"name": license_name.strip(), "kind": license_kind, "restrictions": restrictions,
                    "output_use": lic.output_use if lic else "", "retention": lic.retention if lic else ""}
                   if license_name.strip() else None)
    return {"topologies": topologies, "regions": regions, "license": license_raw}


def _price_fields(candidate: Candidate, key: str) -> dict[str, Any]:
    pricing = candidate.pricing
    p1, p2 = st.columns(2)
    price_in = _optional_number("Input price (USD / 1M tokens)", pricing.input_per_mtok if pricing else None,
                                f"{key}-pin", step=0.01, fmt="%.4f", container=p1)
    price_out = _optional_number("Output price (USD / 1M tokens)", pricing.output_per_mtok if pricing else None,
                                 f"{key}-pout", step=0.01, fmt="%.4f", container=p2)
    price_cached = _optional_number("Cached input price (USD / 1M tokens)",
                                    pricing.cached_input_per_mtok if pricing else None,
                                    f"{key}-pcached", step=0.01, fmt="%.4f", container=p1)
    price_reason = _optional_number("Reasoning price (USD / 1M tokens)",
                                    pricing.reasoning_per_mtok if pricing else None,
                                    f"{key}-preason", step=0.01, fmt="%.4f", container=p2,
                                    help="Only if billed apart from output tokens.")
    if pricing and pricing.tiers:
        st.caption("Long-context tiers (from the price file): " + "; ".join(
            f"above {t.above_input_tokens:,} input tokens: ${t.input_per_mtok:g} in"
            + (f" / ${t.output_per_mtok:g} out" if t.output_per_mtok is not None else "")
            for t in pricing.tiers))
    lat = candidate.latency
    t1, t2, t3 = st.columns(3)
    ttft50 = _optional_number("TTFT p50 (ms)", lat.ttft_p50_ms, f"{key}-t50", step=10.0, fmt="%.0f", container=t1)
    ttft95 = _optional_number("TTFT p95 (ms)", lat.ttft_p95_ms, f"{key}-t95", step=10.0, fmt="%.0f", container=t2)
    tps = _optional_number("Output speed (tokens/s)", lat.output_tokens_per_s, f"{key}-tps",
                           step=1.0, fmt="%.1f", container=t3)
    pricing_raw: dict[str, Any] | None = None
    if price_in is not None or price_out is not None:
        pricing_raw = {
            **(pricing.model_dump(mode="json") if pricing else {}),
            "input_per_mtok": price_in, "output_per_mtok": price_out,
            "cached_input_per_mtok": price_cached, "reasoning_per_mtok": price_reason,
        }
    # measured fields the form does not edit (total p95, source, date) are kept as they are
    latency = {**lat.model_dump(mode="json"), "ttft_p50_ms": ttft50, "ttft_p95_ms": ttft95,
               "output_tokens_per_s": tps}
    return {"pricing": pricing_raw, "latency": latency}


def _capability_fields(candidate: Candidate, key: str) -> dict[str, Any]:
    st.caption("E = Exceptional, A = Adequate, D = Deficient (seed 002 Capability Fit Matrix). "
               "Measured evidence (0–1) replaces the rating in the ranking.")
    options = [UNKNOWN, "E", "A", "D"]
    capabilities: dict[str, Any] = {}
    cols = st.columns(2)
    for i, vector in enumerate(CAPABILITY_VECTORS):
        current = candidate.capabilities.get(vector)
        rating = current.rating if current and current.rating else UNKNOWN
        choice = cols[i % 2].selectbox(
            CAPABILITY_LABELS[vector], options, options.index(rating), key=f"{key}-cap-{vector}",
            format_func=lambda v: v if v == UNKNOWN else f"{v} — {RATING_LABELS[v]}",
        )
        measured = current.measured if current else None
        if choice != UNKNOWN or measured is not None:
            capabilities[vector] = {"rating": None if choice == UNKNOWN else choice, "measured": measured}
    return capabilities


# --------------------------------------------------------------------------- profile


def _enum_select(label: str, enum: Any, value: Any, key: str, container: Any = st, help: str | None = None,
                 optional: bool = False) -> str:
    """A select of the enum's values; ``optional`` adds "" = not stated (the caller maps it to None)."""
    options = ([""] if optional else []) + [e.value for e in enum]
    index = options.index(value.value if value is not None else "")
    return str(container.selectbox(label, options, index, key=key, help=help,
                                   format_func=lambda v: _label(v) if v else "— not stated —"))


def _one_value(requirement: float | None, constraint: float | None) -> float | None:
    """The one value of a requirement that is also a hard constraint (``Profile`` keeps them equal):
    the requirement, or a constraint stated alone."""
    return requirement if requirement is not None else constraint


def derived_constraint_lines(profile: Profile) -> list[tuple[str, str]]:
    """(label, value and source) of the two hard constraints that are requirements 8b and 10."""
    from workbench.domain.money import usd_per_success

    cons = profile.constraints
    p95 = _one_value(profile.latency_sla.total_p95_ms, cons.max_p95_latency_ms)
    cost = _one_value(profile.cost_ceiling_per_success_usd, cons.max_cost_per_success_usd)
    return [("Max p95 latency", ("no limit" if p95 is None else f"{p95:,.0f} ms")
             + " — from requirement 8b · Total p95 SLA"),
            ("Max cost per success", ("no limit" if cost is None else usd_per_success(cost))
             + " — from requirement 10 · Cost ceiling")]


def _derived_constraints(profile: Profile, container: Any, key: str) -> None:
    """The SLA and cost ceiling shown read-only beside the other constraints: one value, set on the SLA tab."""
    for i, (label, shown) in enumerate(derived_constraint_lines(profile)):
        container.text_input(label, shown, disabled=True, key=f"{key}-derived-{i}",
                             help="Set on the tab 'SLAs, cost & privacy': the requirement and the hard constraint "
                                  "are one value.")


def profile_form(profile: Profile, key: str, submit_label: str) -> dict[str, Any] | None:
    """Draw the thirteen dimensions + workload + weights/constraints; return the raw dict on submit."""
    with st.form(key=f"{key}-form", border=True):
        req, slas, work, weights_tab = st.tabs(
            ["Requirements", "SLAs, cost & privacy", "Workload", "Weights & constraints"]
        )
        with req:
            c1, c2 = st.columns(2)
            name = c1.text_input("Name", profile.name, key=f"{key}-name", max_chars=200)
            description = c2.text_input("Description", profile.description, key=f"{key}-desc")
            task_class = _enum_select("1 · Task class", TaskClass, profile.task_class, f"{key}-task", c1,
                                      help=ENFORCEMENT["task_class"])
            exposure = _enum_select("2a · Users", UserExposure, profile.user_exposure, f"{key}-exposure", c2,
                                    optional=True, help=ENFORCEMENT["user_exposure"])
            risk = _enum_select("2b · Risk level", RiskLevel, profile.risk_level, f"{key}-risk", c1,
                                help=ENFORCEMENT["risk_level"])
            output_form = _enum_select("3 · Output form", OutputForm, profile.output_form, f"{key}-output", c2,
                                       optional=True, help=ENFORCEMENT["output_form"])
            modalities = c1.multiselect("4 · Required modalities", [m.value for m in Modality],
                                        [m.value for m in profile.required_modalities], key=f"{key}-mod")
            depth = _enum_select("5 · Reasoning depth", ReasoningDepth, profile.reasoning_depth, f"{key}-depth", c2,
                                 optional=True, help=ENFORCEMENT["reasoning_depth"])
            context = c1.number_input("6 · Context length need (tokens)", value=profile.context_length_tokens,
                                      step=1000, key=f"{key}-ctx")
            tool_use = _enum_select("7 · Tool-use complexity", ToolUseComplexity, profile.tool_use, f"{key}-tools", c2,
                                    optional=True, help=ENFORCEMENT["tool_use"])
            language = _enum_select("12 · Language scope", LanguageScope, profile.language_scope, f"{key}-lang", c1,
                                    optional=True, help=ENFORCEMENT["language_scope"])
            failures = c2.multiselect("13 · Unacceptable failures", [f.value for f in FailureMode],
                                      [f.value for f in profile.unacceptable_failures], format_func=_label,
                                      key=f"{key}-fail", help=ENFORCEMENT["unacceptable_failures"])
            policy = _enum_select("Failure policy", FailurePolicy, profile.failure_policy, f"{key}-policy", c1,
                                  help="Fail-closed: halt and escalate to human review (seed 002). "
                                  + ENFORCEMENT["failure_policy"])
            unknown_mode = c2.selectbox(
                "Unknown data", ["", "range", "exclude"], ["", "range", "exclude"].index(profile.unknown_policy.mode or ""),
                format_func=lambda v: {"": "by risk (exclude for high/critical)", "range": "rank as ranges",
                                       "exclude": "exclude below the minimum completeness"}[v],
                key=f"{key}-unknown", help=ENFORCEMENT["unknown_policy"])
            min_complete = c1.slider("Minimum completeness (share of weighted criteria known)", 0.0, 1.0,
                                     profile.unknown_policy.min_completeness, 0.05, key=f"{key}-complete")
        with slas:
            s1, s2 = st.columns(2)
            ttft = _optional_number("8a · TTFT SLA (ms)", profile.latency_sla.ttft_ms, f"{key}-ttft", step=10.0,
                                    fmt="%.0f", container=s1)
            total = _optional_number("8b · Total p95 SLA (ms)", _one_value(profile.latency_sla.total_p95_ms,
                                     profile.constraints.max_p95_latency_ms), f"{key}-p95", step=50.0, fmt="%.0f",
                                     container=s2, help="Also the hard constraint: a candidate whose p95 is above it "
                                     "is excluded.")
            rps = _optional_number("9a · Peak requests / s", profile.throughput.peak_rps, f"{key}-rps", step=1.0,
                                   fmt="%.1f", container=s1)
            conc = _optional_number("9b · Concurrent requests", profile.throughput.concurrent_requests,
                                    f"{key}-conc", step=1, fmt="%d", container=s2)
            ceiling = _optional_number("10 · Cost ceiling per successful outcome (USD)",
                                       _one_value(profile.cost_ceiling_per_success_usd,
                                                  profile.constraints.max_cost_per_success_usd),
                                       f"{key}-ceiling", step=0.001, fmt="%.4f", container=s1,
                                       help="Also the hard constraint: a candidate costing more per successful "
                                       "outcome is excluded.")
            topologies = s2.multiselect("11a · Allowed deployment topologies (empty = any)",
                                        [t.value for t in Topology],
                                        [t.value for t in profile.privacy.allowed_topologies],
                                        format_func=lambda v: TOPOLOGY_LABELS[v], key=f"{key}-topo")
            residency = s1.multiselect("11b · Data residency (empty = any)", list(REGIONS),
                                       profile.privacy.data_residency, key=f"{key}-res")
            zero_retention = s2.checkbox("11c · Zero retention required", profile.privacy.zero_retention_required,
                                         key=f"{key}-zr", help=ENFORCEMENT["privacy.zero_retention_required"])
        with work:
            wl = profile.workload
            w1, w2 = st.columns(2)
            in_tok = w1.number_input("Input tokens per request", value=wl.input_tokens, step=100, key=f"{key}-in")
            out_tok = w2.number_input("Output tokens per request", value=wl.output_tokens, step=50, key=f"{key}-out")
            req_month = w1.number_input("Requests per month", value=wl.requests_per_month, step=10_000,
                                        key=f"{key}-rpm")
            cached = w2.slider("Cached share of input", 0.0, 1.0, wl.cached_share, 0.05, key=f"{key}-cached")
            retries = w1.number_input("Max retries", value=wl.max_retries, step=1, key=f"{key}-retries")
            valid = w2.slider("Valid-output rate", 0.01, 1.0, wl.valid_output_rate, 0.01, key=f"{key}-valid")
            review_cost = w1.number_input("Human review cost per case (USD)", value=wl.human_review_cost_usd,
                                          step=0.1, format="%.2f", key=f"{key}-review")
            review_rate = w2.slider("Human review rate", 0.0, 1.0, wl.human_review_rate, 0.01, key=f"{key}-rrate")
        with weights_tab:
            st.caption("Weights are relative (any non-negative numbers); move them live on the Trade-offs page.")
            weights_df = pd.DataFrame(
                {"criterion": [CRITERION_LABELS[c] for c in CRITERIA],
                 "weight": [float(profile.weights.get(c, 0.0)) for c in CRITERIA]}
            )
            edited = st.data_editor(
                weights_df, key=f"{key}-weights", hide_index=True, disabled=["criterion"],
                column_config={"weight": st.column_config.NumberColumn("Weight", min_value=0.0, step=0.5)},
            )
            cons = profile.constraints
            k1, k2 = st.columns(2)
            min_ctx = _optional_number("Minimum context (tokens)", cons.min_context_tokens, f"{key}-minctx",
                                       step=1000, fmt="%d", container=k1)
            _derived_constraints(profile, k2, key)
            forbidden = k2.multiselect("Refuse licence clauses", [r.value for r in LicenseRestriction],
                                       [r.value for r in cons.forbidden_license_restrictions],
                                       format_func=lambda v: LICENSE_RESTRICTION_LABELS[v], key=f"{key}-forbid")
            open_only = k1.checkbox("Open weights only", cons.open_weights_only, key=f"{key}-openonly")
        submitted = st.form_submit_button(submit_label, type="primary")
    if not submitted:
        return None
    raw = profile.model_dump(mode="json")
    weights = {c: float(w) for c, w in zip(CRITERIA, edited["weight"].fillna(0.0), strict=True)}
    raw.update(
        name=name.strip(), description=description.strip(), task_class=task_class, user_exposure=exposure or None,
        risk_level=risk, output_form=output_form or None, required_modalities=modalities,
        reasoning_depth=depth or None, context_length_tokens=int(context), tool_use=tool_use or None,
        language_scope=language or None,
        unacceptable_failures=failures, failure_policy=policy,
        unknown_policy={"mode": unknown_mode or None, "min_completeness": float(min_complete)},
        latency_sla={"ttft_ms": ttft, "total_p95_ms": total},
        throughput={**raw["throughput"], "peak_rps": rps, "concurrent_requests": None if conc is None else int(conc)},
        cost_ceiling_per_success_usd=ceiling,
        privacy={"allowed_topologies": topologies, "data_residency": residency,
                 "zero_retention_required": zero_retention},
        workload={**raw["workload"], "input_tokens": int(in_tok), "output_tokens": int(out_tok),
                  "requests_per_month": int(req_month), "cached_share": cached, "max_retries": int(retries),
                  "valid_output_rate": valid, "human_review_cost_usd": review_cost,
                  "human_review_rate": review_rate},
        weights=weights,
        constraints={**raw["constraints"], "min_context_tokens": None if min_ctx is None else int(min_ctx),
                     # one source of truth: the hard limits ARE requirements 8b and 10
                     "max_p95_latency_ms": total, "max_cost_per_success_usd": ceiling,
                     "forbidden_license_restrictions": forbidden, "open_weights_only": open_only,
                     "allowed_topologies": topologies, "data_residency": residency},
    )
    return raw
