"""Portfolio persistence: the versioned, audited repository every editable entity uses."""

from __future__ import annotations

from workbench.domain.portfolio import Portfolio
from workbench.store.repository import VersionedRepository
from workbench.store.tables import PortfolioRow

portfolios: VersionedRepository[Portfolio] = VersionedRepository("portfolio", PortfolioRow, Portfolio)
