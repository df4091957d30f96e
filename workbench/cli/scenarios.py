"""`workbench scenarios list|create|export|import|promote`: what-ifs of a profile, headless.

A scenario starts as a copy of the profile's weights and constraints (as on the Trade-offs page); promoting it
writes its weights/constraints/workload back into the profile (audited; ``--expect-version`` = the profile's
version). ``--json`` documents are described in docs/cli.md.
"""

from __future__ import annotations

import argparse

from workbench.cli._common import command_group, print_json
from workbench.cli._store import engine
from workbench.cli.catalog import cli_actor
from workbench.cli.profiles import add_expect_version, guarded, read_input, record_json, write_output
from workbench.services import profiles as svc
from workbench.store.workspace import list_scenarios, profile_by_name


@guarded
def cmd_list(args: argparse.Namespace) -> int:
    db = engine()
    profile = profile_by_name(db, args.profile)
    records = list_scenarios(db, profile.id)
    if args.json:
        print_json({"profile": profile.model.name, "scenarios": [record_json(r, "scenario") for r in records]})
        return 0
    if not records:
        print(f"profile {profile.model.name} has no scenarios (`workbench scenarios create`)")
    for r in records:
        print(f"{r.model.name:40} method {r.model.method:7} version {r.version}")
    return 0


@guarded
def cmd_create(args: argparse.Namespace) -> int:
    record = svc.create_scenario(engine(), args.profile, args.name, args.method, cli_actor())
    if args.json:
        print_json({"profile": args.profile, **record_json(record, "scenario")})
    else:
        print(f"created scenario {record.model.name} of profile {args.profile} (id {record.id})")
    return 0


@guarded
def cmd_export(args: argparse.Namespace) -> int:
    document = svc.scenario_document(engine(), args.profile, args.name)
    size = write_output(svc.render_document(document, args.file), args.file)
    if args.file == "-":
        return 0
    if args.json:
        print_json({"file": args.file, "profile": args.profile, "scenario": args.name, "bytes": size})
    else:
        print(f"wrote {args.file} (scenario {args.name}, {size} bytes)")
    return 0


@guarded
def cmd_import(args: argparse.Namespace) -> int:
    data, source = read_input(args.file)
    record = svc.import_scenario(engine(), args.profile, data, source, cli_actor(), rename=args.name)
    if args.json:
        print_json({"file": args.file, "profile": args.profile, **record_json(record, "scenario")})
    else:
        print(f"imported scenario {record.model.name} into profile {args.profile} (id {record.id})")
    return 0


@guarded
def cmd_promote(args: argparse.Namespace) -> int:
    saved = svc.promote_scenario(engine(), args.profile, args.name, args.expect_version, cli_actor())
    if args.json:
        print_json({"scenario": args.name, **record_json(saved, "profile")})
    else:
        print(f"promoted scenario {args.name} into profile {saved.model.name} (version {saved.version})")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    group = command_group(sub, "scenarios", "what-if scenarios of a profile")

    p = group.add_parser("list", help="list a profile's scenarios")
    p.add_argument("--profile", required=True, help="profile name")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_list)

    p = group.add_parser("create", help="create a scenario as a copy of the profile's weights and constraints")
    p.add_argument("--profile", required=True, help="profile name")
    p.add_argument("--name", required=True, help="scenario name (unique within the profile)")
    p.add_argument("--method", choices=["wsm", "topsis"], default="wsm", help="ranking method (default wsm)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_create)

    p = group.add_parser("export", help="write a scenario to a JSON or YAML file")
    p.add_argument("name", help="scenario name")
    p.add_argument("file", help="output file (.json, .yaml/.yml; '-' = stdout)")
    p.add_argument("--profile", required=True, help="profile name")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.set_defaults(handler=cmd_export)

    p = group.add_parser("import", help="add a scenario to a profile from a file")
    p.add_argument("file", help="file from `scenarios export` (.json, .yaml/.yml; '-' = stdin as JSON)")
    p.add_argument("--profile", required=True, help="profile name")
    p.add_argument("--name", help="store it under this name instead")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_import)

    p = group.add_parser("promote", help="write a scenario's weights/constraints/workload into its profile")
    p.add_argument("name", help="scenario name")
    p.add_argument("--profile", required=True, help="profile name")
    add_expect_version(p, "profile")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_promote)
