"""Signing use cases in the workspace: keys and the trust store, signing a decision record (approve or
dissent), its bundle (download, export), verification against the workspace's trust store, the approval
quorum that gates acceptance, and restoring from a bundle.

Who may sign with which key: a person signs only with their own key. With a login (``signed_in_email``) the
key must belong to the signed-in identity and the signature records ``identity_basis: "oidc"``; without one
the signature records ``"self-asserted"`` (anyone could have typed that name) and the pages say so. One
identity has one active key: a second is refused until the first is revoked.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from workbench.domain.mdr import MDRStatus
from workbench.domain.snapshot import canonical_json, parse_canonical
from workbench.io.json_text import load_json
from workbench.io.mdr_bundle import (
    ENVELOPE_FILE,
    PUBLIC_KEY_DIR,
    RECORD_FILE,
    SNAPSHOT_FILE,
    BundleError,
    write_bundle,
)
from workbench.io.mdr_bundle import zip_bytes as _zip
from workbench.services.bundles import (
    VerifyReport,
    check_record_against_ranking,
    cosign_files,
    unsigned_files,
    verify_files,
)
from workbench.signing import (
    Endorsement,
    KeyInfo,
    PublicKey,
    QuorumPolicy,
    QuorumResult,
    SigningError,
    SigningKey,
    TrustedKey,
    TrustStore,
    init_key,
    list_keys,
    load_public_key,
    parse_policy,
    person_key_dir,
)
from workbench.store import approvals as approval_store
from workbench.store import decisions as decision_store
from workbench.store import keys as key_store
from workbench.store.decisions import DecisionError, DecisionRecord
from workbench.store.repository import StoreError


class SignerMismatchError(DecisionError):
    """The key chosen does not belong to the person signing."""


class QuorumNotMetError(DecisionError):
    """Accepting a record whose required approvals are not all there (the message names what is missing)."""


# --------------------------------------------------------------------------- trust store


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z") if value else None


def _trusted(entry: key_store.TrustEntry) -> TrustedKey:
    raw = load_public_key(entry.public_key_pem.encode("ascii")).raw
    return TrustedKey(key_id=entry.key_id, fingerprint=entry.fingerprint, name=entry.name, email=entry.email,
                      public_key=base64.b64encode(raw).decode("ascii"), added_by=entry.added_by,
                      added_at=_iso(entry.added_at) or "", revoked_at=_iso(entry.revoked_at),
                      revoked_by=entry.revoked_by)


def trust_store(engine: Engine) -> TrustStore:
    """The workspace's trust store (revoked entries included, so verification can say "revoked")."""
    return TrustStore(_trusted(e) for e in key_store.list_trusted(engine))


def trust_public_key(
    engine: Engine, key: PublicKey, name: str, email: str, actor: str, *, confirm_fingerprint: str,
) -> key_store.TrustEntry:
    """Trust ``key`` as ``name <email>``: a deliberate act, so the caller shows the fingerprint and passes back
    the one the person confirmed; a mismatch writes nothing."""
    if confirm_fingerprint.strip() != key.fingerprint:
        raise SigningError(f"fingerprint {confirm_fingerprint.strip() or '(none)'} does not match the key's "
                           f"{key.fingerprint}: check it with the key's owner")
    return key_store.trust_key(engine, key_id=key.key_id, fingerprint=key.fingerprint, name=name, email=email,
                               pem=key.pem().decode("ascii"), actor=actor)


def resolve_key_id(engine: Engine, selector: str) -> str:
    """A key id from a full id, a prefix of >= 8 hex characters, or a fingerprint, among trusted and
    registered keys."""
    sel = selector.strip()
    known = {e.key_id: e.fingerprint for e in key_store.list_trusted(engine)}
    for k in key_store.list_registered(engine):
        known.setdefault(k.key_id, load_public_key(k.public_key_pem.encode("ascii")).fingerprint)
    matches = [kid for kid, fp in known.items() if fp == sel or (len(sel) >= 8 and kid.startswith(sel.lower()))]
    if len(matches) != 1:
        raise StoreError(f"{selector!r} matches {len(matches)} known keys; give the key id or fingerprint")
    return matches[0]


