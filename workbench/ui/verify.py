"""Verify page helpers: read an uploaded bundle, verify it against the trust store, show each signature with
its signer and fingerprint, trust a key deliberately, restore the ranking and compare it with record.md.

Verification is :func:`workbench.services.bundles.verify_files` (nothing leaves the machine). Trust comes
from this workspace's trust store plus public keys uploaded for this check; keys inside the bundle only show
that a signature is valid.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from workbench.domain.snapshot import SnapshotError, parse_canonical
from workbench.io.mdr_bundle import PUBLIC_KEY_DIR, RECORD_FILE, SNAPSHOT_FILE, BundleError, read_bundle
from workbench.services import signing
from workbench.services.bundles import VerifyReport, check_record_against_ranking, verify_files
from workbench.services.restore import RestoreError, RestoreResult, rerank_snapshot
from workbench.signing import PublicKey, SignatureCheck, SigningError, TrustStore, load_public_key
from workbench.store.repository import StoreError
from workbench.ui.identity import can_edit
from workbench.ui.state import flash
from workbench.ui.text import md

MAX_BUNDLE_MB = 64
VERDICTS = {
    "verified": ("success", "Verified: every digest matches, every signature is valid and by a trusted key, and "
                 "the required approvals are there."),
    "untrusted": ("warning", "NOT verified: the bundle is intact and its signatures are valid, but at least one "
                  "signer's key is not in your trust store (or was revoked). Anyone can make a valid signature "
                  "with a fresh key that claims any name."),
    "quorum_not_met": ("warning", "NOT verified: intact and signed by trusted keys, but the approvals the record "
                       "requires are not all there."),
    "unsigned": ("warning", "NOT verified: intact but unsigned; nobody vouches for this bundle."),
    "failed": ("error", "Verification FAILED (tampered or invalid): do not rely on this bundle."),
}


def bundle_files(name: str, data: bytes) -> dict[str, bytes]:
    """The files of an uploaded zip (same safety checks as the CLI: no absolute or '..' names, size cap)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(name).name or "bundle.zip")
        path.write_bytes(data)
        return read_bundle(path)


def trust_for(engine: Engine, uploads: list[tuple[str, bytes]]) -> tuple[TrustStore, list[str]]:
    """The workspace's trust store plus public keys uploaded for this check."""
    keys: list[PublicKey] = []
    problems: list[str] = []
    for name, data in uploads:
        try:
            keys.append(load_public_key(data, name=Path(name).stem))
        except SigningError:
            problems.append(f"{name}: not an Ed25519 public key (PEM, OpenSSH, base64 or hex); ignored")
    store = signing.trust_store(engine)
    return (store.merged(TrustStore.of_keys(keys, added_by="uploaded for this check")) if keys else store), problems


def verify(name: str, files: dict[str, bytes], trust: TrustStore) -> VerifyReport:
    return verify_files(files, trust, bundle=name)


def show_verdict(report: VerifyReport) -> None:
    kind, text = VERDICTS[report.verdict]
    head = md(report.record_id or "Unknown record", 80)  # from the uploaded bundle: text, never Markdown
    getattr(st, kind)(f"{head}{' — ' + md(report.title, 300) if report.title else ''}"
                      f"{f' (status {md(report.status, 40)})' if report.status else ''}: {text} "
                      f"(`workbench mdr verify` exit code {report.exit_code})")
    if report.quorum is not None and report.quorum.required:
        state = "met" if report.quorum.met else "NOT met: " + "; ".join(report.quorum.missing)
        st.caption(f"Approvals required: {md('; '.join(report.quorum.required))} — {md(state)}")
    for d in report.quorum.dissents if report.quorum else []:
        st.warning(f"Dissent by {md(d.signer)}: {md(d.reason)}", icon=":material/thumb_down:")
    for problem in report.problems:
        st.error(md(problem), icon=":material/report:")


def signatures_table(report: VerifyReport) -> pd.DataFrame:
    columns = ["Signer", "Fingerprint", "Verdict", "Identity", "Valid", "Trusted", "Reason", "Signed at (UTC)"]
    return pd.DataFrame([{
        "Signer": s.signer or f"{s.name or '?'} <{s.email or '?'}>", "Fingerprint": s.fingerprint or s.keyid,
        "Verdict": s.verdict or "?", "Identity": s.identity_basis or "?", "Valid": "yes" if s.valid else "NO",
        "Trusted": "yes" if s.trusted else "NO", "Reason": s.reason or "", "Signed at (UTC)": s.signed_at or "",
    } for s in report.signatures], columns=columns)


def files_table(report: VerifyReport) -> pd.DataFrame:
    return pd.DataFrame([{
        "File": f.name, "Check": "ok" if f.ok else f"FAILED: {f.problem}", "SHA-256": f.sha256,
        "Signed SHA-256": f.expected_sha256 or "— (not a signed subject)",
    } for f in report.files], columns=["File", "Check", "SHA-256", "Signed SHA-256"])


