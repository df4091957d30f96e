"""Re-evaluation triggers: machine-checkable reconsideration conditions of an accepted decision record.

A record's triggers compare the decision as it was made (``then``: the facts in its snapshot) with the
workspace as it is (``now``), both given as a :class:`Situation`. Pure: dates come in as arguments.

Kinds (each names the model it watches):

* ``price_change`` — fires when the input or the output price per 1M tokens moved by at least
  ``threshold_pct`` percent: ``|now - then| / then * 100 >= threshold_pct`` (a price that appears where
  there was 0 counts as an infinite change);
* ``deprecation`` — fires when the model's deprecation date (LiteLLM ``deprecation_date``) is at most
  ``within_days`` days after today (or already past);
* ``dominated`` — fires when a feasible candidate Pareto-dominates the model on the profile's criteria
  (every criterion with weight > 0: at least as good on all, strictly better on one, direction-aware;
  criterion values as the ranking reports them) and did not dominate it when the decision was made.
  A criterion value that is unknown for either side means dominance is not established (unknown is a
  range, never a guess); a criterion no ranked candidate has a value for is inert, as in the ranking;
* ``outranked`` — fires when the model is now excluded by a hard constraint, or when a candidate other than
  the model and other than the one that ranked first then now ranks first;
* ``evidence_drift`` — fires when the current evidence interval of a capability vector excludes the figure
  the decision used (``value < lower`` or ``value > upper``; the interval is the evidence module's, Wilson
  95 % for pass rates);
* ``smaa_share`` — fires when the model's SMAA-2 first-rank acceptability falls below ``min_share``.

Each evaluation returns an :class:`Outcome`: ``fired``, ``quiet`` or ``unknown`` (cannot be evaluated, e.g.
the model has left the workspace), with the values then and now.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from workbench.domain.models import CAPABILITY_VECTORS

#: Drafted defaults (editable per record; not taken from a published source: they are starting points).
DEFAULT_PRICE_THRESHOLD_PCT = 20.0
DEFAULT_DEPRECATION_DAYS = 90
DEFAULT_MIN_SHARE = 0.5
_EPS = 1e-12


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- trigger specifications


class PriceChange(_Frozen):
    kind: Literal["price_change"] = "price_change"
    model: str = Field(min_length=1)
    role: Literal["chosen", "rejected"] = "rejected"
    threshold_pct: float = Field(default=DEFAULT_PRICE_THRESHOLD_PCT, gt=0, le=10_000)


class Deprecation(_Frozen):
    kind: Literal["deprecation"] = "deprecation"
    model: str = Field(min_length=1)
    within_days: int = Field(default=DEFAULT_DEPRECATION_DAYS, ge=0, le=3650)


class Dominated(_Frozen):
    kind: Literal["dominated"] = "dominated"
    model: str = Field(min_length=1)


class Outranked(_Frozen):
    kind: Literal["outranked"] = "outranked"
    model: str = Field(min_length=1)


class EvidenceDrift(_Frozen):
    kind: Literal["evidence_drift"] = "evidence_drift"
    model: str = Field(min_length=1)
    vectors: tuple[str, ...] = Field(default=(), description="empty = every capability vector with weight > 0")


class SmaaShare(_Frozen):
    kind: Literal["smaa_share"] = "smaa_share"
    model: str = Field(min_length=1)
    min_share: float = Field(default=DEFAULT_MIN_SHARE, ge=0.0, le=1.0)


Trigger = Annotated[PriceChange | Deprecation | Dominated | Outranked | EvidenceDrift | SmaaShare,
                    Field(discriminator="kind")]


def describe(trigger: Trigger) -> str:
    """One line for people: what the trigger watches."""
    if isinstance(trigger, PriceChange):
        return f"price of {trigger.model} ({trigger.role}) moves by >= {trigger.threshold_pct:g}%"
    if isinstance(trigger, Deprecation):
        return f"{trigger.model} is deprecated within {trigger.within_days} days"
    if isinstance(trigger, Dominated):
        return f"a new or changed candidate Pareto-dominates {trigger.model}"
    if isinstance(trigger, Outranked):
        return f"another candidate now ranks first, or {trigger.model} is excluded"
    if isinstance(trigger, EvidenceDrift):
        scope = ", ".join(trigger.vectors) if trigger.vectors else "weighted capabilities"
        return f"new evidence on {trigger.model} ({scope}) excludes the recorded figure"
    return f"SMAA-2 first-rank share of {trigger.model} falls below {trigger.min_share:.0%}"


# --------------------------------------------------------------------------- the facts compared


class CandidateFacts(_Frozen):
    name: str
    input_per_mtok: float | None = None
    output_per_mtok: float | None = None
    deprecation_date: date | None = None
    capabilities: dict[str, float | None] = Field(default_factory=dict, description="value the ranking used")
    price_effective: date | None = Field(default=None, description="date of the price-history point in force")
    price_source: str = ""


class RankedFacts(_Frozen):
    name: str
    rank: int
    score: float
    values: dict[str, float | None] = Field(description="raw criterion values; None = unknown")


class Interval(_Frozen):
    value: float
    lower: float
    upper: float
    n: int


class Situation(_Frozen):
    """What a trigger looks at: candidates, the ranking under the record's profile, SMAA, evidence."""

    candidates: dict[str, CandidateFacts] = Field(default_factory=dict)
    rows: tuple[RankedFacts, ...] = ()
    excluded: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    directions: dict[str, Literal["benefit", "cost"]] = Field(default_factory=dict)
    weights: dict[str, float] = Field(default_factory=dict)
    smaa_first: dict[str, float] | None = None
    evidence: dict[str, dict[str, Interval]] = Field(default_factory=dict)

    @property
    def first(self) -> str | None:
        return self.rows[0].name if self.rows else None

    def row(self, name: str) -> RankedFacts | None:
        return next((r for r in self.rows if r.name == name), None)


