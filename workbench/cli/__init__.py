"""The `workbench` command.

Each area registers its own subcommands from a module in this package (``register(subparsers)``),
so adding a command never touches another area's code. Every command that prints data accepts
``--json`` and then writes exactly one JSON document to stdout; errors go to stderr with a
non-zero exit code (2 = bad input, 1 = failure).
"""

from __future__ import annotations

import argparse
import importlib
import os
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
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # hostile input must never end in a traceback: one line, exit 2
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        print(f"workbench: error: {_one_line(exc)}", file=sys.stderr)
        return 2


def _one_line(exc: BaseException) -> str:
    """A refusal's message on one line: pydantic's first error with its field, else the exception's text.
    Exceptions that are not user-facing refusals are named (``WORKBENCH_DEBUG=1`` shows the traceback)."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or exc.title
        return f"{field}: {first.get('msg', 'invalid')}"[:500]
    text = " ".join(str(exc).split())[:500]
    refusal = isinstance(exc, ValueError | ArithmeticError | RecursionError | MemoryError | OSError | LookupError)
    if refusal or type(exc).__name__.endswith("Error") and type(exc).__module__.startswith("workbench"):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text} (an internal error; WORKBENCH_DEBUG=1 shows the traceback)"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
