"""Real browser: a candidate named like an XSS payload is shown as text on every page that lists it.

The candidate (and a provider string with a <script>) is written through the store into the test server's
database; Candidates, Trade-offs, Audit log and Overview are visited with a dialog listener: no alert may
fire, no <img src=x> may reach the DOM, and the name must appear as literal text. Both rows are removed
afterwards so the other browser tests see the shipped catalog.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_app
from workbench.domain.models import Candidate
from workbench.store import open_store
from workbench.store.workspace import (
    candidate_by_name,
    create_candidate,
    create_profile,
    delete_candidate,
    delete_profile,
    new_profile_model,
)

pytestmark = pytest.mark.browser

XSS_NAME = "<img src=x onerror=alert(1)>"
PROFILE = "XSS check"


@pytest.fixture
def hostile_candidate(server, server_home):
    engine = open_store(f"sqlite:///{server_home / 'workbench.db'}")
    candidate = create_candidate(engine, Candidate(name=XSS_NAME, provider="<script>alert(2)</script>",
                                                   notes="**bold** [link](javascript:alert(3))"), "<b>mallory</b>")
    profile = create_profile(engine, new_profile_model(PROFILE, "high_precision_extraction"), "browser-test")
    yield candidate
    current = candidate_by_name(engine, XSS_NAME)
    delete_candidate(engine, current.id, current.version, "browser-test")
    delete_profile(engine, profile.id, profile.version, "browser-test")
    engine.dispose()


def _visit(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_timeout(500)
    assert page.locator("[data-testid='stException']").count() == 0, url


def _shown_as_text(page) -> bool:
    """The literal name is in the page (as text, in a widget's value or the data grid's accessible table)."""
    return page.evaluate("name => document.body.innerText.includes(name) || "
                         "[...document.querySelectorAll('input')].some(i => i.value.includes(name)) || "
                         "document.body.textContent.includes(name)", XSS_NAME)


def test_hostile_names_render_as_text_and_run_no_script(server, browser, hostile_candidate, tmp_path):
    dialogs: list[str] = []
    page = browser.new_page(viewport={"width": 1500, "height": 1200})
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    checks = {
        "candidates": f"{server}/candidates",
        "tradeoffs": f"{server}/tradeoffs?profile={PROFILE.replace(' ', '+')}",
        "audit": f"{server}/audit",
        "overview": f"{server}/",
    }
    shown = {}
    for name, url in checks.items():
        _visit(page, url)
        if name == "candidates":  # open the hostile candidate's detail through the picker
            picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Open a candidate")
            picker.click()
            page.get_by_role("option", name=XSS_NAME).click()
            wait_for_app(page)
        if name == "tradeoffs":  # an unrated candidate is excluded (insufficient data): its tab names it
            page.get_by_role("tab", name="Excluded").click()
            wait_for_app(page)
            page.wait_for_timeout(500)
        shown[name] = _shown_as_text(page)
        assert page.locator("img[src='x']").count() == 0, f"{name}: the payload became an element"
        assert page.locator("script:has-text('alert(2)')").count() == 0, f"{name}: a script element"
        page.screenshot(path=str(tmp_path / f"xss-{name}.png"), full_page=True)
    page.wait_for_timeout(500)
    assert dialogs == [], f"a script ran: {dialogs}"
    assert shown == dict.fromkeys(checks, True), f"the name is not shown as text on: {shown}"
    page.close()
