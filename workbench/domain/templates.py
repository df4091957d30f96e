"""Profile templates: the six workflow classes of seed 002's Task-to-Model Fit matrix as profile starters."""

from __future__ import annotations

from pydantic import Field

from workbench.domain.models import Model, Profile


class ProfileTemplate(Model):
    """A workflow class of seed 002's Task-to-Model Fit matrix, shipped as a profile starter."""

    key: str
    workflow_class: str
    structural_requirements: str
    ideal_model_class: str
    critical_evaluation_criteria: str
    core_failure_risk: str
    recommended_routing: str
    profile: Profile
    source: str
    trace: dict[str, str] = Field(default_factory=dict, description=(
        "profile field -> the Task-to-Model Fit cell it comes from ('<column>: <cell text>'), or "
        "'workbench default: <why>' for values the seed's matrix does not give"))
