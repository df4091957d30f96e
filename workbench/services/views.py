"""Trade-offs views as use cases: save the sliders into the profile or a scenario, promote, compare two views.

The page calls these instead of building and saving models itself (issue 12). Saves go through the
store's optimistic lock with the version the person saw; a conflict raises the store's error naming who
saved in between.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from sqlalchemy import Engine

from workbench.domain.comparison import ComparisonRow, compare_rankings
from workbench.domain.decision_matrix import DecisionMatrix
from workbench.domain.models import HardConstraints, Profile
from workbench.domain.ranking import rank_matrix
from workbench.domain.ranking_result import RankingResult
from workbench.domain.requirements import fail_open_risk
from workbench.domain.scenario import Method, Scenario, effective_profile
from workbench.services.decide import build_matrix, candidates_for, extra_checks
from workbench.store import workspace
from workbench.store.repository import Record

MatrixFor = Callable[[Profile], DecisionMatrix]


def save_to_profile(engine: Engine, record: Record[Profile], seen: int, weights: dict[str, float],
                    constraints: HardConstraints, actor: str) -> tuple[Record[Profile], str | None]:
    """Store the sliders' weights and constraints in the profile; returns it and a save warning, if any."""
    model = Profile.model_validate({**record.model.model_dump(), "weights": weights,
                                    "constraints": constraints.model_dump()})
    saved = workspace.save_profile(engine, record.id, model, seen, actor)
    return saved, fail_open_risk(saved.model)


def save_to_scenario(engine: Engine, profile_id: int, scenario: Record[Scenario], seen: int,
                     weights: dict[str, float], constraints: HardConstraints, method: str, actor: str
                     ) -> Record[Scenario]:
    model = Scenario.model_validate({**scenario.model.model_dump(), "weights": weights,
                                     "constraints": constraints.model_dump(), "method": method})
    return workspace.save_scenario(engine, profile_id, scenario.id, model, seen, actor)


def save_as_scenario(engine: Engine, profile_id: int, name: str, weights: dict[str, float],
                     constraints: HardConstraints, method: str, actor: str) -> Record[Scenario]:
    return workspace.create_scenario(engine, profile_id, Scenario(name=name.strip(), method=cast(Method, method),
                                                                  weights=weights, constraints=constraints), actor)


def promote(engine: Engine, profile_id: int, seen: int, scenario_id: int, actor: str) -> Record[Profile]:
    return workspace.promote_scenario(engine, profile_id, seen, scenario_id, actor)


def view_ranking(engine: Engine, record: Record[Profile], scenario_name: str,
                 matrix_for: MatrixFor | None = None) -> RankingResult:
    """The ranking of one saved view: the profile as saved ("") or one of its scenarios."""
    scenario = workspace.scenario_by_name(engine, record.id, scenario_name).model if scenario_name else None
    profile = effective_profile(record.model, scenario)
    candidates = candidates_for(engine, record)
    dm = matrix_for(profile) if matrix_for else build_matrix(profile, list(candidates))
    return rank_matrix(dm, profile.weights, profile.constraints, scenario.method if scenario else "wsm",
                       extra_checks(dm, candidates, profile.constraints))


def compare_views(engine: Engine, record: Record[Profile], a: str, b: str,
                  matrix_for: MatrixFor | None = None) -> list[ComparisonRow]:
    """Every candidate's rank in view A and view B ("" = the profile as saved)."""
    return compare_rankings(view_ranking(engine, record, a, matrix_for), view_ranking(engine, record, b, matrix_for))
