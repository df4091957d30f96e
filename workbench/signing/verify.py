"""Verify a DSSE envelope's signatures against a trust store: valid, trusted, and what each signer said.

For each signature: ``valid`` = it verifies with a known public key over the PAE of the payload bytes (the
envelope's JSON formatting plays no part), its signer block (if any) is signed by the same key, names that
key and this payload; ``trusted`` = that key is in the trust store and not revoked. Keys from a bundle
(``extra_keys``) can make a signature valid, never trusted. The result fails closed: :attr:`verdict` is
``verified`` only when there is at least one signature and every one is valid and trusted.

Checks beyond one signature: the same key may sign only once; the payload type must be allowed; an in-toto
payload must be an in-toto Statement v1 (``_type``, a ``subject`` list, a ``predicateType``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import rfc8785
from pydantic import BaseModel, ConfigDict

from workbench.signing.dsse import (
    ALLOWED_PAYLOAD_TYPES,
    PAYLOAD_TYPE,
    SIGNER_EXTENSION_KIND,
    SIGNER_FIELDS,
    SIGNER_OPTIONAL_FIELDS,
    STATEMENT_TYPE,
    b64decode,
    envelope_parts,
    pae,
    signed_message,
)
from workbench.signing.errors import SigningError
from workbench.signing.keys import PublicKey, fingerprint_for
from workbench.signing.trust import TrustStore

EnvelopeVerdict = Literal["verified", "untrusted", "unsigned", "failed"]
ParseJson = Callable[[bytes, str], Any]


class SignatureCheck(BaseModel):
    """One signature as ``mdr verify --json`` reports it (plus display fields)."""

    model_config = ConfigDict(extra="forbid")

    index: int
    keyid: str
    fingerprint: str | None = None
    signer: str | None = None  #: "Name <e-mail>": the trust store's when trusted, else the signer's claim
    identity_basis: str | None = None  #: "oidc" | "self-asserted" (what the signing app established)
    trusted: bool = False
    valid: bool = False
    verdict: str | None = None  #: "approve" | "dissent"
    reason: str | None = None  #: why invalid or untrusted; for a valid trusted dissent, the dissent's reason
    dissent_reason: str | None = None
    role: str | None = None
    name: str | None = None
    email: str | None = None
    signed_at: str | None = None
    key_source: str | None = None  #: trust_store | bundle | None (no key found)
    plain: bool = False  #: a plain DSSE signature without the workbench's signer block


class EnvelopeVerification(BaseModel):
    """Result of :func:`verify_envelope`. ``payload`` and ``statement`` come from the verified bytes."""

    model_config = ConfigDict(extra="forbid")

    verdict: EnvelopeVerdict
    payload_type: str | None = None
    signatures: list[SignatureCheck] = []
    problems: list[str] = []
    payload: bytes | None = None
    statement: dict[str, Any] | None = None

    @property
    def valid(self) -> bool:
        """Every signature valid and the structure sound (trust aside)."""
        return self.verdict in ("verified", "untrusted")


def _signer_block(entry: Mapping[str, Any]) -> tuple[dict[str, Any] | None, bytes | None, str | None]:
    """(signer, its signature bytes, problem) from a signature's extension; (None, None, None) if absent."""
    ext = entry.get("extension")
    if ext is None:
        return None, None, None
    if not isinstance(ext, dict) or set(ext) != {"kind", "ext"} or ext.get("kind") != SIGNER_EXTENSION_KIND:
        return None, None, "signer extension malformed or of unknown kind"
    body = ext["ext"]
    if not isinstance(body, dict) or set(body) != {"signer", "sig"}:
        return None, None, "signer extension malformed"
    signer = body["signer"]
    if (not isinstance(signer, dict) or not SIGNER_FIELDS <= set(signer) <= SIGNER_FIELDS | SIGNER_OPTIONAL_FIELDS
            or not all(isinstance(v, str) for v in signer.values())):
        return None, None, "signer block malformed"
    if signer.get("verdict", "approve") not in ("approve", "dissent"):
        return None, None, "signer block: verdict must be approve or dissent"
    if signer.get("identity_basis", "self-asserted") not in ("oidc", "self-asserted"):
        return None, None, "signer block: identity_basis must be oidc or self-asserted"
    if signer.get("verdict") == "dissent" and not signer.get("reason", "").strip():
        return None, None, "signer block: a dissent without a reason"
    try:
        sig = b64decode(body["sig"], what="signer signature")
    except SigningError as exc:
        return None, None, str(exc)
    return signer, sig, None


