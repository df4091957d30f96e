"""Issue 17 (pages): Overview dashboard, readable audit, Profiles/Decision bugs, one SLA/cost value."""

from __future__ import annotations

import re

import pytest

from tests.pages.helpers import button
from workbench.store import decisions as store
from workbench.store.workspace import (
    candidate_by_name,
    create_profile,
    get_profile,
    new_profile_model,
    profile_by_name,
    save_candidate,
)
from workbench.ui.tables import audit_table, change_summary, field_diff


@pytest.fixture
def profile(workspace_engine):
    return create_profile(workspace_engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")


def _open_profile(open_page, profile_id: int):
    at = open_page("profiles", actor="Ada")
    at.selectbox(key="prof_selected").set_value(profile_id).run()
    assert not at.exception, at.exception
    return at


# --------------------------------------------------------------------------- Profiles


def test_duplicate_opens_the_copy_without_crashing(open_page, workspace_engine, profile):
    at = _open_profile(open_page, profile.id)
    at.text_input(key=f"prof-dup-name-{profile.id}").set_value("Contracts B").run()
    button(at, f"prof-dup-{profile.id}").click().run()
    assert not at.exception, at.exception  # was StreamlitWidgetAlreadyInstantiatedError
    copy = profile_by_name(workspace_engine, "Contracts B")
    assert at.selectbox(key="prof_selected").value == copy.id
    # the form now edits the copy: the next save lands on it, not on the original
    assert at.text_input(key=f"prof-{copy.id}-v{copy.version}-name").value == "Contracts B"


def test_requirement_numbers_are_unique(open_page, profile):
    at = _open_profile(open_page, profile.id)
    labels = [w.label for kind in ("selectbox", "multiselect", "number_input", "checkbox", "text_input")
              for w in getattr(at, kind)]
    numbers = [m.group(1) for label in labels if (m := re.match(r"^(\d+[a-z]?) · ", label))]
    assert "1" in numbers and "13" in numbers
    assert len(numbers) == len(set(numbers)), sorted(numbers)  # was two "2" (users, risk), two "8", ...


def test_sla_and_cost_ceiling_are_the_hard_constraints(open_page, workspace_engine, profile):
    """One value: the form shows the hard constraints as requirements 8b and 10 (read-only) and saves them so."""
    at = _open_profile(open_page, profile.id)
    key = f"prof-{profile.id}-v{profile.version}"
    assert not [w for w in at.number_input if w.key in (f"{key}-maxlat", f"{key}-maxcost")]  # no second input
    at.number_input(key=f"{key}-p95").set_value(900.0)
    at.number_input(key=f"{key}-ceiling").set_value(0.05)
    button(at, f"FormSubmitter:{key}-form-Save profile").click().run()
    assert not at.exception, at.exception
    saved = get_profile(workspace_engine, profile.id)
    assert saved.model.latency_sla.total_p95_ms == saved.model.constraints.max_p95_latency_ms == 900.0
    assert saved.model.cost_ceiling_per_success_usd == saved.model.constraints.max_cost_per_success_usd == 0.05
    key = f"prof-{profile.id}-v{saved.version}"
    derived = {w.label: w for w in at.text_input if w.key and w.key.startswith(f"{key}-derived")}
    assert derived["Max p95 latency"].value == "900 ms — from requirement 8b · Total p95 SLA"
    assert derived["Max cost per success"].value.endswith("— from requirement 10 · Cost ceiling")
    assert "0.05" in derived["Max cost per success"].value
    assert all(w.disabled for w in derived.values())


# --------------------------------------------------------------------------- no raw "None"


def _no_none_cells(at) -> None:
    for frame in at.dataframe:
        df = frame.value
        assert not (df.astype(str) == "None").any().any(), df
        if df.isna().any().any():  # a missing value is drawn as the placeholder, never as "None"
            assert frame.proto.placeholder == "—", list(df.columns)


@pytest.mark.parametrize("url_path", ["overview", "profiles", "candidates", "audit", "decision"])
def test_tables_never_show_none(open_page, workspace_engine, profile, url_path):
    record = candidate_by_name(workspace_engine, "DeepSeek V4")
    save_candidate(workspace_engine, record.id, record.model.model_copy(update={"notes": "n"}), record.version, "Zoe")
    at = open_page(url_path, actor="Ada")
    if url_path == "decision":
        button(at, "dec_draft").click().run()
    if url_path == "candidates":
        at.selectbox(key="cand_selected").set_value(record.id).run()
    assert not at.exception, at.exception
    assert at.dataframe
    _no_none_cells(at)


# --------------------------------------------------------------------------- Audit


def test_audit_shows_field_level_changes(workspace_engine):
    before = {"name": "A", "weights": {"schema_adherence": 3, "cost": 1}, "pricing": {"input_per_mtok": 2.5}}
    after = {"name": "A", "weights": {"schema_adherence": 5, "cost": 1}, "pricing": {"input_per_mtok": 3}}
    assert change_summary(before, after) == "pricing.input_per_mtok 2.5 → 3; weights.schema_adherence 3 → 5"
    diff = field_diff(before, after)
    assert diff.to_dict("records") == [
        {"Field": "pricing.input_per_mtok", "Before": "2.5", "After": "3"},
        {"Field": "weights.schema_adherence", "Before": "3", "After": "5"}]
    assert field_diff(None, {"a": None}, every=True).to_dict("records") == [{"Field": "a", "Before": "—", "After": "—"}]


def test_audit_page_opens_an_event_with_its_before_and_after(open_page, workspace_engine):
    record = candidate_by_name(workspace_engine, "DeepSeek V4")
    pricing = record.model.pricing.model_copy(update={"input_per_mtok": 0.5})
    save_candidate(workspace_engine, record.id, record.model.model_copy(update={"pricing": pricing}), record.version,
                   "Zoe")
    at = open_page("audit")
    at.text_input(key="audit_actor").set_value("Zoe").run()
    grid = at.dataframe[0].value
    old = record.model.pricing.input_per_mtok
    assert f"pricing.input_per_mtok {old:g} → 0.5" in grid["Changes"].iloc[0]
    assert "{" not in grid["Changes"].iloc[0]  # no JSON blob
    event_id = next(iter(at.selectbox(key="audit_event").options), None)
    assert event_id is not None
    at.selectbox(key="audit_event").set_value(at.selectbox(key="audit_event").options[0]).run()
    assert not at.exception, at.exception
    diff = [d.value for d in at.dataframe if list(d.value.columns) == ["Field", "Before", "After"]][0]
    row = diff[diff["Field"] == "pricing.input_per_mtok"].iloc[0]
    assert (row["Before"], row["After"]) == (f"{old:g}", "0.5")


def test_audit_table_says_new_and_removed():
    class E:
        id, actor, action, entity_type, entity_name, summary, imported_from = 1, "a", "create", "x", "n", "s", None
        before, after = None, {"a": 1}
        from datetime import UTC, datetime
        at = datetime(2026, 1, 1, tzinfo=UTC)

    assert audit_table([E()])["Changes"].tolist() == ["new: every field set"]


# --------------------------------------------------------------------------- Decision


def test_signing_stays_on_the_sign_tab(open_page, workspace_engine, profile, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_KEY_DIR", str(tmp_path / "keys"))
    at = open_page("decision", actor="Ada")
    button(at, "dec_draft").click().run()
    at.session_state["dec_tab"] = "Sign & download"  # the person opened the signing tab
    at.text_input(key="dec_sign_email").set_value("ana@example.com").run()
    at.text_input(key="dec_key_name").set_value("Ana Lima").run()
    button(at, "dec_key_create").click().run()
    button(at, "dec_sign").click().run()
    assert not at.exception, at.exception
    assert store.get_decision(workspace_engine, 1).signature_count == 1
    assert at.session_state["dec_tab"] == "Sign & download"
    # the tabs are a keyed, stateful widget (an unkeyed st.tabs forgets the open tab on every rerun)
    assert any(c.proto.id.endswith("-dec_tab") for c in _tab_containers(at._tree)), "st.tabs has no state key"
    assert {"Record", "Markdown preview", "Sign & download", "History"} <= {t.label for t in at.tabs}


def _tab_containers(node):
    for child in getattr(node, "children", {}).values():
        if getattr(child, "type", "") == "tab_container":
            yield child
        yield from _tab_containers(child)


# --------------------------------------------------------------------------- identity survives a reload


def test_typed_name_survives_a_reload_through_the_link(open_page, workspace_engine, profile):
    at = open_page("overview")
    at.sidebar.text_input(key="actor_name").set_value("Ada Lovelace").run()
    assert "Ada Lovelace" in str(at.query_params["who"])
    # a reload is a new session with the same address: the next change is audited under the name, not "anonymous"
    again = open_page("profiles", query={"who": "Ada Lovelace"})
    assert again.session_state["actor_name"] == "Ada Lovelace"
    again.selectbox(key="prof_selected").set_value(profile.id).run()
    key = f"prof-{profile.id}-v{profile.version}"
    again.number_input(key=f"{key}-p95").set_value(1500.0)
    button(again, f"FormSubmitter:{key}-form-Save profile").click().run()
    assert not again.exception, again.exception
    assert get_profile(workspace_engine, profile.id).updated_by == "Ada Lovelace"


def test_with_login_configured_the_link_name_is_ignored(open_page):
    at = open_page("overview", query={"who": "Mallory"}, secrets={"auth": {"redirect_uri": "http://x",
                                                                           "cookie_secret": "s"}})
    assert not at.session_state["actor_name"]


# --------------------------------------------------------------------------- Overview dashboard


def test_overview_shows_each_profiles_winner_record_and_next_step(open_page, workspace_engine, profile):
    from workbench.services.decide import decide

    create_profile(workspace_engine, new_profile_model("Support bot", None), "ada")
    at = open_page("overview", actor="Ada")
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "Next step" in d.value.columns)
    assert list(table["Profile"]) == ["Contracts", "Support bot"]
    winner = decide(workspace_engine, "Contracts").ranking.rows[0].name
    row = table[table["Profile"] == "Contracts"].iloc[0]
    assert row["Winner"] == winner and row["Record"] == "no record yet"
    assert row["Triggers"] == "no accepted record"
    assert row["Next step"] == f"Review the trade-offs, then draft the decision record for {winner}"
    # one link per profile to the page that does its next step, carrying the profile
    links = [p for p in at.get("page_link") if "Contracts:" in p.proto.label]
    assert links and (links[0].proto.page, links[0].proto.query_string) == ("tradeoffs", "profile=Contracts")
    # the market scatter is on the page, for the chosen profile
    assert at.selectbox(key="overview_market_profile").value == "Contracts"
    assert at.get("plotly_chart")


def test_overview_next_step_follows_the_record(open_page, workspace_engine, profile):
    from workbench.services.records import draft_from_workspace

    rec = draft_from_workspace(workspace_engine, "Contracts", "ada", None)
    at = open_page("overview", actor="Ada")
    table = next(d.value for d in at.dataframe if "Next step" in d.value.columns)
    row = table.iloc[0]
    assert (row["Record"], row["Integrity"]) == (f"{rec.mdr_id} · draft", "ok")
    assert row["Next step"] == f"{rec.mdr_id} is draft: finish and propose it"
    _no_none_cells(at)


def test_dashboard_service_orders_next_steps():
    from workbench.services.dashboard import ProfileStatus, _next_step

    base = {"profile": "P", "winner": "A", "runner_up": "B", "margin": 0.1, "method": "WSM", "ranked": 2,
            "excluded": 0, "ranking_problem": None, "record": "MDR-0001", "record_status": "accepted",
            "record_model": "A", "integrity": "ok", "accepted": "MDR-0001", "checked": 3}
    assert _next_step(ProfileStatus(**base)).text == "MDR-0001 holds: nothing to do"
    assert _next_step(ProfileStatus(**{**base, "fired": ("price +40 %",)})).page == "decision"
    assert "integrity" in _next_step(ProfileStatus(**{**base, "integrity": "digest differs"})).text
    assert _next_step(ProfileStatus(**{**base, "winner": "B"})).text.startswith("The winner is now B, not A")
    assert _next_step(ProfileStatus(**{**base, "winner": None})).page == "profiles"


# --------------------------------------------------------------------------- Evidence linter default


def test_linter_default_skips_a_leader_the_profile_excludes(open_page, workspace_engine):
    from tests.store.golden_set import CANDIDATES, golden_set_csv
    from workbench.io.evidence import import_evidence
    from workbench.store import evidence as ev

    model = new_profile_model("Contracts", "high_precision_extraction")
    model = model.model_copy(update={"constraints": model.constraints.model_copy(
        update={"min_context_tokens": 500_000})})  # Qwen 3.5 72B (the evidence leader) states no context window
    pid = create_profile(workspace_engine, model, "ada").id
    ev.import_runs(workspace_engine, pid, import_evidence(golden_set_csv(), name="golden_set_200.csv"), CANDIDATES,
                   "ada")
    at = open_page("evidence")
    chosen = at.multiselect(key=f"ev_lint_{pid}_chosen").value
    assert chosen and "Qwen 3.5 72B" not in chosen  # was the excluded leader
