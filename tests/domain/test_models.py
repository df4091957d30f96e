"""Domain vocabulary: validation rules and the shipped data against seed 002."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.conftest import SEED_002
from workbench.domain.models import (
    CAPABILITY_LABELS,
    CAPABILITY_VECTORS,
    CRITERIA,
    Candidate,
    CapabilityRating,
    Profile,
)
from workbench.io.shipped import load_catalog, load_templates, reference_table


def test_capability_value_prefers_measured_evidence_over_prior():
    assert CapabilityRating(rating="E").value() == 1.0
    assert CapabilityRating(rating="A").value() == 0.5
    assert CapabilityRating(rating="D").value() == 0.0
    assert CapabilityRating(rating="D", measured=0.93).value() == 0.93
    assert CapabilityRating().value() is None


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"pricing": {"input_per_mtok": -1, "output_per_mtok": 1}}, "pricing.input_per_mtok"),
        ({"context_window": 0}, "context_window"),
        ({"modalities": ["smell"]}, "modalities.0"),
        ({"capabilities": {"telepathy": {"rating": "E"}}}, "capabilities"),
        ({"regions": ["mars"]}, "regions"),
        ({"capabilities": {"schema_adherence": {"rating": "B"}}}, "capabilities.schema_adherence.rating"),
    ],
)
def test_invalid_candidate_values_name_the_field(patch, field):
    with pytest.raises(ValidationError) as info:
        Candidate.model_validate({"name": "x", **patch})
    locations = [".".join(str(p) for p in e["loc"]) for e in info.value.errors()]
    assert field in locations


def test_profile_fills_missing_weights_with_zero_and_rejects_negative():
    profile = Profile(name="p", weights={"schema_adherence": 3})
    assert set(profile.weights) == set(CRITERIA)
    assert profile.weights["schema_adherence"] == 3 and profile.weights["math_performance"] == 0
    with pytest.raises(ValidationError, match="weights must be >= 0"):
        Profile(name="p", weights={"latency": -1})
    with pytest.raises(ValidationError, match="unknown criterion"):
        Profile(name="p", weights={"vibes": 1})


def _seed_capability_matrix() -> dict[str, dict[str, str]]:
    """Parse the Capability Fit Matrix straight out of seed 002."""
    text = SEED_002.read_text()
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Capability Vector |"))
    header = [c.strip() for c in lines[start].strip("|").split("|")][1:]
    matrix: dict[str, dict[str, str]] = {model: {} for model in header}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        for model, rating in zip(header, cells[1:], strict=True):
            matrix[model][cells[0]] = rating
    return matrix


def test_catalog_ratings_are_exactly_the_seed_capability_fit_matrix():
    seed = _seed_capability_matrix()
    catalog = {c.name: c for c in load_catalog()}
    assert len(seed) == 6
    label_to_vector = {label: vector for vector, label in CAPABILITY_LABELS.items()}
    for model, ratings in seed.items():
        candidate = catalog[model]
        assert len(ratings) == 14
        for label, rating in ratings.items():
            assert candidate.capabilities[label_to_vector[label]].rating == rating, (model, label)
        assert "seed 002" in candidate.provenance["capabilities"].source


def test_catalog_has_real_breadth_and_provenance_for_every_value():
    catalog = load_catalog()
    assert len(catalog) >= 12
    open_weight_with_config = [c for c in catalog if c.architecture]
    assert len(open_weight_with_config) >= 6
    for candidate in catalog:
        if candidate.pricing:
            assert "litellm" in candidate.provenance["pricing"].source.lower()
            assert candidate.pricing.litellm_key
        if candidate.architecture:
            assert candidate.provenance["architecture"].source.startswith("https://huggingface.co/")
        assert candidate.license is not None and "license" in candidate.provenance


def test_unpublished_values_stay_unknown():
    qwen = next(c for c in load_catalog() if c.name == "Qwen 3.5 72B")
    assert qwen.pricing is None and qwen.architecture is None and qwen.context_window is None


def test_gpt54_prices_match_litellm_file():
    gpt = next(c for c in load_catalog() if c.name == "GPT-5.4")
    assert gpt.pricing is not None
    assert (gpt.pricing.input_per_mtok, gpt.pricing.output_per_mtok, gpt.pricing.cached_input_per_mtok) == (2.5, 15.0, 0.25)


def test_six_workflow_templates_of_the_task_to_model_fit_matrix():
    templates = load_templates()
    assert [t.workflow_class for t in templates] == [
        "High-Precision Extraction", "Research Synthesis", "Tool-Use Agentic Loops",
        "Mathematical Problem Solving", "Production Code Refactoring", "Visual Document Intelligence",
    ]
    seed = SEED_002.read_text()
    for t in templates:
        # the template's matrix cells are the seed's words (citation markers stripped)
        for cell in (t.core_failure_risk, t.structural_requirements, t.recommended_routing):
            assert cell.rstrip(".") in seed, cell


def test_reference_tables_present_with_provenance():
    for name in ("deployment_fit", "license_matrix"):
        table = reference_table(name)
        assert "seed 002" in table["provenance"]["source"]
    deployment = reference_table("deployment_fit")
    assert deployment["metrics"][0]["managed_api"].startswith("Low (0.73s - 1.9s)")
    assert all(vector in CAPABILITY_LABELS for vector in CAPABILITY_VECTORS)
