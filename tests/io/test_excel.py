"""Tests of the Excel decision workbook: structure, live formulas, static values, safety."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import formulas
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from workbench.benchmarks.excel import sample_workbook
from workbench.domain.models import CAPABILITY_VECTORS, CapabilityRating
from workbench.domain.scoring import closeness_of_normalised, weighted_sum_of_normalised
from workbench.io.excel import (
    LIVE_RANK,
    LIVE_SCORE,
    SCORING_HEADER_ROW,
    STATIC_RANK,
    STATIC_SCORE,
    CapabilityRow,
    ConstraintRow,
    DecisionWorkbook,
    ScoringTable,
    decision_workbook_bytes,
    live_scores,
    weight_name,
    write_decision_workbook,
)


def weighted_sum(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return weighted_sum_of_normalised(matrix, weights)


def topsis_closeness(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The domain's closeness with the column max / min as reference points (no engine reference given)."""
    return closeness_of_normalised(matrix, weights, matrix.max(axis=0), matrix.min(axis=0))

CRITERIA = ["schema_adherence", "reasoning_depth", "cost_per_success", "latency", "context_fit"]
WEIGHTS = np.array([0.4, 0.3, 0.2, 0.1, 0.25])  # sums to 1.25 on purpose: scores use w / sum(w)
MATRIX = np.array([
    [1.0, 0.5, 0.2, 0.9, 1.0],
    [0.5, 1.0, 0.8, 0.4, 0.5],
    [0.0, 0.5, 1.0, 1.0, 0.0],
    [0.75, 0.0, 0.0, 0.0, 1.0],
])
NAMES = ["alpha", "beta", "gamma", "delta"]

INJECTIONS = [
    '=HYPERLINK("http://x","click")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\t=1+1",
    "\r\n=1+1",
    "#N/A",
]


def ranks_of(scores: np.ndarray) -> np.ndarray:
    return (-scores).argsort(kind="stable").argsort() + 1


def make_data(method: str = "wsm", names: list[str] | None = None, **overrides: object) -> DecisionWorkbook:
    names = names or NAMES
    probe = ScoringTable(criteria=CRITERIA, weights=WEIGHTS, candidates=names, matrix=MATRIX,
                         scores=np.zeros(4), ranks=np.ones(4))
    scores = topsis_closeness(MATRIX, WEIGHTS) if method == "topsis" else weighted_sum(MATRIX, WEIGHTS)
    scoring = probe.model_copy(update={"scores": scores, "ranks": ranks_of(scores)})
    fields: dict[str, object] = {
        "profile": "Invoice extraction", "scenario": "Q3 budget", "method": method,
        "normalisation": "min-max", "date": dt.date(2026, 3, 14), "snapshot_hash": "ab" * 32,
        "winner": names[int(np.argmax(scores))], "robustness": "ranks first in 87% of plausible weightings",
        "capability": [
            CapabilityRow(candidate=names[0], capabilities={
                "schema_adherence": CapabilityRating(rating="E", measured=0.93),
                "reasoning_depth": CapabilityRating(rating="A"),
            }),
            CapabilityRow(candidate=names[1], capabilities={"schema_adherence": CapabilityRating(rating="D")}),
        ],
        "scoring": scoring,
        "constraints": [
            ConstraintRow(candidate=names[0], constraint="context window", passed=True),
            ConstraintRow(candidate=names[2], constraint="license", passed=False,
                          reason="license forbids professional medical use"),
        ],
        "economics": pd.DataFrame({"Candidate": names, "Cost per call (USD)": [0.001, 0.002, 0.0005, 0.01]}),
    }
    fields.update(overrides)
    return DecisionWorkbook(**fields)  # type: ignore[arg-type]


def load(data: DecisionWorkbook) -> Workbook:
    return load_workbook(io.BytesIO(decision_workbook_bytes(data)))


def header_index(ws, row: int = SCORING_HEADER_ROW) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {c.value: c.column for c in ws[row] if c.value is not None}


# ----------------------------------------------------------------------------- structure


def test_sheets_in_order_and_optional_sheets_only_when_given() -> None:
    wb = load(make_data())
    assert wb.sheetnames == ["Summary", "Capability Fit", "Scoring", "Constraints", "Economics"]
    frame = pd.DataFrame({"Candidate": NAMES, "Weights (GiB)": [1.0, 2.0, 3.0, 4.0]})
    wb = load(make_data(gpu_fit=frame, evidence=frame))
    assert wb.sheetnames[-3:] == ["Economics", "GPU Fit", "Evidence"]


