"""Signing stored records: own keys, the trust store (audited, one key per identity), approve/dissent, the
quorum that gates acceptance, bundles, and what a backup may not do (trust a key, rewrite an accepted record)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.signing.helpers import make_key
from workbench.domain.mdr import MDRStatus, render_markdown, set_field, with_people
from workbench.domain.snapshot import canonical_json, parse_canonical
from workbench.io.mdr_bundle import ENVELOPE_FILE, RECORD_FILE, SNAPSHOT_FILE
from workbench.services import signing as svc
from workbench.services.backup_restore import import_workspace
from workbench.services.bundles import verify_files
from workbench.services.records import draft_from_workspace
from workbench.signing import Endorsement, SigningError, SigningKey, TrustStore, load_signing_key
from workbench.store import keys as key_store
from workbench.store import read_session
from workbench.store.accepted_guard import rewritten_after_acceptance
from workbench.store.backup import BackupError, export_workspace
from workbench.store.decisions import (
    DecisionError,
    decision_history,
    get_decision,
    save_decision,
    transition_decision,
)
from workbench.store.tables import AuditEvent, SigningKeyRow


def _trust(engine, key: SigningKey, actor: str = "ada") -> None:
    svc.trust_public_key(engine, key.public_key, key.info.name, key.info.email, actor,
                         confirm_fingerprint=key.public_key.fingerprint)


def _proposed(engine, actor: str = "ada"):
    rec = draft_from_workspace(engine, "Contracts", actor)
    rec = save_decision(engine, rec.id, with_people(rec.record, decision_makers=["Ana Lima"]), rec.version, actor)
    return transition_decision(engine, rec.id, "proposed", rec.version, actor)


def _accepted(engine, actor: str = "ada"):
    rec = _proposed(engine, actor)
    return transition_decision(engine, rec.id, "accepted", rec.version, actor)


def test_sign_cosign_keep_public_keys_only_and_verify_against_the_trust_store(engine, profile, tmp_path):
    ana, bo = make_key(tmp_path), make_key(tmp_path, "Bo Chen", "bo@example.com")
    rec = _accepted(engine)
    with pytest.raises(svc.SignerMismatchError, match="signed in as bo@example.com"):
        svc.sign_decision(engine, rec.id, ana, rec.version, "bo", signed_in_email="bo@example.com")
    signed = svc.sign_decision(engine, rec.id, ana, rec.version, "ana", signed_in_email="ANA@example.com")
    signed = svc.sign_decision(engine, rec.id, bo, signed.version, "bo")
    assert signed.signature_count == 2 and signed.signer_key_ids == [ana.key_id, bo.key_id]
    with pytest.raises(DecisionError, match="already signed"):
        svc.sign_decision(engine, rec.id, bo, signed.version, "bo")
    files = svc.decision_bundle_files(engine, rec.id)
    assert files[RECORD_FILE] == render_markdown(signed.record).encode()
    report = svc.decision_report(engine, rec.id)
    assert report.verdict == "untrusted"  # signing registers a key; it never trusts it
    _trust(engine, ana)
    _trust(engine, bo)
    report = svc.decision_report(engine, rec.id)
    assert report.verdict == "verified" and [s.email for s in report.signatures] == ["ana@example.com", "bo@example.com"]
    assert [s.identity_basis for s in report.signatures] == ["oidc", "self-asserted"]
    with read_session(engine) as session:
        stored = [r.public_key for r in session.scalars(select(SigningKeyRow))]
        events = list(session.scalars(select(AuditEvent)))
    assert len(stored) == 2 and all("PUBLIC KEY" in pem and "PRIVATE" not in pem for pem in stored)
    dump = json.dumps([e.before for e in events] + [e.after for e in events] + [e.summary for e in events])
    assert "PRIVATE" not in dump
    for key_file in (tmp_path / "keys").glob("*.key"):
        assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
        assert key_file.read_text().splitlines()[1] not in dump + files[ENVELOPE_FILE].decode()
    # superseding keeps the signatures on the old record
    new = draft_from_workspace(engine, "Contracts", "ada", supersedes_id=rec.id)
    new = save_decision(engine, new.id, with_people(new.record, decision_makers=["Ana Lima"]), new.version, "ada")
    new = transition_decision(engine, new.id, "proposed", new.version, "ada")
    transition_decision(engine, new.id, "accepted", new.version, "ada")
    old = get_decision(engine, rec.id)
    assert old.status == MDRStatus.superseded and old.signature_count == 2
    assert svc.decision_report(engine, rec.id).verdict == "verified"


def test_a_change_after_signing_clears_the_signatures_and_the_audit_keeps_them(engine, profile, tmp_path):
    ana = make_key(tmp_path)
    rec = draft_from_workspace(engine, "Contracts", "ada")
    signed = svc.sign_decision(engine, rec.id, ana, rec.version, "ana")
    edited = save_decision(engine, rec.id, set_field(signed.record, "rollout.shadow_traffic_pct", 2.0),
                           signed.version, "ada")
    assert edited.envelope is None and edited.signature_count == 0
    event = decision_history(engine, rec.id)[-1]
    assert "1 signature(s) cleared" in event.summary and event.before["envelope"]["signatures"]
    assert verify_files(svc.decision_bundle_files(engine, rec.id), TrustStore()).verdict == "unsigned"


def test_bundle_of_a_draft_is_unsigned_but_its_digests_hold(engine, profile):
    rec = draft_from_workspace(engine, "Contracts", "ada")
    files = svc.decision_bundle_files(engine, rec.id)
    assert set(files) == {RECORD_FILE, SNAPSHOT_FILE, ENVELOPE_FILE}
    report = verify_files(files, TrustStore())
    assert report.verdict == "unsigned" and all(f.ok for f in report.files)
    assert parse_canonical(files[SNAPSHOT_FILE]) == json.loads(canonical_json(rec.snapshot))


# --------------------------------------------------------------------------- trust store


def test_trusting_is_deliberate_audited_and_one_key_per_identity(engine, tmp_path):
    ana, ana2 = make_key(tmp_path), make_key(tmp_path, "Ana Lima", "ana@example.com", sub="laptop2")
    with pytest.raises(SigningError, match="does not match"):
        svc.trust_public_key(engine, ana.public_key, "Ana Lima", "ana@example.com", "sec", confirm_fingerprint="SHA256:x")
    assert key_store.list_trusted(engine) == []
    _trust(engine, ana, "sec")
    entry = key_store.list_trusted(engine)[0]
    assert (entry.fingerprint, entry.added_by, entry.label) == (ana.public_key.fingerprint, "sec", "Ana Lima <ana@example.com>")
    with pytest.raises(key_store.KeyStoreError, match="already has a trusted key"):
        _trust(engine, ana2)
    svc.revoke(engine, ana.key_id[:12], "sec", "laptop lost")
    _trust(engine, ana2, "sec")
    with pytest.raises(key_store.KeyStoreError, match="cannot be trusted again"):
        _trust(engine, ana)
    with pytest.raises(DecisionError, match="revoked"):
        svc.sign_decision(engine, 1, ana, 1, "ana")
    key_store.untrust_key(engine, ana2.key_id, "sec")
    with read_session(engine) as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "trusted_key")))
    assert [e.action for e in events] == ["trust", "revoke", "trust", "untrust"]
    assert all(("SHA256:" in e.summary) for e in events)
    assert ana.public_key.fingerprint in events[1].summary and "laptop lost" in events[1].summary


def test_a_key_created_in_the_app_is_the_persons_own_and_a_second_is_refused(engine, tmp_path):
    base = tmp_path / "server-keys"
    info = svc.create_person_key(engine, "Ana Lima", "ana@example.com", "ana@example.com", base_dir=base)
    key_file = Path(info.key_dir) / f"{info.key_id}.key"
    assert key_file.parent == base / "people" / "ana@example.com"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert [k.key_id for k in svc.own_keys("ana@example.com", base)] == [info.key_id]
    assert svc.own_keys("bo@example.com", base) == []  # nobody else sees Ana's key
    assert key_store.list_trusted(engine) == [] and [k.key_id for k in key_store.list_registered(engine)] == [info.key_id]
    with pytest.raises(Exception, match="already has a key"):
        svc.create_person_key(engine, "Ana Lima", "ana@example.com", "ana@example.com", base_dir=base)
    svc.revoke(engine, info.key_id, "ana@example.com", "replaced")
    second = svc.create_person_key(engine, "Ana Lima", "ana@example.com", "ana@example.com", base_dir=base)
    assert second.key_id != info.key_id


# --------------------------------------------------------------------------- quorum and dissent


def test_acceptance_needs_the_quorum_and_dissent_is_recorded(engine, profile, tmp_path):
    ana, sec, po = (make_key(tmp_path), make_key(tmp_path, "Sam Sec", "sec@example.com"),
                    make_key(tmp_path, "Pat Owner", "po@example.com"))
    for k in (ana, sec, po):
        _trust(engine, k)
    rec = _proposed(engine)
    policy = svc.set_quorum(engine, rec.id, ["architect: ana@example.com", "2 of reviewers: sec@example.com, "
                                             "po@example.com, bo@example.com"], 0, "ada")
    assert [r.count for r in policy.rules] == [1, 2]
    with pytest.raises(svc.QuorumNotMetError, match="architect: 1 more approval"):
        svc.check_acceptance(engine, rec.id)
    rec = svc.sign_decision(engine, rec.id, ana, rec.version, "ana")
    with pytest.raises(DecisionError, match="already signed"):
        svc.set_quorum(engine, rec.id, [], 1, "ada")
    rec = svc.sign_decision(engine, rec.id, sec, rec.version, "sec",
                            endorsement=Endorsement(verdict="dissent", reason="EU data leaves the region"))
    with pytest.raises(svc.QuorumNotMetError, match="reviewers: 2 more approvals"):
        svc.check_acceptance(engine, rec.id)
    report = svc.decision_report(engine, rec.id)
    assert report.verdict == "quorum_not_met" and report.quorum.dissents[0].reason == "EU data leaves the region"
    rec = svc.sign_decision(engine, rec.id, po, rec.version, "po")
    with pytest.raises(svc.QuorumNotMetError, match="reviewers: 1 more approval from sec@example.com, bo@example.com"):
        svc.check_acceptance(engine, rec.id)
    bo = make_key(tmp_path, "Bo Chen", "bo@example.com")
    _trust(engine, bo)
    rec = svc.sign_decision(engine, rec.id, bo, rec.version, "bo")
    result = svc.check_acceptance(engine, rec.id)
    assert result is not None and result.met
    accepted = transition_decision(engine, rec.id, "accepted", rec.version, "ada")
    assert accepted.signature_count == 4  # acceptance keeps the approvals
    report = svc.decision_report(engine, rec.id)
    assert report.verdict == "verified" and report.quorum.approved_by == ["ana@example.com", "bo@example.com",
                                                                          "po@example.com"]


# --------------------------------------------------------------------------- backups


def test_a_forged_key_merged_through_a_backup_is_not_trusted(engine, profile, tmp_path):
    """Attack: the forger's key, labelled "Ana Lima", arrives with `workspace import --mode merge`."""
    from tests.store.conftest import fresh_database_url
    from workbench.store import open_store

    ana, eve = make_key(tmp_path), make_key(tmp_path, "Ana Lima", "ana@example.com", sub="eve")
    _trust(engine, ana)
    other = open_store(fresh_database_url(tmp_path, "attacker"))
    key_store.register_key(other, eve.key_id, "Ana Lima", "ana@example.com", eve.public_key.pem().decode(), "eve")
    document = export_workspace(other)
    assert "trusted_key" not in document["tables"]
    import_workspace(engine, document, "merge", actor="ops", source="attacker.json")
    assert eve.key_id in {k.key_id for k in key_store.list_registered(engine)}  # seen, registered ...
    assert not svc.trust_store(engine).is_trusted(eve.key_id)  # ... never trusted
    from tests.signing.helpers import record
    from workbench.services.bundles import build_bundle_files

    forged = build_bundle_files(record(), {"scores": [0.8], "smaa_seed": 1}, [eve])
    report = verify_files(forged, svc.trust_store(engine))
    assert (report.verdict, report.exit_code) == ("untrusted", 3)
    assert report.signatures[0].signer == "Ana Lima <ana@example.com> (claimed)"
    # a backup that names the trust store table is refused outright
    document["tables"]["trusted_key"] = []
    with pytest.raises(BackupError, match="unknown table"):
        import_workspace(engine, document, "merge", actor="ops", source="attacker.json")
    other.dispose()


