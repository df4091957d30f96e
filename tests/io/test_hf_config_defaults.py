"""The reader's carried defaults equal transformers' configuration classes (transformers is a test dependency
only: the product reads config.json without it and without torch)."""

from __future__ import annotations

import logging

import pytest
import transformers  # test extra (pyproject [project.optional-dependencies] test)

from workbench.io.hf_config.defaults_table import DEFAULTS

logging.getLogger("transformers").setLevel(logging.ERROR)
CONFIG_MAPPING = transformers.CONFIG_MAPPING


@pytest.mark.parametrize("model_type", sorted(DEFAULTS))
def test_defaults_match_transformers(model_type: str) -> None:
    assert model_type in CONFIG_MAPPING
    current = CONFIG_MAPPING[model_type]().to_dict()
    carried = DEFAULTS[model_type]
    if "_text_model_type" in carried:
        assert current["text_config"]["model_type"] == carried["_text_model_type"]
        return
    for field, value in carried.items():
        assert current.get(field) == value, field


def test_gemma3_vocab_default_is_the_published_models_vocab() -> None:
    # gemma-3-27b-it's published config.json omits text_config.vocab_size and relies on this default
    assert DEFAULTS["gemma3_text"]["vocab_size"] == 262_208
