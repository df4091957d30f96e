"""Presenter mode: one sidebar toggle, on from ?present=1, kept across page switches and in the URL."""

from __future__ import annotations

from workbench.ui.presenter import PRESENT, URL_PARAM
from workbench.ui.registry import PAGES


def _path(url_path: str) -> str:
    return str(next(p for p in PAGES if p.url_path == url_path).path)


def _css_applied(at) -> bool:
    return any("font-size: 20px" in (h.proto.body or "") for h in at.get("html"))


def test_off_by_default_and_on_from_the_link(open_page):
    at = open_page("economics")
    assert at.sidebar.toggle(key=PRESENT).value is False and not _css_applied(at)
    at.sidebar.toggle(key=PRESENT).set_value(True).run()
    assert _css_applied(at) and at.query_params[URL_PARAM] == "1"
    at.switch_page(_path("tradeoffs")).run()
    assert at.sidebar.toggle(key=PRESENT).value is True and _css_applied(at)
    assert at.query_params[URL_PARAM] == "1"
    at.sidebar.toggle(key=PRESENT).set_value(False).run()
    assert not _css_applied(at) and URL_PARAM not in at.query_params


def test_a_link_with_present_1_opens_in_presenter_mode(workspace_engine):
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import APP

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params[URL_PARAM] = "1"
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.toggle(key=PRESENT).value is True and _css_applied(at)
