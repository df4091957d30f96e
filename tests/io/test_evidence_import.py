"""Evaluation-result importers on the real fixtures, and on corrupted copies of each."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from workbench.domain.evidence import EvidenceFormat, MetricKind, compare_runs, summarize_rates
from workbench.io.evidence import EvidenceImportError, detect_format, import_evidence

FIXTURES = {
    "promptfoo": "promptfoo_results_v0.118.0_echo.json",
    "lm-eval": "lm_eval_results_gsm8k.json",
    "inspect": "inspect_ai_log_v2_mockllm.json",
    "openai-evals": "openai_evals_record.jsonl",
    "helm": "helm_stats_simple1_model1.json",
}


def fx(fixtures_dir: Path, fmt: str) -> Path:
    return fixtures_dir / "evidence" / FIXTURES[fmt]


@pytest.mark.parametrize("fmt", list(FIXTURES))
def test_detect_format(fixtures_dir: Path, fmt: str) -> None:
    path = fx(fixtures_dir, fmt)
    assert detect_format(path) == EvidenceFormat(fmt)
    assert detect_format(path.read_bytes()) == EvidenceFormat(fmt)


@pytest.mark.parametrize("fmt", list(FIXTURES))
def test_hash_and_provenance(fixtures_dir: Path, fmt: str) -> None:
    path = fx(fixtures_dir, fmt)
    res = import_evidence(path, fmt)
    assert res.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert res.file == path.name and res.format == EvidenceFormat(fmt)
    assert res.runs and all(r.source_sha256 == res.sha256 and r.source_file == path.name for r in res.runs)
    assert all(r.imported_at.tzinfo is not None for r in res.runs)


def test_promptfoo(fixtures_dir: Path) -> None:
    res = import_evidence(fx(fixtures_dir, "promptfoo"), "promptfoo")
    assert res.source_models == ["echo-a", "echo-b"]
    a, b = res.runs
    assert [it.item_id for it in a.items] == ["0", "1", "2"]
    assert [it.passed for it in a.items] == [True, False, True]
    assert [it.latency_ms for it in a.items] == [2, 3, 0]
    assert [it.latency_ms for it in b.items] == [3, 4, 1]
    assert a.binary_counts() == (2, 3) and b.binary_counts() == (2, 3)
    assert a.metric_kind is MetricKind.golden_set_accuracy
    assert any("cost 0" in w for w in res.warnings)
    cmp = compare_runs(a, b)  # paired on testIdx
    assert cmp.n_paired == 3 and cmp.a_only == 0 and cmp.b_only == 0
    assert "not distinguishable at n = 3" in cmp.verdict


def test_lm_eval_results_only(fixtures_dir: Path) -> None:
    res = import_evidence(fx(fixtures_dir, "lm-eval"), "lm-eval")
    [run] = res.runs
    assert run.source_model == "meta-llama/Meta-Llama-3-8B-Instruct"
    assert run.task == "gsm8k" and run.benchmark == "gsm8k"
    assert run.metric_kind is MetricKind.public_benchmark
    assert run.metric_name == "exact_match,strict-match"
    assert run.aggregate_pass_rate == pytest.approx(0.7558756633813495)
    assert run.reported_stderr == pytest.approx(0.011832404674077592)
    # GSM8K test has 1,319 items; the file has no n-samples, so n comes from se^2 = p(1-p)/(n-1)
    assert run.n == 1319 and run.n_source == "inferred_from_stderr"
    assert run.items == []
    assert run.extra_metrics["exact_match,flexible-extract"] == pytest.approx(0.7528430629264594)


def test_lm_eval_with_log_samples(fixtures_dir: Path, tmp_path: Path) -> None:
    lines = []
    for doc_id, (strict, flex) in enumerate([(1.0, 1.0), (0.0, 1.0), (1.0, 0.0), (0.0, 0.0)]):
        for filt, val in (("strict-match", strict), ("flexible-extract", flex)):
            lines.append({"doc_id": doc_id, "filter": filt, "metrics": ["exact_match"], "exact_match": val,
                          "doc_hash": "x", "target": "4"})
    samples = tmp_path / "samples_gsm8k_2024-04-19T11-16-59.jsonl"
    samples.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    res = import_evidence(fx(fixtures_dir, "lm-eval"), "lm-eval", samples=[samples])
    [run] = res.runs
    assert [it.passed for it in run.items] == [True, False, True, False]  # strict-match filter only
    assert run.n == 4 and run.n_source == "items"
    assert res.companion_files == {samples.name: hashlib.sha256(samples.read_bytes()).hexdigest()}
    # duplicate doc_id within a filter
    samples.write_text("\n".join(json.dumps(x) for x in lines + [lines[0]]) + "\n")
    with pytest.raises(EvidenceImportError, match=r"samples_gsm8k.*line 9.*doc_id.*duplicate item id '0'"):
        import_evidence(fx(fixtures_dir, "lm-eval"), "lm-eval", samples=[samples])
    # samples file for a task the results file does not hold
    other = tmp_path / "samples_arc_easy_2024.jsonl"
    other.write_text(json.dumps(lines[0]) + "\n")
    with pytest.raises(EvidenceImportError, match="cannot tell the task"):
        import_evidence(fx(fixtures_dir, "lm-eval"), "lm-eval", samples=[other])


def test_inspect(fixtures_dir: Path) -> None:
    res = import_evidence(fx(fixtures_dir, "inspect"), "inspect")
    [run] = res.runs
    assert run.source_model == "mockllm/model" and run.task == "probe" and run.metric_name == "includes"
    assert [(it.item_id, it.epoch, it.passed) for it in run.items] == [("q1", 1, False), ("q2", 1, False),
                                                                       ("q3", 1, True)]
    assert run.items[0].latency_ms == pytest.approx(514.0)
    assert run.items[0].input_tokens == 13 and run.items[0].output_tokens == 33
    assert run.aggregate_score == pytest.approx(1 / 3) and run.reported_stderr == pytest.approx(1 / 3)


def test_inspect_eval_zip(fixtures_dir: Path, tmp_path: Path) -> None:
    log = json.loads(fx(fixtures_dir, "inspect").read_text())
    samples = log.pop("samples")
    path = tmp_path / "run.eval"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("header.json", json.dumps(log))
        for s in samples:
            zf.writestr(f"samples/{s['id']}_epoch_{s['epoch']}.json", json.dumps(s))
    assert detect_format(path) == EvidenceFormat.inspect
    [run] = import_evidence(path).runs
    assert run.binary_counts() == (1, 3)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(EvidenceImportError, match="run.eval: corrupt or truncated .eval archive"):
        import_evidence(path, "inspect")


def test_openai_evals(fixtures_dir: Path) -> None:
    res = import_evidence(fx(fixtures_dir, "openai-evals"), "openai-evals")
    [run] = res.runs
    assert run.source_model == "auto_gpt_completion_fn" and run.task == "test-match.s1.simple-v0"
    assert {it.item_id: it.passed for it in run.items} == {"test-match.s1.2": False, "test-match.s1.1": True,
                                                           "test-match.s1.0": False}
    assert run.aggregate_pass_rate == pytest.approx(1 / 3)  # final_report found on line 2
    assert res.warnings == []


def test_helm_stats(fixtures_dir: Path) -> None:
    res = import_evidence(fx(fixtures_dir, "helm"), "helm")
    [run] = res.runs
    assert run.source_model == "unknown"
    assert any("no model name" in w for w in res.warnings)
    assert any("no accuracy-type stat" in w for w in res.warnings)
    assert run.pass_rate is None and run.metric_kind is MetricKind.public_benchmark
    assert run.extra_metrics["num_prompt_tokens"] == pytest.approx(216.9666666666667)
    assert run.extra_metrics["num_instances"] == pytest.approx(10.0)
    named = import_evidence(fx(fixtures_dir, "helm"), "helm", model="simple/model1")
    assert named.runs[0].source_model == "simple/model1" and not any("no model name" in w for w in named.warnings)


def test_helm_run_dir_with_accuracy_and_per_instance(fixtures_dir: Path, tmp_path: Path) -> None:
    stats = json.loads(fx(fixtures_dir, "helm").read_text())
    stats.append({"name": {"name": "exact_match", "split": "test"}, "count": 3, "sum": 2.0, "sum_squared": 2.0,
                  "min": 0.0, "max": 1.0, "mean": 2 / 3, "variance": 2 / 9, "stddev": 0.4714})
    run_dir = tmp_path / "simple1:model=simple_model1"
    run_dir.mkdir()
    (run_dir / "stats.json").write_text(json.dumps(stats))
    (run_dir / "run_spec.json").write_text(json.dumps({"adapter_spec": {"model": "simple/model1"}}))
    per = [{"instance_id": f"id{i}", "train_trial_index": 0,
            "stats": [{"name": {"name": "exact_match", "split": "test"}, "count": 1, "sum": v, "sum_squared": v,
                       "min": v, "max": v, "mean": v, "variance": 0.0, "stddev": 0.0}]}
           for i, v in enumerate([1.0, 0.0, 1.0])]
    (run_dir / "per_instance_stats.json").write_text(json.dumps(per))
    assert detect_format(run_dir) == EvidenceFormat.helm
    res = import_evidence(run_dir)
    [run] = res.runs
    assert run.source_model == "simple/model1" and run.metric_name == "exact_match"
    assert run.binary_counts() == (2, 3) and run.aggregate_pass_rate == pytest.approx(2 / 3)
    assert list(res.companion_files) == ["per_instance_stats.json"]
    per.append(per[0])
    (run_dir / "per_instance_stats.json").write_text(json.dumps(per))
    with pytest.raises(EvidenceImportError, match=r"per_instance_stats.json: \[3\].*instance_id.*duplicate"):
        import_evidence(run_dir)


# --------------------------------------------------------------------------- CSV


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "runs.csv", "item_id,candidate,passed,latency_ms,cost_usd,metric_kind\n"
                 "q1,A,true,120,0.001,\nq2,A,false,140,0.001,\nq1,B,1,90,,\nq2,B,0,95,,\n"
                 "n1,A,yes,,,needle_recall\n")
    assert detect_format(path) == EvidenceFormat.csv
    res = import_evidence(path, "csv")
    by = {(r.source_model, r.metric_kind): r for r in res.runs}
    assert set(by) == {("A", MetricKind.golden_set_accuracy), ("B", MetricKind.golden_set_accuracy),
                       ("A", MetricKind.needle_recall)}
    a = by[("A", MetricKind.golden_set_accuracy)]
    assert [it.passed for it in a.items] == [True, False] and a.items[0].cost_usd == 0.001
    assert [s.name for s in summarize_rates(res.runs)] == ["A", "B", "A"]


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("item_id,passed\nq1,true\n", r"bad.csv: row 1: field 'candidate': missing column 'candidate'"),
        ("item_id,candidate,latency_ms\nq1,A,3\n", r"row 1: field 'passed': missing column: needs 'passed' or 'score'"),
        ("item_id,candidate,passed\nq1,A,maybe\n", r"row 2: field 'passed': expected true/false"),
        ("item_id,candidate,score\nq1,A,abc\n", r"row 2: field 'score': expected a number"),
        ("item_id,candidate,passed,latency_ms\nq1,A,1,-5\n", r"row 2: field 'latency_ms': must be >= 0"),
        ("item_id,candidate,passed\nq1,A,1\nq1,A,0\n", r"row 3: field 'item_id': duplicate item id 'q1'.*row 2"),
        ("item_id,candidate,passed\nq1,A,1\nq2,A\n", r"row 3: expected 3 columns, got 2"),
        ("item_id,candidate,passed,metric_kind\nq1,A,1,vibes\n", r"row 2: field 'metric_kind': unknown metric kind"),
        ("item_id,candidate,passed\n", r"no data rows"),
    ],
)
def test_csv_errors(tmp_path: Path, text: str, pattern: str) -> None:
    with pytest.raises(EvidenceImportError, match=pattern):
        import_evidence(write(tmp_path, "bad.csv", text), "csv")


# --------------------------------------------------------------------------- corrupted copies


@pytest.mark.parametrize("fmt", list(FIXTURES))
def test_truncated_copy(fixtures_dir: Path, tmp_path: Path, fmt: str) -> None:
    data = fx(fixtures_dir, fmt).read_bytes()
    path = tmp_path / FIXTURES[fmt]
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(EvidenceImportError, match=rf"^{path.name}: line \d+: .*(truncated|invalid JSON)") as err:
        import_evidence(path, fmt)
    assert err.value.file == path.name and err.value.location is not None
    with pytest.raises(EvidenceImportError, match=path.name):
        import_evidence(path)  # auto-detection fails with a clear message too
    if fmt != "openai-evals":
        with pytest.raises(EvidenceImportError, match=rf"^{path.name}: row 1: not a CSV file"):
            import_evidence(path, "csv")


@pytest.mark.parametrize("fmt", list(FIXTURES))
def test_wrong_format_copy(fixtures_dir: Path, tmp_path: Path, fmt: str) -> None:
    """Each fixture imported as another format, and a foreign document renamed to the fixture's name."""
    other = "openai-evals" if fmt != "openai-evals" else "promptfoo"
    path = tmp_path / FIXTURES[fmt]
    path.write_bytes(fx(fixtures_dir, fmt).read_bytes())
    with pytest.raises(EvidenceImportError, match=rf"^{path.name}: not in {other} format") as err:
        import_evidence(path, other)
    assert f"looks like {fmt}" in str(err.value)
    with pytest.raises(EvidenceImportError, match=rf"^{path.name}: not in csv format: the content looks like {fmt}"):
        import_evidence(path, "csv")
    path.write_text(json.dumps({"hello": "world"}))
    with pytest.raises(EvidenceImportError, match=path.name):
        import_evidence(path, fmt)
    with pytest.raises(EvidenceImportError, match="unknown shape"):
        detect_format(path)


