"""Scenarios: a named what-if of a profile that never alters the saved profile.

A scenario overrides the parts of a profile people explore in a meeting (weights, hard constraints,
the latency SLA, the ranking method); ``effective_profile`` merges it onto the profile. Promoting a
scenario writes that merged profile back (an audited profile update).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from workbench.domain.models import HardConstraints, Model, Profile, Workload
from workbench.domain.text import normalise_name

Method = Literal["wsm", "topsis"]


class Scenario(Model):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    method: Method = "wsm"
    weights: dict[str, float] | None = Field(default=None, description="None = the profile's weights")
    constraints: HardConstraints | None = Field(default=None, description="None = the profile's constraints")
    workload: Workload | None = None
    smaa_spread: float = Field(default=0.5, gt=0.0, le=5.0)
    smaa_samples: int = Field(default=2_000, ge=100, le=100_000)
    smaa_seed: int = Field(default=20261123, ge=0)

    @field_validator("name", mode="before")
    @classmethod
    def _normalise_name(cls, value: object) -> object:
        return normalise_name(value) if isinstance(value, str) else value


def effective_profile(profile: Profile, scenario: Scenario | None) -> Profile:
    """The profile as the scenario sees it (the stored profile is not touched)."""
    if scenario is None:
        return profile
    update: dict[str, object] = {}
    if scenario.weights is not None:
        update["weights"] = {**profile.weights, **scenario.weights}
    if scenario.constraints is not None:
        update["constraints"] = scenario.constraints
        # a scenario's SLA / ceiling is the requirement of the profile it explores (one value)
        update["latency_sla"] = {**profile.latency_sla.model_dump(),
                                 "total_p95_ms": scenario.constraints.max_p95_latency_ms}
        update["cost_ceiling_per_success_usd"] = scenario.constraints.max_cost_per_success_usd
    if scenario.workload is not None:
        update["workload"] = scenario.workload
    return Profile.model_validate({**profile.model_dump(), **update})


def scenario_from(profile: Profile, name: str, method: Method = "wsm") -> Scenario:
    """A new scenario that starts as an exact copy of the profile's decision inputs."""
    return Scenario(name=name, method=method, weights=dict(profile.weights),
                    constraints=profile.constraints.model_copy(deep=True))
