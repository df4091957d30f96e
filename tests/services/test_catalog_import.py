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
