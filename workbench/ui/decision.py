"""Decision page helpers: choose profile/scenario, draft, the record editor with origin badges, lifecycle with
confirmation, signing and download, history.

Rules live in :mod:`workbench.domain.mdr` (lifecycle, immutability, generated-vs-edited), the drafting in
:mod:`workbench.services.records`, persistence in :mod:`workbench.store.decisions`; this module lays them out.
"""

from __future__ import annotations

import math
from enum import Enum
from typing import Any, Literal, get_args, get_origin

import pandas as pd
import streamlit as st
from pydantic import BaseModel
from sqlalchemy import Engine

from workbench.domain.mdr import (
    MDR,
    SECTION_KEYS,
    SECTION_TITLES,
    FailurePolicy,
    MDRBody,
    MDRStatus,
    field_changes,
    field_origins,
    render_markdown,
)
from workbench.domain.models import Profile
from workbench.domain.snapshot import canonical_json, snapshot_digest
from workbench.services import signing
from workbench.services.records import DraftError, change_status, draft_from_workspace
from workbench.services.workbook import snapshot_workbook_bytes
from workbench.store import decisions as store
from workbench.store.repository import ConflictError, Record, StoreError
from workbench.store.workspace import get_profile, list_profiles, list_scenarios
from workbench.ui import signing as signing_ui
from workbench.ui.identity import can_edit
from workbench.ui.state import flash, seen_versions
from workbench.ui.tables import MISSING
from workbench.ui.text import md, record_markdown

STATUS_COLORS = {"draft": "gray", "proposed": "blue", "accepted": "green", "rejected": "red", "superseded": "orange"}
TAB_LABELS = ["1 · Context", "2 · Model", "3 · Evidence", "4 · Alternatives", "5 · Failure tolerance",
              "6 · Economics", "7 · Rollout"]
PENDING = "dec_pending"  # (record id, action) awaiting confirmation

# (field, label, kind) per section; kinds: text, area, lines, usd, pct, hours, policy, table, pairs
FIELDS: dict[str, list[tuple[str, str, str]]] = {
    "context": [("task_node", "Task graph node", "text"), ("problem_statement", "Problem statement", "area"),
                ("cognitive_requirements", "Cognitive requirements (one per line)", "lines"),
                ("latency_sla", "Latency SLA", "text"), ("cost_target", "Cost target", "text"),
                ("privacy_requirements", "Privacy requirements", "text"),
                ("other_constraints", "Other system constraints (one per line)", "lines")],
    "selection": [("selected_model", "Selected model identifier", "text"),
                  ("deployment_topology", "Deployment topology", "text"),
                  ("core_parameters", "Core parameters (vLLM flags)", "table"),
                  ("selection_basis", "Selection basis", "area")],
    "evidence": [("golden_set_accuracy", "Golden set accuracy", "text"),
                 ("structured_output_validity", "Structured-output validity rate", "text"),
                 ("target_latency_p95", "Target latency p95", "text"),
                 ("benchmark_references", "Benchmark references (one per line)", "lines"),
                 ("summary", "Evidence summary (one per line)", "lines")],
    "alternatives": [("alternatives", "Rejected alternatives and their reasons", "table")],
    "failure_tolerance": [("failure_policy", "Failure policy", "policy"),
                          ("policy_rationale", "Policy rationale", "area"),
                          ("failures", "Anticipated failures and mitigations", "table"),
                          ("linter_findings", "Linter findings", "table")],
    "economics": [("prefill_cost_per_1m_queries_usd", "Prefill cost per 1M queries (USD)", "usd"),
                  ("generation_cost_per_1m_queries_usd", "Generation cost per 1M queries (USD)", "usd"),
                  ("cost_per_success_usd", "Total cost per successful outcome (USD)", "usd"),
                  ("additional_usd", "Other cost items (USD)", "pairs"),
                  ("assumptions", "Assumptions (one per line)", "lines")],
    "rollout": [("shadow_traffic_pct", "Shadow traffic (% of live traffic)", "pct"),
                ("shadow_duration_hours", "Shadow duration (hours)", "hours"),
                ("canary_traffic_pct", "Canary traffic (% of live traffic)", "pct"),
                ("rollback_triggers", "Rollback triggers (metric, comparator, threshold, unit)", "table"),
                ("reconsideration_conditions", "Reconsideration conditions (one per line)", "lines"),
                ("derivation", "How the plan was derived from the profile (one per line)", "lines")],
}


# --------------------------------------------------------------------------- choosing


