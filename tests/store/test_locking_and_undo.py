"""Deletes under the optimistic lock (the version condition in the DELETE), and lossless delete + Undo.

Runs on SQLite, and on PostgreSQL when WORKBENCH_TEST_DATABASE_URL is set (the .ci/run PostgreSQL pass).
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from tests.store.golden_set import CANDIDATES, golden_set_csv
from workbench.domain.models import Candidate
from workbench.domain.scenario import Scenario
from workbench.io.evidence import import_evidence
from workbench.store import evidence as ev
from workbench.store import read_session, write_session
from workbench.store.repository import ConflictError, DuplicateNameError, candidates, profiles
from workbench.store.tables import CandidateRow
from workbench.store.workspace import (
    audit_events,
    candidate_by_name,
    create_candidate,
    create_profile,
    create_scenario,
    delete_candidate,
    delete_profile,
    dependents,
    describe_dependents,
    list_scenarios,
    new_profile_model,
    profile_by_name,
    save_candidate,
    undo_delete,
)


def test_a_delete_with_a_stale_version_is_refused_and_deletes_nothing(engine):
    created = create_candidate(engine, Candidate(name="Lock me"), "ada")
    save_candidate(engine, created.id, created.model.model_copy(update={"notes": "v2"}), created.version, "bob")
    with pytest.raises(ConflictError, match="changed by bob"):
        delete_candidate(engine, created.id, created.version, "ada")  # ada saw version 1
    assert candidate_by_name(engine, "Lock me").model.notes == "v2"


def test_a_delete_racing_a_save_never_deletes_the_newer_version(engine):
    """The save holds its row lock (PostgreSQL) or the write lock (SQLite) while the delete starts; after the
    save commits version 2 the delete with seen version 1 must match nothing: a conflict, the row stays."""
    created = create_candidate(engine, Candidate(name="Race me"), "ada")
    outcome: dict[str, object] = {}
    saved = threading.Event()
    with engine.connect() as conn:
        conn = conn.execution_options(workbench_write=True)
        tx = conn.begin()
        conn.execute(sa.update(CandidateRow).where(CandidateRow.id == created.id)  # type: ignore[arg-type]
                     .values(version=2, updated_by="bob"))

        def deleter() -> None:
            try:
                delete_candidate(engine, created.id, 1, "ada")
                outcome["result"] = "deleted"
            except ConflictError as exc:
                outcome["result"] = exc
            except Exception as exc:  # pragma: no cover - shown in the assertion
                outcome["result"] = exc

        thread = threading.Thread(target=deleter)
        thread.start()
        thread.join(0.5)  # the delete is now waiting on the lock held by the save
        tx.commit()
        saved.set()
    thread.join(30)
    assert isinstance(outcome.get("result"), ConflictError), outcome
    with read_session(engine) as session:
        assert candidates.get(session, created.id).version == 2


def _profile_with_dependents(engine):
    profile = create_profile(engine, new_profile_model("Undo me", "high_precision_extraction"), "ada")
    create_scenario(engine, profile.id, Scenario(name="Cost first", weights={"cost_per_success": 5.0}), "ada")
    create_scenario(engine, profile.id, Scenario(name="Quality first", method="topsis"), "ada")
    result = import_evidence(golden_set_csv(n=12), "csv", name="golden.csv")
    ev.import_runs(engine, profile.id, result, CANDIDATES, "ada")
    return profile


def _rows(engine, table: str, where: str, value: int) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} WHERE {where} = :v ORDER BY id"),
                                              {"v": value}).mappings()]


def test_deleting_a_profile_names_and_removes_its_scenarios_and_evidence_and_undo_restores_them_exactly(engine):
    profile = _profile_with_dependents(engine)
    before = {t: _rows(engine, t, "profile_id", profile.id) for t in ("scenario", "evidence_run")}
    own = _rows(engine, "profile", "id", profile.id)
    counts = dependents(engine, "profile", profile.id)
    assert counts == {"scenario": 2, "evidence_run": len(before["evidence_run"])} and counts["evidence_run"] > 0
    assert describe_dependents(counts).startswith("2 scenarios and ")

    deleted = delete_profile(engine, profile.id, profile.version, "ada")
    assert deleted.dependents == counts
    assert all(not _rows(engine, t, "profile_id", profile.id) for t in before)

    restored = undo_delete(engine, deleted, "ada")
    assert restored["skipped"] == 0
    assert _rows(engine, "profile", "id", profile.id) == own
    assert {t: _rows(engine, t, "profile_id", profile.id) for t in before} == before
    assert [s.model.name for s in list_scenarios(engine, profile.id)] == ["Cost first", "Quality first"]
    assert "with 2 scenarios and" in audit_events(engine, entity_type="profile")[0].summary


def test_deleting_a_candidate_takes_its_evidence_and_undo_brings_it_back(engine):
    profile = _profile_with_dependents(engine)
    cand = candidate_by_name(engine, next(iter(CANDIDATES.values())))
    runs = _rows(engine, "evidence_run", "candidate_id", cand.id)
    assert runs
    deleted = delete_candidate(engine, cand.id, cand.version, "ada")
    assert deleted.dependents == {"evidence_run": len(runs)}
    assert not _rows(engine, "evidence_run", "candidate_id", cand.id)
    undo_delete(engine, deleted, "ada")
    assert _rows(engine, "evidence_run", "candidate_id", cand.id) == runs
    assert profile_by_name(engine, "Undo me").id == profile.id


def test_undo_refuses_when_the_name_was_taken_meanwhile(engine):
    created = create_candidate(engine, Candidate(name="Taken"), "ada")
    deleted = delete_candidate(engine, created.id, created.version, "ada")
    create_candidate(engine, Candidate(name="Taken"), "bob")
    with pytest.raises(DuplicateNameError, match="created since"):
        undo_delete(engine, deleted, "ada")


def test_look_alike_names_are_one_name(engine):
    create_candidate(engine, Candidate(name="GPT-5.4-lookalike"), "ada")
    with pytest.raises(DuplicateNameError):
        create_candidate(engine, Candidate(name="GPT-5.4-look\u200balike"), "bob")
    create_profile(engine, new_profile_model("Caf\u00e9", None), "ada")
    with pytest.raises(DuplicateNameError):
        create_profile(engine, new_profile_model("Cafe\u0301", None), "bob")
    with write_session(engine) as session:
        assert profiles.by_name(session, "Café") is not None


def test_concurrent_drafts_get_distinct_numbers(engine):
    """Eight drafts at once (PostgreSQL: eight connections) all succeed, numbered 1..8 with no collision."""
    from workbench.services.records import draft_from_workspace
    from workbench.store.decisions import create_decision, list_decisions

    profile = create_profile(engine, new_profile_model("Numbered", "high_precision_extraction"), "ada")
    first = draft_from_workspace(engine, "Numbered", "ada")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def draft() -> None:
        barrier.wait()
        try:
            create_decision(engine, profile.id, first.record, first.snapshot, "ada")
        except BaseException as exc:  # pragma: no cover - shown in the assertion
            errors.append(exc)

    threads = [threading.Thread(target=draft) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(d.number for d in list_decisions(engine, profile.id)) == list(range(1, 10))
