"""Ed25519 key pairs: create, list, load, find, public keys from files; key ids and fingerprints.

Keys live in a key directory (``$WORKBENCH_KEY_DIR``, else ``$XDG_CONFIG_HOME/workbench/keys``, else
``~/.config/workbench/keys``; created with mode 0700) holding per key ``<key_id>.key`` (PKCS#8 PEM, mode
0600), ``<key_id>.pub`` (SubjectPublicKeyInfo PEM) and ``<key_id>.json`` (name, e-mail, creation time, public
key). In the app each person has their own directory, :func:`person_key_dir` (``<key dir>/people/<slug>``).

Identifiers (documented in ``docs/signing.md``):

* **key id** = SHA-256 hex (all 64 characters) of the raw 32-byte Ed25519 public key. It is the DSSE
  ``keyid`` of every workbench signature; a verifier using another tool (e.g. securesystemslib) must give its
  key this keyid (``SSlibKey(keyid=<key id>, ...)``), since securesystemslib's default keyid differs.
* **fingerprint** = OpenSSH's: ``SHA256:`` + unpadded base64 of SHA-256 of the ``ssh-ed25519`` wire-format
  public key, i.e. what ``ssh-keygen -lf key.pub`` prints for the same key, so people can compare it by voice
  or with their own tools.

A private key file (or a key directory) that group or others can write, or a private key they can read, is
refused. Private key material is never logged, returned, pickled or written anywhere but the ``.key`` file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict

from workbench.signing.errors import KeyPermissionError, SigningError

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SLUG_RE = re.compile(r"[^a-z0-9._@-]+")


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

    @property
    def raw_public_key(self) -> bytes:
        return base64.b64decode(self.public_key)

    @property
    def fingerprint(self) -> str:
        return fingerprint_for(self.raw_public_key)


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key; ``source`` says where it came from (``trust_store``, ``provided``, ``bundle``...)."""

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

    @property
    def fingerprint(self) -> str:
        return fingerprint_for(self.raw)

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


def fingerprint_for(raw_public_key: bytes) -> str:
    """OpenSSH fingerprint: ``SHA256:`` + unpadded base64(SHA-256(string "ssh-ed25519" || string key)),
    the RFC 4253 wire format of an ``ssh-ed25519`` public key (as ``ssh-keygen -lf`` prints it)."""
    algo = b"ssh-ed25519"
    blob = len(algo).to_bytes(4, "big") + algo + len(raw_public_key).to_bytes(4, "big") + raw_public_key
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")


def default_key_dir() -> Path:
    """``$WORKBENCH_KEY_DIR``, else ``$XDG_CONFIG_HOME/workbench/keys``, else ``~/.config/workbench/keys``."""
    env = os.environ.get("WORKBENCH_KEY_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "workbench" / "keys"


def person_key_dir(email: str, base: Path | str | None = None) -> Path:
    """The key directory of one person (the app signs for a person only with keys found here)."""
    slug = _SLUG_RE.sub("_", email.strip().lower()).strip("._") or "unknown"
    root = Path(base).expanduser() if base is not None else default_key_dir()
    return root / "people" / slug[:120]


def public_key_pem(raw: bytes) -> bytes:
    return Ed25519PublicKey.from_public_bytes(raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def check_key_dir(directory: Path) -> None:
    """Refuse a key directory that is not a directory or that group or others can write (they could plant
    or swap a key there)."""
    try:
        st = os.stat(directory)
    except FileNotFoundError as exc:
        raise SigningError(f"{directory}: key directory not found") from exc
    if not stat.S_ISDIR(st.st_mode):
        raise SigningError(f"{directory}: key directory is not a directory")
    if st.st_mode & 0o022:
        raise KeyPermissionError(
            f"{directory}: key directory is writable by group/others (mode {stat.S_IMODE(st.st_mode):04o}); "
            f"run: chmod 700 {directory}"
        )


def _ensure_dir(directory: Path) -> None:
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
        os.chmod(directory, 0o700)
    check_key_dir(directory)


def validate_identity(name: str, email: str) -> tuple[str, str]:
    name, email = name.strip(), email.strip()
    if not name:
        raise SigningError("name must not be empty")
    if not _EMAIL_RE.match(email):
        raise SigningError(f"email {email!r} is not an e-mail address")
    return name, email


def init_key(name: str, email: str, key_dir: Path | str | None = None) -> KeyInfo:
    """Create an Ed25519 key pair in ``key_dir`` (default :func:`default_key_dir`).

    Writes ``<key_id>.key`` (mode 0600, created exclusively), ``<key_id>.pub`` and ``<key_id>.json``."""
    name, email = validate_identity(name, email)
    directory = Path(key_dir).expanduser() if key_dir is not None else default_key_dir()
    _ensure_dir(directory)
    private = Ed25519PrivateKey.generate()
    raw_pub = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_id = key_id_for(raw_pub)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(directory / f"{key_id}.key", flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, pem)
    finally:
        os.close(fd)
    del pem
    (directory / f"{key_id}.pub").write_bytes(public_key_pem(raw_pub))
    info = KeyInfo(
        key_id=key_id, name=name, email=email, public_key=base64.b64encode(raw_pub).decode("ascii"),
        created_at=_now(), key_dir=str(directory), has_private_key=True,
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
    """Refuse a private key file that is not a regular file or has any group/other permission bit, or whose
    directory group/others can write."""
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
    check_key_dir(path.parent)


def load_signing_key(path: Path | str) -> SigningKey:
    """Load a private key file (PKCS#8 PEM, unencrypted, Ed25519) after the permission checks."""
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
    matches = [k for k in keys if (len(sel) >= 8 and k.key_id.startswith(sel)) or k.email.lower() == sel]
    if not matches:
        raise SigningError(f"no private key matching {selector!r} (give a key file, key id or e-mail)")
    if len(matches) > 1:
        raise SigningError(f"{selector!r} matches {len(matches)} keys; give the key id")
    return load_signing_key(Path(matches[0].key_dir) / f"{matches[0].key_id}.key")


def load_public_key(
    source: Path | str | bytes, *, name: str = "", email: str = "", origin: str = "provided"
) -> PublicKey:
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
    key: object
    try:
        if text.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(data)
        elif text.startswith(b"ssh-ed25519 "):
            key = serialization.load_ssh_public_key(text)
        else:
            ascii_text = text.decode("ascii")
            raw = bytes.fromhex(ascii_text) if _HEX64.match(ascii_text) else base64.b64decode(text, validate=True)
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
    """Public keys (with names and e-mails) in a key directory."""
    return [
        PublicKey(raw=base64.b64decode(k.public_key), name=k.name, email=k.email, source="key_dir")
        for k in list_keys(key_dir)
    ]


__all__ = [
    "KeyInfo", "PublicKey", "SigningKey", "check_key_dir", "check_private_key_permissions", "default_key_dir",
    "find_signing_key", "fingerprint_for", "init_key", "key_id_for", "list_keys", "load_public_key",
    "load_signing_key", "person_key_dir", "public_key_pem", "public_keys_from_dir", "validate_identity",
]
