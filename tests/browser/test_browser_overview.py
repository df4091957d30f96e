"""Real browser: the Overview's answer (per-profile status and next step) is above the fold at 1440x900 and
1920x1080; the typed name survives a reload and a page switch (``?who=``)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_app
from workbench.store import open_store
from workbench.store.workspace import create_profile, new_profile_model

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def profile(server, server_home):
    engine = open_store(f"sqlite:///{server_home / 'workbench.db'}")
    create_profile(engine, new_profile_model("Browser overview", "high_precision_extraction"), "browser-test")
    engine.dispose()
    return "Browser overview"


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1920, 1080)])
def test_the_status_of_every_profile_is_above_the_fold(server, browser, profile, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server)
    wait_for_app(page)
    answer = page.locator(".st-key-overview_answer")
    answer.wait_for(timeout=60_000)
    grid = answer.locator("[data-testid='stDataFrame']")  # winner, record, triggers and next step per profile
    grid.wait_for(timeout=30_000)
    box = grid.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, box
    step = answer.locator("[data-testid='stPageLink']").filter(has_text=f"{profile}:").first
    step.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_the_typed_name_survives_a_reload_and_a_page_switch(server, browser, profile):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(server)
    wait_for_app(page)
    name = page.locator("[data-testid='stSidebar'] input[type='text']").first
    name.fill("Ada Lovelace")
    name.press("Enter")
    page.wait_for_function("() => location.search.includes('who=Ada')", timeout=30_000)
    page.reload()
    wait_for_app(page)
    assert page.locator("[data-testid='stSidebar'] input[type='text']").first.input_value() == "Ada Lovelace"
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Audit log").first.click()
    page.wait_for_function("() => location.pathname.includes('audit') && location.search.includes('who=Ada')",
                           timeout=30_000)
    page.close()
