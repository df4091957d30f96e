"""`workbench workspace export|import`: back up and restore the whole workspace (every table, losslessly).

Commands and their ``--json`` documents:

* ``workbench workspace export FILE [--json]`` writes the backup (``-`` = stdout; see
  :mod:`workbench.store.backup` for its shape) -> ``{"file", "schema_revision", "bytes",
  "tables": {table: rows}}``.
* ``workbench workspace import FILE [--mode merge|replace] [--dry-run] [--no-audit] [--json]`` restores it in
  one transaction. Into a workspace that holds only the shipped catalog, the mode defaults to replace;
  otherwise ``--mode`` is required (exit 2 naming both choices). A bad file exits 2 naming the table, row
  and column; nothing is written. -> ``{"file", "mode", "dry_run", "schema_revision", "upgraded_from",
  "inserted", "conflict_count", "tables": {table: {"inserted", "unchanged", "conflicts", "deleted"}},
  "conflicts": [{"table", "row", "key", "reason"}]}``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.cli import CliError
from workbench.cli._common import command_group, print_json
from workbench.cli._store import engine
from workbench.cli.catalog import cli_actor
from workbench.services.backup_restore import (
    BackupError,
    dumps,
    export_workspace,
    has_user_changes,
    import_workspace,
    loads,
)


def register(sub: argparse._SubParsersAction) -> None:
    group = command_group(sub, "workspace", "back up and restore the whole workspace")

    p = group.add_parser("export", help="write every table to one JSON backup file")
    p.add_argument("file", help="backup file to write ('-' for stdout)")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.set_defaults(handler=cmd_export)

    p = group.add_parser("import", help="restore a JSON backup (one transaction: all or nothing)")
    p.add_argument("file", help="backup file from `workbench workspace export`")
    p.add_argument("--mode", choices=["merge", "replace"],
                   help="replace: empty the workspace first; merge: add rows whose name/key is new, "
                        "report conflicts (required unless the workspace holds only the shipped catalog)")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    p.add_argument("--rewrite-accepted", action="store_true",
                   help="allow changing an accepted record's text or signatures (audited: 'rewritten after acceptance')")
    p.add_argument("--no-audit", action="store_true",
                   help="do not add a 'restore' audit event (an exact copy of the backup)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_import)


def cmd_export(args: argparse.Namespace) -> int:
    document = export_workspace(engine())
    text = dumps(document)
    if args.file == "-":
        sys.stdout.write(text)
        return 0
    path = Path(args.file)
    try:
        tmp = path.with_name(path.name + ".partial")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise CliError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    counts = {name: len(rows) for name, rows in document["tables"].items()}
    if args.json:
        print_json({"file": str(path), "schema_revision": document["schema_revision"],
                    "bytes": len(text.encode("utf-8")), "tables": counts})
    else:
        print(f"wrote {path} ({sum(counts.values())} rows in {len(counts)} tables, "
              f"schema {document['schema_revision']})")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else path.read_bytes()
    except OSError as exc:
        raise CliError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    db = engine()
    mode = args.mode
    if mode is None:
        if has_user_changes(db):
            raise CliError("the workspace already holds changes: choose --mode merge (add what is new, keep "
                           "what is there) or --mode replace (discard the workspace and restore the backup)")
        mode = "replace"
    try:
        document = loads(data, path.name)
        report = import_workspace(db, document, mode, actor=cli_actor(), audit=not args.no_audit,
                                  dry_run=args.dry_run, source=path.name,
                                  rewrite_accepted=args.rewrite_accepted)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json({"file": str(path), **report.as_json()})
    else:
        print(("would " if args.dry_run else "") + report.summary())
        for conflict in report.conflicts[:20]:
            print(f"  conflict: {conflict['table']} row {conflict['row']} ({conflict['key']}): {conflict['reason']}")
        if len(report.conflicts) > 20:
            print(f"  ... and {len(report.conflicts) - 20} more (use --json for all)")
    return 0
