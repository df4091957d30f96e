"""AppTest of the Evidence page: loads, imports the promptfoo fixture through the uploader, compares."""

from __future__ import annotations

import json
from pathlib import Path

from tests.pages.helpers import button, texts
from tests.store.golden_set import CANDIDATES, golden_set_csv
from workbench.io.evidence import import_evidence
from workbench.store import evidence as ev
from workbench.store.workspace import create_profile, new_profile_model

PROMPTFOO = "promptfoo_results_v0.118.0_echo.json"




def _plain(text: str) -> str:
    """Message text without the Markdown escapes user values get (workbench.ui.text.md)."""
    return text.replace("\\", "")


def _profile(engine) -> int:
    return create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada").id


def test_page_without_profile_says_what_to_do(open_page):
    at = open_page("evidence")
    assert at.title[0].value == "Evidence"
    assert any("create one first" in i.value for i in at.info)


def test_page_loads_with_empty_profile(open_page, workspace_engine):
    _profile(workspace_engine)
    at = open_page("evidence")
    assert not at.exception
    assert any("No evidence for this profile yet" in i.value for i in at.info)


def test_import_promptfoo_through_the_uploader(open_page, workspace_engine, fixtures_dir: Path):
    pid = _profile(workspace_engine)
    at = open_page("evidence", actor="Ada")
    data = (fixtures_dir / "evidence" / PROMPTFOO).read_bytes()
    at.file_uploader(key="ev_upload_0").set_value((PROMPTFOO, data, "application/json")).run()
    assert not at.exception, at.exception
    text = _plain(texts(at))
    assert at.selectbox(key="ev_format").options[0].startswith("Auto-detect (promptfoo JSON")
    preview = at.dataframe[-1].value
    assert list(preview["Source model"]) == ["echo-a", "echo-b"] and list(preview["n (items)"]) == [3, 3]
    assert "Choose a candidate for echo-a, echo-b" in text
    sha = import_evidence(data, name=PROMPTFOO).sha256[:12]
    at.selectbox(key=f"ev_map_{sha}_0").set_value("DeepSeek V4").run()
    at.selectbox(key=f"ev_map_{sha}_1").set_value("Qwen 3.5 72B").run()
    assert ev.list_runs(workspace_engine, pid) == []  # nothing before the confirmation
    at.checkbox(key=f"ev_import_{sha}_confirm").check().run()
    button(at, f"ev_import_{sha}").click().run()
    assert not at.exception, at.exception
    stored = ev.list_runs(workspace_engine, pid)
    assert {s.candidate for s in stored} == {"DeepSeek V4", "Qwen 3.5 72B"}
    assert {s.imported_by for s in stored} == {"Ada"}
    assert any("Imported 2 run(s)" in _plain(s.value) for s in at.success)
    # the runs list shows them with file and short hash
    runs = next(d.value for d in at.dataframe if "SHA-256" in d.value.columns)
    assert set(runs["SHA-256"]) == {sha} and set(runs["Source file"]) == {PROMPTFOO}
    # results: pass rates with intervals, the paired comparison's verdict
    rates = next(d.value for d in at.dataframe if "Lower 95% (%)" in d.value.columns)
    assert list(rates["n (items)"]) == [3, 3] and all("small sample" in f for f in rates["Flags"])
    assert any("not distinguishable at n = 3" in _plain(s.value) for s in at.info)

    # the same file again: replace or skip (the mapping defaults to the earlier import's)
    at.file_uploader(key="ev_upload_1").set_value((PROMPTFOO, data, "application/json")).run()
    assert any("already imported into this profile by Ada" in _plain(w.value) for w in at.warning)
    assert at.selectbox(key=f"ev_map_{sha}_0").value == "DeepSeek V4"
    button(at, f"ev_import_{sha}_skip").click().run()
    assert len(ev.list_runs(workspace_engine, pid)) == 2
    assert any("Skipped" in _plain(i.value) for i in at.info)
    at.file_uploader(key="ev_upload_2").set_value((PROMPTFOO, data, "application/json")).run()
    at.session_state["actor_name"] = "Bob"
    button(at, f"ev_import_{sha}_replace").click().run()
    assert not at.exception, at.exception
    assert {s.imported_by for s in ev.list_runs(workspace_engine, pid)} == {"Bob"}


def test_bad_upload_shows_a_clear_error_and_imports_nothing(open_page, workspace_engine):
    pid = _profile(workspace_engine)
    at = open_page("evidence")
    at.file_uploader(key="ev_upload_0").set_value(("golden.csv", b"item_id,candidate\n1,GPT-5.4\n", "text/csv")).run()
    assert any("nothing was imported" in _plain(e.value) and "golden.csv" in _plain(e.value) for e in at.error)
    assert ev.list_runs(workspace_engine, pid) == []


