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
        "Cost ceiling (USD/success)": r.model.cost_ceiling_per_success_usd,
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
        "When (UTC)": e.at.strftime("%Y-%m-%d %H:%M"),
        "Who": e.actor,
        "Action": e.action,
        "Entity": e.entity_type,
        "Name": e.entity_name,
        "Changes": _changes_cell(getattr(e, "before", None), getattr(e, "after", None)),
        "What": e.summary,
        "Origin": e.imported_from or "written here",  # a merged backup's events are marked, never native
    } for e in events])


MISSING = "—"  # what a grid shows for a value nobody stated (st.dataframe(placeholder=MISSING)); never "None"
ARROW = " → "


def _changes_cell(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    if before is None and after is None:
        return MISSING
    if before is None:
        return "new: every field set"
    if after is None:
        return "removed"
    return change_summary(before, after)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested JSON as dotted paths: {"weights": {"cost": 3}} -> {"weights.cost": 3}; lists of objects by index
    ("alternatives[0].name"); other lists stay one value."""
    if isinstance(value, dict) and not value and not prefix:
        return {}
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def show_value(value: Any, limit: int | None = None) -> str:
    """A JSON value as a person reads it: 3, 2.5, true, "text" without quotes, [..] compact; None -> "—"."""
    import json

    if value is None:
        text = MISSING
    elif isinstance(value, str):
        text = value if value else '""'
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = f"{value:g}" if isinstance(value, float) and abs(value) < 1e15 else str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None, *, every: bool = False
                  ) -> list[tuple[str, Any, Any]]:
    """(path, before, after) for every leaf field that differs (every leaf field with ``every``), in path order."""
    old, new = flatten(before or {}), flatten(after or {})
    paths = sorted(p for p in set(old) | set(new) if every or old.get(p) != new.get(p))
    return [(p, old.get(p), new.get(p)) for p in paths]


def change_summary(before: dict[str, Any] | None, after: dict[str, Any] | None, *, limit: int = 3) -> str:
    """'weights.schema_adherence 3 → 5; pricing.input_per_mtok 2.5 → 3 (+2 more)' for an edit; "" for a create
    or delete (the event's own summary says it)."""
    if before is None or after is None:
        return ""
    changes = field_changes(before, after)
    if not changes:
        return "no field changed"
    shown = "; ".join(f"{p} {show_value(b, 40)}{ARROW}{show_value(a, 40)}" for p, b, a in changes[:limit])
    return shown + (f" (+{len(changes) - limit} more)" if len(changes) > limit else "")


def field_diff(before: dict[str, Any] | None, after: dict[str, Any] | None, *, every: bool = False) -> pd.DataFrame:
    """Every leaf field that differs (all of them with ``every``; dotted paths), old and new value as text
    ("—" = not set)."""
    changes = field_changes(before, after, every=every)
    return pd.DataFrame({"Field": [p for p, _, _ in changes], "Before": [show_value(b) for _, b, _ in changes],
                         "After": [show_value(a) for _, _, a in changes]}, columns=["Field", "Before", "After"])


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
