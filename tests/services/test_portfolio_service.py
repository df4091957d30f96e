"""A three-step portfolio built from the workflow templates, ranked on a real workspace; the router config loads
in LiteLLM's own Router."""

from __future__ import annotations

import math

import pytest
import yaml

from workbench.domain.portfolio import PortfolioNode, sequence
from workbench.services.decide import decide
from workbench.services.portfolio import PortfolioError, export_router, rank_portfolio, result_json
from workbench.store.workspace import create_profile, new_profile_model

TEMPLATES = ("high_precision_extraction", "research_synthesis", "tool_use_agentic_loops")


@pytest.fixture
def three_steps(engine):
    for key in TEMPLATES:
        create_profile(engine, new_profile_model(key, key), "tester")
    return sequence("contracts", [PortfolioNode(key="extract", profile=TEMPLATES[0]),
                                  PortfolioNode(key="synthesise", profile=TEMPLATES[1], calls_per_request=0.5),
                                  PortfolioNode(key="act", profile=TEMPLATES[2], calls_per_request=2)])


def test_each_step_is_its_profiles_ranking_and_the_totals_add_up(engine, three_steps):
    result = rank_portfolio(engine, three_steps, with_robustness=False)
    doc = result_json(result)
    assert [n["key"] for n in doc["nodes"]] == ["extract", "synthesise", "act"]
    cost = 0.0
    success = 1.0
    for node, step in zip(doc["nodes"], result.steps, strict=True):
        ranking = decide(engine, step.profile).ranking
        assert node["winner"] == ranking.winner
        row = ranking.rows[0]
        if node["route"] == "direct":  # the step's cost per success is the Trade-offs figure, to the cent
            assert node["cost_per_success_usd"] == pytest.approx(row.cost_per_success, rel=1e-12)
        cost += step.calls * step.route.cost_per_request_usd
        success *= step.route.success_probability ** step.calls
    e2e = doc["end_to_end"]
    assert e2e["cost_per_request_usd"] == pytest.approx(cost)
    assert e2e["cost_per_success_usd"] == pytest.approx(cost / success)
    assert e2e["monthly_usd"] == pytest.approx(cost * result.requests_per_month)
    # the seed recommends a pre-generation router for tool-use loops
    assert doc["nodes"][2]["route"] in ("router", "direct") and "seed 002" in doc["nodes"][2]["basis"]


def test_monolith_and_premium_are_compared(engine, three_steps):
    doc = result_json(rank_portfolio(engine, three_steps, with_robustness=False))
    mono = doc["monolith"]
    assert mono["candidate"] is None or all(m == mono["candidate"] for m in mono["choice"].values())
    if mono["candidate"] is not None and doc["end_to_end"]["cost_per_success_usd"] is not None:
        # the portfolio's own choice per step is never dearer than one model everywhere when both are direct
        assert math.isfinite(mono["cost_per_success_usd"])
    assert set(doc["premium_everywhere"]["choice"]) == {"extract", "synthesise", "act"}


def test_a_missing_profile_names_the_step(engine):
    portfolio = sequence("p", [PortfolioNode(key="ghost", profile="no such profile")])
    with pytest.raises(PortfolioError, match="step 'ghost'"):
        rank_portfolio(engine, portfolio, with_robustness=False)


def test_router_config_loads_in_litellms_router(engine, three_steps):
    from litellm import Router

    result = rank_portfolio(engine, three_steps, with_robustness=False)
    config = yaml.safe_load(export_router(result, "litellm-router"))
    router = Router(model_list=config["model_list"], **config["router_settings"])
    groups = {m["model_name"] for m in router.model_list}
    assert {"extract", "synthesise", "act"} <= groups
    for fallback in config["router_settings"]["fallbacks"]:
        for group, targets in fallback.items():
            assert group in groups and set(targets) <= groups
    policy = yaml.safe_load(export_router(result, "policy"))
    assert [s["key"] for s in policy["steps"]] == ["extract", "synthesise", "act"]
    assert policy["end_to_end"]["cost_per_success_usd"] == pytest.approx(
        result.end_to_end.cost_per_success_usd)
