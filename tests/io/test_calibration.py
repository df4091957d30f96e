"""Calibration CSV reader."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from workbench.io.calibration import CalibrationFormatError, parse_calibration_csv, read_calibration_csv


def test_reads_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "cal.csv"
    path.write_text("item_id,Confidence,correct,premium_correct\nq1,0.9,1,1\nq2,0.2,incorrect,true\n"
                    "q3,0.55,TRUE,no\n\n")
    data = read_calibration_csv(path)
    assert data.item_ids == ["q1", "q2", "q3"]
    np.testing.assert_allclose(data.confidence, [0.9, 0.2, 0.55])
    assert data.correct.tolist() == [True, False, True]
    assert data.premium_correct is not None and data.premium_correct.tolist() == [True, True, False]
    assert len(data) == 3 and data.accuracy == pytest.approx(2 / 3)


def test_optional_columns_absent_and_bytes_upload() -> None:
    data = read_calibration_csv(b"\xef\xbb\xbfconfidence,correct\n0.3,0\n0.8,1\n", name="upload.csv")
    assert data.item_ids == ["1", "2"] and data.premium_correct is None
    assert data.source == "upload.csv"
    stream = read_calibration_csv(io.StringIO("confidence,correct\n1.5,pass\n"))
    assert stream.correct.tolist() == [True]


def test_wrong_columns_name_the_expected_columns() -> None:
    with pytest.raises(CalibrationFormatError) as err:
        parse_calibration_csv("score,label\n0.5,1\n", "bad.csv")
    msg = str(err.value)
    assert "bad.csv" in msg and "confidence" in msg and "correct" in msg and "score" in msg


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("confidence,correct\n0.5,maybe\n", r"row 2, column correct"),
        ("confidence,correct\n0.5,1\nabc,1\n", r"row 3, column confidence: not a number"),
        ("confidence,correct\nnan,1\n", r"must be finite"),
        ("item_id,confidence,correct\na,0.5,1\na,0.4,0\n", r"row 3, column item_id: 'a' repeats row 2"),
        ("confidence,correct\n", r"no data rows"),
        ("", r"empty file; expected columns confidence, correct"),
        ("confidence,correct,correct\n0.5,1,1\n", r"duplicate column"),
    ],
)
def test_bad_rows_name_row_and_column(text: str, match: str) -> None:
    with pytest.raises(CalibrationFormatError, match=match):
        parse_calibration_csv(text, "f.csv")


def test_unreadable_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(CalibrationFormatError, match="cannot read"):
        read_calibration_csv(tmp_path / "missing.csv")
    with pytest.raises(CalibrationFormatError, match="not UTF-8"):
        read_calibration_csv(b"confidence,correct\n\xff\xfe,1\n")