def test_golden_set_compare_verdict_and_method_switch(open_page, workspace_engine):
    pid = _profile(workspace_engine)
    result = import_evidence(golden_set_csv(), name="golden_set_200.csv")
    ev.import_runs(workspace_engine, pid, result, CANDIDATES, "ada")
    at = open_page("evidence")
    assert not at.exception, at.exception
    # top two by default: not distinguishable at n = 200
    assert at.selectbox(key="ev_cmp_a").value == "Qwen 3.5 72B" and at.selectbox(key="ev_cmp_b").value == "DeepSeek V4"
    assert any("Verdict:** not distinguishable at n = 200" in _plain(i.value) for i in at.info)
    wilson = next(d.value for d in at.dataframe if "Lower 95% (%)" in d.value.columns)
    at.selectbox(key="ev_cmp_b").set_value("Llama 4 Scout").run()
    assert any("Qwen 3.5 72B is better than Llama 4 Scout" in _plain(s.value) for s in at.success)
    at.segmented_control(key="ev_method").set_value("clopper-pearson").run()
    exact = next(d.value for d in at.dataframe if "Lower 95% (%)" in d.value.columns)
    assert (exact["Lower 95% (%)"].to_numpy() < wilson["Lower 95% (%)"].to_numpy()).all()  # exact is wider
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "Clopper" in chart["layout"]["xaxis"]["title"]["text"]
    targets = next(d.value for d in at.dataframe if "Production target (seed 002)" in d.value.columns)
    golden = targets[targets["Component"].str.startswith("Golden set")]
    assert set(golden["Candidate"]) == {"Qwen 3.5 72B", "DeepSeek V4", "Llama 4 Scout"}
    assert set(golden["Meets target"]) == {"n/a"}  # needs a baseline
    assert "no evidence yet" in set(targets[targets["Component"].str.startswith("Schema test")]["Meets target"])
    # with DeepSeek V4 as the production baseline (88.5 %): Qwen meets it, Llama 4 Scout does not
    at.selectbox(key="ev_baseline").set_value("DeepSeek V4").run()
    targets = next(d.value for d in at.dataframe if "Production target (seed 002)" in d.value.columns)
    meets = dict(zip(targets["Candidate"], targets["Meets target"], strict=False))
    assert meets["Qwen 3.5 72B"] == "yes" and meets["Llama 4 Scout"] == "no"


def test_linter_flags_long_context_without_needle_evidence(open_page, workspace_engine):
    model = new_profile_model("Contracts", "high_precision_extraction").model_copy(
        update={"context_length_tokens": 200_000})
    pid = create_profile(workspace_engine, model, "ada").id
    result = import_evidence(golden_set_csv(), name="golden_set_200.csv")
    ev.import_runs(workspace_engine, pid, result, CANDIDATES, "ada")
    at = open_page("evidence")
    key = f"ev_lint_{pid}"
    assert at.multiselect(key=f"{key}_chosen").value == ["Qwen 3.5 72B"]  # the leader by default
    errors = [e.value for e in at.error]
    assert any("Unverified long-context stuffing" in e and "needle-in-a-haystack" in e and "**Fix:**" in e
               for e in errors)
    at.text_input(key=f"{key}_nodes").set_value("extract, classify").run()
    assert any("Single-model monolith" in w.value for w in at.warning)
    at.text_input(key=f"{key}_nodes").set_value("extract").run()
    assert not any("Single-model monolith" in w.value for w in at.warning)


def test_upload_over_the_size_limit_is_refused(open_page, workspace_engine, fixtures_dir: Path, monkeypatch):
    import workbench.ui.evidence as ui

    pid = _profile(workspace_engine)
    monkeypatch.setattr(ui, "MAX_UPLOAD_MB", 0.01)  # 10 kB: the 17.8 kB fixture is over it
    at = open_page("evidence")
    data = (fixtures_dir / "evidence" / PROMPTFOO).read_bytes()
    at.file_uploader(key="ev_upload_0").set_value((PROMPTFOO, data, "application/json")).run()
    assert any("above the 0.01 MB limit" in _plain(e.value) and "Nothing was imported" in _plain(e.value) for e in at.error)
    assert ev.list_runs(workspace_engine, pid) == []


def _paired_csv(both: int, a_only: int, b_only: int, neither: int) -> bytes:
    rows = ["item_id,candidate,passed,metric_kind"]
    outcomes = [(1, 1)] * both + [(1, 0)] * a_only + [(0, 1)] * b_only + [(0, 0)] * neither
    for i, (pa, pb) in enumerate(outcomes):
        rows.append(f"q{i},DeepSeek V4,{pa},golden_set_accuracy")
        rows.append(f"q{i},Qwen 3.5 72B,{pb},golden_set_accuracy")
    return ("\n".join(rows) + "\n").encode()