class Outcome(_Frozen):
    trigger: Trigger
    status: Literal["fired", "quiet", "unknown"]
    summary: str
    then: dict[str, Any] = Field(default_factory=dict)
    now: dict[str, Any] = Field(default_factory=dict)


# --------------------------------------------------------------------------- drafting


def draft_triggers(chosen: str, rejected: Sequence[str], first_rank_share: float | None) -> tuple[Trigger, ...]:
    """Triggers drafted from a decision: the chosen model's price, deprecation, dominance, rank, evidence
    and SMAA share, and the price of every rejected alternative. The SMAA threshold is 0.5, or 0.1 below
    the chosen model's first-rank share at decision time when that was under 0.6 (so a fresh record does
    not fire at once)."""
    out: list[Trigger] = [PriceChange(model=chosen, role="chosen")]
    out += [PriceChange(model=name, role="rejected") for name in dict.fromkeys(rejected) if name != chosen]
    out += [Deprecation(model=chosen), Dominated(model=chosen), Outranked(model=chosen), EvidenceDrift(model=chosen)]
    share = first_rank_share
    threshold = DEFAULT_MIN_SHARE if share is None or share >= 0.6 else round(max(share - 0.1, 0.0), 2)
    out.append(SmaaShare(model=chosen, min_share=threshold))
    return tuple(out)


# --------------------------------------------------------------------------- evaluation


def _change_pct(old: float, new: float) -> float:
    if abs(old) < _EPS:
        return 0.0 if abs(new) < _EPS else math.inf
    return (new - old) / old * 100.0


def _price(trigger: PriceChange, then: Situation, now: Situation) -> Outcome:
    before, after = then.candidates.get(trigger.model), now.candidates.get(trigger.model)
    if after is None:
        return Outcome(trigger=trigger, status="unknown", summary=f"{trigger.model} is no longer in the workspace")
    pairs = {"input_per_mtok": (before.input_per_mtok if before else None, after.input_per_mtok),
             "output_per_mtok": (before.output_per_mtok if before else None, after.output_per_mtok)}
    known = {k: (a, b) for k, (a, b) in pairs.items() if a is not None and b is not None}
    then_v = {k: a for k, (a, _) in pairs.items()}
    now_v: dict[str, Any] = {k: b for k, (_, b) in pairs.items()}
    if not known:
        return Outcome(trigger=trigger, status="unknown", then=then_v, now=now_v,
                       summary=f"{trigger.model}: price unknown then or now")
    changes = {k: _change_pct(a, b) for k, (a, b) in known.items()}
    moved = {k: c for k, c in changes.items() if abs(c) >= trigger.threshold_pct}
    text = "; ".join(f"{k.split('_')[0]} ${known[k][0]:g} -> ${known[k][1]:g} per 1M ({c:+.1f}%)"
                     for k, c in changes.items())
    now_v |= {f"{k}_change_pct": (None if math.isinf(c) else round(c, 6)) for k, c in changes.items()}
    if after.price_effective is not None:
        now_v |= {"price_effective": after.price_effective.isoformat(), "price_source": after.price_source}
    status: Literal["fired", "quiet"] = "fired" if moved else "quiet"
    return Outcome(trigger=trigger, status=status, then=then_v, now=now_v, summary=f"{trigger.model}: {text}")


