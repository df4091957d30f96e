"""Trade-offs, answer first: the decision card, the unsaved-changes bar and the share link.

* **Decision card** (``st.container(key="decision-card")``, the browser benchmark waits for it): winner, margin
  over the runner-up, robustness (SMAA-2 headline over weights *and* unknown values), completeness, cost per
  success against the ceiling with its basis and the monthly cost, p95 against the SLA, whether weighted sum and
  TOPSIS agree, and who is statistically tied with the leader. Monthly cost = cost per successful outcome x
  requests per month (profile requirement 11; every request served until it succeeds, retries included).
* **Drafts**: the sliders' weights, constraints and method per profile/scenario live in
  ``st.session_state["to_drafts"]`` (not widget state, which Streamlit drops when another page runs), so a visit to
  another page and back keeps an unsaved move; the widgets are seeded from the draft.
* **Share link**: ``?view=`` carries :func:`workbench.services.views.encode_view` of the draft (only what differs
  from the saved view); a link is validated on load and a bad one is a visible warning.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import streamlit as st

from workbench.domain.decision_matrix import RankingResult, constraints_from_profile
from workbench.domain.models import HardConstraints
from workbench.domain.money import usd_per_month, usd_per_success
from workbench.domain.ranking_result import TiedWith
from workbench.domain.smaa import SmaaResult
from workbench.services import views
from workbench.ui.text import md

DRAFTS = "to_drafts"
GENERATIONS = "to_generation"
LINK_PARAM = "view"
SMAA_CACHE = "to_smaa_cache"


@dataclass(frozen=True)
class Saved:
    """The saved view the sliders start from (the profile as saved, or a scenario)."""

    key: str  # "p<profile id>-s<scenario id or 0>"
    weights: dict[str, float]
    constraints: HardConstraints
    method: str


def saved_view(view: Any) -> Saved:
    eff = view.effective
    constraints = constraints_from_profile(eff) if view.scenario is None else eff.constraints
    sid = view.scenario.id if view.scenario is not None else 0
    method = view.scenario.model.method if view.scenario is not None else "wsm"
    return Saved(f"p{view.profile.id}-s{sid}", dict(eff.weights), constraints, method)


def drafts() -> dict[str, dict[str, Any]]:
    return st.session_state.setdefault(DRAFTS, {})


def draft(saved: Saved) -> dict[str, Any] | None:
    return drafts().get(saved.key)


def generation(saved: Saved) -> int:
    """Bumped by reset / a loaded link: part of the widget keys, so the widgets re-seed from the draft."""
    return int(st.session_state.setdefault(GENERATIONS, {}).get(saved.key, 0))


def _bump(saved: Saved) -> None:
    gens = st.session_state.setdefault(GENERATIONS, {})
    gens[saved.key] = gens.get(saved.key, 0) + 1


def seed_weights(saved: Saved) -> dict[str, float]:
    d = draft(saved)
    return {**saved.weights, **(d["weights"] if d else {})}


def seed_constraints(saved: Saved) -> HardConstraints:
    d = draft(saved)
    return HardConstraints.model_validate(d["constraints"]) if d else saved.constraints


def seed_method(saved: Saved) -> str:
    d = draft(saved)
    return str(d["method"]) if d else saved.method


def remember(saved: Saved, weights: dict[str, float], constraints: HardConstraints, method: str,
             compare: tuple[str, str] | None = None) -> bool:
    """Keep the sliders as this view's draft (dropped when equal to the saved view); True = unsaved changes.
    The share link (``?view=``) follows: the draft plus the compared views."""
    changed = views.encode_view(saved.weights, saved.constraints, saved.method, weights, constraints, method)
    token = views.encode_view(saved.weights, saved.constraints, saved.method, weights, constraints, method, compare)
    if changed:
        drafts()[saved.key] = {"weights": dict(weights), "constraints": constraints.model_dump(mode="json"),
                               "method": method}
    else:
        drafts().pop(saved.key, None)
    _write_link(saved, token)
    return bool(changed)


def _write_link(saved: Saved, token: str) -> None:
    if st.query_params.get(LINK_PARAM, "") != token:
        if token:
            st.query_params[LINK_PARAM] = token
        else:
            st.query_params.pop(LINK_PARAM, None)
    st.session_state["to_link_applied"] = (saved.key, token)


def forget(saved: Saved) -> None:
    """Drop the draft (after a save, a reset or a reload) and re-seed the widgets."""
    drafts().pop(saved.key, None)
    _bump(saved)
    if LINK_PARAM in st.query_params:
        st.query_params.pop(LINK_PARAM, None)


def apply_link(saved: Saved, scenario_names: list[str]) -> None:
    """A ``?view=`` token not yet applied in this session becomes the view's draft (validated; a bad link warns)."""
    token = st.query_params.get(LINK_PARAM, "")
    if not token or st.session_state.get("to_link_applied") in ((saved.key, token),):
        return
    st.session_state["to_link_applied"] = (saved.key, token)
    try:
        patch = views.decode_view(token, saved.constraints)
    except ValueError as exc:
        st.warning(f"{md(exc)}. Showing the saved view instead.")
        return
    weights = {**saved.weights, **(patch.weights or {})}
    drafts()[saved.key] = {"weights": weights,
                           "constraints": (patch.constraints or saved.constraints).model_dump(mode="json"),
                           "method": patch.method or saved.method}
    _bump(saved)
    if patch.compare is not None:
        unknown = [n for n in patch.compare if n and n not in scenario_names]
        if unknown:
            st.warning(f"The link compares scenario {md(unknown[0])}, which this profile does not have.")
        else:
            st.session_state.update(to_compare=True, to_cmp_a=patch.compare[0], to_cmp_b=patch.compare[1])