def choose_profile(engine: Engine) -> tuple[Record[Profile] | None, str | None]:
    """Profile (bound to ?profile=) and scenario (None = the profile itself) selectors."""
    records = list_profiles(engine)
    if not records:
        return None, None
    names = [r.model.name for r in records]
    if st.session_state.get("dec_profile") not in names:
        st.session_state.pop("dec_profile", None)
    c1, c2 = st.columns(2)
    chosen = c1.selectbox("Profile", names, key="dec_profile", bind="query-params",
                          help="The record is drafted from this profile's ranking on the Trade-offs page.")
    record = next(r for r in records if r.model.name == chosen)
    scenarios = [s.model.name for s in list_scenarios(engine, record.id)]
    if st.session_state.get("dec_scenario") not in [None, *scenarios]:
        st.session_state.pop("dec_scenario", None)
    scenario = c2.selectbox("Scenario", [None, *scenarios], key="dec_scenario",
                            format_func=lambda s: "— the profile as saved —" if s is None else s,
                            help="Draft from a scenario's weights and constraints instead of the profile's.")
    return get_profile(engine, record.id), scenario


def draft_button(engine: Engine, profile: Record[Profile], scenario: str | None, actor: str) -> None:
    if st.button("Draft MDR", key="dec_draft", type="primary", icon=":material/edit_document:",
                 help="Fill the seven sections from the ranking, robustness, economics, GPU fit, evidence and linter."):
        try:
            with st.spinner("Ranking, sampling weightings and drafting…"):
                rec = draft_from_workspace(engine, profile.model.name, actor, scenario)
        except (DraftError, StoreError, ValueError) as exc:
            st.error(f"Could not draft: {md(exc)}")
            return
        st.session_state["dec_record"] = rec.mdr_id
        flash("success", f"Drafted {rec.mdr_id}. Review each section, then propose it.")
        st.rerun()


def records_table(records: list[store.DecisionRecord]) -> pd.DataFrame:
    return pd.DataFrame([{
        "Record": r.mdr_id, "Title": r.record.title, "Status": r.status.value,
        "Integrity": "TAMPERED" if r.integrity else "ok", "Signatures": r.signature_count,
        "Supersedes": r.record.front.supersedes or MISSING, "Superseded by": r.record.front.superseded_by or MISSING,
        "Updated (UTC)": r.updated_at.strftime("%Y-%m-%d %H:%M"), "By": r.updated_by,
    } for r in records])


def header(rec: store.DecisionRecord) -> None:
    st.subheader(f"{rec.mdr_id}: {md(rec.record.title)}")
    f = rec.record.front
    st.badge(rec.status.value, color=STATUS_COLORS[rec.status.value])  # type: ignore[arg-type]
    links = [f"supersedes **{f.supersedes}**" if f.supersedes else "",
             f"superseded by **{f.superseded_by}**" if f.superseded_by else ""]
    st.caption(" · ".join(p for p in [f"version {rec.version}", f"dated {f.date.isoformat()}",
                                      f"{rec.signature_count} signature(s)", *links] if p))
    if rec.integrity:
        st.error(f"**Integrity check failed.** {md(rec.integrity)}. The stored text is not the text that was "
                 "accepted: it is neither exported nor signed. Restore the workspace from a backup or supersede it.",
                 icon=":material/gpp_bad:")
    missed = rec.record.body.missed_targets
    if missed:
        st.warning("**Targets missed by the chosen option:** " + "; ".join(md(t.sentence()) for t in missed),
                   icon=":material/flag:")
    if rec.record.body.changes_since_superseded:
        with st.expander(f"What changed since {f.supersedes or 'the superseded record'}", expanded=True):
            for line in rec.record.body.changes_since_superseded:
                st.text(line)
    if f.rejection_reason:
        st.caption(f"Rejected because: {md(f.rejection_reason)}")


# --------------------------------------------------------------------------- editor


def field_origin(record: MDR, section: str, name: str) -> str:
    """generated / edited / manual for one section field (edited if any part of it was changed or removed)."""
    prefix = f"{section}.{name}"
    if record.generated is None:
        return "manual"
    origins = field_origins(record)
    removed = [c.path for c in field_changes(record) if c.kind == "removed"]
    parts = [o for p, o in origins.items() if p == prefix or p.startswith((prefix + ".", prefix + "["))]
    gone = [p for p in removed if p == prefix or p.startswith((prefix + ".", prefix + "["))]
    return "edited" if gone or any(o in ("edited", "added") for o in parts) else "generated"


