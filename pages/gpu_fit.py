"""GPU fit: will an open-weight model fit? Weights + KV cache + overhead per GPU, max load, vLLM flags, fit matrix."""

from __future__ import annotations

import streamlit as st

from workbench.domain.architecture import ArchitectureError
from workbench.store import workspace
from workbench.ui.gpu_fit import (
    apply_constraint,
    config_key,
    constraint_label,
    fit_panel,
    import_config_panel,
    init_inputs,
    parse_spec,
    read_upload,
    show_architecture,
)
from workbench.ui.page import page_header
from workbench.ui.state import seen_versions
from workbench.ui.text import md

ADHOC = "adhoc"
LEADER_KEY = "tradeoffs_leader"  #: the Trade-offs page's current first-ranked candidate name (session state)

engine, actor = page_header(
    "GPU fit",
    "Will an open-weight model fit on your GPUs? Weights, KV cache and runtime overhead per GPU against "
    "the usable memory, following vLLM's per-layer rules; the seed's rule of thumb is shown beside it.",
)
init_inputs()

records = {r.id: r for r in workspace.list_candidates(engine) if r.model.open_weights}
with_architecture = tuple((r.model.name, config_key(r.model.architecture))
                          for r in records.values() if r.model.architecture)
constraints = {p.id: p.model.constraints.gpu_fit for p in workspace.list_profiles(engine)
               if p.model.constraints.gpu_fit}
profile_labels = {p.id: p.model.name for p in workspace.list_profiles(engine)}

top_left, top_right = st.columns([3, 2])
by_name = {r.model.name: i for i, r in records.items()}
if "gpu_linked" not in st.session_state:  # first run of the session: a shared link names the candidate and GPU
    st.session_state["gpu_linked"] = True
    linked = by_name.get(str(st.query_params.get("candidate", "")))
    if linked is not None:
        st.session_state["gpu_model"] = linked
        if st.query_params.get("gpu"):
            st.session_state["gpu_type"] = str(st.query_params["gpu"])
leader = st.session_state.get(LEADER_KEY)
if leader and leader != st.session_state.get("gpu_leader_applied") and leader in by_name:
    st.session_state["gpu_leader_applied"] = leader  # a new Trade-offs leader is preselected once
    st.session_state["gpu_model"] = by_name[leader]
if st.session_state.get("gpu_model") not in [*records, ADHOC]:
    st.session_state["gpu_model"] = next((i for i, r in records.items() if r.model.architecture), ADHOC)
choice = top_left.selectbox(
    "Model", [*records, ADHOC], key="gpu_model",
    format_func=lambda i: "Ad hoc: upload a config.json (not saved)" if i == ADHOC else (
        f"{records[i].model.name} — " + ("architecture from config.json" if records[i].model.architecture
                                         else "architecture unknown")),
    help="Open-weight candidates of the workspace; closed models cannot be self-hosted.",
)
if constraints:
    def _profile_label(i: int | None) -> str:
        return "— keep my inputs —" if i is None else constraint_label(profile_labels[i], constraints[i])

    profile_ids: list[int | None] = [None, *constraints]
    top_right.selectbox(
        "Load inputs from a profile's GPU constraint", profile_ids, key="gpu_profile",
        format_func=_profile_label,
        on_change=lambda: apply_constraint(constraints.get(st.session_state.get("gpu_profile", 0))),
    )
else:
    top_right.caption("No profile has a GPU-fit constraint yet. Add one to a profile's hard constraints "
                      "(“self-hosted on ≤ N × GPU at context C and concurrency K”) to load its inputs here.")
if not records:
    st.info("The workspace has no open-weight candidates. Add one on the **Candidates** page (tick "
            "“open weights”), or size a model ad hoc by uploading its config.json.")

if choice == ADHOC:
    upload = read_upload("gpu_adhoc_file", "Hugging Face config.json (used for this view only, not saved)")
    if upload is None:
        st.info("Upload a model's `config.json` from its Hugging Face repository (Files tab) to size it. "
                "To keep the architecture with a candidate, choose the candidate above and import it there.")
        st.stop()
    file_name, raw = upload
    config_json, label = config_key(raw), file_name
    hf_repo = raw.get("_name_or_path") if isinstance(raw.get("_name_or_path"), str) else None
    st.subheader(f"Fit on GPUs: {md(file_name)}")
    fit_panel(config_json, label, hf_repo, with_architecture)
    st.subheader(f"Architecture from {md(file_name)}")
    show_architecture(parse_spec(config_json))
else:
    assert isinstance(choice, int)
    record = records[choice]
    seen_versions().setdefault(f"candidate:{record.id}", record.version)
    cand = record.model
    if cand.architecture is None:
        st.info(f"The architecture of **{md(cand.name)}** is unknown, so its memory cannot be sized. Import its "
                "Hugging Face config.json below.")
        import_config_panel(engine, record, actor, expanded=True)
        st.stop()
    config_json, label, hf_repo = config_key(cand.architecture), cand.name, cand.hf_repo
    try:
        spec = parse_spec(config_json)
    except ArchitectureError as exc:
        st.error(f"The stored config.json of {md(cand.name)} cannot be used: {md(exc)}. Import a corrected one below.")
        import_config_panel(engine, record, actor, expanded=True)
        st.stop()
    st.query_params["candidate"] = cand.name
    st.subheader(f"Fit on GPUs: {md(cand.name)}")
    fit_panel(config_json, label, hf_repo, with_architecture)
    st.subheader(f"Architecture of {md(cand.name)}")
    prov = cand.provenance.get("architecture")
    if prov:
        st.caption(f"Source: {md(prov.source)} · retrieved {prov.retrieved or 'unknown'} · entered by "
                   f"{md(prov.entered_by)}" + (f" · {md(prov.note)}" if prov.note else ""))
    show_architecture(spec)
    import_config_panel(engine, record, actor, expanded=False)
