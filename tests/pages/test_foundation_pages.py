"""AppTest: every page loads; profiles from templates; candidate edits, validation and conflicts."""

from __future__ import annotations

import pytest

from tests.pages.helpers import button
from workbench.store import read_session
from workbench.store.repository import candidates, list_audit, profiles
from workbench.store.workspace import candidate_by_name, save_candidate
from workbench.ui.registry import PAGES


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_loads_without_exception(open_page, spec):
    at = open_page(spec.url_path)
    assert at.title, f"{spec.title} shows no title"
    assert not at.exception


def test_overview_guides_a_new_user(open_page):
    at = open_page("overview")
    assert [m.value for m in at.metric][:2] == ["0", "13"]
    assert any("Create a profile" in i.value for i in at.info)



def test_create_profile_from_template_and_edit_it(open_page, workspace_engine):
    at = open_page("profiles", actor="Ada")
    at.selectbox(key="prof_new_template").set_value("high_precision_extraction").run()
    at.text_input(key="prof_new_name").set_value("Contract clauses").run()
    button(at, "prof_create").click().run()
    assert not at.exception
    with read_session(workspace_engine) as session:
        record = profiles.require(session, "Contract clauses")
        assert record.model.template == "High-Precision Extraction"
        assert record.model.output_form.value == "nested_json"
        assert list_audit(session, entity_type="profile")[0].actor == "Ada"
    # the new profile is opened for editing; change the p95 SLA and save
    key = f"prof-{record.id}-v{record.version}"
    # form widgets are sent together with the submit click, in one run
    at.number_input(key=f"{key}-p95").set_value(1200.0)
    at.number_input(key=f"{key}-ctx").set_value(64000)
    button(at, f"FormSubmitter:{key}-form-Save profile").click().run()
    assert not at.exception, at.exception
    with read_session(workspace_engine) as session:
        saved = profiles.require(session, "Contract clauses").model
    assert saved.latency_sla.total_p95_ms == 1200.0 and saved.context_length_tokens == 64000


def _open_candidate(open_page, engine, name: str, actor: str = "Ada"):
    at = open_page("candidates", actor=actor)
    at.selectbox(key="cand_selected").set_value(candidate_by_name(engine, name).id).run()
    assert not at.exception, at.exception
    return at


def test_edit_candidate_price_saves_with_provenance_and_audit(open_page, workspace_engine):
    before = candidate_by_name(workspace_engine, "GPT-5.4")
    at = _open_candidate(open_page, workspace_engine, "GPT-5.4")
    key = f"cand-{before.id}-v{before.version}"
    at.number_input(key=f"{key}-pin").set_value(3.0)
    at.text_input(key=f"{key}-source").set_value("vendor price sheet 2026-11")
    button(at, f"FormSubmitter:{key}-form-Save changes").click().run()
    assert not at.exception, at.exception
    after = candidate_by_name(workspace_engine, "GPT-5.4")
    assert after.model.pricing.input_per_mtok == 3.0 and after.version == before.version + 1
    assert after.model.provenance["pricing"].source == "vendor price sheet 2026-11"
    assert after.model.provenance["pricing"].entered_by == "Ada"
    with read_session(workspace_engine) as session:
        event = list_audit(session, entity_type="candidate")[0]
    assert (event.actor, event.action, event.summary) == ("Ada", "update", "pricing, provenance changed")


def test_invalid_value_shows_the_field_error_and_saves_nothing(open_page, workspace_engine):
    before = candidate_by_name(workspace_engine, "GPT-5.4")
    at = _open_candidate(open_page, workspace_engine, "GPT-5.4")
    key = f"cand-{before.id}-v{before.version}"
    at.number_input(key=f"{key}-pin").set_value(-1.0)
    at.number_input(key=f"{key}-ctx").set_value(0)
    button(at, f"FormSubmitter:{key}-form-Save changes").click().run()
    errors = " ".join(e.value for e in at.error)
    assert "Input price (USD / 1M tokens)" in errors and "Context window (tokens)" in errors
    assert "Nothing was saved" in errors
    assert candidate_by_name(workspace_engine, "GPT-5.4").version == before.version


