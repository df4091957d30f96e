"""`workbench run`: start the Streamlit app."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"


def start_app(extra: list[str], port: int | None = None, address: str | None = None) -> int:
    # `streamlit run <app.py>` (not st.App from this launcher): Streamlit then reads the config
    # folder beside the entrypoint (workbench/.streamlit -> ../.streamlit), however we were started.
    command = [sys.executable, "-m", "streamlit", "run", str(APP)]
    if port:
        command += ["--server.port", str(port)]
    if address:
        command += ["--server.address", address]
    try:
        return subprocess.call(command + extra)
    except KeyboardInterrupt:
        return 0


def _run(args: argparse.Namespace) -> int:
    return start_app(list(args.streamlit_args or []), args.port, args.address)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("run", help="start the app (the default when no command is given)")
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default 8501)")
    parser.add_argument("--address", default=None, help="address to bind (default: all interfaces)")
    parser.add_argument("streamlit_args", nargs=argparse.REMAINDER, help="extra `streamlit run` options")
    parser.set_defaults(handler=_run)
