"""Where the shipped folders are: `data/`, `pages/`, `assets/`, whether running from the repository or a wheel.

From a source checkout (or an editable install) they sit at the repository's top; a wheel carries them inside
the package (see ``setup.py``). ``WORKBENCH_DATA_DIR`` overrides the data folder for every reader.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
REPOSITORY = PACKAGE.parent


def _shipped(name: str) -> Path:
    inside = PACKAGE / name
    return inside if inside.is_dir() else REPOSITORY / name


def data_dir() -> Path:
    """`$WORKBENCH_DATA_DIR`, else the shipped `data/` folder."""
    override = os.environ.get("WORKBENCH_DATA_DIR")
    return Path(override) if override else _shipped("data")


def data_file(name: str) -> Path:
    return data_dir() / name


def shipped_data_file(name: str) -> Path:
    """A file of the shipped `data/` folder even when ``WORKBENCH_DATA_DIR`` points elsewhere (tables of facts the
    code relies on, not a workspace's editable data)."""
    return _shipped("data") / name


def pages_dir() -> Path:
    return _shipped("pages")


def assets_dir() -> Path:
    return _shipped("assets")


APP = PACKAGE / "app.py"
