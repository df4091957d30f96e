"""CLI fixtures: each test gets its own workspace database through the environment.

SQLite by default; with WORKBENCH_TEST_DATABASE_URL set (see tests/store/conftest.py) a fresh PostgreSQL
database per test, dropped when the test ends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.store.conftest import drop_test_databases, fresh_database_url
from workbench.cli import _store


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    url = fresh_database_url(tmp_path)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_USER", "ci-bot")
    _store._engine.cache_clear()
    yield url
    _store._engine.cache_clear()
    drop_test_databases(url)  # WITH (FORCE): the server closes the CLI engine's pooled connections


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


@pytest.fixture
def run_subprocess(cli_db):
    """Run ``python -m workbench ARGS`` in a real child process against the test's database (exit code,
    stdout, stderr): the way a CI pipeline calls it."""

    def _run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
        proc = subprocess.run([sys.executable, "-m", "workbench", *argv], capture_output=True, text=True,
                              input=stdin, env=os.environ.copy(), timeout=600, check=False)
        return proc.returncode, proc.stdout, proc.stderr

    def _json(*argv: str) -> dict:
        code, out, err = _run(*argv, "--json")
        assert code == 0, err
        return json.loads(out)

    _run.json = _json  # type: ignore[attr-defined]
    return _run
