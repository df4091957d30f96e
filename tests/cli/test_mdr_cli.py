"""`workbench keys ...` and `workbench mdr verify|sign` in-process."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.domain.mdr import draft_mdr
from workbench.domain.models import Profile
from workbench.io.mdr_bundle import RECORD_FILE, export_bundle
from workbench.signing import load_signing_key


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def _init(capsys: pytest.CaptureFixture[str], key_dir: Path, name: str, email: str) -> dict[str, object]:
    rc, out, _ = _run(capsys, "keys", "init", "--name", name, "--email", email, "--key-dir", str(key_dir), "--json")
    assert rc == 0
    doc: dict[str, object] = json.loads(out)
    return doc


def _bundle(tmp_path: Path, key_file: Path) -> Path:
    record = draft_mdr(
        record_id="MDR-0003",
        profile=Profile(name="Claims extraction"),
        ranked=[("model-a", 0.7), ("model-b", 0.6)],
        decision_makers=["Ana Lima"],
        today=date(2026, 6, 7),
    )
    return export_bundle(record, {"smaa_seed": 1, "scores": [0.7, 0.6]}, tmp_path / "out", [load_signing_key(key_file)])


def test_keys_init_and_list_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_dir = tmp_path / "keys"
    rc, out, _ = _run(capsys, "keys", "init", "--name", "Ana Lima", "--email", "ana@example.com", "--key-dir", str(key_dir), "--json")
    assert rc == 0
    doc = json.loads(out)
    assert set(doc) >= {"key_id", "name", "email", "public_key", "created_at", "key_dir"}
    assert (doc["name"], doc["email"], len(doc["key_id"])) == ("Ana Lima", "ana@example.com", 64)
    assert "PRIVATE" not in out
    assert stat.S_IMODE((key_dir / f"{doc['key_id']}.key").stat().st_mode) == 0o600
    _init(capsys, key_dir, "Bo Chen", "bo@example.com")
    rc, out, _ = _run(capsys, "keys", "list", "--key-dir", str(key_dir), "--json")
    listed = json.loads(out)
    assert rc == 0 and [k["name"] for k in listed["keys"]] == ["Ana Lima", "Bo Chen"]
    assert listed["key_dir"] == str(key_dir)


def test_keys_default_dir_from_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_KEY_DIR", str(tmp_path / "env-keys"))
    rc, out, _ = _run(capsys, "keys", "init", "--name", "Ana", "--email", "ana@example.com", "--json")
    assert rc == 0 and json.loads(out)["key_dir"] == str(tmp_path / "env-keys")
    rc, out, _ = _run(capsys, "keys", "list")
    assert rc == 0 and "Ana <ana@example.com>" in out


def test_keys_init_bad_email_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = _run(capsys, "keys", "init", "--name", "Ana", "--email", "nope", "--key-dir", str(tmp_path))
    assert rc == 2 and "e-mail" in err


def test_mdr_verify_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_dir = tmp_path / "keys"
    info = _init(capsys, key_dir, "Ana Lima", "ana@example.com")
    bundle = _bundle(tmp_path, key_dir / f"{info['key_id']}.key")
    pub = key_dir / f"{info['key_id']}.pub"

    rc, out, _ = _run(capsys, "mdr", "verify", str(bundle), "--pubkey", str(pub), "--json")
    report = json.loads(out)
    assert rc == 0 and report["verdict"] == "verified" and report["ok"] is True
    assert report["record_id"] == "MDR-0003" and report["status"] == "draft"
    sig = report["signatures"][0]
    assert (sig["keyid"], sig["name"], sig["email"], sig["trusted"]) == (info["key_id"], "Ana Lima", "ana@example.com", True)
    assert sig["signed_at"]

    rc, out, _ = _run(capsys, "mdr", "verify", str(bundle.with_suffix(".zip")), "--json")
    assert rc == 0 and json.loads(out)["verdict"] == "verified_untrusted_keys"

    rc, out, _ = _run(capsys, "mdr", "verify", str(bundle), "--key-dir", str(key_dir))
    assert rc == 0 and "verdict:  verified" in out

    other = _init(capsys, tmp_path / "other", "Eve", "eve@example.com")
    rc, out, _ = _run(capsys, "mdr", "verify", str(bundle), "--pubkey", str(tmp_path / "other" / f"{other['key_id']}.pub"), "--json")
    assert rc == 1 and json.loads(out)["verdict"] == "failed"

    md = bundle / RECORD_FILE
    md.write_bytes(md.read_bytes().replace(b"model-b", b"model-x"))
    rc, out, _ = _run(capsys, "mdr", "verify", str(bundle), "--pubkey", str(pub), "--json")
    report = json.loads(out)
    assert rc == 1 and report["verdict"] == "failed"
    assert any(p.startswith("record.md: ") for p in report["problems"])


def test_mdr_verify_bad_input_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = _run(capsys, "mdr", "verify", str(tmp_path / "missing"), "--json")
    assert rc == 2 and "no such bundle" in err
    (tmp_path / "bad.pub").write_text("nonsense")
    rc, _, err = _run(capsys, "mdr", "verify", str(tmp_path), "--pubkey", str(tmp_path / "bad.pub"))
    assert rc == 2 and "bad.pub" in err


def test_mdr_sign_cosigns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_dir = tmp_path / "keys"
    ana = _init(capsys, key_dir, "Ana Lima", "ana@example.com")
    _init(capsys, key_dir, "Bo Chen", "bo@example.com")
    bundle = _bundle(tmp_path, key_dir / f"{ana['key_id']}.key")
    rc, out, _ = _run(capsys, "mdr", "sign", str(bundle), "--key", "bo@example.com", "--key-dir", str(key_dir), "--json")
    assert rc == 0
    doc = json.loads(out)
    assert [s["email"] for s in doc["report"]["signatures"]] == ["ana@example.com", "bo@example.com"]
    rc, _, err = _run(capsys, "mdr", "sign", str(bundle), "--key", "bo@example.com", "--key-dir", str(key_dir))
    assert rc == 2 and "already signed" in err
