"""`workbench keys ...` and `workbench mdr ...`: signing keys and MDR bundles (no database needed).

Commands and their ``--json`` documents:

* ``workbench keys init --name NAME --email EMAIL [--key-dir DIR] [--json]`` ->
  ``{"key_id", "name", "email", "algorithm", "public_key", "created_at", "key_dir", "has_private_key"}``
  (the private key is written to ``<key_dir>/<key_id>.key`` with mode 0600 and never printed).
* ``workbench keys list [--key-dir DIR] [--json]`` -> ``{"key_dir": str, "keys": [KeyInfo, ...]}``.
* ``workbench mdr verify BUNDLE [--pubkey FILE ...] [--key-dir DIR] [--json]`` -> the VerifyReport
  (``ok``, ``verdict``, ``record_id``, ``status``, ``files``, ``signatures``, ``problems``, ...);
  exit code 0 when the verdict is ``verified`` or ``verified_untrusted_keys``, else 1.
* ``workbench mdr sign BUNDLE --key KEY [--key-dir DIR] [--json]`` co-signs a bundle directory or zip
  (KEY: a private key file, a key id (prefix of at least 8 characters) or an e-mail in the key directory).

The store-backed ``mdr draft|list|show|export|restore`` live in :mod:`workbench.cli.mdr_store` (added in
:func:`register`); ``STORE_COMMANDS`` takes further ones.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.cli import CliError
from workbench.cli._common import print_json
from workbench.io.mdr_bundle import BundleError, VerifyReport, sign_bundle, verify_bundle
from workbench.signing import (
    SigningError,
    default_key_dir,
    find_signing_key,
    init_key,
    list_keys,
    load_public_key,
    public_keys_from_dir,
)

#: Extra ``mdr`` subcommands (e.g. the store-backed ``draft`` and ``export``): callables that receive the
#: ``mdr`` subparsers object and add their parsers. Appended to by other modules before the parser is built.
STORE_COMMANDS: list[Callable[[Any], None]] = []


def register(sub: Any) -> None:
    keys = sub.add_parser("keys", help="Ed25519 signing keys (create, list)")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    p = keys_sub.add_parser("init", help="create a key pair (private key file mode 0600)")
    p.add_argument("--name", required=True, help="signer's name")
    p.add_argument("--email", required=True, help="signer's e-mail")
    p.add_argument("--key-dir", type=Path, default=None, help=f"key directory (default {default_key_dir()})")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_keys_init)

    p = keys_sub.add_parser("list", help="list key pairs in the key directory")
    p.add_argument("--key-dir", type=Path, default=None, help="key directory")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_keys_list)

    mdr = sub.add_parser("mdr", help="Model Decision Records: draft, export, verify, co-sign, restore")
    mdr_sub = mdr.add_subparsers(dest="mdr_command", metavar="ACTION", required=True)

    p = mdr_sub.add_parser("verify", help="verify a signed MDR bundle (directory or .zip) offline")
    p.add_argument("bundle", type=Path, help="bundle directory or zip")
    p.add_argument("--pubkey", type=Path, action="append", default=[], help="trusted public key file (repeatable)")
    p.add_argument("--key-dir", type=Path, default=None, help="also trust the public keys in this key directory")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_mdr_verify)

    p = mdr_sub.add_parser("sign", help="add your signature to a bundle (co-signing)")
    p.add_argument("bundle", type=Path, help="bundle directory or zip")
    p.add_argument("--key", required=True, help="private key file, key id (>= 8 chars) or e-mail")
    p.add_argument("--key-dir", type=Path, default=None, help="key directory")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_mdr_sign)

    from workbench.cli.mdr_store import add_commands  # draft, list, show, export, restore (workspace store)

    add_commands(mdr_sub)
    for add in STORE_COMMANDS:
        add(mdr_sub)


def cmd_keys_init(args: argparse.Namespace) -> int:
    try:
        info = init_key(args.name, args.email, args.key_dir)
    except (SigningError, OSError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(info)
    else:
        print(f"created key {info.key_id} for {info.name} <{info.email}>")
        print(f"private key: {Path(info.key_dir) / (info.key_id + '.key')} (mode 0600; keep it secret)")
        print(f"public key:  {Path(info.key_dir) / (info.key_id + '.pub')}")
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    key_dir = args.key_dir or default_key_dir()
    try:
        keys = list_keys(key_dir)
    except SigningError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json({"key_dir": str(key_dir), "keys": keys})
    else:
        if not keys:
            print(f"no keys in {key_dir}")
        for k in keys:
            private = "private+public" if k.has_private_key else "public only"
            print(f"{k.key_id[:16]}  {k.name} <{k.email}>  {k.created_at}  {private}")
    return 0


def _print_report(report: VerifyReport) -> None:
    print(f"bundle:   {report.bundle}")
    print(f"verdict:  {report.verdict}")
    if report.record_id:
        print(f"record:   {report.record_id} ({report.status}) {report.title or ''}".rstrip())
    for s in report.signatures:
        mark = "ok" if s.ok else "FAILED"
        trust = "trusted" if s.trusted else f"key from {s.key_source or 'nowhere'}"
        who = f"{s.name or '?'} <{s.email or '?'}>"
        print(f"signature {s.keyid[:16]}  {who}  {s.signed_at or ''}  {mark} ({trust})")
    for f in report.files:
        print(f"file {f.name}: {'ok' if f.ok else 'FAILED'} sha256 {f.sha256}")
    for problem in report.problems:
        print(f"problem: {problem}")
    if report.verdict == "verified_untrusted_keys":
        print("note: checked with the keys inside the bundle; pass --pubkey to check who signed it")


def cmd_mdr_verify(args: argparse.Namespace) -> int:
    try:
        keys = [load_public_key(p) for p in args.pubkey]
        if args.key_dir is not None:
            keys += public_keys_from_dir(args.key_dir)
        report = verify_bundle(args.bundle, keys or None)
    except (SigningError, BundleError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(report)
    else:
        _print_report(report)
    return 0 if report.ok else 1


def cmd_mdr_sign(args: argparse.Namespace) -> int:
    try:
        key = find_signing_key(args.key, args.key_dir)
        path = sign_bundle(args.bundle, key)
        report = verify_bundle(path)
    except (SigningError, BundleError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json({"bundle": str(path), "signed_by": key.key_id, "report": report})
    else:
        print(f"signed {path} with {key.key_id[:16]} ({key.info.email}); verdict {report.verdict}")
    return 0 if report.ok else 1
