"""`pip install .` gives a program that starts: the wheel carries data/, pages/, assets/ and the Streamlit config.

The wheel is built from this checkout and installed (not editable) into a temporary venv; the venv borrows the
project venv's third-party packages through a path entry (no download), while `workbench` itself comes from the
wheel alone. Everything runs from a folder outside the repository.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.xdist_group("wheel")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(dist), str(REPO)], check=True, cwd=root)
    wheel = next(dist.glob("*.whl"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python*/site-packages"))
    # third-party packages from the project venv, *after* the new venv's own site-packages
    (site / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(site), str(wheel)], check=True)
    return wheel, venv


def _env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKBENCH_", "PYTHON"))}
    env["WORKBENCH_DATABASE_URL"] = f"sqlite:///{workdir / 'ws.db'}"
    return env


def _workbench(venv: Path, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from workbench.cli import main; sys.exit(main())"
    return subprocess.run([str(venv / "bin" / "python"), "-c", code, *args], cwd=workdir, env=_env(workdir),
                          capture_output=True, text=True, timeout=120)


def test_wheel_carries_data_pages_assets_and_config(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for member in ("workbench/data/catalog.json", "workbench/data/gpus.json", "workbench/pages/tradeoffs.py",
                   "workbench/assets/logo.png", "workbench/.streamlit/config.toml",
                   "workbench/store/migrations/versions/0001_baseline.py"):
        assert member in names, member


def test_installed_wheel_runs_the_cli_outside_the_repository(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, venv = installed
    listed = _workbench(venv, tmp_path, "catalog", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    names = {row["name"] for row in json.loads(listed.stdout)["candidates"]}
    assert "GPT-5.4" in names and len(names) >= 12
    located = subprocess.run([str(venv / "bin" / "python"), "-c",
                              "import workbench.io.resources as r; print(r.data_dir()); print(r.pages_dir())"],
                             cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, check=True)
    assert str(REPO) not in located.stdout, located.stdout  # read from the installed package, not the checkout
    for command in (("profiles", "list", "--json"), ("gpu-fit", "--help"), ("mdr", "--help")):
        done = _workbench(venv, tmp_path, *command)
        assert done.returncode == 0, (command, done.stderr)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_installed_wheel_serves_the_app(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, venv = installed
    port = _free_port()
    code = "import sys; from workbench.cli import main; sys.exit(main())"
    server = subprocess.Popen([str(venv / "bin" / "python"), "-c", code, "run", "--port", str(port),
                               "--address", "127.0.0.1"], cwd=tmp_path, env=_env(tmp_path),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
                    assert reply.read() == b"ok"
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(f"server did not start: {server.stderr and server.stderr.read()}") from None
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
