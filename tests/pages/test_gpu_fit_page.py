"""AppTest: the GPU fit page — fit outputs move with the inputs; config.json import is validated, locked, audited."""

from __future__ import annotations

import json

import pytest

from tests.pages.helpers import button
from workbench.domain.models import Candidate, GpuFitConstraint, HardConstraints, Profile
from workbench.store import read_session
from workbench.store.repository import list_audit
from workbench.store.workspace import (
    candidate_by_name,
    create_candidate,
    create_profile,
    get_candidate,
    list_candidates,
    save_candidate,
)


def _metric(at, prefix: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(prefix))



def _config_bytes(fixtures_dir, name: str) -> bytes:
    return (fixtures_dir / "hf-configs" / f"{name}.config.json").read_bytes()


@pytest.fixture
def fresh(workspace_engine):
    """An open-weight candidate without an architecture (what a user adds before importing its config)."""
    return create_candidate(workspace_engine, Candidate(name="My Llama", open_weights=True,
                                                        hf_repo="meta-llama/Llama-3.1-8B-Instruct"), "setup")


def test_page_loads_with_a_catalog_model(open_page):
    at = open_page("gpu-fit")
    assert at.title[0].value == "GPU fit"
    assert "DeepSeek-V2-Lite Chat" in at.subheader[0].value.replace("\\", "")  # first open-weight model with an architecture
    assert _metric(at, "KV per token") == "31,104 B"  # 27 MLA layers × 576 × 2 B (reference §4)
    assert _metric(at, "Parameters, total") == "15.71 B"
    assert any("Fits" in s.value and "GiB" in s.value and "GB)" in s.value for s in at.success)
    assert any("vllm serve deepseek-ai/DeepSeek-V2-Lite-Chat" in c.value and "--max-model-len 8192" in c.value
               for c in at.code)
    assert any("replicated on every TP rank" in i.value for i in at.info)  # why MLA differs from the naive formula
    charts = at.get("plotly_chart")
    assert len(charts) == 3
    matrix = json.loads(charts[2].proto.spec)
    assert "gpt-oss-20b" in matrix["data"][0]["y"] and "L4" in matrix["data"][0]["x"]


def test_changing_context_moves_max_concurrency(open_page):
    at = open_page("gpu-fit")
    at.number_input(key="gpu_context").set_value(8192).run()
    short = int(_metric(at, "Max concurrency at 8,192").replace(",", ""))
    at.number_input(key="gpu_context").set_value(65536).run()
    long = int(_metric(at, "Max concurrency at 65,536").replace(",", ""))
    assert not at.exception
    assert 0 < long < short
    assert long == pytest.approx(short / 8, rel=0.05)  # full-attention KV grows linearly with context
    assert any("--max-model-len 65536" in c.value for c in at.code)


def test_more_concurrency_shortens_max_context_and_can_stop_fitting(open_page):
    at = open_page("gpu-fit")
    at.selectbox(key="gpu_type").set_value("A100 40GB").run()
    at.number_input(key="gpu_concurrency").set_value(1).run()
    one = int(_metric(at, "Max context at 1 sequences").replace(",", ""))
    at.number_input(key="gpu_concurrency").set_value(64).run()
    many = int(_metric(at, "Max context at 64 sequences").replace(",", ""))
    assert many < one
    at.number_input(key="gpu_context").set_value(131072).run()
    assert any("Does not fit" in e.value for e in at.error)


def test_invalid_tensor_parallel_size_is_explained(open_page):
    at = open_page("gpu-fit")
    at.number_input(key="gpu_count").set_value(3).run()  # TP = GPUs = 3 does not divide 16 heads
    assert not at.exception
    assert any("tp=3 does not divide num_attention_heads=16" in e.value.replace("\\", "") for e in at.error)


