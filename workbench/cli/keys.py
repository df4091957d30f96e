"""``workbench keys create|list|trust|untrust|revoke``: key files and the workspace's trust store.

* ``keys create --name N --email E [--key-dir DIR]`` (alias ``init``): a key pair in DIR (private key mode
  0600). Refused while E has an active key (trusted, or a private key in DIR, not revoked). Prints the fingerprint. Nothing is trusted.
* ``keys trust PUBKEY --name N --email E --fingerprint SHA256:...``: add a public key to the trust store,
  bound to N <E>. Without ``--fingerprint`` the key's fingerprint is printed and nothing is written: check it
  with the key's owner, then repeat with it. A second active key for one identity is refused.
* ``keys untrust KEY`` / ``keys revoke KEY --reason TEXT``: KEY is a key id (or >= 8 hex characters of it)
  or a fingerprint. Revoked keys stay listed; their signatures are no longer trusted.
* ``keys list [--key-dir DIR]``: key files and trust store entries.

``--json`` documents: create -> KeyInfo + ``fingerprint``; list -> ``{"key_dir", "keys": [KeyInfo+fingerprint],
"trusted": [entry]}``; trust/untrust/revoke -> ``{"trusted": entry}`` with entry ``{key_id, fingerprint, name,
email, added_by, added_at, revoked_at, revoked_by, revoke_reason}``. Errors exit 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli import CliError
from workbench.cli._common import print_json
from workbench.signing import SigningError, default_key_dir, init_key, list_keys, load_public_key
from workbench.store.repository import StoreError


def register(sub: Any) -> None:
    keys = sub.add_parser("keys", help="signing keys and the trust store (create, list, trust, untrust, revoke)")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    for name in ("create", "init"):
        p = keys_sub.add_parser(name, help="create a key pair (private key file mode 0600)"
                                + (" (same as create)" if name == "init" else ""))
        p.add_argument("--name", required=True, help="signer's name")
        p.add_argument("--email", required=True, help="signer's e-mail")
        p.add_argument("--key-dir", type=Path, default=None, help=f"key directory (default {default_key_dir()})")
        p.add_argument("--json", action="store_true", help="print one JSON document")
        p.set_defaults(handler=cmd_create)

    p = keys_sub.add_parser("list", help="list key files and the workspace's trusted keys")
    p.add_argument("--key-dir", type=Path, default=None, help="key directory")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_list)

    p = keys_sub.add_parser("trust", help="trust a public key as a person's (shows the fingerprint first)")
    p.add_argument("pubkey", type=Path, help="public key file (PEM, OpenSSH, base64 or hex)")
    p.add_argument("--name", help="the key owner's name (default: from the key's .json beside it)")
    p.add_argument("--email", help="the key owner's e-mail (default: from the key's .json beside it)")
    p.add_argument("--fingerprint", default="", help="the fingerprint you checked with the owner (SHA256:...)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_trust)

    p = keys_sub.add_parser("untrust", help="remove a key from the trust store")
    p.add_argument("key", help="key id (>= 8 hex characters) or fingerprint")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_untrust)

    p = keys_sub.add_parser("revoke", help="revoke a key (its signatures stop counting; its owner may get a new key)")
    p.add_argument("key", help="key id (>= 8 hex characters) or fingerprint")
    p.add_argument("--reason", required=True, help="why (e.g. 'laptop lost', 'replaced')")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_revoke)


def _engine() -> Any:
    from workbench.cli._store import engine

    return engine()


def _actor() -> str:
    from workbench.cli.catalog import cli_actor

    return cli_actor()


def _entry_json(e: Any) -> dict[str, Any]:
    return {"key_id": e.key_id, "fingerprint": e.fingerprint, "name": e.name, "email": e.email,
            "added_by": e.added_by, "added_at": e.added_at.isoformat(),
            "revoked_at": e.revoked_at.isoformat() if e.revoked_at else None, "revoked_by": e.revoked_by,
            "revoke_reason": e.revoke_reason}


def cmd_create(args: argparse.Namespace) -> int:
    from workbench.services.signing import revoked_key_ids
    from workbench.store.keys import active_key_for

    try:
        engine = _engine()
        active = active_key_for(engine, args.email)
        if active is not None:
            raise CliError(f"{active.label} already has a trusted key ({active.fingerprint}); one identity has one "
                           f"active key: revoke it first (workbench keys revoke {active.key_id[:16]} --reason ...)")
        revoked = revoked_key_ids(engine)
        mine = [k for k in list_keys(args.key_dir or default_key_dir()) if k.has_private_key
                and k.email.strip().lower() == args.email.strip().lower() and k.key_id not in revoked]
        if mine:
            raise CliError(f"{args.email} already has a key in {mine[0].key_dir} ({mine[0].fingerprint}); one identity "
                           f"has one active key: revoke it first (workbench keys revoke {mine[0].key_id[:16]} --reason ...)")
        info = init_key(args.name, args.email, args.key_dir)
    except (SigningError, OSError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json({**info.model_dump(), "fingerprint": info.fingerprint})
    else:
        print(f"created key {info.key_id} for {info.name} <{info.email}>")
        print(f"fingerprint: {info.fingerprint}")
        print(f"private key: {Path(info.key_dir) / (info.key_id + '.key')} (mode 0600; keep it secret)")
        print(f"public key:  {Path(info.key_dir) / (info.key_id + '.pub')}")
        print("not trusted yet: whoever verifies your signatures runs `workbench keys trust` with this fingerprint")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from workbench.store.keys import list_trusted

    key_dir = args.key_dir or default_key_dir()
    try:
        keys = list_keys(key_dir)
        trusted = list_trusted(_engine())
    except (SigningError, StoreError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json({"key_dir": str(key_dir), "keys": [{**k.model_dump(), "fingerprint": k.fingerprint} for k in keys],
                    "trusted": [_entry_json(e) for e in trusted]})
        return 0
    print(f"key files in {key_dir}:" if keys else f"no keys in {key_dir}")
    for k in keys:
        private = "private+public" if k.has_private_key else "public only"
        print(f"  {k.key_id[:16]}  {k.fingerprint}  {k.name} <{k.email}>  {k.created_at}  {private}")
    print("trust store:" if trusted else "trust store: empty (no signature is trusted)")
    for e in trusted:
        state = f"REVOKED {e.revoked_at:%Y-%m-%d} ({e.revoke_reason})" if e.revoked else f"added by {e.added_by}"
        print(f"  {e.key_id[:16]}  {e.fingerprint}  {e.label}  {state}")
    return 0


def _owner(path: Path, key_id: str) -> tuple[str, str]:
    meta = path.with_name(f"{key_id}.json")
    if meta.is_file():
        from workbench.signing.keys import list_keys as _list

        for info in _list(path.parent):
            if info.key_id == key_id:
                return info.name, info.email
    return "", ""


def _report(entry: Any, as_json: bool, text: str) -> int:
    """What trust, untrust and revoke print: the trust-store entry as JSON, or one sentence."""
    if as_json:
        print_json({"trusted": _entry_json(entry)})
    else:
        print(text)
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    from workbench.services.signing import trust_public_key

    try:
        key = load_public_key(args.pubkey)
        name, email = _owner(args.pubkey, key.key_id)
        name, email = args.name or name, args.email or email
        if not name or not email:
            raise CliError("give the key owner's --name and --email (the trust store binds the key to a person)")
        if not args.fingerprint:
            raise CliError(f"{args.pubkey}: fingerprint {key.fingerprint} (key id {key.key_id}); check it with "
                           f"{name} <{email}>, then repeat with --fingerprint {key.fingerprint}")
        entry = trust_public_key(_engine(), key, name, email, _actor(), confirm_fingerprint=args.fingerprint)
    except (SigningError, StoreError) as exc:
        raise CliError(str(exc)) from exc
    return _report(entry, args.json, f"trusted {entry.fingerprint} as {entry.label}")


def cmd_untrust(args: argparse.Namespace) -> int:
    from workbench.services.signing import resolve_key_id
    from workbench.store.keys import untrust_key

    try:
        engine = _engine()
        entry = untrust_key(engine, resolve_key_id(engine, args.key), _actor())
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    return _report(entry, args.json, f"removed {entry.fingerprint} ({entry.label}) from the trust store")


def cmd_revoke(args: argparse.Namespace) -> int:
    from workbench.services.signing import revoke

    try:
        entry = revoke(_engine(), args.key, _actor(), args.reason)
    except (StoreError, SigningError) as exc:
        raise CliError(str(exc)) from exc
    return _report(entry, args.json, f"revoked {entry.fingerprint} ({entry.label}): {entry.revoke_reason}")
