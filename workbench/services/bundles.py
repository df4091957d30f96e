"""Signed MDR bundles as a use case: build, co-sign, verify offline against a trust store, restore.

Combines the bundle format (:mod:`workbench.io.mdr_bundle`) with signing (:mod:`workbench.signing`).
Verification fails closed; verdicts and ``workbench mdr verify`` exit codes (:data:`EXIT_CODES`):

==================  ====  ==============================================================================
verdict             exit  meaning
==================  ====  ==============================================================================
``verified``        0     every file matches its signed digest, every signature is valid and by a trusted
                          key, and the record's approval quorum (if any) is met
``failed``          1     tampered or invalid: a file, a digest, a signature, the envelope or statement
``untrusted``       3     intact and every signature valid, but at least one key is not trusted (or revoked)
``unsigned``        4     intact, but nobody signed it
``quorum_not_met``  4     intact, valid, trusted, but the approvals the record requires are not all there
==================  ====  ==============================================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from workbench.domain.mdr import MDR, render_markdown
from workbench.domain.snapshot import SnapshotError, canonical_json, parse_canonical
from workbench.io.json_text import JsonInputError, load_json
from workbench.io.mdr_bundle import (
    ENVELOPE_FILE,
    PUBKEY_NAME,
    PUBLIC_KEY_DIR,
    RECORD_FILE,
    SNAPSHOT_FILE,
    BundleError,
    FileCheck,
    check_layout,
    check_statement,
    mdr_predicate,
    read_bundle,
    record_selection,
    sha256,
    write_bundle,
    write_bundle_dir,
    zip_bytes,
    zip_folder,
)
from workbench.signing import (
    PREDICATE_TYPE,
    Endorsement,
    PublicKey,
    QuorumPolicy,
    QuorumResult,
    SignatureCheck,
    SigningError,
    SigningKey,
    TrustStore,
    add_signature,
    envelope_parts,
    evaluate,
    load_public_key,
    make_statement,
    public_key_pem,
    sign_envelope,
    unsigned_envelope,
    verify_envelope,
)
from workbench.signing.quorum import Dissent

BundleVerdict = Literal["verified", "failed", "untrusted", "unsigned", "quorum_not_met"]
EXIT_CODES: dict[str, int] = {"verified": 0, "failed": 1, "untrusted": 3, "unsigned": 4, "quorum_not_met": 4}


class VerifyReport(BaseModel):
    """The outcome of :func:`verify_files` (``workbench mdr verify --json``); ``problems`` name the file."""

    model_config = ConfigDict(extra="forbid")

    bundle: str
    verdict: BundleVerdict
    exit_code: int
    record_id: str | None = None
    title: str | None = None
    status: str | None = None
    predicate_type: str | None = None
    exported_at: str | None = None
    snapshot_sha256: str | None = None
    trust: str = ""
    files: list[FileCheck] = []
    signatures: list[SignatureCheck] = []
    quorum: QuorumResult | None = None
    problems: list[str] = []

    @property
    def ok(self) -> bool:
        return self.verdict == "verified"

    @property
    def intact(self) -> bool:
        """Files and signatures sound (trust and quorum aside): what restoring and co-signing need."""
        return self.verdict != "failed"


# --------------------------------------------------------------------------- building and co-signing


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def snapshot_bytes(snapshot: Mapping[str, Any] | bytes) -> bytes:
    try:
        if isinstance(snapshot, bytes | bytearray):
            parse_canonical(bytes(snapshot), SNAPSHOT_FILE)
            return bytes(snapshot)
        return canonical_json(snapshot)
    except SnapshotError as exc:
        raise BundleError(f"{SNAPSHOT_FILE}: {str(exc).removeprefix(f'{SNAPSHOT_FILE}: ')}") from exc


def unsigned_files(
    record: MDR, snapshot: Mapping[str, Any] | bytes, *, exported_at: str | None = None, app_version: str = "",
    quorum: QuorumPolicy | None = None, record_md: bytes | None = None,
) -> dict[str, bytes]:
    """record.md, snapshot.json and an unsigned envelope of the Statement over both."""
    md = record_md if record_md is not None else render_markdown(record).encode("utf-8")
    snap = snapshot_bytes(snapshot)
    policy = quorum.model_dump(mode="json") if quorum is not None and not quorum.empty else None
    predicate = mdr_predicate(record, md, snap, exported_at=exported_at or _now(), app_version=app_version,
                              quorum=policy)
    statement = make_statement({RECORD_FILE: md, SNAPSHOT_FILE: snap}, predicate)
    return {RECORD_FILE: md, SNAPSHOT_FILE: snap, ENVELOPE_FILE: canonical_json(unsigned_envelope(statement))}


def build_bundle_files(
    record: MDR, snapshot: Mapping[str, Any] | bytes, keys: Sequence[SigningKey] = (), *,
    exported_at: str | None = None, signed_at: str | None = None, app_version: str = "",
    include_public_keys: bool = True, quorum: QuorumPolicy | None = None,
    endorsements: Sequence[Endorsement] | None = None,
) -> dict[str, bytes]:
    """The bundle's files in memory (name -> bytes), signed by each of ``keys`` in turn."""
    files = unsigned_files(record, snapshot, exported_at=exported_at, app_version=app_version, quorum=quorum)
    for i, key in enumerate(keys):
        files = cosign_files(files, key, signed_at=signed_at,
                             endorsement=endorsements[i] if endorsements else None)
        if not include_public_keys:
            files.pop(f"{PUBLIC_KEY_DIR}/{key.key_id}.pub")
    return files