def revoke(engine: Engine, selector: str, actor: str, reason: str) -> key_store.TrustEntry:
    key_id = resolve_key_id(engine, selector)
    extra: dict[str, str] = {}
    registered = {k.key_id: k for k in key_store.list_registered(engine)}
    if key_id in registered:
        r = registered[key_id]
        pub = load_public_key(r.public_key_pem.encode("ascii"))
        extra = {"fingerprint": pub.fingerprint, "name": r.name, "email": r.email, "pem": r.public_key_pem}
    return key_store.revoke_key(engine, key_id=key_id, actor=actor, reason=reason, **extra)


# --------------------------------------------------------------------------- a person's keys


def revoked_key_ids(engine: Engine) -> set[str]:
    return {e.key_id for e in key_store.list_trusted(engine) if e.revoked}


def own_keys(email: str, base_dir: Path | str | None = None) -> list[KeyInfo]:
    """The private keys a person may sign with in the app: those in their own key directory whose owner
    e-mail is theirs."""
    return [k for k in list_keys(person_key_dir(email, base_dir))
            if k.has_private_key and k.email.strip().lower() == email.strip().lower()]


def create_person_key(
    engine: Engine, name: str, email: str, actor: str, *, base_dir: Path | str | None = None,
) -> KeyInfo:
    """Create ``name <email>``'s key pair in their key directory (private key 0600) and register the public
    key (not trusted: trusting it is a separate, deliberate act). Refused while the identity has an active
    key (trusted and not revoked, or a private key in their directory that is not revoked)."""
    revoked = revoked_key_ids(engine)
    active = key_store.active_key_for(engine, email)
    existing = [k for k in own_keys(email, base_dir) if k.key_id not in revoked]
    if active is not None or existing:
        kid = active.key_id if active is not None else existing[0].key_id
        raise StoreError(f"{email} already has a key ({kid[:16]}…); one identity has one active key: revoke it "
                         f"first (workbench keys revoke {kid[:16]} --reason ...)")
    info = init_key(name, email, person_key_dir(email, base_dir))
    pem = load_public_key(info.public_key.encode("ascii")).pem().decode("ascii")
    key_store.register_key(engine, info.key_id, info.name, info.email, pem, actor)
    return info


# --------------------------------------------------------------------------- quorum


def quorum(engine: Engine, decision_id: int) -> tuple[QuorumPolicy | None, int]:
    policy, version = approval_store.quorum_policy(engine, decision_id)
    return (QuorumPolicy.model_validate(policy) if policy else None), version


def set_quorum(engine: Engine, decision_id: int, rules: Iterable[str], seen_version: int, actor: str) -> QuorumPolicy:
    """Set the approvals a record needs (rules as text, see :mod:`workbench.signing.quorum`; none = no
    quorum). Only before the first signature and while the record is editable: the policy is part of what
    the signatures cover."""
    rec = decision_store.get_decision(engine, decision_id)
    if rec.signature_count:
        raise DecisionError(f"{rec.mdr_id} is already signed: its quorum is part of what was signed")
    if not rec.editable:
        raise DecisionError(f"{rec.mdr_id} is {rec.status.value}: its quorum can no longer change")
    policy = parse_policy(rules)
    summary = "quorum: " + ("; ".join(r.text() for r in policy.rules) or "none")
    approval_store.set_quorum_policy(engine, decision_id, policy.model_dump(mode="json"), seen_version, actor, summary)
    return policy


def decision_report(engine: Engine, decision_id: int) -> VerifyReport:
    """The stored record's bundle verified against the workspace's trust store."""
    rec = decision_store.get_decision(engine, decision_id)
    report = verify_files(decision_bundle_files(engine, decision_id), trust_store(engine), bundle=rec.mdr_id,
                          trust_label="workspace trust store")
    if rec.integrity:  # the stored text no longer matches the digest taken at acceptance
        report.problems.append(f"{rec.mdr_id}: {rec.integrity}")
        report.verdict, report.exit_code = "failed", 1
    return report


def check_acceptance(engine: Engine, decision_id: int) -> QuorumResult | None:
    """Call before accepting: raises :class:`QuorumNotMetError` when the record requires approvals that its
    valid, trusted signatures do not provide (None when it requires none)."""
    policy, _ = quorum(engine, decision_id)
    if policy is None or policy.empty:
        return None
    report = decision_report(engine, decision_id)
    result = report.quorum
    if result is None or not result.met or report.verdict == "failed":
        missing = "; ".join(result.missing) if result else "the signatures do not verify"
        raise QuorumNotMetError(f"MDR approvals missing: {missing or 'the signatures do not verify'}")
    return result


