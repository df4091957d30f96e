"""The audit log's hash chain, and audit events a backup merge brings in (kept as imported, never native)."""

from __future__ import annotations

import copy

import sqlalchemy as sa

from tests.store.conftest import drop_test_databases, fresh_database_url
from workbench.domain.models import Candidate
from workbench.services.backup_restore import import_workspace
from workbench.store import open_store
from workbench.store.audit import verify_audit_log
from workbench.store.backup import dumps, export_workspace, loads
from workbench.store.tables import AuditEvent
from workbench.store.workspace import audit_events, create_candidate, create_profile, new_profile_model


def _events(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.text("SELECT * FROM audit_event ORDER BY id")).mappings()]


def test_every_event_is_chained_and_the_chain_verifies(engine):
    create_profile(engine, new_profile_model("Chained", None), "ada")
    create_candidate(engine, Candidate(name="Chained model"), "bob")
    events = _events(engine)
    assert all(e["chain_hash"] for e in events)
    assert [e["prev_hash"] for e in events[1:]] == [e["chain_hash"] for e in events[:-1]]
    assert events[0]["prev_hash"] is None
    report = verify_audit_log(engine)
    assert report.intact and report.events == len(events) and report.head == events[-1]["chain_hash"]


def test_an_edited_a_deleted_and_an_inserted_event_are_reported(engine):
    create_profile(engine, new_profile_model("Target", None), "ada")
    create_candidate(engine, Candidate(name="One"), "bob")
    create_candidate(engine, Candidate(name="Two"), "bob")
    events = _events(engine)
    edited, deleted = events[-3]["id"], events[-2]["id"]
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_event SET summary = 'nothing happened' WHERE id = :i"), {"i": edited})
    problems = verify_audit_log(engine).problems
    assert [(p["id"], "edited" in p["problem"]) for p in problems] == [(edited, True)]

    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_event WHERE id = :i"), {"i": deleted})
    problems = verify_audit_log(engine).problems
    assert [p["id"] for p in problems] == [edited, events[-1]["id"]]
    assert "inserted, deleted or reordered" in problems[1]["problem"]

    # a forged event slipped in with the hashes copied from its neighbour: its content does not match
    with engine.begin() as conn:
        table = AuditEvent.__table__
        last = dict(conn.execute(sa.select(table).where(table.c.id == events[-1]["id"])).mappings().one())
        conn.execute(table.insert().values({**last, "id": deleted, "actor": "ceo@example.com",
                                            "summary": "accepted MDR-0001"}))
    assert deleted in [p["id"] for p in verify_audit_log(engine).problems]


def test_a_merged_backup_cannot_pass_its_audit_events_off_as_native(engine, tmp_path):
    other_url = fresh_database_url(tmp_path, "forger")
    forger = open_store(other_url)
    try:
        document = loads(dumps(export_workspace(forger)))
    finally:
        forger.dispose()
        drop_test_databases(other_url)
    forged = copy.deepcopy(document["tables"]["audit_event"][-1])
    forged.update(id=10_000, at="2019-03-01T09:00:00+00:00", actor="ceo@example.com", action="accept",
                  entity_type="decision", entity_id=None, entity_name="MDR-0001",
                  summary="ceo@example.com accepted MDR-0001", before=None, after=None)
    document["tables"]["audit_event"].append(forged)
    report = import_workspace(engine, document, "merge", actor="merger", source="forged.json")
    assert report.tables["audit_event"].inserted >= 1  # the forged one (and the other workspace's seeding)
    event = next(e for e in _events(engine) if e["entity_name"] == "MDR-0001")
    assert event["actor"] == "ceo@example.com" and str(event["at"]).startswith("2019-03-01")  # kept as it was
    assert event["imported_from"].startswith("imported from backup forged.json by merger at ")
    assert verify_audit_log(engine).intact  # appended to the chain, marked
    again = import_workspace(engine, document, "merge", actor="merger", source="forged.json")
    assert again.tables["audit_event"].inserted == 0  # idempotent: the marker is not part of its identity


def test_a_no_audit_restore_still_writes_one_event_saying_so(engine):
    document = loads(dumps(export_workspace(engine)))
    create_profile(engine, new_profile_model("Gone after replace", None), "ada")
    import_workspace(engine, document, "replace", actor="quiet", audit=False, source="copy.json")
    latest = audit_events(engine, limit=1)[0]
    assert (latest.actor, latest.action) == ("quiet", "restore") and "--no-audit" in latest.summary
    assert verify_audit_log(engine).intact