def export_bundle(
    record: MDR, snapshot: Mapping[str, Any] | bytes, out_dir: Path | str, keys: Sequence[SigningKey] = (),
    *, make_zip: bool = True, **options: Any,
) -> Path:
    """Write ``out_dir/<record id>/`` (and ``<record id>.zip``); return the bundle directory."""
    return write_bundle(build_bundle_files(record, snapshot, keys, **options), out_dir, record.id, make_zip=make_zip)


def cosign_files(
    files: Mapping[str, bytes], key: SigningKey, *, signed_at: str | None = None,
    endorsement: Endorsement | None = None,
) -> dict[str, bytes]:
    """Add ``key``'s signature to bundle files (in memory). The bundle must be intact first (every digest
    matches, every existing signature valid); trust is not required to add one's own signature."""
    report = verify_files(files, TrustStore())
    if report.verdict == "failed":
        raise BundleError("refusing to sign a bundle that does not verify: " + "; ".join(report.problems))
    envelope = load_json(files[ENVELOPE_FILE], ENVELOPE_FILE)
    try:
        if envelope["signatures"]:
            envelope = add_signature(envelope, key, signed_at=signed_at, endorsement=endorsement)
        else:
            payload_type, payload, _ = envelope_parts(envelope)
            envelope = sign_envelope(payload, key, payload_type, signed_at=signed_at, endorsement=endorsement)
    except SigningError as exc:
        raise BundleError(str(exc)) from exc
    out = dict(files)
    out[ENVELOPE_FILE] = canonical_json(envelope)
    out[f"{PUBLIC_KEY_DIR}/{key.key_id}.pub"] = key.public_key.pem()
    return out


def sign_bundle(path_or_zip: Path | str, key: SigningKey, **options: Any) -> Path:
    """Co-sign a bundle directory or zip in place (each signer adds one signature); returns the path."""
    p = Path(path_or_zip)
    files = cosign_files(read_bundle(p), key, **options)
    if p.is_dir():
        name = f"{PUBLIC_KEY_DIR}/{key.key_id}.pub"
        write_bundle_dir({ENVELOPE_FILE: files[ENVELOPE_FILE], name: files[name]}, p)
    else:
        p.write_bytes(zip_bytes(files, folder=zip_folder(p)))
    return p


# --------------------------------------------------------------------------- verification


def _bundle_keys(files: Mapping[str, bytes], fail: Any) -> list[PublicKey]:
    """Public keys shipped in the bundle: each must be exactly the PEM of the key its name identifies."""
    keys: list[PublicKey] = []
    for name, data in files.items():
        m = PUBKEY_NAME.match(name)
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
            keys.append(key)
    return keys


def _quorum(predicate: Mapping[str, Any], signatures: Sequence[SignatureCheck], fail: Any) -> QuorumResult:
    policy = None
    if predicate.get("quorum") is not None:
        try:
            policy = QuorumPolicy.model_validate(predicate["quorum"])
        except ValidationError as exc:
            fail(ENVELOPE_FILE, f"predicate quorum is not a valid policy: {exc.errors()[0]['msg']}")
    counted = [s for s in signatures if s.valid and s.trusted and s.email]
    approvers = [s.email or "" for s in counted if s.verdict == "approve"]
    dissents = [Dissent(signer=s.signer or "", reason=s.dissent_reason or "") for s in counted if s.verdict == "dissent"]
    return evaluate(policy, approvers, dissents)


