"""Restores validate every row as its entity; anything the workbench accepts can be backed up and restored.

Runs on SQLite, and on PostgreSQL when WORKBENCH_TEST_DATABASE_URL is set (the .ci/run PostgreSQL pass).
"""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.store.conftest import drop_test_databases, fresh_database_url
from tests.store.golden_set import CANDIDATES
from tests.store.rich_workspace import build_rich_workspace
from workbench.domain.models import Candidate
from workbench.domain.scenario import Scenario
from workbench.io.evidence import EvidenceImportError, import_evidence
from workbench.services.backup_restore import import_workspace
from workbench.store import evidence as ev
from workbench.store import open_store
from workbench.store.backup import BackupError, dumps, export_workspace, loads, table_counts
from workbench.store.repository import StoreError
from workbench.store.workspace import (
    create_candidate,
    create_profile,
    create_scenario,
    list_candidates,
    list_profiles,
    list_scenarios,
    new_profile_model,
)


@pytest.fixture
def target(tmp_path):
    url = fresh_database_url(tmp_path, "target")
    engine = open_store(url)
    yield engine
    engine.dispose()
    drop_test_databases(url)


def _workspace_with_everything(engine) -> dict:
    profile = create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
    create_scenario(engine, profile.id, Scenario(name="Cost first", weights={"cost_per_success": 4.0}), "ada")
    create_candidate(engine, Candidate(name="Hostile <b>", notes="![x](http://127.0.0.1:9/pixel) :red[x]"), "ada")
    rows = [{"item_id": f"i{i}", "candidate": m, "passed": i % 2, "metric_kind": "golden_set_accuracy"}
            for m in CANDIDATES for i in range(8)]
    ev.import_runs(engine, profile.id, import_evidence(_csv(rows), "csv", name="g.csv"), CANDIDATES, "ada")
    return loads(dumps(export_workspace(engine)))


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _row(document: dict, table: str, **match) -> dict:
    return next(r for r in document["tables"][table] if all(r[k] == v for k, v in match.items()))


CORRUPTIONS = [
    ("candidate", lambda d: _row(d, "candidate", name="Hostile <b>")["body"].update(pricing="free"),
     "table 'candidate', row \\d+, column 'body.pricing'"),
    ("candidate", lambda d: _row(d, "candidate", name="Hostile <b>")["body"].update(name="Other"),
     "table 'candidate', row \\d+, column 'name'.*does not match"),
    ("candidate", lambda d: _row(d, "candidate", name="Hostile <b>").update(body={"not": "a candidate"}),
     "table 'candidate', row \\d+, column 'body"),
    ("profile", lambda d: _row(d, "profile", name="Contracts")["body"].update(weights={"instruction_following": -3}),
     "table 'profile', row \\d+, column 'body.weights"),
    ("scenario", lambda d: _row(d, "scenario", name="Cost first")["body"].update(smaa_samples=10**9),
     "table 'scenario', row \\d+, column 'body.smaa_samples'"),
    ("evidence_run", lambda d: d["tables"]["evidence_run"][0]["body"].update(items="many"),
     "table 'evidence_run', row 1, column 'body.items'"),
    ("candidate", lambda d: _row(d, "candidate", name="Hostile <b>")["body"].update(notes="a\u0000b"),
     "table 'candidate', row \\d+, column 'body'.*NUL"),
]


@pytest.mark.parametrize(("table", "corrupt", "message"), CORRUPTIONS,
                         ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(CORRUPTIONS)])
@pytest.mark.parametrize("mode", ["replace", "merge"])
def test_a_row_that_would_not_load_refuses_the_whole_restore(engine, target, table, corrupt, message, mode):
    document = _workspace_with_everything(engine)
    create_profile(target, new_profile_model("Keep me", None), "zoe")
    before = export_workspace(target)
    bad = copy.deepcopy(document)
    corrupt(bad)
    with pytest.raises(BackupError, match=message):
        import_workspace(target, bad, mode, actor="mallory")
    assert export_workspace(target) == before  # nothing replaced, nothing added
    assert [p.model.name for p in list_profiles(target)] == ["Keep me"]