def _duplicate(fmt: str, data: bytes) -> tuple[bytes, str]:
    """Corrupt a fixture so that one item id repeats; return the data and the expected error pattern."""
    if fmt == "openai-evals":
        lines = data.decode().splitlines()
        match_line = next(line for line in lines if '"type": "match"' in line)
        return ("\n".join([*lines, match_line]) + "\n").encode(), rf"line {len(lines) + 1}: field 'sample_id'"
    obj = json.loads(data)
    if fmt == "promptfoo":
        obj["results"]["results"][2]["testIdx"] = 0  # echo-a answers test 0 twice
        return json.dumps(obj).encode(), r"results.results\[2\]: field 'testIdx': duplicate item id '0'"
    if fmt == "inspect":
        obj["samples"][1]["id"] = "q1"
        return json.dumps(obj).encode(), r"samples\[1\]: field 'id': duplicate item id 'q1'"
    if fmt == "helm":
        obj.append(obj[2])
        return json.dumps(obj).encode(), rf"\[{len(obj) - 1}\]: field 'name': duplicate stat"
    if fmt == "lm-eval":
        # results JSON has no item ids; a task key repeated in the raw JSON is the duplicate it can have
        text = data.decode().replace('"alias": "gsm8k"', '"alias": "gsm8k", "exact_match,strict-match": 0.5', 1)
        return text.encode(), "duplicate key"
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", list(FIXTURES))
def test_duplicate_ids_copy(fixtures_dir: Path, tmp_path: Path, fmt: str) -> None:
    data, pattern = _duplicate(fmt, fx(fixtures_dir, fmt).read_bytes())
    path = tmp_path / FIXTURES[fmt]
    path.write_bytes(data)
    with pytest.raises(EvidenceImportError, match=rf"^{path.name}: .*{pattern}"):
        import_evidence(path, fmt)


