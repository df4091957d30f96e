"""LiteLLM price file: conversion, whole-file validation, import planning."""

from __future__ import annotations

import json

import pytest

from workbench.domain.models import Candidate
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
    assert plan.summary() == {"create": 1, "update": 1, "unchanged": 0}


def test_plan_requires_models_or_update_flag(prices):
    with pytest.raises(LiteLLMError, match="--model"):
        plan_import(prices, {}, models=[], update_prices=False, filename="p.json", entered_by="t")


def test_unpriced_entry_is_refused(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"embed": {"mode": "embedding", "input_cost_per_token": 1e-7}}))
    with pytest.raises(LiteLLMError, match="only priced chat models"):
        plan_import(load_price_file(path), {}, models=["embed"], update_prices=False, filename="p.json", entered_by="t")
