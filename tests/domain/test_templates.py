"""Issue 13, point 8: every template value traces to its cell of seed 002's Task-to-Model Fit matrix;
fields the matrix row is silent on stay unset (null = not stated)."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import SEED_002
from workbench.domain.mdr import relevant_failures
from workbench.io.resources import data_file
from workbench.io.shipped import load_templates
from workbench.services.records import load_failure_table

SEED = SEED_002.read_text(encoding="utf-8")
COLUMNS = ("Workflow Class", "Structural Requirements", "Ideal Model Class", "Critical Evaluation Criteria",
           "Core Failure Risk", "Recommended Routing Pattern")


def _seed_rows() -> dict[str, list[str]]:
    """The Task-to-Model Fit rows of the seed, citation numbers stripped: workflow class -> six cells."""
    start = SEED.index("| Workflow Class |")
    rows = {}
    for line in SEED[start:].splitlines()[2:8]:
        cells = [re.sub(r"\s*\d+(,\d+)*\.?$", "", c.strip()).rstrip(".") for c in line.strip("|").split("|")]
        rows[cells[0]] = cells
    return rows


def _raw_templates() -> list[dict[str, object]]:
    return json.loads(data_file("profile_templates.json").read_text(encoding="utf-8"))["templates"]


@pytest.mark.parametrize("raw", _raw_templates(), ids=lambda t: str(t["key"]))
def test_every_template_value_traces_to_a_seed_cell_or_says_it_is_a_default(raw: dict[str, object]) -> None:
    rows = _seed_rows()
    seed_row = rows[str(raw["workflow_class"])]
    trace: dict[str, str] = raw["trace"]  # type: ignore[assignment]
    profile: dict[str, object] = raw["profile"]  # type: ignore[assignment]
    covered = {part.strip() for key in trace for part in key.split(",")}
    for field, value in profile.items():
        if field == "name" or field == "required_modalities" and value == ["text"]:
            continue
        assert field in covered or any(k.startswith(field + ".") for k in covered), (raw["key"], field)
        if value is None:
            assert any(field in k and "not stated" in v for k, v in trace.items()), (raw["key"], field)
    for key, text in trace.items():
        column = next((c for c in COLUMNS if text.startswith(c + ":")), None)
        if column is None:
            assert text.startswith(("workbench default", "not ", "none", "3 = ")), (key, text)
            continue
        # every column quoted is followed by that row's whole cell, in the seed's words
        for col in re.findall(r"(" + "|".join(COLUMNS) + r"): ", text):
            assert f"{col}: {seed_row[COLUMNS.index(col)]}" in text, (key, col, text)


def test_research_synthesis_does_not_claim_multi_step_math() -> None:
    template = next(t for t in load_templates() if t.key == "research_synthesis")
    assert template.profile.reasoning_depth is None and template.profile.output_form is None
    modes = {row.mode.value for row in relevant_failures(template.profile, load_failure_table())}
    assert "math_calculation_error" not in modes and "citation_hallucination" in modes


def test_math_template_keeps_what_its_row_says() -> None:
    template = next(t for t in load_templates() if t.key == "mathematical_problem_solving")
    assert template.profile.reasoning_depth is not None and template.profile.reasoning_depth.value == "multi_step_math"
    assert template.profile.workload.effort_tier == "high"  # "high-effort processing tier"
    assert "Step-by-step cognitive search" in template.trace["reasoning_depth"]
