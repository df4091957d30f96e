"""MDR bundles on disk and as zip: export, verify, co-sign, restore."""

from __future__ import annotations

import base64
import json
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from workbench.domain.mdr import MDR, draft_mdr, render_markdown
from workbench.domain.models import Profile
from workbench.domain.snapshot import canonical_json, snapshot_digest
from workbench.io.json_text import load_json
from workbench.io.mdr_bundle import (
    ENVELOPE_FILE,
    RECORD_FILE,
    SNAPSHOT_FILE,
    BundleError,
    read_bundle,
    record_selection,
    zip_bytes,
)
from workbench.services.bundles import (
    build_bundle_files,
    check_record_against_ranking,
    export_bundle,
    sign_bundle,
    verify_bundle,
    verify_files,
)
from workbench.signing import (
    PREDICATE_TYPE,
    Endorsement,
    PublicKey,
    SigningKey,
    TrustStore,
    init_key,
    load_signing_key,
    parse_policy,
)


def _trust(*keys: PublicKey) -> TrustStore:
    return TrustStore.of_keys(keys)


def _statement_of(envelope_bytes: bytes) -> dict[str, object]:
    env = load_json(envelope_bytes, "envelope")
    return json.loads(base64.b64decode(env["payload"]))

NAMES = ["model-a", "model-b", "model-c"]
MATRIX = [[0.91, 0.40, 0.7], [0.85, 0.75, 0.2], [0.62, 0.93, 0.55]]
WEIGHTS = [0.5, 0.3, 0.2]


def _wsm(snapshot: dict[str, object]) -> list[float]:
    """The ranking the snapshot must reproduce: weighted sum of the stored normalised matrix."""
    x = np.asarray(snapshot["matrix"], dtype=float)
    w = np.asarray(snapshot["weights"], dtype=float)
    return (x @ (w / w.sum())).tolist()


def _snapshot() -> dict[str, object]:
    snap: dict[str, object] = {"candidates": NAMES, "matrix": MATRIX, "weights": WEIGHTS, "smaa_seed": 20260607}
    snap["scores"] = _wsm(snap)
    return snap


def _record(record_id: str = "MDR-0002") -> MDR:
    snap = _snapshot()
    return draft_mdr(
        record_id=record_id,
        profile=Profile(name="Support answers", task_class="synthesis", user_exposure="end_customer"),
        ranked=list(zip(NAMES, _wsm(snap), strict=True)),
        decision_makers=["Ana Lima"],
        today=date(2026, 6, 7),
    )


def _key(tmp_path: Path, name: str = "Ana Lima", email: str = "ana@example.com") -> SigningKey:
    info = init_key(name, email, tmp_path / "keys")
    return load_signing_key(tmp_path / "keys" / f"{info.key_id}.key")


def test_export_writes_directory_and_zip(tmp_path: Path) -> None:
    key = _key(tmp_path)
    directory = export_bundle(_record(), _snapshot(), tmp_path / "out", [key], exported_at="2026-06-07T10:00:00Z")
    assert directory == tmp_path / "out" / "MDR-0002"
    names = sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())
    assert names == [ENVELOPE_FILE, f"public_keys/{key.key_id}.pub", RECORD_FILE, SNAPSHOT_FILE]
    assert (directory / RECORD_FILE).read_text(encoding="utf-8") == render_markdown(_record())
    assert (directory / SNAPSHOT_FILE).read_bytes() == canonical_json(_snapshot())
    with zipfile.ZipFile(tmp_path / "out" / "MDR-0002.zip") as zf:
        assert sorted(zf.namelist()) == sorted(f"MDR-0002/{n}" for n in names)
    statement = _statement_of((directory / ENVELOPE_FILE).read_bytes())
    assert statement["predicateType"] == PREDICATE_TYPE
    assert {s["name"]: s["digest"]["sha256"] for s in statement["subject"]} == {
        RECORD_FILE: snapshot_digest((directory / RECORD_FILE).read_bytes()),
        SNAPSHOT_FILE: snapshot_digest((directory / SNAPSHOT_FILE).read_bytes()),
    }
    pred = statement["predicate"]
    assert (pred["mdr_id"], pred["status"], pred["snapshot_sha256"]) == (
        "MDR-0002",
        "draft",
        snapshot_digest(canonical_json(_snapshot())),
    )
    with pytest.raises(BundleError, match="already exists"):
        export_bundle(_record(), _snapshot(), tmp_path / "out", [key])


