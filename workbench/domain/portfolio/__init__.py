"""Portfolios over a task graph: a model per step, routes and recovery, end-to-end figures, the monolith."""

from workbench.domain.portfolio.end_to_end import EndToEnd, StepFigures, critical_path, end_to_end
from workbench.domain.portfolio.model import MAX_NODES, Portfolio, PortfolioNode, sequence, topological_order
from workbench.domain.portfolio.routes import (
    DEFAULT_ESCALATION_RATE,
    ROUTER_COST_PER_REQUEST_USD,
    SEED_ROUTE,
    Option,
    Recovery,
    Route,
    recovery_for,
    routes_for,
)

__all__ = [
    "DEFAULT_ESCALATION_RATE", "MAX_NODES", "ROUTER_COST_PER_REQUEST_USD", "SEED_ROUTE", "EndToEnd", "Option", "Portfolio",
    "PortfolioNode", "Recovery", "Route", "StepFigures", "critical_path", "end_to_end", "recovery_for",
    "routes_for", "sequence", "topological_order",
]
