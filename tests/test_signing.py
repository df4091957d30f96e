"""Ed25519 keys, DSSE PAE / envelopes, in-toto Statements, co-signing and tamper detection."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import pickle
import stat
from datetime import date
from pathlib import Path

import pytest

from workbench.domain.mdr import MDR, draft_mdr
from workbench.domain.models import Profile
from workbench.domain.snapshot import canonical_json
from workbench.io.mdr_bundle import (
    ENVELOPE_FILE,
    RECORD_FILE,
    SNAPSHOT_FILE,
    build_bundle_files,
    verify_files,
)
from workbench.signing import (
    PAYLOAD_TYPE,
    STATEMENT_TYPE,
    KeyPermissionError,
    PublicKey,
    SigningError,
    SigningKey,
    add_signature,
    default_key_dir,
    find_signing_key,
    init_key,
    key_id_for,
    list_keys,
    load_public_key,
    load_signing_key,
    make_statement,
    pae,
    sign_envelope,
    verify_envelope,
)


def _key(tmp_path: Path, name: str = "Ana Lima", email: str = "ana@example.com") -> SigningKey:
    info = init_key(name, email, tmp_path / "keys")
    return load_signing_key(tmp_path / "keys" / f"{info.key_id}.key")


def _record() -> MDR:
    return draft_mdr(
        record_id="MDR-0001",
        profile=Profile(name="Ticket triage", task_class="classification"),
        ranked=[("model-a", 0.8), ("model-b", 0.6)],
        excluded={"model-c": ["context 8K < required 16K"]},
        economics={"cost_per_success_usd": 0.0036},
        decision_makers=["Ana Lima"],
        today=date(2026, 6, 7),
    )


def _statement() -> dict[str, object]:
    return make_statement({"record.md": b"# hello\n"}, {"mdr_id": "MDR-0001", "status": "draft"})


# --------------------------------------------------------------------------- PAE


def test_pae_matches_the_dsse_spec_vector() -> None:
    # secure-systems-lab/dsse protocol.md test vector
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_pae_counts_bytes_not_characters() -> None:
    assert pae("t/é", "ü".encode()) == b"DSSEv1 4 t/\xc3\xa9 2 \xc3\xbc"
    assert pae("", b"") == b"DSSEv1 0  0 "


# --------------------------------------------------------------------------- keys


def test_init_key_writes_private_key_0600_and_documented_key_id(tmp_path: Path) -> None:
    info = init_key("Ana Lima", "ana@example.com", tmp_path / "keys")
    key_file = tmp_path / "keys" / f"{info.key_id}.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    raw = base64.b64decode(info.public_key)
    assert len(raw) == 32 and info.key_id == hashlib.sha256(raw).hexdigest() == key_id_for(raw)
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    # nothing but the .key file holds private material
    for other in (tmp_path / "keys").iterdir():
        if other != key_file:
            assert b"PRIVATE" not in other.read_bytes()
    assert "PRIVATE" not in info.model_dump_json()
    assert list_keys(tmp_path / "keys") == [info]


def test_default_key_dir_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKBENCH_KEY_DIR", str(tmp_path / "k"))
    assert default_key_dir() == tmp_path / "k"
    monkeypatch.delenv("WORKBENCH_KEY_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_key_dir() == tmp_path / "cfg" / "workbench" / "keys"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_key_dir() == tmp_path / "home" / ".config" / "workbench" / "keys"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644, 0o601])
def test_private_key_with_group_or_other_permissions_is_refused(tmp_path: Path, mode: int) -> None:
    key = _key(tmp_path)
    path = tmp_path / "keys" / f"{key.key_id}.key"
    os.chmod(path, mode)
    with pytest.raises(KeyPermissionError, match="chmod 600"):
        load_signing_key(path)
    os.chmod(path, 0o600)
    assert load_signing_key(path).key_id == key.key_id


def test_private_key_material_never_leaks(tmp_path: Path) -> None:
    key = _key(tmp_path)
    secret = (tmp_path / "keys" / f"{key.key_id}.key").read_bytes()
    der_body = b"".join(secret.splitlines()[1:-1]).decode()
    assert der_body not in repr(key) and der_body not in str(key.info)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(key)
    assert not hasattr(key, "private_bytes")


def test_bad_key_inputs(tmp_path: Path) -> None:
    with pytest.raises(SigningError, match="e-mail"):
        init_key("Ana", "not-an-email", tmp_path)
    with pytest.raises(SigningError, match="name"):
        init_key(" ", "a@b.c", tmp_path)
    with pytest.raises(SigningError, match="not found"):
        load_signing_key(tmp_path / "missing.key")
    bogus = tmp_path / "bogus.key"
    bogus.write_bytes(b"hello")
    os.chmod(bogus, 0o600)
    with pytest.raises(SigningError, match="not an unencrypted PEM"):
        load_signing_key(bogus)
    with pytest.raises(SigningError, match="not an Ed25519 public key"):
        load_public_key(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")


def test_public_key_formats_and_key_lookup(tmp_path: Path) -> None:
    key = _key(tmp_path)
    raw = key.public_key.raw
    pem_path = tmp_path / "keys" / f"{key.key_id}.pub"
    assert load_public_key(pem_path).raw == raw
    assert load_public_key(base64.b64encode(raw)).raw == raw
    assert load_public_key(raw.hex().encode()).raw == raw
    assert find_signing_key("ana@example.com", tmp_path / "keys").key_id == key.key_id
    assert find_signing_key(key.key_id[:12], tmp_path / "keys").key_id == key.key_id
    with pytest.raises(SigningError, match="no private key"):
        find_signing_key("bob@example.com", tmp_path / "keys")


# --------------------------------------------------------------------------- envelopes


def test_sign_and_verify_statement(tmp_path: Path) -> None:
    key = _key(tmp_path)
    env = sign_envelope(_statement(), key, signed_at="2026-06-07T10:00:00Z")
    assert env["payloadType"] == PAYLOAD_TYPE
    body = base64.b64decode(env["payload"])
    assert body == canonical_json(_statement())
    stmt = json.loads(body)
    assert stmt["_type"] == STATEMENT_TYPE == "https://in-toto.io/Statement/v1"
    assert stmt["subject"] == [{"name": "record.md", "digest": {"sha256": hashlib.sha256(b"# hello\n").hexdigest()}}]
    assert env["signatures"][0]["keyid"] == key.key_id
    result = verify_envelope(env, [key.public_key])
    assert result.ok, result.problems
    sig = result.signatures[0]
    assert (sig.name, sig.email, sig.signed_at) == ("Ana Lima", "ana@example.com", "2026-06-07T10:00:00Z")
    assert result.statement == stmt and result.payload == body


def test_wrong_public_key_fails(tmp_path: Path) -> None:
    key, other = _key(tmp_path), _key(tmp_path, "Bo", "bo@example.com")
    env = sign_envelope(_statement(), key)
    result = verify_envelope(env, [other.public_key])
    assert not result.ok and "no public key for keyid" in result.problems[0]
    # even when the attacker relabels the keyid to match the wrong key, the signature fails
    env["signatures"][0]["keyid"] = other.key_id
    result = verify_envelope(env, [other.public_key])
    assert not result.ok and "does not verify" in result.problems[0]


def test_payload_type_confusion_is_rejected(tmp_path: Path) -> None:
    key = _key(tmp_path)
    # 1. signed as another type, relabelled as in-toto: the signature covers the type, so it breaks
    env = sign_envelope(_statement(), key, payload_type="application/vnd.example.other+json")
    relabelled = {**env, "payloadType": PAYLOAD_TYPE}
    result = verify_envelope(relabelled, [key.public_key])
    assert not result.ok and any("does not verify" in p for p in result.problems)
    # 2. a valid signature over another payload type is not accepted as an in-toto attestation
    result = verify_envelope(env, [key.public_key])
    assert not result.ok and any("is not accepted" in p for p in result.problems)
    # ... but verifies when the caller explicitly allows that type
    assert verify_envelope(env, [key.public_key], allowed_payload_types=frozenset({env["payloadType"]})).ok
    # 3. signer block signed for one payload cannot be replayed onto another
    env2 = sign_envelope(make_statement({"x": b"y"}, {}), key)
    spliced = {**env2, "signatures": [{**env2["signatures"][0], "extension": env["signatures"][0]["extension"]}]}
    assert not verify_envelope(spliced, [key.public_key]).ok


def test_url_safe_base64_is_accepted_but_not_in_strict_mode(tmp_path: Path) -> None:
    key = _key(tmp_path)
    kind = "application/vnd.example.bytes"
    body = b"\xfb\xff\xfe" * 20  # standard base64 of this uses '+' and '/'
    env = sign_envelope(body, key, payload_type=kind)
    assert "/" in env["payload"]
    url = {**env, "payload": base64.urlsafe_b64encode(body).decode().rstrip("=")}
    res = verify_envelope(url, [key.public_key], allowed_payload_types=frozenset({kind}))
    assert res.ok and res.payload == body  # DSSE: either alphabet
    strict = verify_envelope(url, [key.public_key], allowed_payload_types=frozenset({kind}), strict=True)
    assert not strict.ok and "base64" in strict.problems[0]


def test_co_signing_each_signer_adds_one_signature(tmp_path: Path) -> None:
    ana, bo = _key(tmp_path), _key(tmp_path, "Bo", "bo@example.com")
    env = add_signature(sign_envelope(_statement(), ana), bo)
    assert [s["keyid"] for s in env["signatures"]] == [ana.key_id, bo.key_id]
    result = verify_envelope(env, [ana.public_key, bo.public_key], threshold=2)
    assert result.ok and {s.email for s in result.signatures} == {"ana@example.com", "bo@example.com"}
    with pytest.raises(SigningError, match="already signed"):
        add_signature(env, bo)
    # a verifier who knows only Ana's key cannot check Bo's signature: every signature must verify
    assert not verify_envelope(env, [ana.public_key]).ok
    # a tampered co-signature fails the envelope
    bad = json.loads(json.dumps(env))
    sig = bytearray(base64.b64decode(bad["signatures"][1]["sig"]))
    sig[0] ^= 1
    bad["signatures"][1]["sig"] = base64.b64encode(bytes(sig)).decode()
    assert not verify_envelope(bad, [ana.public_key, bo.public_key]).ok
    # threshold: two signatures required, one present
    assert not verify_envelope(sign_envelope(_statement(), ana), [ana.public_key], threshold=2).ok


def test_signer_identity_and_time_are_signed(tmp_path: Path) -> None:
    key = _key(tmp_path)
    env = sign_envelope(_statement(), key, signed_at="2026-06-07T10:00:00Z")
    forged = json.loads(json.dumps(env))
    forged["signatures"][0]["extension"]["ext"]["signer"]["signed_at"] = "2020-01-01T00:00:00Z"
    result = verify_envelope(forged, [key.public_key])
    assert not result.ok and "signer block signature" in result.problems[0]
    no_ext = json.loads(json.dumps(env))
    del no_ext["signatures"][0]["extension"]
    assert verify_envelope(no_ext, [key.public_key]).ok  # plain DSSE interop
    assert not verify_envelope(no_ext, [key.public_key], strict=True).ok  # bundles require it


def test_unsigned_or_malformed_envelopes(tmp_path: Path) -> None:
    key = _key(tmp_path)
    assert not verify_envelope({"payload": "", "payloadType": PAYLOAD_TYPE, "signatures": []}, [key.public_key]).ok
    assert "missing field" in verify_envelope({"payload": ""}, [key.public_key]).problems[0]
    assert "not valid JSON" in verify_envelope(b"{", [key.public_key]).problems[0]


# --------------------------------------------------------------------------- bundle tampering


def _flips(data: bytes, index: int) -> list[bytes]:
    out = []
    for mask in (0x01, 0x20):
        changed = bytearray(data)
        changed[index] ^= mask
        out.append(bytes(changed))
    return out


@pytest.fixture(scope="module")
def signed_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], PublicKey]:
    tmp = tmp_path_factory.mktemp("bundle")
    key = _key(tmp)
    files = build_bundle_files(
        _record(), {"weights": [0.5, 0.5], "smaa_seed": 7}, [key], exported_at="2026-06-07T10:00:00Z"
    )
    return files, key.public_key


@pytest.mark.parametrize("name", [RECORD_FILE, SNAPSHOT_FILE, ENVELOPE_FILE, "public key"])
def test_every_changed_byte_is_detected_and_names_the_file(
    signed_bundle: tuple[dict[str, bytes], PublicKey], name: str
) -> None:
    files, pub = signed_bundle
    if name == "public key":
        name = next(n for n in files if n.startswith("public_keys/"))
    assert verify_files(files, [pub]).verdict == "verified"
    assert verify_files(files).verdict == "verified_untrusted_keys"
    data = files[name]
    undetected = []
    for i in range(len(data)):
        for n, changed in enumerate(_flips(data, i)):
            # with the trusted key for both flips; with the bundle's own keys for the first
            for keys in ([pub], None) if n == 0 else ([pub],):
                report = verify_files({**files, name: changed}, keys)
                if report.ok or not any(p.startswith(f"{name}: ") for p in report.problems):
                    undetected.append((i, keys is None, report.problems))
    assert undetected == []


def test_wrong_public_key_fails_the_bundle(signed_bundle: tuple[dict[str, bytes], PublicKey], tmp_path: Path) -> None:
    files, _ = signed_bundle
    other = _key(tmp_path, "Eve", "eve@example.com")
    report = verify_files(files, [other.public_key])
    assert not report.ok and report.verdict == "failed"
    assert f"{ENVELOPE_FILE}: no signature by a provided public key" in report.problems
    stripped = {n: d for n, d in files.items() if not n.startswith("public_keys/")}
    report = verify_files(stripped, [other.public_key])
    assert not report.ok and any("no public key for keyid" in p for p in report.problems)
