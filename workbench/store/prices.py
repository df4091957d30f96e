"""Price history: what a candidate cost on a date, appended by price imports (persistence only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from workbench.domain.models import Pricing
from workbench.store.engine import read_session
from workbench.store.tables import PriceHistoryRow


@dataclass(frozen=True)
class PricePoint:
    effective: date
    pricing: Pricing
    source: str
    recorded_by: str
    recorded_at: datetime


def _latest(session: Session, candidate_id: int) -> PriceHistoryRow | None:
    query = (select(PriceHistoryRow).where(PriceHistoryRow.candidate_id == candidate_id)
             .order_by(col(PriceHistoryRow.effective).desc(), col(PriceHistoryRow.id).desc()))
    return session.exec(query).first()


def record_prices(session: Session, candidate_id: int, pricing: Pricing, effective: date | None, source: str,
                  actor: str, *, latest: dict[str, Any] | None = None) -> bool:
    """Append ``pricing`` as of ``effective`` unless it equals the latest point; True when a point was added.

    ``latest``: the caller's already-known latest pricing body (skips a query per candidate in bulk imports).
    """
    body = pricing.model_dump(mode="json")
    previous = latest if latest is not None else (row.pricing if (row := _latest(session, candidate_id)) else None)
    if previous == body:
        return False
    session.add(PriceHistoryRow(candidate_id=candidate_id, effective=effective or date.today(), pricing=body,
                                source=source[:300], recorded_by=actor))
    return True


def price_history(engine: Engine, candidate_id: int) -> list[PricePoint]:
    """Every recorded price point of a candidate, oldest first."""
    with read_session(engine) as session:
        rows = session.exec(select(PriceHistoryRow).where(PriceHistoryRow.candidate_id == candidate_id)
                            .order_by(col(PriceHistoryRow.effective), col(PriceHistoryRow.id))).all()
    return [PricePoint(r.effective, Pricing.model_validate(r.pricing), r.source, r.recorded_by, r.recorded_at)
            for r in rows]


def price_on(engine: Engine, candidate_id: int, day: date) -> PricePoint | None:
    """The price in force on ``day``: the latest point effective on or before it (None before the first)."""
    points = [p for p in price_history(engine, candidate_id) if p.effective <= day]
    return points[-1] if points else None
