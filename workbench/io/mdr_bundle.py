"""The MDR bundle format: its files, reading and writing them (directory and zip), and the checks that need
no key (layout, subjects' digests, predicate, record.md text).

A bundle holds::

    record.md             the MDR as MADR-compatible Markdown (UTF-8, LF line endings)
    snapshot.json         the decision snapshot, RFC 8785 canonical JSON
    envelope.dsse.json    DSSE envelope of an in-toto Statement v1 whose subjects are the SHA-256 digests of
                          record.md and snapshot.json; Ed25519 signatures (one per signer). Any JSON
                          formatting: the signatures cover the payload bytes, not the envelope's layout.
    public_keys/<key_id>.pub   the signers' public keys (PEM), optional; they can show a signature is valid,
                          never who made it (trust comes from the verifier's trust store)

Signature verification and trust live in :mod:`workbench.signing`; :mod:`workbench.services.bundles`
combines them with this format.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict

from workbench.domain.mdr import MDR
from workbench.domain.snapshot import SnapshotError, parse_canonical, snapshot_digest

RECORD_FILE = "record.md"
SNAPSHOT_FILE = "snapshot.json"
ENVELOPE_FILE = "envelope.dsse.json"
PUBLIC_KEY_DIR = "public_keys"
SUBJECT_FILES: tuple[str, ...] = (RECORD_FILE, SNAPSHOT_FILE)
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 200
PUBKEY_NAME = re.compile(r"^public_keys/([0-9a-f]{64})\.pub$")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_SELECTED = "* Selected Model Identifier: "
_ALTERNATIVE = "* Alternative: "


class BundleError(ValueError):
    """A bundle that cannot be read or written (the message names the path or file)."""


class FileCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    sha256: str
    expected_sha256: str | None = None
    ok: bool = True
    problem: str | None = None


Fail = Callable[[str, str], None]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- writing


def mdr_predicate(
    record: MDR, record_md: bytes, snapshot: bytes, *, exported_at: str, app_version: str,
    quorum: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The in-toto predicate of an MDR bundle. ``quorum``: the approval policy (``QuorumPolicy`` as JSON) the
    signatures are checked against offline; absent when the record requires none."""
    f = record.front
    predicate: dict[str, Any] = {
        "mdr_id": record.id, "title": record.title, "status": f.status.value, "date": f.date.isoformat(),
        "profile": record.profile_name, "decision_makers": list(f.decision_makers), "consulted": list(f.consulted),
        "informed": list(f.informed), "supersedes": f.supersedes, "superseded_by": f.superseded_by,
        "record_sha256": snapshot_digest(record_md), "snapshot_sha256": snapshot_digest(snapshot),
        "exported_at": exported_at, "app_version": app_version,
    }
    if quorum:
        predicate["quorum"] = dict(quorum)
    return predicate


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


def write_bundle(files: Mapping[str, bytes], out_dir: Path | str, name: str, *, make_zip: bool = True) -> Path:
    """Write ``out_dir/<name>/`` (and ``out_dir/<name>.zip``); an existing non-empty directory is refused."""
    out = Path(out_dir)
    directory = out / name
    if directory.exists() and any(directory.iterdir()):
        raise BundleError(f"{directory}: already exists and is not empty; export to another directory")
    write_bundle_dir(files, directory)
    if make_zip:
        (out / f"{name}.zip").write_bytes(zip_bytes(files, folder=name))
    return directory


def zip_folder(path: Path) -> str:
    """The single top-level folder of a bundle zip ("" when members sit at the top)."""
    with zipfile.ZipFile(path) as zf:
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
    tops = {n.split("/", 1)[0] for n in names}
    return tops.pop() if len(tops) == 1 and all("/" in n for n in names) else ""


# --------------------------------------------------------------------------- reading


