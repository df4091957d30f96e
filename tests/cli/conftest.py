"""CLI fixtures: each test gets its own workspace database through the environment."""

from __future__ import annotations

import json

import pytest

from workbench.cli import _store


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    base = __import__("os").environ.get("WORKBENCH_TEST_DATABASE_URL")
    if base:
        from tests.store.conftest import _postgres_url

        url = _postgres_url(base)
    else:
        url = f"sqlite:///{tmp_path / 'workbench.db'}"
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_USER", "ci-bot")
    _store._engine.cache_clear()
    yield url
    _store._engine.cache_clear()


@pytest.fixture
def run_cli(capsys):
    from workbench.cli import main

    def _run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    def _json(*argv: str) -> dict:
        code, out, err = _run(*argv, "--json")
        assert code == 0, err
        return json.loads(out)

    _run.json = _json  # type: ignore[attr-defined]
    return _run
