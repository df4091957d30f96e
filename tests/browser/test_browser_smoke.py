"""Real browser: every page of a running `workbench` renders with no exception box."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_app
from workbench.ui.registry import PAGES

pytestmark = pytest.mark.browser


def test_every_page_renders_in_chromium(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    for spec in PAGES:
        page.goto(f"{server}/{spec.browser_path}")
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0, spec.title
        assert page.get_by_role("heading", level=1).first.is_visible(), spec.title
        assert page.get_by_text("Page not found").count() == 0, spec.title
        page.screenshot(path=str(tmp_path / f"{spec.url_path}.png"), full_page=True)
    assert (tmp_path / "candidates.png").stat().st_size > 10_000
    page.close()


def test_candidate_grid_shows_the_catalog(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/candidates")
    wait_for_app(page)
    assert page.get_by_text("13 of 13 candidates").is_visible()
    search = page.locator("[data-testid='stTextInput']").filter(has_text="Search").locator("input")
    search.fill("claude")
    search.press("Enter")
    page.get_by_text("1 of 13 candidates").wait_for(timeout=30_000)
    page.close()