def test_second_editor_is_refused_and_told_who_changed_it(open_page, workspace_engine):
    before = candidate_by_name(workspace_engine, "Claude Opus 4.7")
    at = _open_candidate(open_page, workspace_engine, "Claude Opus 4.7", actor="Bob")
    # meanwhile Alice saves the same candidate
    save_candidate(workspace_engine, before.id, before.model.model_copy(update={"notes": "Alice's note"}),
                   before.version, "Alice")
    key = f"cand-{before.id}-v{before.version}"
    at.text_area(key=f"{key}-notes").set_value("Bob's note")
    button(at, f"FormSubmitter:{key}-form-Save changes").click().run()
    assert any("Alice" in e.value and "not saved" in e.value for e in at.error)
    assert candidate_by_name(workspace_engine, "Claude Opus 4.7").model.notes == "Alice's note"


def test_delete_asks_for_confirmation_and_can_be_undone(open_page, workspace_engine):
    at = _open_candidate(open_page, workspace_engine, "Mixtral 8x7B Instruct")
    record = candidate_by_name(workspace_engine, "Mixtral 8x7B Instruct")
    button(at, f"cand-del-{record.id}-ask").click().run()
    assert any("Delete candidate" in w.value for w in at.warning)
    with read_session(workspace_engine) as session:
        assert candidates.by_name(session, "Mixtral 8x7B Instruct") is not None  # not yet
    button(at, f"cand-del-{record.id}-yes").click().run()
    with read_session(workspace_engine) as session:
        assert candidates.by_name(session, "Mixtral 8x7B Instruct") is None
    button(at, "cand-undo").click().run()
    with read_session(workspace_engine) as session:
        assert candidates.by_name(session, "Mixtral 8x7B Instruct") is not None


def test_audit_page_lists_changes_and_filters(open_page, workspace_engine):
    record = candidate_by_name(workspace_engine, "DeepSeek V4")
    save_candidate(workspace_engine, record.id, record.model.model_copy(update={"notes": "n"}), record.version, "Zoe")
    at = open_page("audit")
    at.text_input(key="audit_actor").set_value("Zoe").run()
    df = at.dataframe[0].value
    assert list(df["Who"]) == ["Zoe"] and list(df["Name"]) == ["DeepSeek V4"]
    assert list(df["Origin"]) == ["written here"]
    button(at, "audit_verify").click().run()
    assert any(s.value.startswith("Intact:") for s in at.success)
    from sqlalchemy import text

    with workspace_engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'Mallory' WHERE actor = 'Zoe'"))
    at.text_input(key="audit_actor").set_value("").run()
    button(at, "audit_verify").click().run()
    assert any(e.value.startswith("Broken: 1 problem") for e in at.error)


def test_delete_names_what_goes_with_the_profile(open_page, workspace_engine):
    from workbench.domain.scenario import Scenario
    from workbench.store.workspace import create_profile, create_scenario, new_profile_model

    profile = create_profile(workspace_engine, new_profile_model("With scenarios", None), "ada")
    create_scenario(workspace_engine, profile.id, Scenario(name="A"), "ada")
    create_scenario(workspace_engine, profile.id, Scenario(name="B"), "ada")
    at = open_page("profiles")
    at.session_state["prof_selected"] = profile.id
    at.run()
    button(at, f"prof-del-{profile.id}-ask").click().run()
    assert any("and with it 2 scenarios" in w.value for w in at.warning)
    button(at, f"prof-del-{profile.id}-yes").click().run()
    assert not any(p.model.name == "With scenarios" for p in __import__(
        "workbench.store.workspace", fromlist=["list_profiles"]).list_profiles(workspace_engine))
    button(at, "prof-undo").click().run()
    from workbench.store.workspace import list_scenarios, profile_by_name

    restored = profile_by_name(workspace_engine, "With scenarios")
    assert restored.id == profile.id and [s.model.name for s in list_scenarios(workspace_engine, profile.id)] == ["A", "B"]


def test_reference_matrices_are_shown_with_their_source(open_page):
    at = open_page("candidates")
    frames = [d.value for d in at.dataframe]
    deployment = next(f for f in frames if "Metric" in f.columns)
    assert "Managed API" in deployment.columns and "P50 Latency" in list(deployment["Metric"])
    assert any("seed 002" in c.value for c in at.caption)
