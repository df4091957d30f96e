"""AppTest of the Economics page: sections render, sliders move the numbers, the workload saves with an
audit event, and bad input (zero success rate, a calibration CSV with wrong columns) is refused clearly."""

from __future__ import annotations

import json
import re

import pytest

from workbench.domain.money import usd_per_mtok
from workbench.store import read_session
from workbench.store.repository import list_audit, profiles
from workbench.store.workspace import create_profile, new_profile_model, profile_by_name


def _metric(at, label_start: str) -> str:
    found = [m.value for m in at.metric if m.label.startswith(label_start)]
    assert found, f"no metric {label_start!r}; have {[m.label for m in at.metric]}"
    return found[0]


def _section(at, name: str):
    at.segmented_control(key="econ_section").set_value(name).run()
    assert not at.exception, at.exception
    return at


def _text(at) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


@pytest.fixture
def with_profile(workspace_engine):
    create_profile(workspace_engine, new_profile_model("Invoice extraction", None), "setup")
    return profile_by_name(workspace_engine, "Invoice extraction")


def test_page_loads_with_cost_per_success_and_unknown_prices_listed(open_page):
    at = open_page("economics")
    assert at.title[0].value == "Economics"
    assert any("No profiles yet" in i.value for i in at.info)
    # Qwen 3.5 72B has no pricing in the catalog: listed as unknown, never as $0
    assert any("Pricing unknown" in w.value and "Qwen 3.5 72B" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert "Qwen 3.5 72B" not in set(table["Candidate"])
    assert (table["Cost per success"] > 0).all()
    assert list(table["Cost per success"]) == sorted(table["Cost per success"])
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["yaxis"]["title"]["text"] == "USD per successful outcome (log scale)"
    assert chart["layout"]["yaxis"]["type"] == "log"


@pytest.mark.parametrize("section", ["cost", "crossover", "cascade", "routing", "rag", "speculative", "tokenizer"])
def test_every_section_renders(open_page, section):
    at = _section(open_page("economics"), section)
    assert at.subheader, section
    assert not at.error, [e.value for e in at.error]


def test_changing_the_escalation_rate_moves_expected_cost(open_page):
    at = _section(open_page("economics"), "cascade")
    at.segmented_control(key="econ_casc_basis").set_value("prices").run()
    # RouteLLM's prices, 26.6 % strong calls: router saves 3.66x (the paper), a cascade 3.63x
    at.slider(key="econ_esc").set_value(26.6).run()
    assert not at.exception, at.exception
    assert _metric(at, "Cascade saving") == "3.63×"
    assert _metric(at, "Router saving") == "3.66×"
    first = _metric(at, "Cascade E[C]")
    assert first == usd_per_mtok(0.24 + 0.266 * 24.7)
    at.slider(key="econ_esc").set_value(50.0).run()
    second = _metric(at, "Cascade E[C]")
    assert second == usd_per_mtok(0.24 + 0.5 * 24.7) and second != first
    assert _metric(at, "Cascade E[Q]") == "90.0%"  # (0.85 + 0.95) / 2
    assert _metric(at, "Break-even escalation rate") == "99.0%"  # 1 - 0.24/24.7


def test_cascade_that_never_pays_says_so_instead_of_a_negative_rate(open_page):
    at = _section(open_page("economics"), "cascade")
    at.segmented_control(key="econ_casc_basis").set_value("prices").run()
    at.number_input(key="econ_casc_cl").set_value(9.0)
    at.number_input(key="econ_casc_ch").set_value(10.0)
    at.number_input(key="econ_casc_cj").set_value(13.1).run()
    assert not at.exception, at.exception
    # 1 - (9 + 13.1) / 10 = -1.21 before clipping
    assert _metric(at, "Break-even escalation rate") == "never pays"
    assert "The cascade never pays" in _text(at)
    assert "-1.21" not in _text(at) and "-121" not in _text(at)


def test_rag_break_even_below_one_query_per_month(open_page):
    at = _section(open_page("economics"), "rag")
    # seed example: 400,000 tokens at $5 per 1M, 5 x 512 retrieved, $0.02 per 1M embedding, no fixed cost:
    # break-even 0.0003 queries per month (was "RAG is cheaper above 1 queries per month")
    assert _metric(at, "Break-even (queries per month)") == "< 1"
    text = _text(at)
    assert "1 queries" not in text and "cheaper at any volume" in text


def test_crossover_point_appears_where_expected(open_page):
    at = _section(open_page("economics"), "crossover")
    at.selectbox(key="econ_domain").set_value("math_aime").run()
    # catalog multipliers are 1.0 (unpublished): the high tier is cheapest at every quality
    assert "No crossover" in _text(at) and "GPT-5.5 Pro · high" in _text(at)
    # with more tokens at higher effort, low -> medium -> high cross at 69.3 % and 79.3 %
    at.number_input(key="econ_mult_GPT_5_5_Pro_medium").set_value(2.0)
    at.number_input(key="econ_mult_GPT_5_5_Pro_high").set_value(4.0).run()
    assert not at.exception, at.exception
    text = _text(at)
    assert "Above 69.3% required quality, GPT-5.5 Pro · medium is the cheapest per success" in text
    assert "Above 79.3% required quality, GPT-5.5 Pro · high is the cheapest per success" in text
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    marks = next(t for t in chart["data"] if t["name"] == "Crossover points")
    assert [round(y, 1) for y in marks["y"]] == [69.3, 79.3]


def test_saving_the_workload_persists_with_an_audit_event(open_page, workspace_engine, with_profile):
    at = open_page("economics", actor="Ada")
    key = f"econ_wl_{with_profile.id}_v{with_profile.version}"
    at.number_input(key=f"{key}-in").set_value(3000).run()
    at.number_input(key=f"{key}-rpm").set_value(250_000).run()
    assert any("Unsaved changes" in c.value for c in at.caption)
    at.button(key="econ_save").click().run()
    assert not at.exception, at.exception
    assert any("Saved the workload" in s.value for s in at.success)
    with read_session(workspace_engine) as session:
        record = profiles.require(session, "Invoice extraction")
        event = list_audit(session, entity_type="profile")[0]
    assert record.model.workload.input_tokens == 3000
    assert record.model.workload.requests_per_month == 250_000
    assert record.version == with_profile.version + 1
    assert (event.actor, event.action, event.entity_name) == ("Ada", "update", "Invoice extraction")


@pytest.mark.parametrize(("field", "value", "label"), [
    ("valid", 0.0, "Valid-output rate per attempt"),  # zero success rate
    ("rrate", 1.5, "Human review rate"),  # probability outside [0, 1]
    ("review", -2.0, "Human review cost (USD per case)"),  # negative money
    ("in", -100, "Input tokens per request"),
])
def test_bad_workload_is_refused_and_nothing_saved(open_page, workspace_engine, with_profile, field, value, label):
    at = open_page("economics", actor="Ada")
    key = f"econ_wl_{with_profile.id}_v{with_profile.version}"
    at.number_input(key=f"{key}-{field}").set_value(value).run()
    assert not at.exception, at.exception
    # labels are Markdown-escaped in the message ("Valid\\-output"): compare without the escapes
    assert any(label in e.value.replace("\\", "") and "Nothing was saved" in e.value for e in at.error), \
        [e.value for e in at.error]
    assert not [b for b in at.button if b.key == "econ_save"]  # the page stops before the save button
    with read_session(workspace_engine) as session:
        assert profiles.require(session, "Invoice extraction").version == with_profile.version


def test_bad_calibration_csv_names_the_expected_columns(open_page):
    at = _section(open_page("economics"), "cascade")
    at.segmented_control(key="econ_casc_mode").set_value("calibration").run()
    at.file_uploader(key="econ_calib_file").upload("scores.csv", b"score,label\n0.9,1\n0.2,0\n", "text/csv").run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("missing column(s) confidence, correct" in e and "expected columns confidence, correct" in e
               for e in errors), errors


def test_calibration_csv_gives_the_best_threshold(open_page):
    at = _section(open_page("economics"), "cascade")
    at.segmented_control(key="econ_casc_basis").set_value("prices").run()
    at.segmented_control(key="econ_casc_mode").set_value("calibration").run()
    rows = "\n".join(f"q{i},{c},{ok}" for i, (c, ok) in enumerate(
        [(0.95, 1), (0.9, 1), (0.85, 1), (0.8, 1), (0.7, 0), (0.6, 1), (0.4, 0), (0.3, 0)]))
    at.text_area(key="econ_calib_text").set_value("item_id,confidence,correct\n" + rows).run()
    at.slider(key="econ_target").set_value(90.0).run()
    assert not at.exception, at.exception
    # tau 0.7 escalates 0.3, 0.4, 0.6: (4 + 3 x 0.95) / 8 = 85.6 % < 90 %; tau 0.8 also escalates the
    # wrong 0.7 item: (4 + 4 x 0.95) / 8 = 97.5 % -> the cheapest tau reaching 90 % is 0.8, 50 % escalated
    assert _metric(at, "Best τ") == "0.8"
    assert _metric(at, "Escalation rate") == "50.0%"
    assert _metric(at, "E[C]") == usd_per_mtok(0.24 + 0.5 * 24.7)
    assert _metric(at, "E[Q]") == "97.5%"


def test_speculative_concurrency_trap_is_flagged_above_batch_16(open_page):
    at = _section(open_page("economics"), "speculative")
    assert not at.warning or not any("Concurrency trap" in w.value for w in at.warning)
    at.slider(key="econ_spec_batch").set_value(24).run()
    assert any("Concurrency trap: batch 24 > 16" in w.value for w in at.warning)
    assert _metric(at, "Speed-up at batch 24").endswith("×")
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["xaxis"]["title"]["text"] == "Concurrent batch size (sequences)"


def test_tokenizer_drift_says_unknown_then_computes(open_page):
    at = _section(open_page("economics"), "tokenizer")
    at.selectbox(key="econ_tok_from").set_value("GPT-5.4").run()
    at.selectbox(key="econ_tok_to").set_value("Claude Opus 4.7").run()
    assert any("Characters per token unknown for GPT-5.4 and Claude Opus 4.7" in i.value for i in at.info)
    at.number_input(key="econ_tok_cpt_GPT_5_4").set_value(4.33)
    at.number_input(key="econ_tok_cpt_Claude_Opus_4_7_to").set_value(3.60).run()
    assert not at.exception, at.exception
    assert _metric(at, "Token count change") == "+20.3%"  # 4.33 / 3.60 (reference section 4)
    assert _metric(at, "Within the seed") == "yes"
    assert _metric(at, "Token cost").startswith("$")


def test_rag_section_computes_the_seed_figures_and_flags_its_rag_number(open_page):
    at = _section(open_page("economics"), "rag")
    assert _metric(at, "Stuffing") == "$2.00"  # 400K tokens at $0.005/1K
    assert _metric(at, "RAG") == "$0.0128"  # 5 x 512 tokens at $0.005/1K, not the seed's $0.000413
    assert any("$0.000413" in i.value and "$0.0128" in i.value for i in at.info)


# --------------------------------------------------------------------------- answer first, one state


@pytest.fixture
def with_evidence(workspace_engine):
    """A profile with the 200-item golden set imported for three candidates."""
    from tests.store.golden_set import CANDIDATES, golden_set_csv
    from workbench.io.evidence import import_evidence
    from workbench.store import evidence as ev

    create_profile(workspace_engine, new_profile_model("Contracts", "high_precision_extraction"), "setup")
    profile = profile_by_name(workspace_engine, "Contracts")
    ev.import_runs(workspace_engine, profile.id, import_evidence(golden_set_csv(), "csv", name="golden.csv"),
                   CANDIDATES, "setup")
    return profile


def test_answer_strip_comes_before_the_inputs(open_page, with_profile):
    at = open_page("economics")
    labels = [m.label for m in at.metric]
    assert labels[0].startswith("Cheapest eligible")
    assert any(label.startswith("Leader, per success") for label in labels)
    # the answer is rendered before the first workload input and before the section's chart
    order = [type(e).__name__ for e in _walk(at.main)]
    assert "Metric" in order and "NumberInput" in order
    assert order.index("Metric") < order.index("NumberInput") < order.index("UnknownElement")  # chart last


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def test_cheap_and_premium_default_to_runner_up_and_leader_with_imported_qualities(
        open_page, workspace_engine, with_evidence):
    from workbench.services.decide import decide
    from workbench.services.economics_defaults import economics_defaults

    ranking = decide(workspace_engine, "Contracts").ranking
    rates = economics_defaults(workspace_engine, "Contracts").pass_rates
    at = _section(open_page("economics"), "cascade")
    cheap, premium = at.selectbox(key="econ_cheap").value, at.selectbox(key="econ_premium").value
    assert (cheap, premium) == (ranking.rows[1].name, ranking.rows[0].name)
    q = {n.key: n.value for n in at.number_input if n.key and n.key.startswith("econ_q_")}
    for name, key in ((cheap, "econ_q_cheap"), (premium, "econ_q_premium")):
        value = q[key + "_" + re.sub(r"\W+", "_", name).strip("_")]
        expected = round(rates[name].rate, 4) if name in rates else (0.85 if key == "econ_q_cheap" else 0.95)
        assert value == pytest.approx(expected)
    # choosing an evidenced candidate as L brings its pass rate
    evidenced = next(n for n in rates if n not in (premium, cheap) and n in at.selectbox(key="econ_cheap").options)
    at.selectbox(key="econ_cheap").set_value(evidenced).run()
    q = {n.key: n.value for n in at.number_input if n.key and n.key.startswith("econ_q_cheap_")}
    assert list(q.values()) == [pytest.approx(round(rates[evidenced].rate, 4))]


def test_cascade_and_routing_share_one_state_across_sections_and_pages(open_page, with_profile):
    at = _section(open_page("economics"), "cascade")
    names = at.selectbox(key="econ_cheap").options
    at.selectbox(key="econ_cheap").set_value(names[2]).run()
    at.slider(key="econ_esc").set_value(40.0).run()
    _section(at, "routing")
    assert at.slider(key="econ_esc").value == 40.0
    assert at.selectbox(key="econ_cheap").value == names[2]
    assert not [n for n in at.number_input if n.key in {"econ_route_esc", "econ_route_f"}]  # no second rate
    at.slider(key="econ_esc").set_value(10.0).run()
    _section(at, "cost")
    _section(at, "cascade")  # was reset to 26.6 % before
    assert at.slider(key="econ_esc").value == 10.0 and at.selectbox(key="econ_cheap").value == names[2]
    from workbench.ui.registry import PAGES
    at.switch_page(str(next(p for p in PAGES if p.url_path == "candidates").path)).run()
    at.switch_page(str(next(p for p in PAGES if p.url_path == "economics").path)).run()
    assert not at.exception, at.exception
    assert at.slider(key="econ_esc").value == 10.0 and at.selectbox(key="econ_cheap").value == names[2]


def test_crossover_can_use_imported_pass_rates_as_quality(open_page, workspace_engine, with_evidence):
    from workbench.services.economics_defaults import economics_defaults

    rates = economics_defaults(workspace_engine, "Contracts").pass_rates
    at = _section(open_page("economics"), "crossover")
    assert at.selectbox(key="econ_domain").options[0] == "imported pass rate"
    at.selectbox(key="econ_domain").set_value("imported pass rate").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    priced = set(table["Option"].str.split(" · ").str[0])
    assert priced and priced <= set(rates)
    for _, row in table.iterrows():
        assert row["Quality"] == pytest.approx(100 * rates[row["Option"].split(" · ")[0]].rate)


def test_cost_chart_is_log_scale_with_excluded_candidates_grey(open_page, workspace_engine, with_profile):
    from workbench.charts import theme
    from workbench.services.economics_defaults import economics_defaults

    d = economics_defaults(workspace_engine, "Invoice extraction")
    at = open_page("economics")
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    bar = chart["data"][0]
    colours = dict(zip(bar["x"], bar["marker"]["color"], strict=True))
    for name in d.excluded:
        if name in colours:
            assert colours[name] == theme.EXCLUDED
    assert chart["layout"]["meta"]["takeaway"].startswith("Cheapest eligible per success")
    assert any(c.value.startswith("Cheapest eligible per success") for c in at.caption)


def test_cost_ceiling_is_drawn_and_judged_in_the_answer(open_page, workspace_engine):
    from workbench.charts import theme

    model = new_profile_model("Capped", "high_precision_extraction")
    model = model.model_copy(update={"constraints": model.constraints.model_copy(
        update={"max_cost_per_success_usd": 0.01})})
    create_profile(workspace_engine, model, "setup")
    at = open_page("economics")
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    lines = [s for s in chart["layout"].get("shapes", []) if s.get("line", {}).get("color") == theme.CEILING]
    assert [(s["y0"], s["y1"]) for s in lines] == [(0.01, 0.01)]
    assert any(a["text"] == "cost ceiling $0.01" for a in chart["layout"]["annotations"])
    leader = next(m for m in at.metric if m.label.startswith("Leader, per success"))
    cost = float(leader.value.lstrip("$").replace(",", ""))
    assert ("within the ceiling" in leader.proto.delta) == (cost <= 0.01)
