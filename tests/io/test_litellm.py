"""LiteLLM price file: conversion, whole-file validation, import planning."""

from __future__ import annotations

import json
from datetime import date

import pytest

from workbench.domain.models import Candidate, Topology
from workbench.io.litellm import (
    LiteLLMError,
    load_price_file,
    parse_price_text,
    plan_import,
    pricing_from_entry,
)


@pytest.fixture(scope="module")
def prices(fixtures_dir):
    return load_price_file(fixtures_dir / "pricing" / "litellm_model_prices.json")


def test_file_is_read_whole_without_the_schema_entry(prices):
    assert len(prices) == 4552  # 4,553 keys less 'sample_spec'
    assert "sample_spec" not in prices


def test_per_token_prices_become_usd_per_million_with_tiers(prices):
    pricing = pricing_from_entry("gpt-5.4", prices["gpt-5.4"])
    assert (pricing.input_per_mtok, pricing.output_per_mtok, pricing.cached_input_per_mtok) == (2.5, 15.0, 0.25)
    assert [(t.above_input_tokens, t.input_per_mtok, t.output_per_mtok) for t in pricing.tiers] == [(272_000, 5.0, 22.5)]
    assert pricing.litellm_key == "gpt-5.4"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"m": 3}', "is not an object"),
        ('{"sample_spec": {}}', "contains no model entries"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(text, message):
    with pytest.raises(LiteLLMError, match=message):
        parse_price_text(text, "prices.json")


def test_unknown_model_names_the_model_and_suggests(prices):
    with pytest.raises(LiteLLMError, match=r"unknown model\(s\) 'gpt-5.4-typo'"):
        plan_import(prices, {}, models=["gpt-5.4-typo"], update_prices=False, filename="p.json", entered_by="t")


def test_negative_price_names_model_and_field():
    with pytest.raises(LiteLLMError, match=r"model 'x', field 'input_cost_per_token'"):
        pricing_from_entry("x", {"input_cost_per_token": -1, "output_cost_per_token": 1})


def test_plan_creates_new_and_updates_changed_prices(prices):
    stale = Candidate(name="GPT-5.4", pricing=pricing_from_entry("gpt-5.4", {**prices["gpt-5.4"], "input_cost_per_token": 2e-06}))
    plan = plan_import(prices, {"GPT-5.4": stale}, models=["gpt-5.4", "gpt-5.5"], update_prices=True,
                       filename="p.json", entered_by="ada")
    by_key = {c.litellm_key: c for c in plan.changes}
    assert by_key["gpt-5.5"].action == "create"
    assert by_key["gpt-5.4"].action == "update"
    assert by_key["gpt-5.4"].changes["input_per_mtok"] == [2.0, 2.5]
    assert plan.summary() == {"create": 1, "update": 1, "unchanged": 0, "skipped": 0, "not_candidates": 0}
    assert by_key["gpt-5.5"].candidate == "gpt-5.5 — OpenAI"


def test_plan_requires_models_or_update_flag(prices):
    with pytest.raises(LiteLLMError, match="--model"):
        plan_import(prices, {}, models=[], update_prices=False, filename="p.json", entered_by="t")


def test_named_unpriced_or_non_chat_entry_is_refused(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"embed": {"mode": "embedding", "input_cost_per_token": 1e-7},
                                "chat": {"mode": "chat", "input_cost_per_token": 1e-7}}))
    with pytest.raises(LiteLLMError, match=r"model 'embed', field 'mode': embedding is not a chat model"):
        plan_import(load_price_file(path), {}, models=["embed"], update_prices=False, filename="p.json", entered_by="t")
    with pytest.raises(LiteLLMError, match=r"model 'chat', field 'output_cost_per_token'.*only priced chat models"):
        plan_import(load_price_file(path), {}, models=["chat"], update_prices=False, filename="p.json", entered_by="t")


# --------------------------------------------------------------------------- the whole file


@pytest.fixture(scope="module")
def whole(prices):
    return plan_import(prices, {}, models=[], update_prices=False, filename="p.json", entered_by="t",
                       select_all=True, retrieved=date(2026, 12, 6))


def _priced(raw):
    flat = isinstance(raw.get("input_cost_per_token"), int | float) and isinstance(raw.get("output_cost_per_token"),
                                                                                   int | float)
    tiered = any(t.get("range", [1])[0] == 0 for t in raw.get("tiered_pricing") or [])
    return flat or tiered


def test_whole_file_no_priced_chat_model_is_lost(prices, whole):
    chat = {k for k, v in prices.items() if v.get("mode") in ("chat", "responses")}
    created = {c.litellm_key for c in whole.changes if c.action == "create"}
    skipped = {s.litellm_key: s for s in whole.skipped}
    assert created | set(skipped) == chat and not created & set(skipped)  # every chat entry accounted for
    lost = sorted(k for k in chat - created if _priced(prices[k]))
    # the only priced chat entries not imported are the price-sanity refusals, each with its field named
    assert lost == ["azure_ai/jais-30b-chat", "watsonx/core42/jais-13b-chat"]
    assert all("not a plausible price" in skipped[k].reason for k in lost)
    assert all(s.field for s in whole.skipped)
    assert len(created) == 3344 and len(whole.skipped) == 124
    assert sum(len(v) for v in whole.not_candidates.values()) == len(prices) - len(chat)
    assert "text-embedding-3-small" in whole.not_candidates["embedding"]
    assert len({c.candidate for c in whole.changes}) == len(whole.changes)  # readable names stay unique


