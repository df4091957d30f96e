"""Signed MDR bundles: write (directory and zip), co-sign, verify offline, restore the snapshot.

A bundle holds::

    record.md             the MDR as MADR-compatible Markdown (UTF-8, LF line endings)
    snapshot.json         the decision snapshot, RFC 8785 canonical JSON
    envelope.dsse.json    DSSE envelope (RFC 8785 JSON) of an in-toto Statement v1 whose subjects are the
                          SHA-256 digests of record.md and snapshot.json; Ed25519 signatures (one per signer)
    public_keys/<key_id>.pub   the signers' public keys (PEM), optional; a convenience, not a trust anchor

Every byte is covered: record.md and snapshot.json by the signed digests; the envelope by the signatures
plus a canonical-form check (canonical JSON, canonical base64, no unknown fields); each public key file
must be exactly the PEM of the key its name identifies. Any change makes :func:`verify_bundle` fail and
name the file. Trust comes from the keys the verifier supplies (``pubkeys``): without them the verdict is
``verified_untrusted_keys`` (the bundle is intact and self-consistent, but anyone could have made it).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from workbench.domain.mdr import MDR, render_markdown
from workbench.domain.snapshot import SnapshotError, canonical_json, parse_canonical, snapshot_digest
from workbench.signing import (
    PAYLOAD_TYPE,
    PREDICATE_TYPE,
    STATEMENT_TYPE,
    PublicKey,
    SigningError,
    SigningKey,
    add_signature,
    load_public_key,
    make_statement,
    public_key_pem,
    read_statement_unverified,
    sign_envelope,
    unsigned_envelope,
    verify_envelope,
)

RECORD_FILE = "record.md"
SNAPSHOT_FILE = "snapshot.json"
ENVELOPE_FILE = "envelope.dsse.json"
PUBLIC_KEY_DIR = "public_keys"
SUBJECT_FILES: tuple[str, ...] = (RECORD_FILE, SNAPSHOT_FILE)
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
_PUBKEY_NAME = re.compile(r"^public_keys/([0-9a-f]{64})\.pub$")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Verdict = Literal["verified", "verified_untrusted_keys", "unsigned", "failed"]


class BundleError(ValueError):
    """A bundle that cannot be read or written (the message names the path or file)."""


class FileCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    sha256: str
    expected_sha256: str | None = None
    ok: bool = True
    problem: str | None = None


class SignerReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keyid: str
    name: str | None = None
    email: str | None = None
    signed_at: str | None = None
    key_source: str | None = None
    trusted: bool = False
    ok: bool = False
    problem: str | None = None


class VerifyReport(BaseModel):
    """The outcome of :func:`verify_bundle`; ``problems`` name the file each problem was found in."""

    model_config = ConfigDict(extra="forbid")

    bundle: str
    ok: bool
    verdict: Verdict
    record_id: str | None = None
    title: str | None = None
    status: str | None = None
    predicate_type: str | None = None
    exported_at: str | None = None
    snapshot_sha256: str | None = None
    keys_source: Literal["provided", "bundle", "none"] = "none"
    files: list[FileCheck] = []
    signatures: list[SignerReport] = []
    problems: list[str] = []


# --------------------------------------------------------------------------- writing


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _snapshot_bytes(snapshot: Mapping[str, Any] | bytes) -> bytes:
    if isinstance(snapshot, bytes | bytearray):
        data = bytes(snapshot)
        try:
            parse_canonical(data, SNAPSHOT_FILE)
        except SnapshotError as exc:
            raise BundleError(str(exc)) from exc
        return data
    try:
        return canonical_json(snapshot)
    except SnapshotError as exc:
        raise BundleError(f"{SNAPSHOT_FILE}: {exc}") from exc


def mdr_predicate(record: MDR, record_md: bytes, snapshot: bytes, *, exported_at: str, app_version: str) -> dict[str, Any]:
    """The in-toto predicate of an MDR bundle."""
    f = record.front
    return {
        "mdr_id": record.id,
        "title": record.title,
        "status": f.status.value,
        "date": f.date.isoformat(),
        "profile": record.profile_name,
        "decision_makers": list(f.decision_makers),
        "consulted": list(f.consulted),
        "informed": list(f.informed),
        "supersedes": f.supersedes,
        "superseded_by": f.superseded_by,
        "record_sha256": snapshot_digest(record_md),
        "snapshot_sha256": snapshot_digest(snapshot),
        "exported_at": exported_at,
        "app_version": app_version,
    }


def build_bundle_files(
    record: MDR,
    snapshot: Mapping[str, Any] | bytes,
    keys: Sequence[SigningKey] = (),
    *,
    exported_at: str | None = None,
    signed_at: str | None = None,
    app_version: str = "",
    include_public_keys: bool = True,
) -> dict[str, bytes]:
    """The bundle's files in memory (name -> bytes); signed by each of ``keys`` in turn."""
    record_md = render_markdown(record).encode("utf-8")
    snap = _snapshot_bytes(snapshot)
    predicate = mdr_predicate(record, record_md, snap, exported_at=exported_at or _now(), app_version=app_version)
    statement = make_statement({RECORD_FILE: record_md, SNAPSHOT_FILE: snap}, predicate)
    if keys:
        envelope = sign_envelope(statement, keys[0], signed_at=signed_at)
        for key in keys[1:]:
            envelope = add_signature(envelope, key, signed_at=signed_at)
    else:
        envelope = unsigned_envelope(statement)
    files = {RECORD_FILE: record_md, SNAPSHOT_FILE: snap, ENVELOPE_FILE: canonical_json(envelope)}
    if include_public_keys:
        for key in keys:
            files[f"{PUBLIC_KEY_DIR}/{key.key_id}.pub"] = key.public_key.pem()
    return files