def test_summary_holds_the_decision_headline() -> None:
    ws = load(make_data())["Summary"]
    rows = {r[0]: r[1] for r in ws.iter_rows(min_row=3, max_col=2, values_only=True) if r[0]}
    assert rows["Profile"] == "Invoice extraction"
    assert rows["Scenario"] == "Q3 budget"
    assert rows["Method"] == "Weighted sum (WSM)"
    assert rows["Normalisation"] == "min-max"
    assert rows["Snapshot hash"] == "ab" * 32
    assert rows["Winner (workbench)"] == "alpha"
    assert rows["Robustness"] == "ranks first in 87% of plausible weightings"
    assert rows["Date"] == dt.datetime(2026, 3, 14)
    assert "weights / SUM(weights)" in rows["Weighting"]
    assert rows["Winner at current weights (live)"].startswith("=INDEX(candidate_names")


def test_defined_names_point_at_the_weight_cells() -> None:
    wb = load(make_data())
    ws = wb["Scoring"]
    for j, (criterion, weight) in enumerate(zip(CRITERIA, WEIGHTS, strict=True)):
        name = weight_name(criterion)
        assert name == f"w_{criterion}"
        dests = list(wb.defined_names[name].destinations)
        assert len(dests) == 1
        sheet, ref = dests[0]
        assert sheet == "Scoring"
        assert ref == f"${chr(ord('B') + j)}$3"
        assert ws[ref.replace("$", "")].value == pytest.approx(weight)
        assert ws[ref.replace("$", "")].number_format == "0.0%"
    assert list(wb.defined_names["weights"].destinations) == [("Scoring", "$B$3:$F$3")]
    assert list(wb.defined_names["candidate_names"].destinations) == [("Scoring", "$A$8:$A$11")]


def test_weight_cells_validated_between_0_and_1() -> None:
    ws = load(make_data())["Scoring"]
    dvs = ws.data_validations.dataValidation
    assert len(dvs) == 1
    dv = dvs[0]
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "1")
    assert str(dv.sqref) == "B3:F3"
    assert dv.showErrorMessage


def test_scoring_has_live_formulas_and_static_values() -> None:
    data = make_data()
    ws = load(data)["Scoring"]
    h = header_index(ws)
    assert ws.cell(row=SCORING_HEADER_ROW, column=1).value == "Candidate"
    for i, name in enumerate(NAMES):
        r = SCORING_HEADER_ROW + 1 + i
        assert ws.cell(row=r, column=1).value == name
        assert [ws.cell(row=r, column=2 + j).value for j in range(5)] == pytest.approx(MATRIX[i])
        live = ws.cell(row=r, column=h[LIVE_SCORE])
        assert live.data_type == "f"
        assert live.value == f"=SUMPRODUCT(weights,B{r}:F{r})/SUM(weights)"
        col, first = live.column_letter, SCORING_HEADER_ROW + 1
        tie = f"+COUNTIF({col}${first}:{col}{r - 1},{col}{r})" if i else ""  # ties rank in sheet (name) order
        assert ws.cell(row=r, column=h[LIVE_RANK]).value == f"=RANK({col}{r},live_score,0){tie}"
        static = ws.cell(row=r, column=h[STATIC_SCORE])
        assert static.data_type == "n"
        assert static.value == pytest.approx(data.scoring.scores[i])
        assert ws.cell(row=r, column=h[STATIC_RANK]).value == int(data.scoring.ranks[i])


def test_layout_frozen_filtered_printable_and_coloured() -> None:
    wb = load(make_data())
    ws = wb["Scoring"]
    assert ws.freeze_panes == "B8"
    assert ws.auto_filter.ref == "A7:J11"
    scales = [rule.colorScale for rng in ws.conditional_formatting for rule in rng.rules]
    assert len(scales) == 2 and all(s is not None for s in scales)
    ranges = {str(rng.sqref) for rng in ws.conditional_formatting}
    h = header_index(ws)
    col = {k: ws.cell(row=1, column=v).column_letter for k, v in h.items()}
    assert ranges == {f"{col[LIVE_SCORE]}8:{col[LIVE_SCORE]}11", f"{col[STATIC_SCORE]}8:{col[STATIC_SCORE]}11"}
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    for title in ("Capability Fit", "Constraints", "Economics"):
        assert wb[title].freeze_panes == "B2"
        assert wb[title].auto_filter.ref.startswith("A1:")
        assert wb[title].column_dimensions["A"].width >= len("Candidate")