def test_import_config_fills_architecture_and_bumps_version(open_page, workspace_engine, fixtures_dir, fresh):
    at = open_page("gpu-fit", actor="Ada")
    at.selectbox(key="gpu_model").set_value(fresh.id).run()
    assert any("architecture of **My Llama** is unknown" in i.value for i in at.info)
    at.file_uploader(key="gpu_import_file").set_value(
        ("Llama-3.1-8B.config.json", _config_bytes(fixtures_dir, "Llama-3.1-8B"), "application/json")).run()
    assert not at.exception, at.exception
    button(at, "gpu_import_save").click().run()
    assert not at.exception, at.exception
    saved = get_candidate(workspace_engine, fresh.id)
    assert saved.version == fresh.version + 1 and saved.updated_by == "Ada"
    assert saved.model.architecture == json.loads(_config_bytes(fixtures_dir, "Llama-3.1-8B"))
    assert saved.model.context_window == 131_072
    prov = saved.model.provenance["architecture"]
    assert prov.source == "Llama-3.1-8B.config.json" and prov.entered_by == "Ada"
    with read_session(workspace_engine) as session:
        event = list_audit(session, entity_type="candidate")[0]
    assert event.actor == "Ada" and "architecture" in event.summary
    # the page now sizes it: Llama-3.1-8B, 32 layers, 131,072 B of KV per token
    assert any("Saved the architecture of My Llama" in s.value for s in at.success)
    assert _metric(at, "Layers") == "32" and _metric(at, "KV per token") == "131,072 B"


def test_bad_config_shows_field_error_and_changes_nothing(open_page, workspace_engine, fixtures_dir, fresh):
    at = open_page("gpu-fit", actor="Ada")
    at.selectbox(key="gpu_model").set_value(fresh.id).run()
    cfg = json.loads(_config_bytes(fixtures_dir, "Llama-3.1-8B"))
    del cfg["num_attention_heads"]
    at.file_uploader(key="gpu_import_file").set_value(("config.json", json.dumps(cfg).encode(), "application/json"))
    at.run()
    assert not at.exception
    assert any("num_attention_heads" in e.value.replace("\\", "") and "Nothing was saved" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "gpu_import_save"]
    after = get_candidate(workspace_engine, fresh.id)
    assert (after.version, after.model) == (fresh.version, fresh.model)
    at.file_uploader(key="gpu_import_file").set_value(("x.json", b"{nope", "application/json")).run()
    assert any("x.json: not valid JSON" in e.value.replace("\\", "") for e in at.error)
    assert get_candidate(workspace_engine, fresh.id).version == fresh.version


def test_import_refuses_to_overwrite_a_newer_version(open_page, workspace_engine, fixtures_dir, fresh):
    at = open_page("gpu-fit", actor="Ada")
    at.selectbox(key="gpu_model").set_value(fresh.id).run()
    at.file_uploader(key="gpu_import_file").set_value(
        ("Llama-3.1-8B.config.json", _config_bytes(fixtures_dir, "Llama-3.1-8B"), "application/json")).run()
    # Bob saves the candidate after Ada opened it
    bob = save_candidate(workspace_engine, fresh.id, fresh.model.model_copy(update={"notes": "Bob"}), fresh.version,
                         "Bob")
    button(at, "gpu_import_save").click().run()
    assert any("changed by Bob" in e.value for e in at.error)
    assert get_candidate(workspace_engine, fresh.id).version == bob.version
    assert get_candidate(workspace_engine, fresh.id).model.architecture is None


def test_profile_constraint_loads_the_inputs(open_page, workspace_engine):
    gpu_fit = GpuFitConstraint(gpu="L4", max_gpus=4, context_tokens=16_384, concurrency=4, kv_dtype="fp8")
    profile = create_profile(workspace_engine, Profile(name="Self-hosted RAG",
                                                       constraints=HardConstraints(gpu_fit=gpu_fit)), "setup")
    at = open_page("gpu-fit")
    at.selectbox(key="gpu_profile").set_value(profile.id).run()
    assert not at.exception
    assert at.number_input(key="gpu_context").value == 16_384
    assert at.number_input(key="gpu_count").value == 4
    assert at.selectbox(key="gpu_type").value == "L4"
    assert any("4 × L4 (TP 4)" in m.value for m in [*at.success, *at.error])
    assert any("--kv-cache-dtype fp8" in c.value and "--tensor-parallel-size 4" in c.value for c in at.code)


