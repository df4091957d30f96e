"""Catalog import use case: a previewed LiteLLM import is applied against the versions seen at preview."""

from __future__ import annotations

import json

import pytest

from workbench.io.litellm import load_price_file
from workbench.services import catalog_import
from workbench.store.workspace import candidate_by_name, save_candidate


@pytest.fixture(scope="module")
def prices(fixtures_dir):
    return load_price_file(fixtures_dir / "pricing" / "litellm_model_prices.json")


def _newer_gpt54(prices):
    data = json.loads(json.dumps(prices))
    data["gpt-5.4"]["input_cost_per_token"] = 3e-06  # a price change the refresh will apply
    return data


def test_note_saved_between_preview_and_apply_is_not_lost(engine, prices):
    # A previews a price refresh that touches GPT-5.4
    plan = catalog_import.preview_litellm(engine, _newer_gpt54(prices), models=[], update_prices=True,
                                          filename="prices.json", actor="ada")
    assert any(c.candidate == "GPT-5.4" and c.action == "update" for c in plan.changes)
    # B saves a note on GPT-5.4 in between
    record = candidate_by_name(engine, "GPT-5.4")
    save_candidate(engine, record.id, record.model.model_copy(update={"notes": "B's note"}), record.version, "bob")
    # A applies the preview: refused with a conflict naming who changed what; nothing written
    with pytest.raises(catalog_import.ImportConflictError) as info:
        catalog_import.apply_litellm(engine, plan, "ada")
    message = str(info.value)
    assert "GPT-5.4" in message and "bob" in message and "notes" in message
    after = candidate_by_name(engine, "GPT-5.4")
    assert after.model.notes == "B's note"
    assert after.model.pricing is not None and after.model.pricing.input_per_mtok == 2.5  # A's price not applied
    assert after.updated_by == "bob"


def test_apply_without_interference_writes_the_preview(engine, prices):
    plan = catalog_import.preview_litellm(engine, _newer_gpt54(prices), models=[], update_prices=True,
                                          filename="prices.json", actor="ada")
    catalog_import.apply_litellm(engine, plan, "ada")
    assert candidate_by_name(engine, "GPT-5.4").model.pricing.input_per_mtok == 3.0
    assert candidate_by_name(engine, "GPT-5.4").updated_by == "ada"


def test_price_history_is_dated_per_candidate(engine, prices):
    from datetime import date

    from workbench.store.prices import price_history, price_on

    first = catalog_import.preview_litellm(engine, prices, models=["gpt-5.5"], update_prices=False,
                                           filename="june.json", actor="ada", retrieved=date(2026, 6, 1))
    catalog_import.apply_litellm(engine, first, "ada")
    record = candidate_by_name(engine, "gpt-5.5 — OpenAI")
    newer = json.loads(json.dumps(prices))
    newer["gpt-5.5"]["input_cost_per_token"] = 4e-06
    refresh = catalog_import.preview_litellm(engine, newer, models=[], update_prices=True, filename="dec.json",
                                             actor="bob", retrieved=date(2026, 12, 1))
    catalog_import.apply_litellm(engine, refresh, "bob")
    points = price_history(engine, record.id)
    assert [(p.effective, p.pricing.input_per_mtok, p.source) for p in points] == [
        (date(2026, 6, 1), 5.0, "LiteLLM june.json"), (date(2026, 12, 1), 4.0, "LiteLLM dec.json")]
    assert price_on(engine, record.id, date(2026, 9, 1)).pricing.input_per_mtok == 5.0
    assert price_on(engine, record.id, date(2026, 5, 1)) is None
    unchanged = catalog_import.preview_litellm(engine, newer, models=[], update_prices=True, filename="dec2.json",
                                               actor="bob", retrieved=date(2026, 12, 2))
    catalog_import.apply_litellm(engine, unchanged, "bob")
    assert len(price_history(engine, record.id)) == 2  # no new point when nothing moved


def test_apply_a_selection_only(engine, prices):
    plan = catalog_import.preview_litellm(engine, prices, models=[], update_prices=False, filename="p.json",
                                          actor="ada", select_all=True, providers=["anthropic"])
    keys = {c.litellm_key for c in plan.writes}
    assert len(keys) > 3
    chosen = set(sorted(keys)[:2])
    assert catalog_import.apply_litellm(engine, plan, "ada", only=chosen) == {"create": 2, "update": 0}
