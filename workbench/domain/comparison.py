"""Side-by-side comparison of two rankings (e.g. the architects' profile vs a product owner's scenario)."""

from __future__ import annotations

from pydantic import BaseModel

from workbench.domain.decision_matrix import RankingResult


class ComparisonRow(BaseModel):
    name: str
    rank_a: int | None
    rank_b: int | None
    score_a: float | None
    score_b: float | None
    change: str  # "same", "up 2", "down 1", "newly excluded", "back in", "excluded in both"


def compare_rankings(a: RankingResult, b: RankingResult) -> list[ComparisonRow]:
    """Every candidate of either ranking with its rank in A and B; ``change`` reads from A to B.

    "up N" means B ranks it N places better (a smaller rank number) than A.
    """
    rank_a = {r.name: r for r in a.rows}
    rank_b = {r.name: r for r in b.rows}
    names = list(rank_a) + [n for n in rank_b if n not in rank_a]
    names += sorted({e.name for e in a.excluded} & {e.name for e in b.excluded})
    rows = []
    for name in names:
        ra, rb = rank_a.get(name), rank_b.get(name)
        if ra and rb:
            delta = ra.rank - rb.rank
            change = "same" if delta == 0 else (f"up {delta}" if delta > 0 else f"down {-delta}")
        elif ra:
            change = "newly excluded"
        elif rb:
            change = "back in"
        else:
            change = "excluded in both"
        rows.append(ComparisonRow(name=name, rank_a=ra.rank if ra else None, rank_b=rb.rank if rb else None,
                                  score_a=ra.score if ra else None, score_b=rb.score if rb else None,
                                  change=change))
    return rows
