"""``workbench mdr verify|sign|export|restore|quorum|approve|dissent`` (bundles, signatures, approvals).

Trust for ``verify`` and ``restore``: the workspace's trust store (``workbench keys trust``), plus keys given
with ``--pubkey`` / ``--key-dir`` for this run only; keys inside the bundle never make a signature trusted.
Exit codes of ``verify`` (and ``restore``; see ``docs/signing.md``)::

    0  verified: files match, every signature valid and by a trusted key, approval quorum met
    1  failed: tampered or invalid (a file, digest, signature, envelope or statement)
    2  usage error (bad arguments, unreadable key file)
    3  untrusted: intact and valid, but a signature is by a key not in the trust store (or revoked)
    4  unsigned, or the approvals the record requires are missing (verdict quorum_not_met)

``verify --json`` -> ``{"bundle", "verdict", "exit_code", "record_id", "title", "status", "predicate_type",
"exported_at", "snapshot_sha256", "trust", "files": [{name, sha256, expected_sha256, ok, problem}],
"signatures": [{keyid, fingerprint, signer, identity_basis, trusted, valid, verdict, reason, ...}],
"quorum": {required, met, missing, approved_by, dissents}, "problems"}``.
``restore --json`` -> ``{"bundle", "verdict", "exit_code", "verified", "problems", "record_id",
"signatures", "quorum", "restore": {matches, ranking, ...} | null, "record_check": {agrees, selected_model,
ranked_first, edited, notes} | null}``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.cli import CliError
from workbench.cli._common import print_json
from workbench.io.mdr_bundle import BundleError, read_bundle
from workbench.services.bundles import EXIT_CODES, VerifyReport, sign_bundle, verify_bundle, verify_files
from workbench.signing import (
    Endorsement,
    SigningError,
    TrustStore,
    find_signing_key,
    load_public_key,
    public_keys_from_dir,
)
from workbench.store.repository import StoreError

#: Extra ``mdr`` subcommands: callables that receive the ``mdr`` subparsers object and add their parsers.
STORE_COMMANDS: list[Callable[[Any], None]] = []

EXIT_HELP = ("exit codes: 0 verified (valid, trusted, quorum met); 1 tampered or invalid; 2 usage error; "
             "3 valid but a signer is not trusted; 4 unsigned or approvals missing")


def _trust_args(p: Any) -> None:
    p.add_argument("--pubkey", type=Path, action="append", default=[],
                   help="also trust this public key file for this run (repeatable)")
    p.add_argument("--key-dir", type=Path, default=None, help="also trust the public keys in this key directory")
    p.add_argument("--no-workspace", action="store_true", help="do not use the workspace's trust store")
    p.add_argument("--json", action="store_true", help="print one JSON document")


def _endorse_args(p: Any) -> None:
    p.add_argument("--dissent", metavar="REASON", help="sign as a dissent, with its reason (default: approve)")
    p.add_argument("--role", default="", help="the role you sign in (e.g. security)")


def register(sub: Any) -> None:
    mdr = sub.add_parser("mdr", help="Model Decision Records: draft, export, verify, co-sign, approve, restore")
    mdr_sub = mdr.add_subparsers(dest="mdr_command", metavar="ACTION", required=True)
    fmt = argparse.RawDescriptionHelpFormatter

    p = mdr_sub.add_parser("verify", help="verify a signed MDR bundle (directory or .zip) offline",
                           epilog=EXIT_HELP, formatter_class=fmt)
    p.add_argument("bundle", type=Path, help="bundle directory or zip")
    _trust_args(p)
    p.set_defaults(handler=cmd_verify)

    p = mdr_sub.add_parser("sign", help="add your signature to a bundle file (approve, or --dissent)")
    p.add_argument("bundle", type=Path, help="bundle directory or zip")
    p.add_argument("--key", required=True, help="private key file, key id (>= 8 chars) or e-mail")
    p.add_argument("--key-dir", type=Path, default=None, help="key directory")
    _endorse_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_sign)

    for name, what in (("approve", "approve"), ("dissent", "dissent from")):
        p = mdr_sub.add_parser(name, help=f"sign to {what} a record in the workspace (counts toward its quorum)")
        p.add_argument("id", help="MDR-0007 or 7")
        p.add_argument("--key", required=True, help="private key file, key id (>= 8 chars) or e-mail")
        p.add_argument("--key-dir", type=Path, default=None, help="key directory")
        if name == "dissent":
            p.add_argument("--reason", required=True, help="why you dissent")
        p.add_argument("--role", default="", help="the role you sign in")
        p.add_argument("--json", action="store_true", help="print one JSON document")
        p.set_defaults(handler=cmd_endorse, verdict=name)

    p = mdr_sub.add_parser("quorum", help="show or set the approvals a record needs before acceptance")
    p.add_argument("id", help="MDR-0007 or 7")
    p.add_argument("--rule", action="append", default=None,
                   help="'[K of ]LABEL: email, email' (repeatable; e.g. 'security: sec@example.com', "
                        "'2 of reviewers: a@x.com, b@x.com, c@x.com'); --rule '' clears")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_quorum)

    p = mdr_sub.add_parser("export", help="write a record's bundle (directory and zip), optionally signing it")
    p.add_argument("id", help="MDR-0007 or 7")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--sign", action="store_true", help="add your signature first (recorded in the workspace)")
    p.add_argument("--key", help="private key file, key id (>= 8 chars) or e-mail (with --sign)")
    p.add_argument("--key-dir", type=Path, default=None, help="key directory")
    _endorse_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_export)

    p = mdr_sub.add_parser("restore", help="verify a bundle, re-rank from its snapshot, compare with record.md",
                           epilog=EXIT_HELP + "; restore also exits 1 if the ranking does not re-compute bit for bit",
                           formatter_class=fmt)
    p.add_argument("bundle", type=Path, help="bundle directory or zip")
    _trust_args(p)
    p.set_defaults(handler=cmd_restore)

    from workbench.cli.mdr_store import add_commands  # draft, list, show (workspace store)

    add_commands(mdr_sub)
    for add in STORE_COMMANDS:
        add(mdr_sub)


def _engine() -> Any:
    from workbench.cli._store import engine

    return engine()


def _actor() -> str:
    from workbench.cli.catalog import cli_actor

    return cli_actor()


def _trust(args: argparse.Namespace) -> tuple[TrustStore, str]:
    """The workspace trust store (unless --no-workspace) plus the keys given for this run."""
    try:
        keys = [load_public_key(p, origin="provided") for p in args.pubkey]
        if args.key_dir is not None:
            keys += public_keys_from_dir(args.key_dir)
    except SigningError as exc:
        raise CliError(str(exc)) from exc
    labels = []
    store = TrustStore()
    if not args.no_workspace:
        from workbench.services.signing import trust_store

        try:
            store = trust_store(_engine())
        except StoreError as exc:
            raise CliError(str(exc)) from exc
        labels.append(f"workspace trust store ({len(store)} key(s))")
    if keys:
        store = store.merged(TrustStore.of_keys(keys))
        labels.append(f"{len(keys)} key(s) given on the command line")
    return store, " + ".join(labels) or "no trusted keys"


def _signature_line(s: Any) -> str:
    state = "INVALID" if not s.valid else "trusted" if s.trusted else "UNTRUSTED"
    who = s.signer or f"{s.name or '?'} <{s.email or '?'}>"
    reason = f": {s.reason}" if s.reason else ""
    return f"signature {s.keyid[:16]}  {s.fingerprint or '-'}  {who}  {s.verdict or '-'}  {s.identity_basis or '-'}  {state}{reason}"


def _print_report(report: VerifyReport) -> None:
    print(f"bundle:   {report.bundle}")
    print(f"verdict:  {report.verdict} (exit {report.exit_code})")
    print(f"trust:    {report.trust}")
    if report.record_id:
        print(f"record:   {report.record_id} ({report.status}) {report.title or ''}".rstrip())
    for s in report.signatures:
        print(_signature_line(s))
    quorum = report.quorum
    if quorum is not None and quorum.required:
        print(f"quorum:   {'met' if quorum.met else 'NOT MET'}; required: {'; '.join(quorum.required)}")
        for m in quorum.missing:
            print(f"missing:  {m}")
    for d in quorum.dissents if quorum is not None else []:
        print(f"dissent:  {d.signer}: {d.reason}")
    for f in report.files:
        print(f"file {f.name}: {'ok' if f.ok else 'FAILED'} sha256 {f.sha256}")
    for problem in report.problems:
        print(f"problem: {problem}")
    if report.verdict == "untrusted":
        print("note: a signature is valid but its key is not in your trust store; check its fingerprint with the "
              "signer, then `workbench keys trust`")


def cmd_verify(args: argparse.Namespace) -> int:
    trust, label = _trust(args)
    try:
        report = verify_bundle(args.bundle, trust, trust_label=label)
    except BundleError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json({**report.model_dump(mode="json")})
    else:
        _print_report(report)
    return report.exit_code


def _endorsement(verdict: str, reason: str | None, role: str) -> Endorsement:
    try:
        return Endorsement(verdict="dissent" if verdict == "dissent" else "approve", reason=reason or "", role=role)
    except SigningError as exc:
        raise CliError(str(exc)) from exc


def cmd_sign(args: argparse.Namespace) -> int:
    e = _endorsement("dissent" if args.dissent else "approve", args.dissent, args.role)
    try:
        key = find_signing_key(args.key, args.key_dir)
        path = sign_bundle(args.bundle, key, endorsement=e)
        report = verify_files(read_bundle(path), TrustStore(), bundle=str(path))
    except (SigningError, BundleError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json({"bundle": str(path), "signed_by": key.key_id, "fingerprint": key.public_key.fingerprint,
                    "verdict": e.verdict, "report": report.model_dump(mode="json")})
    else:
        print(f"signed {path} ({e.verdict}) with {key.public_key.fingerprint} ({key.info.email}); "
              f"the bundle is {'intact' if report.intact else 'NOT intact'}")
    return 0 if report.intact else 1


def cmd_endorse(args: argparse.Namespace) -> int:
    from workbench.services.signing import sign_decision
    from workbench.store.decisions import decision_by_ref

    e = _endorsement(args.verdict, getattr(args, "reason", ""), args.role)
    try:
        engine = _engine()
        rec = decision_by_ref(engine, args.id)
        key = find_signing_key(args.key, args.key_dir)
        rec = sign_decision(engine, rec.id, key, rec.version, _actor(), endorsement=e)
    except (StoreError, SigningError, BundleError) as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json({"record": rec.summary(), "signed_by": key.key_id, "fingerprint": key.public_key.fingerprint,
                    "verdict": e.verdict})
    else:
        print(f"{rec.mdr_id}: {e.verdict} signed by {key.info.name} <{key.info.email}> "
              f"({rec.signature_count} signature(s); identity self-asserted on the command line)")
    return 0


def cmd_quorum(args: argparse.Namespace) -> int:
    from workbench.services.signing import decision_report, quorum, set_quorum
    from workbench.store.decisions import decision_by_ref

    try:
        engine = _engine()
        rec = decision_by_ref(engine, args.id)
        policy, version = quorum(engine, rec.id)
        if args.rule is not None:
            policy = set_quorum(engine, rec.id, args.rule, version, _actor())
        report = decision_report(engine, rec.id)
    except (StoreError, SigningError) as exc:
        raise CliError(str(exc)) from exc
    result = report.quorum
    if args.json:
        print_json({"mdr_id": rec.mdr_id, "policy": policy.model_dump(mode="json") if policy else None,
                    "quorum": result.model_dump(mode="json") if result else None})
    else:
        rules = [r.text() for r in policy.rules] if policy else []
        print(f"{rec.mdr_id}: " + ("; ".join(rules) if rules else "no approvals required"))
        if result and rules:
            print("met" if result.met else "not met: " + "; ".join(result.missing))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from workbench.services.signing import decision_report, export_decision, sign_decision
    from workbench.store.decisions import decision_by_ref

    if args.sign and not args.key:
        raise CliError("--sign needs --key (a private key file, key id or e-mail)")
    signed_by = None
    try:
        engine = _engine()
        rec = decision_by_ref(engine, args.id)
        if args.sign:
            key = find_signing_key(args.key, args.key_dir)
            e = _endorsement("dissent" if args.dissent else "approve", args.dissent, args.role)
            rec = sign_decision(engine, rec.id, key, rec.version, _actor(), endorsement=e)
            signed_by = key.key_id
        directory = export_decision(engine, rec.id, args.out)
        report = decision_report(engine, rec.id)
    except (StoreError, SigningError, BundleError) as exc:
        raise CliError(str(exc)) from exc
    zip_path = directory.parent / f"{rec.mdr_id}.zip"
    if args.json:
        print_json({"mdr_id": rec.mdr_id, "bundle": str(directory), "zip": str(zip_path), "signed_by": signed_by,
                    "report": report.model_dump(mode="json")})
    else:
        print(f"wrote {directory} and {zip_path} ({rec.signature_count} signature(s)); verdict {report.verdict} "
              "against the workspace trust store")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from workbench.services.signing import restore_exit_code, restore_files

    trust, label = _trust(args)
    try:
        if not args.bundle.exists():
            raise BundleError(f"{args.bundle}: no such bundle (give a bundle directory or .zip)")
        files = read_bundle(args.bundle)
    except BundleError as exc:
        raise CliError(str(exc)) from exc
    doc = restore_files(files, trust, bundle=str(args.bundle), trust_label=label)
    if args.json:
        print_json(doc)
    else:
        print(f"bundle:   {args.bundle}\nverdict:  {doc['verdict']} (verified: {str(doc['verified']).lower()})")
        for problem in doc["problems"]:
            print(f"problem: {problem}")
        restored = doc["restore"]
        if restored is not None:
            same = "bit-identical" if restored["matches"] else "DIFFERENT"
            print(f"restored {restored['profile']} ({restored['method']}): ranking {same}")
            for row in restored["ranking"]:
                print(f"{row['rank']:3}. {row['name']:32} score {row['score']:.4f}")
            for d in restored["differences"]:
                print(f"difference: {d}")
            check = doc["record_check"]
            if check and not check["agrees"]:
                print(f"record.md differs from the ranking (edited by a person: {', '.join(check['edited'])})")
                for note in check["notes"]:
                    print(f"  {note}")
        else:
            print("not restored: the bundle is not intact")
    return restore_exit_code(doc)


__all__ = ["EXIT_CODES", "STORE_COMMANDS", "register"]
