"""AppTest of the Decision page: draft fills seven sections; edit + save with origin badges; propose/accept
with confirmation; accepted is read-only; sign with a local key; supersede; history."""

from __future__ import annotations

import pytest

from tests.pages.helpers import button, texts
from workbench.domain.mdr import SECTION_HEADINGS, MDRStatus, with_people
from workbench.signing import init_key
from workbench.store import decisions as store
from workbench.store.workspace import create_profile, new_profile_model


@pytest.fixture
def profile(workspace_engine):
    return create_profile(workspace_engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")


@pytest.fixture
def keys(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_KEY_DIR", str(tmp_path / "keys"))
    return [init_key("Ana Lima", "ana@example.com", tmp_path / "keys"),
            init_key("Bo Chen", "bo@example.com", tmp_path / "keys")]


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
    assert any("Drafted MDR-0001" in s.value for s in at.success)
    rec = store.list_decisions(workspace_engine)[0]
    winner = rec.record.body.selection.selected_model
    assert at.text_input(key="dec-1-v1-selection-selected_model").value == winner
    assert at.number_input(key="dec-1-v1-rollout-canary_traffic_pct").value == 10.0
    assert at.number_input(key="dec-1-v1-economics-cost_per_success_usd").value == pytest.approx(
        rec.record.body.economics.cost_per_success_usd)
    code = at.get("code")[0].proto.code_text
    assert all(h in code for h in SECTION_HEADINGS) and "status: draft" in code
    assert "everything below is as generated" in texts(at)
    assert list(at.dataframe[0].value["Record"]) == ["MDR-0001"]


def test_edit_and_save_marks_the_field_edited_and_is_audited(open_page, workspace_engine, profile):
    at = _draft(open_page)
    at.number_input(key="dec-1-v1-rollout-canary_traffic_pct").set_value(25.0)
    at.text_input(key="dec-1-v1-decision_makers").set_value("Ana Lima, Bo Chen")
    at.button(key="FormSubmitter:dec-1-v1-form-Save changes").click().run()
    assert not at.exception, at.exception
    assert any("Saved MDR-0001 (version 2)" in s.value for s in at.success)
    rec = store.get_decision(workspace_engine, 1)
    assert rec.record.body.rollout.canary_traffic_pct == 25.0
    assert rec.record.front.decision_makers == ("Ana Lima", "Bo Chen")
    text = texts(at)
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
    assert store.get_decision(workspace_engine, 1).record.body.rollout.canary_traffic_pct == 10.0


def test_propose_accept_with_confirmation_then_read_only(open_page, workspace_engine, profile):
    at = _draft(open_page)
    at = _confirm(at, "proposed")
    assert store.get_decision(workspace_engine, 1).status == MDRStatus.proposed
    at = _confirm(at, "accepted")  # no decision-maker yet: refused with the reason
    assert any("decision-maker" in e.value for e in at.error)
    at.text_input(key="dec-1-v2-decision_makers").set_value("Ana Lima")
    at.button(key="FormSubmitter:dec-1-v2-form-Save changes").click().run()
    at = _confirm(at, "accepted")
    rec = store.get_decision(workspace_engine, 1)
    assert rec.status == MDRStatus.accepted
    assert any("MDR-0001 is accepted: its text is immutable" in i.value for i in at.info)
    assert not [b for b in at.button if b.key and b.key.startswith("FormSubmitter:")]  # no editor
    assert not [w for w in at.number_input if w.key.startswith("dec-1-")]
    assert any(b.key == "dec_supersede_1" for b in at.button)


def test_sign_and_cosign_with_local_keys_then_download(open_page, workspace_engine, profile, keys):
    at = _draft(open_page)
    assert at.selectbox(key="dec_sign_key").options  # both local keys offered
    at.selectbox(key="dec_sign_key").set_value(keys[0].key_id).run()
    button(at, "dec_sign").click().run()
    assert not at.exception, at.exception
    assert any("Signed MDR-0001 as Ana Lima (1 signature(s))" in s.value for s in at.success)
    at.selectbox(key="dec_sign_key").set_value(keys[1].key_id).run()
    button(at, "dec_sign").click().run()
    rec = store.get_decision(workspace_engine, 1)
    assert rec.signature_count == 2
    signers = [t for t in at.dataframe if "Signer" in t.value.columns][0].value
    assert list(signers["Signer"]) == ["Ana Lima", "Bo Chen"] and set(signers["Status"]) == {"valid"}
    assert "Bundle verdict now: **verified**" in texts(at)
    assert at.get("download_button")


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
    assert any("Drafted MDR-0002 to supersede MDR-0001" in s.value for s in at.success)
    new = store.decision_by_ref(workspace_engine, "MDR-0002")
    assert new.record.front.supersedes == "MDR-0001"
    assert "supersedes **MDR-0001**" in texts(at)
