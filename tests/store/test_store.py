"""Persistence: migrations, idempotent seeding, optimistic locking, audit in the same transaction."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from workbench.domain.models import Candidate, Pricing, Profile
from workbench.io.shipped import load_catalog
from workbench.store import open_store, read_session, write_session
from workbench.store.migrate import SchemaTooNewError, current_revision, head_revision
from workbench.store.repository import ConflictError, DuplicateNameError, candidates, profiles
from workbench.store.tables import AuditEvent, CandidateRow
from workbench.store.workspace import (
    create_profile,
    delete_candidate,
    duplicate_profile,
    new_profile_model,
    save_candidate,
)


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_migrations_reach_head_and_match_the_tables(engine):
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == [], f"tables.py and the migrations disagree: {diff}"


def test_connection_settings(engine):
    if engine.dialect.name != "sqlite":  # PostgreSQL pass: UTF-8 text and stale connections re-checked
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"
        assert engine.pool._pre_ping
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_seeding_is_idempotent_and_keeps_user_edits_and_deletions(database_url):
    engine = open_store(database_url)
    shipped = len(load_catalog())
    assert _count(engine, CandidateRow) == shipped
    with write_session(engine) as session:
        gpt = candidates.require(session, "GPT-5.4")
        edited = gpt.model.model_copy(update={"notes": "edited by a person"})
        candidates.update(session, gpt.id, edited, gpt.version, "ada")
        gone = candidates.require(session, "Gemma 2 9B IT")
        candidates.delete(session, gone.id, gone.version, "ada")
    audit_before = _count(engine, AuditEvent)
    engine.dispose()

    again = open_store(database_url)  # a second start
    assert _count(again, CandidateRow) == shipped - 1
    assert _count(again, AuditEvent) == audit_before
    with read_session(again) as session:
        assert candidates.require(session, "GPT-5.4").model.notes == "edited by a person"
        assert candidates.by_name(session, "Gemma 2 9B IT") is None


def test_second_save_from_a_stale_version_is_refused_naming_who(engine):
    with read_session(engine) as session:
        loaded = candidates.require(session, "DeepSeek V4")  # both people open version 1
    alice = loaded.model.model_copy(update={"notes": "alice"})
    bob = loaded.model.model_copy(update={"notes": "bob"})
    saved = save_candidate(engine, loaded.id, alice, loaded.version, "alice")
    assert saved.version == loaded.version + 1
    with pytest.raises(ConflictError) as info:
        save_candidate(engine, loaded.id, bob, loaded.version, "bob")
    assert "alice" in str(info.value) and "not saved" in str(info.value)
    with read_session(engine) as session:
        assert candidates.get(session, loaded.id).model.notes == "alice"  # nothing lost, nothing overwritten


def test_delete_of_a_changed_row_is_refused(engine):
    with read_session(engine) as session:
        loaded = candidates.require(session, "Llama 4 Scout")
    save_candidate(engine, loaded.id, loaded.model.model_copy(update={"notes": "x"}), loaded.version, "carol")
    with pytest.raises(ConflictError, match="carol"):
        delete_candidate(engine, loaded.id, loaded.version, "dave")


def test_every_change_writes_one_audit_event_with_before_and_after(engine):
    start = _count(engine, AuditEvent)
    record = create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
    with read_session(engine) as session:
        gpt = candidates.require(session, "GPT-5.4")
    new_pricing = Pricing(input_per_mtok=3.0, output_per_mtok=15.0)
    save_candidate(engine, gpt.id, gpt.model.model_copy(update={"pricing": new_pricing}), gpt.version, "ada")
    duplicate_profile(engine, record.id, "Contracts v2", "bob")
    with read_session(engine) as session:
        events = session.exec(text("SELECT 1")).all()  # session usable
        rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))[start:]
    assert events
    assert [(e.actor, e.action, e.entity_type, e.entity_name) for e in rows] == [
        ("ada", "create", "profile", "Contracts"),
        ("ada", "update", "candidate", "GPT-5.4"),
        ("bob", "duplicate", "profile", "Contracts v2"),
    ]
    update = rows[1]
    assert update.before["pricing"]["input_per_mtok"] == 2.5 and update.after["pricing"]["input_per_mtok"] == 3.0
    assert update.summary == "pricing changed"


def test_a_failed_write_rolls_back_the_row_and_its_audit_event(engine):
    rows, events = _count(engine, CandidateRow), _count(engine, AuditEvent)
    with pytest.raises(RuntimeError), write_session(engine) as session:
        candidates.create(session, Candidate(name="half-written"), "ada")
        raise RuntimeError("crash mid-transaction")
    assert (_count(engine, CandidateRow), _count(engine, AuditEvent)) == (rows, events)


def test_duplicate_names_are_refused(engine):
    create_profile(engine, Profile(name="Same"), "ada")
    with pytest.raises(DuplicateNameError, match="already exists"):
        create_profile(engine, Profile(name="Same"), "bob")


def test_profile_from_template_carries_its_weights_and_constraints():
    model = new_profile_model("Clause extraction", "high_precision_extraction")
    assert model.template == "High-Precision Extraction"
    assert model.output_form.value == "nested_json"
    assert model.weights["schema_adherence"] == 3
    assert model.constraints.min_rating == {"schema_adherence": "A"}


def test_database_newer_than_the_code_is_refused(engine, database_url):
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaTooNewError, match="newer version"):
        open_store(database_url)


def test_profiles_repository_roundtrip(engine):
    created = create_profile(engine, new_profile_model("Research", "research_synthesis"), "ada")
    with read_session(engine) as session:
        again = profiles.get(session, created.id)
    assert again.model == created.model
