"""AppTest of the Decision page: draft fills seven sections; edit + save with origin badges; propose/accept
with confirmation; accepted is read-only; sign with your own key (approve/dissent); read-only without a login
when [auth] is configured; supersede; history."""

from __future__ import annotations

import re

import pytest

from tests.pages.helpers import button, texts
from workbench.domain.mdr import SECTION_HEADINGS, MDRStatus, with_people
from workbench.store import decisions as store
from workbench.store.workspace import create_profile, new_profile_model


def _plain(value: str) -> str:
    """A message without the Markdown escaping the page applies to stored text."""
    return re.sub(r"\\(.)", r"\1", value)


def _said(elements, text: str) -> bool:
    return any(text in _plain(e.value) for e in elements)


@pytest.fixture
def profile(workspace_engine):
    return create_profile(workspace_engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")


@pytest.fixture
def keys(tmp_path, monkeypatch):
    """The server's key directory (each person's keys in people/<e-mail>/)."""
    monkeypatch.setenv("WORKBENCH_KEY_DIR", str(tmp_path / "keys"))
    return tmp_path / "keys"


def _draft(open_page):
    at = open_page("decision", actor="Ada")
    button(at, "dec_draft").click().run()
    assert not at.exception, at.exception
    return at


def _confirm(at, action: str, rec_id: int = 1):
    button(at, f"dec_{action}_{rec_id}").click().run()
    assert any("?" in w.value for w in at.warning)  # asks first
    button(at, f"dec_confirm_{rec_id}").click().run()
    assert not at.exception, at.exception
    return at


def test_page_without_profile_says_what_to_do(open_page):
    at = open_page("decision")
    assert at.title[0].value == "Decision"
    assert any("create one first" in i.value for i in at.info)


def test_draft_fills_the_seven_sections(open_page, workspace_engine, profile):
    at = open_page("decision", actor="Ada")
    assert any("No decision records for **Contracts** yet" in i.value for i in at.info)
    button(at, "dec_draft").click().run()
    assert not at.exception, at.exception
    assert _said(at.success, "Drafted MDR-0001")
    rec = store.list_decisions(workspace_engine)[0]
    winner = rec.record.body.selection.selected_model
    assert at.text_input(key="dec-1-v1-selection-selected_model").value == winner
    assert at.number_input(key="dec-1-v1-rollout-canary_traffic_pct").value == 5.0  # derived: high risk
    assert at.number_input(key="dec-1-v1-economics-cost_per_success_usd").value == pytest.approx(
        rec.record.body.economics.cost_per_success_usd)
    code = at.get("code")[0].proto.code_text
    assert all(h in code for h in SECTION_HEADINGS) and "workbench-status: draft" in code
    assert "everything below is as generated" in texts(at)
    assert list(at.dataframe[0].value["Record"]) == ["MDR-0001"]


def test_edit_and_save_marks_the_field_edited_and_is_audited(open_page, workspace_engine, profile):
    at = _draft(open_page)
    at.number_input(key="dec-1-v1-rollout-canary_traffic_pct").set_value(25.0)
    at.text_input(key="dec-1-v1-decision_makers").set_value("Ana Lima, Bo Chen")
    at.button(key="FormSubmitter:dec-1-v1-form-Save changes").click().run()
    assert not at.exception, at.exception
    assert _said(at.success, "Saved MDR-0001 (version 2)")
    rec = store.get_decision(workspace_engine, 1)
    assert rec.record.body.rollout.canary_traffic_pct == 25.0
    assert rec.record.front.decision_makers == ("Ana Lima", "Bo Chen")
    text = _plain(texts(at))
    assert "1 field(s) changed by a person since drafting: rollout.canary_traffic_pct" in text
    canary = at.number_input(key="dec-1-v2-rollout-canary_traffic_pct")
    assert canary.value == 25.0 and "edited by a person" in canary.label  # the field's badge
    assert "generated" in at.number_input(key="dec-1-v2-rollout-shadow_traffic_pct").label
    history = [t for t in at.dataframe if "Action" in t.value.columns][0].value
    assert list(history["Action"]) == ["draft", "update"] and list(history["Who"]) == ["Ada", "Ada"]


def test_stale_editor_is_refused_naming_who_saved(open_page, workspace_engine, profile):
    at = _draft(open_page)
    rec = store.get_decision(workspace_engine, 1)
    store.save_decision(workspace_engine, 1, with_people(rec.record, consulted=["Cy"]), rec.version, "bob")
    at.number_input(key="dec-1-v1-rollout-canary_traffic_pct").set_value(30.0)
    at.button(key="FormSubmitter:dec-1-v1-form-Save changes").click().run()
    assert any("bob" in e.value and "not saved" in e.value for e in at.error)
    assert store.get_decision(workspace_engine, 1).record.body.rollout.canary_traffic_pct == 5.0


def test_propose_accept_with_confirmation_then_read_only(open_page, workspace_engine, profile):
    at = _draft(open_page)
    at = _confirm(at, "proposed")
    assert store.get_decision(workspace_engine, 1).status == MDRStatus.proposed
    at = _confirm(at, "accepted")  # no decision-maker yet: refused with the reason
    assert _said(at.error, "decision-maker")
    at.text_input(key="dec-1-v2-decision_makers").set_value("Ana Lima")
    at.button(key="FormSubmitter:dec-1-v2-form-Save changes").click().run()
    at = _confirm(at, "accepted")
    rec = store.get_decision(workspace_engine, 1)
    assert rec.status == MDRStatus.accepted
    assert _said(at.info, "MDR-0001 is accepted: its text is immutable")
    assert not [b for b in at.button if b.key and b.key.startswith("FormSubmitter:")]  # no editor
    assert not [w for w in at.number_input if w.key.startswith("dec-1-")]
    assert any(b.key == "dec_supersede_1" for b in at.button)


def test_sign_with_your_own_key_created_in_the_app_self_asserted(open_page, workspace_engine, profile, keys):
    """Without a login: a person signs only with the key of the identity they state (marked self-asserted); the
    key is made in the app (private key 0600 in that person's directory); nobody is offered another's key."""
    import stat

    from workbench.services import signing as svc

    at = _draft(open_page)
    assert not [s for s in at.selectbox if s.key == "dec_sign_key"]  # no list of everyone's keys any more
    assert any("self-asserted" in w.value for w in at.warning)
    at.text_input(key="dec_sign_email").set_value("ana@example.com").run()
    assert any("no signing key on this server" in i.value for i in at.info)
    at.text_input(key="dec_key_name").set_value("Ana Lima").run()
    button(at, "dec_key_create").click().run()
    assert not at.exception, at.exception
    own = svc.own_keys("ana@example.com")
    assert len(own) == 1 and stat.S_IMODE((keys / "people" / "ana@example.com" / f"{own[0].key_id}.key").stat().st_mode) == 0o600
    button(at, "dec_sign").click().run()
    assert not at.exception, at.exception
    at.text_input(key="dec_sign_email").set_value("bo@example.com").run()
    at.text_input(key="dec_key_name").set_value("Bo Chen").run()
    button(at, "dec_key_create").click().run()
    at.radio(key="dec_verdict").set_value("dissent").run()
    at.text_input(key="dec_reason").set_value("latency budget too tight").run()
    button(at, "dec_sign").click().run()
    assert not at.exception, at.exception
    rec = store.get_decision(workspace_engine, 1)
    assert rec.signature_count == 2
    signers = [t for t in at.dataframe if "Signer" in t.value.columns][0].value
    assert list(signers["Verdict"]) == ["approve", "dissent"] and list(signers["Identity"]) == ["self-asserted"] * 2
    assert list(signers["Reason"])[1] == "latency budget too tight"
    assert list(signers["Trusted"]) == ["NO", "NO"]  # created and signed, never trusted by that
    assert at.get("download_button")


def test_with_auth_configured_a_visitor_who_is_not_logged_in_reads_only(open_page, workspace_engine, profile):
    from workbench.services.records import draft_from_workspace

    draft_from_workspace(workspace_engine, "Contracts", "ada")
    at = open_page("decision", secrets={"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                                                  "cookie_secret": "x" * 32}})
    assert not at.exception, at.exception
    assert any("you can read everything" in i.value for i in at.info)
    assert not [b for b in at.button if b.key in ("dec_draft", "dec_proposed_1", "dec_sign", "dec_key_create")]
    assert not [b for b in at.button if b.key and b.key.startswith("FormSubmitter:")]  # no editor
    assert at.get("download_button")  # reading (and downloading) stays possible


def test_supersede_by_a_new_draft_links_both_when_accepted(open_page, workspace_engine, profile):
    first = store.list_decisions(workspace_engine)
    assert first == []
    at = _draft(open_page)
    rec = store.get_decision(workspace_engine, 1)
    rec = store.save_decision(workspace_engine, 1, with_people(rec.record, decision_makers=["Ana"]), rec.version, "a")
    rec = store.transition_decision(workspace_engine, 1, "proposed", rec.version, "a")
    store.transition_decision(workspace_engine, 1, "accepted", rec.version, "a")
    at.run()
    at = _confirm(at, "supersede")
    assert _said(at.success, "Drafted MDR-0002 to supersede MDR-0001")
    changes = [t.value for t in at.text]
    assert any(c.startswith("Carried forward from MDR-0001 (set by a person there): decision-makers") for c in changes)
    new = store.decision_by_ref(workspace_engine, "MDR-0002")
    assert new.record.front.supersedes == "MDR-0001"
    assert "supersedes **MDR-0001**" in texts(at)


def _accepted(engine, rec_id: int, name: str = "Ana Lima"):
    rec = store.get_decision(engine, rec_id)
    rec = store.save_decision(engine, rec_id, with_people(rec.record, decision_makers=[name]), rec.version, "Ada")
    rec = store.transition_decision(engine, rec_id, "proposed", rec.version, "Ada")
    return store.transition_decision(engine, rec_id, "accepted", rec.version, "Ada")


def test_superseding_your_own_record_shows_no_someone_saved_a_newer_version_banner(open_page, workspace_engine,
                                                                                    profile):
    """Issue 17: accepting the superseding draft marks the old record superseded (its version moves); that is
    this person's own change, so opening the old record again must not claim someone saved a newer version."""
    at = _draft(open_page)
    _accepted(workspace_engine, 1)
    at.run()  # the page now shows MDR-0001 accepted (this session saw that version)
    at = _confirm(at, "supersede")
    assert at.selectbox(key="dec_record").value == "MDR-0002"
    at = _confirm(at, "proposed", 2)
    at = _confirm(at, "accepted", 2)  # decision-makers carried forward from MDR-0001
    assert store.get_decision(workspace_engine, 2).status == MDRStatus.accepted
    old = store.get_decision(workspace_engine, 1)
    assert old.status == MDRStatus.superseded and old.version > 4  # the acceptance changed MDR-0001 too
    at.selectbox(key="dec_record").set_value("MDR-0001").run()
    assert not at.exception, at.exception
    assert not any("saved a newer version" in _plain(w.value) for w in at.warning)
    assert "superseded by **MDR-0002**" in texts(at)
    assert store.get_decision(workspace_engine, 2).record.front.decision_makers == ("Ana Lima",)


def test_excel_download_is_sent_as_data_not_a_deferred_callable(open_page, workspace_engine, profile):
    """Issue 17: a deferred callable is dropped by any rerun between drawing the button and the click ("Deferred
    file ... not found": the click downloads nothing); the page sends the workbook bytes with the button."""
    import io

    from openpyxl import load_workbook

    from workbench.ui.decision import excel_bytes

    at = _draft(open_page)
    at.run()  # a rerun between drawing and clicking
    excel = [d for d in at.get("download_button") if d.proto.id.endswith("dec_excel") or "Excel" in d.proto.label]
    assert excel, "the Excel download button is drawn"
    proto = excel[0].proto
    assert not proto.HasField("deferred_file_id") and proto.url  # bytes registered with the media manager
    rec = store.get_decision(workspace_engine, 1)
    book = load_workbook(io.BytesIO(excel_bytes(rec)))
    winner = rec.record.body.selection.selected_model
    assert any(winner == c.value for ws in book.worksheets for row in ws.iter_rows() for c in row)


def test_a_tampered_accepted_record_shows_the_integrity_banner_and_no_bundle(open_page, workspace_engine, profile):
    import json

    from sqlmodel import Session

    from workbench.store.tables import DecisionRow

    _draft(open_page)
    _accepted(workspace_engine, 1)
    with Session(workspace_engine) as session:
        row = session.get(DecisionRow, 1)
        body = json.loads(json.dumps(row.body))
        body["body"]["economics"]["cost_per_success_usd"] = 0.0001  # behind the workbench's back
        row.body = body
        session.add(row)
        session.commit()
    at = open_page("decision", actor="Ada")
    assert not at.exception, at.exception
    assert _said(at.error, "MDR-0001: body changed after acceptance (sha256")
    assert list(at.dataframe[0].value["Integrity"]) == ["TAMPERED"]


def test_reject_keeps_the_reason_typed_in_the_confirmation(open_page, workspace_engine, profile):
    at = _draft(open_page)
    at = _confirm(at, "proposed")
    button(at, "dec_rejected_1").click().run()
    at.text_input(key="dec_reason_1").set_value("Cost per success above the ceiling").run()
    button(at, "dec_confirm_1").click().run()
    assert not at.exception, at.exception
    rec = store.get_decision(workspace_engine, 1)
    assert rec.status == MDRStatus.rejected
    assert rec.record.front.rejection_reason == "Cost per success above the ceiling"


def test_quorum_set_in_the_app_gates_acceptance_until_trusted_approvals_arrive(open_page, workspace_engine, profile,
                                                                              keys):
    from workbench.services import signing as svc
    from workbench.services.records import draft_from_workspace
    from workbench.signing import load_signing_key

    rec = draft_from_workspace(workspace_engine, "Contracts", "ada")
    rec = store.save_decision(workspace_engine, 1, with_people(rec.record, decision_makers=["Ana"]), rec.version, "a")
    store.transition_decision(workspace_engine, 1, "proposed", rec.version, "a")
    at = open_page("decision", actor="Ada")
    at.text_area(key="dec_quorum_1").set_value("architect: ana@example.com").run()
    button(at, "dec_quorum_save_1").click().run()
    assert not at.exception, at.exception
    plain = texts(at).replace("\\", "")
    assert "Approvals required before acceptance: architect: ana@example.com" in plain and "not met" in plain
    _confirm(at, "accepted")
    assert any("approvals missing" in e.value.replace("\\", "") for e in at.error)
    assert store.get_decision(workspace_engine, 1).status == MDRStatus.proposed
    at.text_input(key="dec_sign_email").set_value("ana@example.com").run()
    at.text_input(key="dec_key_name").set_value("Ana Lima").run()
    button(at, "dec_key_create").click().run()
    button(at, "dec_sign").click().run()
    assert not at.exception, at.exception
    assert store.get_decision(workspace_engine, 1).signature_count == 1
    with pytest.raises(svc.QuorumNotMetError):  # signed, but the key is not trusted yet
        svc.check_acceptance(workspace_engine, 1)
    info = svc.own_keys("ana@example.com")[0]
    key = load_signing_key(keys / "people" / "ana@example.com" / f"{info.key_id}.key")
    svc.trust_public_key(workspace_engine, key.public_key, "Ana Lima", "ana@example.com", "sec",
                         confirm_fingerprint=key.public_key.fingerprint)
    at.run()
    _confirm(at, "accepted")
    done = store.get_decision(workspace_engine, 1)
    assert done.status == MDRStatus.accepted and done.signature_count == 1  # acceptance keeps the approval
