"""Store-backed ``workbench mdr ...`` commands: draft, list, show.

Added to the ``mdr`` group by :func:`workbench.cli.mdr.register`. ``ID`` is a record id (``MDR-0007``) or its
number (``7``). ``--json`` documents:

* ``mdr draft --profile NAME [--scenario NAME]`` -> ``{"record": {summary}, "mdr": MDR, "markdown": str,
  "snapshot_sha256": str}`` (summary: ``id, mdr_id, number, title, status, profile, profile_id, version,
  signatures, supersedes, superseded_by, created_at, created_by, updated_at, updated_by``).
* ``mdr list [--profile NAME]`` -> ``{"records": [summary, ...]}``.
* ``mdr show ID`` -> like ``draft``.
* ``mdr export`` and ``mdr restore``: see :mod:`workbench.cli.mdr`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workbench.cli import CliError
from workbench.cli._common import print_json
from workbench.domain.mdr import render_markdown
from workbench.domain.snapshot import canonical_json, snapshot_digest
from workbench.store.repository import StoreError


def add_commands(mdr_sub: Any) -> None:
    p = mdr_sub.add_parser("draft", help="draft a record from a profile's ranking (stored as a draft)")
    p.add_argument("--profile", required=True, help="profile name")
    p.add_argument("--scenario", help="scenario of that profile")
    p.add_argument("--supersedes", metavar="ID", help="draft the record that will supersede this accepted one "
                   "(people's edits carried forward; what changed since it listed)")
    p.add_argument("--format", choices=("madr", "adr-tools"), default="madr",
                   help="Markdown flavour printed (adr-tools: no front matter, '# N. Title' on line 1)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_draft)

    p = mdr_sub.add_parser("list", help="list decision records")
    p.add_argument("--profile", help="only this profile's records")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_list)

    p = mdr_sub.add_parser("show", help="print a record (Markdown)")
    p.add_argument("id", help="MDR-0007 or 7")
    p.add_argument("--format", choices=("madr", "adr-tools"), default="madr",
                   help="Markdown flavour printed (adr-tools: no front matter, '# N. Title' on line 1)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_show)

    from workbench.cli.mdr_lifecycle import (
        add_commands as add_lifecycle,  # edit, propose, accept, reject, supersede
    )

    add_lifecycle(mdr_sub)


def _engine() -> Any:
    from workbench.cli._store import engine

    return engine()


def _document(rec: Any) -> dict[str, Any]:
    return {"record": rec.summary(), "mdr": rec.record.model_dump(mode="json"),
            "markdown": render_markdown(rec.record), "snapshot_sha256": snapshot_digest(canonical_json(rec.snapshot))}


def _warn_integrity(records: list[Any]) -> None:
    """An accepted record whose text no longer matches its accepted digest is reported on stderr (and in the
    JSON summary: ``integrity``, ``integrity_problem``)."""
    for r in records:
        if r.integrity:
            print(f"workbench: warning: {r.integrity}", file=sys.stderr)


def cmd_draft(args: argparse.Namespace) -> int:
    from workbench.cli.catalog import cli_actor
    from workbench.services.records import DraftError, draft_from_workspace
    from workbench.store.decisions import decision_by_ref

    try:
        engine = _engine()
        old = decision_by_ref(engine, args.supersedes).id if args.supersedes else None
        rec = draft_from_workspace(engine, args.profile, cli_actor(), args.scenario, supersedes_id=old)
    except (StoreError, DraftError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(_document(rec))
    else:
        print(f"drafted {rec.mdr_id} (status draft, version {rec.version})")
        print(render_markdown(rec.record, flavour=args.format), end="")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from workbench.store.decisions import list_decisions
    from workbench.store.workspace import profile_by_name

    try:
        engine = _engine()
        pid = profile_by_name(engine, args.profile).id if args.profile else None
        records = list_decisions(engine, pid)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json({"records": [r.summary() for r in records]})
        return 0
    if not records:
        print("no decision records" + (f" for profile {args.profile!r}" if args.profile else ""))
    for r in records:
        flag = "  TAMPERED" if r.integrity else ""
        print(f"{r.mdr_id}  {r.status.value:10}  {r.signature_count} sig  {r.record.profile_name}: {r.record.title}{flag}")
    _warn_integrity(records)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from workbench.store.decisions import decision_by_ref

    try:
        rec = decision_by_ref(_engine(), args.id)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(_document(rec))
    else:
        print(render_markdown(rec.record, flavour=args.format), end="")
    _warn_integrity([rec])
    return 0