def test_a_decision_record_or_key_that_would_not_load_is_refused(engine, target, tmp_path):
    build_rich_workspace(engine, tmp_path / "keys")
    document = loads(dumps(export_workspace(engine)))
    good = copy.deepcopy(document)
    document["tables"]["decision"][0]["body"]["front"] = {"status": "approved-by-ceo"}
    before = table_counts(target)
    with pytest.raises(BackupError, match="table 'decision', row 1, column 'body.front"):
        import_workspace(target, document, "replace")
    assert table_counts(target) == before
    key_row = good["tables"]["signing_key"][0]
    key_row["public_key"] = "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n"
    with pytest.raises(BackupError, match="table 'signing_key', row 1, column 'public_key'"):
        import_workspace(target, good, "replace")
    assert table_counts(target) == before
    for table, column, match in (("portfolio", "body", "column 'body"), ("decision_quorum", "policy", "column 'policy"),
                                 ("price_history", "pricing", "column 'pricing")):
        bad = copy.deepcopy(document)
        bad["tables"]["decision"] = good["tables"]["decision"]
        bad["tables"][table][0][column] = {"not": "this entity"}
        with pytest.raises(BackupError, match=f"table '{table}', row 1, {match}"):
            import_workspace(target, bad, "replace")
    assert table_counts(target) == before


# --------------------------------------------------------------------------- property: create -> export -> restore

hostile_text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=24) | st.sampled_from(
    ["a\u0000b", "GPT-5.4\u200b", "Cafe\u0301", "\u202eevil", "![x](http://127.0.0.1:9/p)", ":red[x]", "&lt;b&gt;",
     "x" * 300, " ", "\ud800"])


@st.composite
def workspace_actions(draw: st.DrawFn) -> list[tuple[str, dict]]:
    actions: list[tuple[str, dict]] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["candidate", "profile", "scenario", "evidence"]))
        actions.append((kind, {"name": draw(hostile_text), "text": draw(hostile_text)}))
    return actions


def _apply(engine, kind: str, data: dict) -> None:
    """One thing a user can do; a refusal (the entry point's clear error) is fine, anything else is a bug."""
    try:
        if kind == "candidate":
            create_candidate(engine, Candidate(name=data["name"], notes=data["text"], provider=data["text"][:200]),
                             "prop")
        elif kind == "profile":
            create_profile(engine, new_profile_model(data["name"], None).model_copy(
                update={"description": data["text"]}), "prop")
        elif kind == "scenario":
            profile = list_profiles(engine)[0]
            create_scenario(engine, profile.id, Scenario(name=data["name"], description=data["text"]), "prop")
        else:
            profile = list_profiles(engine)[0]
            rows = [{"item_id": data["text"], "candidate": m, "passed": 1, "metric_kind": "golden_set_accuracy"}
                    for m in CANDIDATES]
            ev.import_runs(engine, profile.id, import_evidence(_csv(rows), "csv", name=f"{data['name'][:40]}.csv"),
                           CANDIDATES, "prop")
    except (ValidationError, StoreError, EvidenceImportError, ValueError):
        pass


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(actions=workspace_actions())
def test_any_workspace_the_app_can_create_exports_and_restores(engine, target, actions):
    if not list_profiles(engine):
        create_profile(engine, new_profile_model("Base", None), "prop")
    for kind, data in actions:
        _apply(engine, kind, data)
    document = loads(dumps(export_workspace(engine)))
    import_workspace(target, document, "replace", audit=False)
    restored = export_workspace(target)
    # the restore adds its own audit event; every other table is identical
    restored["tables"]["audit_event"] = restored["tables"]["audit_event"][:-1]
    assert json.loads(dumps(restored)) == document
    assert len(list_candidates(target)) == len(list_candidates(engine))
    for profile in list_profiles(target):
        list_scenarios(target, profile.id)
