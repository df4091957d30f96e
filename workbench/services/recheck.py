"""Recheck accepted decision records against the current workspace (``workbench recheck``, Overview, Decision).

For every accepted record (optionally of one profile):

* **then** = the record's decision snapshot: the candidates as they were (prices, capability values the ranking
  used), the ranking under the record's effective profile, the SMAA-2 first-rank shares;
* **now** = the workspace today, ranked under the *same* effective profile and method (the snapshot's), with
  the profile's current evidence applied; SMAA-2 is re-run with the snapshot's samples, spread and seed only
  when a ``smaa_share`` trigger asks for it;
* the record's own ``rollout.reconsideration_triggers`` are evaluated (:mod:`workbench.domain.triggers`); a
  record that carries none (drafted before triggers existed) is checked with the drafted defaults.

Price basis: the prices recorded in the snapshot (what the decision actually used) against the candidate's
current price in the workspace; when the price history (``store.prices``) holds the current price, the fired
trigger also says since when (``price_effective``) and from which file (``price_source``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine

from workbench.domain.mdr import MDRStatus
from workbench.domain.models import CAPABILITY_VECTORS, RATING_VALUE, Candidate, Profile
from workbench.domain.triggers import (
    CandidateFacts,
    Interval,
    Outcome,
    RankedFacts,
    Situation,
    Trigger,
    describe,
    draft_triggers,
    evaluate_all,
    needs_smaa,
)
from workbench.services.decide import (
    Decision,
    build_matrix,
    candidates_with_evidence,
    rank_decision,
    robustness,
)
from workbench.store.decisions import DecisionRecord, list_decisions
from workbench.store.prices import price_history
from workbench.store.workspace import get_profile, list_candidates, profile_by_name

PRICE_BASIS = "snapshot"


@dataclass(frozen=True)
class RecordCheck:
    record: DecisionRecord
    chosen: str
    source: str  # "record" (its own triggers) or "default" (drafted from its snapshot)
    outcomes: list[Outcome] = field(default_factory=list)
    error: str | None = None

    @property
    def fired(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "fired"]

    def as_json(self) -> dict[str, Any]:
        return {
            "record": self.record.mdr_id, "id": self.record.id, "title": self.record.record.title,
            "profile": self.record.record.profile_name, "chosen": self.chosen, "triggers_source": self.source,
            "fired": len(self.fired), "error": self.error,
            "outcomes": [{"kind": o.trigger.kind, "model": o.trigger.model, "status": o.status,
                          "trigger": describe(o.trigger), "summary": o.summary, "then": o.then, "now": o.now,
                          "spec": o.trigger.model_dump(mode="json")} for o in self.outcomes],
        }


@dataclass(frozen=True)
class RecheckReport:
    today: date
    checks: list[RecordCheck]

    @property
    def fired(self) -> int:
        return sum(len(c.fired) for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "price_basis": PRICE_BASIS, "records_checked": len(self.checks),
                "fired": self.fired, "records": [c.as_json() for c in self.checks]}


# --------------------------------------------------------------------------- situations


def _facts(candidate: Candidate) -> CandidateFacts:
    caps: dict[str, float | None] = {v: candidate.capability_value(v) for v in CAPABILITY_VECTORS}
    pricing = candidate.pricing
    deprecation = getattr(candidate, "deprecation_date", None)
    return CandidateFacts(name=candidate.name, capabilities=caps,
                          input_per_mtok=pricing.input_per_mtok if pricing else None,
                          output_per_mtok=pricing.output_per_mtok if pricing else None,
                          deprecation_date=deprecation if isinstance(deprecation, date) else None)


def _raw_facts(raw: dict[str, Any]) -> CandidateFacts:
    """Facts from a snapshot's candidate (validated as a Candidate when possible, read loosely otherwise, so a
    snapshot written by an older version still gives its prices)."""
    try:
        return _facts(Candidate.model_validate(raw))
    except ValidationError:
        pricing = raw.get("pricing") or {}
        caps = {}
        for v, c in (raw.get("capabilities") or {}).items():
            c = c or {}
            caps[v] = c.get("measured") if c.get("measured") is not None else RATING_VALUE.get(c.get("rating") or "")
        return CandidateFacts(name=str(raw.get("name")), capabilities=caps,
                              input_per_mtok=pricing.get("input_per_mtok"), output_per_mtok=pricing.get("output_per_mtok"))


def _ranking_facts(ranking: dict[str, Any]) -> dict[str, Any]:
    return {
        "rows": tuple(RankedFacts(name=r["name"], rank=r["rank"], score=r["score"], values=r.get("values", {}))
                      for r in ranking.get("rows", [])),
        "excluded": {e["name"]: tuple(e.get("reasons", ())) for e in ranking.get("excluded", [])},
        "directions": ranking.get("directions", {}),
        "weights": ranking.get("weights", {}),
    }


def then_situation(snapshot: dict[str, Any]) -> Situation:
    results = snapshot.get("results", {})
    smaa = results.get("smaa")
    return Situation(
        candidates={c["name"]: _raw_facts(c) for c in snapshot.get("candidates", [])},
        smaa_first={c["name"]: c["first_rank"] for c in smaa.get("candidates", [])} if smaa else None,
        **_ranking_facts(results.get("ranking", {})),
    )


def _dated(engine: Engine, facts: dict[str, CandidateFacts], names: set[str]) -> dict[str, CandidateFacts]:
    """Date the current price of the watched candidates from the price history (the point whose pricing is the
    candidate's current one), so a fired price trigger says since when and from which file."""
    ids = {r.model.name: r.id for r in list_candidates(engine) if r.model.name in names}
    out = dict(facts)
    for name, id_ in ids.items():
        current = facts.get(name)
        points = [p for p in price_history(engine, id_)
                  if current is not None and p.pricing.input_per_mtok == current.input_per_mtok
                  and p.pricing.output_per_mtok == current.output_per_mtok]
        if current is not None and points:
            out[name] = current.model_copy(update={"price_effective": points[-1].effective,
                                                   "price_source": points[-1].source})
    return out


def now_situation(engine: Engine, rec: DecisionRecord, with_smaa: bool, priced: set[str] | None = None) -> Situation:
    """The workspace today under the record's effective profile and method (from its snapshot)."""
    snapshot = rec.snapshot
    profile_record = get_profile(engine, rec.profile_id)
    effective = Profile.model_validate(snapshot["profile"]["effective"])
    method = snapshot["method"]["ranking_method"]
    candidates, evidence = candidates_with_evidence(engine, profile_record)
    matrix = build_matrix(effective, list(candidates))
    ranking = rank_decision(matrix, candidates, effective, method)
    smaa_first = None
    if with_smaa:
        cfg = snapshot["method"].get("smaa") or {}
        decision = Decision(profile_record, None, effective, candidates, method, matrix, ranking, tuple(evidence))
        result = robustness(decision, int(cfg.get("n_samples", 2000)), int(cfg.get("seed", snapshot.get("smaa_seed") or 0)),
                            float(cfg.get("spread", 0.5)))
        smaa_first = {c.name: c.first_rank for c in result.candidates}
    intervals: dict[str, dict[str, Interval]] = {}
    for ev in evidence:
        intervals.setdefault(ev.candidate, {})[ev.vector] = Interval(value=ev.value, lower=ev.lower, upper=ev.upper,
                                                                     n=ev.n)
    facts = _dated(engine, {c.name: _facts(c) for c in candidates}, priced or set())
    return Situation(candidates=facts, smaa_first=smaa_first, evidence=intervals,
                     **_ranking_facts(ranking.model_dump(mode="json")))


# --------------------------------------------------------------------------- records


def triggers_of(rec: DecisionRecord) -> tuple[str, tuple[Trigger, ...]]:
    """The record's own triggers, or the defaults drafted from its snapshot (source ``default``)."""
    own = tuple(getattr(rec.record.body.rollout, "reconsideration_triggers", ()) or ())
    if own:
        return "record", own
    chosen = chosen_model(rec)
    rejected = [a.name for a in rec.record.body.alternatives.alternatives]
    smaa = (rec.snapshot.get("results") or {}).get("smaa") or {}
    share = next((c["first_rank"] for c in smaa.get("candidates", []) if c.get("name") == chosen), None)
    return "default", draft_triggers(chosen, rejected, share) if chosen else ()


def chosen_model(rec: DecisionRecord) -> str:
    return rec.record.body.selection.selected_model.strip() or str((rec.snapshot.get("results") or {}).get("selected") or "")


def check_record(engine: Engine, rec: DecisionRecord, today: date) -> RecordCheck:
    source, triggers = triggers_of(rec)
    chosen = chosen_model(rec)
    try:
        then = then_situation(rec.snapshot)
        now = now_situation(engine, rec, needs_smaa(triggers), {t.model for t in triggers if t.kind == "price_change"})
    except (KeyError, TypeError, ValueError) as exc:
        return RecordCheck(rec, chosen, source, error=f"{rec.mdr_id}: its snapshot cannot be re-ranked ({exc})")
    return RecordCheck(rec, chosen, source, evaluate_all(triggers, then, now, today))


def recheck(engine: Engine, today: date, profile_name: str | None = None) -> RecheckReport:
    """Evaluate every accepted record (of one profile, if named) against the current workspace."""
    profile_id = profile_by_name(engine, profile_name).id if profile_name else None
    records = [r for r in list_decisions(engine, profile_id) if r.status == MDRStatus.accepted]
    return RecheckReport(today, [check_record(engine, r, today) for r in sorted(records, key=lambda r: r.number)])