def test_verify_directory_and_zip_with_and_without_trusted_key(tmp_path: Path) -> None:
    key = _key(tmp_path)
    directory = export_bundle(_record(), _snapshot(), tmp_path / "out", [key], signed_at="2026-06-07T10:00:00Z")
    for target in (directory, tmp_path / "out" / "MDR-0002.zip"):
        report = verify_bundle(target, _trust(key.public_key))
        assert (report.ok, report.verdict, report.exit_code) == (True, "verified", 0)
        assert (report.record_id, report.status) == ("MDR-0002", "draft")
        sig = report.signatures[0]
        assert (sig.keyid, sig.name, sig.email, sig.signed_at, sig.trusted, sig.valid) == (
            key.key_id, "Ana Lima", "ana@example.com", "2026-06-07T10:00:00Z", True, True
        )
        assert sig.fingerprint == key.public_key.fingerprint and sig.identity_basis == "self-asserted"
        assert all(f.ok for f in report.files)
        untrusted = verify_bundle(target, TrustStore())  # checked with the bundle's own key only
        assert (untrusted.ok, untrusted.verdict, untrusted.exit_code) == (False, "untrusted", 3)
        assert untrusted.signatures[0].valid and not untrusted.signatures[0].trusted


def test_zip_is_deterministic(tmp_path: Path) -> None:
    key = _key(tmp_path)
    t = "2026-06-07T10:00:00Z"
    a = zip_bytes(build_bundle_files(_record(), _snapshot(), [key], exported_at=t, signed_at=t), folder="MDR-0002")
    b = zip_bytes(build_bundle_files(_record(), _snapshot(), [key], exported_at=t, signed_at=t), folder="MDR-0002")
    assert a == b


def test_changed_file_on_disk_fails_naming_it(tmp_path: Path) -> None:
    key = _key(tmp_path)
    directory = export_bundle(_record(), _snapshot(), tmp_path / "out", [key])
    md = directory / RECORD_FILE
    md.write_text(md.read_text(encoding="utf-8").replace("model-a", "model-z"), encoding="utf-8")
    report = verify_bundle(directory, _trust(key.public_key))
    assert not report.ok and (report.verdict, report.exit_code) == ("failed", 1)
    assert any(p.startswith(f"{RECORD_FILE}: sha256") for p in report.problems)
    assert next(f for f in report.files if f.name == RECORD_FILE).ok is False
    assert all(f.ok for f in report.files if f.name != RECORD_FILE)


def test_crlf_extra_and_missing_files_fail(tmp_path: Path) -> None:
    key = _key(tmp_path)
    files = build_bundle_files(_record(), _snapshot(), [key])
    crlf = {**files, RECORD_FILE: files[RECORD_FILE].replace(b"\n", b"\r\n")}
    assert any("CR characters" in p for p in verify_files(crlf, _trust(key.public_key)).problems)
    extra = {**files, "notes.txt": b"hi"}
    assert "notes.txt: unexpected file in the bundle" in verify_files(extra, _trust(key.public_key)).problems
    missing = {n: d for n, d in files.items() if n != SNAPSHOT_FILE}
    assert f"{SNAPSHOT_FILE}: missing from the bundle" in verify_files(missing, _trust(key.public_key)).problems