def test_capability_fit_colours_and_measured_values() -> None:
    ws = load(make_data())["Capability Fit"]
    h = header_index(ws, 1)
    assert len(h) == 1 + len(CAPABILITY_VECTORS) + 1  # only schema adherence has a measured value
    schema = ws.cell(row=2, column=h["Schema Adherence"])
    assert schema.value == "E" and schema.fill.fgColor.rgb.endswith("C6EFCE")
    assert ws.cell(row=2, column=h["Reasoning Depth"]).fill.fgColor.rgb.endswith("FFEB9C")
    assert ws.cell(row=3, column=h["Schema Adherence"]).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(row=3, column=h["Reasoning Depth"]).value is None
    assert ws.cell(row=2, column=h["Schema Adherence - measured (0-1)"]).value == pytest.approx(0.93)


def test_constraints_pass_fail_with_reason() -> None:
    ws = load(make_data())["Constraints"]
    rows = list(ws.iter_rows(min_row=1, values_only=True))
    assert rows[0] == ("Candidate", "Constraint", "Result", "Reason")
    assert rows[1] == ("alpha", "context window", "PASS", None)
    assert rows[2] == ("gamma", "license", "FAIL", "license forbids professional medical use")
    assert ws["C3"].fill.fgColor.rgb.endswith("FFC7CE")


def test_pandas_reads_static_columns(tmp_path: Path) -> None:
    data = make_data()
    path = tmp_path / "decision.xlsx"
    write_decision_workbook(data, path)
    df = pd.read_excel(path, sheet_name="Scoring", header=SCORING_HEADER_ROW - 1)
    assert df["Candidate"].tolist() == NAMES
    np.testing.assert_allclose(df[STATIC_SCORE].to_numpy(float), data.scoring.scores)
    assert df[STATIC_RANK].tolist() == data.scoring.ranks.tolist()
    assert df[LIVE_SCORE].isna().all()  # openpyxl stores no formula results: why the static column exists
    econ = pd.read_excel(path, sheet_name="Economics")
    assert econ["Cost per call (USD)"].tolist() == pytest.approx([0.001, 0.002, 0.0005, 0.01])


# ----------------------------------------------------------------------------- live formulas, evaluated


def _evaluate(path: Path, inputs: dict[str, float] | None = None) -> dict[str, object]:
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate(inputs=inputs or {})
    return {k.upper(): v for k, v in solution.items()}


def _cell(solution: dict[str, object], path: Path, sheet: str, ref: str) -> object:
    value = solution[f"'[{path.name}]{sheet}'!{ref}".upper()]
    return np.asarray(getattr(value, "value", value)).ravel()[0]


@pytest.mark.parametrize("method", ["wsm", "topsis"])
def test_live_formulas_evaluate_to_static_values_and_follow_weight_edits(tmp_path: Path, method: str) -> None:
    data = make_data(method)
    path = tmp_path / f"{method}.xlsx"
    write_decision_workbook(data, path)
    ws = load_workbook(path)["Scoring"]
    h = header_index(ws)
    score_col = ws.cell(row=1, column=h[LIVE_SCORE]).column_letter
    rank_col = ws.cell(row=1, column=h[LIVE_RANK]).column_letter
    rows = range(SCORING_HEADER_ROW + 1, SCORING_HEADER_ROW + 1 + len(NAMES))

    # original weights: live formulas reproduce the workbench's static values
    sol = _evaluate(path)
    live = np.array([float(_cell(sol, path, "SCORING", f"{score_col}{r}")) for r in rows])
    np.testing.assert_allclose(live, data.scoring.scores, rtol=0, atol=1e-12)
    ranks = [int(_cell(sol, path, "SCORING", f"{rank_col}{r}")) for r in rows]
    assert ranks == data.scoring.ranks.tolist()
    assert _cell(sol, path, "SUMMARY", "B14") == data.winner

    # a product owner moves weights: schema adherence to 0 %, latency to 100 %
    new_weights = WEIGHTS.copy()
    new_weights[0], new_weights[3] = 0.0, 1.0
    edits = {f"'[{path.name}]SCORING'!B3": 0.0, f"'[{path.name}]SCORING'!E3": 1.0}
    sol = _evaluate(path, edits)
    live = np.array([float(_cell(sol, path, "SCORING", f"{score_col}{r}")) for r in rows])
    expected = live_scores(data, new_weights)
    np.testing.assert_allclose(live, expected, rtol=0, atol=1e-12)
    assert not np.allclose(expected, data.scoring.scores)  # the edit really changed the scores
    ranks = [int(_cell(sol, path, "SCORING", f"{rank_col}{r}")) for r in rows]
    assert ranks == ranks_of(expected).tolist()
    assert _cell(sol, path, "SUMMARY", "B14") == NAMES[int(np.argmax(expected))]


