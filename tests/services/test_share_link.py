"""Share links: the whole view as base64url of a compact JSON of what changed, validated on load."""

from __future__ import annotations

import base64
import json

import pytest

from workbench.domain.models import HardConstraints
from workbench.services.views import LINK_MAX_CHARS, decode_view, encode_view

BASE_W = {"latency": 1.0, "schema_adherence": 3.0}
BASE_C = HardConstraints(max_p95_latency_ms=1200.0)


def _token(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def test_only_the_changed_values_travel_and_come_back():
    moved = HardConstraints(max_p95_latency_ms=1600.0, open_weights_only=True)
    token = encode_view(BASE_W, BASE_C, "wsm", {**BASE_W, "latency": 4.5}, moved, "topsis", ("", "PO"))
    raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert raw == {"w": {"latency": 4.5}, "c": {"max_p95_latency_ms": 1600.0, "open_weights_only": True},
                   "m": "topsis", "ab": ["", "PO"]}
    patch = decode_view(token, BASE_C)
    assert patch.weights == {"latency": 4.5} and patch.method == "topsis" and patch.compare == ("", "PO")
    assert patch.constraints == moved
    assert "=" not in token and "+" not in token and "/" not in token


def test_an_unchanged_view_has_no_token():
    assert encode_view(BASE_W, BASE_C, "wsm", BASE_W, BASE_C, "wsm") == ""


@pytest.mark.parametrize(("token", "message"), [
    ("x" * (LINK_MAX_CHARS + 1), "longer than"),
    ("not*base64", "base64url"),
    (_token([1, 2]), "expected an object"),
    (_token({"w": {"vibes": 1}}), "unknown criterion 'vibes'"),
    (_token({"w": {"latency": 9}}), "from 0 to 5"),
    (_token({"w": {"latency": True}}), "from 0 to 5"),
    (_token({"c": {"max_p95_latency_ms": -3}}), "constraint max_p95_latency_ms"),
    (_token({"m": "borda"}), "method"),
    (_token({"ab": ["a"]}), "two view names"),
    (_token({"evil": 1}), "expected an object"),
    (base64.urlsafe_b64encode(b'{"w": {}, "w": {}}').decode(), "duplicate"),
])
def test_a_bad_link_is_refused_with_a_reason(token, message):
    with pytest.raises(ValueError, match=message):
        decode_view(token, BASE_C)