def test_bad_input_in_general(tmp_path: Path) -> None:
    with pytest.raises(EvidenceImportError, match="cannot read"):
        import_evidence(tmp_path / "missing.json")
    with pytest.raises(EvidenceImportError, match="unknown format 'yaml'"):
        import_evidence(write(tmp_path, "x.csv", "item_id,candidate,passed\nq,A,1\n"), "yaml")
    with pytest.raises(EvidenceImportError, match="empty file"):
        detect_format(b"")
    with pytest.raises(EvidenceImportError, match="not UTF-8"):
        import_evidence(b"\xff\xfe\x00garbage", "csv", name="bin.csv")


# --------------------------------------------------------------------------- HELM: n, trials, scenario


def test_helm_stats_alone_n_from_num_instances_not_trial_count(fixtures_dir: Path, tmp_path: Path) -> None:
    stats = json.loads(fx(fixtures_dir, "helm").read_text())  # real HELM output: 3 train trials, 10 instances
    stats.append({"name": {"name": "exact_match", "split": "test"}, "count": 3, "sum": 2.532, "mean": 0.844})
    path = tmp_path / "stats.json"
    path.write_text(json.dumps(stats))
    res = import_evidence(path, "helm", model="simple/model1")
    [run] = res.runs
    assert run.n == 10 and run.n_source == "reported"  # not count = 3 (trials), not 1
    assert run.aggregate_pass_rate == pytest.approx(0.844) and run.pass_rate != 1.0
    assert run.task == "" and any("no HELM scenario name" in w for w in res.warnings)
    assert run.task != "test"