ORIGIN_TAGS = {"edited": " :orange-badge[:material/edit: edited by a person]",
               "generated": " :gray-badge[:material/auto_awesome: generated]", "manual": ""}


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    return value


def _item_class(section: str, name: str) -> type[BaseModel]:
    model = type(getattr(MDRBody(), section))
    annotation = model.model_fields[name].annotation
    return annotation.__args__[0]


def _choice_columns(cls: type[BaseModel]) -> dict[str, Any]:
    """Select boxes for the Literal / Enum columns of a table (comparator, unit, kind, policy, mode)."""
    out: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        options: list[Any] = []
        for arg in (info.annotation, *get_args(info.annotation)):
            if get_origin(arg) is Literal:
                options += list(get_args(arg))
            elif isinstance(arg, type) and issubclass(arg, Enum):
                options += [m.value for m in arg]
        if options:
            out[name] = st.column_config.SelectboxColumn(name, options=options)
    return out


def _table_in(section: str, name: str, items: tuple[Any, ...], key: str) -> list[dict[str, Any]]:
    cls = _item_class(section, name)
    columns = list(cls.model_fields)
    frame = pd.DataFrame([i.model_dump(mode="json") for i in items], columns=columns)
    edited = st.data_editor(frame, key=key, num_rows="dynamic", hide_index=True, width="stretch",
                            column_config=_choice_columns(cls), placeholder=MISSING)
    rows = []
    for raw in edited.to_dict("records"):
        row = {k: _plain(v) for k, v in raw.items()}
        if all(v in (None, "") for v in row.values()):
            continue
        for k, v in row.items():  # blank cells take the field's default (e.g. policy fail_closed)
            default = cls.model_fields[k].default
            if v is None and default is not None and not callable(default) and repr(default) != "PydanticUndefined":
                row[k] = default
        rows.append(row)
    return rows


def _field(section: str, name: str, label: str, kind: str, value: Any, key: str, help_text: str) -> Any:
    if kind == "text":
        return st.text_input(label, value=value, key=key, help=help_text)
    if kind == "area":
        return st.text_area(label, value=value, key=key, help=help_text, height=100)
    if kind == "lines":
        text = st.text_area(label, value="\n".join(value), key=key, help=help_text, height=110)
        return [ln.strip() for ln in text.splitlines() if ln.strip()]
    if kind in ("usd", "pct", "hours"):
        top = 100.0 if kind == "pct" else None
        fmt = "%g" if kind != "usd" else "%.5f" if name == "cost_per_success_usd" else "%.2f"
        return st.number_input(label, value=value, min_value=0.0, max_value=top, key=key, help=help_text,
                               format=fmt, step=0.5 if kind != "usd" else 0.01)
    if kind == "policy":
        options = list(FailurePolicy)
        return st.selectbox(label, options, index=options.index(value), key=key, help=help_text,
                            format_func=lambda p: "Fail-closed (halt and escalate)" if p == FailurePolicy.fail_closed
                            else "Fail-open (log and continue)").value
    if kind in ("pairs", "table"):
        st.markdown(label, help=help_text)  # a data editor has no label of its own
    if kind == "pairs":
        frame = pd.DataFrame([{"item": k, "usd": v} for k, v in value], columns=["item", "usd"])
        edited = st.data_editor(frame, key=key, num_rows="dynamic", hide_index=True, width="stretch",
                                column_config={"usd": st.column_config.NumberColumn("USD", format="dollar")},
                                placeholder=MISSING)
        return [[r["item"], _plain(r["usd"])] for r in edited.to_dict("records") if r.get("item")]
    return _table_in(section, name, value, key)


