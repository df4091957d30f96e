"""transformers' constant configuration defaults for the fields the reader uses, from the shipped table
``data/hf_config_defaults.json`` (generated from transformers by ``data/tools/gen_hf_config_defaults.py``; derived
defaults such as ``head_dim = hidden_size // num_attention_heads`` are excluded). tests/io/test_hf_config_defaults.py
re-checks every value against the installed transformers."""

from __future__ import annotations

import json
from typing import Any

from workbench.io.resources import shipped_data_file

_DOCUMENT: dict[str, Any] = json.loads(shipped_data_file("hf_config_defaults.json").read_text(encoding="utf-8"))

TRANSFORMERS_VERSION: str = _DOCUMENT["transformers_version"]
DEFAULTS: dict[str, dict[str, Any]] = _DOCUMENT["defaults"]
