"""Audit log integrity for pages and the CLI: verify the hash chain (:mod:`workbench.store.audit`)."""

from __future__ import annotations

from workbench.store.audit import ChainReport, verify_audit_log

__all__ = ["ChainReport", "verify_audit_log"]
