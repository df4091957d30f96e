"""DSSE v1 envelopes carrying in-toto Statements: PAE, base64, statements, signing and co-signing.

Specifications (``reference/decisions-signing-excel.md`` section 4):

* DSSE v1 (secure-systems-lab/dsse ``protocol.md`` / ``envelope.md``):
  ``PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`` with LEN the decimal byte length;
  signature = ``Sign(PAE(UTF8(payloadType), payload))``; envelope ``{"payload": b64, "payloadType": str,
  "signatures": [{"keyid": str, "sig": b64}]}``. The signature covers the PAE of the payload bytes and
  nothing else, so the envelope's JSON formatting (spacing, key order, escapes) does not matter; ``keyid``
  is only a lookup hint; standard and URL-safe base64 are both accepted.
* in-toto Statement v1 (``_type`` = ``https://in-toto.io/Statement/v1``), payloadType
  ``application/vnd.in-toto+json``, payload = RFC 8785 JSON of the Statement.
* Ed25519 (RFC 8032) via ``cryptography``.

Workbench signatures add a DSSE v1.1 *signature extension* ``{"kind": SIGNER_EXTENSION_KIND, "ext":
{"signer": {...}, "sig": b64}}``. The signer block (key id, name, e-mail, signed_at, payload type and
SHA-256, ``identity_basis`` "oidc" | "self-asserted", ``verdict`` "approve" | "dissent", ``reason``,
``role``) is signed by the same key over ``PAE(SIGNER_EXTENSION_KIND, RFC8785(signer))``: the names in it
are the signer's claims, bound to the key; who the key belongs to is the trust store's business.

An *approve* signature is a plain DSSE signature: any DSSE verifier counts it. A *dissent* signs
``PAE(DISSENT_KIND, payload)`` instead, so no DSSE verifier counts a dissent as an endorsement, and removing
its signer extension (to pass it off as an approval) leaves a signature that verifies with nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import rfc8785

from workbench.signing.errors import SigningError
from workbench.signing.keys import SigningKey

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
#: predicateType of Model Decision Records (a URN: a TypeURI that does not pretend to be a web page).
PREDICATE_TYPE = "urn:model-selection-workbench:predicate:model-decision-record:v1"
SIGNER_EXTENSION_KIND = "application/vnd.model-selection-workbench.signer+json"
#: PAE type a dissenting signature signs instead of the payload type (so it never counts as an endorsement).
DISSENT_KIND = "application/vnd.model-selection-workbench.dissent+json"
ALLOWED_PAYLOAD_TYPES: frozenset[str] = frozenset({PAYLOAD_TYPE})

Verdict = Literal["approve", "dissent"]
IdentityBasis = Literal["oidc", "self-asserted"]
SIGNER_FIELDS = frozenset({"keyid", "name", "email", "signed_at", "payload_type", "payload_sha256"})
SIGNER_OPTIONAL_FIELDS = frozenset({"identity_basis", "verdict", "reason", "role"})
MAX_REASON_CHARS = 2000


@dataclass(frozen=True)
class Endorsement:
    """What a signature says besides "this key signed": approve or dissent (with a reason), the role the
    signer signs in, and how the signer's identity was established when signing."""

    verdict: Verdict = "approve"
    reason: str = ""
    identity_basis: IdentityBasis = "self-asserted"
    role: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in ("approve", "dissent"):
            raise SigningError(f"verdict must be approve or dissent, not {self.verdict!r}")
        if self.identity_basis not in ("oidc", "self-asserted"):
            raise SigningError(f"identity_basis must be oidc or self-asserted, not {self.identity_basis!r}")
        if self.verdict == "dissent" and not self.reason.strip():
            raise SigningError("a dissent needs a reason")
        if len(self.reason) > MAX_REASON_CHARS or len(self.role) > 200:
            raise SigningError(f"reason is limited to {MAX_REASON_CHARS} characters, role to 200")


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 Pre-Authentication Encoding: ``"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body``."""
    tb = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(tb), tb, len(payload), payload)


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: Any, *, what: str = "value") -> bytes:
    """Standard or URL-safe base64, padded or not (DSSE allows both)."""
    if not isinstance(text, str):
        raise SigningError(f"{what}: expected a base64 string")
    try:
        padded = text + "=" * (-len(text) % 4)
        if "-" in text or "_" in text:
            return base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True)
        return base64.b64decode(padded.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise SigningError(f"{what}: invalid base64") from exc


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def make_statement(
    subjects: Mapping[str, bytes], predicate: Mapping[str, Any], predicate_type: str = PREDICATE_TYPE
) -> dict[str, Any]:
    """in-toto Statement v1 whose subjects are the given files (name -> bytes) with their SHA-256."""
    if not subjects:
        raise SigningError("a statement needs at least one subject")
    return {
        "_type": STATEMENT_TYPE,
        "subject": [
            {"name": name, "digest": {"sha256": hashlib.sha256(data).hexdigest()}}
            for name, data in sorted(subjects.items())
        ],
        "predicateType": predicate_type,
        "predicate": dict(predicate),
    }


def signed_message(payload_type: str, payload: bytes, verdict: str) -> bytes:
    """The bytes a signature with this verdict covers (see the module docstring)."""
    return pae(DISSENT_KIND if verdict == "dissent" else payload_type, payload)


def signature_entry(
    payload_type: str, payload: bytes, key: SigningKey, *, signed_at: str | None = None,
    endorsement: Endorsement | None = None,
) -> dict[str, Any]:
    """One signature (with its signer extension) by ``key`` over ``payload``."""
    e = endorsement or Endorsement()
    signer = {
        "keyid": key.key_id, "name": key.info.name, "email": key.info.email, "signed_at": signed_at or _now(),
        "payload_type": payload_type, "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "identity_basis": e.identity_basis, "verdict": e.verdict, "reason": e.reason.strip(), "role": e.role.strip(),
    }
    return {
        "keyid": key.key_id,
        "sig": b64encode(key.sign(signed_message(payload_type, payload, e.verdict))),
        "extension": {
            "kind": SIGNER_EXTENSION_KIND,
            "ext": {"signer": signer, "sig": b64encode(key.sign(pae(SIGNER_EXTENSION_KIND, rfc8785.dumps(signer))))},
        },
    }


def _body(payload: bytes | Mapping[str, Any]) -> bytes:
    return rfc8785.dumps(dict(payload)) if isinstance(payload, Mapping) else bytes(payload)


def sign_envelope(
    payload: bytes | Mapping[str, Any], key: SigningKey, payload_type: str = PAYLOAD_TYPE, *,
    signed_at: str | None = None, endorsement: Endorsement | None = None,
) -> dict[str, Any]:
    """A DSSE envelope with one signature. A mapping payload (e.g. an in-toto Statement) is serialised
    with RFC 8785 first."""
    body = _body(payload)
    return {"payload": b64encode(body), "payloadType": payload_type,
            "signatures": [signature_entry(payload_type, body, key, signed_at=signed_at, endorsement=endorsement)]}


def unsigned_envelope(payload: bytes | Mapping[str, Any], payload_type: str = PAYLOAD_TYPE) -> dict[str, Any]:
    return {"payload": b64encode(_body(payload)), "payloadType": payload_type, "signatures": []}


def add_signature(
    envelope: Mapping[str, Any], key: SigningKey, *, signed_at: str | None = None,
    endorsement: Endorsement | None = None,
) -> dict[str, Any]:
    """Co-sign: a new envelope with one more signature over the same payload and payload type."""
    payload_type, payload, signatures = envelope_parts(envelope)
    if any(s.get("keyid") == key.key_id for s in signatures):
        raise SigningError(f"the envelope is already signed by key {key.key_id[:16]}…")
    entry = signature_entry(payload_type, payload, key, signed_at=signed_at, endorsement=endorsement)
    return {"payload": envelope["payload"], "payloadType": payload_type, "signatures": [*signatures, entry]}


_ENVELOPE_FIELDS = frozenset({"payload", "payloadType", "signatures"})


def envelope_parts(envelope: Mapping[str, Any]) -> tuple[str, bytes, list[dict[str, Any]]]:
    """(payloadType, payload bytes, signature entries) of an envelope; unknown top-level fields are refused
    (they would be unsigned content)."""
    if not isinstance(envelope, Mapping):
        raise SigningError("envelope: expected a JSON object")
    for required in sorted(_ENVELOPE_FIELDS):
        if required not in envelope:
            raise SigningError(f"envelope: missing field {required!r}")
    extra = sorted(set(envelope) - _ENVELOPE_FIELDS)
    if extra:
        raise SigningError(f"envelope: unexpected field(s) {', '.join(extra)}")
    payload_type = envelope["payloadType"]
    if not isinstance(payload_type, str):
        raise SigningError("envelope: payloadType must be a string")
    payload = b64decode(envelope["payload"], what="envelope payload")
    signatures = envelope["signatures"]
    if not isinstance(signatures, list) or not all(isinstance(s, dict) for s in signatures):
        raise SigningError("envelope: signatures must be a list of objects")
    return payload_type, payload, signatures


__all__ = [
    "ALLOWED_PAYLOAD_TYPES", "DISSENT_KIND", "PAYLOAD_TYPE", "PREDICATE_TYPE", "SIGNER_EXTENSION_KIND",
    "STATEMENT_TYPE", "Endorsement", "IdentityBasis", "Verdict", "add_signature", "b64decode", "b64encode",
    "envelope_parts", "make_statement", "pae", "sign_envelope",
    "signature_entry", "signed_message", "unsigned_envelope",
]
