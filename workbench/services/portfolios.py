"""Portfolio persistence use cases: create (from steps or a YAML/JSON file), list, get, save, delete — validated
like every entity, versioned, audited."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlalchemy import Engine

from workbench.domain.portfolio import Portfolio, PortfolioNode, sequence
from workbench.io.json_text import JsonInputError, load_json
from workbench.store.engine import read_session, write_session
from workbench.store.portfolios import portfolios
from workbench.store.repository import Record

MAX_FILE_BYTES = 1_000_000


class PortfolioInputError(ValueError):
    """A portfolio definition refused; the message names the file and field."""


def _validation_message(source: str, exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "portfolio"
    return f"{source}: {where}: {first['msg']}"


def parse_steps(name: str, specs: list[str], **fields: object) -> Portfolio:
    """``PROFILE[:CALLS_PER_REQUEST]`` per step, in sequence (the CLI's ``--node``); step keys are s1, s2, ..."""
    nodes = []
    for i, spec in enumerate(specs, start=1):
        profile, _, calls = spec.rpartition(":") if ":" in spec else (spec, "", "")
        try:
            calls_value = float(calls) if calls else 1.0
        except ValueError as exc:
            raise PortfolioInputError(f"--node {spec!r}: calls per request {calls!r} is not a number") from exc
        nodes.append({"key": f"s{i}", "profile": profile, "calls_per_request": calls_value})
    try:
        return sequence(name, [PortfolioNode.model_validate(n) for n in nodes], **fields)
    except ValidationError as exc:
        raise PortfolioInputError(_validation_message("--node", exc)) from exc


def parse_file(data: bytes, source: str) -> Portfolio:
    """A portfolio from YAML or JSON (``name``, ``nodes: [{key, profile, calls_per_request}]``, ``edges``; without
    ``edges`` the nodes run in sequence)."""
    if len(data) > MAX_FILE_BYTES:
        raise PortfolioInputError(f"{source}: {len(data):,} bytes is larger than the {MAX_FILE_BYTES:,}-byte limit")
    try:
        if source.endswith((".yaml", ".yml")):
            document = yaml.safe_load(data.decode("utf-8"))
        else:
            document = load_json(data, source)
    except (JsonInputError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PortfolioInputError(f"{source}: {exc}" if not isinstance(exc, JsonInputError) else str(exc)) from exc
    if not isinstance(document, dict):
        raise PortfolioInputError(f"{source}: expected a mapping with name and nodes")
    if "edges" not in document and isinstance(document.get("nodes"), list):
        keys = [n.get("key") for n in document["nodes"] if isinstance(n, dict)]
        document = {**document, "edges": [[a, b] for a, b in zip(keys, keys[1:], strict=False)]}
    try:
        return Portfolio.model_validate(document)
    except ValidationError as exc:
        raise PortfolioInputError(_validation_message(source, exc)) from exc


def read_file(path: Path) -> Portfolio:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PortfolioInputError(f"{path}: cannot read ({exc.strerror})") from exc
    return parse_file(data, path.name)


def create_portfolio(engine: Engine, portfolio: Portfolio, actor: str) -> Record[Portfolio]:
    with write_session(engine) as session:
        return portfolios.create(session, portfolio, actor)


def save_portfolio(engine: Engine, id_: int, portfolio: Portfolio, seen_version: int, actor: str
                   ) -> Record[Portfolio]:
    with write_session(engine) as session:
        return portfolios.update(session, id_, portfolio, seen_version, actor)


def list_portfolios(engine: Engine) -> list[Record[Portfolio]]:
    with read_session(engine) as session:
        return portfolios.list(session)


def portfolio_by_name(engine: Engine, name: str) -> Record[Portfolio]:
    with read_session(engine) as session:
        return portfolios.require(session, name)


def delete_portfolio(engine: Engine, id_: int, seen_version: int, actor: str) -> None:
    with write_session(engine) as session:
        portfolios.delete(session, id_, seen_version, actor)
