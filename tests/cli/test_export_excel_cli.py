"""`workbench export excel`: a real workbook opened back with openpyxl; live formulas agree with the engine."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbench.analysis import decide
from workbench.cli._store import engine
from workbench.exports import decision_workbook, scoring_table
from workbench.io.excel import SCORING_HEADER_ROW, STATIC_SCORE, live_scores
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

    from workbench.decisions_draft import draft_from_workspace
    from workbench.exports import snapshot_workbook_bytes

    create_profile(engine(), new_profile_model("Contracts", "high_precision_extraction"), "ada")
    record = draft_from_workspace(engine(), "Contracts", "ada")
    data = snapshot_workbook_bytes(record.snapshot)
    static = pd.read_excel(io.BytesIO(data), sheet_name="Scoring", header=SCORING_HEADER_ROW - 1)
    stored = record.snapshot["results"]["ranking"]["rows"]
    assert list(static[STATIC_SCORE].round(9)) == [round(r["score"], 9) for r in stored]
    summary = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
    values = [c.value for row in summary.iter_rows() for c in row]
    assert stored[0]["name"] in values
