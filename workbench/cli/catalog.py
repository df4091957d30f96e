"""`workbench catalog list`, `workbench profiles list`, `workbench import litellm|hf-config`."""

from __future__ import annotations

import argparse
import getpass
import os
import time
from datetime import date

from workbench.cli import CliError
from workbench.cli._common import command_group, print_json
from workbench.cli._store import engine
from workbench.io.latency import FIGURES, LatencyFile, LatencyImportError, read_latency
from workbench.io.litellm import LiteLLMError, load_price_file
from workbench.services import catalog_import, latency_import
from workbench.store.repository import StoreError
from workbench.store.workspace import list_candidates, list_profiles

MAX_LATENCY_BYTES = 64 * 1024 * 1024


def cli_actor() -> str:
    """Who the CLI acts as: $WORKBENCH_USER, else the login name."""
    try:
        return os.environ.get("WORKBENCH_USER") or getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "cli"


def _catalog_list(args: argparse.Namespace) -> int:
    records = list_candidates(engine())
    if args.json:
        print_json({"candidates": [
            {"id": r.id, "version": r.version, "origin": r.origin, "updated_by": r.updated_by,
             "updated_at": r.updated_at.isoformat(), **r.model.model_dump(mode="json", exclude={"architecture"}),
             "has_architecture": r.model.architecture is not None}
            for r in records]})
        return 0
    for r in records:
        c = r.model
        price = f"${c.pricing.input_per_mtok:g}/${c.pricing.output_per_mtok:g} per 1M" if c.pricing else "price unknown"
        context = f"{c.context_window:,} tok" if c.context_window else "context unknown"
        print(f"{c.name:32} {c.provider:14} {context:>16}  {price}")
    return 0


def _profiles_list(args: argparse.Namespace) -> int:
    records = list_profiles(engine())
    if args.json:
        print_json({"profiles": [
            {"id": r.id, "version": r.version, "updated_by": r.updated_by, "updated_at": r.updated_at.isoformat(),
             **r.model.model_dump(mode="json")} for r in records]})
        return 0
    if not records:
        print("no profiles yet: `workbench profiles create --name NAME [--template KEY]`, or the Profiles page")
    for r in records:
        print(f"{r.model.name:40} {r.model.task_class.value:24} template: {r.model.template or 'blank'}")
    return 0