def test_helm_trials_reduced_per_instance_and_scenario_as_task(fixtures_dir: Path, tmp_path: Path) -> None:
    stats = json.loads(fx(fixtures_dir, "helm").read_text())
    stats.append({"name": {"name": "exact_match", "split": "test"}, "count": 3, "sum": 2.0, "mean": 2 / 3})
    run_dir = tmp_path / "simple1:model=simple_model1"
    run_dir.mkdir()
    (run_dir / "stats.json").write_text(json.dumps(stats))
    values = {"id0": [1.0, 1.0, 1.0], "id1": [0.0, 0.0, 0.0], "id2": [1.0, 0.0, 1.0]}
    per = [{"instance_id": iid, "train_trial_index": t,
            "stats": [{"name": {"name": "exact_match", "split": "test"}, "count": 1, "mean": v}]}
           for iid, vs in values.items() for t, v in enumerate(vs)]
    (run_dir / "per_instance_stats.json").write_text(json.dumps(per))
    [run] = import_evidence(run_dir).runs
    assert run.task == "simple1" and run.source_model == "simple/model1"
    assert run.n == 3  # 3 instances x 3 trials: never 9
    assert {it.item_id: it.score for it in run.items} == pytest.approx({"id0": 1.0, "id1": 0.0, "id2": 2 / 3})
    assert any("3 train trials" in note for note in run.notes)