def verify_files(files: Mapping[str, bytes], trust: TrustStore, *, bundle: str = "<memory>",
                 trust_label: str = "") -> VerifyReport:
    """Verify bundle files held in memory against ``trust`` (see the module docstring for the verdicts)."""
    problems: list[str] = []
    checks = {n: FileCheck(name=n, sha256=sha256(d)) for n, d in sorted(files.items())}

    def fail(name: str, message: str) -> None:
        problems.append(f"{name}: {message}")
        if name in checks:
            checks[name].ok = False
            checks[name].problem = checks[name].problem or message

    check_layout(files, fail, problems)
    bundle_keys = _bundle_keys(files, fail)
    report = VerifyReport(bundle=bundle, verdict="failed", exit_code=1, trust=trust_label)
    predicate: dict[str, Any] = {}
    result = None
    if ENVELOPE_FILE in files:
        try:
            envelope = load_json(files[ENVELOPE_FILE], ENVELOPE_FILE)
        except JsonInputError as exc:
            fail(ENVELOPE_FILE, str(exc).removeprefix(f"{ENVELOPE_FILE}: "))
            envelope = None
        if envelope is not None:
            result = verify_envelope(envelope, trust, parse_json=load_json, extra_keys=bundle_keys)
            report.signatures = result.signatures
            for p in result.problems:
                fail(ENVELOPE_FILE, p)
            if result.statement is not None:
                predicate = check_statement(result.statement, files, checks, fail, predicate_type=PREDICATE_TYPE,
                                            verified=True)
                report.predicate_type = result.statement.get("predicateType")
                report.snapshot_sha256 = checks[SNAPSHOT_FILE].expected_sha256 if SNAPSHOT_FILE in checks else None
    for attr, key in (("record_id", "mdr_id"), ("title", "title"), ("status", "status"), ("exported_at", "exported_at")):
        value = predicate.get(key)
        setattr(report, attr, value if isinstance(value, str) else None)
    report.quorum = _quorum(predicate, report.signatures, fail)
    report.files = list(checks.values())
    report.problems = problems
    if problems or result is None:
        report.verdict = "failed"
    elif not report.signatures:
        report.verdict = "unsigned"
        problems.append(f"{ENVELOPE_FILE}: the bundle is not signed")
    elif not all(s.trusted for s in report.signatures):
        report.verdict = "untrusted"
    elif not report.quorum.met:
        report.verdict = "quorum_not_met"
    else:
        report.verdict = "verified"
    report.exit_code = EXIT_CODES[report.verdict]
    return report


def verify_bundle(path_or_zip: Path | str, trust: TrustStore, *, trust_label: str = "") -> VerifyReport:
    """Verify a bundle directory or zip offline. Raises :class:`BundleError` only if the path does not exist."""
    p = Path(path_or_zip)
    if not p.exists():
        raise BundleError(f"{p}: no such bundle (give a bundle directory or .zip)")
    try:
        files = read_bundle(p)
    except BundleError as exc:
        return VerifyReport(bundle=str(p), verdict="failed", exit_code=1, problems=[str(exc)], trust=trust_label)
    return verify_files(files, trust, bundle=str(p), trust_label=trust_label)


# --------------------------------------------------------------------------- record vs snapshot


class RecordCheck(BaseModel):
    """Whether record.md's selection and alternatives agree with the snapshot's ranking; ``edited`` names the
    fields a person changed from what the ranking gives (that may be deliberate; it is reported, not refused)."""

    model_config = ConfigDict(extra="forbid")

    agrees: bool
    selected_model: str
    ranked_first: str | None
    edited: list[str]
    notes: list[str]


def check_record_against_ranking(record_md: bytes, ranked: Sequence[str], excluded: Sequence[str],
                                 also_listed: Sequence[str] = ()) -> RecordCheck:
    """``also_listed``: further alternatives the snapshot itself names (a portfolio record's other steps and
    its monolith, under ``portfolio.alternatives``)."""
    selected, alternatives = record_selection(record_md)
    first = ranked[0] if ranked else None
    edited, notes = [], []
    if selected != (first or ""):
        edited.append("selection.selected_model")
        notes.append(f"record.md selects {selected or '(nothing)'!r}; the snapshot's ranking puts "
                     f"{first or '(nobody)'!r} first")
    expected = [n for n in ranked if n != selected] + [n for n in excluded if n != selected] + list(also_listed)
    unknown = [a for a in alternatives if a not in ranked and a not in excluded and a not in also_listed]
    missing = [n for n in expected if n not in alternatives]
    if unknown or missing:
        edited.append("alternatives")
        if unknown:
            notes.append(f"alternatives not in the snapshot: {', '.join(unknown)}")
        if missing:
            notes.append(f"candidates of the snapshot not listed as alternatives: {', '.join(missing)}")
    return RecordCheck(agrees=not edited, selected_model=selected, ranked_first=first, edited=edited, notes=notes)


__all__ = [
    "EXIT_CODES", "BundleVerdict", "RecordCheck", "VerifyReport", "build_bundle_files", "check_record_against_ranking",
    "cosign_files", "export_bundle", "sign_bundle", "snapshot_bytes", "unsigned_files", "verify_bundle",
    "verify_files",
]