def _import_litellm(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if (args.provider or args.mode) and not args.all:
        raise CliError("--provider and --mode narrow --all; pass --all with them")
    try:
        prices = load_price_file(args.file)
        db = engine()
        plan = catalog_import.preview_litellm(
            db, prices, models=args.model or [], update_prices=args.update_prices,
            filename=os.path.basename(args.file), actor=cli_actor(), retrieved=date.today(),
            select_all=args.all, providers=args.provider, modes=args.mode)
        if not args.dry_run:
            catalog_import.apply_litellm(db, plan, cli_actor())
    except (LiteLLMError, catalog_import.ImportConflictError) as exc:
        raise CliError(str(exc)) from exc
    report = {"file": os.path.basename(args.file), "dry_run": args.dry_run, "summary": plan.summary(),
              "changes": [c.model_dump(exclude={"new_candidate", "seen_body", "candidate_id", "seen_version"})
                          for c in plan.changes],
              "skipped": [s.model_dump() for s in plan.skipped], "not_candidates": plan.not_candidates,
              "seconds": round(time.perf_counter() - started, 2)}
    if args.json:
        print_json(report)
        return 0
    if not args.all:
        for change in plan.changes:
            detail = "; ".join(f"{k}: {old} -> {new}" for k, (old, new) in change.changes.items())
            print(f"{change.action:9} {change.candidate}" + (f"  ({detail})" if detail else ""))
    for skipped in plan.skipped:
        print(f"skipped   {skipped.litellm_key}: field {skipped.field}: {skipped.reason}")
    s = plan.summary()
    modes = ", ".join(f"{mode} {len(keys)}" for mode, keys in sorted(plan.not_candidates.items()))
    print(f"{'would write' if args.dry_run else 'wrote'}: {s['create']} created, {s['update']} updated, "
          f"{s['unchanged']} unchanged; {s['skipped']} skipped" + (f"; not chat models: {modes}" if modes else "")
          + f" ({report['seconds']} s)")
    return 0


def _latency_mapping(parsed: LatencyFile, values: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value in values:
        source, sep, target = value.partition("=")
        if sep:
            mapping[source] = target
        elif len(parsed.rows) == 1:
            mapping[parsed.rows[0].model] = value
        else:
            raise CliError(f"--candidate {value!r}: {parsed.file} has {len(parsed.rows)} rows; use SOURCE=NAME")
    return mapping


def _import_latency(args: argparse.Namespace) -> int:
    try:
        measured_on = date.fromisoformat(args.measured_on) if args.measured_on else None
    except ValueError as exc:
        raise CliError(f"--measured-on: expected YYYY-MM-DD, got {args.measured_on!r}") from exc
    try:
        with open(args.file, "rb") as handle:
            data = handle.read(MAX_LATENCY_BYTES + 1)
    except OSError as exc:
        raise CliError(f"{args.file}: cannot read file ({exc.strerror or exc})") from exc
    if len(data) > MAX_LATENCY_BYTES:
        raise CliError(f"{os.path.basename(args.file)}: larger than {MAX_LATENCY_BYTES:,} bytes")
    try:
        parsed = read_latency(data, os.path.basename(args.file), measured_on=measured_on)
        applied = latency_import.apply_latency(engine(), parsed, cli_actor(), _latency_mapping(parsed, args.candidate
                                                                                                or []))
    except (LatencyImportError, StoreError) as exc:
        raise CliError(str(exc)) from exc
    doc = {"file": parsed.file, "sha256": parsed.sha256, "format": parsed.format, "applied": applied,
           "warnings": parsed.warnings}
    if args.json:
        print_json(doc)
        return 0
    for row in applied:
        figures = ", ".join(f"{k} {row[k]:g}" for k in FIGURES if k in row)
        print(f"{row['candidate']}: {figures} (measured {row['measured_on']}, {row['source']})")
    for warning in parsed.warnings:
        print(f"  warning: {warning}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    catalog = sub.add_parser("catalog", help="the candidate catalog").add_subparsers(dest="catalog_cmd", required=True)
    listing = catalog.add_parser("list", help="list candidates")
    listing.add_argument("--json", action="store_true", help="print JSON (shape documented in the README)")
    listing.set_defaults(handler=_catalog_list)

    profiles = command_group(sub, "profiles", "requirement profiles")  # create/set/...: workbench.cli.profiles
    plist = profiles.add_parser("list", help="list profiles")
    plist.add_argument("--json", action="store_true")
    plist.set_defaults(handler=_profiles_list)

    isub = command_group(sub, "import", "import candidates, prices, architectures, evidence")
    litellm = isub.add_parser("litellm", help="create candidates or update prices from LiteLLM's price file")
    litellm.add_argument("file", help="model_prices_and_context_window.json")
    litellm.add_argument("--model", action="append", metavar="NAME", help="LiteLLM key to import (repeatable)")
    litellm.add_argument("--update-prices", action="store_true",
                         help="update prices of existing candidates (all matching ones if no --model)")
    litellm.add_argument("--all", action="store_true",
                         help="every chat entry of the file (bad entries are listed and skipped, never fatal)")
    litellm.add_argument("--provider", action="append", metavar="P",
                         help="with --all: only this litellm_provider or provider name (repeatable)")
    litellm.add_argument("--mode", action="append", choices=["chat", "responses"],
                         help="with --all: only entries of this mode (default chat and responses)")
    litellm.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    litellm.add_argument("--json", action="store_true")
    litellm.set_defaults(handler=_import_litellm)

    latency = isub.add_parser("latency", help="measured latency per candidate: vLLM benchmark_serving --save-result "
                                              "JSON or a CSV (candidate, ttft_p50_ms, ttft_p95_ms, total_p95_ms, "
                                              "output_tokens_per_s, measured_on, source)")
    latency.add_argument("file")
    latency.add_argument("--candidate", action="append", metavar="NAME|SOURCE=NAME",
                         help="catalog candidate of a one-row file, or SOURCE=NAME per model (repeatable)")
    latency.add_argument("--measured-on", default=None, metavar="YYYY-MM-DD",
                         help="measurement date when the file has none")
    latency.add_argument("--json", action="store_true")
    latency.set_defaults(handler=_import_latency)