def _deprecation(trigger: Deprecation, now: Situation, today: date) -> Outcome:
    facts = now.candidates.get(trigger.model)
    if facts is None:
        return Outcome(trigger=trigger, status="unknown", summary=f"{trigger.model} is no longer in the workspace")
    when = facts.deprecation_date
    if when is None:
        return Outcome(trigger=trigger, status="quiet", summary=f"{trigger.model}: no deprecation date recorded",
                       now={"deprecation_date": None})
    days = (when - today).days
    status: Literal["fired", "quiet"] = "fired" if days <= trigger.within_days else "quiet"
    phrase = f"deprecated since {when.isoformat()}" if days < 0 else f"deprecated on {when.isoformat()} (in {days} days)"
    return Outcome(trigger=trigger, status=status, summary=f"{trigger.model}: {phrase}",
                   now={"deprecation_date": when.isoformat(), "days_left": days})


def _criteria(s: Situation) -> list[str]:
    """Weighted criteria the ranking can discriminate on: weight > 0 and known for at least one ranked
    candidate (a criterion nobody has a value for is inert in the ranking too)."""
    return [c for c, w in s.weights.items()
            if w > 0 and c in s.directions and any(r.values.get(c) is not None for r in s.rows)]


def dominates(a: Mapping[str, float | None], b: Mapping[str, float | None],
              directions: Mapping[str, str], criteria: Sequence[str]) -> bool:
    """Pareto: ``a`` at least as good as ``b`` on every criterion and strictly better on one. Any unknown
    value on either side: False (dominance is not established)."""
    strictly = False
    for c in criteria:
        x, y = a.get(c), b.get(c)
        if x is None or y is None:
            return False
        diff = (x - y) if directions[c] == "benefit" else (y - x)
        if diff < -_EPS * max(1.0, abs(x), abs(y)):
            return False
        if diff > _EPS * max(1.0, abs(x), abs(y)):
            strictly = True
    return strictly


def dominators(s: Situation, model: str) -> list[str]:
    target = s.row(model)
    if target is None:
        return []
    criteria = _criteria(s)
    return [r.name for r in s.rows if r.name != model and dominates(r.values, target.values, s.directions, criteria)]


def _dominated(trigger: Dominated, then: Situation, now: Situation) -> Outcome:
    if now.row(trigger.model) is None:
        return Outcome(trigger=trigger, status="unknown",
                       summary=f"{trigger.model} is not ranked now (excluded or gone), so dominance is not checked")
    before, after = set(dominators(then, trigger.model)), dominators(now, trigger.model)
    new = [n for n in after if n not in before]
    criteria = _criteria(now)
    chosen = now.row(trigger.model)
    assert chosen is not None
    detail = {n: {c: next(r for r in now.rows if r.name == n).values.get(c) for c in criteria} for n in new}
    now_v = {"dominated_by": new, "values": {trigger.model: {c: chosen.values.get(c) for c in criteria}, **detail}}
    if not new:
        return Outcome(trigger=trigger, status="quiet", then={"dominated_by": sorted(before)}, now=now_v,
                       summary=f"no new candidate dominates {trigger.model} on {len(criteria)} criteria")
    return Outcome(trigger=trigger, status="fired", then={"dominated_by": sorted(before)}, now=now_v,
                   summary=f"{', '.join(new)} now dominate(s) {trigger.model} on every weighted criterion "
                           f"({', '.join(criteria)})")