def test_summary_row_of_the_live_winner_is_b14() -> None:
    ws = load(make_data())["Summary"]
    assert ws["A14"].value == "Winner at current weights (live)"


# ----------------------------------------------------------------------------- reference maths


def test_weighted_sum_uses_normalised_weights() -> None:
    # row 0: (0.4*1 + 0.3*0.5 + 0.2*0.2 + 0.1*0.9 + 0.25*1) / 1.25 = 0.93 / 1.25 = 0.744
    assert weighted_sum(MATRIX, WEIGHTS)[0] == pytest.approx(0.744)
    np.testing.assert_allclose(weighted_sum(MATRIX, WEIGHTS), weighted_sum(MATRIX, WEIGHTS * 3))


def test_topsis_closeness_matches_scikit_criteria() -> None:
    import skcriteria as skc
    from skcriteria.agg.topsis import TOPSIS

    dm = skc.mkdm(MATRIX, [max] * len(CRITERIA), weights=WEIGHTS / WEIGHTS.sum())
    expected = TOPSIS().evaluate(dm).e_.similarity
    np.testing.assert_allclose(topsis_closeness(MATRIX, WEIGHTS), expected, rtol=1e-12)


def test_topsis_worked_example() -> None:
    # two criteria, equal weights (w~ = 0.5): A = (1, 0), B = (0, 1), C = (1, 1)
    # ideal = (0.5, 0.5), anti-ideal = (0, 0); D+(A) = 0.5, D-(A) = 0.5 -> 0.5; C is the ideal -> 1
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(topsis_closeness(x, np.array([1.0, 1.0])), [0.5, 0.5, 1.0])
    # identical candidates: D+ = D- = 0 -> closeness 1, as the ranking engine (scoring.topsis) says
    assert topsis_closeness(np.ones((2, 2)), np.array([1.0, 1.0])).tolist() == [1.0, 1.0]


# ----------------------------------------------------------------------------- security


