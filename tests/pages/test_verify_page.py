"""AppTest of the Verify page: a good bundle verifies (signers, digests) and restores bit for bit; a bundle with
one changed byte fails and names the file; untrusted keys are said to be untrusted."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.pages.helpers import texts
from workbench.decisions_draft import draft_from_workspace
from workbench.signing import init_key, load_signing_key
from workbench.store import decisions as store
from workbench.store.workspace import create_profile, new_profile_model


@pytest.fixture
def signed_zip(workspace_engine, tmp_path):
    create_profile(workspace_engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
    rec = draft_from_workspace(workspace_engine, "Contracts", "ada")
    info = init_key("Ana Lima", "ana@example.com", tmp_path / "keys")
    key = load_signing_key(Path(info.key_dir) / f"{info.key_id}.key")
    store.sign_decision(workspace_engine, rec.id, key, rec.version, "ana")
    name, data = store.bundle_zip(workspace_engine, rec.id)
    pub = (Path(info.key_dir) / f"{info.key_id}.pub").read_bytes()
    return name, data, pub


def _flip(data: bytes, member: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
    name = next(n for n in files if n.endswith("/" + member))
    changed = bytearray(files[name])
    changed[len(changed) // 2] ^= 0x20
    files[name] = bytes(changed)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, d in files.items():
            zf.writestr(n, d)
    return buf.getvalue()


def test_page_without_upload_says_what_to_do(open_page):
    at = open_page("verify")
    assert at.title[0].value == "Verify"
    assert any("Upload a bundle zip" in i.value for i in at.info)


def test_good_bundle_is_verified_and_restores_bit_for_bit(open_page, signed_zip):
    name, data, _ = signed_zip
    at = open_page("verify")
    at.file_uploader(key="ver_bundle").set_value((name, data, "application/zip")).run()
    assert not at.exception, at.exception
    assert any("MDR-0001" in s.value and "Verified" in s.value for s in at.success)  # key registered in workspace
    signers = at.dataframe[0].value
    assert list(signers["Signer"]) == ["Ana Lima"] and list(signers["Signature"]) == ["valid"]
    assert list(signers["Key"]) == ["trusted (provided)"]
    files = at.dataframe[1].value
    assert set(files["File"]) >= {"record.md", "snapshot.json", "envelope.dsse.json"} and set(files["Check"]) == {"ok"}
    next(b for b in at.button if b.key == "ver_restore").click().run()
    assert not at.exception, at.exception
    assert any("bit-identical" in s.value for s in at.success)
    ranking = at.dataframe[2].value
    assert list(ranking["Rank"])[:2] == [1, 2]


def test_trust_comes_from_the_public_keys_you_provide(open_page, signed_zip):
    name, data, pub = signed_zip
    at = open_page("verify")
    at.checkbox(key="ver_workspace_keys").uncheck()
    at.file_uploader(key="ver_bundle").set_value((name, data, "application/zip")).run()
    assert any("checked only with the public keys inside the bundle" in w.value for w in at.warning)
    assert list(at.dataframe[0].value["Key"]) == ["from the bundle"]
    at.file_uploader(key="ver_keys").set_value([("ana.pub", pub, "application/octet-stream")]).run()
    assert not at.exception, at.exception
    assert any("Verified" in s.value for s in at.success)
    assert list(at.dataframe[0].value["Key"]) == ["trusted (provided)"]


@pytest.mark.parametrize("member", ["record.md", "snapshot.json", "envelope.dsse.json"])
def test_tampered_bundle_fails_naming_the_file(open_page, signed_zip, member):
    name, data, _ = signed_zip
    at = open_page("verify")
    at.file_uploader(key="ver_bundle").set_value((name, _flip(data, member), "application/zip")).run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("Verification FAILED" in e for e in errors)
    assert any(e.startswith(member) for e in errors), errors
    assert not any(b.key == "ver_restore" for b in at.button)
    assert "Restoring needs a bundle that verifies" in texts(at)


def test_not_a_zip_is_a_clear_error(open_page, workspace_engine):
    at = open_page("verify")
    at.file_uploader(key="ver_bundle").set_value(("bundle.zip", b"not a zip", "application/zip")).run()
    assert not at.exception, at.exception
    assert any("not a readable zip" in e.value for e in at.error)
