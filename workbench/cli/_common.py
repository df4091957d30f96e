"""Helpers shared by the subcommand modules."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def print_json(document: Any) -> None:
    """Write one JSON document to stdout (NaN/inf become null: JSON has no such numbers)."""
    json.dump(_jsonable(document), sys.stdout, indent=2, sort_keys=False, allow_nan=False)
    sys.stdout.write("\n")


def command_group(sub: argparse._SubParsersAction, name: str, help: str) -> argparse._SubParsersAction:
    """The subcommand group ``name`` (e.g. ``import``), created once and shared by every area module."""
    groups: dict[str, argparse._SubParsersAction] = sub.__dict__.setdefault("_workbench_groups", {})
    if name not in groups:
        parser = sub.add_parser(name, help=help)
        groups[name] = parser.add_subparsers(dest=f"{name}_cmd", required=True, metavar="SUBCOMMAND")
    return groups[name]
