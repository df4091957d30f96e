"""Ed25519 keys, DSSE envelopes carrying in-toto Statements, and their verification.

Specifications followed (see ``reference/decisions-signing-excel.md`` section 4):

* DSSE v1 (secure-systems-lab/dsse ``protocol.md`` / ``envelope.md``):
  ``PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`` with LEN the decimal byte length;
  signature = ``Sign(PAE(UTF8(payloadType), payload))``; envelope ``{"payload": b64, "payloadType": str,
  "signatures": [{"keyid": str, "sig": b64}]}``. ``keyid`` is only a lookup hint; standard and URL-safe
  base64 are accepted (strict mode, used for bundles, accepts only canonical standard base64).
* in-toto Statement v1 (``_type`` = ``https://in-toto.io/Statement/v1``), payloadType
  ``application/vnd.in-toto+json``, payload = RFC 8785 JSON of the Statement.
* Ed25519 (RFC 8032) via ``cryptography``.

Signer identity and time: each signature carries a DSSE v1.1 *signature extension*
(``{"kind": SIGNER_EXTENSION_KIND, "ext": {"signer": {...}, "sig": b64}}``) whose ``signer`` block
(key id, name, e-mail, signed_at, SHA-256 of the payload) is signed by the same key over
``PAE(SIGNER_EXTENSION_KIND, RFC8785(signer))``. Plain DSSE verifiers ignore it; this module verifies it, so
the name, e-mail and time it reports are covered by the signer's key (they are the signer's claims, not
independent facts). Co-signers each append one such signature to the unchanged payload.

Keys: a key directory (``$WORKBENCH_KEY_DIR``, else ``$XDG_CONFIG_HOME/workbench/keys``, else
``~/.config/workbench/keys``; created with mode 0700) holds per key ``<key_id>.key`` (PKCS#8 PEM, mode 0600),
``<key_id>.pub`` (SubjectPublicKeyInfo PEM) and ``<key_id>.json`` (name, e-mail, creation time, public key).
The key id is the full SHA-256 hex (64 characters) of the raw 32-byte Ed25519 public key. A private key
file readable or writable by group or others is refused. Private key material is never logged, returned,
pickled or written anywhere but the ``.key`` file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import rfc8785
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
#: predicateType of Model Decision Records (a URN: a TypeURI that does not pretend to be a web page).
PREDICATE_TYPE = "urn:model-selection-workbench:predicate:model-decision-record:v1"
SIGNER_EXTENSION_KIND = "application/vnd.model-selection-workbench.signer+json"
ALLOWED_PAYLOAD_TYPES: frozenset[str] = frozenset({PAYLOAD_TYPE})

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class SigningError(ValueError):
    """Bad key, bad envelope or a signing request that cannot be honoured (message names the file/field)."""


class KeyPermissionError(SigningError):
    """A private key file is accessible by group or others."""


# --------------------------------------------------------------------------- keys


class KeyInfo(BaseModel):
    """Public facts about a key pair (never the private key)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key_id: str
    name: str
    email: str
    algorithm: str = "ed25519"
    public_key: str  # base64 of the raw 32-byte public key
    created_at: str = ""
    key_dir: str = ""
    has_private_key: bool = False


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key; ``source`` says where it came from (e.g. ``provided``, ``bundle``)."""

    raw: bytes
    name: str = ""
    email: str = ""
    source: str = "provided"

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise SigningError(f"an Ed25519 public key has 32 bytes, got {len(self.raw)}")

    @property
    def key_id(self) -> str:
        return key_id_for(self.raw)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def pem(self) -> bytes:
        return public_key_pem(self.raw)


class SigningKey:
    """A loaded private key. It signs; it cannot be printed, pickled or exported."""

    __slots__ = ("_private", "info")

    def __init__(self, private: Ed25519PrivateKey, info: KeyInfo) -> None:
        self._private = private
        self.info = info

    @property
    def key_id(self) -> str:
        return self.info.key_id

    @property
    def public_key(self) -> PublicKey:
        raw = self._private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return PublicKey(raw=raw, name=self.info.name, email=self.info.email, source="local")

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    def __repr__(self) -> str:
        return f"SigningKey(key_id={self.info.key_id[:16]}…, email={self.info.email!r})"

    def __getstate__(self) -> NoReturn:
        raise TypeError("a SigningKey cannot be pickled (private key material stays in its file)")

    def __reduce__(self) -> NoReturn:
        raise TypeError("a SigningKey cannot be pickled (private key material stays in its file)")


def key_id_for(raw_public_key: bytes) -> str:
    """Key id = SHA-256 hex (all 64 characters) of the raw 32-byte Ed25519 public key."""
    return hashlib.sha256(raw_public_key).hexdigest()


def default_key_dir() -> Path:
    """``$WORKBENCH_KEY_DIR``, else ``$XDG_CONFIG_HOME/workbench/keys``, else ``~/.config/workbench/keys``."""
    env = os.environ.get("WORKBENCH_KEY_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "workbench" / "keys"


def public_key_pem(raw: bytes) -> bytes:
    return Ed25519PublicKey.from_public_bytes(raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def init_key(name: str, email: str, key_dir: Path | str | None = None) -> KeyInfo:
    """Create an Ed25519 key pair in ``key_dir`` (default :func:`default_key_dir`).

    Writes ``<key_id>.key`` (mode 0600, created exclusively), ``<key_id>.pub`` and ``<key_id>.json``."""
    name, email = name.strip(), email.strip()
    if not name:
        raise SigningError("name must not be empty")
    if not _EMAIL_RE.match(email):
        raise SigningError(f"email {email!r} is not an e-mail address")
    directory = Path(key_dir).expanduser() if key_dir is not None else default_key_dir()
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
        os.chmod(directory, 0o700)
    elif not directory.is_dir():
        raise SigningError(f"{directory}: key directory is not a directory")

    private = Ed25519PrivateKey.generate()
    raw_pub = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_id = key_id_for(raw_pub)
    key_path = directory / f"{key_id}.key"
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(key_path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, pem)
    finally:
        os.close(fd)
    del pem
    (directory / f"{key_id}.pub").write_bytes(public_key_pem(raw_pub))
    info = KeyInfo(
        key_id=key_id,
        name=name,
        email=email,
        public_key=base64.b64encode(raw_pub).decode("ascii"),
        created_at=_now(),
        key_dir=str(directory),
        has_private_key=True,
    )
    meta = info.model_dump(exclude={"key_dir", "has_private_key"})
    (directory / f"{key_id}.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return info


def _read_meta(path: Path) -> KeyInfo:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        info = KeyInfo.model_validate(
            {**data, "key_dir": str(path.parent), "has_private_key": (path.parent / f"{data['key_id']}.key").exists()}
        )
        raw = base64.b64decode(info.public_key, validate=True)
    except (OSError, ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise SigningError(f"{path}: not a workbench key description: {exc}") from exc
    if key_id_for(raw) != info.key_id or path.stem != info.key_id:
        raise SigningError(f"{path}: key id does not match its public key")
    return info


def list_keys(key_dir: Path | str | None = None) -> list[KeyInfo]:
    """Keys in ``key_dir`` (sorted by name, then key id); an absent directory has none."""
    directory = Path(key_dir).expanduser() if key_dir is not None else default_key_dir()
    if not directory.is_dir():
        return []
    infos = [_read_meta(p) for p in sorted(directory.glob("*.json"))]
    return sorted(infos, key=lambda i: (i.name.lower(), i.key_id))


def check_private_key_permissions(path: Path) -> None:
    """Refuse a private key file that is not a regular file or has any group/other permission bit."""
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise SigningError(f"{path}: private key file not found") from exc
    if not stat.S_ISREG(st.st_mode):
        raise SigningError(f"{path}: private key is not a regular file")
    if st.st_mode & 0o077:
        raise KeyPermissionError(
            f"{path}: private key file is accessible by group/others (mode {stat.S_IMODE(st.st_mode):04o}); "
            f"run: chmod 600 {path}"
        )


def load_signing_key(path: Path | str) -> SigningKey:
    """Load a private key file (PKCS#8 PEM, unencrypted, Ed25519) after the permission check."""
    key_path = Path(path).expanduser()
    check_private_key_permissions(key_path)
    try:
        private = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise SigningError(f"{key_path}: not an unencrypted PEM private key") from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningError(f"{key_path}: not an Ed25519 private key")
    raw_pub = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_id = key_id_for(raw_pub)
    meta_path = key_path.with_name(f"{key_id}.json")
    if meta_path.exists():
        info = _read_meta(meta_path)
    else:
        info = KeyInfo(
            key_id=key_id, name="", email="", public_key=base64.b64encode(raw_pub).decode("ascii"),
            key_dir=str(key_path.parent), has_private_key=True,
        )
    return SigningKey(private, info)


def find_signing_key(selector: str, key_dir: Path | str | None = None) -> SigningKey:
    """A signing key by file path, by key id (or a prefix of at least 8 hex characters) or by e-mail."""
    as_path = Path(selector).expanduser()
    if as_path.is_file():
        return load_signing_key(as_path)
    keys = [k for k in list_keys(key_dir) if k.has_private_key]
    sel = selector.strip().lower()
    matches = [
        k for k in keys if (len(sel) >= 8 and k.key_id.startswith(sel)) or k.email.lower() == sel
    ]
    if not matches:
        raise SigningError(f"no private key matching {selector!r} (give a key file, key id or e-mail)")
    if len(matches) > 1:
        raise SigningError(f"{selector!r} matches {len(matches)} keys; give the key id")
    return load_signing_key(Path(matches[0].key_dir) / f"{matches[0].key_id}.key")


def load_public_key(source: Path | str | bytes, *, name: str = "", email: str = "", origin: str = "provided") -> PublicKey:
    """An Ed25519 public key from a file or bytes: PEM (SubjectPublicKeyInfo), OpenSSH (``ssh-ed25519 …``),
    or the raw 32 bytes as base64 or hex."""
    label = str(source) if isinstance(source, Path | str) else "public key"
    if isinstance(source, Path | str):
        try:
            data = Path(source).expanduser().read_bytes()
        except OSError as exc:
            raise SigningError(f"{source}: cannot read public key: {exc.strerror}") from exc
    else:
        data = source
    text = data.strip()
    try:
        if text.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(data)
        elif text.startswith(b"ssh-ed25519 "):
            key = serialization.load_ssh_public_key(text)
        else:
            raw = bytes.fromhex(text.decode("ascii")) if _HEX64.match(text.decode("ascii", "replace")) else base64.b64decode(text, validate=True)
            return PublicKey(raw=raw, name=name, email=email, source=origin)
    except SigningError as exc:
        raise SigningError(f"{label}: {exc}") from exc
    except (ValueError, TypeError, UnsupportedAlgorithm, binascii.Error) as exc:
        raise SigningError(f"{label}: not an Ed25519 public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise SigningError(f"{label}: not an Ed25519 public key")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PublicKey(raw=raw, name=name, email=email, source=origin)


def public_keys_from_dir(key_dir: Path | str | None = None) -> list[PublicKey]:
    """Public keys (with names and e-mails) registered in a key directory."""
    return [
        PublicKey(raw=base64.b64decode(k.public_key), name=k.name, email=k.email, source="key_dir")
        for k in list_keys(key_dir)
    ]


# --------------------------------------------------------------------------- DSSE


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 Pre-Authentication Encoding: ``"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body``."""
    tb = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(tb), tb, len(payload), payload)


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, *, strict: bool = False, what: str = "value") -> bytes:
    """Standard or URL-safe base64 (DSSE allows both); ``strict`` accepts only canonical standard base64,
    so that every change of the text changes the bytes."""
    if not isinstance(text, str):
        raise SigningError(f"{what}: expected a base64 string")
    try:
        if strict:
            data = base64.b64decode(text.encode("ascii"), validate=True)
            if base64.b64encode(data).decode("ascii") != text:
                raise SigningError(f"{what}: base64 is not in canonical form")
            return data
        padded = text + "=" * (-len(text) % 4)
        if "-" in text or "_" in text:
            return base64.urlsafe_b64decode(padded.encode("ascii"))
        return base64.b64decode(padded.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        if isinstance(exc, SigningError):
            raise
        raise SigningError(f"{what}: invalid base64") from exc


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


def _signature_entry(payload_type: str, payload: bytes, key: SigningKey, signed_at: str | None) -> dict[str, Any]:
    signer = {
        "keyid": key.key_id,
        "name": key.info.name,
        "email": key.info.email,
        "signed_at": signed_at or _now(),
        "payload_type": payload_type,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
    }
    signer_bytes = rfc8785.dumps(signer)
    return {
        "keyid": key.key_id,
        "sig": b64encode(key.sign(pae(payload_type, payload))),
        "extension": {
            "kind": SIGNER_EXTENSION_KIND,
            "ext": {"signer": signer, "sig": b64encode(key.sign(pae(SIGNER_EXTENSION_KIND, signer_bytes)))},
        },
    }


def sign_envelope(
    payload: bytes | Mapping[str, Any],
    key: SigningKey,
    payload_type: str = PAYLOAD_TYPE,
    *,
    signed_at: str | None = None,
) -> dict[str, Any]:
    """A DSSE envelope with one signature. A mapping payload (e.g. an in-toto Statement) is serialised
    with RFC 8785 first."""
    body = rfc8785.dumps(dict(payload)) if isinstance(payload, Mapping) else bytes(payload)
    return {
        "payload": b64encode(body),
        "payloadType": payload_type,
        "signatures": [_signature_entry(payload_type, body, key, signed_at)],
    }


def unsigned_envelope(payload: bytes | Mapping[str, Any], payload_type: str = PAYLOAD_TYPE) -> dict[str, Any]:
    body = rfc8785.dumps(dict(payload)) if isinstance(payload, Mapping) else bytes(payload)
    return {"payload": b64encode(body), "payloadType": payload_type, "signatures": []}


def add_signature(envelope: Mapping[str, Any], key: SigningKey, *, signed_at: str | None = None) -> dict[str, Any]:
    """Co-sign: a new envelope with one more signature over the same payload and payload type."""
    payload_type, payload, signatures = _envelope_parts(envelope, strict=False)
    if any(s.get("keyid") == key.key_id for s in signatures):
        raise SigningError(f"the envelope is already signed by key {key.key_id[:16]}…")
    return {
        "payload": envelope["payload"],
        "payloadType": payload_type,
        "signatures": [*signatures, _signature_entry(payload_type, payload, key, signed_at)],
    }


def _envelope_parts(envelope: Mapping[str, Any], *, strict: bool) -> tuple[str, bytes, list[dict[str, Any]]]:
    if not isinstance(envelope, Mapping):
        raise SigningError("envelope: expected a JSON object")
    for required in ("payload", "payloadType", "signatures"):
        if required not in envelope:
            raise SigningError(f"envelope: missing field {required!r}")
    payload_type = envelope["payloadType"]
    if not isinstance(payload_type, str):
        raise SigningError("envelope: payloadType must be a string")
    payload = b64decode(envelope["payload"], strict=strict, what="envelope payload")
    signatures = envelope["signatures"]
    if not isinstance(signatures, list) or not all(isinstance(s, dict) for s in signatures):
        raise SigningError("envelope: signatures must be a list of objects")
    if strict:
        extra = sorted(set(envelope) - {"payload", "payloadType", "signatures"})
        if extra:
            raise SigningError(f"envelope: unexpected field(s) {', '.join(extra)}")
    return payload_type, payload, signatures


class SignatureCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int
    keyid: str
    ok: bool
    key_source: str | None = None
    name: str | None = None
    email: str | None = None
    signed_at: str | None = None
    problem: str | None = None


class EnvelopeVerification(BaseModel):
    """Result of :func:`verify_envelope`. ``payload`` and ``statement`` come from the verified bytes."""

    model_config = ConfigDict(extra="forbid")

    ok: bool
    payload_type: str | None = None
    signatures: list[SignatureCheck] = []
    problems: list[str] = []
    payload: bytes | None = None
    statement: dict[str, Any] | None = None


def _check_signature(
    index: int,
    entry: Mapping[str, Any],
    payload_type: str,
    payload: bytes,
    keys: Sequence[PublicKey],
    *,
    strict: bool,
) -> SignatureCheck:
    keyid = entry.get("keyid", "")
    keyid = keyid if isinstance(keyid, str) else ""
    check = SignatureCheck(index=index, keyid=keyid, ok=False)
    if strict:
        extra = sorted(set(entry) - {"keyid", "sig", "extension"})
        if extra:
            check.problem = f"unexpected field(s) {', '.join(extra)}"
            return check
    try:
        sig = b64decode(entry.get("sig", ""), strict=strict, what=f"signatures[{index}].sig")
    except SigningError as exc:
        check.problem = str(exc)
        return check
    # keyid is only a hint: pick keys with that id (all keys if the id is empty and not strict)
    candidates = [k for k in keys if k.key_id == keyid] if keyid or strict else list(keys)
    if not candidates:
        check.problem = f"no public key for keyid {keyid or '(none)'}"
        return check
    message = pae(payload_type, payload)
    key = next((k for k in candidates if k.verify(sig, message)), None)
    if key is None:
        check.problem = "signature does not verify with the public key" + ("" if len(candidates) == 1 else "s")
        return check
    check.key_source, check.keyid = key.source, key.key_id
    check.name, check.email = key.name or None, key.email or None
    ext = entry.get("extension")
    if ext is None:
        if strict:
            check.problem = "signer extension missing"
            return check
        check.ok = True
        return check
    problem = _check_signer_extension(ext, key, payload_type, payload, strict=strict)
    if problem:
        check.problem = problem
        return check
    signer = ext["ext"]["signer"]
    check.name, check.email, check.signed_at = signer["name"], signer["email"], signer["signed_at"]
    check.ok = True
    return check


def _check_signer_extension(
    ext: Any, key: PublicKey, payload_type: str, payload: bytes, *, strict: bool
) -> str | None:
    if not isinstance(ext, dict) or ext.get("kind") != SIGNER_EXTENSION_KIND or not isinstance(ext.get("ext"), dict):
        return "signer extension malformed or of unknown kind"
    if strict and set(ext) != {"kind", "ext"}:
        return "signer extension has unexpected fields"
    body = ext["ext"]
    signer = body.get("signer")
    fields = {"keyid", "name", "email", "signed_at", "payload_type", "payload_sha256"}
    if not isinstance(signer, dict) or set(signer) != fields or not all(isinstance(v, str) for v in signer.values()):
        return "signer block malformed"
    if strict and set(body) != {"signer", "sig"}:
        return "signer extension has unexpected fields"
    try:
        sig = b64decode(body.get("sig", ""), strict=strict, what="signer signature")
    except SigningError as exc:
        return str(exc)
    if not key.verify(sig, pae(SIGNER_EXTENSION_KIND, rfc8785.dumps(signer))):
        return "signer block signature does not verify"
    if signer["keyid"] != key.key_id:
        return "signer block names another key"
    if signer["payload_type"] != payload_type or signer["payload_sha256"] != hashlib.sha256(payload).hexdigest():
        return "signer block belongs to another payload"
    return None


def verify_envelope(
    envelope: Mapping[str, Any] | bytes,
    public_keys: Sequence[PublicKey],
    *,
    allowed_payload_types: frozenset[str] = ALLOWED_PAYLOAD_TYPES,
    strict: bool = False,
    threshold: int = 1,
) -> EnvelopeVerification:
    """Verify every signature of a DSSE envelope against ``public_keys``.

    ``ok`` needs: a payload type in ``allowed_payload_types``; at least ``threshold`` signatures from
    distinct keys; every signature valid (an unknown key id or a bad signature fails the envelope). Each
    signature covers ``PAE(payloadType, payload)``, so relabelling the payload type breaks it. For an
    in-toto payload the Statement is parsed from the verified bytes and its ``_type`` checked.
    ``strict`` (bundles): canonical standard base64, no unknown fields, signer extension required."""
    problems: list[str] = []
    document: Any = envelope
    if isinstance(envelope, bytes | bytearray):
        try:
            document = json.loads(bytes(envelope).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return EnvelopeVerification(ok=False, problems=[f"envelope: not valid JSON: {exc}"])
    try:
        payload_type, payload, entries = _envelope_parts(document, strict=strict)
    except SigningError as exc:
        return EnvelopeVerification(ok=False, problems=[str(exc)])
    if payload_type not in allowed_payload_types:
        problems.append(f"payload type {payload_type!r} is not accepted (allowed: {', '.join(sorted(allowed_payload_types))})")
    checks = [_check_signature(i, e, payload_type, payload, public_keys, strict=strict) for i, e in enumerate(entries)]
    problems += [f"signature {c.index} ({c.keyid[:16] or 'no keyid'}): {c.problem}" for c in checks if not c.ok]
    valid_keys = {c.keyid for c in checks if c.ok}
    if not entries:
        problems.append("envelope has no signatures")
    elif len(valid_keys) < threshold:
        problems.append(f"{len(valid_keys)} valid signature(s) from distinct keys; {threshold} required")
    if len([c.keyid for c in checks if c.ok]) != len(valid_keys):
        problems.append("the same key signed more than once")
    statement = None
    if not problems and payload_type == PAYLOAD_TYPE:
        try:
            statement = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            problems.append("payload is not JSON")
        else:
            if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
                problems.append(f"payload is not an in-toto Statement v1 (_type must be {STATEMENT_TYPE})")
                statement = None
    ok = not problems
    return EnvelopeVerification(
        ok=ok,
        payload_type=payload_type,
        signatures=checks,
        problems=problems,
        payload=payload if ok else None,
        statement=statement if ok else None,
    )


def read_statement_unverified(envelope: Mapping[str, Any]) -> dict[str, Any]:
    """The Statement of an envelope **without** checking signatures (for display before verification)."""
    _, payload, _ = _envelope_parts(envelope, strict=False)
    try:
        statement = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SigningError("envelope payload is not JSON") from exc
    if not isinstance(statement, dict):
        raise SigningError("envelope payload is not a JSON object")
    return statement


__all__ = [
    "ALLOWED_PAYLOAD_TYPES",
    "PAYLOAD_TYPE",
    "PREDICATE_TYPE",
    "SIGNER_EXTENSION_KIND",
    "STATEMENT_TYPE",
    "EnvelopeVerification",
    "KeyInfo",
    "KeyPermissionError",
    "PublicKey",
    "SignatureCheck",
    "SigningError",
    "SigningKey",
    "add_signature",
    "default_key_dir",
    "find_signing_key",
    "init_key",
    "key_id_for",
    "list_keys",
    "load_public_key",
    "load_signing_key",
    "make_statement",
    "pae",
    "public_keys_from_dir",
    "sign_envelope",
    "verify_envelope",
]
