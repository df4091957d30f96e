"""Verify page helpers: read an uploaded bundle, verify it offline, show signatures/digests, restore the ranking.

Verification is :func:`workbench.io.mdr_bundle.verify_files` (nothing leaves the machine); restoring is
:func:`workbench.decisions_draft.rerank_snapshot` on the verified snapshot bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from workbench.decisions_draft import DraftError, RestoreResult, rerank_snapshot
from workbench.domain.snapshot import SnapshotError, parse_canonical
from workbench.io.mdr_bundle import SNAPSHOT_FILE, BundleError, VerifyReport, read_bundle, verify_files
from workbench.signing import PublicKey, SigningError, load_public_key
from workbench.store.decisions import list_public_keys

MAX_BUNDLE_MB = 64
VERDICTS = {
    "verified": ("success", "Verified: every digest matches and every signature is valid, by a trusted key."),
    "verified_untrusted_keys": ("warning", "Intact, but checked only with the public keys inside the bundle: "
                                "anyone could have made it. Add the signers' public keys to know who signed."),
    "unsigned": ("warning", "Intact but unsigned: nobody vouches for this bundle."),
    "failed": ("error", "Verification FAILED: do not rely on this bundle."),
}


def bundle_files(name: str, data: bytes) -> dict[str, bytes]:
    """The files of an uploaded zip (same safety checks as the CLI: no absolute or '..' names, size cap)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(name).name or "bundle.zip")
        path.write_bytes(data)
        return read_bundle(path)


def trusted_keys(engine: Engine, uploads: list[tuple[str, bytes]], use_workspace: bool) -> tuple[list[PublicKey], list[str]]:
    """Public keys to trust: uploaded files, plus (optionally) the keys registered in this workspace."""
    keys: list[PublicKey] = []
    problems: list[str] = []
    for name, data in uploads:
        try:
            keys.append(load_public_key(data, name=Path(name).stem))
        except SigningError:
            problems.append(f"{name}: not an Ed25519 public key (PEM, OpenSSH, base64 or hex); ignored")
    if use_workspace:
        keys += [k.public_key() for k in list_public_keys(engine)]
    return keys, problems


def verify(name: str, files: dict[str, bytes], keys: list[PublicKey]) -> VerifyReport:
    return verify_files(files, keys or None, bundle=name)


def show_verdict(report: VerifyReport) -> None:
    kind, text = VERDICTS[report.verdict]
    head = f"**{report.record_id or 'Unknown record'}**" + (f" — {report.title}" if report.title else "")
    status = f" (status {report.status})" if report.status else ""
    getattr(st, kind)(f"{head}{status}  \n{text}")
    for problem in report.problems:
        st.error(problem, icon=":material/report:")


def signatures_table(report: VerifyReport) -> pd.DataFrame:
    columns = ["Signer", "E-mail", "Signature", "Key", "Signed at (UTC)", "Key id"]
    return pd.DataFrame([{
        "Signer": s.name or "?", "E-mail": s.email or "?", "Signature": "valid" if s.ok else f"invalid: {s.problem}",
        "Key": "trusted (provided)" if s.trusted else f"from the {s.key_source}" if s.key_source else "not found",
        "Signed at (UTC)": s.signed_at or "", "Key id": s.keyid,
    } for s in report.signatures], columns=columns)


def files_table(report: VerifyReport) -> pd.DataFrame:
    return pd.DataFrame([{
        "File": f.name, "Check": "ok" if f.ok else f"FAILED: {f.problem}", "SHA-256": f.sha256,
        "Signed SHA-256": f.expected_sha256 or "— (not a signed subject)",
    } for f in report.files], columns=["File", "Check", "SHA-256", "Signed SHA-256"])


@st.cache_data(ttl=600, max_entries=8, show_spinner="Re-ranking from the snapshot…")
def restore(snapshot_bytes: bytes) -> RestoreResult:
    return rerank_snapshot(parse_canonical(snapshot_bytes, SNAPSHOT_FILE))


def restore_panel(files: dict[str, bytes]) -> None:
    try:
        result = restore(files[SNAPSHOT_FILE])
    except (DraftError, SnapshotError, ValueError) as exc:
        st.error(f"{SNAPSHOT_FILE}: cannot restore: {exc}")
        return
    if result.matches:
        st.success(f"Re-ranked from the snapshot alone: the ranking{' and the SMAA result' if result.smaa else ''} "
                   f"are **bit-identical** to the recorded ones (SHA-256 {result.recomputed_ranking_sha256[:16]}…).")
    else:
        st.error("Re-ranking gives a DIFFERENT result than recorded: " + "; ".join(result.differences))
    st.caption(f"Profile {result.profile} · method {result.ranking.method_label} · normalisation "
               f"{result.ranking.normalisation}" + (f" · {result.smaa.headline}" if result.smaa else ""))
    st.dataframe(pd.DataFrame([{
        "Rank": r.rank, "Candidate": r.name, "Score": r.score, "Cost / success (USD)": r.cost_per_success,
        "p95 latency (ms, est.)": r.latency_p95_ms,
    } for r in result.ranking.rows]), hide_index=True, width="stretch", column_config={
        "Cost / success (USD)": st.column_config.NumberColumn(format="$%.5f"),
        "p95 latency (ms, est.)": st.column_config.NumberColumn(format="%.0f ms"),
        "Score": st.column_config.NumberColumn(format="%.4f")})
    for ex in result.ranking.excluded:
        st.markdown(f"- excluded **{ex.name}**: " + "; ".join(ex.reasons))


__all__ = ["MAX_BUNDLE_MB", "BundleError", "bundle_files", "files_table", "restore_panel", "show_verdict",
           "signatures_table", "trusted_keys", "verify"]
