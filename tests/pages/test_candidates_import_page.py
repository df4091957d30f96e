"""AppTest of the Candidates page's LiteLLM import: whole-file preview, filters, apply the shown rows, conflicts."""

from __future__ import annotations

import json

from tests.pages.helpers import button
from workbench.store.workspace import candidate_by_name, list_candidates, save_candidate

FILE = "litellm_model_prices.json"


def _subset(fixtures_dir, keys: list[str], **changes: dict) -> bytes:
    data = json.loads((fixtures_dir / "pricing" / FILE).read_text())
    out = {k: data[k] for k in keys}
    for key, fields in changes.items():
        out[key] = {**out[key], **fields}
    return json.dumps(out).encode()


def test_whole_file_preview_filter_and_apply_shown(open_page, workspace_engine, fixtures_dir):
    data = _subset(fixtures_dir, ["claude-haiku-4-5-20251001", "eu.amazon.nova-2-lite-v1:0", "gpt-5.5",
                                  "text-embedding-3-small", "azure_ai/jais-30b-chat"])
    at = open_page("candidates", actor="Ada")
    at.file_uploader(key="litellm_file").set_value((FILE, data, "application/json")).run()
    assert not at.exception, at.exception
    assert at.radio(key="litellm_choice").value == "all"
    assert any("3 to add" in t.value and "1 skipped" in t.value and "1 entries are not chat" in t.value
               for t in at.text)
    at.multiselect(key="litellm_f_provider").set_value(["AWS Bedrock", "Anthropic"]).run()
    shown = at.dataframe(key="litellm_table").value
    assert sorted(shown["LiteLLM key"]) == ["claude-haiku-4-5-20251001", "eu.amazon.nova-2-lite-v1:0"]
    before = len(list_candidates(workspace_engine))
    button(at, "litellm_apply").click().run()
    assert not at.exception, at.exception
    names = {r.model.name for r in list_candidates(workspace_engine)}
    assert len(names) == before + 2 and "amazon.nova-2-lite-v1:0 — AWS Bedrock (EU)" in names
    assert "gpt-5.5 — OpenAI" not in names  # filtered out, not applied


def test_change_between_preview_and_apply_is_refused_on_the_page(open_page, workspace_engine, fixtures_dir):
    data = _subset(fixtures_dir, ["gpt-5.4"], **{"gpt-5.4": {"input_cost_per_token": 3e-06}})
    at = open_page("candidates", actor="Ada")
    at.file_uploader(key="litellm_file").set_value((FILE, data, "application/json")).run()
    at.radio(key="litellm_choice").set_value("refresh").run()
    assert not at.exception, at.exception
    record = candidate_by_name(workspace_engine, "GPT-5.4")
    save_candidate(workspace_engine, record.id, record.model.model_copy(update={"notes": "Bob's note"}),
                   record.version, "bob")
    button(at, "litellm_apply").click().run()
    assert any("bob" in e.value and "notes" in e.value for e in at.error)
    assert candidate_by_name(workspace_engine, "GPT-5.4").model.notes == "Bob's note"


def test_candidate_detail_shows_declared_support_and_price_history(open_page, workspace_engine, fixtures_dir):
    from workbench.services import catalog_import

    prices = json.loads(_subset(fixtures_dir, ["claude-haiku-4-5-20251001"]))
    plan = catalog_import.preview_litellm(workspace_engine, prices, models=["claude-haiku-4-5-20251001"],
                                          update_prices=False, filename="p.json", actor="ada")
    catalog_import.apply_litellm(workspace_engine, plan, "ada")
    record = candidate_by_name(workspace_engine, plan.changes[0].candidate)
    at = open_page("candidates", actor="Ada")
    at.selectbox(key="cand_selected").set_value(record.id).run()
    assert not at.exception, at.exception
    frames = [d.value for d in at.dataframe]
    declared = next(f for f in frames if "Feature" in f.columns)
    assert dict(zip(declared["Feature"], declared["Declared"], strict=True))["function calling"] == "yes"
    history = next(f for f in frames if "Effective" in f.columns)
    assert list(history["Input $/1M"]) == [1.0] and list(history["Source"]) == ["LiteLLM p.json"]
