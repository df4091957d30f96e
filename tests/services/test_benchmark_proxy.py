"""Benchmark tables as benchmark-proxy evidence: mapping, wider range, and the ranking sees them.

Fixture: tests/fixtures/benchmarks/seed002_published_results.csv (figures quoted, with their source, in seed 002).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from workbench.domain.benchmark_proxy import Z95, BenchmarkMapping, proxy_evidence
from workbench.domain.evidence import EvaluationRun, EvidenceFormat, MetricKind, capability_evidence
from workbench.io.benchmark_mapping import load_benchmark_mapping
from workbench.io.evidence import EvidenceImportError, import_evidence
from workbench.services import catalog_import
from workbench.services.decide import decide
from workbench.store import evidence as ev
from workbench.store.workspace import create_profile, new_profile_model

TABLE = "benchmarks/seed002_published_results.csv"


def _run(score: float, n: int | None, bench: str = "AIME", model: str = "m") -> EvaluationRun:
    return EvaluationRun(source_format=EvidenceFormat.benchmark_table, source_file="t.csv", source_sha256="0" * 64,
                         imported_at=datetime(2026, 12, 6, tzinfo=UTC), source_model=model, task=bench,
                         benchmark=bench, metric_kind=MetricKind.public_benchmark, aggregate_score=score,
                         aggregate_pass_rate=score, n_reported=n)


def test_worked_example_half_width_and_effective_n():
    mapping = load_benchmark_mapping()
    [no_n] = proxy_evidence([_run(0.917, None)], mapping)  # AIME: mapping half-width 0.10
    assert (no_n.vector, no_n.lower, no_n.upper) == ("math_performance", pytest.approx(0.817), 1.0)
    assert no_n.n == round(0.917 * 0.083 / (0.10 / Z95) ** 2 - 1) == 28
    [with_n] = proxy_evidence([_run(0.8, 100)], mapping)
    expected = math.sqrt(0.10 ** 2 + (Z95 * math.sqrt(0.8 * 0.2 / 100)) ** 2)  # = 0.12707...
    assert with_n.upper - with_n.value == pytest.approx(expected) and expected == pytest.approx(0.12707, abs=1e-5)
    # own evidence of the same size is far narrower: a proxy is wider than own evidence
    own = capability_evidence([_run(0.8, 100).model_copy(update={
        "source_format": EvidenceFormat.csv, "metric_kind": MetricKind.golden_set_accuracy})])
    assert own[0].upper - own[0].lower < with_n.upper - with_n.lower


def test_table_import_marks_proxies_with_the_seed_warnings(fixtures_dir):
    res = import_evidence(fixtures_dir / TABLE)
    assert res.format is EvidenceFormat.benchmark_table
    assert all(r.metric_kind is MetricKind.public_benchmark for r in res.runs)
    verified = next(r for r in res.runs if r.benchmark == "SWE-bench Verified")
    assert verified.aggregate_score == 0.809 and verified.n is None  # n not published: unknown, not guessed
    assert any("task-ID contamination" in n for n in verified.notes)
    assert any("Expert-SWE Refactor is not in the benchmark mapping" in w for w in res.warnings)
    assert any("harness" in w.lower() for w in res.warnings)


@pytest.mark.parametrize(("text", "pattern"), [
    ("model,benchmark,score,n,source_url,date\nA,AIME,91.7,,,2026-06-07\n", r"row 2: field 'source_url': missing"),
    ("model,benchmark,score,n,source_url,date\nA,AIME,191,,https://x.org,2026-06-07\n", r"row 2: field 'score'"),
    ("model,benchmark,score,n,source_url,date\nA,AIME,91,0,https://x.org,2026-06-07\n", r"row 2: field 'n'"),
    ("model,benchmark,score,n,source_url,date\nA,AIME,91,,https://x.org,June\n", r"row 2: field 'date'"),
    ("model,benchmark,score,n,source_url,date\nA,AIME,91,,https://x.org,2026-06-07\nA,aime,90,,https://x.org,"
     "2026-06-07\n", r"row 3: field 'benchmark': duplicate row"),
])
def test_bad_tables_name_row_and_field(tmp_path, text, pattern):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(EvidenceImportError, match=pattern):
        import_evidence(path, "benchmark-table")


def test_mapping_is_valid_and_covers_the_issue_examples():
    mapping = load_benchmark_mapping()
    assert isinstance(mapping, BenchmarkMapping)
    expect = {"IFEval": "instruction_following", "BFCL v3": "tool_use_reliability", "AIME 2025": "math_performance",
              "MMMU": "multimodal_perception", "RULER": "long_context_integrity",
              "needle in a haystack": "long_context_integrity", "SWE-bench Verified": "code_competence"}
    assert {name: mapping.find(name).vector for name in expect} == expect


def test_ranking_uses_a_non_seed_models_proxy_evidence_with_its_wider_range(engine, fixtures_dir):
    from workbench.io.litellm import load_price_file

    prices = load_price_file(fixtures_dir / "pricing" / "litellm_model_prices.json")
    plan = catalog_import.preview_litellm(engine, prices, models=["claude-opus-4-5", "gpt-5.5-pro"], update_prices=False,
                                          filename="p.json", actor="ada")
    catalog_import.apply_litellm(engine, plan, "ada")
    name, gpt_pro = (next(c.candidate for c in plan.changes if c.litellm_key == k)
                     for k in ("claude-opus-4-5", "gpt-5.5-pro"))
    profile = create_profile(engine, new_profile_model("Refactoring", None), "ada")
    result = import_evidence(fixtures_dir / TABLE)
    ev.import_runs(engine, profile.id, result, {"Claude Opus 4.5": name, "GPT-5.5 Pro": gpt_pro}, "ada")
    decision = decide(engine, "Refactoring")
    proxy = next(e for e in decision.evidence if e.candidate == name and e.vector == "code_competence")
    assert proxy.value == pytest.approx((0.809 + 0.459) / 2)
    assert proxy.upper - proxy.lower == pytest.approx(0.40)  # SWE-bench Pro's 0.20 half-width, both sides
    row = next(r for r in decision.ranking.rows if r.name == name)
    assert row.values["code_competence"] == pytest.approx(proxy.value)  # the ranking scores it as evidence
    assert "code_competence" not in row.unknown
