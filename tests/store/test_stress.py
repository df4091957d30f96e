"""Concurrent editors: 8 threads x 200 mixed operations on one database (SQLite file, or PostgreSQL).

Each thread mixes reads (list, get, audit log), creates, and read-modify-write updates of a few shared
candidates through the optimistic lock (a conflict reloads and retries, as a person pressing "reload"
would). Afterwards: no error other than the expected conflicts (never "database is locked"), no lost
update (each row's counter equals the updates that reported success; its version moved by as much), and
exactly one audit event per successful write. The figures are printed (``pytest -s``) and written to
``stress-report.json`` in the test's tmp_path.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter

from sqlalchemy import func, select

from workbench.domain.models import Candidate
from workbench.store.repository import ConflictError
from workbench.store.tables import AuditEvent
from workbench.store.workspace import (
    audit_events,
    create_candidate,
    get_candidate,
    list_candidates,
    save_candidate,
)

THREADS = 8
OPS_PER_THREAD = 200
HOT_ROWS = 4
MAX_RETRIES = 200
TIME_LIMIT_S = 120


def _audit_count(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def _counter(record) -> int:
    return int(record.model.notes or 0)


def test_eight_concurrent_editors_lose_nothing(engine, tmp_path):
    hot = [create_candidate(engine, Candidate(name=f"Hot row {i}", notes="0"), "setup") for i in range(HOT_ROWS)]
    audit_start = _audit_count(engine)
    ops: Counter[str] = Counter()
    errors: list[str] = []
    updated = Counter[int]()  # successful updates per hot row
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def update(thread: int, row_id: int) -> int:
        for attempt in range(MAX_RETRIES):
            record = get_candidate(engine, row_id)
            model = record.model.model_copy(update={"notes": str(_counter(record) + 1)})
            try:
                save_candidate(engine, row_id, model, record.version, f"editor-{thread}")
                return attempt
            except ConflictError:
                continue  # someone saved first: reload and apply the change again
        raise RuntimeError(f"update of row {row_id} still conflicting after {MAX_RETRIES} reloads")

    def editor(thread: int) -> None:
        rng = random.Random(thread)
        local: Counter[str] = Counter()
        barrier.wait()
        for op in range(OPS_PER_THREAD):
            kind = rng.choices(["update", "create", "read", "audit"], weights=[5, 2, 2, 1])[0]
            try:
                if kind == "update":
                    row_id = hot[rng.randrange(HOT_ROWS)].id
                    local["conflict_retries"] += update(thread, row_id)
                    with lock:
                        updated[row_id] += 1
                elif kind == "create":
                    create_candidate(engine, Candidate(name=f"t{thread}-op{op}", provider="stress"), f"editor-{thread}")
                elif kind == "read":
                    assert len(list_candidates(engine)) >= HOT_ROWS
                else:
                    audit_events(engine, limit=20)
                local[kind] += 1
            except Exception as exc:  # every unexpected failure is counted, with its message
                local["errors"] += 1
                with lock:
                    errors.append(f"{kind}: {type(exc).__name__}: {exc}"[:300])
        with lock:
            ops.update(local)

    started = time.monotonic()
    threads = [threading.Thread(target=editor, args=(t,), daemon=True) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=TIME_LIMIT_S)
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in threads), f"editors still running after {TIME_LIMIT_S} s"

    final = {h.id: get_candidate(engine, h.id) for h in hot}
    lost = {row: updated[row] - _counter(rec) for row, rec in final.items()}
    writes = ops["update"] + ops["create"]
    report = {
        "database": engine.dialect.name, "threads": THREADS, "operations": THREADS * OPS_PER_THREAD,
        "completed": {k: ops[k] for k in ("update", "create", "read", "audit")},
        "conflict_retries": ops["conflict_retries"], "errors": len(errors), "lost_updates": sum(lost.values()),
        "audit_events_written": _audit_count(engine) - audit_start, "seconds": round(elapsed, 2),
    }
    (tmp_path / "stress-report.json").write_text(json.dumps(report, indent=2))
    print("\nstress:", json.dumps(report))

    assert errors == [], errors[:5]
    assert sum(ops[k] for k in ("update", "create", "read", "audit")) == THREADS * OPS_PER_THREAD
    assert all(n == 0 for n in lost.values()), f"lost updates per row: {lost}"
    for row, rec in final.items():
        assert rec.version == 1 + updated[row], "the version moved once per successful update"
    assert report["audit_events_written"] == writes, "one audit event per successful write"
