"""Store-backed ``workbench mdr ...`` commands: draft, list, show, export, restore.

Added to the ``mdr`` group by :func:`workbench.cli.mdr.register`. ``ID`` is a record id (``MDR-0007``) or its
number (``7``). ``--json`` documents:

* ``mdr draft --profile NAME [--scenario NAME]`` -> ``{"record": {summary}, "mdr": MDR, "markdown": str,
  "snapshot_sha256": str}`` (summary: ``id, mdr_id, number, title, status, profile, profile_id, version,
  signatures, supersedes, superseded_by, created_at, created_by, updated_at, updated_by``).
* ``mdr list [--profile NAME]`` -> ``{"records": [summary, ...]}``.
* ``mdr show ID`` -> like ``draft``.
* ``mdr export ID --out DIR [--sign --key KEY]`` -> ``{"mdr_id", "bundle", "zip", "signed_by", "report"}``
  (``report`` = the VerifyReport of the written bundle).
* ``mdr restore BUNDLE [--pubkey FILE ...] [--key-dir DIR]`` -> ``{"bundle", "verdict", "verified",
  "problems", "record_id", "signatures", "restore": {"matches", "ranking_matches", "smaa_matches",
  "stored_ranking_sha256", "recomputed_ranking_sha256", "profile", "method", "differences", "ranking",
  "excluded", "smaa_headline"} | null}``; exit 0 only when the bundle verifies and the ranking is
  bit-identical.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli import CliError
from workbench.cli._common import print_json
from workbench.domain.mdr import render_markdown
from workbench.domain.snapshot import canonical_json, parse_canonical, snapshot_digest
from workbench.io.mdr_bundle import SNAPSHOT_FILE, BundleError, read_bundle, verify_bundle, verify_files
from workbench.signing import SigningError, find_signing_key, load_public_key, public_keys_from_dir
from workbench.store.repository import StoreError


def add_commands(mdr_sub: Any) -> None:
    p = mdr_sub.add_parser("draft", help="draft a record from a profile's ranking (stored as a draft)")
    p.add_argument("--profile", required=True, help="profile name")
    p.add_argument("--scenario", help="scenario of that profile")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_draft)

    p = mdr_sub.add_parser("list", help="list decision records")
    p.add_argument("--profile", help="only this profile's records")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_list)

    p = mdr_sub.add_parser("show", help="print a record (Markdown)")
    p.add_argument("id", help="MDR-0007 or 7")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_show)

    p = mdr_sub.add_parser("export", help="write a record's bundle (directory and zip), optionally signing it")
    p.add_argument("id", help="MDR-0007 or 7")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--sign", action="store_true", help="add your signature first (recorded in the workspace)")
    p.add_argument("--key", help="private key file, key id (>= 8 chars) or e-mail (with --sign)")
    p.add_argument("--key-dir", type=Path, default=None, help="key directory")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_export)

    p = mdr_sub.add_parser("restore", help="verify a bundle, re-rank from its snapshot, compare bit for bit")
    p.add_argument("bundle", type=Path, help="bundle directory or zip")
    p.add_argument("--pubkey", type=Path, action="append", default=[], help="trusted public key file (repeatable)")
    p.add_argument("--key-dir", type=Path, default=None, help="also trust the public keys in this key directory")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_restore)


def _engine() -> Any:
    from workbench.cli._store import engine

    return engine()


def _document(rec: Any) -> dict[str, Any]:
    return {"record": rec.summary(), "mdr": rec.record.model_dump(mode="json"),
            "markdown": render_markdown(rec.record), "snapshot_sha256": snapshot_digest(canonical_json(rec.snapshot))}


def cmd_draft(args: argparse.Namespace) -> int:
    from workbench.cli.catalog import cli_actor
    from workbench.decisions_draft import DraftError, draft_from_workspace

    try:
        rec = draft_from_workspace(_engine(), args.profile, cli_actor(), args.scenario)
    except (StoreError, DraftError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(_document(rec))
    else:
        print(f"drafted {rec.mdr_id} (status draft, version {rec.version})")
        print(render_markdown(rec.record), end="")
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
        print(f"{r.mdr_id}  {r.status.value:10}  {r.signature_count} sig  {r.record.profile_name}: {r.record.title}")
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
        print(render_markdown(rec.record), end="")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from workbench.cli.catalog import cli_actor
    from workbench.store.decisions import decision_by_ref, export_decision, sign_decision

    if args.sign and not args.key:
        raise CliError("--sign needs --key (a private key file, key id or e-mail)")
    signed_by = None
    try:
        engine = _engine()
        rec = decision_by_ref(engine, args.id)
        if args.sign:
            key = find_signing_key(args.key, args.key_dir)
            rec = sign_decision(engine, rec.id, key, rec.version, cli_actor())
            signed_by = key.key_id
        directory = export_decision(engine, rec.id, args.out)
        report = verify_bundle(directory)
    except (StoreError, SigningError, BundleError) as exc:
        raise CliError(str(exc)) from exc
    zip_path = directory.parent / f"{rec.mdr_id}.zip"
    if args.json:
        print_json({"mdr_id": rec.mdr_id, "bundle": str(directory), "zip": str(zip_path), "signed_by": signed_by,
                    "report": report})
    else:
        print(f"wrote {directory} and {zip_path} ({rec.signature_count} signature(s)); verdict {report.verdict}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from workbench.decisions_draft import DraftError, rerank_snapshot

    try:
        keys = [load_public_key(p) for p in args.pubkey]
        if args.key_dir is not None:
            keys += public_keys_from_dir(args.key_dir)
        if not args.bundle.exists():
            raise BundleError(f"{args.bundle}: no such bundle (give a bundle directory or .zip)")
        files = read_bundle(args.bundle)
    except (SigningError, BundleError) as exc:
        raise CliError(str(exc)) from exc
    report = verify_files(files, keys or None, bundle=str(args.bundle))
    doc: dict[str, Any] = {"bundle": str(args.bundle), "verdict": report.verdict, "verified": report.ok,
                           "problems": report.problems, "record_id": report.record_id,
                           "signatures": report.signatures, "restore": None}
    restored = None
    if report.ok:
        try:
            restored = rerank_snapshot(parse_canonical(files[SNAPSHOT_FILE], SNAPSHOT_FILE))
        except (DraftError, ValueError) as exc:
            doc["problems"] = [*report.problems, f"{SNAPSHOT_FILE}: {exc}"]
        else:
            doc["restore"] = restored.as_json()
    if args.json:
        print_json(doc)
    else:
        print(f"bundle:  {args.bundle}\nverdict: {report.verdict}")
        for problem in doc["problems"]:
            print(f"problem: {problem}")
        if restored is not None:
            same = "bit-identical" if restored.matches else "DIFFERENT"
            print(f"restored {restored.profile} ({restored.method}): ranking {same} "
                  f"(sha256 {restored.recomputed_ranking_sha256[:16]}…)")
            for row in restored.ranking.rows:
                print(f"{row.rank:3}. {row.name:32} score {row.score:.4f}")
            for d in restored.differences:
                print(f"difference: {d}")
        elif not report.ok:
            print("not restored: the bundle does not verify")
    return 0 if restored is not None and restored.matches else 1
