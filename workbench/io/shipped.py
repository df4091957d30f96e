"""Load the data files shipped in `data/` (catalog, templates, reference matrices).

Each file carries a top-level ``provenance`` object; every record is validated with the domain
models on load, so a broken data file fails loudly at start-up rather than on a page.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from typing import Any

from workbench.domain.models import Candidate
from workbench.domain.templates import ProfileTemplate
from workbench.io.resources import data_dir


def _read(name: str) -> dict[str, Any]:
    path = data_dir() / name
    with path.open(encoding="utf-8") as handle:
        document = json.load(handle)
    if not isinstance(document, dict) or "provenance" not in document:
        raise ValueError(f"{path}: shipped data files must be objects with a 'provenance' key")
    return document


@lru_cache(maxsize=1)
def catalog_document() -> dict[str, Any]:
    return _read("catalog.json")


def load_catalog() -> list[Candidate]:
    return [Candidate.model_validate(raw) for raw in catalog_document()["candidates"]]


@lru_cache(maxsize=1)
def load_templates() -> tuple[ProfileTemplate, ...]:
    document = _read("profile_templates.json")
    source = document["provenance"]["source"]
    return tuple(ProfileTemplate.model_validate({**raw, "source": source}) for raw in document["templates"])


def template_by_key(key: str) -> ProfileTemplate:
    for template in load_templates():
        if template.key == key:
            return template
    raise KeyError(f"unknown profile template {key!r}")


@cache
def reference_table(name: str) -> dict[str, Any]:
    """A reference matrix: 'deployment_fit', 'license_matrix', 'failure_tolerance', 'gpus'."""
    return _read(f"{name}.json")
