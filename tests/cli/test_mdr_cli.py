"""`workbench keys ...` and `workbench mdr verify|sign|restore|export|quorum|approve|dissent` in-process,
including the published attacks on signed records (each of them passed as "verified", exit 0, before the trust store)."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from workbench.io.mdr_bundle import ENVELOPE_FILE, RECORD_FILE, read_bundle, zip_bytes
from workbench.services.bundles import cosign_files
from workbench.signing import init_key, load_signing_key
from workbench.store import open_store
from workbench.store.workspace import create_profile, new_profile_model


@pytest.fixture
def workspace(cli_db, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_KEY_DIR", str(tmp_path / "keys"))
    engine = open_store(cli_db)
    create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
    engine.dispose()
    return tmp_path


def _key(run_cli, name: str = "Ana Lima", email: str = "ana@example.com", key_dir: Path | None = None) -> dict:
    extra = ["--key-dir", str(key_dir)] if key_dir else []
    doc = run_cli.json("keys", "create", "--name", name, "--email", email, *extra)
    doc["key"] = Path(doc["key_dir"]) / f"{doc['key_id']}.key"
    doc["pub"] = Path(doc["key_dir"]) / f"{doc['key_id']}.pub"
    return doc


def _trust(run_cli, k: dict) -> dict:
    return run_cli.json("keys", "trust", str(k["pub"]), "--fingerprint", k["fingerprint"])


def _genuine(run_cli, workspace: Path, ana: dict) -> Path:
    """MDR-0001 drafted, signed by Ana and exported; returns the zip."""
    run_cli.json("mdr", "draft", "--profile", "Contracts")
    exported = run_cli.json("mdr", "export", "1", "--out", str(workspace / "out"), "--sign", "--key", str(ana["key"]))
    return Path(exported["zip"])


def _write_zip(files: dict[str, bytes], path: Path) -> Path:
    path.write_bytes(zip_bytes(files, folder="MDR-0001"))
    return path


# --------------------------------------------------------------------------- keys


def test_keys_create_list_trust_untrust_revoke(workspace, run_cli):
    ana = _key(run_cli)
    assert ana["fingerprint"].startswith("SHA256:") and "PRIVATE" not in json.dumps({k: str(v) for k, v in ana.items()})
    assert stat.S_IMODE(ana["key"].stat().st_mode) == 0o600
    code, out, err = run_cli("keys", "trust", str(ana["pub"]))
    assert code == 2 and ana["fingerprint"] in err and "--fingerprint" in err  # shown, nothing trusted
    assert run_cli.json("keys", "list")["trusted"] == []
    code, _, err = run_cli("keys", "trust", str(ana["pub"]), "--fingerprint", "SHA256:wrong")
    assert code == 2 and "does not match" in err
    entry = _trust(run_cli, ana)["trusted"]
    assert (entry["name"], entry["email"], entry["fingerprint"], entry["added_by"]) == (
        "Ana Lima", "ana@example.com", ana["fingerprint"], "ci-bot")
    listed = run_cli.json("keys", "list")
    assert [k["name"] for k in listed["keys"]] == ["Ana Lima"] and len(listed["trusted"]) == 1
    code, _, err = run_cli("keys", "create", "--name", "Ana Lima", "--email", "ana@example.com")
    assert code == 2 and "already has a trusted key" in err  # one active key per identity
    code, _, err = run_cli("keys", "create", "--name", "Ana Lima", "--email", "ana@example.com", "--key-dir",
                           str(workspace / "elsewhere"))
    assert code == 2 and "already has a trusted key" in err
    revoked = run_cli.json("keys", "revoke", ana["key_id"][:12], "--reason", "laptop lost")["trusted"]
    assert revoked["revoked_by"] == "ci-bot" and revoked["revoke_reason"] == "laptop lost"
    ana2 = _key(run_cli, key_dir=workspace / "new-keys")
    _trust(run_cli, ana2)
    code, _, err = run_cli("keys", "untrust", ana["fingerprint"])
    assert code == 2 and "revocation stays" in err
    assert run_cli.json("keys", "untrust", ana2["key_id"])["trusted"]["key_id"] == ana2["key_id"]
    code, out, _ = run_cli("keys", "list")
    assert code == 0 and "REVOKED" in out


def test_a_second_key_for_an_identity_with_a_key_file_is_refused(workspace, run_cli):
    _key(run_cli)
    code, _, err = run_cli("keys", "create", "--name", "Ana Lima", "--email", "ANA@example.com")
    assert code == 2 and "already has a key" in err


def test_keys_bad_input_is_exit_2(workspace, run_cli):
    code, _, err = run_cli("keys", "create", "--name", "Ana", "--email", "nope")
    assert code == 2 and "e-mail" in err
    (workspace / "bad.pub").write_text("nonsense")
    code, _, err = run_cli("keys", "trust", str(workspace / "bad.pub"), "--name", "A", "--email", "a@b.c")
    assert code == 2 and "bad.pub" in err


# --------------------------------------------------------------------------- verify: fails closed


def test_genuine_bundle_verifies_offline_from_the_bundle_and_the_trust_store(workspace, run_cli):
    ana = _key(run_cli)
    bundle = _genuine(run_cli, workspace, ana)
    code, out, _ = run_cli("mdr", "verify", str(bundle), "--json")
    report = json.loads(out)
    assert (code, report["verdict"], report["exit_code"]) == (3, "untrusted", 3)  # not trusted yet
    _trust(run_cli, ana)
    code, out, _ = run_cli("mdr", "verify", str(bundle), "--json")
    report = json.loads(out)
    assert (code, report["verdict"], report["record_id"]) == (0, "verified", "MDR-0001")
    sig = report["signatures"][0]
    assert {k: sig[k] for k in ("keyid", "fingerprint", "signer", "identity_basis", "trusted", "valid", "verdict",
                                "reason")} == {
        "keyid": ana["key_id"], "fingerprint": ana["fingerprint"], "signer": "Ana Lima <ana@example.com>",
        "identity_basis": "self-asserted", "trusted": True, "valid": True, "verdict": "approve", "reason": None}
    assert report["quorum"] == {"required": [], "met": True, "missing": [], "approved_by": ["ana@example.com"],
                                "dissents": []}
    code, out, _ = run_cli("mdr", "verify", str(bundle), "--no-workspace", "--pubkey", str(ana["pub"]))
    assert code == 0 and "verdict:  verified (exit 0)" in out
    with pytest.raises(SystemExit):
        run_cli("mdr", "verify", "--help")


def test_exit_codes_are_in_the_help(capsys):
    from workbench.cli import main

    with pytest.raises(SystemExit):
        main(["mdr", "verify", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "exit codes: 0 verified" in out and "1 tampered or invalid" in out and "3 valid but a signer is not trusted" in out


def test_attack_rewritten_record_resigned_with_a_fresh_key_claiming_ana(workspace, run_cli):
    """record.md says "Use Llama 4 Scout", re-signed by a fresh key whose signer block claims Ana, public_keys/
    swapped. Before: verdict verified_untrusted_keys, exit 0; restore exit 0 with verified: true, matches: true."""
    ana = _key(run_cli)
    _trust(run_cli, ana)
    genuine = read_bundle(_genuine(run_cli, workspace, ana))
    forger = init_key("Ana Lima", "ana@example.com", workspace / "forger")
    forged_key = load_signing_key(Path(forger.key_dir) / f"{forger.key_id}.key")
    from workbench.domain.mdr import render_markdown
    from workbench.services.bundles import unsigned_files
    from workbench.store.decisions import get_decision

    engine = open_store(os.environ["WORKBENCH_DATABASE_URL"])
    rec = get_decision(engine, 1)
    engine.dispose()
    md = render_markdown(rec.record).replace(f"Selected Model Identifier: {rec.record.body.selection.selected_model}",
                                             "Selected Model Identifier: Llama 4 Scout").encode()
    forged = unsigned_files(rec.record, rec.snapshot, record_md=md)
    forged = cosign_files(forged, forged_key)  # public_keys/ now holds the forger's key only
    assert forged[RECORD_FILE] != genuine[RECORD_FILE]
    path = _write_zip(forged, workspace / "forged.zip")
    code, out, _ = run_cli("mdr", "verify", str(path), "--json")
    report = json.loads(out)
    assert (code, report["verdict"]) == (3, "untrusted")
    assert report["signatures"][0]["signer"] == "Ana Lima <ana@example.com> (claimed)"
    assert report["signatures"][0]["trusted"] is False and report["signatures"][0]["fingerprint"] != ana["fingerprint"]
    code, out, _ = run_cli("mdr", "restore", str(path), "--json")
    doc = json.loads(out)
    assert code == 3 and doc["verified"] is False
    assert doc["record_check"]["agrees"] is False and "selection.selected_model" in doc["record_check"]["edited"]
    assert "'Llama 4 Scout'" in doc["record_check"]["notes"][0]


def test_attack_extra_untrusted_co_signature_with_pubkey_of_the_genuine_signer(workspace, run_cli):
    """A genuine bundle plus a signature by a key nobody trusts claiming "Chief Executive". Before: with --pubkey
    of the genuine signer, verdict verified, exit 0, the fake listed "ok (key from bundle)"."""
    ana = _key(run_cli)
    bundle = _genuine(run_cli, workspace, ana)
    ceo_dir = workspace / "ceo"
    info = init_key("Chief Executive", "ceo@example.com", ceo_dir)
    files = cosign_files(read_bundle(bundle), load_signing_key(ceo_dir / f"{info.key_id}.key"))
    path = _write_zip(files, workspace / "extra.zip")
    code, out, _ = run_cli("mdr", "verify", str(path), "--no-workspace", "--pubkey", str(ana["pub"]), "--json")
    report = json.loads(out)
    assert (code, report["verdict"]) == (3, "untrusted")
    assert [(s["trusted"], s["valid"]) for s in report["signatures"]] == [(True, True), (False, True)]
    code, out, _ = run_cli("mdr", "verify", str(path), "--no-workspace", "--pubkey", str(ana["pub"]))
    assert "UNTRUSTED" in out and "Chief Executive <ceo@example.com> (claimed)" in out


def test_tampered_bundle_is_exit_1_and_unsigned_is_exit_4(workspace, run_cli):
    ana = _key(run_cli)
    _trust(run_cli, ana)
    bundle = _genuine(run_cli, workspace, ana)
    directory = bundle.with_suffix("")
    md = directory / RECORD_FILE
    md.write_bytes(md.read_bytes().replace(b"Cost", b"Kost", 1))
    code, out, _ = run_cli("mdr", "verify", str(directory), "--json")
    report = json.loads(out)
    assert (code, report["verdict"]) == (1, "failed") and any(p.startswith("record.md: ") for p in report["problems"])
    run_cli.json("mdr", "draft", "--profile", "Contracts")
    unsigned = run_cli.json("mdr", "export", "2", "--out", str(workspace / "out2"))
    code, out, _ = run_cli("mdr", "verify", unsigned["zip"], "--json")
    assert (code, json.loads(out)["verdict"]) == (4, "unsigned")


def test_mdr_verify_bad_input_is_exit_2(workspace, run_cli):
    code, _, err = run_cli("mdr", "verify", str(workspace / "missing"), "--json")
    assert code == 2 and "no such bundle" in err
    (workspace / "bad.pub").write_text("nonsense")
    code, _, err = run_cli("mdr", "verify", str(workspace), "--pubkey", str(workspace / "bad.pub"))
    assert code == 2 and "bad.pub" in err


def test_a_pretty_printed_envelope_still_verifies(workspace, run_cli):
    ana = _key(run_cli)
    _trust(run_cli, ana)
    files = read_bundle(_genuine(run_cli, workspace, ana))
    files[ENVELOPE_FILE] = json.dumps(json.loads(files[ENVELOPE_FILE]), indent=4).encode()
    path = _write_zip(files, workspace / "pretty.zip")
    code, out, _ = run_cli("mdr", "verify", str(path), "--json")
    assert (code, json.loads(out)["verdict"]) == (0, "verified")


# --------------------------------------------------------------------------- quorum and dissent


def test_quorum_and_dissent_from_the_command_line(workspace, run_cli):
    ana, sec = _key(run_cli), _key(run_cli, "Sam Sec", "sec@example.com")
    for k in (ana, sec):
        _trust(run_cli, k)
    run_cli.json("mdr", "draft", "--profile", "Contracts")
    doc = run_cli.json("mdr", "quorum", "1", "--rule", "architect: ana@example.com", "--rule",
                       "security: sec@example.com")
    assert doc["quorum"]["required"] == ["architect: ana@example.com", "security: sec@example.com"]
    assert doc["quorum"]["met"] is False
    code, _, err = run_cli("mdr", "quorum", "1", "--rule", "3 of x: a@b.c")
    assert code == 2 and "only 1 people listed" in err
    run_cli.json("mdr", "approve", "1", "--key", str(ana["key"]))
    run_cli.json("mdr", "dissent", "1", "--key", str(sec["key"]), "--reason", "no DPA with the vendor",
                 "--role", "security")
    exported = run_cli.json("mdr", "export", "1", "--out", str(workspace / "q"))
    code, out, _ = run_cli("mdr", "verify", exported["zip"], "--json")
    report = json.loads(out)
    assert (code, report["verdict"]) == (4, "quorum_not_met")
    assert report["quorum"]["missing"] == ["security: 1 more approval from sec@example.com"]
    assert report["quorum"]["dissents"] == [{"signer": "Sam Sec <sec@example.com>", "reason": "no DPA with the vendor"}]
    dissent = report["signatures"][1]
    assert (dissent["verdict"], dissent["reason"], dissent["trusted"]) == ("dissent", "no DPA with the vendor", True)
    code, _, err = run_cli("mdr", "quorum", "1", "--rule", "architect: ana@example.com")
    assert code == 2 and "already signed" in err
    code, out, _ = run_cli("mdr", "verify", exported["zip"])
    assert "dissent:  Sam Sec <sec@example.com>: no DPA with the vendor" in out


def test_mdr_sign_cosigns_a_bundle_file(workspace, run_cli):
    ana, bo = _key(run_cli), _key(run_cli, "Bo Chen", "bo@example.com")
    bundle = _genuine(run_cli, workspace, ana)
    doc = run_cli.json("mdr", "sign", str(bundle), "--key", str(bo["key"]), "--dissent", "too expensive")
    assert [s["email"] for s in doc["report"]["signatures"]] == ["ana@example.com", "bo@example.com"]
    assert doc["verdict"] == "dissent"
    code, _, err = run_cli("mdr", "sign", str(bundle), "--key", str(bo["key"]))
    assert code == 2 and "already signed" in err
    copy = workspace / "copy.zip"
    shutil.copy(bundle, copy)
    with zipfile.ZipFile(copy) as zf:
        assert any(n.endswith(f"public_keys/{bo['key_id']}.pub") for n in zf.namelist())
    assert io  # noqa: B018


def test_workspace_import_refuses_rewriting_an_accepted_record_unless_overridden(workspace, run_cli):
    """A backup whose JSON changed an accepted, signed record's title: before, `workspace import --mode replace`
    completed without a warning."""
    ana = _key(run_cli)
    run_cli.json("mdr", "draft", "--profile", "Contracts")
    from workbench.domain.mdr import with_people
    from workbench.store.decisions import get_decision, save_decision, transition_decision

    engine = open_store(os.environ["WORKBENCH_DATABASE_URL"])
    rec = get_decision(engine, 1)
    rec = save_decision(engine, 1, with_people(rec.record, decision_makers=["Ana Lima"]), rec.version, "ada")
    rec = transition_decision(engine, 1, "proposed", rec.version, "ada")
    transition_decision(engine, 1, "accepted", rec.version, "ada")
    engine.dispose()
    run_cli.json("mdr", "approve", "1", "--key", str(ana["key"]))
    backup = workspace / "backup.json"
    code, _, err = run_cli("workspace", "export", str(backup))
    assert code == 0, err
    doc = json.loads(backup.read_text())
    row = doc["tables"]["decision"][0]
    row["title"] = row["body"]["title"] = "Use Llama 4 Scout"
    backup.write_text(json.dumps(doc))
    code, _, err = run_cli("workspace", "import", str(backup), "--mode", "replace")
    assert code == 2 and "MDR-0001: accepted record's text would change" in err
    code, out, err = run_cli("workspace", "import", str(backup), "--mode", "replace", "--rewrite-accepted", "--json")
    assert code == 0, err
    shown = run_cli.json("mdr", "show", "1")
    assert shown["record"]["title"] == "Use Llama 4 Scout"
