"""The shape DESIGN §2 asks for: no module over ~500 lines, no function over cyclomatic complexity 25."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
MAX_LINES = 520  # "~500": a module a few lines over is not yet doing two jobs
MAX_COMPLEXITY = 25


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_no_module_over_500_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}, f"split these modules (one job each): {long}"


def test_no_function_over_complexity_25() -> None:
    complex_ = {f"{p.relative_to(PACKAGE)}:{block.name}": block.complexity for p in _modules()
                for block in cc_visit(p.read_text()) if block.complexity > MAX_COMPLEXITY}
    assert complex_ == {}, f"simplify these functions: {complex_}"
