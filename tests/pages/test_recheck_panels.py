"""Overview and Decision page show fired reconsideration triggers of accepted records."""

from __future__ import annotations

from tests.pages.helpers import texts
from workbench.domain.mdr import with_people
from workbench.domain.models import Candidate
from workbench.services.records import draft_from_workspace
from workbench.store import decisions as store
from workbench.store.workspace import candidate_by_name, create_candidate, create_profile, new_profile_model


def _accepted(engine):
    create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
    rec = draft_from_workspace(engine, "Contracts", "ada")
    rec = store.save_decision(engine, rec.id, with_people(rec.record, decision_makers=["Ana"]), rec.version, "ada")
    rec = store.transition_decision(engine, rec.id, "proposed", rec.version, "ada")
    return store.transition_decision(engine, rec.id, "accepted", rec.version, "ada")


def _cheaper_twin(engine, rec) -> None:
    chosen = candidate_by_name(engine, rec.record.body.selection.selected_model).model
    assert chosen.pricing is not None
    pricing = chosen.pricing.model_copy(update={"input_per_mtok": chosen.pricing.input_per_mtok / 2,
                                                "output_per_mtok": chosen.pricing.output_per_mtok / 2,
                                                "litellm_key": None})
    data = chosen.model_dump() | {"name": "Twin <b>at half price</b>", "pricing": pricing.model_dump()}
    create_candidate(engine, Candidate.model_validate(data), "ada")


def test_quiet_then_fired_on_the_overview(open_page, workspace_engine):
    rec = _accepted(workspace_engine)
    at = open_page("overview")
    assert "no reconsideration trigger fired" in texts(at)
    _cheaper_twin(workspace_engine, rec)
    at = open_page("overview")
    assert any("reconsideration trigger(s) fired" in w.value for w in at.warning)
    table = next(d for d in at.dataframe if "Trigger" in d.value.columns).value
    assert "dominated" in set(table["Trigger"]) and rec.mdr_id in set(table["Record"])
    # the candidate's name is in the table, and escaped where text shows it (the market chart's takeaway)
    assert "<b>" not in texts(at).replace("\\<b>", "").replace("\\</b>", "")


def test_decision_page_shows_the_fired_triggers_of_the_accepted_record(open_page, workspace_engine):
    rec = _accepted(workspace_engine)
    _cheaper_twin(workspace_engine, rec)
    at = open_page("decision", actor="Ada")
    assert any("reconsideration trigger(s) fired" in w.value for w in at.warning)
    table = next(d for d in at.dataframe if "What changed" in d.value.columns).value
    assert {"dominated", "outranked"} <= set(table["Trigger"])