def _outranked(trigger: Outranked, then: Situation, now: Situation) -> Outcome:
    before = then.row(trigger.model)
    then_v = {"first": then.first, "rank": before.rank if before else None, "score": before.score if before else None}
    after = now.row(trigger.model)
    if after is None:
        reasons = list(now.excluded.get(trigger.model, ("no longer in the workspace",)))
        return Outcome(trigger=trigger, status="fired", then=then_v,
                       now={"first": now.first, "rank": None, "excluded": reasons},
                       summary=f"{trigger.model} is now excluded: {'; '.join(reasons)}")
    now_v = {"first": now.first, "rank": after.rank, "score": after.score,
             "first_score": now.rows[0].score if now.rows else None}
    if now.first in (trigger.model, then.first):
        return Outcome(trigger=trigger, status="quiet", then=then_v, now=now_v,
                       summary=f"{now.first} still ranks first; {trigger.model} ranks #{after.rank}")
    return Outcome(trigger=trigger, status="fired", then=then_v, now=now_v,
                   summary=f"{now.first} now ranks first (score {now.rows[0].score:.4f}); {trigger.model} ranks "
                           f"#{after.rank} (score {after.score:.4f}; then #{then_v['rank']})")


def _evidence(trigger: EvidenceDrift, then: Situation, now: Situation) -> Outcome:
    recorded = then.candidates.get(trigger.model)
    vectors = trigger.vectors or tuple(v for v in CAPABILITY_VECTORS if then.weights.get(v, 0.0) > 0)
    intervals = now.evidence.get(trigger.model, {})
    checked: dict[str, Any] = {}
    drifted: list[str] = []
    for v in vectors:
        figure = recorded.capabilities.get(v) if recorded else None
        ev = intervals.get(v)
        if figure is None or ev is None:
            continue
        checked[v] = {"recorded": figure, "value": ev.value, "lower": ev.lower, "upper": ev.upper, "n": ev.n}
        if figure < ev.lower - _EPS or figure > ev.upper + _EPS:
            drifted.append(f"{v}: recorded {figure:.3f} outside [{ev.lower:.3f}, {ev.upper:.3f}] (n={ev.n})")
    then_v = {v: c["recorded"] for v, c in checked.items()}
    if not checked:
        return Outcome(trigger=trigger, status="unknown",
                       summary=f"no evidence interval for {trigger.model} on the watched capabilities")
    status: Literal["fired", "quiet"] = "fired" if drifted else "quiet"
    summary = "; ".join(drifted) if drifted else f"{len(checked)} recorded figure(s) inside the current intervals"
    return Outcome(trigger=trigger, status=status, then=then_v, now=checked, summary=f"{trigger.model}: {summary}")


def _smaa(trigger: SmaaShare, then: Situation, now: Situation) -> Outcome:
    before = (then.smaa_first or {}).get(trigger.model)
    if now.smaa_first is None:
        return Outcome(trigger=trigger, status="unknown", summary="SMAA-2 could not be run on the current workspace")
    share = now.smaa_first.get(trigger.model, 0.0)
    status: Literal["fired", "quiet"] = "fired" if share < trigger.min_share else "quiet"
    was = f"{before:.0%}" if before is not None else "unknown"
    return Outcome(trigger=trigger, status=status, then={"first_rank_share": before},
                   now={"first_rank_share": share, "min_share": trigger.min_share},
                   summary=f"{trigger.model} ranks first in {share:.0%} of sampled weightings (then {was}; "
                           f"threshold {trigger.min_share:.0%})")


def evaluate(trigger: Trigger, then: Situation, now: Situation, today: date) -> Outcome:
    """Evaluate one trigger."""
    if isinstance(trigger, PriceChange):
        return _price(trigger, then, now)
    if isinstance(trigger, Deprecation):
        return _deprecation(trigger, now, today)
    if isinstance(trigger, Dominated):
        return _dominated(trigger, then, now)
    if isinstance(trigger, Outranked):
        return _outranked(trigger, then, now)
    if isinstance(trigger, EvidenceDrift):
        return _evidence(trigger, then, now)
    return _smaa(trigger, then, now)


def evaluate_all(triggers: Sequence[Trigger], then: Situation, now: Situation, today: date) -> list[Outcome]:
    return [evaluate(t, then, now, today) for t in triggers]


def needs_smaa(triggers: Sequence[Trigger]) -> bool:
    return any(isinstance(t, SmaaShare) for t in triggers)
