"""Turn a ranked decision into the Excel decision matrix (io/excel.py does the writing)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from workbench.analysis import Decision
from workbench.domain.decision_matrix import RankingResult
from workbench.domain.economics import cost_breakdown_for
from workbench.domain.models import CRITERION_LABELS
from workbench.domain.smaa import SmaaResult
from workbench.io.excel import (
    CapabilityRow,
    ConstraintRow,
    DecisionWorkbook,
    ScoringTable,
    decision_workbook_bytes,
)


def scoring_table(result: RankingResult) -> ScoringTable:
    """The normalised matrix exactly as the engine scored it, in the workbook's higher-is-better form.

    Weighted sum: the min-max values (directions already applied), so SUMPRODUCT(w, row) = score.
    TOPSIS: vector-normalised values; a cost column r becomes max(r) - r, which leaves every
    distance to the ideal (column max) and anti-ideal (column min) unchanged, so the live TOPSIS
    formulas reproduce the closeness.
    """
    criteria = list(result.criteria)
    matrix = np.array([[row.normalised[c] for c in criteria] for row in result.rows], dtype=float).reshape(
        len(result.rows), len(criteria))
    if result.method == "topsis" and len(result.rows):
        for j, criterion in enumerate(criteria):
            if result.directions[criterion] == "cost":
                matrix[:, j] = matrix[:, j].max() - matrix[:, j]
    return ScoringTable(
        criteria=criteria,
        weights=[result.weights[c] for c in criteria],
        candidates=[row.name for row in result.rows],
        matrix=np.clip(matrix, 0.0, 1.0),
        scores=[row.score for row in result.rows],
        ranks=[row.rank for row in result.rows],
        criterion_labels={c: CRITERION_LABELS.get(c, c) for c in criteria},
    )


def constraint_rows(result: RankingResult) -> list[ConstraintRow]:
    excluded = {e.name: e for e in result.excluded}
    rows = []
    for name in [r.name for r in result.rows] + sorted(excluded):
        for impact in result.constraints:
            ex = excluded.get(name)
            failed = ex is not None and impact.key in ex.constraints
            rows.append(ConstraintRow(candidate=name, constraint=impact.requirement, passed=not failed,
                                      reason="; ".join(ex.reasons) if failed and ex else "meets the requirement"))
    return rows


def economics_frame(decision: Decision) -> pd.DataFrame:
    costs = cost_breakdown_for(list(decision.candidates), decision.effective.workload)
    return pd.DataFrame(costs.rows())


def decision_workbook(decision: Decision, smaa: SmaaResult | None = None, *, snapshot_hash: str = "",
                      gpu_fit: pd.DataFrame | None = None, evidence: pd.DataFrame | None = None) -> DecisionWorkbook:
    result = decision.ranking
    by_name = {c.name: c for c in decision.candidates}
    shown = [row.name for row in result.rows] + [e.name for e in result.excluded]
    return DecisionWorkbook(
        profile=decision.profile.model.name,
        scenario=decision.scenario.model.name if decision.scenario else None,
        method=decision.method,
        normalisation=f"{result.normalisation}: {result.normalisation_detail}",
        date=date.today(),
        snapshot_hash=snapshot_hash or _ranking_digest(result),
        winner=result.winner or "none (no candidate meets every hard constraint)",
        robustness=smaa.headline if smaa else "",
        capability=[CapabilityRow(candidate=name, capabilities=by_name[name].capabilities) for name in shown],
        scoring=scoring_table(result),
        constraints=constraint_rows(result),
        economics=economics_frame(decision),
        gpu_fit=gpu_fit,
        evidence=evidence,
    )


def _ranking_digest(result: RankingResult) -> str:
    import hashlib

    return hashlib.sha256(result.to_json().encode()).hexdigest()


def workbook_bytes(decision: Decision, smaa: SmaaResult | None = None, **extra: object) -> bytes:
    return decision_workbook_bytes(decision_workbook(decision, smaa, **extra))  # type: ignore[arg-type]
