"""`workbench run`: start the Streamlit app.

The command *becomes* the server (``os.execv`` on POSIX): SIGTERM or SIGINT sent to ``workbench run`` (by
systemd, Docker, a test fixture or Ctrl-C) reaches Streamlit itself, which stops serving and exits; nothing
is left running. Where exec is not available (Windows) the server runs as a child, SIGTERM/SIGINT are
forwarded to it and ``workbench run`` waits for it to exit.

The server binds 127.0.0.1 unless told otherwise: ``--address ADDR`` binds that address, ``--team`` binds
every interface (a shared server for a team; put it behind a reverse proxy with authentication).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType

APP = Path(__file__).resolve().parents[1] / "app.py"
DEFAULT_ADDRESS = "127.0.0.1"


def server_command(extra: list[str], port: int | None = None, address: str | None = None) -> list[str]:
    # `streamlit run <app.py>` (not st.App from this launcher): Streamlit then reads the config
    # folder beside the entrypoint (workbench/.streamlit -> ../.streamlit), however we were started.
    command = [sys.executable, "-m", "streamlit", "run", str(APP)]
    if port:
        command += ["--server.port", str(port)]
    command += ["--server.address", address or DEFAULT_ADDRESS]
    return command + extra


def start_app(extra: list[str], port: int | None = None, address: str | None = None) -> int:
    command = server_command(extra, port, address)
    sys.stdout.flush()
    sys.stderr.flush()
    if hasattr(os, "execv") and os.name == "posix":
        os.execv(command[0], command)  # never returns: this process is now the server
    return _run_child(command)  # pragma: no cover - non-POSIX


def _run_child(command: list[str]) -> int:
    """Run the server as a child, forwarding SIGTERM/SIGINT to it; returns its exit code."""
    child = subprocess.Popen(command)

    def forward(signum: int, _frame: FrameType | None) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:  # pragma: no cover - the signal was forwarded; keep waiting
                continue
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(args: argparse.Namespace) -> int:
    address = "0.0.0.0" if args.team else args.address  # noqa: S104 - explicit team-server opt-in
    return start_app(list(args.streamlit_args or []), args.port, address)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("run", help="start the app (the default when no command is given)")
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default 8501)")
    bind = parser.add_mutually_exclusive_group()
    bind.add_argument("--address", default=None, help=f"address to bind (default: {DEFAULT_ADDRESS}, this machine only)")
    bind.add_argument("--team", action="store_true",
                      help="bind every interface: a team server others reach over the network")
    parser.add_argument("streamlit_args", nargs=argparse.REMAINDER, help="extra `streamlit run` options")
    parser.set_defaults(handler=_run)
