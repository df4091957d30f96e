"""AppTest: the Portfolio page — empty states, creating a portfolio from the step table, the end-to-end card and
the same figures as the CLI."""

from __future__ import annotations

import json

import pytest

from workbench.domain.portfolio import PortfolioNode, sequence
from workbench.services.portfolio import rank_portfolio, result_json
from workbench.services.portfolios import create_portfolio, list_portfolios
from workbench.store.workspace import create_profile, new_profile_model

TEMPLATES = ("high_precision_extraction", "tool_use_agentic_loops")


def test_without_profiles_the_page_says_what_to_do(open_page):
    at = open_page("portfolio")
    assert any("no requirement profile yet" in i.value.lower() for i in at.info)


@pytest.fixture
def two_profiles(workspace_engine):
    for key in TEMPLATES:
        create_profile(workspace_engine, new_profile_model(key, key), "setup")
    return workspace_engine


def test_create_from_the_step_table(open_page, two_profiles):
    at = open_page("portfolio")
    assert any("No portfolio yet" in i.value for i in at.info)
    at.text_input[0].set_value("Pipeline <b>one</b>")
    at.button[0].click().run()  # the form's submit: two steps prefilled with the two profiles
    assert not at.exception, at.exception
    stored = list_portfolios(two_profiles)
    assert [r.model.name for r in stored] == ["Pipeline <b>one</b>"]
    assert [n.profile for n in stored[0].model.nodes] == list(TEMPLATES)


def test_card_and_table_agree_with_the_service(open_page, two_profiles):
    portfolio = sequence("p", [PortfolioNode(key="extract", profile=TEMPLATES[0]),
                               PortfolioNode(key="act", profile=TEMPLATES[1], calls_per_request=2)])
    create_portfolio(two_profiles, portfolio, "setup")
    at = open_page("portfolio")
    assert not at.exception
    doc = result_json(rank_portfolio(two_profiles, portfolio, with_robustness=False))
    card = {m.label: m.value for m in at.metric}
    expected = doc["end_to_end"]["cost_per_success_usd"]
    assert card["Cost per successful outcome"] == (f"${expected:,.4f}" if expected is not None else "unknown")
    table = at.dataframe[-1].value  # the first is the new-portfolio step editor
    assert list(table["Step"]) == ["extract", "act"]
    assert list(table["Model"]) == [n["winner"] for n in doc["nodes"]]
    graph = json.loads(at.get("plotly_chart")[0].proto.spec)
    texts = " ".join(a["text"] for a in graph["layout"]["annotations"] if a.get("text"))
    assert "extract" in texts and "act" in texts
