"""`workbench portfolio`: task graphs of profiles — create, list, show, rank, export, delete."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli import CliError
from workbench.cli._common import command_group, print_json
from workbench.cli._store import engine
from workbench.cli.catalog import cli_actor
from workbench.domain.portfolio import Portfolio
from workbench.services.portfolio import PortfolioError, export_router, rank_portfolio, result_json
from workbench.services.portfolio_record import draft_portfolio_record
from workbench.services.portfolios import (
    PortfolioInputError,
    create_portfolio,
    delete_portfolio,
    list_portfolios,
    parse_steps,
    portfolio_by_name,
    read_file,
)
from workbench.services.records import DraftError
from workbench.store.repository import DuplicateNameError, NotFoundError, Record, StoreError


def _get(name: str) -> Record[Portfolio]:
    try:
        return portfolio_by_name(engine(), name)
    except NotFoundError as exc:
        raise CliError(str(exc)) from exc


def _create(args: argparse.Namespace) -> int:
    fields = {k: v for k, v in (("sla_p95_ms", args.sla_ms), ("requests_per_month", args.requests_per_month))
              if v is not None}
    try:
        if args.from_file:
            portfolio = read_file(Path(args.from_file))
            if args.name:
                portfolio = portfolio.model_copy(update={"name": args.name})
        elif args.name and args.node:
            portfolio = parse_steps(args.name, args.node, **fields)
        else:
            raise CliError("give NAME with one --node PROFILE[:CALLS] per step, or --from FILE")
        record = create_portfolio(engine(), portfolio, cli_actor())
    except (PortfolioInputError, DuplicateNameError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json({"id": record.id, "version": record.version, **record.model.model_dump(mode="json")})
    else:
        print(f"created portfolio {record.model.name!r} with {len(record.model.nodes)} step(s)")
    return 0


def _list(args: argparse.Namespace) -> int:
    records = list_portfolios(engine())
    if args.json:
        print_json({"portfolios": [{"id": r.id, "version": r.version, "name": r.model.name,
                                    "steps": len(r.model.nodes)} for r in records]})
    elif not records:
        print("no portfolios yet: `workbench portfolio create NAME --node PROFILE ...`")
    for r in records:
        print(f"{r.model.name}: {' -> '.join(n.profile for n in r.model.nodes)}")
    return 0


def _show(args: argparse.Namespace) -> int:
    record = _get(args.name)
    if args.json:
        print_json({"id": record.id, "version": record.version, **record.model.model_dump(mode="json")})
        return 0
    print(record.model.name)
    for n in record.model.nodes:
        print(f"  {n.key}: {n.profile} x{n.calls_per_request:g} per request (route {n.route})")
    for a, b in record.model.edges:
        print(f"  {a} -> {b}")
    return 0


def _money(value: object) -> str:
    return "unknown" if value is None else f"${value:,.5f}"


def _rank(args: argparse.Namespace) -> int:
    record = _get(args.name)
    try:
        result = rank_portfolio(engine(), record.model, with_robustness=not args.no_robustness)
    except PortfolioError as exc:
        raise CliError(str(exc)) from exc
    doc = result_json(result)
    if args.json:
        print_json(doc)
        return 0
    for n in doc["nodes"]:
        print(f"{n['key']:12} {n['profile']:32} {n['winner'] or 'nothing ranked':28} {n['route']:8} "
              f"{_money(n['cost_per_success_usd'])}/success")
    e2e, mono = doc["end_to_end"], doc["monolith"]
    print(f"end to end: {_money(e2e['cost_per_success_usd'])} per successful outcome, "
          f"p95 {e2e['latency_p95_ms'] or 'unknown'} ms, {_money(e2e['monthly_usd'])} per month")
    print(f"monolith ({mono['candidate'] or 'none does'}): {_money(mono.get('cost_per_success_usd'))} per success")
    return 0


def _export(args: argparse.Namespace) -> int:
    record = _get(args.name)
    try:
        text = export_router(rank_portfolio(engine(), record.model, with_robustness=False), args.format)
    except PortfolioError as exc:
        raise CliError(str(exc)) from exc
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.format} for {record.model.name!r} to {args.out}")
    return 0


def _draft(args: argparse.Namespace) -> int:
    _get(args.name)
    try:
        rec = draft_portfolio_record(engine(), args.name, cli_actor())
    except (PortfolioError, DraftError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(rec.summary())
    else:
        print(f"drafted {rec.mdr_id}: {rec.record.title}")
    return 0


def _delete(args: argparse.Namespace) -> int:
    record = _get(args.name)
    try:
        delete_portfolio(engine(), record.id, args.expect_version or record.version, cli_actor())
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    print(f"deleted portfolio {args.name!r}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    group = command_group(sub, "portfolio", "portfolios: a model per step of a task graph, against the monolith")
    p = group.add_parser("create", help="create from --node PROFILE[:CALLS] ... (in sequence) or --from FILE")
    p.add_argument("name", nargs="?")
    p.add_argument("--node", action="append", metavar="PROFILE[:CALLS]", help="a step, in order (repeat)")
    p.add_argument("--from", dest="from_file", metavar="FILE", help="YAML or JSON definition")
    p.add_argument("--sla-ms", type=float, help="end-to-end p95 target (ms)")
    p.add_argument("--requests-per-month", type=int, help="end-to-end requests per month")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_create)
    p = group.add_parser("list", help="list portfolios")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list)
    p = group.add_parser("show", help="one portfolio's steps and edges")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_show)
    p = group.add_parser("rank", help="rank every step; end-to-end figures; the monolith comparison")
    p.add_argument("name")
    p.add_argument("--no-robustness", action="store_true", help="skip SMAA per step (faster)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_rank)
    p = group.add_parser("export", help="LiteLLM Router config or routing policy (YAML)")
    p.add_argument("name")
    p.add_argument("--format", choices=["litellm-router", "policy"], required=True)
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(handler=_export)
    p = group.add_parser("draft", help="draft the portfolio's Model Decision Record (sign and accept with `mdr`)")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_draft)
    p = group.add_parser("delete", help="delete a portfolio (its profiles stay)")
    p.add_argument("name")
    p.add_argument("--expect-version", type=int, help="fail instead of deleting a newer version")
    p.set_defaults(handler=_delete)
