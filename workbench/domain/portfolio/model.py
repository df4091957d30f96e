"""A portfolio: a task graph whose nodes are requirement profiles (seed 002: "a model, or portfolio of models").

Each node names a profile and how often it is called per end-to-end request; edges say which node's output feeds
which (sequence). Parallel branches are nodes without an edge between them. The graph must be acyclic.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from workbench.domain.models import Model
from workbench.domain.text import normalise_name

MAX_NODES = 50


class PortfolioNode(Model):
    key: str = Field(min_length=1, max_length=80, description="short id of the step, e.g. 'classify'")
    profile: str = Field(min_length=1, max_length=200, description="requirement profile ranked for this step")
    calls_per_request: float = Field(default=1.0, gt=0, le=1000,
                                     description="calls of this step per end-to-end request (a share if < 1)")
    escalation_rate: float | None = Field(default=None, ge=0, le=1,
                                          description="what-if escalation rate for a cascade at this step")
    route: Literal["auto", "direct", "cascade", "router"] = Field(
        default="auto", description="auto = seed 002's recommended routing for the profile's workflow class")


class Portfolio(Model):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    nodes: list[PortfolioNode] = Field(min_length=1, max_length=MAX_NODES)
    edges: list[tuple[str, str]] = Field(default_factory=list, description="(from, to): to runs after from")
    sla_p95_ms: float | None = Field(default=None, gt=0, description="end-to-end latency target")
    requests_per_month: int | None = Field(default=None, ge=0, le=10**12,
                                           description="end-to-end requests (default: the first node's workload)")

    @field_validator("name", mode="before")
    @classmethod
    def _normalise_name(cls, value: object) -> object:
        return normalise_name(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _graph(self) -> Portfolio:
        keys = [n.key for n in self.nodes]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"nodes: duplicate key(s) {', '.join(dupes)}")
        for a, b in self.edges:
            for end in (a, b):
                if end not in keys:
                    raise ValueError(f"edges: {a!r} -> {b!r} names no node {end!r} (nodes: {', '.join(keys)})")
            if a == b:
                raise ValueError(f"edges: {a!r} -> {b!r} is a loop")
        topological_order(keys, self.edges)  # raises on a cycle
        return self

    def node(self, key: str) -> PortfolioNode:
        return next(n for n in self.nodes if n.key == key)


def sequence(name: str, nodes: list[PortfolioNode], **fields: object) -> Portfolio:
    """Nodes in sequence, in the order given (what `workbench portfolio create --node ...` builds)."""
    edges = [(a.key, b.key) for a, b in zip(nodes, nodes[1:], strict=False)]
    return Portfolio.model_validate({"name": name, "nodes": [n.model_dump() for n in nodes], "edges": edges,
                                     **fields})


def topological_order(keys: list[str], edges: list[tuple[str, str]]) -> list[str]:
    """Kahn's algorithm, stable in the order nodes were given; a cycle is refused naming its nodes."""
    incoming = dict.fromkeys(keys, 0)
    for _, b in edges:
        incoming[b] += 1
    ready = [k for k in keys if incoming[k] == 0]
    order: list[str] = []
    while ready:
        key = ready.pop(0)
        order.append(key)
        for a, b in edges:
            if a == key:
                incoming[b] -= 1
                if incoming[b] == 0:
                    ready.append(b)
    if len(order) != len(keys):
        cyclic = [k for k in keys if k not in order]
        raise ValueError(f"edges: the graph has a cycle through {', '.join(cyclic)}")
    return order