def _untrusted(report: VerifyReport, files: dict[str, bytes]) -> list[tuple[SignatureCheck, PublicKey]]:
    out = []
    for s in report.signatures:
        data = files.get(f"{PUBLIC_KEY_DIR}/{s.keyid}.pub")
        if not (s.valid and not s.trusted and data):
            continue
        try:
            out.append((s, load_public_key(data)))
        except SigningError:
            continue
    return out


def trust_panel(engine: Engine, report: VerifyReport, files: dict[str, bytes], actor: str) -> None:
    """Trust a signer's key, deliberately: the fingerprint is shown and must be confirmed (audited)."""
    candidates = [(s, k) for s, k in _untrusted(report, files) if "revoked" not in (s.reason or "")]
    if not candidates or not can_edit():
        return
    with st.expander("Trust a signer's key (only after checking its fingerprint with that person)"):
        labels = {s.keyid: f"{s.signer or s.keyid} · {s.fingerprint}" for s, _ in candidates}
        chosen = st.selectbox("Key", list(labels), format_func=labels.__getitem__, key="ver_trust_key")
        sig, key = next((s, k) for s, k in candidates if s.keyid == chosen)
        st.code(key.fingerprint, language=None)
        c1, c2 = st.columns(2)
        name = c1.text_input("Owner's name", value=sig.name or "", key="ver_trust_name", max_chars=200)
        email = c2.text_input("Owner's e-mail", value=sig.email or "", key="ver_trust_email", max_chars=320)
        typed = st.text_input("Type the fingerprint the owner read to you", key="ver_trust_fp", max_chars=80)
        if st.button("Trust this key", key="ver_trust", type="primary", icon=":material/verified_user:"):
            try:
                entry = signing.trust_public_key(engine, key, name, email, actor, confirm_fingerprint=typed)
            except (StoreError, SigningError) as exc:
                st.error(md(exc))
            else:
                flash("success", f"Trusted {entry.fingerprint} as {entry.label}.")
                st.rerun()


@st.cache_data(ttl=600, max_entries=8, show_spinner="Re-ranking from the snapshot…")
def restore(snapshot_bytes: bytes) -> RestoreResult:
    return rerank_snapshot(parse_canonical(snapshot_bytes, SNAPSHOT_FILE))


def restore_panel(files: dict[str, bytes], report: VerifyReport) -> None:
    try:
        result = restore(files[SNAPSHOT_FILE])
    except (RestoreError, SnapshotError, ValueError) as exc:
        st.error(f"{SNAPSHOT_FILE}: cannot restore: {md(exc)}")
        return
    if not report.ok:
        st.warning("Restored from a bundle that is NOT verified: this shows what the bundle claims, not a decision "
                   "anyone trusted signed.")
    if result.matches:
        st.success(f"Re-ranked from the snapshot alone: the ranking{' and the SMAA result' if result.smaa else ''} "
                   f"are bit-identical to the recorded ones (SHA-256 {result.recomputed_ranking_sha256[:16]}…).")
    else:
        st.error("Re-ranking gives a DIFFERENT result than recorded: " + md("; ".join(result.differences)))
    check = check_record_against_ranking(files[RECORD_FILE], [r.name for r in result.ranking.rows],
                                         [e.name for e in result.ranking.excluded])
    if not check.agrees:
        st.warning("record.md differs from the snapshot's ranking (edited by a person: "
                   f"{md(', '.join(check.edited))}): " + md("; ".join(check.notes)))
    st.caption(f"Profile {md(result.profile)} · method {result.ranking.method_label} · normalisation "
               f"{result.ranking.normalisation}" + (f" · {result.smaa.headline}" if result.smaa else ""))
    st.dataframe(pd.DataFrame([{
        "Rank": r.rank, "Candidate": r.name, "Score": r.score, "Cost / success (USD)": r.cost_per_success,
        "p95 latency (ms, est.)": r.latency_p95_ms,
    } for r in result.ranking.rows]), hide_index=True, width="stretch", column_config={
        "Cost / success (USD)": st.column_config.NumberColumn(format="$%.5f"),
        "p95 latency (ms, est.)": st.column_config.NumberColumn(format="%.0f ms"),
        "Score": st.column_config.NumberColumn(format="%.4f")})
    if result.ranking.excluded:
        st.dataframe(pd.DataFrame([{"Excluded": ex.name, "Why": "; ".join(ex.reasons)}
                                   for ex in result.ranking.excluded]), hide_index=True, width="stretch")


__all__ = ["MAX_BUNDLE_MB", "BundleError", "bundle_files", "files_table", "restore_panel", "show_verdict",
           "signatures_table", "trust_for", "trust_panel", "verify"]