def _new(whole, key):
    return Candidate.model_validate(next(c for c in whole.changes if c.litellm_key == key).new_candidate)


def test_readable_name_provider_regions_topology_and_raw_key(whole):
    nova = _new(whole, "eu.amazon.nova-2-lite-v1:0")
    assert nova.name == "amazon.nova-2-lite-v1:0 — AWS Bedrock (EU)" and nova.provider == "AWS Bedrock"
    assert nova.regions == ["eu"] and nova.topologies == [Topology.managed_api]
    assert nova.pricing.litellm_key == "eu.amazon.nova-2-lite-v1:0"
    assert _new(whole, "apac.amazon.nova-2-lite-v1:0").regions == ["apac"]
    assert _new(whole, "vertex_ai/deepseek-ai/deepseek-v3.1-maas").regions == ["us"]  # supported_regions us-central1


def test_declared_support_and_deprecation_date(prices, whole):
    gpt = _new(whole, "gpt-5.4")
    assert gpt.declared_support["function_calling"] is True and gpt.declared_support["response_schema"] is True
    assert gpt.declared_support["reasoning"] is True and gpt.declared_support["prompt_caching"] is True
    assert "rating" not in str(gpt.capabilities)  # declared support is never turned into a capability rating
    key = next(k for k, v in prices.items() if v.get("mode") == "chat" and v.get("deprecation_date")
               and _priced(v) and "jais" not in k)
    assert _new(whole, key).deprecation_date == date.fromisoformat(prices[key]["deprecation_date"])


def test_cache_write_service_tiers_reasoning_and_per_request_prices(whole):
    haiku = _new(whole, "claude-haiku-4-5-20251001").pricing
    assert (haiku.cache_write_5m_per_mtok, haiku.cache_write_1h_per_mtok) == (1.25, 2.0)  # 1.25x / 2x of input $1
    assert haiku.service_tiers["batch"].input_per_mtok == 0.5 and haiku.service_tiers["batch"].output_per_mtok == 2.5
    palmyra = _new(whole, "writer.palmyra-vision-7b").pricing
    assert palmyra.service_tiers["flex"].input_per_mtok == 0.075
    assert palmyra.service_tiers["priority"].output_per_mtok == 1.05
    assert _new(whole, "dashscope/qwen-plus-2025-04-28").pricing.reasoning_per_mtok == 4.0
    assert _new(whole, "perplexity/pplx-70b-online").pricing.per_request_usd == 0.005


def test_tiered_pricing_only_entry_is_priced(whole):
    flash = _new(whole, "dashscope/qwen-flash").pricing
    assert (flash.input_per_mtok, flash.output_per_mtok) == (0.05, 0.4)
    assert [(t.above_input_tokens, t.input_per_mtok, t.output_per_mtok) for t in flash.tiers] == [(256_000, 0.25, 2.0)]


@pytest.mark.parametrize(("entry", "field", "message"), [
    ({"input_cost_per_token": 0.071, "output_cost_per_token": 1e-6}, "input_cost_per_token", "not a plausible price"),
    ({"input_cost_per_token": "1e-6", "output_cost_per_token": 1e-6}, "input_cost_per_token", "expected a number"),
    ({"input_cost_per_token": -1e-6, "output_cost_per_token": 1e-6}, "input_cost_per_token", "finite number >= 0"),
    ({"input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6, "tiered_pricing": [{"range": [5, 1]}]},
     "tiered_pricing[0].range", "from < to"),
    ({"input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6, "deprecation_date": "soon"},
     "deprecation_date", "YYYY-MM-DD"),
    ({"input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6, "input_cost_per_request": 50},
     "input_cost_per_request", "not a plausible price"),
])
def test_bad_entry_is_skipped_with_the_field_named_never_fatal(entry, field, message):
    prices = {"bad": {"mode": "chat", **entry}, "good": {"mode": "chat", "input_cost_per_token": 1e-6,
                                                         "output_cost_per_token": 2e-6, "max_input_tokens": 0}}
    plan = plan_import(prices, {}, models=[], update_prices=False, filename="p.json", entered_by="t", select_all=True)
    assert [c.litellm_key for c in plan.changes] == ["good"]
    assert Candidate.model_validate(plan.changes[0].new_candidate).context_window is None  # 0 = not stated
    [skip] = plan.skipped
    assert skip.litellm_key == "bad" and skip.field == field and message in skip.reason


def test_over_long_key_is_skipped():
    prices = {"k" * 150: {"mode": "chat", "input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6}}
    plan = plan_import(prices, {}, models=[], update_prices=False, filename="p.json", entered_by="t", select_all=True)
    assert not plan.changes and plan.skipped[0].field == "key" and "150 characters" in plan.skipped[0].reason


def test_provider_and_mode_filters(prices):
    plan = plan_import(prices, {}, models=[], update_prices=False, filename="p.json", entered_by="t", select_all=True,
                       providers=["anthropic"], modes=["chat"])
    assert plan.changes and all(prices[c.litellm_key]["litellm_provider"] == "anthropic" for c in plan.changes)
    by_label = plan_import(prices, {}, models=[], update_prices=False, filename="p.json", entered_by="t",
                           select_all=True, providers=["AWS Bedrock"])
    assert {prices[c.litellm_key]["litellm_provider"] for c in by_label.changes} <= {"bedrock", "bedrock_converse",
                                                                                     "bedrock_mantle"}
