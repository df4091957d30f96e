"""Crash safety: a process SIGKILLed in the middle of a large import leaves the import all-or-nothing.

A child process imports thousands of candidates in ONE write_session (as a LiteLLM or workspace import
does) and reports progress after each flushed batch; the test kills it with SIGKILL once rows are
written inside the open transaction. The database must then hold none of them, pass SQLite's
integrity check, accept new writes at once (no stale lock), and a run that is not killed must land all
of its rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select, text

from tests.conftest import REPO
from workbench.domain.models import Candidate
from workbench.store.tables import AuditEvent, CandidateRow
from workbench.store.workspace import create_candidate

CHILD = r"""
import sys
from workbench.domain.models import Candidate
from workbench.store.engine import make_engine, write_session
from workbench.store.repository import candidates, record_audit

url, total, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
engine = make_engine(url)
with write_session(engine) as session:
    for i in range(total):
        candidates.create(session, Candidate(name=f"{prefix} {i:05d}", provider="bulk"), "importer",
                          origin="import", action="import")
        if i % 100 == 99:
            session.flush()
            print(f"written {i + 1}", flush=True)
    record_audit(session, actor="importer", action="import", entity_type="import", entity_id=None,
                 entity_name="bulk", summary=f"{total} candidates")
print("committed", flush=True)
"""


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(CandidateRow)).scalar_one(),
                conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def _child(url: str, total: int, prefix: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", CHILD, url, str(total), prefix], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigkill_mid_import_leaves_nothing_half_applied(engine, database_url):
    before = _counts(engine)
    proc = _child(database_url, 50_000, "Killed")
    written = 0
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while written < 1_000 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            pytest.fail(f"the importer ended before it was killed: {proc.stderr.read() if proc.stderr else ''}")
        if line.startswith("written "):
            written = int(line.split()[1])
    assert written >= 1_000, "the importer never got going"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert _counts(engine) == before, "none of the killed import's rows (nor its audit) may be visible"
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    # the lock died with the process: the next writer goes straight through
    started = time.monotonic()
    create_candidate(engine, Candidate(name="After the crash"), "ada")
    assert time.monotonic() - started < 5
    assert _counts(engine) == (before[0] + 1, before[1] + 1)


def test_an_import_that_is_not_killed_lands_every_row(engine, database_url):
    before = _counts(engine)
    proc = _child(database_url, 300, "Complete")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.strip().endswith("committed")
    assert _counts(engine) == (before[0] + 300, before[1] + 301)
