"""Decision page, signing section: signatures as verified against the workspace's trust store, the approval
quorum, and signing (approve or dissent) with one's own key only: the logged-in identity's key, or without a
login a self-asserted one; creating and revoking that key. Use cases live in :mod:`workbench.services.signing`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from workbench.services import signing
from workbench.services.bundles import VerifyReport
from workbench.signing import Endorsement, SigningError, load_signing_key
from workbench.store import decisions as store
from workbench.store.repository import StoreError
from workbench.ui.identity import READ_ONLY_NOTICE, can_edit, signed_in_email
from workbench.ui.state import flash, seen_versions
from workbench.ui.text import md


def stored_report(engine: Engine, rec: store.DecisionRecord) -> VerifyReport:
    """The record's bundle verified against this workspace's trust store (what the page shows)."""
    return signing.decision_report(engine, rec.id)


def signatures_table(report: VerifyReport) -> pd.DataFrame:
    columns = ["Signer", "Verdict", "Reason", "Identity", "Trusted", "Valid", "Fingerprint", "Signed at (UTC)"]
    return pd.DataFrame([{
        "Signer": s.signer or f"{s.name or '?'} <{s.email or '?'}>", "Verdict": s.verdict or "?",
        "Reason": s.reason or "", "Identity": s.identity_basis or "?",
        "Trusted": "yes" if s.trusted else "NO", "Valid": "yes" if s.valid else "NO",
        "Fingerprint": s.fingerprint or s.keyid[:16], "Signed at (UTC)": s.signed_at or "",
    } for s in report.signatures], columns=columns)


def quorum_panel(engine: Engine, rec: store.DecisionRecord, report: VerifyReport, actor: str, editor: bool) -> None:
    """The approvals the record needs (editable before the first signature) and where they stand."""
    policy, version = signing.quorum(engine, rec.id)
    result = report.quorum
    if policy is not None and policy.rules and result is not None:
        state = "met" if result.met else "not met: " + "; ".join(result.missing)
        st.caption(f"Approvals required before acceptance: {md('; '.join(r.text() for r in policy.rules))}. "
                   f"Now {md(state)}.")
        for d in result.dissents:
            st.warning(f"Dissent by {md(d.signer)}: {md(d.reason)}", icon=":material/thumb_down:")
    if not editor or rec.signature_count or not rec.editable:
        return
    with st.expander("Require approvals (quorum)", expanded=False):
        text = st.text_area(
            "One rule per line: [K of ]LABEL: e-mail, e-mail", key=f"dec_quorum_{rec.id}",
            value="\n".join(r.text() for r in policy.rules) if policy else "",
            placeholder="architect: ana@example.com\nsecurity: sec@example.com\n2 of reviewers: a@x.com, b@x.com, c@x.com",
            help="Acceptance needs these approvals: valid signatures by trusted keys of the people named. "
                 "Set it before the first signature (the signatures cover it).")
        if st.button("Save quorum", key=f"dec_quorum_save_{rec.id}"):
            try:
                signing.set_quorum(engine, rec.id, text.splitlines(), version, actor)
            except (StoreError, SigningError) as exc:
                st.error(md(exc))
            else:
                flash("success", f"Saved the quorum of {rec.mdr_id}.")
                st.rerun()


def _create_key(engine: Engine, email: str, actor: str) -> None:
    name = st.text_input("Your name (on the key)", key="dec_key_name", value=actor if actor != "anonymous" else "")
    if st.button("Create my signing key", key="dec_key_create", icon=":material/key:"):
        try:
            info = signing.create_person_key(engine, name, email, actor)
        except (StoreError, SigningError, OSError) as exc:
            st.error(md(exc))
        else:
            flash("success", f"Created your key {info.fingerprint}. It is not trusted yet: whoever verifies your "
                             "signatures adds it to their trust store after checking this fingerprint with you.")
            st.rerun()


def _sign_form(engine: Engine, rec: store.DecisionRecord, seen: int, actor: str, key: Any, logged_in: bool) -> None:
    c1, c2, c3 = st.columns([1, 2, 1])
    verdict = c1.radio("Your verdict", ["approve", "dissent"], key="dec_verdict", horizontal=True)
    reason = c2.text_input("Reason" + (" (required)" if verdict == "dissent" else " (optional)"), key="dec_reason",
                           max_chars=2000)
    role = c3.text_input("Role (optional)", key="dec_role", max_chars=200, placeholder="e.g. security")
    already = key.key_id in rec.signer_key_ids
    if st.button("Sign" if not rec.signature_count else "Co-sign", key="dec_sign", icon=":material/draw:",
                 type="primary", disabled=already, help="Already signed with your key." if already else None):
        try:
            endorsement = Endorsement(verdict="dissent" if verdict == "dissent" else "approve", reason=reason, role=role)
            signed = signing.sign_decision(engine, rec.id, load_signing_key(Path(key.key_dir) / f"{key.key_id}.key"),
                                           seen, actor, endorsement=endorsement,
                                           signed_in_email=signed_in_email() if logged_in else None)
        except (StoreError, SigningError) as exc:
            st.error(md(exc))
        else:
            seen_versions()[f"decision:{rec.id}"] = signed.version
            flash("success", f"Signed {signed.mdr_id} ({verdict}) as {md(key.name)} ({signed.signature_count} signature(s)).")
            st.rerun()


def sign_with_own_key(engine: Engine, rec: store.DecisionRecord, seen: int, actor: str) -> None:
    """Sign only with one's own key: the logged-in identity's, or (without a login) a self-asserted one."""
    if not can_edit():
        st.info(READ_ONLY_NOTICE)
        return
    login = signed_in_email()
    logged_in = login is not None
    if login is None:
        st.warning("Without a login your identity is **self-asserted**: the signature records that, and anyone "
                   "could type the same e-mail. Configure `[auth]` so signatures are bound to a login.")
        typed = st.text_input("Your e-mail (self-asserted)", key="dec_sign_email", max_chars=320).strip()
        if not typed:
            return
    email = login or typed
    try:
        keys = [k for k in signing.own_keys(email) if k.key_id not in signing.revoked_key_ids(engine)]
    except SigningError as exc:
        st.error(md(exc))
        return
    if not keys:
        st.info(f"You ({md(email)}) have no signing key on this server yet.")
        _create_key(engine, email, actor)
        return
    key = keys[0]
    st.caption(f"Signing as {md(key.name)} {md(f'<{key.email}>')} with your key {md(key.fingerprint)}"
               + (" (identity from your login)" if logged_in else " (self-asserted)") + ".")
    _sign_form(engine, rec, seen, actor, key, logged_in)
    _revoke_form(engine, key, actor)


def _revoke_form(engine: Engine, key: Any, actor: str) -> None:
    """Revoke one's own key (lost, replaced): audited; its signatures stop counting; a new key can be made."""
    with st.expander("Revoke my key"):
        reason = st.text_input("Why", key="dec_revoke_reason", max_chars=300, placeholder="e.g. laptop lost")
        if st.button("Revoke my key", key="dec_revoke", icon=":material/key_off:", disabled=not reason.strip()):
            try:
                entry = signing.revoke(engine, key.key_id, actor, reason)
            except (StoreError, SigningError) as exc:
                st.error(md(exc))
            else:
                flash("success", f"Revoked your key {md(entry.fingerprint)}; create a new one to sign again.")
                st.rerun()