# --------------------------------------------------------------------------- bundle and signing


def _app_version() -> str:
    try:
        from importlib.metadata import version

        return version("model-selection-workbench")
    except Exception:  # running from a checkout that was not installed
        return "0.1.0"


def files_of(rec: DecisionRecord, pems: dict[str, str], policy: QuorumPolicy | None, *,
             exported_at: str | None = None) -> dict[str, bytes]:
    """The bundle files of a stored record: the signed Markdown and envelope when signed, else the current
    Markdown with a fresh unsigned envelope (carrying the quorum policy)."""
    if rec.envelope and rec.signed_record is not None:
        files = {RECORD_FILE: rec.signed_record.encode("utf-8"), SNAPSHOT_FILE: canonical_json(rec.snapshot),
                 ENVELOPE_FILE: canonical_json(rec.envelope)}
        for entry in rec.envelope.get("signatures", []):
            pem = pems.get(str(entry.get("keyid")))
            if pem:
                files[f"{PUBLIC_KEY_DIR}/{entry['keyid']}.pub"] = pem.encode("ascii")
        return files
    return unsigned_files(rec.record, rec.snapshot, exported_at=exported_at, app_version=_app_version(), quorum=policy)


def decision_bundle_files(engine: Engine, decision_id: int, *, exported_at: str | None = None) -> dict[str, bytes]:
    rec = decision_store.get_decision(engine, decision_id)
    return files_of(rec, key_store.registered_pems(engine), quorum(engine, decision_id)[0], exported_at=exported_at)


def bundle_zip(engine: Engine, decision_id: int) -> tuple[str, bytes]:
    """(file name, zip bytes) of the record's bundle."""
    rec = decision_store.get_decision(engine, decision_id)
    return f"{rec.mdr_id}.zip", _zip(decision_bundle_files(engine, decision_id), folder=rec.mdr_id)


def export_decision(engine: Engine, decision_id: int, out_dir: Path | str) -> Path:
    """Write ``out_dir/<MDR id>/`` and ``out_dir/<MDR id>.zip``; return the bundle directory."""
    rec = decision_store.get_decision(engine, decision_id)
    if rec.integrity:
        raise DecisionError(f"{rec.mdr_id}: {rec.integrity}; not exported")
    return write_bundle(decision_bundle_files(engine, decision_id), out_dir, rec.mdr_id)


def sign_decision(
    engine: Engine, decision_id: int, key: SigningKey, seen_version: int, actor: str, *,
    endorsement: Endorsement | None = None, signed_in_email: str | None = None, signed_at: str | None = None,
) -> DecisionRecord:
    """Add ``key``'s signature (approve, or dissent with a reason) to the record. ``signed_in_email``: the
    logged-in identity, which must own the key (identity_basis ``oidc``); without it the signature says
    ``self-asserted``. A revoked key, a key without an owner and a tampered accepted record are refused."""
    e = endorsement or Endorsement()
    if signed_in_email is not None:
        if key.info.email.strip().lower() != signed_in_email.strip().lower():
            raise SignerMismatchError(f"you are signed in as {signed_in_email}, but key {key.key_id[:16]}… belongs "
                                      f"to {key.info.email or 'nobody'}: sign with your own key")
        basis = "oidc"
    else:
        basis = "self-asserted"
    e = Endorsement(verdict=e.verdict, reason=e.reason, identity_basis=basis, role=e.role)  # type: ignore[arg-type]
    if not key.info.name or not key.info.email:
        raise DecisionError(f"key {key.key_id[:16]}… has no owner name/e-mail (its .json description is missing)")
    store = trust_store(engine)
    entry = store.get(key.key_id)
    if entry is not None and entry.revoked:
        raise DecisionError(f"key {key.public_key.fingerprint} was revoked on {entry.revoked_at}; create a new key")
    if entry is not None and entry.email.lower() != key.info.email.lower():
        raise SignerMismatchError(f"key {key.public_key.fingerprint} is trusted as {entry.email}, not {key.info.email}")
    rec = decision_store.get_decision(engine, decision_id)
    if rec.integrity:
        raise DecisionError(f"{rec.mdr_id}: {rec.integrity}; not signed")
    registered = key_store.register_key(engine, key.key_id, key.info.name, key.info.email,
                                        key.public_key.pem().decode("ascii"), actor)
    if registered.email.lower() != key.info.email.lower():
        raise SignerMismatchError(f"key {key.key_id[:16]}… is registered to {registered.email}, not {key.info.email}")
    files = files_of(rec, key_store.registered_pems(engine), quorum(engine, decision_id)[0], exported_at=signed_at)
    try:
        signed = cosign_files(files, key, signed_at=signed_at, endorsement=e)
    except (BundleError, SigningError) as exc:
        raise DecisionError(f"{rec.mdr_id}: {exc}") from exc
    envelope = load_json(signed[ENVELOPE_FILE], ENVELOPE_FILE)
    n = len(envelope["signatures"])
    what = "approval" if e.verdict == "approve" else f"dissent ({e.reason.strip()})"
    return decision_store.record_signatures(
        engine, decision_id, envelope, signed[RECORD_FILE].decode("utf-8"), seen_version, actor,
        audit_after={"key_id": key.key_id, "fingerprint": key.public_key.fingerprint, "name": key.info.name,
                     "email": key.info.email, "signatures": n, "verdict": e.verdict, "reason": e.reason.strip(),
                     "identity_basis": basis},
        summary=f"{what} signed by {key.info.name} <{key.info.email}> (key {key.public_key.fingerprint}, "
                f"{basis}, {'co-signature' if n > 1 else 'first signature'}, status {rec.status.value})")