def unsaved_bar(saved: Saved, can_save_as: bool) -> str | None:
    """"Unsaved changes · reset · save as scenario": returns the new scenario's name when asked to save."""
    with st.container(key="edit-unsaved", horizontal=True, vertical_alignment="center"):
        st.caption(":material/edit_note: **Unsaved changes** in this view — kept while you visit other pages; "
                   "the link above carries them.")
        if st.button("Reset", key="to_reset", icon=":material/undo:", help="Back to the saved weights and "
                     "constraints."):
            forget(saved)
            st.rerun()
        with st.popover("Save as scenario", icon=":material/bookmark_add:", disabled=not can_save_as):
            name = st.text_input("Scenario name", key="to_bar_name", placeholder="e.g. PO: relaxed SLA")
            if st.button("Save", key="to_bar_save", disabled=not name.strip()):
                return name.strip()
    return None


# --------------------------------------------------------------------------- the card


def view_hash(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def cached_smaa(key: str, compute: Any) -> SmaaResult:
    """SMAA-2 once per view (weights, constraints, method, samples, spread): a repeated rerun reuses it."""
    cache: dict[str, SmaaResult] = st.session_state.setdefault(SMAA_CACHE, {})
    if key not in cache:
        if len(cache) >= 8:
            cache.pop(next(iter(cache)))
        cache[key] = compute()
    return cache[key]


def _share(smaa: SmaaResult | None, name: str) -> str:
    if smaa is None:
        return "not computed"
    share = next((c.first_rank for c in smaa.candidates if c.name == name), None)
    return "not computed" if share is None else f"{share:.0%} first"


def _vs(value: float | None, limit: float | None, fmt: Any, what: str) -> tuple[str, str]:
    if value is None:
        return "unknown", f"no figure; {what} {fmt(limit)}" if limit else "no figure"
    if not limit:
        return fmt(value), f"no {what} set"
    ratio = value / limit
    word = "within" if value <= limit else "ABOVE"
    return fmt(value), f"{ratio:.0%} of the {what} {fmt(limit)} ({word})"


def _ms(x: float | None) -> str:
    return "unknown" if x is None else f"{x:,.0f} ms"


def tied_text(tied: list[TiedWith], shown: int = 4) -> str:
    """"tied with the leader: A, B (intervals overlap); C (exact McNemar ..., p = 0.42)" -- names grouped by basis."""
    if not tied:
        return "no one statistically tied with the leader"
    groups: dict[str, list[str]] = {}
    for t in tied[:shown]:
        basis = t.basis + (f", p = {t.p_value:.2g}" if t.p_value is not None else "")
        groups.setdefault(basis, []).append(md(t.name))
    more = f"; and {len(tied) - shown} more" if len(tied) > shown else ""
    return "tied with the leader: " + "; ".join(f"{', '.join(n)} ({md(b)})" for b, n in groups.items()) + more


def robustness_metric(slot: Any, smaa: SmaaResult | None, winner: str) -> None:
    """Fill the card's robustness slot (SMAA runs after the open tab is drawn: the ranking is not kept waiting)."""
    slot.metric("Robustness", _share(smaa, winner), help=smaa.headline if smaa else
                "SMAA-2 over plausible weightings and unknown values")


def card(result: RankingResult, tied: list[TiedWith], constraints: HardConstraints,
         requests_per_month: int | None) -> Any:
    """The answer, in one band above the fold; returns the robustness slot (see :func:`robustness_metric`)."""
    win = result.rows[0]
    second = result.rows[1] if len(result.rows) > 1 else None
    with st.container(key="decision-card", border=True):
        head, c1, c2, c3 = st.columns([3, 2, 2, 2], gap="small")
        with head:
            st.subheader(f"1. {md(win.name)}", help=f"Tie-break: {result.tie_break}")
            margin = (f"+{win.score - second.score:.3f} over {md(second.name)}" if second
                      else "the only feasible candidate")
            st.caption(f"Score {win.score:.3f} ({win.score_range[0]:.3f}–{win.score_range[1]:.3f} over unknowns) "
                       f"· {margin}")
        slot = c1.empty()
        slot.metric("Robustness", "…", help="SMAA-2 over plausible weightings and unknown values (computing)")
        c1.caption(f"Completeness {win.completeness:.0%} of weighted criteria known"
                   + (" · rank depends on unknowns" if win.rank_depends_on_unknowns else ""))
        basis = {"api": "API price", "self_hosted": "self-hosted GPUs", "unknown": "unknown basis"}[win.cost_basis]
        value, against = _vs(win.cost_per_success, constraints.max_cost_per_success_usd, usd_per_success, "ceiling")
        c2.metric(f"Cost / success ({basis})", value, help="Cost per successful outcome on the stated basis; "
                  "the ceiling is profile requirement 10.")
        monthly = (f"{usd_per_month(win.cost_per_success * requests_per_month)}/month at "
                   f"{requests_per_month:,} requests" if win.cost_per_success is not None and requests_per_month
                   else "monthly: volume not set")
        c2.caption(f"{against} · {monthly}")
        lat_value, lat_against = _vs(win.latency_p95_ms, constraints.max_p95_latency_ms, _ms, "SLA")
        c3.metric("p95 latency", lat_value, help="The SLA is profile requirement 8b (Total p95 SLA).")
        c3.caption(lat_against)
        agree = ("Weighted sum and TOPSIS agree" if result.methods_agree else
                 f"Methods DISAGREE: weighted sum → {md(result.winners['wsm'])}, TOPSIS → "
                 f"{md(result.winners['topsis'])}")
        tie_text = tied_text(tied)
        st.caption(f":material/{'check_circle' if result.methods_agree else 'warning'}: {agree} · {tie_text} · "
                   f"{len(result.rows)} ranked, {len(result.excluded)} excluded")
    return slot
