"""AppTest of the Trade-offs page: sliders move the ranking, constraints exclude with reasons,
scenarios save / compare / promote, and the URL restores the view."""

from __future__ import annotations

import pytest

from tests.pages.helpers import button
from workbench.store import read_session
from workbench.store.repository import list_audit
from workbench.store.workspace import create_profile, list_scenarios, new_profile_model, profile_by_name


@pytest.fixture
def profile(workspace_engine):
    return create_profile(workspace_engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")


def _key(profile, scenario=None) -> str:
    s = f"s{scenario.id}v{scenario.version}" if scenario else "s0"
    return f"to-p{profile.id}v{profile.version}-{s}-g0"


def _ranking(at) -> list[str]:
    return list(at.dataframe[0].value["Candidate"])


def _tab(at, name: str):
    """Open one of the lazy tabs below the decision card (only the open tab's code runs)."""
    at.session_state["to_tab"] = name
    return at.run()


def _metric(at, label: str):
    return next(m for m in at.metric if m.label.startswith(label))



def test_page_ranks_with_method_and_normalisation_named(open_page, profile):
    at = open_page("tradeoffs")
    assert at.subheader[0].value.startswith("1. ")
    assert any("normalisation: min-max" in c.value for c in at.caption)
    assert len(_ranking(at)) >= 5
    assert _metric(at, "Robustness").value.endswith("% first")  # the card's SMAA figure
    assert not any("Confidence factor" in d.value.columns for d in at.dataframe)  # robustness tab not built
    _tab(at, "Robustness")
    assert any("ranks first in" in c.value for c in at.caption)  # SMAA headline: the heat map's takeaway
    assert not any("None" in str(v) for d in at.dataframe for v in d.value.to_numpy().ravel())
    smaa_table = next(d.value for d in at.dataframe if "Confidence factor" in d.value.columns)
    assert {"Ranks first (%)", "Expected rank", "Central weights (top 4)"} <= set(smaa_table.columns)


def test_empty_workspace_says_what_to_do(open_page):
    at = open_page("tradeoffs")
    assert any("no requirement profile" in i.value for i in at.info)


def test_moving_a_weight_slider_changes_the_ranking(open_page, profile):
    at = open_page("tradeoffs")
    before = _ranking(at)
    k = _key(profile)
    for criterion in ("schema_adherence", "instruction_following", "grounded_synthesis", "cost_per_success"):
        at.slider(key=f"{k}-w-{criterion}").set_value(0.0)
    at.slider(key=f"{k}-w-multimodal_perception").set_value(5.0).run()
    after = _ranking(at)
    assert after != before
    assert after[0] in ("Gemini 3 Pro", "GPT-5.4")  # the E-rated multimodal models lead


def test_a_constraint_excludes_with_both_values_and_relaxing_brings_it_back(open_page, profile):
    at = open_page("tradeoffs")
    k = _key(profile)
    at.multiselect(key=f"{k}-c-res").set_value(["eu"]).run()
    _tab(at, "Excluded")
    table = next(d.value for d in at.dataframe if "Why" in d.value.columns)  # plain cells, no Markdown
    why = dict(zip(table["Candidate"], table["Why"], strict=True))
    assert "residency" in why["Claude Opus 4.7"] and "eu" in why["Claude Opus 4.7"]
    _tab(at, "Ranking")
    assert "Claude Opus 4.7" not in _ranking(at)
    at.multiselect(key=f"{k}-c-res").set_value([]).run()
    assert "Claude Opus 4.7" in _ranking(at)


def test_all_zero_weights_give_a_clear_message(open_page, profile):
    at = open_page("tradeoffs")
    k = _key(profile)
    from workbench.domain.models import CRITERIA

    for criterion in CRITERIA:
        at.slider(key=f"{k}-w-{criterion}").set_value(0.0)
    at.run()
    assert not at.exception
    assert any("weight" in w.value.lower() for w in at.warning)


def test_scenario_saves_without_touching_the_profile_then_compares_and_promotes(open_page, profile, workspace_engine):
    at = open_page("tradeoffs", actor="Pat")
    k = _key(profile)
    at.slider(key=f"{k}-w-latency").set_value(5.0)
    at.text_input(key="to_new_scenario").set_value("PO view").run()
    button(at, "to_save_as").click().run()
    assert not at.exception, at.exception
    scenarios = list_scenarios(workspace_engine, profile.id)
    assert [s.model.name for s in scenarios] == ["PO view"]
    assert scenarios[0].model.weights["latency"] == 5.0
    assert profile_by_name(workspace_engine, "Contracts").model.weights["latency"] == 1.0  # unchanged
    # compare the saved profile (A) with the scenario (B)
    at.toggle(key="to_compare").set_value(True).run()
    at.selectbox(key="to_cmp_b").set_value("PO view").run()
    compare = at.dataframe[-1].value
    assert set(compare.columns) >= {"name", "rank_a", "rank_b", "change"}
    # open the scenario and promote it into the profile
    at.selectbox(key="scenario").set_value("PO view").run()
    button(at, "to_promote").click().run()
    assert profile_by_name(workspace_engine, "Contracts").model.weights["latency"] == 5.0
    with read_session(workspace_engine) as session:
        assert list_audit(session, entity_type="scenario")[0].action == "promote"


def test_query_parameters_restore_the_view(open_page, profile, workspace_engine):
    from workbench.domain.scenario import scenario_from
    from workbench.store.workspace import create_scenario

    create_scenario(workspace_engine, profile.id, scenario_from(profile.model, "Relaxed SLA", method="topsis"), "po")
    at = open_page("tradeoffs", query={"profile": "Contracts", "scenario": "Relaxed SLA", "method": "TOPSIS"})
    assert at.selectbox(key="scenario").value == "Relaxed SLA"
    assert any("TOPSIS" in c.value for c in at.caption)


def test_save_to_profile_uses_the_optimistic_lock(open_page, profile, workspace_engine):
    from workbench.store.workspace import save_profile

    at = open_page("tradeoffs", actor="Ann")
    save_profile(workspace_engine, profile.id, profile.model.model_copy(update={"description": "x"}),
                 profile.version, "Bob")  # someone else saves meanwhile
    at.slider(key=f"{_key(profile)}-w-latency").set_value(3.0)
    button(at, "to_save_profile").click().run()
    assert any("Bob" in e.value for e in at.error)
    assert profile_by_name(workspace_engine, "Contracts").model.weights["latency"] == 1.0


def test_excel_download_callable_carries_the_moved_slider(open_page, profile, workspace_engine, tmp_path):
    """Drive the page's own download callable (the one given to st.download_button) after moving a slider:
    the workbook's named weight cell holds the slider's weight, not the saved profile's."""
    import openpyxl

    from workbench.domain.scoring import normalise_weights

    at = open_page("tradeoffs")
    assert any(b.label == "Download Excel decision matrix" for b in at.get("download_button"))
    at.slider(key=f"{_key(profile)}-w-latency").set_value(4.0).run()
    assert not at.exception, at.exception
    build = at.session_state["to_excel_data"]
    path = tmp_path / "m.xlsx"
    path.write_bytes(build())
    book = openpyxl.load_workbook(path)
    sheet, cell = next(book.defined_names["w_latency"].destinations)
    shown = book[sheet][cell.replace("$", "")].value
    criteria = list(profile.model.weights)
    slider = normalise_weights([4.0 if c == "latency" else profile.model.weights[c] for c in criteria])
    saved = normalise_weights([profile.model.weights[c] for c in criteria])
    j = criteria.index("latency")
    assert shown == pytest.approx(slider[j]) and shown != pytest.approx(saved[j])


def test_compare_table_shows_rank_changes_between_two_different_views(open_page, profile, workspace_engine):
    from workbench.domain.models import CRITERIA
    from workbench.domain.scenario import scenario_from
    from workbench.store.workspace import create_scenario

    multimodal = dict.fromkeys(CRITERIA, 0.0) | {"multimodal_perception": 5.0}
    create_scenario(workspace_engine, profile.id, scenario_from(profile.model, "Vision").model_copy(
        update={"weights": multimodal}), "po")
    at = open_page("tradeoffs")
    at.toggle(key="to_compare").set_value(True).run()
    at.selectbox(key="to_cmp_a").set_value("").run()
    at.selectbox(key="to_cmp_b").set_value("").run()
    same = at.dataframe[-1].value
    assert set(same["change"]) <= {"same", "excluded in both"} and "same" in set(same["change"])
    assert same["rank_a"].equals(same["rank_b"])
    at.selectbox(key="to_cmp_b").set_value("Vision").run()
    compare = at.dataframe[-1].value
    moved = compare[compare["rank_a"] != compare["rank_b"]]
    assert len(moved) >= 2 and any(c != "same" for c in moved["change"])
    by_name = dict(zip(compare["name"], compare["rank_b"], strict=True))
    assert min(by_name["Gemini 3 Pro"], by_name["GPT-5.4"]) == 1  # the E-rated multimodal models lead in B


def test_data_gaps_panel_replaces_the_per_criterion_captions(open_page, profile):
    at = open_page("tradeoffs")
    assert not any("worst observed" in c.value for c in at.caption)
    ranking = at.dataframe[0].value
    assert {"Range", "Known", "$/success", "p95"} <= set(ranking.columns)
    assert not any("None" in str(v) for v in ranking.to_numpy().ravel())  # an unknown says so
    _tab(at, "Data gaps")
    table = next((d.value for d in at.dataframe if "What would resolve it" in d.value.columns), None)
    if table is not None:  # the shipped catalog has unrated candidates: one row each, with the fix named
        assert len(set(table["Candidate"])) == len(table)


def test_a_constraint_that_excludes_everyone_names_the_tightest_and_keeps_the_controls(open_page, profile):
    at = open_page("tradeoffs")
    at.number_input(key=f"{_key(profile)}-c-ctx").set_value(20_000_000).run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "No candidate meets every hard constraint" in message and "context" in message and "13 of 13" in message
    assert any(b.key == "to_save_profile" for b in at.button)  # saving is still possible


def test_saving_a_high_risk_fail_open_profile_warns(open_page, workspace_engine):
    from workbench.store.workspace import create_profile, new_profile_model

    model = new_profile_model("Risky", "high_precision_extraction").model_copy(update={"failure_policy": "fail_open"})
    risky = create_profile(workspace_engine, model, "ada")
    at = open_page("tradeoffs", query={"profile": "Risky"})
    at.slider(key=f"{_key(risky)}-w-latency").set_value(2.0)
    button(at, "to_save_profile").click().run()
    assert not at.exception, at.exception
    assert any("fail-open" in w.value and "Saved weights" in w.value for w in at.warning)


def test_the_page_names_who_is_statistically_tied_with_the_leader(open_page, profile, workspace_engine):
    from workbench.domain.models import CRITERIA
    from workbench.services.decide import decide
    from workbench.services.ranking_notes import ties
    from workbench.store.workspace import save_profile

    # only instruction following counts: the E-rated leaders score exactly the same (no evidence: basis "intervals")
    weights = dict.fromkeys(CRITERIA, 0.0) | {"instruction_following": 1.0}
    save_profile(workspace_engine, profile.id, profile.model.model_copy(update={"weights": weights}), profile.version,
                 "ada")
    decision = decide(workspace_engine, "Contracts")
    expected = ties(decision.ranking, decision.effective, {})
    assert expected and all(t.basis == "intervals overlap" for t in expected)
    at = open_page("tradeoffs")
    assert not at.exception, at.exception
    (caption,) = [c.value for c in at.caption if "tied with the leader:" in c.value]
    assert all(t.name.split()[0] in caption for t in expected[:6]) and "intervals overlap" in caption


# --------------------------------------------------------------------------- answer first, nothing lost


def test_decision_card_states_the_answer(open_page, profile):
    at = open_page("tradeoffs")
    assert {"Robustness", "p95 latency"} <= {m.label for m in at.metric}
    cost = _metric(at, "Cost / success")
    assert "API price" in cost.label or "self-hosted" in cost.label or "unknown" in cost.label
    captions = " ".join(c.value for c in at.caption)
    assert "over " in captions and "Completeness" in captions
    assert "Weighted sum and TOPSIS agree" in captions or "Methods DISAGREE" in captions
    assert at.subheader[0].help.startswith("Tie-break:")  # the rule is a tooltip, not a line under the winner


def test_an_unsaved_slider_move_survives_a_visit_to_another_page(open_page, profile):
    from workbench.ui.registry import PAGES

    at = open_page("tradeoffs")
    at.slider(key=f"{_key(profile)}-w-latency").set_value(4.5).run()
    assert any("Unsaved changes" in c.value for c in at.caption)
    link = at.query_params["view"]
    at.switch_page(str(next(p for p in PAGES if p.url_path == "economics").path)).run()
    at.switch_page(str(next(p for p in PAGES if p.url_path == "tradeoffs").path)).run()
    assert not at.exception, at.exception
    assert at.slider(key=f"{_key(profile)}-w-latency").value == 4.5
    assert any("Unsaved changes" in c.value for c in at.caption)
    assert link  # the share link carried the move
    button(at, "to_reset").click().run()
    assert at.slider(key=f"{_key(profile)}-w-latency".replace("-g0", "-g1")).value == 1.0


def test_a_share_link_opens_the_same_weights_in_another_session(open_page, profile):
    at = open_page("tradeoffs")
    at.slider(key=f"{_key(profile)}-w-latency").set_value(3.5)
    at.segmented_control(key="method").set_value("TOPSIS").run()
    token = at.query_params["view"]
    fresh = open_page("tradeoffs", query={"profile": "Contracts", "view": token})
    assert fresh.slider(key=f"{_key(profile)}-w-latency".replace("-g0", "-g1")).value == 3.5
    assert any("TOPSIS" in c.value for c in fresh.caption)


def test_a_bad_or_unknown_link_is_a_visible_warning(open_page, profile):
    at = open_page("tradeoffs", query={"profile": "Nope"})
    assert any("Nope" in w.value for w in at.warning)
    at = open_page("tradeoffs", query={"profile": "Contracts", "scenario": "Ghost"})
    assert any("Ghost" in w.value for w in at.warning)
    at = open_page("tradeoffs", query={"profile": "Contracts", "view": "not*base64"})
    assert any("share link" in w.value for w in at.warning) and not at.exception


def test_save_as_scenario_switches_the_selector_to_it(open_page, profile):
    at = open_page("tradeoffs")
    at.slider(key=f"{_key(profile)}-w-latency").set_value(5.0)
    at.text_input(key="to_new_scenario").set_value("Fast").run()
    button(at, "to_save_as").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="scenario").value == "Fast"
    assert not any("Unsaved changes" in c.value for c in at.caption)


def test_a_refused_save_offers_a_reload(open_page, profile, workspace_engine):
    from workbench.store.workspace import save_profile

    at = open_page("tradeoffs", actor="Ann")
    save_profile(workspace_engine, profile.id, profile.model.model_copy(update={"description": "x"}),
                 profile.version, "Bob")
    at.slider(key=f"{_key(profile)}-w-latency").set_value(3.0)
    button(at, "to_save_profile").click().run()
    assert any("Bob" in e.value for e in at.error)
    button(at, "to_reload_after_refusal").click().run()
    assert not at.exception, at.exception
    assert not any("Bob" in e.value for e in at.error)
    assert not any("newer version" in w.value for w in at.warning)


def test_saving_the_sla_slider_writes_the_requirement(open_page, profile, workspace_engine):
    at = open_page("tradeoffs")
    at.number_input(key=f"{_key(profile)}-c-lat").set_value(1600.0)
    button(at, "to_save_profile").click().run()
    saved = profile_by_name(workspace_engine, "Contracts").model
    assert saved.latency_sla.total_p95_ms == 1600.0 == saved.constraints.max_p95_latency_ms
