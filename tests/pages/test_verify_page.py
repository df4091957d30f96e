"""AppTest of the Verify page: a bundle signed by a trusted key verifies and restores bit for bit; a valid
signature by a key that is not in the trust store is NOT verified (even when the key is registered in the
workspace, e.g. merged from a backup), shows signer and fingerprint, and can be trusted deliberately by typing
the fingerprint; one changed byte fails and names the file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.pages.helpers import texts
from workbench.services import signing as svc
from workbench.services.records import draft_from_workspace
from workbench.signing import init_key, load_signing_key
from workbench.store import keys as key_store
from workbench.store.workspace import create_profile, new_profile_model


@pytest.fixture
def signed_zip(workspace_engine, tmp_path):
    create_profile(workspace_engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
    rec = draft_from_workspace(workspace_engine, "Contracts", "ada")
    info = init_key("Ana Lima", "ana@example.com", tmp_path / "keys")
    key = load_signing_key(Path(info.key_dir) / f"{info.key_id}.key")
    svc.sign_decision(workspace_engine, rec.id, key, rec.version, "ana")  # registers the key, does not trust it
    name, data = svc.bundle_zip(workspace_engine, rec.id)
    return name, data, key


def _trust(engine, key) -> None:
    svc.trust_public_key(engine, key.public_key, "Ana Lima", "ana@example.com", "sec",
                         confirm_fingerprint=key.public_key.fingerprint)


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


def test_bundle_signed_by_a_trusted_key_is_verified_and_restores_bit_for_bit(open_page, signed_zip, workspace_engine):
    name, data, key = signed_zip
    _trust(workspace_engine, key)
    at = open_page("verify")
    at.file_uploader(key="ver_bundle").set_value((name, data, "application/zip")).run()
    assert not at.exception, at.exception
    assert any("MDR-0001" in s.value and "Verified" in s.value for s in at.success)
    signers = at.dataframe[0].value
    assert list(signers["Signer"]) == ["Ana Lima <ana@example.com>"]
    assert list(signers["Fingerprint"]) == [key.public_key.fingerprint]
    assert (list(signers["Valid"]), list(signers["Trusted"]), list(signers["Verdict"])) == (["yes"], ["yes"], ["approve"])
    files = at.dataframe[1].value
    assert set(files["File"]) >= {"record.md", "snapshot.json", "envelope.dsse.json"} and set(files["Check"]) == {"ok"}
    next(b for b in at.button if b.key == "ver_restore").click().run()
    assert not at.exception, at.exception
    assert any("bit-identical" in s.value for s in at.success)
    assert list(at.dataframe[2].value["Rank"])[:2] == [1, 2]


def test_a_registered_but_untrusted_key_is_not_verified_until_trusted_deliberately(open_page, signed_zip,
                                                                                  workspace_engine):
    """Attack 3: a key "of Ana" sits in the workspace (signing, or a backup merge, registered it). Before, the
    page trusted workspace keys by default and said verified."""
    name, data, key = signed_zip
    assert key.key_id in {k.key_id for k in key_store.list_registered(workspace_engine)}
    at = open_page("verify", actor="Sec")
    at.file_uploader(key="ver_bundle").set_value((name, data, "application/zip")).run()
    assert not at.exception, at.exception
    assert not at.success and any("NOT verified" in w.value and "not in your trust store" in w.value for w in at.warning)
    signers = at.dataframe[0].value
    assert list(signers["Trusted"]) == ["NO"] and list(signers["Signer"]) == ["Ana Lima <ana@example.com> (claimed)"]
    at.text_input(key="ver_trust_fp").set_value("SHA256:not-what-ana-said").run()
    next(b for b in at.button if b.key == "ver_trust").click().run()
    assert any("does not match" in e.value for e in at.error)
    at.text_input(key="ver_trust_fp").set_value(key.public_key.fingerprint).run()
    next(b for b in at.button if b.key == "ver_trust").click().run()
    assert not at.exception, at.exception
    assert any("Verified" in s.value for s in at.success)
    assert key_store.list_trusted(workspace_engine)[0].added_by == "Sec"


def test_a_public_key_uploaded_for_this_check_is_trusted_for_it(open_page, signed_zip):
    name, data, key = signed_zip
    at = open_page("verify")
    at.file_uploader(key="ver_bundle").set_value((name, data, "application/zip")).run()
    at.file_uploader(key="ver_keys").set_value([("ana.pub", key.public_key.pem(), "application/octet-stream")]).run()
    assert not at.exception, at.exception
    assert any("Verified" in s.value for s in at.success)


@pytest.mark.parametrize("member", ["record.md", "snapshot.json", "envelope.dsse.json"])
def test_tampered_bundle_fails_naming_the_file(open_page, signed_zip, member, workspace_engine):
    name, data, key = signed_zip
    _trust(workspace_engine, key)
    at = open_page("verify")
    at.file_uploader(key="ver_bundle").set_value((name, _flip(data, member), "application/zip")).run()
    assert not at.exception, at.exception
    errors = [e.value.replace("\\", "") for e in at.error]  # user text is escaped Markdown
    assert any("Verification FAILED" in e for e in errors)
    assert any(e.startswith(member) for e in errors), errors
    assert not any(b.key == "ver_restore" for b in at.button)
    assert "Restoring needs an intact bundle" in texts(at)


def test_not_a_zip_is_a_clear_error(open_page, workspace_engine):
    at = open_page("verify")
    at.file_uploader(key="ver_bundle").set_value(("bundle.zip", b"not a zip", "application/zip")).run()
    assert not at.exception, at.exception
    assert any("not a readable zip" in e.value for e in at.error)
