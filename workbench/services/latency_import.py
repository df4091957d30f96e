"""Measured latency use case: put a load test's figures on the candidates, with their date and source.

Each measured figure replaces that figure of ``candidate.latency`` (figures the file does not give stay as
they were); ``provenance["latency"]`` records the file, the date measured and who imported it. All rows are
written in one transaction (read and written inside it, so a concurrent save cannot be lost); an unknown
candidate refuses the whole file. The ranking reads ``latency.total_p95_ms`` (measured p95) first.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Engine

from workbench.domain.models import Candidate, Provenance
from workbench.io.latency import LatencyFile
from workbench.store.engine import write_session
from workbench.store.repository import StoreError, candidates


class LatencyMappingError(StoreError):
    """A row names no catalog candidate."""


def apply_latency(engine: Engine, parsed: LatencyFile, actor: str,
                  mapping: Mapping[str, str] | None = None) -> list[dict[str, object]]:
    """Write every row's figures onto its candidate (``mapping``: source model -> candidate name)."""
    mapping = mapping or {}
    applied: list[dict[str, object]] = []
    with write_session(engine) as session:
        names = {r.model.name for r in candidates.list(session)}
        unknown = sorted({row.model for row in parsed.rows if mapping.get(row.model, row.model) not in names})
        if unknown:
            raise LatencyMappingError(
                f"{parsed.file}: no catalog candidate named {', '.join(repr(u) for u in unknown)}; map it with "
                "--candidate SOURCE=NAME (or NAME for a one-row file); nothing was imported")
        for row in parsed.rows:
            record = candidates.require(session, mapping.get(row.model, row.model))
            model: Candidate = record.model
            latency = model.latency.model_copy(update=row.figures())
            provenance = Provenance(source=row.source, retrieved=row.measured_on, entered_by=actor,
                                    note=f"measured latency, SHA-256 {parsed.sha256[:12]}" + (
                                        f"; {row.note}" if row.note else ""))
            updated = Candidate.model_validate({**model.model_dump(), "latency": latency.model_dump(),
                                                "provenance": {**model.provenance, "latency": provenance}})
            candidates.update(session, record.id, updated, record.version, actor)
            applied.append({"candidate": model.name, "source_model": row.model, "measured_on": row.measured_on
                            .isoformat(), "source": row.source, **row.figures()})
    return applied