def _stored(text: str) -> str:
    """XML turns CR into LF when the file is read, so the writer normalises line ends itself."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _all_user_strings_injected() -> DecisionWorkbook:
    names = INJECTIONS[:4]
    evil = pd.DataFrame({INJECTIONS[0]: INJECTIONS[:4], "Note": INJECTIONS[3:7]})
    return make_data(
        names=names, profile=INJECTIONS[0], scenario=INJECTIONS[1], robustness=INJECTIONS[4],
        capability=[CapabilityRow(candidate=n, capabilities={}) for n in INJECTIONS],
        constraints=[ConstraintRow(candidate=n, constraint=INJECTIONS[2], passed=False, reason=n)
                     for n in INJECTIONS],
        evidence=evil,
    )


def test_formula_injection_is_stored_as_literal_text() -> None:
    data = _all_user_strings_injected()
    wb = load(data)
    checked = 0
    expected = {
        ("Capability Fit", f"A{i + 2}"): v for i, v in enumerate(INJECTIONS)
    } | {
        ("Constraints", f"A{i + 2}"): v for i, v in enumerate(INJECTIONS)
    } | {
        ("Constraints", f"D{i + 2}"): v for i, v in enumerate(INJECTIONS)
    } | {
        ("Scoring", f"A{SCORING_HEADER_ROW + 1 + i}"): v for i, v in enumerate(INJECTIONS[:4])
    } | {
        ("Summary", "B3"): INJECTIONS[0], ("Summary", "B4"): INJECTIONS[1], ("Summary", "B11"): INJECTIONS[4],
        ("Evidence", "A1"): INJECTIONS[0], ("Evidence", "A2"): INJECTIONS[0], ("Evidence", "B5"): INJECTIONS[6],
        ("Constraints", "B2"): "-2",
    }
    for (sheet, ref), value in expected.items():
        cell = wb[sheet][ref]
        assert cell.value == _stored(value), (sheet, ref)
        assert cell.data_type == "s", (sheet, ref, cell.data_type)
        assert cell.quotePrefix, (sheet, ref)
        checked += 1
    assert checked == len(expected)


def test_injected_text_never_reaches_a_formula_element_in_the_xml() -> None:
    raw = decision_workbook_bytes(_all_user_strings_injected())
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    xml = "".join(sheets)
    assert "HYPERLINK" in xml  # present as text ...
    for chunk in xml.split("<f>")[1:]:
        formula = chunk.split("</f>")[0]
        assert "HYPERLINK" not in formula and "SUM(A1)" not in formula and "1+1" not in formula
    assert 't="e"' not in xml  # '#N/A' is text, not an error cell


def test_pandas_sees_injected_names_literally() -> None:
    raw = decision_workbook_bytes(_all_user_strings_injected())
    df = pd.read_excel(io.BytesIO(raw), sheet_name="Scoring", header=SCORING_HEADER_ROW - 1)
    assert df["Candidate"].tolist() == INJECTIONS[:4]


def test_control_characters_are_made_visible_and_noted() -> None:
    name = "bell\x07model\x00x"
    data = make_data(names=[name, "b", "c", "d"], evidence=pd.DataFrame({"Note\x1b": ["esc\x1b[31m"]}))
    wb = load(data)
    assert wb["Scoring"][f"A{SCORING_HEADER_ROW + 1}"].value == "bell\u2407model\u2400x"
    assert wb["Evidence"]["A1"].value == "Note\u241b"
    assert wb["Evidence"]["A2"].value == "esc\u241b[31m"
    notes = [c.value for c in wb["Summary"]["A"] if isinstance(c.value, str) and "control character" in c.value]
    assert any(n.startswith("Scoring!A8:") for n in notes)
    assert any(n.startswith("Evidence!A2:") for n in notes)


def test_over_long_text_is_truncated_with_a_note() -> None:
    data = make_data(robustness="x" * 40_000)
    wb = load(data)
    assert len(wb["Summary"]["B11"].value) == 32_767
    notes = [c.value for c in wb["Summary"]["A"] if isinstance(c.value, str) and "truncated" in c.value]
    assert notes and notes[0].startswith("Summary!B11:")


# ----------------------------------------------------------------------------- notes and validation


def test_disagreeing_static_scores_are_flagged_on_the_summary() -> None:
    data = make_data()
    wrong = data.scoring.model_copy(update={"scores": data.scoring.scores + 0.01})
    wb = load(data.model_copy(update={"scoring": wrong}))
    notes = [c.value for c in wb["Summary"]["A"] if isinstance(c.value, str) and "differ" in c.value]
    assert notes and "authoritative" in notes[0]
    wb = load(make_data())
    assert not [c.value for c in wb["Summary"]["A"] if isinstance(c.value, str) and "differ" in c.value]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weights": [0.4, 0.3, 0.2, 0.1, 1.5]}, "weights[4] ('context_fit')"),
        ({"weights": [0.0] * 5}, "at least one weight"),
        ({"weights": [0.5] * 4}, "expected 5 weights"),
        ({"matrix": np.where(np.eye(4, 5, 1) == 1, -0.2, MATRIX)}, "row 0 (candidate 'alpha'), criterion 'reasoning_depth'"),
        ({"matrix": MATRIX[:3]}, "scoring.matrix: expected shape"),
        ({"scores": [0.1, 0.2, float("nan"), 0.3]}, "scores row 2 (candidate 'gamma')"),
        ({"ranks": [1, 2, 0, 3]}, "ranks must be whole numbers"),
        ({"criteria": ["a", "a", "b", "c", "d"]}, "unique"),
    ],
)
def test_bad_scoring_input_names_the_field(change: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"criteria": CRITERIA, "weights": WEIGHTS, "candidates": NAMES,
                                 "matrix": MATRIX, "scores": np.zeros(4), "ranks": np.ones(4)}
    fields.update(change)
    with pytest.raises(ValueError, match=re.escape(message)):
        ScoringTable(**fields)  # type: ignore[arg-type]


def test_unknown_capability_vector_rejected() -> None:
    with pytest.raises(ValueError, match="unknown capability vector"):
        CapabilityRow(candidate="x", capabilities={"telepathy": CapabilityRating(rating="E")})


def test_no_feasible_candidate_still_exports() -> None:
    empty = ScoringTable(criteria=CRITERIA, weights=WEIGHTS, candidates=[], matrix=np.zeros((0, 5)),
                         scores=[], ranks=[])
    wb = load(make_data(scoring=empty, capability=[], constraints=[]))
    assert "live_score" not in wb.defined_names
    assert wb["Scoring"]["B3"].value == pytest.approx(0.4)


def test_bytes_and_path_outputs_are_the_same_workbook(tmp_path: Path) -> None:
    data = make_data()
    raw = decision_workbook_bytes(data)
    assert raw[:2] == b"PK"
    path = tmp_path / "out.xlsx"
    write_decision_workbook(data, path)
    assert load_workbook(path).sheetnames == load_workbook(io.BytesIO(raw)).sheetnames
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]  # no temp file left behind


def test_benchmark_sample_data_exports_all_sheets() -> None:
    data = sample_workbook(12, method="topsis")
    wb = load(data)
    assert wb.sheetnames == ["Summary", "Capability Fit", "Scoring", "Constraints", "Economics", "GPU Fit",
                             "Evidence"]
    assert wb["GPU Fit"]["B2"].value == "H100 80GB"
    assert wb["Economics"]["D2"].number_format == "0.0000"  # cost per call, < 0.01 USD
    assert wb["Economics"]["F2"].number_format == "#,##0.00"  # USD / month
    assert wb["GPU Fit"]["C2"].number_format == "#,##0"  # GPUs


def test_number_formats_follow_the_magnitude_of_each_column() -> None:
    frame = pd.DataFrame({
        "Candidate": ["a", "b"],
        "Input price (USD / token)": [3e-6, 1.5e-5],
        "Items (n)": [120, 80],
        "Fits": [True, False],
        "Retrieved": [pd.Timestamp("2026-01-02"), pd.NaT],
    })
    ws = load(make_data(economics=frame))["Economics"]
    assert ws["B2"].number_format == "0.00E+00" and ws["B2"].value == pytest.approx(3e-6)
    assert ws["C2"].number_format == "#,##0"
    assert ws["D2"].value is True and ws["D3"].value is False
    assert ws["E2"].value == dt.datetime(2026, 1, 2) and ws["E2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["E3"].value is None


@pytest.mark.parametrize("method", ["wsm", "topsis"])
def test_identical_candidates_agree_live_and_static_ties_included(method: str, tmp_path: Path) -> None:
    """Issue 12: for identical rows the engine gives TOPSIS closeness 1 (the old sheet said 0); the live
    formulas, evaluated by the `formulas` engine, now give the engine's scores and its tie-broken ranks."""
    from workbench.domain.models import CRITERIA as ALL
    from workbench.domain.models import Candidate, Profile
    from workbench.domain.ranking import rank
    from workbench.services.workbook import scoring_table

    twins = [Candidate(name=n, capabilities={v: CapabilityRating(rating="A") for v in CAPABILITY_VECTORS})
             for n in ("beta", "alpha")]
    result = rank(Profile(name="p", weights=dict.fromkeys(ALL, 0.0) | {"schema_adherence": 1.0}), twins, method,
                  cost_per_success={"alpha": 0.01, "beta": 0.01})
    table = scoring_table(result)
    assert table.scores.tolist() == [1.0, 1.0] and table.ranks.tolist() == [1, 2]
    assert [r.name for r in result.rows] == ["alpha", "beta"]  # tie broken by name
    data = make_data(method).model_copy(update={"scoring": table, "winner": "alpha"})
    path = tmp_path / "twins.xlsx"
    write_decision_workbook(data, path)
    ws = load_workbook(path)["Scoring"]
    h = header_index(ws)
    sol = _evaluate(path, {})
    rows = [SCORING_HEADER_ROW + 1, SCORING_HEADER_ROW + 2]
    score_col, rank_col = (ws.cell(row=SCORING_HEADER_ROW, column=h[c]).column_letter for c in (LIVE_SCORE, LIVE_RANK))
    assert [float(_cell(sol, path, "SCORING", f"{score_col}{r}")) for r in rows] == [1.0, 1.0]
    assert [int(_cell(sol, path, "SCORING", f"{rank_col}{r}")) for r in rows] == [1, 2]
    assert "Ties" in ws.cell(row=2, column=1).value
