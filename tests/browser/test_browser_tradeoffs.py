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


def _in_first_viewport(page, locator, height: int) -> None:
    locator.wait_for(timeout=30_000)
    box = locator.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, box


def _weight(page, label: str) -> str:
    slider = page.locator("[data-testid='stSlider']").filter(has_text=label)
    return slider.locator("[data-testid='stSliderThumbValue']").first.inner_text().strip()


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1920, 1080)])
def test_the_answer_is_above_the_fold(server, browser, profile, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{server}/tradeoffs?profile={profile.replace(' ', '+')}")
    wait_for_app(page)
    card = page.locator(".st-key-decision-card")
    winner = card.get_by_role("heading", level=3).filter(has_text=re.compile(r"^1\. "))
    _in_first_viewport(page, winner, height)
    robustness = card.locator("[data-testid='stMetric']").filter(has_text="Robustness")
    _in_first_viewport(page, robustness, height)
    assert re.search(r"\d+% first", robustness.inner_text())
    cost = card.locator("[data-testid='stMetric']").filter(has_text="Cost / success")
    _in_first_viewport(page, cost, height)
    ceiling = card.get_by_text(re.compile(r"ceiling")).first  # "… of the ceiling $…" or "no ceiling set"
    _in_first_viewport(page, ceiling, height)
    page.close()


def test_a_share_link_opens_the_same_weights_in_a_second_context(server, browser, profile):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{server}/tradeoffs?profile={profile.replace(' ', '+')}")
    wait_for_app(page)
    _slide(page, "Latency (p95)", "End")  # weight 5
    page.wait_for_function("() => location.search.includes('view=')", timeout=30_000)
    link = page.url
    moved = _weight(page, "Latency (p95)")
    assert moved == "5.00"
    page.close()
    other = browser.new_context(viewport={"width": 1440, "height": 900})
    fresh = other.new_page()
    fresh.goto(link)
    wait_for_app(fresh)
    fresh.locator("[data-testid='stSlider']").filter(has_text="Latency (p95)").first.wait_for(timeout=30_000)
    assert _weight(fresh, "Latency (p95)") == moved
    assert fresh.get_by_text("Unsaved changes").count() >= 1
    other.close()


def test_switching_pages_and_back_keeps_an_unsaved_slider_move(server, browser, profile):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{server}/tradeoffs?profile={profile.replace(' ', '+')}")
    wait_for_app(page)
    _slide(page, "Latency (p95)", "End")
    assert _weight(page, "Latency (p95)") == "5.00"
    page.get_by_role("link", name="Economics").first.click()
    wait_for_app(page)
    page.get_by_role("link", name="Trade-offs").first.click()
    wait_for_app(page)
    page.locator("[data-testid='stSlider']").filter(has_text="Latency (p95)").first.wait_for(timeout=30_000)
    assert _weight(page, "Latency (p95)") == "5.00"
    assert page.get_by_text("Unsaved changes").count() >= 1
    page.close()
