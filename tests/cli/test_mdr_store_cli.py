"""`workbench mdr draft|list|show|export|restore` in-process: draft -> export -> verify -> restore round trip."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from workbench.domain.mdr import SECTION_HEADINGS
from workbench.store import open_store
from workbench.store.workspace import create_profile, new_profile_model


@pytest.fixture
def workspace(cli_db, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_KEY_DIR", str(tmp_path / "keys"))
    engine = open_store(cli_db)
    create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
    engine.dispose()
    return tmp_path


def _key(run_cli) -> tuple[Path, Path]:
    doc = run_cli.json("keys", "init", "--name", "Ana Lima", "--email", "ana@example.com")
    key_dir = Path(doc["key_dir"])
    return key_dir / f"{doc['key_id']}.key", key_dir / f"{doc['key_id']}.pub"


def _flip(zip_path: Path, member: str, out: Path, offset: int = 40) -> Path:
    """Copy a bundle zip with one byte of one member changed."""
    with zipfile.ZipFile(zip_path) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
    name = next(n for n in files if n.endswith("/" + member))
    data = bytearray(files[name])
    data[offset] ^= 0x01
    files[name] = bytes(data)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, d in files.items():
            zf.writestr(n, d)
    out.write_bytes(buf.getvalue())
    return out


def test_draft_prints_the_record_and_its_id(workspace, run_cli):
    doc = run_cli.json("mdr", "draft", "--profile", "Contracts")
    assert doc["record"]["mdr_id"] == "MDR-0001" and doc["record"]["status"] == "draft"
    assert all(h in doc["markdown"] for h in SECTION_HEADINGS)
    assert doc["mdr"]["body"]["selection"]["selected_model"] and len(doc["snapshot_sha256"]) == 64
    code, out, _ = run_cli("mdr", "draft", "--profile", "Contracts")
    assert code == 0 and out.startswith("drafted MDR-0002") and SECTION_HEADINGS[6] in out
    listed = run_cli.json("mdr", "list", "--profile", "Contracts")
    assert [r["mdr_id"] for r in listed["records"]] == ["MDR-0002", "MDR-0001"]
    shown = run_cli.json("mdr", "show", "1")
    assert shown["markdown"] == doc["markdown"]


def test_round_trip_draft_export_verify_restore_gives_the_same_ranking(workspace, run_cli):
    key_file, pub_file = _key(run_cli)
    draft = run_cli.json("mdr", "draft", "--profile", "Contracts")
    rank = run_cli.json("rank", "--profile", "Contracts")
    out = workspace / "out"
    exported = run_cli.json("mdr", "export", "MDR-0001", "--out", str(out), "--sign", "--key", str(key_file))
    assert exported["report"]["verdict"] == "untrusted" and exported["signed_by"]  # the key is not trusted yet
    zip_path = Path(exported["zip"])
    assert zip_path.is_file() and Path(exported["bundle"]).is_dir()
    verified = run_cli.json("mdr", "verify", str(zip_path), "--pubkey", str(pub_file))
    assert verified["verdict"] == "verified" and verified["record_id"] == "MDR-0001"
    assert [s["email"] for s in verified["signatures"]] == ["ana@example.com"]
    restored = run_cli.json("mdr", "restore", str(zip_path), "--pubkey", str(pub_file))
    assert restored["verdict"] == "verified" and restored["restore"]["matches"] is True
    assert restored["restore"]["stored_ranking_sha256"] == restored["restore"]["recomputed_ranking_sha256"]
    assert [(r["name"], r["score"]) for r in restored["restore"]["ranking"]] == \
        [(r["name"], r["score"]) for r in rank["ranking"]["rows"]]
    assert restored["restore"]["ranking"][0]["name"] == draft["mdr"]["body"]["selection"]["selected_model"]
    # the signature is recorded in the workspace
    assert run_cli.json("mdr", "list")["records"][0]["signatures"] == 1


@pytest.mark.parametrize("member", ["record.md", "snapshot.json", "envelope.dsse.json"])
def test_one_flipped_byte_fails_verification_naming_the_file(workspace, run_cli, member):
    key_file, pub_file = _key(run_cli)
    run_cli.json("mdr", "draft", "--profile", "Contracts")
    exported = run_cli.json("mdr", "export", "1", "--out", str(workspace / "out"), "--sign", "--key", str(key_file))
    bad = _flip(Path(exported["zip"]), member, workspace / "tampered.zip")
    code, out, _ = run_cli("mdr", "verify", str(bad), "--pubkey", str(pub_file), "--json")
    report = json.loads(out)
    assert code == 1 and report["verdict"] == "failed"
    assert any(p.startswith(member) for p in report["problems"]), report["problems"]
    code, out, _ = run_cli("mdr", "restore", str(bad), "--pubkey", str(pub_file), "--json")
    doc = json.loads(out)
    assert code == 1 and doc["restore"] is None and doc["verdict"] == "failed"


def test_unsigned_export_is_not_restored(workspace, run_cli):
    run_cli.json("mdr", "draft", "--profile", "Contracts")
    exported = run_cli.json("mdr", "export", "1", "--out", str(workspace / "out"))
    assert exported["report"]["verdict"] == "unsigned" and exported["signed_by"] is None
    code, out, _ = run_cli("mdr", "restore", exported["zip"], "--json")
    doc = json.loads(out)
    assert code == 4 and doc["verdict"] == "unsigned" and doc["verified"] is False


def test_bad_input_is_a_clear_error(workspace, run_cli):
    code, _, err = run_cli("mdr", "draft", "--profile", "Nope")
    assert code == 2 and "no profile named 'Nope'" in err
    code, _, err = run_cli("mdr", "show", "MDR-0042")
    assert code == 2 and "no decision record MDR-0042" in err
    run_cli.json("mdr", "draft", "--profile", "Contracts")
    code, _, err = run_cli("mdr", "export", "1", "--out", str(workspace / "o"), "--sign")
    assert code == 2 and "--sign needs --key" in err
    code, _, err = run_cli("mdr", "export", "1", "--out", str(workspace / "o"), "--sign", "--key", "nobody@example.com")
    assert code == 2 and "no private key matching" in err
    run_cli.json("mdr", "export", "1", "--out", str(workspace / "o"))
    code, _, err = run_cli("mdr", "export", "1", "--out", str(workspace / "o"))
    assert code == 2 and "already exists" in err
    code, _, err = run_cli("mdr", "restore", str(workspace / "missing.zip"))
    assert code == 2 and "no such bundle" in err
