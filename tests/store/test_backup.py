"""Workspace backup/restore: lossless round trip, merge with natural keys, all-or-nothing, old and new schemas."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from tests.store.conftest import drop_test_databases, fresh_database_url
from tests.store.rich_workspace import XSS_NAME, build_rich_workspace
from workbench.domain.models import Candidate
from workbench.services.backup_restore import import_workspace
from workbench.store import make_engine, open_store
from workbench.store.backup import (
    FORMAT,
    BackupError,
    dumps,
    export_workspace,
    loads,
    table_counts,
    workspace_tables,
)
from workbench.store.decisions import list_decisions
from workbench.store.migrate import head_revision, upgrade
from workbench.store.workspace import (
    audit_events,
    candidate_by_name,
    create_candidate,
    create_profile,
    list_scenarios,
    new_profile_model,
    profile_by_name,
)


@pytest.fixture(scope="module")
def rich_document(tmp_path_factory) -> dict:
    """The export of a workspace with rows in every table (built once per module)."""
    tmp = tmp_path_factory.mktemp("rich")
    url = fresh_database_url(tmp, "rich")
    engine = open_store(url)
    build_rich_workspace(engine, tmp / "keys")
    document = export_workspace(engine)
    engine.dispose()
    drop_test_databases(url)
    return document


@pytest.fixture
def rich(rich_document):
    return copy.deepcopy(rich_document)


@pytest.fixture
def other(engine):
    """The workspace to restore into: freshly opened (migrated + seeded)."""
    return engine


def test_every_table_of_the_metadata_is_exported_with_rows_in_key_order(rich):
    document = rich
    expected = {t.name for t in SQLModel.metadata.sorted_tables} - {"alembic_version", "trusted_key"}
    assert set(document["tables"]) == expected == {t.name for t in workspace_tables()}
    assert document["format"] == FORMAT and document["schema_revision"] == head_revision()
    assert all(document["tables"][name] for name in expected), "the rich workspace has a row in every table"
    for rows in document["tables"].values():
        ids = [r["id"] for r in rows]
        assert ids == sorted(ids)
    loads(dumps(document))  # plain JSON


def test_export_restore_export_is_byte_identical(rich, other):
    first = dumps(rich)
    report = import_workspace(other, loads(first), "replace", audit=False)
    assert report.tables["decision"].inserted == 2 and report.tables["candidate"].deleted == 13
    again = export_workspace(other)
    marker = again["tables"]["audit_event"].pop()  # --no-audit still leaves one event saying so
    assert (marker["action"], marker["imported_from"]) == ("restore", None) and "--no-audit" in marker["summary"]
    assert dumps(again) == first
    # the restored workspace keeps working: new ids do not collide with restored ones (PostgreSQL sequences)
    create_profile(other, new_profile_model("After restore", "research_synthesis"), "ada")
    create_candidate(other, Candidate(name="After restore"), "ada")
    assert profile_by_name(other, "After restore").id > max(r["id"] for r in loads(first)["tables"]["profile"])


def test_restore_is_audited_with_the_actor(rich, other):
    import_workspace(other, rich, "replace", actor="restorer")
    latest = audit_events(other, limit=1)[0]
    assert (latest.actor, latest.action, latest.entity_type) == ("restorer", "restore", "workspace")
    assert "replace: inserted" in latest.summary


def test_merge_adds_new_rows_remaps_keys_and_reports_conflicts(rich, other):
    create_profile(other, new_profile_model("Already here", "research_synthesis"), "eve")
    report = import_workspace(other, rich, "merge", actor="merger")
    assert report.tables["profile"].inserted == 2 and report.tables["scenario"].inserted == 1
    assert report.tables["candidate"].inserted == 2  # the hostile-named and the LiteLLM-imported one; 12 catalog rows unchanged
    assert report.tables["candidate"].unchanged == 12
    [conflict] = report.conflicts
    assert conflict["table"] == "candidate" and "GPT-5.4" in conflict["key"] and "body" in conflict["reason"]
    assert candidate_by_name(other, "GPT-5.4").model.pricing.input_per_mtok == 2.5  # the workspace's row kept
    assert candidate_by_name(other, XSS_NAME).model.provider == "<script>alert(2)</script>"
    contracts = profile_by_name(other, "Contracts")
    assert [s.model.name for s in list_scenarios(other, contracts.id)] == ["Cost first"]
    old, new = sorted(list_decisions(other, contracts.id), key=lambda d: d.number)
    assert (old.superseded_by_id, new.supersedes_id) == (new.id, old.id)
    assert old.envelope is not None  # the signature came along
    # merging the same backup again adds nothing (idempotent)
    again = import_workspace(other, rich, "merge", actor="merger")
    assert again.inserted == 0 and again.tables["audit_event"].unchanged == len(rich["tables"]["audit_event"])


def test_merge_follows_audit_events_to_the_new_ids(rich, other):
    create_profile(other, new_profile_model("Takes id 1", "research_synthesis"), "eve")
    import_workspace(other, rich, "merge")
    contracts = profile_by_name(other, "Contracts")
    created = [e for e in audit_events(other, entity_type="profile") if e.entity_name == "Contracts"]
    assert created and {e.entity_id for e in created} == {contracts.id}


def test_dry_run_reports_and_writes_nothing(rich, other):
    before = dumps(export_workspace(other))
    for mode in ("merge", "replace"):
        report = import_workspace(other, rich, mode, dry_run=True)
        assert report.dry_run and report.tables["profile"].inserted == 2
    assert dumps(export_workspace(other)) == before


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["tables"]["profile"][0].update(created_at="yesterday"), "table 'profile', row 1, column 'created_at'"),
    (lambda d: d["tables"]["candidate"][2].pop("name"), "table 'candidate', row 3, column 'name': missing"),
    (lambda d: d["tables"]["candidate"][0].update(name="x" * 201), "at most 200"),
    (lambda d: d["tables"]["scenario"][0].update(version="2"), "expected an integer"),
    (lambda d: d["tables"]["candidate"][0].update(open_weights=1), "expected true or false"),
    (lambda d: d["tables"].update(mystery=[]), "unknown table(s) 'mystery'"),
    (lambda d: d["tables"]["profile"][0].update(colour="red"), "unknown column(s) 'colour'"),
    (lambda d: d["tables"]["profile"].append(dict(d["tables"]["profile"][0])), "duplicate primary key"),
    (lambda d: d.update(format="zip"), "not a workspace backup"),
    (lambda d: d["tables"]["decision"][0]["body"].update(bad="\x00"), "NUL"),
])
def test_a_bad_backup_is_refused_naming_table_row_and_column_and_writes_nothing(rich, other, mutate, message):
    document = rich
    mutate(document)
    before = dumps(export_workspace(other))
    for mode in ("replace", "merge"):
        with pytest.raises(BackupError) as info:
            import_workspace(other, document, mode)
        assert message in str(info.value)
    assert dumps(export_workspace(other)) == before


def test_rows_the_database_refuses_roll_back_the_whole_restore(rich, other):
    """A foreign key to a missing row fails in the LAST table inserted: the earlier tables roll back too."""
    document = rich
    document["tables"]["evidence_run"][-1]["candidate_id"] = 9999
    before = dumps(export_workspace(other))
    with pytest.raises(BackupError, match="refused the backup's rows, nothing was restored"):
        import_workspace(other, document, "replace")
    assert dumps(export_workspace(other)) == before


def test_a_backup_from_a_newer_workbench_is_refused(rich, other):
    document = rich
    document["schema_revision"] = "9999_future"
    with pytest.raises(BackupError, match="does not know"):
        import_workspace(other, document, "replace")


def test_a_backup_from_an_older_schema_is_upgraded_then_restored(tmp_path, other):
    """A backup written at 0003 (no decision tables) restores into a head workspace through the migrations."""
    old = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(old, "0003_evidence")
    with old.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO profile (id, name, template, body, version, created_at, updated_at, updated_by) VALUES "
            "(7, 'Old profile', NULL, :body, 3, '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000', 'ada')"),
            {"body": '{"name": "Old profile"}'})
        meta = sa.MetaData()
        meta.reflect(bind=conn)
        from workbench.store.backup import _export

        document = _export(conn, workspace_tables(meta), "0003_evidence")
    old.dispose()
    assert "decision" not in document["tables"]
    report = import_workspace(other, loads(dumps(document)), "replace")
    assert report.upgraded_from == "0003_evidence"
    restored = profile_by_name(other, "Old profile")
    assert (restored.id, restored.version, restored.updated_by) == (7, 3, "ada")
    assert table_counts(other)["candidate"] == 0  # replace: the backup had no candidates