def record_editor(rec: store.DecisionRecord, seen: int) -> MDR | None:
    """The seven sections and the front matter as a form; the edited record on submit (unvalidated body errors
    raise ValidationError)."""
    record = rec.record
    prefix = f"dec-{rec.id}-v{seen}"
    edited = [c.path for c in field_changes(record)]
    if record.generated is not None:
        st.caption(f"{len(edited)} field(s) changed by a person since drafting" + (f": {md(', '.join(edited[:8]))}"
                   + (" …" if len(edited) > 8 else "") if edited else " — everything below is as generated."))
    with st.form(f"{prefix}-form", border=False):
        title = st.text_input("Title", value=record.title, key=f"{prefix}-title")
        p1, p2, p3 = st.columns(3)
        people = {}
        for col, name, label in ((p1, "decision_makers", "Decision-makers"), (p2, "consulted", "Consulted"),
                                 (p3, "informed", "Informed")):
            text = col.text_input(label, value=", ".join(getattr(record.front, name)), key=f"{prefix}-{name}",
                                  help="Names, comma-separated (MADR front matter). Accepting needs a decision-maker.")
            people[name] = [p.strip() for p in text.split(",") if p.strip()]
        body: dict[str, Any] = record.body.model_dump(mode="json")
        for tab, section, title_text in zip(st.tabs(TAB_LABELS), SECTION_KEYS, SECTION_TITLES, strict=True):
            with tab:
                st.markdown(f"**{title_text}**")
                current = getattr(record.body, section)
                for name, label, kind in FIELDS[section]:
                    origin = field_origin(record, section, name)
                    generated = getattr(getattr(record.generated, section), name) if record.generated else None
                    help_text = "As generated by the workbench." if origin == "generated" else (
                        f"Generated value: {generated!r}"[:400] if record.generated else "Written by hand.")
                    body[section][name] = _field(section, name, label + ORIGIN_TAGS[origin], kind,
                                                 getattr(current, name), f"{prefix}-{section}-{name}", help_text)
        submitted = st.form_submit_button("Save changes", type="primary", icon=":material/save:")
    if not submitted:
        return None
    front = record.front.model_copy(update={k: tuple(v) for k, v in people.items()})
    return record.model_copy(update={"title": title.strip() or record.title, "front": front,
                                     "body": MDRBody.model_validate(body)})


def read_only(record: MDR) -> None:
    """The record as rendered Markdown (front matter as a caption, headings scaled down to fit the page)."""
    f = record.front
    st.caption(" · ".join(f"{label}: {md(', '.join(v) or 'none')}" for label, v in (
        ("Decision-makers", f.decision_makers), ("Consulted", f.consulted), ("Informed", f.informed))))
    # people write the record as Markdown: rendered, but images, links, directives and LaTeX disabled
    lines = record_markdown(render_markdown(record).split("---\n", 2)[-1]).splitlines()
    with st.container(border=True):
        st.markdown("\n".join("####" + ln[1:] if ln.startswith("## ") else "###" + ln[1:] if ln.startswith("# ")
                              else ln for ln in lines))


def save(engine: Engine, rec: store.DecisionRecord, new: MDR, seen: int, actor: str) -> None:
    try:
        saved = store.save_decision(engine, rec.id, new, seen, actor)
    except (ConflictError, StoreError) as exc:
        st.error(md(exc))
        return
    seen_versions()[f"decision:{rec.id}"] = saved.version
    flash("success", f"Saved {saved.mdr_id} (version {saved.version})." if saved.version != rec.version
          else "Nothing changed.")
    st.rerun()


# --------------------------------------------------------------------------- lifecycle

ACTIONS = {
    MDRStatus.draft: [("proposed", "Propose", ":material/send:")],
    MDRStatus.proposed: [("accepted", "Accept", ":material/check_circle:"), ("rejected", "Reject", ":material/cancel:")],
    MDRStatus.accepted: [("supersede", "Supersede by a new draft", ":material/swap_horiz:")],
}
CONSEQUENCES = {
    "proposed": "Proposing asks the decision-makers to accept or reject it; the text stays editable.",
    "accepted": "Accepting freezes the text for good (only signatures and supersession can follow).",
    "rejected": "Rejecting closes the record; its text can no longer change.",
    "supersede": "A new draft is made from the current ranking; accepting it marks this record superseded.",
}