# --------------------------------------------------------------------------- restore from a bundle


def restore_files(files: dict[str, bytes], trust: TrustStore, *, bundle: str, trust_label: str = "") -> dict[str, Any]:
    """Verify, re-rank from the snapshot, and compare record.md's selection with that ranking.

    ``verified`` is true only for the verdict ``verified`` (valid, trusted, quorum met). The ranking is
    re-computed whenever the files are intact, so an untrusted bundle still shows what it claims."""
    from workbench.services.restore import RestoreError, rerank_snapshot

    report = verify_files(files, trust, bundle=bundle, trust_label=trust_label)
    doc: dict[str, Any] = {"bundle": bundle, "verdict": report.verdict, "exit_code": report.exit_code,
                           "verified": report.ok, "problems": list(report.problems), "record_id": report.record_id,
                           "signatures": [s.model_dump(mode="json") for s in report.signatures],
                           "quorum": report.quorum.model_dump(mode="json") if report.quorum else None,
                           "restore": None, "record_check": None}
    if not report.intact:
        return doc
    try:
        snapshot = parse_canonical(files[SNAPSHOT_FILE], SNAPSHOT_FILE)
        restored = rerank_snapshot(snapshot)
    except (RestoreError, ValueError) as exc:
        doc["problems"].append(f"{SNAPSHOT_FILE}: {exc}")
        return doc
    doc["restore"] = restored.as_json()
    portfolio = snapshot.get("portfolio") if isinstance(snapshot, dict) else None
    listed = portfolio.get("alternatives", []) if isinstance(portfolio, dict) else []
    check = check_record_against_ranking(files[RECORD_FILE], [r.name for r in restored.ranking.rows],
                                         [e.name for e in restored.ranking.excluded],
                                         [str(n) for n in listed] if isinstance(listed, list) else [])
    doc["record_check"] = check.model_dump(mode="json")
    return doc


def restore_exit_code(doc: dict[str, Any]) -> int:
    """0 only when verified and the ranking re-computes bit for bit; else the verify exit code, or 1."""
    if doc["exit_code"]:
        return int(doc["exit_code"])
    return 0 if doc["restore"] is not None and doc["restore"]["matches"] else 1


def accepted_records_changed(engine: Engine) -> list[str]:
    """Accepted records whose text no longer matches their accepted digest (for checks after a restore)."""
    return [f"{r.mdr_id}: {r.integrity}" for r in decision_store.list_decisions(engine)
            if r.integrity and r.status in (MDRStatus.accepted, MDRStatus.superseded)]


__all__ = [
    "QuorumNotMetError", "SignerMismatchError", "accepted_records_changed", "bundle_zip", "check_acceptance",
    "create_person_key", "decision_bundle_files", "decision_report", "export_decision", "files_of", "own_keys",
    "quorum", "resolve_key_id", "revoked_key_ids", "restore_exit_code", "restore_files", "revoke", "set_quorum", "sign_decision",
    "trust_public_key", "trust_store",
]