def _find_key(
    check: SignatureCheck, sig: bytes, verdict: str, payload_type: str, payload: bytes,
    trust: TrustStore, extra_keys: Sequence[PublicKey],
) -> PublicKey | None:
    """The known key (trust store first, then the bundle's) that made ``sig``; sets ``check.reason`` if none."""
    known = [*trust.public_keys(), *(k for k in extra_keys if trust.get(k.key_id) is None)]
    candidates = [k for k in known if k.key_id == check.keyid] if check.keyid else known
    if not candidates:
        check.reason = f"no public key for keyid {check.keyid or '(none)'} (not in the trust store, not in the bundle)"
        return None
    key = next((k for k in candidates if k.verify(sig, signed_message(payload_type, payload, verdict))), None)
    if key is None:
        check.reason = "signature does not verify with the public key" + ("" if len(candidates) == 1 else "s")
    return key


def _apply_signer(check: SignatureCheck, signer: dict[str, Any], signer_sig: bytes, key: PublicKey,
                  payload_type: str, payload: bytes) -> str | None:
    """Check the signer block against the key and payload and copy its claims; returns the problem, if any."""
    if not key.verify(signer_sig, pae(SIGNER_EXTENSION_KIND, rfc8785.dumps(signer))):
        return "signer block signature does not verify"
    if signer["keyid"] != key.key_id:
        return f"signer block names another key ({signer['keyid'][:16]}…)"
    if signer["payload_type"] != payload_type or signer["payload_sha256"] != hashlib.sha256(payload).hexdigest():
        return "signer block belongs to another payload"
    check.name, check.email, check.signed_at = signer["name"], signer["email"], signer["signed_at"]
    check.identity_basis = signer.get("identity_basis", "self-asserted")
    check.role = signer.get("role") or None
    check.dissent_reason = (signer.get("reason") or None) if check.verdict == "dissent" else None
    return None


def _apply_trust(check: SignatureCheck, trust: TrustStore, key: PublicKey) -> None:
    """Who the key belongs to (the trust store, when it names someone), whether it is trusted; a claim that
    contradicts the trust store makes the signature invalid."""
    entry = trust.get(key.key_id)
    bound = entry is not None and bool(entry.email)  # a key given for one run (--pubkey) names nobody
    if entry is not None and bound and check.email and check.email.strip().lower() != entry.email.strip().lower():
        check.reason = (f"signer block claims {check.name} <{check.email}>, but the trust store binds this key to "
                        f"{entry.name} <{entry.email}>")
        return
    check.valid = True
    if entry is None:
        check.signer = f"{check.name or '?'} <{check.email or '?'}> (claimed)" if not check.plain else None
        check.reason = check.dissent_reason or "valid, but the key is not in the trust store"
        return
    if bound:
        check.name, check.email = entry.name, entry.email
    check.signer = f"{check.name or '?'} <{check.email or '?'}>"
    check.trusted = not entry.revoked
    check.reason = f"key revoked {entry.revoked_at} by {entry.revoked_by}" if entry.revoked else check.dissent_reason


