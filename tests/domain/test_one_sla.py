"""Requirement 8b (total p95 SLA) and 10 (cost ceiling) are the hard constraints' max p95 / max cost."""

from __future__ import annotations

from workbench.domain.models import HardConstraints, Profile
from workbench.domain.scenario import Scenario, effective_profile


def test_the_requirement_is_the_constraint():
    p = Profile(name="p", latency_sla={"total_p95_ms": 1200}, cost_ceiling_per_success_usd=0.004)
    assert p.constraints.max_p95_latency_ms == 1200 and p.constraints.max_cost_per_success_usd == 0.004


def test_a_constraint_stated_alone_becomes_the_requirement():
    p = Profile(name="p", constraints={"max_p95_latency_ms": 1600, "max_cost_per_success_usd": 0.01})
    assert p.latency_sla.total_p95_ms == 1600 and p.cost_ceiling_per_success_usd == 0.01


def test_a_disagreement_is_reconciled_to_the_requirement():
    """The drift the review saw (list says 1200 while 1,600 is enforced) cannot exist: the requirement wins."""
    p = Profile(name="p", latency_sla={"total_p95_ms": 1200}, constraints={"max_p95_latency_ms": 1600})
    assert p.latency_sla.total_p95_ms == p.constraints.max_p95_latency_ms == 1200
    again = Profile.model_validate(p.model_dump())
    assert again == p


def test_a_scenario_sla_is_the_effective_requirement():
    p = Profile(name="p", latency_sla={"total_p95_ms": 1200})
    s = Scenario(name="relaxed", constraints=HardConstraints(max_p95_latency_ms=2000))
    eff = effective_profile(p, s)
    assert eff.latency_sla.total_p95_ms == eff.constraints.max_p95_latency_ms == 2000
    none = effective_profile(p, Scenario(name="no SLA", constraints=HardConstraints()))
    assert none.latency_sla.total_p95_ms is None and none.constraints.max_p95_latency_ms is None


def test_setting_either_field_sets_both():
    from workbench.services.profiles import apply_assignments

    p = Profile(name="p", latency_sla={"total_p95_ms": 1200})
    edited = Profile.model_validate(apply_assignments(p.model_dump(mode="json"), ["constraints.max_p95_latency_ms=1600"]))
    assert edited.latency_sla.total_p95_ms == edited.constraints.max_p95_latency_ms == 1600
    edited = Profile.model_validate(apply_assignments(p.model_dump(mode="json"), ["cost_ceiling_per_success_usd=0.01"]))
    assert edited.constraints.max_cost_per_success_usd == 0.01
