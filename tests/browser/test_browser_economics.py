"""Real browser: the Economics answer is above the fold at 1440x900 and 1920x1080; presenter mode from the link
enlarges type, hides the workload inputs and survives a page switch."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_app
from workbench.store import open_store
from workbench.store.workspace import create_profile, new_profile_model

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def profile(server, server_home):
    engine = open_store(f"sqlite:///{server_home / 'workbench.db'}")
    create_profile(engine, new_profile_model("Browser economics", "high_precision_extraction"), "browser-test")
    engine.dispose()
    return "Browser+economics"


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1920, 1080)])
def test_the_answer_is_above_the_fold(server, browser, profile, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{server}/economics?econ_profile={profile}")
    wait_for_app(page)
    strip = page.locator(".st-key-econ_answer")
    strip.get_by_text("Leader, per success").wait_for(timeout=30_000)
    box = strip.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, box
    text = strip.inner_text()
    assert "Cheapest eligible, per success" in text and "Leader, per success" in text and "$" in text
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_presenter_mode_from_the_link_survives_a_page_switch(server, browser, profile):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{server}/economics?econ_profile={profile}&present=1")
    wait_for_app(page)
    root_px = "() => getComputedStyle(document.documentElement).fontSize"
    presenting = "() => getComputedStyle(document.documentElement).fontSize === '20px'"
    page.locator(".st-key-econ_answer").wait_for(timeout=30_000)
    page.wait_for_function(presenting, timeout=30_000)
    assert not page.locator(".st-key-edit-econ-workload").is_visible()  # editing chrome hidden
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Overview").first.click()
    wait_for_app(page)
    page.wait_for_function("() => !location.pathname.includes('economics')", timeout=30_000)
    wait_for_app(page)
    assert page.evaluate(root_px) == "20px" and "present=1" in page.url
    page.close()
