"""Canonical JSON (RFC 8785) for decision snapshots."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from workbench.domain.models import Profile
from workbench.domain.snapshot import (
    SNAPSHOT_SCHEMA,
    SnapshotError,
    canonical_json,
    make_snapshot,
    parse_canonical,
    snapshot_digest,
)


def test_reference_example() -> None:
    # reference/decisions-signing-excel.md: {"b":1,"a":[1.0,2.50,1e21]} -> {"a":[1,2.5,1e+21],"b":1}
    assert canonical_json({"b": 1, "a": [1.0, 2.50, 1e21]}) == b'{"a":[1,2.5,1e+21],"b":1}'


@pytest.mark.parametrize(
    ("value", "text"),
    [  # RFC 8785 section 3.2.2.3 / appendix B number serialisation examples
        (0.0, "0"),
        (-0.0, "0"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (9007199254740992.0, "9007199254740992"),
        (1e21, "1e+21"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
    ],
)
def test_rfc8785_numbers(value: float, text: str) -> None:
    assert canonical_json([value]) == f"[{text}]".encode()


def test_rfc8785_string_escapes_and_key_order() -> None:
    # RFC 8785 section 3.2.2.2 example string
    s = "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/"
    assert canonical_json(s) == '"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"'.encode()
    # keys sorted by their UTF-16 code units
    assert canonical_json({"b": 1, "a": 2, "\u00e9": 3}) == '{"a":2,"b":1,"é":3}'.encode()


def test_floats_round_trip_exactly() -> None:
    values = [0.1 + 0.2, 1 / 3, 2.0**-30, 123456.789e-10]
    back = parse_canonical(canonical_json(values))
    assert back == values  # bit for bit: no rounding


def test_rejects_values_without_a_canonical_form() -> None:
    with pytest.raises(SnapshotError, match=r"\$\.results\.scores\[1\].*NaN"):
        canonical_json({"results": {"scores": [1.0, float("nan")]}})
    with pytest.raises(SnapshotError, match=r"\$\.seed.*2\*\*53"):
        canonical_json({"seed": 2**60})
    with pytest.raises(SnapshotError, match="not a string"):
        canonical_json({1: "x"})
    with pytest.raises(SnapshotError, match="set"):
        canonical_json({"x": {1, 2}})


def test_numpy_and_pydantic_values() -> None:
    doc = {"w": np.array([0.5, 0.25]), "n": np.int64(3), "p": Profile(name="p")}
    out = parse_canonical(canonical_json(doc))
    assert out["w"] == [0.5, 0.25] and out["n"] == 3 and out["p"]["name"] == "p"


def test_digest_and_canonical_check() -> None:
    data = canonical_json({"a": 1})
    assert snapshot_digest(data) == hashlib.sha256(b'{"a":1}').hexdigest()
    with pytest.raises(SnapshotError, match="canonical"):
        parse_canonical(b'{"a": 1}')
    with pytest.raises(SnapshotError, match="JSON"):
        parse_canonical(b"{")
    with pytest.raises(SnapshotError, match="NaN"):
        parse_canonical(b"[NaN]")


def test_make_snapshot() -> None:
    snap = make_snapshot(
        profile=Profile(name="p"),
        candidates=[{"name": "a"}],
        method={"aggregator": "wsm", "normaliser": "sum"},
        results={"ranking": ["a"]},
        smaa_seed=42,
    )
    assert snap["schema"] == SNAPSHOT_SCHEMA and snap["smaa_seed"] == 42
    assert parse_canonical(canonical_json(snap)) == snap
    with pytest.raises(SnapshotError, match="clash"):
        make_snapshot(profile={}, candidates=[], method={}, results={}, extra={"results": 1})
