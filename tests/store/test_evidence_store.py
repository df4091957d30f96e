"""Evidence store: one transaction per file, re-import detection (replace / skip), delete, cascade."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.store.golden_set import CANDIDATES, golden_set_csv
from workbench.domain.evidence import EvidenceError
from workbench.io.evidence import import_evidence
from workbench.store import evidence as ev
from workbench.store.engine import read_session
from workbench.store.repository import NotFoundError
from workbench.store.tables import AuditEvent, EvidenceRunRow
from workbench.store.workspace import create_profile, delete_profile, new_profile_model

PROMPTFOO = "promptfoo_results_v0.118.0_echo.json"
MAPPING = {"echo-a": "DeepSeek V4", "echo-b": "Qwen 3.5 72B"}


def _count(engine, table) -> int:
    with read_session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _evidence_events(engine) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.entity_type == "evidence")
                                 .order_by(AuditEvent.id)).all())


@pytest.fixture
def profile_id(engine) -> int:
    return create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada").id


@pytest.fixture
def promptfoo(fixtures_dir: Path):
    return import_evidence(fixtures_dir / "evidence" / PROMPTFOO)


def test_import_writes_every_run_with_one_audit_event(engine, profile_id, promptfoo):
    outcome = ev.import_runs(engine, profile_id, promptfoo, MAPPING, "ada")
    assert outcome.action == "imported" and outcome.profile == "Contracts" and outcome.replaced == 0
    assert _count(engine, EvidenceRunRow) == 2
    [event] = _evidence_events(engine)
    assert event.action == "import" and event.actor == "ada" and event.entity_id == profile_id
    assert PROMPTFOO in event.summary and promptfoo.sha256[:12] in event.summary
    assert "echo-a -> DeepSeek V4" in event.summary
    stored = ev.list_runs(engine, profile_id)
    assert {s.candidate for s in stored} == {"DeepSeek V4", "Qwen 3.5 72B"}
    for s in stored:
        assert s.sha256 == promptfoo.sha256 and s.source_file == PROMPTFOO and s.source_format == "promptfoo"
        assert s.imported_by == "ada" and s.imported_at.tzinfo is not None
        assert s.imported_at.astimezone(UTC) == s.run.imported_at.astimezone(UTC)
        assert s.n == 3 and s.passed == 2 and len(s.run.items) == 3  # per-item results kept
        assert s.run.candidate == s.candidate
    only = ev.list_runs(engine, profile_id, candidate="Qwen 3.5 72B")
    assert [s.source_model for s in only] == ["echo-b"]
    by_cand = ev.evidence_for_profile(engine, profile_id)
    assert sorted(by_cand) == ["DeepSeek V4", "Qwen 3.5 72B"]
    assert [it.passed for it in by_cand["DeepSeek V4"][0].items] == [True, False, True]


def test_unmapped_model_or_unknown_candidate_writes_nothing(engine, profile_id, promptfoo):
    events = _count(engine, AuditEvent)
    with pytest.raises(ev.EvidenceStoreError, match="echo-b are not mapped"):
        ev.import_runs(engine, profile_id, promptfoo, {"echo-a": "DeepSeek V4"}, "ada")
    with pytest.raises(ev.EvidenceStoreError, match="no catalog candidate named 'Nope'"):
        ev.import_runs(engine, profile_id, promptfoo, {"echo-a": "DeepSeek V4", "echo-b": "Nope"}, "ada")
    with pytest.raises(NotFoundError):
        ev.import_runs(engine, 9999, promptfoo, MAPPING, "ada")
    assert _count(engine, EvidenceRunRow) == 0 and _count(engine, AuditEvent) == events


def test_a_failure_after_the_rows_rolls_back_the_whole_file(engine, profile_id, promptfoo, monkeypatch):
    def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ev, "record_audit", broken_audit)  # fault injection after both rows are flushed
    with pytest.raises(RuntimeError, match="disk full"):
        ev.import_runs(engine, profile_id, promptfoo, MAPPING, "ada")
    assert _count(engine, EvidenceRunRow) == 0


def test_reimport_of_the_same_hash_asks_then_skips_or_replaces(engine, profile_id, promptfoo):
    first = ev.import_runs(engine, profile_id, promptfoo, MAPPING, "ada")
    with pytest.raises(ev.DuplicateImportError, match="already imported for this profile by ada") as info:
        ev.import_runs(engine, profile_id, promptfoo, MAPPING, "bob")
    assert info.value.sha256 == promptfoo.sha256 and len(info.value.existing) == 2
    assert ev.find_duplicates(engine, profile_id, promptfoo.sha256)
    events = len(_evidence_events(engine))

    skipped = ev.import_runs(engine, profile_id, promptfoo, MAPPING, "bob", on_duplicate="skip")
    assert skipped.action == "skipped"
    assert {s.id for s in skipped.runs} == {s.id for s in first.runs}
    assert len(_evidence_events(engine)) == events  # nothing written

    replaced = ev.import_runs(engine, profile_id, promptfoo, MAPPING, "bob", on_duplicate="replace")
    assert replaced.action == "replaced" and replaced.replaced == 2
    stored = ev.list_runs(engine, profile_id)
    assert len(stored) == 2 and {s.imported_by for s in stored} == {"bob"}
    assert "replacing 2" in _evidence_events(engine)[-1].summary


def test_same_file_for_another_profile_is_not_a_duplicate(engine, profile_id, promptfoo):
    other = create_profile(engine, new_profile_model("Other", None), "ada").id
    ev.import_runs(engine, profile_id, promptfoo, MAPPING, "ada")
    assert ev.import_runs(engine, other, promptfoo, MAPPING, "ada").action == "imported"
    assert len(ev.list_runs(engine, profile_id)) == len(ev.list_runs(engine, other)) == 2


def test_delete_a_run_and_a_file_are_audited(engine, profile_id, promptfoo):
    outcome = ev.import_runs(engine, profile_id, promptfoo, MAPPING, "ada")
    gone = ev.delete_run(engine, outcome.runs[0].id, "carol")
    assert gone.id == outcome.runs[0].id
    assert [s.id for s in ev.list_runs(engine, profile_id)] == [outcome.runs[1].id]
    event = _evidence_events(engine)[-1]
    assert event.action == "delete" and event.actor == "carol" and f"run #{gone.id}" in event.summary
    with pytest.raises(NotFoundError, match="already deleted"):
        ev.delete_run(engine, gone.id, "carol")
    assert ev.delete_file(engine, profile_id, promptfoo.sha256, "carol") == 1
    assert ev.list_runs(engine, profile_id) == []
    with pytest.raises(NotFoundError):
        ev.delete_file(engine, profile_id, promptfoo.sha256, "carol")


def test_deleting_the_profile_deletes_its_evidence(engine, profile_id, promptfoo):
    ev.import_runs(engine, profile_id, promptfoo, MAPPING, "ada")
    delete_profile(engine, profile_id, 1, "ada")
    assert _count(engine, EvidenceRunRow) == 0


def test_compare_candidates_on_the_200_item_golden_set(engine, profile_id):
    result = import_evidence(golden_set_csv(), "csv", name="golden_set_200.csv")
    ev.import_runs(engine, profile_id, result, CANDIDATES, "ada")
    outcome = ev.compare_candidates(engine, profile_id, "Qwen 3.5 72B", "DeepSeek V4")
    cmp = outcome.comparison
    assert cmp.test == "mcnemar-exact" and cmp.n_paired == 200 and outcome.a.sha256 == outcome.b.sha256
    doc = outcome.as_json()
    assert doc["a"]["candidate"] == "Qwen 3.5 72B" and doc["n_paired"] == 200
    assert doc["verdict"] == cmp.verdict
    with pytest.raises(EvidenceError, match="different candidates"):
        ev.compare_candidates(engine, profile_id, "DeepSeek V4", "DeepSeek V4")
    with pytest.raises(EvidenceError, match="GPT-5.4 has no evidence"):
        ev.compare_candidates(engine, profile_id, "DeepSeek V4", "GPT-5.4")
