"""Verify: check a signed MDR bundle offline (every signature, every digest) and restore its ranking."""

from __future__ import annotations

import streamlit as st

from workbench.ui import verify as ui
from workbench.ui.resources import get_engine
from workbench.ui.state import show_flash

engine = get_engine()
st.title("Verify")
st.caption("Check a Model Decision Record bundle offline: every Ed25519 signature over its DSSE envelope, every "
           "SHA-256 digest of record.md and snapshot.json. Nothing is uploaded anywhere; nothing is stored.")
show_flash()

c1, c2 = st.columns([3, 2])
upload = c1.file_uploader("Bundle (.zip)", type=["zip"], key="ver_bundle",
                          help="The zip downloaded from the Decision page or written by `workbench mdr export`.")
key_files = c2.file_uploader("Signers' public keys (optional)", type=["pub", "pem", "txt"], key="ver_keys",
                             accept_multiple_files=True,
                             help="<key id>.pub files (PEM or OpenSSH). A signature counts as trusted only when "
                                  "it verifies with a key you provide here or that is registered in this workspace.")
use_workspace = c2.checkbox("Also trust the public keys registered in this workspace", value=True,
                            key="ver_workspace_keys")
st.caption("Or on a command line, without the app: `workbench mdr verify MDR-0001.zip --pubkey signer.pub --json`.")

if upload is None:
    st.info("Upload a bundle zip to verify it. Its files, signers and digests appear here; a changed byte in any "
            "file makes verification fail and names the file.")
    st.stop()

data = upload.getvalue()
if len(data) > ui.MAX_BUNDLE_MB * 1_000_000:
    st.error(f"{upload.name} is {len(data) / 1e6:.1f} MB, above the {ui.MAX_BUNDLE_MB} MB limit.")
    st.stop()
try:
    files = ui.bundle_files(upload.name, data)
except ui.BundleError as exc:
    st.error(f"Verification FAILED: {exc}")
    st.stop()

keys, key_problems = ui.trusted_keys(engine, [(f.name, f.getvalue()) for f in key_files or []], use_workspace)
for problem in key_problems:
    st.warning(problem)
report = ui.verify(upload.name, files, keys)
ui.show_verdict(report)

st.subheader("Signatures")
if report.signatures:
    st.dataframe(ui.signatures_table(report), hide_index=True, width="stretch")
else:
    st.caption("The bundle carries no signature.")
st.subheader("Files")
st.dataframe(ui.files_table(report), hide_index=True, width="stretch")
st.caption(f"Trusted keys used: {len(keys)} ({'provided and workspace' if use_workspace else 'provided only'}). "
           f"Statement type {report.predicate_type or 'unknown'}; exported {report.exported_at or 'unknown'}.")

st.subheader("Restore")
if not report.ok:
    st.info("Restoring needs a bundle that verifies (signed and intact): fix or re-export it first.")
    st.stop()
st.caption("Rebuild the decision from snapshot.json alone (profile, candidates, weights, constraints, method, "
           "SMAA seed) and compare the ranking with the recorded one, bit for bit.")
if st.button("Restore the ranking", key="ver_restore", icon=":material/restore:", type="primary") or \
        st.session_state.get("ver_restored") == report.snapshot_sha256:
    st.session_state["ver_restored"] = report.snapshot_sha256
    ui.restore_panel(files)