def test_a_restore_that_rewrites_an_accepted_record_is_refused_unless_overridden(engine, profile, tmp_path):
    ana = make_key(tmp_path)
    rec = _accepted(engine)
    svc.sign_decision(engine, rec.id, ana, rec.version, "ana")
    document = export_workspace(engine)
    row = next(r for r in document["tables"]["decision"] if r["id"] == rec.id)
    row["body"]["title"] = "Use Llama 4 Scout"
    row["title"] = "Use Llama 4 Scout"
    with pytest.raises(BackupError, match="MDR-0001: accepted record's text would change"):
        import_workspace(engine, document, "replace", actor="ops", source="edited.json")
    assert get_decision(engine, rec.id).record.title != "Use Llama 4 Scout"
    row["envelope"] = None
    with pytest.raises(BackupError, match="text and signatures would change"):
        import_workspace(engine, document, "replace", actor="ops", source="edited.json")
    import_workspace(engine, document, "replace", actor="ops", source="edited.json", rewrite_accepted=True)
    assert get_decision(engine, rec.id).record.title == "Use Llama 4 Scout"
    marks = rewritten_after_acceptance(engine, rec.id)
    assert len(marks) == 1 and "override given by ops" in marks[0]
    # the body itself edited in the file: the accepted digest catches it even in a merge into an empty workspace
    from tests.store.conftest import fresh_database_url
    from workbench.store import open_store

    doc2 = export_workspace(engine)
    row2 = next(r for r in doc2["tables"]["decision"] if r["id"] == rec.id)
    row2["body"]["body"]["selection"]["selected_model"] = "Llama 4 Scout"
    empty = open_store(fresh_database_url(tmp_path, "empty"))
    with pytest.raises(BackupError, match="in the backup: MDR-0001: body changed after acceptance"):
        import_workspace(empty, doc2, "merge", actor="ops", source="edited.json")
    empty.dispose()


def test_the_trust_store_is_not_in_backups_and_survives_a_replace(engine, profile, tmp_path):
    ana = make_key(tmp_path)
    _trust(engine, ana)
    document = export_workspace(engine)
    import_workspace(engine, document, "replace", actor="ops", source="same.json")
    assert svc.trust_store(engine).is_trusted(ana.key_id)
    assert load_signing_key(Path(ana.info.key_dir) / f"{ana.key_id}.key").key_id == ana.key_id
