"""Overview page: download a workspace backup; restore one (merge or replace, previewed, confirmed)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from workbench.services.backup_restore import (
    BackupError,
    ImportReport,
    check_header,
    dumps,
    export_workspace,
    has_user_changes,
    import_workspace,
    loads,
    table_counts,
)
from workbench.ui.state import flash, show_flash
from workbench.ui.text import md

MODES = {
    "merge": "Merge: add what is new, keep everything already here",
    "replace": "Replace: discard this workspace and restore the backup exactly",
}
_UPLOAD_ROUND = "restore_upload_round"  # bumping it gives a fresh (empty) uploader after a restore


def _preview(engine: Engine, document: dict[str, Any], mode: str, source: str, rewrite: bool = False) -> ImportReport:
    return import_workspace(engine, document, mode, dry_run=True, source=source,  # type: ignore[arg-type]
                            rewrite_accepted=rewrite)


def _report_table(report: ImportReport) -> pd.DataFrame:
    rows = [{"table": name, "rows to add": rep.inserted, "already there": rep.unchanged,
             "conflicts (kept as they are)": rep.conflicts, "rows removed": rep.deleted}
            for name, rep in report.tables.items()]
    frame = pd.DataFrame(rows)
    if report.mode == "merge":
        frame = frame.drop(columns=["rows removed"])
    else:
        frame = frame.drop(columns=["already there", "conflicts (kept as they are)"])
    return frame


def backup_panel(engine: Engine, actor: str) -> None:
    st.subheader("Backup and restore")
    show_flash()
    left, right = st.columns(2, gap="large")
    with left:
        counts = table_counts(engine)
        st.download_button(
            "Download workspace backup (JSON)",
            data=lambda: dumps(export_workspace(engine)).encode("utf-8"),
            file_name=f"workbench-backup-{datetime.now(UTC):%Y%m%d-%H%M}.json",
            mime="application/json", key="backup_download", on_click="ignore", icon=":material/download:",
        )
        st.caption(f"Every table: {sum(counts.values()):,} rows ({counts.get('candidate', 0)} candidates, "
                   f"{counts.get('profile', 0)} profiles, {counts.get('audit_event', 0)} audit events). "
                   "Same file as `workbench workspace export FILE`.")
    with right:
        round_ = st.session_state.setdefault(_UPLOAD_ROUND, 0)
        upload = st.file_uploader("Restore from a backup (JSON, up to 50 MB)", type=["json"],
                                  key=f"restore_file_{round_}",
                                  help="A file from 'Download workspace backup' or `workbench workspace export`. "
                                       "Larger files are refused by the uploader (server.maxUploadSize).")
        if upload is not None:
            _restore(engine, actor, upload.name, upload.getvalue())


def _restore(engine: Engine, actor: str, name: str, data: bytes) -> None:
    try:
        document = loads(data, name)
        check_header(document, name)
    except BackupError as exc:
        st.error(f"Nothing was restored. {md(exc)}")
        return
    changed = has_user_changes(engine)
    mode = st.radio("This workspace already holds work: how should the backup be restored?" if changed
                    else "How should the backup be restored?", list(MODES), format_func=MODES.__getitem__,
                    index=None if changed else 1, key="restore_mode")
    if mode is None:
        st.info("Choose merge or replace to see what the restore would change.")
        return
    rewrite = st.checkbox("Allow this restore to rewrite accepted records (each is audited and marked "
                          "'rewritten after acceptance')", key="restore_rewrite_accepted",
                          help="Without it, a backup that would change an accepted record's text or signatures "
                               "is refused.")
    try:
        preview = _preview(engine, document, mode, name, rewrite)
    except BackupError as exc:
        st.error(f"Nothing was restored. {md(exc)}")
        return
    if preview.upgraded_from:
        st.caption(f"The backup is from schema revision {preview.upgraded_from}; it is upgraded on restore.")
    st.dataframe(_report_table(preview), hide_index=True, width="stretch")
    if preview.conflicts:
        with st.expander(f"{len(preview.conflicts)} conflict(s): the workspace's rows are kept"):
            st.dataframe(pd.DataFrame(preview.conflicts), hide_index=True, width="stretch")
    removed = sum(t.deleted for t in preview.tables.values())
    consequence = (f"Replace deletes all {removed:,} rows of this workspace first." if mode == "replace"
                   else f"Merge adds {preview.inserted:,} rows and changes nothing already here.")
    sha = hashlib.sha256(data).hexdigest()[:12]
    confirmed = st.checkbox(f"{consequence} Restore {md(name)} (SHA-256 {sha}).", key=f"restore_confirm_{mode}_{sha}")
    if st.button("Restore backup", type="primary", disabled=not confirmed, key="restore_apply",
                 icon=":material/restore:"):
        try:
            report = import_workspace(engine, document, mode, actor=actor, source=name,  # type: ignore[arg-type]
                                      rewrite_accepted=rewrite)
        except BackupError as exc:
            st.error(f"Nothing was restored. {md(exc)}")
            return
        st.cache_data.clear()
        st.cache_resource.clear()  # revision-keyed caches: a replace can bring back an earlier revision number
        st.session_state[_UPLOAD_ROUND] = st.session_state.get(_UPLOAD_ROUND, 0) + 1
        flash("success", f"Restored {name}: {report.summary()}.")
        st.rerun()