# --------------------------------------------------------------------------- promptfoo 0.123.1: JSON, JSONL, CSV

PF = Path("evidence") / "promptfoo-0.123.1-outputs"


@pytest.mark.parametrize("name", ["results.json", "results.jsonl", "results.csv"])
def test_promptfoo_outputs_agree(fixtures_dir: Path, name: str) -> None:
    path = fixtures_dir / PF / name
    assert detect_format(path) == EvidenceFormat.promptfoo
    res = import_evidence(path)
    assert {r.source_model: (r.n, r.binary_counts()) for r in res.runs} == {
        "GPT-5.4": (8, (4, 8)), "Claude Opus 4.7": (8, (4, 8))}  # 4 tests x 2 prompts each


def test_promptfoo_jsonl_and_csv_errors_name_line_and_field(fixtures_dir: Path, tmp_path: Path) -> None:
    lines = (fixtures_dir / PF / "results.jsonl").read_text().splitlines()
    row = json.loads(lines[2])
    row["success"] = "yes"
    path = write(tmp_path, "r.jsonl", "\n".join([*lines[:2], json.dumps(row), *lines[3:]]) + "\n")
    with pytest.raises(EvidenceImportError, match=r"^r.jsonl: line 3: field 'success': expected true/false"):
        import_evidence(path)
    text = (fixtures_dir / PF / "results.csv").read_text().replace(",PASS,", ",MAYBE,", 1)
    with pytest.raises(EvidenceImportError, match=r"^r.csv: row 2: field '\[GPT-5.4\] Extract.*expected PASS, FAIL"):
        import_evidence(write(tmp_path, "r.csv", text))


def test_real_helm_run_with_three_trials(fixtures_dir: Path, tmp_path: Path) -> None:
    """crfm-helm 0.5.16: `helm-run --run-entries simple_mcqa:model=simple/model1 -t 3 --max-eval-instances 10`."""
    run_dir = fixtures_dir / "evidence" / "helm-0.5.16" / "simple_mcqa_3trials"
    [run] = import_evidence(run_dir).runs
    assert (run.source_model, run.task, run.metric_name) == ("simple/model1", "simple_mcqa", "exact_match")
    assert run.n == 10 and run.binary_counts() == (0, 10)  # 30 per-instance rows = 10 instances x 3 trials
    assert any("3 train trials" in note for note in run.notes)
    alone = tmp_path / "stats.json"  # the stats file on its own: n from num_instances, never count (= 3 trials)
    alone.write_bytes((run_dir / "stats.json").read_bytes())
    [only] = import_evidence(alone, "helm", model="simple/model1").runs
    assert only.n == 10 and only.n_source == "reported" and only.task == ""
