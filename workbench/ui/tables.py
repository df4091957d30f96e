"""DataFrames for the grids (pandas only; no Streamlit, so they are unit-testable)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import pandas as pd

from workbench.domain.models import CAPABILITY_VECTORS, TOPOLOGY_LABELS, Candidate, Profile
from workbench.store.repository import Record


def candidate_table(records: Sequence[Record[Candidate]]) -> pd.DataFrame:
    rows = []
    for record in records:
        c = record.model
        ratings = [c.capabilities[v].rating if v in c.capabilities else None for v in CAPABILITY_VECTORS]
        known = [r for r in ratings if r]
        rows.append({
            "id": record.id,
            "Name": c.name,
            "Provider": c.provider,
            "Open weights": c.open_weights,
            "Context (tokens)": c.context_window,
            "Input $/1M": c.pricing.input_per_mtok if c.pricing else None,
            "Output $/1M": c.pricing.output_per_mtok if c.pricing else None,
            "E ratings": known.count("E") if known else None,
            "Rated vectors": f"{len(known)}/{len(CAPABILITY_VECTORS)}",
            "Modalities": ", ".join(m.value for m in c.modalities),
            "Topologies": ", ".join(TOPOLOGY_LABELS[t.value] for t in c.topologies),
            "Regions": ", ".join(c.regions),
            "TTFT p95 (ms)": c.latency.ttft_p95_ms,
            "Total p95 (ms)": c.latency.total_p95_ms,
            "Tokens/s": c.latency.output_tokens_per_s,
            "Latency measured": _latency_basis(c),
            "Deprecation": c.deprecation_date,
            "Licence": c.license.name if c.license else None,
            "Architecture": "config.json" if c.architecture else "unknown",
            "Updated by": record.updated_by,
            "Version": record.version,
        })
    return pd.DataFrame(rows)


def _latency_basis(c: Candidate) -> str | None:
    """'2026-12-01, load test LT-17' for measured latency (provenance date and source), else None."""
    prov = c.provenance.get("latency")
    if prov is None or not any((c.latency.ttft_p95_ms, c.latency.total_p95_ms, c.latency.output_tokens_per_s)):
        return None
    return ", ".join(x for x in (prov.retrieved.isoformat() if prov.retrieved else "", prov.source) if x)


def filter_candidates(df: pd.DataFrame, *, text: str = "", providers: Sequence[str] = (),
                      open_weights_only: bool = False, topology: str | None = None) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    if text:
        needle = text.lower()
        mask &= df["Name"].str.lower().str.contains(needle, regex=False) | df["Provider"].str.lower().str.contains(
            needle, regex=False)
    if providers:
        mask &= df["Provider"].isin(providers)
    if open_weights_only:
        mask &= df["Open weights"]
    if topology:
        mask &= df["Topologies"].str.contains(TOPOLOGY_LABELS[topology], regex=False)
    return df[mask]


def profile_table(records: Sequence[Record[Profile]]) -> pd.DataFrame:
    return pd.DataFrame([{
        "id": r.id,
        "Name": r.model.name,
        "Template": r.model.template or "blank",
        "Task class": r.model.task_class.value.replace("_", " "),
        "Risk": r.model.risk_level.value,
        "Context need (tokens)": r.model.context_length_tokens,
        "p95 SLA (ms)": r.model.latency_sla.total_p95_ms,
        "Updated by": r.updated_by,
        "Updated (UTC)": r.updated_at.strftime("%Y-%m-%d %H:%M"),
        "Version": r.version,
    } for r in records])


class AuditRow(Protocol):
    """What the audit grid shows of an event (the store's AuditEvent; ui does not import store tables)."""

    id: int | None
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_name: str
    summary: str
    imported_from: str | None


def audit_table(events: Sequence[AuditRow]) -> pd.DataFrame:
    return pd.DataFrame([{
        "id": e.id,
        "When (UTC)": e.at.strftime("%Y-%m-%d %H:%M:%S"),
        "Who": e.actor,
        "Action": e.action,
        "Entity": e.entity_type,
        "Name": e.entity_name,
        "What": e.summary,
        "Origin": e.imported_from or "written here",  # a merged backup's events are marked, never native
    } for e in events])


def field_diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> pd.DataFrame:
    """Top-level fields that differ, with the old and new values as compact JSON text."""
    import json

    before, after = before or {}, after or {}
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    dump = lambda v: "—" if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)[:400]  # noqa: E731
    return pd.DataFrame({"Field": keys, "Before": [dump(before.get(k)) for k in keys],
                         "After": [dump(after.get(k)) for k in keys]})


def deployment_fit_table() -> tuple[pd.DataFrame, str]:
    """Seed 002's Deployment Fit Matrix as a table, with its source."""
    from workbench.io.shipped import reference_table

    doc = reference_table("deployment_fit")
    frame = pd.DataFrame(doc["metrics"]).rename(columns={"metric": "Metric", **doc["labels"]})
    return frame, doc["provenance"]["source"]


def license_matrix_table() -> tuple[pd.DataFrame, str]:
    """Seed 002's Governance and License Fit Matrix as a table, with its source."""
    from workbench.io.shipped import reference_table

    doc = reference_table("license_matrix")
    frame = pd.DataFrame(doc["rows"]).rename(columns=lambda c: c.replace("_", " ").capitalize())
    return frame, doc["provenance"]["source"]
