"""Verify: check a signed MDR bundle offline against the trust store, trust a signer deliberately, restore."""

from __future__ import annotations

import streamlit as st

from workbench.ui import verify as ui
from workbench.ui.page import page_header
from workbench.ui.text import md

engine, actor = page_header(
    "Verify",
    "Check a Model Decision Record bundle offline: every Ed25519 signature over its DSSE envelope, every SHA-256 "
    "digest of record.md and snapshot.json, who signed (from this workspace's trust store) and the approvals it "
    "needs. Nothing is uploaded anywhere; nothing is stored.",
)

c1, c2 = st.columns([3, 2])
upload = c1.file_uploader("Bundle (.zip)", type=["zip"], key="ver_bundle",
                          help="The zip downloaded from the Decision page or written by `workbench mdr export`.")
key_files = c2.file_uploader("Also trust these public keys for this check (optional)", type=["pub", "pem", "txt"],
                             key="ver_keys", accept_multiple_files=True,
                             help="<key id>.pub files (PEM or OpenSSH). A signature is trusted only when its key is "
                                  "in this workspace's trust store or uploaded here; keys inside the bundle never "
                                  "make it trusted.")
st.caption("Or on a command line: `workbench mdr verify MDR-0001.zip --json` (exit 0 verified, 1 tampered or invalid, "
           "3 valid but a signer untrusted, 4 unsigned or approvals missing).")

if upload is None:
    st.info("Upload a bundle zip to verify it. Its files, signers and digests appear here; a changed byte in any "
            "file makes verification fail and names the file.")
    st.stop()

data = upload.getvalue()
if len(data) > ui.MAX_BUNDLE_MB * 1_000_000:
    st.error(f"{md(upload.name)} is {len(data) / 1e6:.1f} MB, above the {ui.MAX_BUNDLE_MB} MB limit.")
    st.stop()
try:
    files = ui.bundle_files(upload.name, data)
except ui.BundleError as exc:
    st.error(f"Verification FAILED: {md(exc)}")
    st.stop()

trust, key_problems = ui.trust_for(engine, [(f.name, f.getvalue()) for f in key_files or []])
for problem in key_problems:
    st.warning(md(problem))
report = ui.verify(upload.name, files, trust)
ui.show_verdict(report)

st.subheader("Signatures")
if report.signatures:
    st.dataframe(ui.signatures_table(report), hide_index=True, width="stretch")
    ui.trust_panel(engine, report, files, actor)
else:
    st.caption("The bundle carries no signature.")
st.subheader("Files")
st.dataframe(ui.files_table(report), hide_index=True, width="stretch")
st.caption(f"Trusted keys used: {len(trust)} (this workspace's trust store"
           f"{' and uploaded keys' if key_files else ''}). Statement type {md(report.predicate_type or 'unknown')}; "
           f"exported {md(report.exported_at or 'unknown')}.")

st.subheader("Restore")
if not report.intact:
    st.info("Restoring needs an intact bundle: this one failed verification.")
    st.stop()
st.caption("Rebuild the decision from snapshot.json alone (profile, candidates, weights, constraints, method, "
           "SMAA seed), compare the ranking with the recorded one bit for bit, and record.md's selection with it.")
if st.button("Restore the ranking", key="ver_restore", icon=":material/restore:", type="primary") or \
        st.session_state.get("ver_restored") == report.snapshot_sha256:
    st.session_state["ver_restored"] = report.snapshot_sha256
    ui.restore_panel(files, report)