def test_tied_with_leader_follows_the_paired_test_and_explains_overlap(open_page, workspace_engine):
    # DeepSeek 80/100, Qwen 68/100 on the same items, 12 discordant pairs all one way: the 95 % Wilson
    # intervals overlap ([71.1, 86.7] vs [58.3, 76.2]) but exact McNemar gives p = 2 * 0.5**12 = 0.00049
    pid = _profile(workspace_engine)
    result = import_evidence(_paired_csv(68, 12, 0, 20), name="paired.csv")
    ev.import_runs(workspace_engine, pid, result, {"DeepSeek V4": "DeepSeek V4", "Qwen 3.5 72B": "Qwen 3.5 72B"},
                   "ada")
    at = open_page("evidence")
    assert not at.exception, at.exception
    rates = next(d.value for d in at.dataframe if "Lower 95% (%)" in d.value.columns)
    tied = dict(zip(rates["Candidate"], rates["Tied with leader"], strict=True))
    assert tied["DeepSeek V4"] == "leader"
    assert tied["Qwen 3.5 72B"] == "no (paired, Holm p = 0.00049)"  # not "yes" from the overlapping intervals
    assert rates[rates["Candidate"] == "Qwen 3.5 72B"]["Upper 95% (%)"].iloc[0] > \
        rates[rates["Candidate"] == "DeepSeek V4"]["Lower 95% (%)"].iloc[0]
    assert any("Intervals overlap, but the paired test separates" in i.value for i in at.info)
    assert "item difficulty cancels out" in _plain(texts(at))
    # the planner: 16 % more passes already detected; the detectable difference at n = 100 is shown
    assert any(s.value == "How many items would settle it?" for s in at.subheader)
    detectable = next(m.value for m in at.metric if m.label.startswith("Detectable now"))
    assert 0 < float(detectable) < 100
    at.number_input(key="ev_plan_target").set_value(5.0).run()
    needed = next(m.value for m in at.metric if m.label == "Items needed")
    assert int(needed.replace(",", "")) > 100


def test_alpha_changes_every_interval(open_page, workspace_engine):
    pid = _profile(workspace_engine)
    ev.import_runs(workspace_engine, pid, import_evidence(golden_set_csv(), name="golden_set_200.csv"), CANDIDATES,
                   "ada")
    at = open_page("evidence")
    at95 = next(d.value for d in at.dataframe if "Lower 95% (%)" in d.value.columns)
    at.segmented_control(key="ev_level").set_value(0.9).run()
    assert not at.exception, at.exception
    at90 = next(d.value for d in at.dataframe if "Lower 90% (%)" in d.value.columns)
    assert (at90["Lower 90% (%)"].to_numpy() > at95["Lower 95% (%)"].to_numpy()).all()  # narrower
    assert "whole 90%" in texts(at)


def test_two_aggregate_runs_ask_for_per_item_results(open_page, workspace_engine, fixtures_dir: Path):
    # the page asked to "import a second candidate's run" although two runs were there
    pid = _profile(workspace_engine)
    data = (fixtures_dir / "evidence" / "lm_eval_results_gsm8k.json").read_bytes()
    source = "meta-llama/Meta-Llama-3-8B-Instruct"
    ev.import_runs(workspace_engine, pid, import_evidence(data, name="a.json"), {source: "Llama 3.1 8B Instruct"},
                   "ada")
    ev.import_runs(workspace_engine, pid, import_evidence(data + b"\n", name="b.json"), {source: "Gemma 2 9B IT"},
                   "ada")
    at = open_page("evidence")
    assert not at.exception, at.exception
    text = _plain(texts(at))
    assert "import a second candidate" not in text.lower()
    assert "needs per-item results" in text and "only aggregate results" in text
    assert "Gemma 2 9B IT" in text and "Llama 3.1 8B Instruct" in text


def test_inspect_log_with_two_scorers_offers_a_scorer_box(open_page, workspace_engine, fixtures_dir: Path):
    _profile(workspace_engine)
    at = open_page("evidence", actor="Ada")
    data = (fixtures_dir / "evidence" / "inspect_ai-0.3.285" / "two-scorers.eval").read_bytes()
    at.file_uploader(key="ev_upload_0").set_value(("two-scorers.eval", data, "application/zip")).run()
    assert not at.exception, at.exception
    box = at.selectbox(key="ev_scorer")
    assert box.options == ["includes", "match"] and box.value == "includes"
    box.set_value("match").run()
    assert not at.exception, at.exception
    assert list(at.dataframe[-1].value["n (items)"]) == [12]
