"""Every changed byte of a signed bundle is detected and names the file (the envelope's layout aside)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.signing.helpers import make_key, record
from workbench.io.mdr_bundle import ENVELOPE_FILE, RECORD_FILE, SNAPSHOT_FILE
from workbench.services.bundles import build_bundle_files, verify_files
from workbench.signing import PublicKey, TrustStore


def _flips(data: bytes, index: int) -> list[bytes]:
    out = []
    for mask in (0x01, 0x20):
        changed = bytearray(data)
        changed[index] ^= mask
        out.append(bytes(changed))
    return out


def _meaning(envelope: bytes) -> object:
    """What an envelope says once its layout is set aside (base64 decoded)."""
    doc = json.loads(envelope)
    sigs = [{**s, "sig": base64.b64decode(s["sig"] + "=" * (-len(s["sig"]) % 4), altchars=b"-_")}
            for s in doc["signatures"]]
    return doc["payloadType"], base64.b64decode(doc["payload"]), sigs


@pytest.fixture(scope="module")
def signed_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], PublicKey]:
    tmp = tmp_path_factory.mktemp("bundle")
    key = make_key(tmp)
    files = build_bundle_files(record(), {"weights": [0.5, 0.5], "smaa_seed": 7}, [key],
                               exported_at="2026-06-07T10:00:00Z")
    return files, key.public_key


@pytest.mark.parametrize("name", [RECORD_FILE, SNAPSHOT_FILE, ENVELOPE_FILE, "public key"])
def test_every_changed_byte_is_detected_and_names_the_file(
    signed_bundle: tuple[dict[str, bytes], PublicKey], name: str
) -> None:
    files, pub = signed_bundle
    trust = TrustStore.of_keys([pub])
    if name == "public key":
        name = next(n for n in files if n.startswith("public_keys/"))
    assert verify_files(files, trust).verdict == "verified"
    assert verify_files(files, TrustStore()).verdict == "untrusted"
    data = files[name]
    undetected = []
    for i in range(len(data)):
        for n, changed in enumerate(_flips(data, i)):
            for store in (trust, TrustStore()) if n == 0 else (trust,):
                report = verify_files({**files, name: changed}, store)
                if report.verdict in ("verified", "untrusted"):
                    # only a change of layout may pass, never one of meaning
                    if name != ENVELOPE_FILE or _meaning(changed) != _meaning(data):
                        undetected.append((i, n, "passed"))
                elif not any(p.startswith(f"{name}: ") for p in report.problems):
                    undetected.append((i, n, report.problems))
    assert undetected == []


def test_a_key_not_in_the_trust_store_is_untrusted_or_unverifiable(
    signed_bundle: tuple[dict[str, bytes], PublicKey], tmp_path: Path
) -> None:
    files, _ = signed_bundle
    other = make_key(tmp_path, "Eve", "eve@example.com")
    report = verify_files(files, TrustStore.of_keys([other.public_key]))
    assert (report.verdict, report.exit_code) == ("untrusted", 3)
    stripped = {n: d for n, d in files.items() if not n.startswith("public_keys/")}
    report = verify_files(stripped, TrustStore.of_keys([other.public_key]))
    assert report.verdict == "failed" and any("no public key for keyid" in p for p in report.problems)
