"""Trade-offs views as use cases: save the sliders into the profile or a scenario, promote, compare two views.

The page calls these instead of building and saving models itself. Saves go through the
store's optimistic lock with the version the person saw; a conflict raises the store's error naming who
saved in between.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import Engine

from workbench.domain.comparison import ComparisonRow, compare_rankings
from workbench.domain.decision_matrix import DecisionMatrix
from workbench.domain.models import CRITERIA, HardConstraints, Profile
from workbench.domain.ranking import rank_matrix
from workbench.domain.ranking_result import RankingResult
from workbench.domain.requirements import fail_open_risk
from workbench.domain.scenario import Method, Scenario, effective_profile
from workbench.io.json_text import load_json
from workbench.services.decide import build_matrix, candidates_for, extra_checks
from workbench.store import workspace
from workbench.store.repository import Record

MatrixFor = Callable[[Profile], DecisionMatrix]
WEIGHT_LIMIT = 5.0  # the sliders' range


def save_to_profile(engine: Engine, record: Record[Profile], seen: int, weights: dict[str, float],
                    constraints: HardConstraints, actor: str) -> tuple[Record[Profile], str | None]:
    """Store the sliders' weights and constraints in the profile; returns it and a save warning, if any."""
    body = record.model.model_dump()
    body["latency_sla"] = {**body["latency_sla"], "total_p95_ms": constraints.max_p95_latency_ms}
    body["cost_ceiling_per_success_usd"] = constraints.max_cost_per_success_usd  # requirement 10 = the constraint
    model = Profile.model_validate({**body, "weights": weights, "constraints": constraints.model_dump()})
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


# --------------------------------------------------------------------------- share links

LINK_MAX_CHARS = 4_000  # refused before decoding: a view is a few hundred characters
LINK_KEYS = frozenset({"w", "c", "m", "ab"})


@dataclass(frozen=True)
class ViewPatch:
    """What a share link changes relative to the saved view (None = unchanged)."""

    weights: dict[str, float] | None = None
    constraints: HardConstraints | None = None
    method: str | None = None
    compare: tuple[str, str] | None = None


def encode_view(base_weights: Mapping[str, float], base_constraints: HardConstraints, base_method: str,
                weights: Mapping[str, float], constraints: HardConstraints, method: str,
                compare: tuple[str, str] | None = None) -> str:
    """The view as base64url of a compact JSON holding only what differs from the saved view ('' = nothing).

    Keys: ``w`` changed weights, ``c`` changed constraint fields (``HardConstraints`` JSON), ``m`` the method
    code, ``ab`` the two compared views ("" = the profile as saved).
    """
    out: dict[str, Any] = {}
    w = {k: v for k, v in weights.items() if abs(v - base_weights.get(k, 0.0)) > 1e-9}
    if w:
        out["w"] = w
    saved, now = base_constraints.model_dump(mode="json"), constraints.model_dump(mode="json")
    c = {k: v for k, v in now.items() if saved.get(k) != v}
    if c:
        out["c"] = c
    if method != base_method:
        out["m"] = method
    if compare is not None:
        out["ab"] = list(compare)
    if not out:
        return ""
    text = json.dumps(out, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def _link_weights(value: object) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ValueError("share link: 'w' must be an object of criterion weights")
    unknown = sorted(set(value) - set(CRITERIA))
    if unknown:
        raise ValueError(f"share link: unknown criterion {unknown[0]!r}")
    out = {}
    for k, v in value.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= float(v) <= WEIGHT_LIMIT:
            raise ValueError(f"share link: weight {k!r} must be a number from 0 to {WEIGHT_LIMIT:g}")
        out[k] = float(v)
    return out


def decode_view(token: str, base_constraints: HardConstraints) -> ViewPatch:
    """A share link's view, validated (size, base64url, strict JSON, known keys and criteria, weight range,
    constraints through ``HardConstraints``); ``ValueError`` with a one-line reason otherwise."""
    if len(token) > LINK_MAX_CHARS:
        raise ValueError(f"share link: view longer than {LINK_MAX_CHARS} characters")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("share link: the view is not base64url") from exc
    data = load_json(raw, "share link", max_depth=6)
    if not isinstance(data, dict) or not set(data) <= LINK_KEYS:
        raise ValueError(f"share link: expected an object with keys among {', '.join(sorted(LINK_KEYS))}")
    weights = _link_weights(data["w"]) if "w" in data else None
    constraints = None
    if "c" in data:
        if not isinstance(data["c"], dict):
            raise ValueError("share link: 'c' must be an object of constraint fields")
        try:
            constraints = HardConstraints.model_validate({**base_constraints.model_dump(mode="json"), **data["c"]})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ValueError(f"share link: constraint {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    method = data.get("m")
    if method is not None and method not in ("wsm", "topsis"):
        raise ValueError("share link: method must be 'wsm' or 'topsis'")
    compare = data.get("ab")
    if compare is not None and not (isinstance(compare, list) and len(compare) == 2
                                    and all(isinstance(x, str) and len(x) <= 200 for x in compare)):
        raise ValueError("share link: 'ab' must be two view names")
    return ViewPatch(weights, constraints, method, tuple(compare) if compare is not None else None)
