"""The page registry: app.py builds st.navigation from it; the smoke tests iterate over it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.io.resources import pages_dir


@dataclass(frozen=True)
class PageSpec:
    file: str  # file name in pages/
    title: str
    icon: str
    url_path: str
    section: str

    @property
    def path(self) -> Path:
        return pages_dir() / self.file

    @property
    def is_default(self) -> bool:
        return self is PAGES[0]

    @property
    def browser_path(self) -> str:
        """Where the page lives in the browser: the default page is served at '/'."""
        return "" if self.is_default else self.url_path


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview.py", "Overview", ":material/dashboard:", "overview", "Workspace"),
    PageSpec("profiles.py", "Profiles", ":material/assignment:", "profiles", "Workspace"),
    PageSpec("candidates.py", "Candidates", ":material/view_list:", "candidates", "Workspace"),
    PageSpec("tradeoffs.py", "Trade-offs", ":material/tune:", "tradeoffs", "Decide"),
    PageSpec("economics.py", "Economics", ":material/payments:", "economics", "Decide"),
    PageSpec("gpu_fit.py", "GPU fit", ":material/memory:", "gpu-fit", "Decide"),
    PageSpec("evidence.py", "Evidence", ":material/fact_check:", "evidence", "Decide"),
    PageSpec("portfolio.py", "Portfolio", ":material/account_tree:", "portfolio", "Decide"),
    PageSpec("decision.py", "Decision", ":material/gavel:", "decision", "Decide"),
    PageSpec("verify.py", "Verify", ":material/verified:", "verify", "Governance"),
    PageSpec("audit.py", "Audit log", ":material/history:", "audit", "Governance"),
)


def page(url_path: str) -> PageSpec:
    return next(p for p in PAGES if p.url_path == url_path)