def lifecycle(engine: Engine, rec: store.DecisionRecord, seen: int, actor: str, profile: Record[Profile],
              scenario: str | None) -> None:
    """Lifecycle buttons; each asks for confirmation first."""
    actions = ACTIONS.get(rec.status, [])
    if not actions:
        st.caption(f"{rec.mdr_id} is {rec.status.value}: no further status change.")
        return
    pending = st.session_state.get(PENDING)
    if pending is None or pending[0] != rec.id:
        cols = st.columns(len(actions) + 2)
        for col, (action, label, icon) in zip(cols, actions, strict=False):
            if col.button(f"{label}…", key=f"dec_{action}_{rec.id}", icon=icon):
                st.session_state[PENDING] = (rec.id, action)
                st.rerun()
        return
    action = pending[1]
    label = next(lbl for a, lbl, _ in actions if a == action)
    st.warning(f"**{label} {rec.mdr_id}?** {CONSEQUENCES[action]}")
    reason = st.text_input("Reason for rejecting", key=f"dec_reason_{rec.id}") if action == "rejected" else None
    yes, no, _ = st.columns([2, 1, 3])
    if no.button("Cancel", key=f"dec_cancel_{rec.id}"):
        st.session_state[PENDING] = None
        st.rerun()
    if not yes.button(f"Yes, {label.lower()} {rec.mdr_id}", key=f"dec_confirm_{rec.id}", type="primary"):
        return
    st.session_state[PENDING] = None
    try:
        if action == "supersede":
            new = draft_from_workspace(engine, profile.model.name, actor, scenario, supersedes_id=rec.id)
            st.session_state["dec_open_next"] = new.mdr_id  # selected on the next run
            flash("success", f"Drafted {new.mdr_id} to supersede {rec.mdr_id}. Accepting it marks {rec.mdr_id} "
                             "superseded and links both.")
        else:
            done = change_status(engine, rec.id, action, actor, seen_version=seen, reason=reason)
            versions = seen_versions()
            versions[f"decision:{rec.id}"] = done.version
            if done.status == MDRStatus.accepted and done.supersedes_id is not None:
                # this person's acceptance also marked the superseded record: their own change, not someone
                # else's newer version (no "someone saved a newer version" banner when they open it)
                versions[f"decision:{done.supersedes_id}"] = store.get_decision(engine, done.supersedes_id).version
            flash("success", f"{done.mdr_id} is now {done.status.value}.")
    except (StoreError, DraftError, ValueError) as exc:
        st.error(md(exc))
        return
    st.rerun()


# --------------------------------------------------------------------------- signing, download, history


def signing_panel(engine: Engine, rec: store.DecisionRecord, seen: int, actor: str) -> None:
    """Signatures (approve/dissent, trusted or not), the quorum, signing with one's own key, downloads."""
    report = signing_ui.stored_report(engine, rec)
    if report.signatures:
        st.dataframe(signing_ui.signatures_table(report), hide_index=True, width="stretch", placeholder=MISSING)
        if any(s.identity_basis == "self-asserted" for s in report.signatures):
            st.caption("'self-asserted': the signer was not logged in; only the trust store binds that key to a person.")
        if rec.status != MDRStatus.superseded and rec.editable:
            st.caption("Signatures cover the text as signed: saving a change clears them (the audit log keeps them); "
                       "accepting keeps them (they approved the proposed text).")
    else:
        st.info(f"{rec.mdr_id} is not signed yet. Decision-makers approve (or dissent) by signing the proposed record.")
    signing_ui.quorum_panel(engine, rec, report, actor, can_edit())
    signing_ui.sign_with_own_key(engine, rec, seen, actor)
    name, data = signing.bundle_zip(engine, rec.id)
    st.download_button("Download bundle (.zip)", data=data, file_name=name, mime="application/zip",
                       key="dec_download", icon=":material/download:",
                       help="record.md (MADR Markdown), snapshot.json (RFC 8785), envelope.dsse.json (DSSE, Ed25519) "
                            "and the signers' public keys.")
    st.download_button("Download Excel decision matrix", data=excel_bytes(rec),
                       file_name=f"{rec.mdr_id} decision matrix.xlsx", key="dec_excel", icon=":material/table_view:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       help="The ranking of this record's snapshot, with live formulas and the computed values.")
    st.caption(f"Verify offline: `workbench mdr verify {name}` (against your trust store), or upload it on the Verify "
               f"page. Verdict here, against this workspace's trust store: {report.verdict.replace('_', ' ')}.")


@st.cache_data(max_entries=16, show_spinner=False)
def _workbook(record_id: int, snapshot_sha256: str, _snapshot: dict[str, Any]) -> bytes:
    return snapshot_workbook_bytes(_snapshot)


def excel_bytes(rec: store.DecisionRecord) -> bytes:
    """The record's Excel decision matrix as bytes, built once per snapshot (cached by its digest). Sent with the
    download button as data, not as a callable: a deferred callable is dropped by any rerun between drawing the
    button and the click, and the click then downloads nothing ("Deferred file ... not found")."""
    return _workbook(rec.id, snapshot_digest(canonical_json(rec.snapshot)), rec.snapshot)


def history_table(engine: Engine, rec: store.DecisionRecord) -> pd.DataFrame:
    return pd.DataFrame([{"When (UTC)": e.at.strftime("%Y-%m-%d %H:%M:%S"), "Who": e.actor, "Action": e.action,
                          "What": e.summary} for e in store.decision_history(engine, rec.id)])