def test_unsigned_bundle_then_signed_and_cosigned(tmp_path: Path) -> None:
    ana, bo = _key(tmp_path), _key(tmp_path, "Bo Chen", "bo@example.com")
    directory = export_bundle(_record(), _snapshot(), tmp_path / "out")
    report = verify_bundle(directory, TrustStore())
    assert (report.ok, report.verdict, report.exit_code) == (False, "unsigned", 4)
    sign_bundle(directory, ana)
    sign_bundle(directory, bo)
    report = verify_bundle(directory, _trust(ana.public_key, bo.public_key))
    assert report.verdict == "verified"
    assert [s.email for s in report.signatures] == ["ana@example.com", "bo@example.com"]
    # co-signing a zip in place
    zip_path = tmp_path / "out" / "MDR-0002.zip"
    sign_bundle(zip_path, bo)
    assert verify_bundle(zip_path, _trust(ana.public_key, bo.public_key)).verdict == "verified"
    assert read_bundle(zip_path).keys() == {ENVELOPE_FILE, RECORD_FILE, SNAPSHOT_FILE, f"public_keys/{bo.key_id}.pub"}
    # a tampered bundle is not co-signed
    (directory / SNAPSHOT_FILE).write_bytes(canonical_json({**_snapshot(), "smaa_seed": 1}))
    with pytest.raises(BundleError, match="refusing to sign"):
        sign_bundle(directory, ana)


def test_record_selection_is_read_back_and_compared_with_the_ranking() -> None:
    md = render_markdown(_record()).encode()
    ranked = [n for _, n in sorted(zip(_wsm(_snapshot()), NAMES, strict=True), reverse=True)]
    assert record_selection(md) == (ranked[0], ranked[1:]) and ranked[0] == "model-a"
    assert check_record_against_ranking(md, ranked, []).agrees
    edited = md.replace(b"Selected Model Identifier: model-a", b"Selected Model Identifier: Llama 4 Scout")
    check = check_record_against_ranking(edited, ranked, [])
    assert not check.agrees and check.edited == ["selection.selected_model", "alternatives"]
    assert "'Llama 4 Scout'" in check.notes[0] and "'model-a' first" in check.notes[0]


def test_quorum_travels_in_the_signed_predicate_and_is_checked_offline(tmp_path: Path) -> None:
    ana, bo, sec = _key(tmp_path), _key(tmp_path, "Bo Chen", "bo@example.com"), _key(tmp_path, "Sam", "sec@example.com")
    policy = parse_policy(["architect: ana@example.com", "security: sec@example.com"])
    trust = _trust(ana.public_key, bo.public_key, sec.public_key)
    files = build_bundle_files(_record(), _snapshot(), [ana, bo], quorum=policy)
    pred = _statement_of(files[ENVELOPE_FILE])["predicate"]
    assert pred["quorum"] == policy.model_dump(mode="json")  # type: ignore[index]
    report = verify_files(files, trust)
    assert (report.verdict, report.exit_code) == ("quorum_not_met", 4)
    assert report.quorum is not None and report.quorum.missing == ["security: 1 more approval from sec@example.com"]
    no = Endorsement(verdict="dissent", reason="PII to a US region", role="security")
    from workbench.services.bundles import cosign_files

    dissented = cosign_files(files, sec, endorsement=no)
    report = verify_files(dissented, trust)
    assert report.verdict == "quorum_not_met"  # a dissent is not an approval
    assert [(d.signer, d.reason) for d in report.quorum.dissents] == [("Sam <sec@example.com>", "PII to a US region")]
    approved = cosign_files(files, sec, endorsement=Endorsement(role="security"))
    report = verify_files(approved, trust)
    assert (report.verdict, report.quorum.met, report.quorum.missing) == ("verified", True, [])
    # only trusted keys count: with Sam's key untrusted the bundle is "untrusted" (exit 3), not verified
    assert verify_files(approved, _trust(ana.public_key, bo.public_key)).exit_code == 3


def test_unreadable_or_unsafe_bundles(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no such bundle"):
        verify_bundle(tmp_path / "nope.zip", TrustStore())
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    report = verify_bundle(junk, TrustStore())
    assert not report.ok and "not a readable zip" in report.problems[0]
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../record.md", b"x")
    assert "unsafe member name" in verify_bundle(evil, TrustStore()).problems[0]
    with pytest.raises(BundleError, match=SNAPSHOT_FILE):
        build_bundle_files(_record(), {"x": float("nan")})
    with pytest.raises(BundleError, match="canonical"):
        build_bundle_files(_record(), b'{"a": 1}')
