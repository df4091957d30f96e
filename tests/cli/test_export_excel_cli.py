"""`workbench export excel`: a real workbook opened back with openpyxl; live formulas agree with the engine."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbench.cli._store import engine
from workbench.io.excel import SCORING_HEADER_ROW, STATIC_SCORE, live_scores
from workbench.services.decide import decide
from workbench.services.workbook import decision_workbook, scoring_table
from workbench.store.workspace import create_profile, new_profile_model


@pytest.mark.parametrize("method", ["wsm", "topsis"])
def test_export_opens_back_and_formulas_match_the_ranking(cli_db, run_cli, tmp_path, method):
    create_profile(engine(), new_profile_model("Contracts", "high_precision_extraction"), "ada")
    out = tmp_path / "matrix.xlsx"
    doc = run_cli.json("export", "excel", "--profile", "Contracts", "--method", method, "--smaa", "300",
                       "--out", str(out))
    ranking = run_cli.json("rank", "--profile", "Contracts", "--method", method)["ranking"]
    assert doc["winner"] == ranking["rows"][0]["name"] and doc["candidates"] == len(ranking["rows"])
    book = openpyxl.load_workbook(out)
    assert {"Summary", "Capability Fit", "Scoring", "Constraints", "Economics"} <= set(book.sheetnames)
    assert "w_schema_adherence" in book.defined_names
    scoring = book["Scoring"]
    formulas = [c.value for row in scoring.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas, "the Scoring sheet has live formulas"
    static = pd.read_excel(out, sheet_name="Scoring", header=SCORING_HEADER_ROW - 1)
    assert list(static[STATIC_SCORE].round(9)) == [round(r["score"], 9) for r in ranking["rows"]]
    # the workbook's live maths (what Excel computes from the formulas) equals the engine's scores
    decision = decide(engine(), "Contracts", method=method)
    np.testing.assert_allclose(live_scores(decision_workbook(decision)), scoring_table(decision.ranking).scores,
                               atol=1e-9)
    notes = [c.value for row in book["Summary"].iter_rows() for c in row if isinstance(c.value, str)]
    assert not any("differ" in n for n in notes), "live formulas and static values disagree"


def test_decision_record_workbook_matches_its_snapshot(cli_db, tmp_path):
    """The Decision page's Excel download: the matrix recomputed from the record's snapshot."""
    import io

    from workbench.services.records import draft_from_workspace
    from workbench.services.workbook import snapshot_workbook_bytes

    create_profile(engine(), new_profile_model("Contracts", "high_precision_extraction"), "ada")
    record = draft_from_workspace(engine(), "Contracts", "ada")
    data = snapshot_workbook_bytes(record.snapshot)
    static = pd.read_excel(io.BytesIO(data), sheet_name="Scoring", header=SCORING_HEADER_ROW - 1)
    stored = record.snapshot["results"]["ranking"]["rows"]
    assert list(static[STATIC_SCORE].round(9)) == [round(r["score"], 9) for r in stored]
    summary = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
    values = [c.value for row in summary.iter_rows() for c in row]
    assert stored[0]["name"] in values


def test_gpu_fit_and_evidence_sheets_carry_the_pages_numbers(cli_db, run_cli, tmp_path):
    from workbench.domain.gpu import FitRequest, min_gpus
    from workbench.io.gpus import load_gpu_catalog
    from workbench.io.hf_config import parse_hf_config

    create_profile(engine(), new_profile_model("Contracts", "high_precision_extraction"), "ada")
    rows = ["item_id,candidate,passed"] + [f"q{i},GPT-5.4,{1 if i < 170 else 0}" for i in range(200)]
    (tmp_path / "schema.csv").write_text("\n".join(rows) + "\n")
    run_cli.json("import", "evidence", str(tmp_path / "schema.csv"), "--format", "csv", "--profile", "Contracts",
                 "--metric-kind", "schema_validity")
    out = tmp_path / "m.xlsx"
    run_cli.json("export", "excel", "--profile", "Contracts", "--smaa", "0", "--out", str(out))
    gpu = pd.read_excel(out, sheet_name="GPU Fit")
    evidence = pd.read_excel(out, sheet_name="Evidence")
    assert set(gpu["Candidate"]) >= {"Llama 3.1 8B Instruct", "Mixtral 8x7B Instruct", "gpt-oss-20b"}
    # the same minimum as the GPU fit domain gives for Mixtral at 32K x 16 on an H100
    mixtral = next(c for c in decide(engine(), "Contracts").candidates if c.name == "Mixtral 8x7B Instruct")
    expected = min_gpus(parse_hf_config(dict(mixtral.architecture)), FitRequest(context=32_768, concurrency=16),
                        load_gpu_catalog())
    h100 = load_gpu_catalog().get("H100 SXM").name
    assert gpu.set_index("Candidate").loc["Mixtral 8x7B Instruct", f"{h100} (min GPUs)"] == expected[h100]
    # the sheet uses the page's default weight format, each checkpoint's own: MXFP4 for gpt-oss-20b
    assert gpu.set_index("Candidate").loc["gpt-oss-20b", "Weights"] == "mxfp4"
    row = evidence.set_index("Candidate").loc["GPT-5.4"]
    assert row["Measured value (0-1)"] == pytest.approx(0.85) and row["n (items)"] == 200
    assert row["Lower 95%"] < 0.85 < row["Upper 95%"]
