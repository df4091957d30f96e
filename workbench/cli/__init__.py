"""The `workbench` command.

Each area registers its own subcommands from a module in this package (``register(subparsers)``),
so adding a command never touches another area's code. Every command that prints data accepts
``--json`` and then writes exactly one JSON document to stdout; errors go to stderr with a
non-zero exit code (2 = bad input, 1 = failure).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: Modules in this package that contribute subcommands, in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "run",
    "catalog",
    "profiles",
    "scenarios",
    "candidates",
    "gpu",
    "economics",
    "rank",
    "evidence",
    "keys",
    "mdr",
    "export",
    "bench",
    "workspace",
    "audit",
    "recheck",
    "portfolio",
)


class CliError(Exception):
    """A user-facing error: printed without a traceback, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Model Selection Workbench: choose large language models for production.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"workbench.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"workbench.cli.{name}":
                continue  # area not installed in this build
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        # Plain `workbench` starts the app.
        from workbench.cli.run import start_app

        return start_app([])
    try:
        return int(handler(args) or 0)
    except CliError as exc:
        print(f"workbench: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `workbench catalog list | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
