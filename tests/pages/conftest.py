"""AppTest fixtures: a fresh workspace database per test, caches cleared."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO
from workbench.store import open_store
from workbench.ui.registry import PAGES

APP = REPO / "workbench" / "app.py"


@pytest.fixture
def workspace_engine(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'workbench.db'}"
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    engine = open_store(url)
    yield engine
    engine.dispose()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def open_page(workspace_engine) -> Callable[..., AppTest]:
    def _open(url_path: str, *, actor: str | None = None, query: dict[str, str] | None = None,
              secrets: dict[str, object] | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in (secrets or {}).items():  # e.g. {"auth": {...}}: login configured
            at.secrets[key] = value
        if actor:
            at.session_state["actor_name"] = actor
        at.run()
        spec = next(p for p in PAGES if p.url_path == url_path)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.switch_page(str(spec.path)).run()
        assert not at.exception, at.exception
        return at

    return _open
