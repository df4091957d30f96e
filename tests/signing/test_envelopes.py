"""DSSE PAE / envelopes of in-toto Statements: signing, co-signing, trust, approve/dissent, forgeries."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from tests.signing.helpers import make_key, statement, verify
from workbench.domain.snapshot import canonical_json
from workbench.signing import (
    DISSENT_KIND,
    PAYLOAD_TYPE,
    STATEMENT_TYPE,
    Endorsement,
    SigningError,
    TrustedKey,
    TrustStore,
    add_signature,
    make_statement,
    pae,
    sign_envelope,
)
from workbench.signing.dsse import signature_entry


def test_pae_matches_the_dsse_spec_vector() -> None:
    # secure-systems-lab/dsse protocol.md test vector
    assert pae("http://example.com/HelloWorld", b"hello world") == b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"


def test_pae_counts_bytes_not_characters() -> None:
    assert pae("t/é", "ü".encode()) == b"DSSEv1 4 t/\xc3\xa9 2 \xc3\xbc"
    assert pae("", b"") == b"DSSEv1 0  0 "


def test_sign_and_verify_statement_with_a_trusted_key(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    env = sign_envelope(statement(), key, signed_at="2026-06-07T10:00:00Z")
    body = base64.b64decode(env["payload"])
    assert env["payloadType"] == PAYLOAD_TYPE and body == canonical_json(statement())
    stmt = json.loads(body)
    assert stmt["_type"] == STATEMENT_TYPE == "https://in-toto.io/Statement/v1"
    assert stmt["subject"] == [{"name": "record.md", "digest": {"sha256": hashlib.sha256(b"# hello\n").hexdigest()}}]
    assert env["signatures"][0]["keyid"] == key.key_id
    result = verify(env, key.public_key)
    assert result.verdict == "verified", result.problems
    sig = result.signatures[0]
    assert (sig.valid, sig.trusted, sig.verdict, sig.identity_basis) == (True, True, "approve", "self-asserted")
    assert sig.signer == "Ana Lima <ana@example.com>" and sig.fingerprint == key.public_key.fingerprint
    assert result.statement == stmt and result.payload == body


def test_valid_but_untrusted_is_its_own_verdict(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    env = sign_envelope(statement(), key)
    result = verify(env, extra=(key.public_key,))  # the key came with the bundle: valid, never trusted
    assert result.verdict == "untrusted"
    sig = result.signatures[0]
    assert sig.valid and not sig.trusted and sig.signer == "Ana Lima <ana@example.com> (claimed)"
    assert "not in the trust store" in (sig.reason or "")
    assert verify(env).verdict == "failed"  # no key at all: cannot even be checked


def test_revoked_key_is_not_trusted(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    entry = TrustedKey.of(key.public_key).model_copy(update={"revoked_at": "2026-06-08T00:00:00Z", "revoked_by": "sec"})
    from workbench.io.json_text import load_json
    from workbench.signing import verify_envelope

    result = verify_envelope(sign_envelope(statement(), key), TrustStore([entry]), parse_json=load_json)
    assert result.verdict == "untrusted" and "revoked" in (result.signatures[0].reason or "")


def test_wrong_public_key_fails(tmp_path: Path) -> None:
    key, other = make_key(tmp_path), make_key(tmp_path, "Bo", "bo@example.com")
    env = sign_envelope(statement(), key)
    result = verify(env, other.public_key)
    assert result.verdict == "failed" and "no public key for keyid" in result.problems[0]
    env["signatures"][0]["keyid"] = other.key_id  # relabelling the keyid does not help
    assert "does not verify" in verify(env, other.public_key).problems[0]


def test_payload_type_confusion_is_rejected(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    env = sign_envelope(statement(), key, payload_type="application/vnd.example.other+json")
    relabelled = {**env, "payloadType": PAYLOAD_TYPE}
    assert any("does not verify" in p for p in verify(relabelled, key.public_key).problems)
    assert any("is not accepted" in p for p in verify(env, key.public_key).problems)
    allowed = frozenset({env["payloadType"]})
    assert verify(env, key.public_key, allowed_payload_types=allowed).verdict == "verified"
    env2 = sign_envelope(make_statement({"x": b"y"}, {}), key)  # a signer block cannot be replayed elsewhere
    spliced = {**env2, "signatures": [{**env2["signatures"][0], "extension": env["signatures"][0]["extension"]}]}
    assert verify(spliced, key.public_key).verdict == "failed"


def test_url_safe_and_unpadded_base64_are_accepted(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    kind = "application/vnd.example.bytes"
    body = b"\xfb\xff\xfe" * 20  # standard base64 of this uses '+' and '/'
    env = sign_envelope(body, key, payload_type=kind)
    assert "/" in env["payload"]
    url = {**env, "payload": base64.urlsafe_b64encode(body).decode().rstrip("=")}
    res = verify(url, key.public_key, allowed_payload_types=frozenset({kind}))
    assert res.verdict == "verified" and res.payload == body


def test_co_signing_each_signer_adds_one_signature(tmp_path: Path) -> None:
    ana, bo = make_key(tmp_path), make_key(tmp_path, "Bo", "bo@example.com")
    env = add_signature(sign_envelope(statement(), ana), bo)
    assert [s["keyid"] for s in env["signatures"]] == [ana.key_id, bo.key_id]
    assert verify(env, ana.public_key, bo.public_key).verdict == "verified"
    with pytest.raises(SigningError, match="already signed"):
        add_signature(env, bo)
    assert verify(env, ana.public_key).verdict == "failed"  # Bo's key unknown: cannot be checked
    assert verify(env, ana.public_key, extra=(bo.public_key,)).verdict == "untrusted"
    bad = json.loads(json.dumps(env))
    sig = bytearray(base64.b64decode(bad["signatures"][1]["sig"]))
    sig[0] ^= 1
    bad["signatures"][1]["sig"] = base64.b64encode(bytes(sig)).decode()
    assert verify(bad, ana.public_key, bo.public_key).verdict == "failed"


def test_signer_identity_and_time_are_signed(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    env = sign_envelope(statement(), key, signed_at="2026-06-07T10:00:00Z")
    forged = json.loads(json.dumps(env))
    forged["signatures"][0]["extension"]["ext"]["signer"]["signed_at"] = "2020-01-01T00:00:00Z"
    assert "signer block signature" in verify(forged, key.public_key).problems[0]
    plain = json.loads(json.dumps(env))
    del plain["signatures"][0]["extension"]
    result = verify(plain, key.public_key)  # plain DSSE interop: valid, identity from the trust store
    assert result.verdict == "verified" and result.signatures[0].plain
    assert result.signatures[0].signer == "Ana Lima <ana@example.com>"


def test_unsigned_or_malformed_envelopes(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    unsigned = {"payload": base64.b64encode(canonical_json(statement())).decode(), "payloadType": PAYLOAD_TYPE,
                "signatures": []}
    assert verify(unsigned, key.public_key).verdict == "unsigned"
    assert "missing field" in verify({"payload": ""}, key.public_key).problems[0]
    env = sign_envelope(statement(), key)
    assert "unexpected field" in verify({**env, "note": "x"}, key.public_key).problems[0]


# --------------------------------------------------------------------------- approve and dissent


def test_dissent_is_signed_with_its_reason_and_never_counts_as_an_endorsement(tmp_path: Path) -> None:
    ana, sec = make_key(tmp_path), make_key(tmp_path, "Sam Sec", "sec@example.com")
    no = Endorsement(verdict="dissent", reason="PII leaves the EU", role="security")
    env = add_signature(sign_envelope(statement(), ana), sec, endorsement=no)
    result = verify(env, ana.public_key, sec.public_key)
    assert result.verdict == "verified"
    d = result.signatures[1]
    assert (d.verdict, d.dissent_reason, d.reason, d.role) == ("dissent", "PII leaves the EU", "PII leaves the EU",
                                                               "security")
    # the dissent's DSSE signature covers PAE(DISSENT_KIND, payload), not the payload type: a plain DSSE
    # verifier counting signatures does not count it
    payload = base64.b64decode(env["payload"])
    sig = base64.b64decode(env["signatures"][1]["sig"])
    assert sec.public_key.verify(sig, pae(DISSENT_KIND, payload))
    assert not sec.public_key.verify(sig, pae(PAYLOAD_TYPE, payload))
    # stripping the signer block to pass the dissent off as an approval breaks it
    stripped = json.loads(json.dumps(env))
    del stripped["signatures"][1]["extension"]
    assert verify(stripped, ana.public_key, sec.public_key).verdict == "failed"
    # turning the verdict into "approve" breaks the signer block's signature
    flipped = json.loads(json.dumps(env))
    flipped["signatures"][1]["extension"]["ext"]["signer"]["verdict"] = "approve"
    assert verify(flipped, ana.public_key, sec.public_key).verdict == "failed"
    with pytest.raises(SigningError, match="needs a reason"):
        Endorsement(verdict="dissent")


# --------------------------------------------------------------------------- three cases the old tests missed


def test_signer_block_naming_another_key_is_refused(tmp_path: Path) -> None:
    """Eve signs, but her signer block names Ana's key id (and Ana's name): invalid, not "Ana"."""
    ana, eve = make_key(tmp_path), make_key(tmp_path, "Ana Lima", "ana@example.com", sub="eve")
    env = sign_envelope(statement(), eve)
    import rfc8785

    from workbench.signing import SIGNER_EXTENSION_KIND, b64encode

    signer = dict(env["signatures"][0]["extension"]["ext"]["signer"], keyid=ana.key_id)
    env["signatures"][0]["extension"]["ext"] = {
        "signer": signer, "sig": b64encode(eve.sign(pae(SIGNER_EXTENSION_KIND, rfc8785.dumps(signer))))}
    result = verify(env, ana.public_key, extra=(eve.public_key,))
    assert result.verdict == "failed"
    assert "signer block names another key" in (result.signatures[0].reason or "")


def test_the_same_key_signing_twice_counts_once_and_fails(tmp_path: Path) -> None:
    ana = make_key(tmp_path)
    env = sign_envelope(statement(), ana)
    payload = base64.b64decode(env["payload"])
    env["signatures"].append(signature_entry(PAYLOAD_TYPE, payload, ana, signed_at="2026-06-08T00:00:00Z"))
    result = verify(env, ana.public_key)
    assert result.verdict == "failed"
    assert result.signatures[1].reason == "the same key signed more than once"


def test_a_payload_that_is_not_an_in_toto_statement_is_refused(tmp_path: Path) -> None:
    ana = make_key(tmp_path)
    for body in ({"hello": "world"}, {"_type": STATEMENT_TYPE}, [1, 2]):
        env = sign_envelope(canonical_json(body), ana)
        result = verify(env, ana.public_key)
        assert result.verdict == "failed" and any("in-toto Statement" in p for p in result.problems), body
    dup = b'{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"a","predicateType":"b"}'
    result = verify(sign_envelope(dup, ana), ana.public_key)
    assert result.verdict == "failed" and any("duplicate key" in p for p in result.problems)


def test_a_claimed_identity_that_contradicts_the_trust_store_fails(tmp_path: Path) -> None:
    """A trusted key of Bo whose signer block claims Ana: the trust store decides who signed, and the lie fails."""
    bo_as_ana = make_key(tmp_path, "Ana Lima", "ana@example.com")
    entry = TrustedKey.of(bo_as_ana.public_key).model_copy(update={"name": "Bo", "email": "bo@example.com"})
    from workbench.io.json_text import load_json
    from workbench.signing import verify_envelope

    result = verify_envelope(sign_envelope(statement(), bo_as_ana), TrustStore([entry]), parse_json=load_json)
    assert result.verdict == "failed" and "trust store binds this key to Bo" in (result.signatures[0].reason or "")
