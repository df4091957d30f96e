"""`workbench workspace export|import`: round trip, merge/replace choice, refusal of bad files."""

from __future__ import annotations

import json

from tests.store.conftest import drop_test_databases, fresh_database_url
from workbench.cli import _store
from workbench.store.workspace import create_profile, new_profile_model


def _switch_to_new_database(tmp_path, monkeypatch, name: str) -> str:
    url = fresh_database_url(tmp_path, name)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    _store._engine.cache_clear()
    return url


def test_export_then_import_into_an_empty_workspace_round_trips(cli_db, run_cli, tmp_path, monkeypatch):
    create_profile(_store.engine(), new_profile_model("CLI <b>profile</b>", "research_synthesis"), "ci-bot")
    first = tmp_path / "backup.json"
    summary = run_cli.json("workspace", "export", str(first))
    assert summary["schema_revision"] and summary["tables"]["candidate"] >= 13
    assert summary["bytes"] == first.stat().st_size

    second_url = _switch_to_new_database(tmp_path, monkeypatch, "second")
    try:
        report = run_cli.json("workspace", "import", str(first), "--no-audit")  # fresh: replace by default
        assert report["mode"] == "replace" and report["conflict_count"] == 0
        second = tmp_path / "again.json"
        run_cli("workspace", "export", str(second))
        again = json.loads(second.read_text())
        marker = again["tables"]["audit_event"].pop()  # --no-audit leaves exactly one event saying so
        assert "--no-audit" in marker["summary"]
        assert again == json.loads(first.read_text())
        assert run_cli.json("audit", "verify", "--json")["intact"]
    finally:
        _store._engine.cache_clear()
        drop_test_databases(second_url)


def test_a_workspace_with_changes_needs_an_explicit_mode(cli_db, run_cli, tmp_path):
    backup = tmp_path / "backup.json"
    run_cli("workspace", "export", str(backup))
    create_profile(_store.engine(), new_profile_model("Local work", "research_synthesis"), "ci-bot")
    code, _, err = run_cli("workspace", "import", str(backup))
    assert code == 2 and "--mode merge" in err and "--mode replace" in err

    dry = run_cli.json("workspace", "import", str(backup), "--mode", "replace", "--dry-run")
    assert dry["dry_run"] and dry["tables"]["profile"]["deleted"] == 1
    merged = run_cli.json("workspace", "import", str(backup), "--mode", "merge")
    assert merged["inserted"] == 0 and merged["tables"]["candidate"]["unchanged"] == 13
    replaced = run_cli.json("workspace", "import", str(backup), "--mode", "replace")
    assert replaced["tables"]["profile"] == {"inserted": 0, "unchanged": 0, "conflicts": 0, "deleted": 1}
    code, out, _ = run_cli("workspace", "export", "-")
    after = json.loads(out)
    assert after["tables"]["profile"] == []
    assert after["tables"]["audit_event"][-1]["action"] == "restore"
    assert after["tables"]["audit_event"][-1]["actor"] == "ci-bot"


def test_bad_files_exit_2_naming_the_problem_and_write_nothing(cli_db, run_cli, tmp_path):
    good = tmp_path / "good.json"
    run_cli("workspace", "export", str(good))
    document = json.loads(good.read_text())
    document["tables"]["candidate"][0]["version"] = "one"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    for path, message in [
        (bad, "bad.json: table 'candidate', row 1, column 'version': expected an integer"),
        (tmp_path / "missing.json", "cannot read"),
    ]:
        code, _, err = run_cli("workspace", "import", str(path), "--mode", "replace")
        assert code == 2 and message in err, err
    (tmp_path / "text.json").write_bytes(b"\xff\xfe not json")
    code, _, err = run_cli("workspace", "import", str(tmp_path / "text.json"), "--mode", "merge")
    assert code == 2 and "not UTF-8" in err
    again = tmp_path / "again.json"
    run_cli("workspace", "export", str(again))
    assert again.read_bytes() == good.read_bytes()


def test_audit_verify_detects_an_edited_event_and_exits_1(cli_db, run_cli):
    from sqlalchemy import text

    create_profile(_store.engine(), new_profile_model("Audited", "research_synthesis"), "ci-bot")
    code, out, _ = run_cli("audit", "verify")
    assert code == 0 and "intact" in out
    with _store.engine().begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'ceo@example.com' WHERE entity_name = 'Audited'"))
    code, out, _ = run_cli("audit", "verify", "--json")
    report = json.loads(out)
    assert code == 1 and not report["intact"]
    assert report["problems"][0]["actor"] == "ceo@example.com" and "edited" in report["problems"][0]["problem"]


def test_a_restore_that_would_not_load_exits_2_naming_the_row(cli_db, run_cli, tmp_path):
    backup = tmp_path / "backup.json"
    run_cli("workspace", "export", str(backup))
    document = json.loads(backup.read_text())
    document["tables"]["candidate"][0]["body"]["context_window"] = "huge"
    backup.write_text(json.dumps(document))
    code, _, err = run_cli("workspace", "import", str(backup), "--mode", "replace")
    assert code == 2 and "table 'candidate', row 1, column 'body.context_window'" in err
    assert "Traceback" not in err


def test_an_unexpected_refusal_is_one_line_and_exit_2(cli_db, run_cli, monkeypatch):
    from workbench.cli import audit
    from workbench.domain.models import Candidate

    def refuse(_engine):
        Candidate(name="x", notes="a\x00b")

    monkeypatch.setattr(audit, "verify_audit_log", refuse)
    code, out, err = run_cli("audit", "verify")
    assert code == 2 and out == ""
    assert err.startswith("workbench: error: ") and "NUL" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    monkeypatch.setattr(audit, "verify_audit_log", lambda _e: (_ for _ in ()).throw(RecursionError("too deep")))
    code, _, err = run_cli("audit", "verify")
    assert (code, err.strip()) == (2, "workbench: error: too deep")