def test_adhoc_config_is_sized_but_not_saved(open_page, workspace_engine, fixtures_dir):
    before = len(list_candidates(workspace_engine))
    at = open_page("gpu-fit")
    at.selectbox(key="gpu_model").set_value("adhoc").run()
    assert any("Upload a model's `config.json`" in i.value for i in at.info)
    at.file_uploader(key="gpu_adhoc_file").set_value(
        ("gpt-oss-20b.config.json", _config_bytes(fixtures_dir, "gpt-oss-20b"), "application/json")).run()
    assert not at.exception, at.exception
    assert _metric(at, "KV per token") == "49,152 B"  # 12 full + 12 sliding layers × 2,048 B (reference §4)
    assert "gpt-oss-20b.config.json" in at.subheader[0].value.replace("\\", "")
    assert len(list_candidates(workspace_engine)) == before
    assert candidate_by_name(workspace_engine, "gpt-oss-20b").version == 1


def test_inputs_survive_a_detour_through_the_upload_view(open_page):
    at = open_page("gpu-fit")
    model = at.selectbox(key="gpu_model").value
    at.number_input(key="gpu_context").set_value(65536).run()
    at.selectbox(key="gpu_model").set_value("adhoc").run()  # the panel is not drawn in this run
    assert not at.number_input
    at.selectbox(key="gpu_model").set_value(model).run()
    assert at.number_input(key="gpu_context").value == 65536
    assert _metric(at, "Max concurrency at 65,536")


def test_verdict_and_cost_above_the_architecture_and_the_link_names_candidate_and_gpu(open_page, l40s_unpriced):
    at = open_page("gpu-fit")
    titles = [s.value.replace("\\", "") for s in at.subheader]
    assert titles[0].startswith("Fit on GPUs: ") and any(t.startswith("Architecture of ") for t in titles[1:])
    assert any(s.value.startswith("**Fits**") for s in at.success)
    assert _metric(at, "Decode (output tok/s)") != "—"
    assert _metric(at, "Self-hosted $/1M output").startswith("$")  # H100 has a sourced price
    assert at.query_params["gpu"] in ("H100 80GB SXM", ["H100 80GB SXM"]) and at.query_params["candidate"]
    assert not any("extrapolation" in c.value for c in at.caption)  # H100 results went into the fit
    at.selectbox(key="gpu_type").set_value("L40S").run()
    assert _metric(at, "Self-hosted $/1M output") == "—"  # L40S price removed: unknown, never guessed
    assert any("Throughput on L40S is an extrapolation" in c.value for c in at.caption)


def test_shared_link_preselects_candidate_and_gpu(open_page):
    at = open_page("gpu-fit", query={"candidate": "Mixtral 8x7B Instruct", "gpu": "H200 141GB"})
    assert not at.exception
    assert "Mixtral 8x7B Instruct" in at.subheader[0].value.replace("\\", "")
    assert at.selectbox(key="gpu_type").value == "H200 141GB"


def test_trade_offs_leader_is_preselected(open_page, workspace_engine):
    at = open_page("gpu-fit")
    at.session_state["tradeoffs_leader"] = "gpt-oss-20b"  # published by the Trade-offs page
    at.run()
    assert "gpt-oss-20b" in at.subheader[0].value.replace("\\", "")


def test_the_answer_comes_before_the_inputs(open_page):
    """Issue 17: verdict (fits or not, how many of which GPU, headroom) and its cost above the inputs."""
    at = open_page("gpu-fit")
    flat: list[str] = []  # element types in page order

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            flat.append(getattr(child, "type", type(child).__name__))
            walk(child)

    walk(at.main)
    assert "success" in flat or "error" in flat, flat
    verdict = flat.index("success") if "success" in flat else flat.index("error")
    assert verdict < flat.index("number_input")
    assert at.success and "headroom" in at.success[0].value and "× H100" in at.success[0].value
