"""`workbench run`: binds 127.0.0.1 by default, and SIGTERM stops the server with nothing left behind."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import REPO
from workbench.cli import run
from workbench.cli.run import server_command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _session_pids(sid: int) -> list[int]:
    """Every live process of session ``sid`` (the server and anything it started)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # field 6 of /proc/PID/stat: session id
            pids.append(int(entry.name))
    return pids


def test_the_server_binds_this_machine_only_unless_asked():
    assert server_command([], 8600)[-2:] == ["--server.address", "127.0.0.1"]
    parser = argparse.ArgumentParser()
    run.register(parser.add_subparsers())
    assert parser.parse_args(["run", "--team"]).team
    assert parser.parse_args(["run"]).address is None  # -> 127.0.0.1
    assert server_command([], None, "0.0.0.0")[-2:] == ["--server.address", "0.0.0.0"]


def test_sigterm_to_workbench_run_stops_the_server_and_leaves_no_process(tmp_path):
    port = _free_port()
    env = {**os.environ, "WORKBENCH_HOME": str(tmp_path), "WORKBENCH_USER": "run-test"}
    env.pop("WORKBENCH_DATABASE_URL", None)
    with open(tmp_path / "server.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "workbench", "run", "--port", str(port)], cwd=REPO, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                try:
                    if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    time.sleep(0.3)
                assert proc.poll() is None, (tmp_path / "server.log").read_text()
            else:
                raise AssertionError("the server did not become healthy within 90 s")
            assert proc.pid in _session_pids(proc.pid)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) is not None
            deadline = time.monotonic() + 10
            while (_listening(port) or _session_pids(proc.pid)) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not _listening(port), "something still listens on the server's port after SIGTERM"
            assert _session_pids(proc.pid) == [], "a process of `workbench run` survived SIGTERM"
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
