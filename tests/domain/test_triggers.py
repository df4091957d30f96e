"""Re-evaluation triggers: each kind fires on a worked example and stays quiet just inside its threshold."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from workbench.domain.triggers import (
    CandidateFacts,
    Deprecation,
    Dominated,
    EvidenceDrift,
    Interval,
    Outranked,
    PriceChange,
    RankedFacts,
    Situation,
    SmaaShare,
    Trigger,
    dominates,
    draft_triggers,
    evaluate,
    evaluate_all,
)

TODAY = date(2026, 12, 6)
DIRS = {"schema_adherence": "benefit", "cost_per_success": "cost", "latency": "cost"}
WEIGHTS = {"schema_adherence": 0.5, "cost_per_success": 0.3, "latency": 0.2}


def _situation(rows: list[tuple[str, float, float | None, float | None]], **kw) -> Situation:
    """rows: (name, schema_adherence, cost_per_success, latency), already in rank order."""
    ranked = tuple(RankedFacts(name=n, rank=i + 1, score=1.0 - i / 10,
                               values={"schema_adherence": q, "cost_per_success": c, "latency": lat})
                   for i, (n, q, c, lat) in enumerate(rows))
    return Situation(rows=ranked, directions=DIRS, weights=WEIGHTS, **kw)


# --------------------------------------------------------------------------- price


def _prices(name: str, i: float, o: float) -> dict[str, CandidateFacts]:
    return {name: CandidateFacts(name=name, input_per_mtok=i, output_per_mtok=o)}


def test_price_change_fires_when_a_price_halves_and_reports_both_values():
    then, now = Situation(candidates=_prices("B", 3.0, 15.0)), Situation(candidates=_prices("B", 1.5, 15.0))
    out = evaluate(PriceChange(model="B", threshold_pct=20), then, now, TODAY)
    assert out.status == "fired"
    assert out.then["input_per_mtok"] == 3.0 and out.now["input_per_mtok"] == 1.5
    assert out.now["input_per_mtok_change_pct"] == pytest.approx(-50.0)
    assert "$3 -> $1.5" in out.summary and "-50.0%" in out.summary


def test_price_change_below_the_threshold_is_quiet_and_the_threshold_itself_fires():
    then = Situation(candidates=_prices("B", 10.0, 10.0))
    assert evaluate(PriceChange(model="B"), then, Situation(candidates=_prices("B", 11.9, 10.0)), TODAY).status == "quiet"
    assert evaluate(PriceChange(model="B"), then, Situation(candidates=_prices("B", 12.0, 10.0)), TODAY).status == "fired"


def test_price_of_a_model_that_left_the_workspace_is_unknown_not_fired():
    out = evaluate(PriceChange(model="B"), Situation(candidates=_prices("B", 1, 1)), Situation(), TODAY)
    assert out.status == "unknown" and "no longer" in out.summary


def test_a_price_appearing_where_it_was_zero_is_an_infinite_change():
    out = evaluate(PriceChange(model="B"), Situation(candidates=_prices("B", 0.0, 1.0)),
                   Situation(candidates=_prices("B", 0.5, 1.0)), TODAY)
    assert out.status == "fired" and out.now["input_per_mtok_change_pct"] is None


# --------------------------------------------------------------------------- deprecation


def test_deprecation_within_the_window_fires_and_outside_is_quiet():
    def now(d):
        return Situation(candidates={"A": CandidateFacts(name="A", deprecation_date=d)})

    trig = Deprecation(model="A", within_days=90)
    assert evaluate(trig, Situation(), now(date(2027, 3, 6)), TODAY).status == "fired"  # 90 days
    assert evaluate(trig, Situation(), now(date(2027, 3, 7)), TODAY).status == "quiet"  # 91 days
    past = evaluate(trig, Situation(), now(date(2026, 1, 1)), TODAY)
    assert past.status == "fired" and "since 2026-01-01" in past.summary
    assert evaluate(trig, Situation(), now(None), TODAY).status == "quiet"


# --------------------------------------------------------------------------- dominance


def test_dominates_is_direction_aware_and_needs_one_strict_improvement():
    crit = list(DIRS)
    a = {"schema_adherence": 1.0, "cost_per_success": 0.001, "latency": 900.0}
    b = {"schema_adherence": 0.5, "cost_per_success": 0.002, "latency": 900.0}
    assert dominates(a, b, DIRS, crit)
    assert not dominates(b, a, DIRS, crit)
    assert not dominates(a, dict(a), DIRS, crit)  # equal everywhere: no strict improvement
    assert not dominates({**a, "latency": None}, b, DIRS, crit)  # unknown: dominance not established


def test_a_new_dominating_candidate_fires_and_an_old_one_does_not():
    then = _situation([("A", 0.8, 0.002, 1000.0), ("B", 0.5, 0.001, 800.0)])
    now = _situation([("N", 0.9, 0.001, 700.0), ("A", 0.8, 0.002, 1000.0), ("B", 0.5, 0.001, 800.0)])
    out = evaluate(Dominated(model="A"), then, now, TODAY)
    assert out.status == "fired" and out.now["dominated_by"] == ["N"]
    assert out.now["values"]["N"]["cost_per_success"] == 0.001
    # the same dominator already present when the decision was made: nothing new
    assert evaluate(Dominated(model="A"), now, now, TODAY).status == "quiet"


def test_a_better_candidate_that_is_worse_on_one_weighted_criterion_does_not_dominate():
    then = _situation([("A", 0.8, 0.002, 1000.0)])
    now = _situation([("N", 1.0, 0.001, 1001.0), ("A", 0.8, 0.002, 1000.0)])
    assert evaluate(Dominated(model="A"), then, now, TODAY).status == "quiet"


def test_a_criterion_with_zero_weight_is_not_part_of_the_dominance_check():
    weights = {**WEIGHTS, "latency": 0.0}
    then = Situation(rows=(RankedFacts(name="A", rank=1, score=1, values={"schema_adherence": 0.8,
                     "cost_per_success": 0.002, "latency": 1.0}),), directions=DIRS, weights=weights)
    now = Situation(rows=(RankedFacts(name="N", rank=1, score=1, values={"schema_adherence": 0.9,
                    "cost_per_success": 0.001, "latency": 5000.0}), *then.rows), directions=DIRS, weights=weights)
    assert evaluate(Dominated(model="A"), then, now, TODAY).status == "fired"


# --------------------------------------------------------------------------- rank


def test_outranked_fires_for_a_new_leader_and_for_exclusion_but_not_for_the_old_leader():
    then = _situation([("A", 0.8, 0.002, 1000.0), ("B", 0.5, 0.001, 800.0)])
    new_leader = _situation([("C", 0.9, 0.001, 700.0), ("A", 0.8, 0.002, 1000.0)])
    out = evaluate(Outranked(model="A"), then, new_leader, TODAY)
    assert out.status == "fired" and out.now["first"] == "C" and out.now["rank"] == 2 and out.then["rank"] == 1
    excluded = Situation(rows=new_leader.rows[:1], excluded={"A": ("cost $0.01 > ceiling $0.005",)},
                         directions=DIRS, weights=WEIGHTS)
    out = evaluate(Outranked(model="A"), then, excluded, TODAY)
    assert out.status == "fired" and "ceiling" in out.summary
    # the team chose B (ranked #2); A still ranks first: nothing new
    assert evaluate(Outranked(model="B"), then, then, TODAY).status == "quiet"


# --------------------------------------------------------------------------- evidence and SMAA


def test_evidence_interval_excluding_the_recorded_figure_fires():
    then = Situation(candidates={"A": CandidateFacts(name="A", capabilities={"schema_adherence": 1.0})},
                     weights=WEIGHTS, directions=DIRS)
    inside = Situation(evidence={"A": {"schema_adherence": Interval(value=0.97, lower=0.93, upper=1.0, n=100)}})
    outside = Situation(evidence={"A": {"schema_adherence": Interval(value=0.7, lower=0.61, upper=0.78, n=100)}})
    assert evaluate(EvidenceDrift(model="A"), then, inside, TODAY).status == "quiet"
    out = evaluate(EvidenceDrift(model="A"), then, outside, TODAY)
    assert out.status == "fired" and "recorded 1.000 outside [0.610, 0.780]" in out.summary
    assert evaluate(EvidenceDrift(model="A"), then, Situation(), TODAY).status == "unknown"


def test_smaa_share_below_the_threshold_fires():
    then = Situation(smaa_first={"A": 0.87})
    assert evaluate(SmaaShare(model="A", min_share=0.5), then, Situation(smaa_first={"A": 0.49}), TODAY).status == "fired"
    assert evaluate(SmaaShare(model="A", min_share=0.5), then, Situation(smaa_first={"A": 0.5}), TODAY).status == "quiet"
    assert evaluate(SmaaShare(model="A"), then, Situation(), TODAY).status == "unknown"


# --------------------------------------------------------------------------- drafting and the stored form


def test_drafted_triggers_cover_the_chosen_model_and_every_rejected_price():
    triggers = draft_triggers("A", ["B", "C", "A", "B"], 0.87)
    kinds = [(t.kind, t.model) for t in triggers]
    assert ("price_change", "A") in kinds and ("price_change", "B") in kinds and ("price_change", "C") in kinds
    assert len([k for k in kinds if k == ("price_change", "B")]) == 1
    assert {"deprecation", "dominated", "outranked", "evidence_drift", "smaa_share"} <= {k for k, _ in kinds}
    smaa = next(t for t in triggers if isinstance(t, SmaaShare))
    assert smaa.min_share == 0.5
    low = next(t for t in draft_triggers("A", [], 0.42) if isinstance(t, SmaaShare))
    assert low.min_share == 0.32  # a fresh record with a 42% share must not fire at once


def test_fresh_decision_is_quiet_against_itself():
    then = _situation([("A", 0.8, 0.002, 1000.0), ("B", 0.5, 0.001, 800.0)],
                      candidates={**_prices("A", 1, 2), **_prices("B", 3, 4)}, smaa_first={"A": 0.8, "B": 0.2})
    outcomes = evaluate_all(draft_triggers("A", ["B"], 0.8), then, then, TODAY)
    assert [o.status for o in outcomes if o.status == "fired"] == []


def test_triggers_validate_as_a_tagged_union_with_named_fields():
    adapter = TypeAdapter(Trigger)
    assert isinstance(adapter.validate_python({"kind": "price_change", "model": "B", "threshold_pct": 30}), PriceChange)
    with pytest.raises(ValidationError, match="threshold_pct"):
        adapter.validate_python({"kind": "price_change", "model": "B", "threshold_pct": -1})
    with pytest.raises(ValidationError):
        adapter.validate_python({"kind": "moon_phase", "model": "B"})


def test_a_record_body_without_triggers_serialises_as_before_and_with_them_round_trips():
    from workbench.domain.mdr import MDRBody

    assert "reconsideration_triggers" not in MDRBody().model_dump(mode="json")["rollout"]  # old digests hold
    body = MDRBody.model_validate({"rollout": {"reconsideration_triggers": [{"kind": "outranked", "model": "A"},
                                                                            {"kind": "price_change", "model": "B"}]}})
    assert MDRBody.model_validate(body.model_dump(mode="json")) == body
    assert [t.kind for t in body.rollout.reconsideration_triggers] == ["outranked", "price_change"]


def test_a_criterion_nobody_has_a_value_for_is_inert_but_one_side_unknown_blocks_dominance():
    then = _situation([("A", 0.8, 0.002, None)])
    twin = _situation([("N", 0.8, 0.001, None), ("A", 0.8, 0.002, None)])
    assert evaluate(Dominated(model="A"), then, twin, TODAY).status == "fired"  # latency unknown for all: inert
    measured = _situation([("N", 0.8, 0.001, 500.0), ("A", 0.8, 0.002, None)])
    assert evaluate(Dominated(model="A"), then, measured, TODAY).status == "quiet"  # A's latency could be better
