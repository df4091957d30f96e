"""One source of truth for the SLA and the cost ceiling.

Profile requirement 8b "Total p95 SLA" (``latency_sla.total_p95_ms``) and requirement 10 "Cost ceiling"
(``cost_ceiling_per_success_usd``) ARE the hard constraints "Max p95 latency" (``constraints.max_p95_latency_ms``)
and "Max cost per success" (``constraints.max_cost_per_success_usd``): one value each, reconciled whenever a
profile is validated:

* the requirement wins when both are stated and differ (the list a person reads is what is enforced);
* a constraint stated alone (profiles saved before the two were one value) becomes the requirement;
* the constraint is then always equal to the requirement (unset = neither is set).

A scenario's constraints set the effective profile's requirement too (``scenario.effective_profile``).
"""

from __future__ import annotations

from typing import Any


def one_sla_and_ceiling(profile: Any) -> None:
    """Reconcile ``profile`` (a ``models.Profile`` being validated) in place, through ``__dict__`` (no re-validation)."""
    c, sla = profile.constraints, profile.latency_sla
    p95 = c.max_p95_latency_ms if sla.total_p95_ms is None else sla.total_p95_ms
    cost = (c.max_cost_per_success_usd if profile.cost_ceiling_per_success_usd is None
            else profile.cost_ceiling_per_success_usd)
    if sla.total_p95_ms != p95:
        profile.__dict__["latency_sla"] = sla.model_copy(update={"total_p95_ms": p95})
    profile.__dict__["cost_ceiling_per_success_usd"] = cost
    if (c.max_p95_latency_ms, c.max_cost_per_success_usd) != (p95, cost):
        profile.__dict__["constraints"] = c.model_copy(update={"max_p95_latency_ms": p95,
                                                               "max_cost_per_success_usd": cost})


#: dotted field -> the field it is one value with (an edit of either sets both: ``services.profiles`` set)
PARTNER = {
    "latency_sla.total_p95_ms": "constraints.max_p95_latency_ms",
    "constraints.max_p95_latency_ms": "latency_sla.total_p95_ms",
    "cost_ceiling_per_success_usd": "constraints.max_cost_per_success_usd",
    "constraints.max_cost_per_success_usd": "cost_ceiling_per_success_usd",
}
