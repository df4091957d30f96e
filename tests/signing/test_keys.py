"""Ed25519 key files: modes, key ids, fingerprints, key directories, formats, lookup."""

from __future__ import annotations

import base64
import hashlib
import os
import pickle
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.signing.helpers import make_key
from workbench.signing import (
    KeyPermissionError,
    SigningError,
    default_key_dir,
    find_signing_key,
    init_key,
    key_id_for,
    list_keys,
    load_public_key,
    load_signing_key,
    person_key_dir,
)


def test_init_key_writes_private_key_0600_and_documented_key_id(tmp_path: Path) -> None:
    info = init_key("Ana Lima", "ana@example.com", tmp_path / "keys")
    key_file = tmp_path / "keys" / f"{info.key_id}.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    raw = base64.b64decode(info.public_key)
    assert len(raw) == 32 and info.key_id == hashlib.sha256(raw).hexdigest() == key_id_for(raw)
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    for other in (tmp_path / "keys").iterdir():
        if other != key_file:
            assert b"PRIVATE" not in other.read_bytes()
    assert "PRIVATE" not in info.model_dump_json()
    assert list_keys(tmp_path / "keys") == [info]


def test_fingerprint_is_openssh_sha256_of_the_ssh_ed25519_blob(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    openssh = load_public_key(key.public_key.pem()).pem()  # round trip, then OpenSSH form from cryptography
    line = serialization.load_pem_public_key(openssh).public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    blob = base64.b64decode(line.split()[1])
    expected = "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    assert key.public_key.fingerprint == expected == key.info.fingerprint
    assert load_public_key(line).fingerprint == expected


def test_default_key_dir_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKBENCH_KEY_DIR", str(tmp_path / "k"))
    assert default_key_dir() == tmp_path / "k"
    assert person_key_dir("Ana.Lima@Example.com") == tmp_path / "k" / "people" / "ana.lima@example.com"
    assert person_key_dir("../../etc/passwd@x").parent == tmp_path / "k" / "people"
    monkeypatch.delenv("WORKBENCH_KEY_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_key_dir() == tmp_path / "cfg" / "workbench" / "keys"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_key_dir() == tmp_path / "home" / ".config" / "workbench" / "keys"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644, 0o601])
def test_private_key_with_group_or_other_permissions_is_refused(tmp_path: Path, mode: int) -> None:
    key = make_key(tmp_path)
    path = tmp_path / "keys" / f"{key.key_id}.key"
    os.chmod(path, mode)
    with pytest.raises(KeyPermissionError, match="chmod 600"):
        load_signing_key(path)
    os.chmod(path, 0o600)
    assert load_signing_key(path).key_id == key.key_id


@pytest.mark.parametrize("mode", [0o770, 0o722, 0o777, 0o702])
def test_a_key_directory_writable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    key = make_key(tmp_path)
    os.chmod(tmp_path / "keys", mode)
    with pytest.raises(KeyPermissionError, match="chmod 700"):
        load_signing_key(tmp_path / "keys" / f"{key.key_id}.key")
    with pytest.raises(KeyPermissionError, match="writable by group/others"):
        init_key("Bo", "bo@example.com", tmp_path / "keys")
    os.chmod(tmp_path / "keys", 0o700)
    assert load_signing_key(tmp_path / "keys" / f"{key.key_id}.key").key_id == key.key_id


def test_private_key_material_never_leaks(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    secret = (tmp_path / "keys" / f"{key.key_id}.key").read_bytes()
    der_body = b"".join(secret.splitlines()[1:-1]).decode()
    assert der_body not in repr(key) and der_body not in str(key.info)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(key)
    assert not hasattr(key, "private_bytes")


def test_bad_key_inputs(tmp_path: Path) -> None:
    with pytest.raises(SigningError, match="e-mail"):
        init_key("Ana", "not-an-email", tmp_path / "k")
    with pytest.raises(SigningError, match="name"):
        init_key(" ", "a@b.c", tmp_path / "k")
    with pytest.raises(SigningError, match="not found"):
        load_signing_key(tmp_path / "missing.key")
    (tmp_path / "d").mkdir(mode=0o700)
    bogus = tmp_path / "d" / "bogus.key"
    bogus.write_bytes(b"hello")
    os.chmod(bogus, 0o600)
    with pytest.raises(SigningError, match="not an unencrypted PEM"):
        load_signing_key(bogus)
    with pytest.raises(SigningError, match="not an Ed25519 public key"):
        load_public_key(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")


def test_public_key_formats_and_key_lookup(tmp_path: Path) -> None:
    key = make_key(tmp_path)
    raw = key.public_key.raw
    assert load_public_key(tmp_path / "keys" / f"{key.key_id}.pub").raw == raw
    assert load_public_key(base64.b64encode(raw)).raw == raw
    assert load_public_key(raw.hex().encode()).raw == raw
    assert find_signing_key("ana@example.com", tmp_path / "keys").key_id == key.key_id
    assert find_signing_key(key.key_id[:12], tmp_path / "keys").key_id == key.key_id
    with pytest.raises(SigningError, match="no private key"):
        find_signing_key("bob@example.com", tmp_path / "keys")
