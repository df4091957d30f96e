"""Portfolio arithmetic against hand computations (the formulas are in the module docstrings)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from workbench.domain.portfolio import Option, PortfolioNode, StepFigures, end_to_end, routes_for, sequence
from workbench.domain.portfolio.compare import StepRanking, monolith_choice, premium_choice
from workbench.domain.portfolio.model import Portfolio
from workbench.domain.portfolio.routes import ROUTER_COST_PER_REQUEST_USD, recovery_for


def test_two_steps_in_sequence_by_hand():
    # A: $0.001 per request, 90% success, 400 ms, once; B: $0.002, 95%, 700 ms, twice per request.
    steps = [StepFigures("a", 1, 0.001, 0.90, 400.0), StepFigures("b", 2, 0.002, 0.95, 700.0)]
    e2e = end_to_end(steps, [("a", "b")], requests_per_month=1_000_000)
    assert e2e.cost_per_request_usd == pytest.approx(0.001 + 2 * 0.002)          # 0.005
    assert e2e.success_probability == pytest.approx(0.90 * 0.95 ** 2)            # 0.81225
    assert e2e.cost_per_success_usd == pytest.approx(0.005 / 0.81225)            # 0.0061557
    assert e2e.monthly_usd == pytest.approx(5_000.0)
    assert e2e.latency_p95_ms == pytest.approx(400 + 2 * 700)                    # 1,800 ms
    assert e2e.critical_path == ["a", "b"]


def test_single_step_equals_its_own_cost_per_success():
    e2e = end_to_end([StepFigures("only", 1, 0.004, 0.8, 100.0)], [], 10)
    assert e2e.cost_per_success_usd == pytest.approx(0.004 / 0.8)


def test_parallel_branches_take_the_longest_path():
    # classify -> (extract | summarise) -> merge: the slower branch is the critical path
    steps = [StepFigures("classify", 1, 0.0, 1.0, 100.0), StepFigures("extract", 1, 0.0, 1.0, 900.0),
             StepFigures("summarise", 1, 0.0, 1.0, 300.0), StepFigures("merge", 0.5, 0.0, 1.0, 50.0)]
    edges = [("classify", "extract"), ("classify", "summarise"), ("extract", "merge"), ("summarise", "merge")]
    e2e = end_to_end(steps, edges, 1)
    assert e2e.latency_p95_ms == pytest.approx(100 + 900 + 50)  # a step on a share of requests counts once
    assert e2e.critical_path == ["classify", "extract", "merge"]


def test_unknown_inputs_make_the_figure_unknown_and_name_the_step():
    steps = [StepFigures("a", 1, None, 0.9, 400.0), StepFigures("b", 1, 0.002, 0.95, None)]
    e2e = end_to_end(steps, [("a", "b")], 100)
    assert e2e.cost_per_success_usd is None and e2e.monthly_usd is None and e2e.latency_p95_ms is None
    assert e2e.unknown == {"cost": ["a"], "latency": ["b"]}


def test_cascade_and_router_by_hand_and_the_proposal():
    leader = Option("premium", 0.010, 0.98, 900.0, 0.9)
    cheap = Option("cheap", 0.001, 0.90, 300.0, 0.6)
    routes, proposal = routes_for(leader, [leader, cheap], rate=0.2, wanted="router")
    kinds = {r.kind: r for r in routes}
    assert kinds["cascade"].cost_per_request_usd == pytest.approx(0.001 + 0.2 * 0.010)        # 0.003
    assert kinds["cascade"].break_even_rate == pytest.approx(1 - 0.001 / 0.010)               # 0.9
    assert kinds["cascade"].success_probability == pytest.approx(0.8 * 0.90 + 0.2 * 0.98)
    assert kinds["cascade"].latency_p95_ms == pytest.approx(1200.0)
    assert kinds["router"].cost_per_request_usd == pytest.approx(ROUTER_COST_PER_REQUEST_USD + 0.2 * 0.010
                                                                 + 0.8 * 0.001)              # 0.0028052
    assert proposal.kind == "router"
    assert routes_for(leader, [leader, cheap], rate=0.2)[1].kind == "direct"  # nothing trades quality silently
    # escalating more often than the break-even rate, the cascade costs more than premium-direct
    routes, _ = routes_for(leader, [leader, cheap], rate=0.95)
    assert routes[1].kind == "cascade" and routes[1].cost_per_request_usd > leader.cost_per_request_usd
    # the router's own cost: it saves less than it costs when the cheap model is nearly as dear
    near = Option("near", 0.00999, 0.9, 300.0, 0.6)
    routes, _ = routes_for(leader, [leader, near], rate=0.99)
    assert routes[2].cost_per_request_usd > leader.cost_per_request_usd


def test_no_cheaper_candidate_means_direct():
    leader = Option("cheapest", 0.001, 0.9, 100.0, 0.5)
    routes, proposal = routes_for(leader, [leader, Option("dear", 0.01, 0.99, 100.0, 0.9)], rate=0.2,
                                  wanted="cascade")
    assert [r.kind for r in routes] == ["direct"] and proposal.kind == "direct"


def test_recovery_policy_from_the_failure_policy():
    assert recovery_for("fail_open", "x", 1.5).action == "log the failure and continue"
    closed = recovery_for("fail_closed", "Claude Opus 4.7", 1.5)
    assert closed.action == "retry on Claude Opus 4.7, then human review at $1.50 per case"


def test_monolith_is_the_best_model_admitted_everywhere_and_none_when_nobody_is():
    a = StepRanking("a", 1, {"x": 0.9, "y": 0.5}, {"x": 0.9, "y": 0.4})
    b = StepRanking("b", 3, {"x": 0.2, "y": 0.6, "z": 1.0}, {"x": 0.3, "y": 0.7, "z": 1.0})
    # x: (0.9 + 3*0.2)/4 = 0.375; y: (0.5 + 3*0.6)/4 = 0.575 -> y; z is not admitted at step a
    assert monolith_choice([a, b]) == "y"
    assert monolith_choice([a, StepRanking("c", 1, {"z": 1.0}, {"z": 1.0})]) is None
    assert premium_choice(b) == "z"


def test_graph_validation_names_the_problem():
    node = PortfolioNode(key="a", profile="p")
    with pytest.raises(ValidationError, match="duplicate key"):
        Portfolio(name="x", nodes=[node, node])
    with pytest.raises(ValidationError, match="names no node 'c'"):
        Portfolio(name="x", nodes=[node], edges=[("a", "c")])
    with pytest.raises(ValidationError, match="cycle"):
        Portfolio(name="x", nodes=[node, PortfolioNode(key="b", profile="p")], edges=[("a", "b"), ("b", "a")])
    chain = sequence("x", [node, PortfolioNode(key="b", profile="q"), PortfolioNode(key="c", profile="r")])
    assert chain.edges == [("a", "b"), ("b", "c")]


def test_seed_routes_cover_the_six_templates():
    from workbench.domain.portfolio import SEED_ROUTE
    from workbench.io.shipped import load_templates

    templates = {t.workflow_class: t.recommended_routing for t in load_templates()}
    assert set(SEED_ROUTE) == set(templates)
    for workflow, kind in SEED_ROUTE.items():  # the kind follows the seed's words
        assert ("router" in templates[workflow] or "diagnostic routing" in templates[workflow]) == (kind == "router")
