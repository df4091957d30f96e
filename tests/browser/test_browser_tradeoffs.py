"""Real browser: moving weight sliders on Trade-offs re-ranks at once; the link restores the view."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import wait_for_app
from workbench.store import open_store
from workbench.store.workspace import create_profile, new_profile_model

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def profile(server, server_home):
    engine = open_store(f"sqlite:///{server_home / 'workbench.db'}")
    create_profile(engine, new_profile_model("Browser contracts", "high_precision_extraction"), "browser-test")
    engine.dispose()
    return "Browser contracts"


def _leader(page) -> str:
    heading = page.get_by_role("heading", level=3).filter(has_text=re.compile(r"^1\. ")).first
    heading.wait_for(timeout=30_000)
    return heading.inner_text().strip()[3:]


def _slide(page, label: str, key: str) -> None:
    slider = page.locator("[data-testid='stSlider']").filter(has_text=label).get_by_role("slider")
    slider.focus()
    slider.press(key)
    wait_for_app(page)


def test_moving_sliders_changes_the_ranking(server, browser, profile, tmp_path):
    page = browser.new_page(viewport={"width": 1500, "height": 1200})
    page.goto(f"{server}/tradeoffs?profile={profile.replace(' ', '+')}")
    wait_for_app(page)
    before = _leader(page)
    for label in ("Schema Adherence", "Instruction Following", "Grounded Synthesis", "Cost per successful outcome"):
        _slide(page, label, "Home")  # weight 0
    _slide(page, "Multimodal Perception", "End")  # weight 5
    page.wait_for_timeout(500)
    after = _leader(page)
    assert after != before, f"leader stayed {before}"
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(tmp_path / "tradeoffs-after.png"), full_page=True)
    # the method lives in the URL: TOPSIS from a link
    page.goto(f"{server}/tradeoffs?profile={profile.replace(' ', '+')}&method=TOPSIS")
    wait_for_app(page)
    page.get_by_text(re.compile(r"normalisation: vector")).first.wait_for(timeout=30_000)
    page.close()
