"""Overview: backup download and restore (preview, merge/replace choice, confirmation); identity modes."""

from __future__ import annotations

import json

from tests.pages.helpers import texts
from workbench.store.backup import dumps, export_workspace, table_counts
from workbench.store.workspace import audit_events, create_profile, new_profile_model

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "workbench", "client_secret": "secret",
        "server_metadata_url": "https://login.example.com/.well-known/openid-configuration"}


def _backup_of_a_workspace_with(workspace_engine, name: str) -> bytes:
    create_profile(workspace_engine, new_profile_model(name, "research_synthesis"), "ada")
    return dumps(export_workspace(workspace_engine)).encode()



def test_download_button_offers_the_backup(open_page, workspace_engine):
    at = open_page("overview")
    button = at.get("download_button")
    assert button, "no download button"
    assert "workspace backup" in button[0].proto.label.lower()
    assert "rows (13 candidates" in texts(at)


def test_restore_into_a_changed_workspace_asks_merge_or_replace_and_confirms(open_page, workspace_engine):
    backup = _backup_of_a_workspace_with(workspace_engine, "From backup")
    create_profile(workspace_engine, new_profile_model("Local only", "research_synthesis"), "bob")
    at = open_page("overview", actor="carol")
    at.file_uploader(key="restore_file_0").set_value(("backup.json", backup, "application/json")).run()
    assert not at.exception
    assert at.radio(key="restore_mode").value is None  # a workspace with work: no default, the user chooses
    assert "Choose merge or replace" in texts(at)

    at.radio(key="restore_mode").set_value("replace").run()
    preview = at.dataframe[-1].value
    assert set(preview["table"]) >= {"profile", "candidate", "audit_event"}
    assert at.button(key="restore_apply").disabled  # not confirmed yet
    confirm = next(c for c in at.checkbox if c.key.startswith("restore_confirm_replace"))
    assert "deletes all" in confirm.label
    confirm.check().run()
    at.button(key="restore_apply").click().run()
    assert not at.exception
    assert "Restored backup.json: replace: inserted" in texts(at)
    names = {r["name"] for r in export_workspace(workspace_engine)["tables"]["profile"]}
    assert names == {"From backup"}  # replaced: the local-only profile is gone, the backup's is back
    latest = audit_events(workspace_engine, limit=1)[0]
    assert (latest.actor, latest.action) == ("carol", "restore")


def test_merge_keeps_local_work_and_a_bad_file_restores_nothing(open_page, workspace_engine):
    backup = _backup_of_a_workspace_with(workspace_engine, "From backup")
    other = json.loads(backup)
    other["tables"]["profile"][0]["name"] = other["tables"]["profile"][0]["body"]["name"] = "Merged in"
    at = open_page("overview", actor="dave")
    at.file_uploader(key="restore_file_0").set_value(("b.json", json.dumps(other).encode(), "application/json")).run()
    at.radio(key="restore_mode").set_value("merge").run()
    next(c for c in at.checkbox if c.key.startswith("restore_confirm_merge")).check().run()
    at.button(key="restore_apply").click().run()
    names = {r["name"] for r in export_workspace(workspace_engine)["tables"]["profile"]}
    assert names == {"From backup", "Merged in"}

    before = table_counts(workspace_engine)
    at.file_uploader(key="restore_file_1").set_value(("bad.json", b'{"format": "zip"}', "application/json")).run()
    assert "Nothing was restored" in texts(at) and "not a workspace backup" in texts(at)
    assert table_counts(workspace_engine) == before


def test_signed_in_user_is_the_actor_and_can_log_out(open_page, workspace_engine):
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import APP

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "ana@example.com", "name": "Ana Lima"}
    at.session_state["actor_name"] = "someone else"  # a typed name never overrides the login
    at.run()
    assert not at.exception
    assert any("ana@example.com" in str(m.value) for m in at.metric)
    assert at.sidebar.button(key="auth_logout")
    assert not [t for t in at.sidebar.text_input if t.key == "actor_name"]


def test_with_auth_configured_a_visitor_gets_a_login_button_not_a_name_box(open_page, workspace_engine):
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import APP

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert at.sidebar.button(key="auth_login").label == "Log in"
    assert not [t for t in at.sidebar.text_input if t.key == "actor_name"]
    assert any(str(m.value) == "anonymous" for m in at.metric)


def test_without_auth_the_sidebar_name_is_the_actor(open_page, workspace_engine):
    at = open_page("overview", actor="Ada Lovelace")
    assert any(str(m.value) == "Ada Lovelace" for m in at.metric)
    assert [t for t in at.sidebar.text_input if t.key == "actor_name"]
    assert not [b for b in at.sidebar.button if b.key in ("auth_login", "auth_logout")]
