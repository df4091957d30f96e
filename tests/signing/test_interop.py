"""Interoperability with securesystemslib (the reference DSSE implementation), both directions.

Keyid convention: the workbench's DSSE ``keyid`` is SHA-256 hex of the raw 32-byte Ed25519 public key;
securesystemslib finds the key when its ``SSlibKey`` is given that keyid (its own default keyid differs).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import CryptoSigner, SSlibKey

from tests.signing.helpers import make_key, record, verify
from workbench.io.json_text import load_json
from workbench.io.mdr_bundle import ENVELOPE_FILE
from workbench.services.bundles import build_bundle_files, verify_files
from workbench.signing import Endorsement, SigningKey, TrustStore, add_signature, sign_envelope
from workbench.signing.dsse import make_statement


def _sslib_key(key: SigningKey) -> SSlibKey:
    return SSlibKey(keyid=key.key_id, keytype="ed25519", scheme="ed25519",
                    keyval={"public": key.public_key.raw.hex()})


def _sslib_signer(tmp_path: Path, key: SigningKey) -> CryptoSigner:
    pem = (Path(key.info.key_dir) / f"{key.key_id}.key").read_bytes()
    private = serialization.load_pem_private_key(pem, password=None)
    return CryptoSigner(private, _sslib_key(key))  # type: ignore[arg-type]


def _statement() -> dict[str, object]:
    return make_statement({"record.md": b"# MDR\n"}, {"mdr_id": "MDR-0001"})


def test_securesystemslib_verifies_the_workbench_envelope_with_the_documented_keyid(tmp_path: Path) -> None:
    ana, bo = make_key(tmp_path), make_key(tmp_path, "Bo", "bo@example.com")
    env = add_signature(sign_envelope(_statement(), ana), bo)
    sslib_env = Envelope.from_dict(json.loads(json.dumps(env)))
    verified = sslib_env.verify([_sslib_key(ana), _sslib_key(bo)], 2)
    assert set(verified) == {ana.key_id, bo.key_id}
    # with securesystemslib's own default keyid the key is not found: the convention matters
    other = SSlibKey.from_crypto(serialization.load_pem_public_key(ana.public_key.pem()))  # type: ignore[arg-type]
    assert other.keyid != ana.key_id
    with pytest.raises(VerificationError):
        Envelope.from_dict(json.loads(json.dumps(env))).verify([other], 1)


def test_a_dissent_does_not_count_for_securesystemslib_either(tmp_path: Path) -> None:
    ana, sec = make_key(tmp_path), make_key(tmp_path, "Sam", "sec@example.com")
    env = add_signature(sign_envelope(_statement(), ana), sec,
                        endorsement=Endorsement(verdict="dissent", reason="no DPA with the vendor"))
    sslib_env = Envelope.from_dict(json.loads(json.dumps(env)))
    with pytest.raises(VerificationError):
        sslib_env.verify([_sslib_key(ana), _sslib_key(sec)], 2)
    assert set(Envelope.from_dict(json.loads(json.dumps(env))).verify([_sslib_key(ana), _sslib_key(sec)], 1)) == {
        ana.key_id}


def test_the_workbench_verifies_a_securesystemslib_co_signature_against_the_trust_store(tmp_path: Path) -> None:
    ana, bo = make_key(tmp_path), make_key(tmp_path, "Bo Builder", "bo@example.com")
    files = build_bundle_files(record(), {"scores": [0.8, 0.6], "smaa_seed": 1}, [ana])
    sslib_env = Envelope.from_dict(load_json(files[ENVELOPE_FILE], "env"))
    sslib_env.sign(_sslib_signer(tmp_path, bo))  # a plain {keyid, sig} co-signature
    doc = sslib_env.to_dict()
    assert set(doc["signatures"][1]) == {"keyid", "sig"}
    # securesystemslib writes its own JSON layout (not RFC 8785): the signatures cover the payload, not the layout
    cosigned = {**files, ENVELOPE_FILE: json.dumps(doc, indent=2).encode()}
    report = verify_files(cosigned, TrustStore.of_keys([ana.public_key, bo.public_key]))
    assert report.verdict == "verified", report.problems
    plain = report.signatures[1]
    assert plain.plain and plain.trusted and plain.signer == "Bo Builder <bo@example.com>" and plain.verdict == "approve"
    # Bo not in the trust store: the co-signature is valid but untrusted (no public key file came with it)
    report = verify_files(cosigned, TrustStore.of_keys([ana.public_key]))
    assert report.verdict == "failed" and "no public key for keyid" in report.problems[0]
    bo_pub = {f"public_keys/{bo.key_id}.pub": bo.public_key.pem()}
    report = verify_files({**cosigned, **bo_pub}, TrustStore.of_keys([ana.public_key]))
    assert report.verdict == "untrusted" and report.exit_code == 3


def test_verification_does_not_depend_on_envelope_formatting(tmp_path: Path) -> None:
    ana = make_key(tmp_path)
    files = build_bundle_files(record(), {"scores": [0.8, 0.6], "smaa_seed": 1}, [ana])
    env = load_json(files[ENVELOPE_FILE], "env")
    trust = TrustStore.of_keys([ana.public_key])
    reordered = {"signatures": env["signatures"], "payloadType": env["payloadType"], "payload": env["payload"]}
    for text in (json.dumps(env, indent=2), json.dumps(reordered, indent="\t", ensure_ascii=True) + "\n",
                 json.dumps(env, separators=(", ", ": "))):
        report = verify_files({**files, ENVELOPE_FILE: text.encode()}, trust)
        assert report.verdict == "verified", report.problems
    assert verify(env, ana.public_key).verdict == "verified"