def zip_bytes(files: Mapping[str, bytes], folder: str = "") -> bytes:
    """A deterministic zip (sorted names, fixed timestamps) of the bundle files, under ``folder/``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}" if folder else name, date_time=_ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[name])
    return buf.getvalue()


def write_bundle_dir(files: Mapping[str, bytes], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return directory


def export_bundle(
    record: MDR,
    snapshot: Mapping[str, Any] | bytes,
    out_dir: Path | str,
    keys: Sequence[SigningKey] = (),
    *,
    exported_at: str | None = None,
    signed_at: str | None = None,
    app_version: str = "",
    include_public_keys: bool = True,
    make_zip: bool = True,
) -> Path:
    """Write ``out_dir/<record id>/`` (and ``out_dir/<record id>.zip``); return the bundle directory.
    An existing bundle directory of the same record is refused (export to a new directory)."""
    out = Path(out_dir)
    directory = out / record.id
    if directory.exists() and any(directory.iterdir()):
        raise BundleError(f"{directory}: already exists and is not empty")
    files = build_bundle_files(
        record,
        snapshot,
        keys,
        exported_at=exported_at,
        signed_at=signed_at,
        app_version=app_version,
        include_public_keys=include_public_keys,
    )
    write_bundle_dir(files, directory)
    if make_zip:
        (out / f"{record.id}.zip").write_bytes(zip_bytes(files, folder=record.id))
    return directory


# --------------------------------------------------------------------------- reading


def _files_from_zip(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if sum(i.file_size for i in infos) > MAX_BUNDLE_BYTES:
                raise BundleError(f"{path}: bundle larger than {MAX_BUNDLE_BYTES} bytes")
            names = [i.filename for i in infos]
            if len(set(names)) != len(names):
                raise BundleError(f"{path}: duplicate member names")
            files: dict[str, bytes] = {}
            for info in infos:
                pure = PurePosixPath(info.filename)
                if pure.is_absolute() or ".." in pure.parts or "\\" in info.filename:
                    raise BundleError(f"{path}: unsafe member name {info.filename!r}")
                files[info.filename] = zf.read(info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise BundleError(f"{path}: not a readable zip: {exc}") from exc
    # strip one common top-level folder (zip_bytes writes <record id>/...)
    tops = {n.split("/", 1)[0] for n in files}
    if len(tops) == 1 and all("/" in n for n in files):
        top = tops.pop()
        files = {n[len(top) + 1 :]: d for n, d in files.items()}
    return files


def _files_from_dir(path: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    for item in sorted(path.rglob("*")):
        rel = item.relative_to(path).as_posix()
        if item.is_symlink():
            raise BundleError(f"{path}: {rel} is a symbolic link")
        if item.is_file():
            total += item.stat().st_size
            if total > MAX_BUNDLE_BYTES:
                raise BundleError(f"{path}: bundle larger than {MAX_BUNDLE_BYTES} bytes")
            files[rel] = item.read_bytes()
    return files


def read_bundle(path: Path | str) -> dict[str, bytes]:
    """The files of a bundle directory or zip (name -> bytes)."""
    p = Path(path)
    if p.is_dir():
        return _files_from_dir(p)
    if p.is_file():
        return _files_from_zip(p)
    raise BundleError(f"{p}: no such bundle (give a bundle directory or .zip)")


# --------------------------------------------------------------------------- verification


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_files(
    files: Mapping[str, bytes], pubkeys: Sequence[PublicKey] | None = None, *, bundle: str = "<memory>"
) -> VerifyReport:
    """Verify bundle files held in memory (see :func:`verify_bundle`)."""
    problems: list[str] = []
    checks: dict[str, FileCheck] = {n: FileCheck(name=n, sha256=_sha(d)) for n, d in sorted(files.items())}

    def fail(name: str, message: str) -> None:
        problems.append(f"{name}: {message}")
        if name in checks:
            checks[name].ok = False
            checks[name].problem = checks[name].problem or message

    for name in (RECORD_FILE, SNAPSHOT_FILE, ENVELOPE_FILE):
        if name not in files:
            problems.append(f"{name}: missing from the bundle")
    for name in files:
        if name not in (RECORD_FILE, SNAPSHOT_FILE, ENVELOPE_FILE) and not _PUBKEY_NAME.match(name):
            fail(name, "unexpected file in the bundle")

    # public keys shipped in the bundle: each must be exactly the PEM of the key its name identifies
    bundle_keys: list[PublicKey] = []
    for name, data in files.items():
        m = _PUBKEY_NAME.match(name)
        if not m:
            continue
        try:
            key = load_public_key(data, origin="bundle")
        except SigningError:
            fail(name, "not an Ed25519 public key")
            continue
        if key.key_id != m.group(1):
            fail(name, f"public key has id {key.key_id}, not the id in its file name")
        elif public_key_pem(key.raw) != data:
            fail(name, "not in canonical PEM form")
        else:
            bundle_keys.append(key)

    provided = [PublicKey(raw=k.raw, name=k.name, email=k.email, source="provided") for k in pubkeys or ()]
    provided_ids = {k.key_id for k in provided}
    keys = provided + [k for k in bundle_keys if k.key_id not in provided_ids]
    keys_source: Literal["provided", "bundle", "none"] = "provided" if provided else "bundle" if bundle_keys else "none"

    report = VerifyReport(bundle=bundle, ok=False, verdict="failed", keys_source=keys_source)
    statement: dict[str, Any] | None = None
    signatures_ok = False
    signed = False
    env_bytes = files.get(ENVELOPE_FILE)
    if env_bytes is not None:
        envelope: Any = None
        try:
            envelope = json.loads(env_bytes.decode("utf-8"))
            if canonical_json(envelope) != env_bytes:
                fail(ENVELOPE_FILE, "not in RFC 8785 canonical form")
        except (UnicodeDecodeError, json.JSONDecodeError, SnapshotError) as exc:
            fail(ENVELOPE_FILE, f"not valid JSON: {exc}")
            envelope = None
        if isinstance(envelope, dict):
            result = verify_envelope(envelope, keys, strict=True)
            signed = bool(result.signatures)
            for p in result.problems:
                if p != "envelope has no signatures":
                    fail(ENVELOPE_FILE, p)
            signatures_ok = result.ok
            report.signatures = [
                SignerReport(
                    keyid=c.keyid,
                    name=c.name,
                    email=c.email,
                    signed_at=c.signed_at,
                    key_source=c.key_source,
                    trusted=c.ok and c.key_source == "provided",
                    ok=c.ok,
                    problem=c.problem,
                )
                for c in result.signatures
            ]
            if result.ok:
                statement = result.statement
            else:
                try:  # read (not trust) the statement so digests can still be reported per file
                    statement = read_statement_unverified(envelope)
                except SigningError as exc:
                    fail(ENVELOPE_FILE, str(exc))
                if envelope.get("payloadType") != PAYLOAD_TYPE:
                    fail(ENVELOPE_FILE, f"payloadType must be {PAYLOAD_TYPE}")
        elif envelope is not None:
            fail(ENVELOPE_FILE, "not a DSSE envelope (expected a JSON object)")

    if statement is not None:
        _check_statement(statement, files, checks, fail, verified=signatures_ok, report=report)

    if SNAPSHOT_FILE in files:
        try:
            parse_canonical(files[SNAPSHOT_FILE], SNAPSHOT_FILE)
        except SnapshotError as exc:
            fail(SNAPSHOT_FILE, str(exc).removeprefix(f"{SNAPSHOT_FILE}: "))
    if RECORD_FILE in files:
        try:
            text = files[RECORD_FILE].decode("utf-8")
            if "\r" in text:
                fail(RECORD_FILE, "contains CR characters (records use LF line endings)")
        except UnicodeDecodeError:
            fail(RECORD_FILE, "not valid UTF-8")

    if signed and signatures_ok and provided and not any(s.trusted for s in report.signatures):
        problems.append(f"{ENVELOPE_FILE}: no signature by a provided public key")
    report.files = list(checks.values())
    if problems:
        report.verdict = "failed"
    elif not signed:
        report.verdict = "unsigned"
        problems.append(f"{ENVELOPE_FILE}: the bundle is not signed")
    else:
        report.verdict = "verified" if provided else "verified_untrusted_keys"
    report.problems = problems
    report.ok = report.verdict in ("verified", "verified_untrusted_keys")
    return report


def _check_statement(
    statement: dict[str, Any],
    files: Mapping[str, bytes],
    checks: dict[str, FileCheck],
    fail: Any,
    *,
    verified: bool,
    report: VerifyReport,
) -> None:
    qualifier = "" if verified else " (statement unverified)"
    if statement.get("_type") != STATEMENT_TYPE:
        fail(ENVELOPE_FILE, f"statement _type must be {STATEMENT_TYPE}")
    if statement.get("predicateType") != PREDICATE_TYPE:
        fail(ENVELOPE_FILE, f"predicateType must be {PREDICATE_TYPE}")
    report.predicate_type = statement.get("predicateType") if isinstance(statement.get("predicateType"), str) else None
    subjects = statement.get("subject")
    digests: dict[str, str] = {}
    if isinstance(subjects, list):
        for s in subjects:
            if isinstance(s, dict) and isinstance(s.get("name"), str) and isinstance(s.get("digest"), dict):
                digests[s["name"]] = str(s["digest"].get("sha256", ""))
    if set(digests) != set(SUBJECT_FILES):
        fail(ENVELOPE_FILE, f"statement subjects must be exactly {', '.join(SUBJECT_FILES)}")
    for name in SUBJECT_FILES:
        if name in digests and name in files:
            checks[name].expected_sha256 = digests[name]
            if checks[name].sha256 != digests[name]:
                fail(name, f"sha256 {checks[name].sha256} does not match the signed digest {digests[name]}{qualifier}")
    predicate = statement.get("predicate")
    if not isinstance(predicate, dict):
        fail(ENVELOPE_FILE, "statement has no predicate object")
        return
    if SNAPSHOT_FILE in files and predicate.get("snapshot_sha256") != checks[SNAPSHOT_FILE].sha256:
        fail(SNAPSHOT_FILE, f"sha256 does not match the predicate's snapshot_sha256{qualifier}")
    # descriptive fields, shown even for a failed bundle; the verdict says whether they can be trusted
    for attr, key in (("record_id", "mdr_id"), ("title", "title"), ("status", "status"), ("exported_at", "exported_at")):
        value = predicate.get(key)
        setattr(report, attr, value if isinstance(value, str) else None)
    report.snapshot_sha256 = digests.get(SNAPSHOT_FILE)


def verify_bundle(path_or_zip: Path | str, pubkeys: Sequence[PublicKey] | None = None) -> VerifyReport:
    """Verify a bundle directory or zip offline: every signature, every digest, every file.

    Verdicts: ``verified`` (all checks pass and a signature is by one of ``pubkeys``),
    ``verified_untrusted_keys`` (no ``pubkeys`` given; intact, checked with the bundle's own keys),
    ``unsigned`` (intact but carries no signature), ``failed`` (anything else; ``problems`` name the files).
    Raises :class:`BundleError` only if the path does not exist."""
    p = Path(path_or_zip)
    if not p.exists():
        raise BundleError(f"{p}: no such bundle (give a bundle directory or .zip)")
    try:
        files = read_bundle(p)
    except BundleError as exc:
        return VerifyReport(bundle=str(p), ok=False, verdict="failed", problems=[str(exc)])
    return verify_files(files, pubkeys, bundle=str(p))


def load_verified_snapshot(path_or_zip: Path | str, pubkeys: Sequence[PublicKey] | None = None) -> tuple[VerifyReport, dict[str, Any]]:
    """Verify, then return the snapshot (parsed from the verified bytes). Raises :class:`BundleError` if the
    bundle does not verify (``verified_untrusted_keys`` is accepted; check ``report.verdict`` for trust)."""
    p = Path(path_or_zip)
    files = read_bundle(p)
    report = verify_files(files, pubkeys, bundle=str(p))
    if not report.ok:
        raise BundleError(f"{p}: bundle does not verify: {'; '.join(report.problems)}")
    snapshot = parse_canonical(files[SNAPSHOT_FILE], SNAPSHOT_FILE)
    if not isinstance(snapshot, dict):
        raise BundleError(f"{p}: {SNAPSHOT_FILE} is not a JSON object")
    return report, snapshot


def cosign_files(files: Mapping[str, bytes], key: SigningKey, *, signed_at: str | None = None) -> dict[str, bytes]:
    """Add ``key``'s signature to bundle files (in memory). The bundle must be intact first: every digest
    matches and every existing signature verifies with the bundle's keys."""
    report = verify_files(files)
    blocking = [p for p in report.problems if p != f"{ENVELOPE_FILE}: the bundle is not signed"]
    if blocking:
        raise BundleError("refusing to sign a bundle that does not verify: " + "; ".join(blocking))
    envelope = json.loads(files[ENVELOPE_FILE].decode("utf-8"))
    try:
        if envelope["signatures"]:
            envelope = add_signature(envelope, key, signed_at=signed_at)
        else:
            payload = read_statement_unverified(envelope)
            envelope = sign_envelope(payload, key, envelope["payloadType"], signed_at=signed_at)
    except SigningError as exc:
        raise BundleError(str(exc)) from exc
    out = dict(files)
    out[ENVELOPE_FILE] = canonical_json(envelope)
    out[f"{PUBLIC_KEY_DIR}/{key.key_id}.pub"] = key.public_key.pem()
    return out


def sign_bundle(path_or_zip: Path | str, key: SigningKey, *, signed_at: str | None = None) -> Path:
    """Co-sign a bundle directory or zip in place (each signer adds one signature); returns the path."""
    p = Path(path_or_zip)
    files = cosign_files(read_bundle(p), key, signed_at=signed_at)
    if p.is_dir():
        write_bundle_dir({ENVELOPE_FILE: files[ENVELOPE_FILE], f"{PUBLIC_KEY_DIR}/{key.key_id}.pub": files[f"{PUBLIC_KEY_DIR}/{key.key_id}.pub"]}, p)
    else:
        with zipfile.ZipFile(p) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
        tops = {n.split("/", 1)[0] for n in names}
        folder = tops.pop() if len(tops) == 1 and all("/" in n for n in names) else ""
        p.write_bytes(zip_bytes(files, folder=folder))
    return p