def _check_signature(
    index: int, entry: Mapping[str, Any], payload_type: str, payload: bytes,
    trust: TrustStore, extra_keys: Sequence[PublicKey],
) -> SignatureCheck:
    keyid = entry.get("keyid", "")
    check = SignatureCheck(index=index, keyid=keyid if isinstance(keyid, str) else "")
    extra = sorted(set(entry) - {"keyid", "sig", "extension"})
    if extra:
        check.reason = f"unexpected field(s) {', '.join(extra)}"
        return check
    try:
        sig = b64decode(entry.get("sig"), what=f"signatures[{index}].sig")
    except SigningError as exc:
        check.reason = str(exc)
        return check
    signer, signer_sig, problem = _signer_block(entry)
    if problem:
        check.reason = problem
        return check
    verdict = signer.get("verdict", "approve") if signer else "approve"
    key = _find_key(check, sig, verdict, payload_type, payload, trust, extra_keys)
    if key is None:
        return check
    check.keyid, check.fingerprint, check.key_source = key.key_id, fingerprint_for(key.raw), key.source
    check.verdict = verdict
    if signer is None or signer_sig is None:
        check.plain, check.identity_basis = True, "self-asserted"
    else:
        check.reason = _apply_signer(check, signer, signer_sig, key, payload_type, payload)
        if check.reason:
            return check
    _apply_trust(check, trust, key)
    return check


def _check_statement(payload: bytes, parse_json: ParseJson) -> tuple[dict[str, Any] | None, str | None]:
    try:
        statement = parse_json(payload, "envelope payload")
    except ValueError as exc:
        return None, f"payload is not JSON: {exc}"
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
        return None, f"payload is not an in-toto Statement v1 (_type must be {STATEMENT_TYPE})"
    if not isinstance(statement.get("subject"), list) or not isinstance(statement.get("predicateType"), str):
        return None, "payload is not an in-toto Statement v1 (needs a subject list and a predicateType)"
    return statement, None


def verify_envelope(
    envelope: Mapping[str, Any], trust: TrustStore, *, parse_json: ParseJson,
    extra_keys: Sequence[PublicKey] = (), allowed_payload_types: frozenset[str] = ALLOWED_PAYLOAD_TYPES,
) -> EnvelopeVerification:
    """Verify every signature of a DSSE envelope (see the module docstring). ``parse_json`` reads the
    payload strictly (the services pass :func:`workbench.io.json_text.load_json`)."""
    try:
        payload_type, payload, entries = envelope_parts(envelope)
    except SigningError as exc:
        return EnvelopeVerification(verdict="failed", problems=[str(exc)])
    problems: list[str] = []
    if payload_type not in allowed_payload_types:
        problems.append(f"payload type {payload_type!r} is not accepted (allowed: {', '.join(sorted(allowed_payload_types))})")
    checks = [_check_signature(i, e, payload_type, payload, trust, extra_keys) for i, e in enumerate(entries)]
    seen: set[str] = set()
    for c in checks:
        if c.valid and c.keyid in seen:
            c.valid, c.trusted, c.reason = False, False, "the same key signed more than once"
        seen.add(c.keyid)
    problems += [f"signature {c.index} ({c.keyid[:16] or 'no keyid'}): {c.reason}" for c in checks if not c.valid]
    statement = None
    if payload_type == PAYLOAD_TYPE:
        statement, problem = _check_statement(payload, parse_json)
        if problem:
            problems.append(problem)
    verdict: EnvelopeVerdict
    if problems:
        verdict = "failed"
    elif not checks:
        verdict = "unsigned"
    elif all(c.trusted for c in checks):
        verdict = "verified"
    else:
        verdict = "untrusted"
    ok = verdict in ("verified", "untrusted", "unsigned")
    return EnvelopeVerification(verdict=verdict, payload_type=payload_type, signatures=checks, problems=problems,
                                payload=payload if ok else None, statement=statement if ok else None)


__all__ = ["EnvelopeVerdict", "EnvelopeVerification", "SignatureCheck", "verify_envelope"]