def _files_from_zip(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if len(infos) > MAX_MEMBERS:
                raise BundleError(f"{path}: {len(infos)} members (a bundle has at most {MAX_MEMBERS})")
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
            if total > MAX_BUNDLE_BYTES or len(files) >= MAX_MEMBERS:
                raise BundleError(f"{path}: bundle larger than {MAX_BUNDLE_BYTES} bytes or {MAX_MEMBERS} files")
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


# --------------------------------------------------------------------------- checks without keys


def check_layout(files: Mapping[str, bytes], fail: Fail, problems: list[str]) -> None:
    """Required files present, nothing unexpected, record.md UTF-8 with LF, snapshot.json canonical."""
    for name in (RECORD_FILE, SNAPSHOT_FILE, ENVELOPE_FILE):
        if name not in files:
            problems.append(f"{name}: missing from the bundle")
    for name in files:
        if name not in (RECORD_FILE, SNAPSHOT_FILE, ENVELOPE_FILE) and not PUBKEY_NAME.match(name):
            fail(name, "unexpected file in the bundle")
    if SNAPSHOT_FILE in files:
        try:
            parse_canonical(files[SNAPSHOT_FILE], SNAPSHOT_FILE)
        except SnapshotError as exc:
            fail(SNAPSHOT_FILE, str(exc).removeprefix(f"{SNAPSHOT_FILE}: "))
    if RECORD_FILE in files:
        try:
            if "\r" in files[RECORD_FILE].decode("utf-8"):
                fail(RECORD_FILE, "contains CR characters (records use LF line endings)")
        except UnicodeDecodeError:
            fail(RECORD_FILE, "not valid UTF-8")


def subject_digests(statement: Mapping[str, Any]) -> dict[str, str]:
    digests: dict[str, str] = {}
    subjects = statement.get("subject")
    for s in subjects if isinstance(subjects, list) else []:
        if isinstance(s, dict) and isinstance(s.get("name"), str) and isinstance(s.get("digest"), dict):
            digests[s["name"]] = str(s["digest"].get("sha256", ""))
    return digests


def check_statement(
    statement: Mapping[str, Any], files: Mapping[str, bytes], checks: dict[str, FileCheck], fail: Fail,
    *, predicate_type: str, verified: bool,
) -> dict[str, Any]:
    """The subjects must be exactly record.md and snapshot.json with the files' digests, and the predicate's
    snapshot digest must agree; returns the predicate ({} if missing)."""
    qualifier = "" if verified else " (statement unverified)"
    if statement.get("predicateType") != predicate_type:
        fail(ENVELOPE_FILE, f"predicateType must be {predicate_type}")
    digests = subject_digests(statement)
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
        return {}
    if SNAPSHOT_FILE in files and predicate.get("snapshot_sha256") != checks[SNAPSHOT_FILE].sha256:
        fail(SNAPSHOT_FILE, f"sha256 does not match the predicate's snapshot_sha256{qualifier}")
    return predicate


def record_selection(record_md: bytes) -> tuple[str, list[str]]:
    """(selected model, alternatives' names) as record.md states them (section 2 and 4 of the MDR)."""
    selected, alternatives = "", []
    for line in record_md.decode("utf-8", "replace").split("\n"):
        if line.startswith(_SELECTED):
            value = line[len(_SELECTED):].strip()
            selected = "" if value == "_not selected_" else value
        elif line.startswith(_ALTERNATIVE):
            alternatives.append(line[len(_ALTERNATIVE):].strip())
    return selected, alternatives


__all__ = [
    "ENVELOPE_FILE", "MAX_BUNDLE_BYTES", "PUBLIC_KEY_DIR", "PUBKEY_NAME", "RECORD_FILE", "SNAPSHOT_FILE",
    "SUBJECT_FILES", "BundleError", "FileCheck", "check_layout", "check_statement", "mdr_predicate",
    "read_bundle", "record_selection", "sha256", "subject_digests", "write_bundle", "write_bundle_dir",
    "zip_bytes", "zip_folder",
]
