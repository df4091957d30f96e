"""The Overview dashboard: per profile, its current winner, its latest decision record, fired triggers, next step.

One row per profile, computed from the same use cases the pages use: the winner is
:func:`workbench.services.decide.decide` (the profile as saved, its default method), the triggers are
:func:`workbench.services.recheck.check_record` on the profile's accepted record (as ``workbench recheck``), and the
record is the profile's newest (highest number). Nothing here is a guess: an unranked profile says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from workbench.domain.mdr import MDRStatus
from workbench.services.decide import decide
from workbench.services.recheck import check_record
from workbench.store.decisions import DecisionRecord, list_decisions
from workbench.store.workspace import list_profiles


@dataclass(frozen=True)
class NextStep:
    text: str
    page: str  # url_path of the page that does it (workbench.ui.registry)


@dataclass(frozen=True)
class ProfileStatus:
    profile: str
    winner: str | None
    runner_up: str | None
    margin: float | None  # winner's score minus the runner-up's (same method, 0-1 scale)
    method: str
    ranked: int
    excluded: int
    ranking_problem: str | None  # why there is no winner
    record: str | None  # newest record's id (MDR-0003), None = no record yet
    record_status: str | None
    record_model: str | None  # the model that record selects
    integrity: str | None  # "ok", or the accepted record's integrity problem
    accepted: str | None  # the accepted record the triggers were checked on
    fired: tuple[str, ...] = ()  # summaries of the fired reconsideration triggers
    checked: int = 0  # triggers evaluated
    trigger_problem: str | None = None
    next_step: NextStep = field(default_factory=lambda: NextStep("Open Trade-offs", "tradeoffs"))


def _next_step(s: ProfileStatus) -> NextStep:
    """The one thing to do next for a profile, most urgent first."""
    if s.winner is None:
        return NextStep("No candidate passes the hard constraints: relax them or add candidates", "profiles")
    if s.integrity not in (None, "ok"):
        return NextStep(f"{s.record} fails its integrity check: verify it and supersede it", "verify")
    if s.fired:
        return NextStep(f"{len(s.fired)} trigger(s) fired on {s.accepted}: review and supersede", "decision")
    if s.record is None:
        return NextStep(f"Review the trade-offs, then draft the decision record for {s.winner}", "tradeoffs")
    if s.record_status in (MDRStatus.draft.value, MDRStatus.proposed.value):
        verb = "finish and propose" if s.record_status == MDRStatus.draft.value else "accept (or reject)"
        return NextStep(f"{s.record} is {s.record_status}: {verb} it", "decision")
    if s.accepted and s.record_model and s.record_model != s.winner:
        return NextStep(f"The winner is now {s.winner}, not {s.record_model}: review the trade-offs", "tradeoffs")
    if s.accepted:
        return NextStep(f"{s.accepted} holds: nothing to do", "decision")
    return NextStep(f"{s.record} is {s.record_status}: draft a new record", "decision")


def _record_part(engine: Engine, records: list[DecisionRecord], today: date) -> dict[str, object]:
    if not records:
        return {"record": None, "record_status": None, "record_model": None, "integrity": None, "accepted": None}
    newest = records[0]
    out: dict[str, object] = {
        "record": newest.mdr_id, "record_status": newest.status.value,
        "record_model": newest.record.body.selection.selected_model.strip() or None,
        "integrity": newest.integrity or "ok", "accepted": None,
    }
    accepted = next((r for r in records if r.status == MDRStatus.accepted), None)
    if accepted is not None:
        check = check_record(engine, accepted, today)
        out.update(accepted=accepted.mdr_id, fired=tuple(o.summary for o in check.fired),
                   checked=len(check.outcomes), trigger_problem=check.error)
        if accepted.integrity:
            out["integrity"] = accepted.integrity
        if newest is not accepted:
            out["record_model"] = out["record_model"] or accepted.record.body.selection.selected_model.strip()
    return out


def profile_statuses(engine: Engine, today: date) -> list[ProfileStatus]:
    """One :class:`ProfileStatus` per profile, in profile-name order."""
    out = []
    for profile in sorted(list_profiles(engine), key=lambda p: p.model.name):
        try:
            decision = decide(engine, profile.model.name)
            rows, problem = decision.ranking.rows, None
            excluded, method = len(decision.ranking.excluded), decision.ranking.method_label
        except (ValueError, KeyError) as exc:  # a profile the ranking refuses says why instead of a winner
            rows, problem, excluded, method = [], str(exc), 0, ""
        if not rows and problem is None:
            problem = f"every candidate is excluded ({excluded})"
        status = ProfileStatus(
            profile=profile.model.name, winner=rows[0].name if rows else None,
            runner_up=rows[1].name if len(rows) > 1 else None,
            margin=rows[0].score - rows[1].score if len(rows) > 1 else None,
            method=method, ranked=len(rows), excluded=excluded, ranking_problem=problem,
            **_record_part(engine, list_decisions(engine, profile.id), today),  # type: ignore[arg-type]
        )
        out.append(_replace_next(status))
    return out


def _replace_next(s: ProfileStatus) -> ProfileStatus:
    from dataclasses import replace

    return replace(s, next_step=_next_step(s))
