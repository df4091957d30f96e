"""Decision records as use cases: draft a record from the workbench, supersede one, and take it through its
lifecycle (the page's buttons and ``workbench mdr ...`` call these).

:func:`gather` collects what the record is drafted from, for one profile (and optionally one scenario):

* the ranking (:func:`workbench.services.decide.decide`) and the SMAA-2 first-rank acceptability
  (:func:`workbench.services.decide.robustness`, seeded, so it reproduces);
* excluded candidates with their violated constraints (section 4);
* the selected model's economics, vLLM flags, topology, evidence lines and linter findings
  (:mod:`workbench.services.record_inputs`).

:func:`draft_from_workspace` turns that into :func:`workbench.domain.mdr.draft_mdr` + a snapshot
(:func:`workbench.domain.snapshot.make_snapshot`) and stores the draft. Re-ranking a snapshot is
:mod:`workbench.services.restore`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine

from workbench.domain.decision_matrix import RankingResult
from workbench.domain.evidence import CapabilityEvidence
from workbench.domain.linter import Finding
from workbench.domain.mdr import (
    MDR,
    FailureTable,
    MDRError,
    MDRStatus,
    draft_mdr,
    parse_failure_table,
    set_field,
    with_people,
)
from workbench.domain.mdr.changes import carry_forward, changes_between
from workbench.domain.smaa import SmaaResult
from workbench.domain.snapshot import SnapshotError, make_snapshot
from workbench.domain.triggers import draft_triggers
from workbench.io.gpus import load_gpu_catalog
from workbench.io.json_text import JsonInputError, load_json
from workbench.io.shipped import reference_table
from workbench.services.decide import DEFAULT_SMAA_SEED, VALUE_DRAWS, Decision, decide, robustness
from workbench.services.record_inputs import (
    GpuFitOutcome,
    evidence_summary,
    gpu_fit_for,
    linter_findings,
    measured_p95_ms,
    selected_economics,
    topology_for,
)
from workbench.services.signing import _app_version
from workbench.store.decisions import (
    DecisionRecord,
    create_decision,
    get_decision,
    save_decision,
    transition_decision,
)
from workbench.store.evidence import evidence_for_profile

DEFAULT_SAMPLES = 2_000
DEFAULT_SPREAD = 0.5
DRAFT_ID = "MDR-DRAFT"  # replaced by the store's number


class DraftError(ValueError):
    """The record cannot be drafted (the message says what to do)."""


def load_failure_table() -> FailureTable:
    """The seed's Failure Tolerance Profile as shipped (``data/failure_tolerance.json``)."""
    return parse_failure_table(reference_table("failure_tolerance"), "data/failure_tolerance.json")


@dataclass(frozen=True)
class DraftInputs:
    """Everything the record is drafted from (one profile, optionally one scenario)."""

    decision: Decision
    smaa: SmaaResult
    smaa_samples: int
    smaa_spread: float
    smaa_seed: int
    selected: str | None
    economics: dict[str, float]
    economics_notes: list[str]
    gpu: GpuFitOutcome
    evidence_lines: list[str]
    evidence_metrics: dict[str, str]
    benchmark_references: list[str]
    findings: list[Finding]
    capability_evidence: list[CapabilityEvidence] = field(default_factory=list)
    latency_p95_ms: float | None = None
    latency_measured: bool = False
    ttft_p95_ms: float | None = None


# --------------------------------------------------------------------------- gather + draft


def gather(
    engine: Engine, profile_name: str, scenario_name: str | None = None, *,
    samples: int | None = None, seed: int | None = None, spread: float | None = None,
) -> DraftInputs:
    """Collect the ranking and everything the seven sections are drafted from."""
    decision = decide(engine, profile_name, scenario_name)
    scenario = decision.scenario.model if decision.scenario else None
    n = samples or (scenario.smaa_samples if scenario else DEFAULT_SAMPLES)
    s = seed if seed is not None else (scenario.smaa_seed if scenario else DEFAULT_SMAA_SEED)
    sp = spread if spread is not None else (scenario.smaa_spread if scenario else DEFAULT_SPREAD)
    capability = list(decision.evidence)
    smaa = robustness(decision, n, s, sp)
    ranking = decision.ranking
    selected = ranking.winner
    profile = decision.effective
    runs = evidence_for_profile(engine, decision.profile.id)
    order = [r.name for r in ranking.rows] + [e.name for e in ranking.excluded]
    lines, metrics, refs = evidence_summary(runs, order, selected)
    if selected is None:
        return DraftInputs(decision, smaa, n, sp, s, None, {}, [], GpuFitOutcome(missing="no candidate was selected"),
                           lines, metrics, refs, [], capability)
    candidate = next(c for c in decision.candidates if c.name == selected)
    economics, notes = selected_economics(decision.candidates, profile, selected)
    gpu = gpu_fit_for(candidate, profile)
    if gpu.topology is None:
        gpu = GpuFitOutcome(flags=gpu.flags, fit=gpu.fit, missing=gpu.missing, topology=topology_for(candidate, profile))
    p95 = measured_p95_ms(runs, selected)
    measured = p95 is not None
    if p95 is None:
        p95 = ranking.rows[0].latency_p95_ms
    if "target_latency_p95" not in metrics:
        row = ranking.rows[0]
        if row.latency_p95_ms is not None:
            metrics["target_latency_p95"] = (f"{row.latency_p95_ms:,.0f} ms estimated (catalog TTFT p95 + decode "
                                             "time; not measured: run shadow traffic to measure it)")
    findings = linter_findings(profile, selected, runs)
    return DraftInputs(decision, smaa, n, sp, s, selected, economics, notes, gpu, lines, metrics, refs, findings,
                       capability, p95, measured, candidate.latency.ttft_p95_ms)


def snapshot_for(inputs: DraftInputs, *, created_at: str | None = None) -> dict[str, Any]:
    """The decision snapshot: every input and result needed to reproduce the ranking (and SMAA) exactly."""
    d = inputs.decision
    ranking = d.ranking
    costs = {row.name: row.cost_per_success for row in ranking.rows}
    return make_snapshot(
        profile={"name": d.profile.model.name, "stored": d.profile.model, "stored_version": d.profile.version,
                 "effective": d.effective},
        candidates=list(d.candidates),
        method={
            "ranking_method": d.method, "method_label": ranking.method_label, "normalisation": ranking.normalisation,
            "tie_break": ranking.tie_break, "imputation_policy": ranking.imputation_policy,
            "weights": d.effective.weights, "constraints": d.effective.constraints,
            "cost_model": "workbench.domain.economics.cost_per_success_for(candidates, effective.workload)",
            "smaa": {"n_samples": inputs.smaa_samples, "spread": inputs.smaa_spread, "seed": inputs.smaa_seed,
                     "uniform": False, "value_draws": VALUE_DRAWS,
                     "capability_evidence": inputs.capability_evidence},
            # the GPU-fit hard constraint is checked against this catalog (None: no such constraint)
            "gpu_catalog": load_gpu_catalog() if d.effective.constraints.gpu_fit else None,
        },
        results={"ranking": ranking, "smaa": inputs.smaa, "selected": inputs.selected,
                 "cost_per_success_usd": costs},
        smaa_seed=inputs.smaa_seed,
        created_at=created_at or datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        app_version=_app_version(),
        extra={
            "scenario": d.scenario.model if d.scenario else None,
            "economics": {"selected": inputs.selected, "figures_usd": inputs.economics,
                          "notes": inputs.economics_notes},
            "gpu_fit": {"flags": inputs.gpu.flags, "fit": inputs.gpu.fit, "missing": inputs.gpu.missing},
            "evidence": inputs.evidence_lines,
            "linter": inputs.findings,
        },
    )


def draft_record(inputs: DraftInputs, *, today: date | None = None, decision_makers: tuple[str, ...] = ()) -> MDR:
    """The seven-section draft (id ``MDR-DRAFT`` until the store numbers it)."""
    d = inputs.decision
    ranking = d.ranking
    first = {c.name: c.first_rank for c in inputs.smaa.candidates}
    try:
        record = draft_mdr(
            record_id=DRAFT_ID,
            profile=d.effective,
            ranked=[(row.name, row.score) for row in ranking.rows],
            excluded={e.name: e.reasons for e in ranking.excluded},
            economics=inputs.economics,
            vllm_flags=inputs.gpu.flags,
            topology=inputs.gpu.topology,
            evidence_lines=inputs.evidence_lines,
            evidence_metrics=inputs.evidence_metrics,
            benchmark_references=inputs.benchmark_references,
            linter_findings=inputs.findings,
            first_rank_acceptability=first,
            method=ranking.method_label,
            decision_makers=decision_makers,
            today=today or datetime.now(UTC).date(),
            failure_table=load_failure_table(),
            latency_p95_ms=inputs.latency_p95_ms,
            latency_measured=inputs.latency_measured,
            ttft_p95_ms=inputs.ttft_p95_ms,
        )
    except MDRError as exc:
        raise DraftError(str(exc)) from exc
    # facts that have no field of their own in the template: said where a reader looks for them
    body = record.body
    extra_basis = [f"SMAA-2: {inputs.smaa.headline} ({inputs.smaa_samples:,} samples, seed {inputs.smaa_seed})."]
    if d.scenario is not None:
        extra_basis.append(f"Ranked under scenario “{d.scenario.model.name}” of profile “{d.profile.model.name}”.")
    if inputs.gpu.missing:
        extra_basis.append(f"Serving parameters: {inputs.gpu.missing}")
    selection = body.selection.model_copy(
        update={"selection_basis": " ".join([body.selection.selection_basis, *extra_basis]).strip()})
    economics = body.economics.model_copy(
        update={"assumptions": (*body.economics.assumptions, *inputs.economics_notes)})
    # machine-checkable reconsideration conditions (``workbench recheck``), editable until accepted
    triggers = draft_triggers(body.selection.selected_model, [a.name for a in body.alternatives.alternatives],
                              first.get(body.selection.selected_model)) if body.selection.selected_model else ()
    rollout = body.rollout.model_copy(update={"reconsideration_triggers": triggers})
    body = body.model_copy(update={"selection": selection, "economics": economics, "rollout": rollout})
    return record.model_copy(update={"body": body, "generated": body})


def draft_from_workspace(
    engine: Engine, profile_name: str, actor: str, scenario_name: str | None = None, *,
    supersedes_id: int | None = None, today: date | None = None,
) -> DecisionRecord:
    """Draft and store a record for a profile (and scenario): what the page's "Draft MDR" and
    ``workbench mdr draft`` call."""
    inputs = gather(engine, profile_name, scenario_name)
    if inputs.selected is None:
        raise DraftError(ranking_empty_message(inputs.decision.ranking))
    record = draft_record(inputs, today=today)
    try:
        snapshot = snapshot_for(inputs)
    except SnapshotError as exc:
        raise DraftError(f"the decision cannot be snapshotted: {exc}") from exc
    if supersedes_id is not None:
        record = superseding_draft(get_decision(engine, supersedes_id), record, snapshot)
    return create_decision(engine, inputs.decision.profile.id, record, snapshot, actor, supersedes_id=supersedes_id)


def superseding_draft(old: DecisionRecord, new: MDR, snapshot: dict[str, Any]) -> MDR:
    """The new draft with the old record's human-edited fields and people carried forward, and "what changed
    since the record it supersedes" (ranking, prices, evidence, weights) computed from both snapshots."""
    carried_record, carried = carry_forward(old.record, new)
    lines = list(changes_between(old.snapshot, snapshot))
    if carried:
        lines.insert(0, f"Carried forward from {old.mdr_id} (set by a person there): {', '.join(carried)}.")
    generated = new.body.model_copy(update={"changes_since_superseded": tuple(lines)})
    body = carried_record.body.model_copy(update={"changes_since_superseded": tuple(lines)})
    return carried_record.model_copy(update={"body": body, "generated": generated})


def ranking_empty_message(ranking: RankingResult) -> str:
    return (ranking.empty_state or "No candidate is ranked for this profile.") + \
        " Nothing to decide yet: relax a constraint on the Trade-offs page or add candidates."


# --------------------------------------------------------------------------- lifecycle (page and CLI)

#: Front-matter keys ``edit`` accepts besides ``section.field`` body paths.
PEOPLE_KEYS = {"decision-makers": "decision_makers", "consulted": "consulted", "informed": "informed"}


def parse_value(text: str, source: str) -> Any:
    """A ``--set`` value: JSON when it parses as JSON (numbers, lists, objects, quoted strings), else the text."""
    try:
        return load_json(text, source)
    except JsonInputError:
        return text


def _people(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise DraftError(f"{key}: give names as a comma-separated text or a JSON list of strings")


def edited(record: MDR, *, sets: Sequence[tuple[str, Any]] = (), document: Mapping[str, Any] | None = None) -> MDR:
    """``record`` with field values set (``section.field`` or ``section.list[i].field`` paths, ``title``,
    ``decision-makers``, ``consulted``, ``informed``) and/or a document ``{"title", "decision-makers",
    "consulted", "informed", "body": {section: {field: value}}}`` merged in. Validated; an accepted record's
    text raises (immutable)."""
    pairs = list(sets)
    if document is not None:
        unknown = sorted(set(document) - {"title", "body", *PEOPLE_KEYS})
        if unknown:
            raise DraftError(f"unknown key(s) {', '.join(unknown)}; use title, body, {', '.join(PEOPLE_KEYS)}")
        body = document.get("body") or {}
        if not isinstance(body, Mapping):
            raise DraftError("body: must be an object of sections")
        for section, fields in body.items():
            if not isinstance(fields, Mapping):
                raise DraftError(f"body.{section}: must be an object of fields")
            pairs += [(f"{section}.{name}", value) for name, value in fields.items()]
        pairs += [(k, v) for k, v in document.items() if k != "body"]
    if not pairs:
        raise DraftError("nothing to change: give --set section.field=value or --from FILE")
    try:
        for path, value in pairs:
            if path == "title":
                record = with_people(record, title=str(value))
            elif path == "decision-makers":
                record = with_people(record, decision_makers=_people(value, path))
            elif path == "consulted":
                record = with_people(record, consulted=_people(value, path))
            elif path == "informed":
                record = with_people(record, informed=_people(value, path))
            else:
                record = set_field(record, path, value)
    except MDRError as exc:
        raise DraftError(str(exc)) from exc
    return record


def edit_record(engine: Engine, id_: int, actor: str, *, sets: Sequence[tuple[str, Any]] = (),
                document: Mapping[str, Any] | None = None, seen_version: int | None = None) -> DecisionRecord:
    """Edit a draft or proposed record under the optimistic lock (``seen_version`` None = the current one)."""
    rec = get_decision(engine, id_)
    new = edited(rec.record, sets=sets, document=document)
    return save_decision(engine, id_, new, rec.version if seen_version is None else seen_version, actor)


def change_status(engine: Engine, id_: int, to: MDRStatus | str, actor: str, *, seen_version: int | None = None,
                  decision_makers: Sequence[str] = (), reason: str | None = None) -> DecisionRecord:
    """propose / accept / reject with the app's rules: accepting needs a decision-maker (names given here are
    added first) and, when the record requires approvals, its quorum of valid trusted signatures
    (:func:`workbench.services.signing.check_acceptance`); rejecting keeps the reason."""
    from workbench.services.signing import check_acceptance

    try:
        target = MDRStatus(to)
    except ValueError as exc:
        raise DraftError(f"unknown status {to!r}; use {', '.join(s.value for s in MDRStatus)}") from exc
    rec = get_decision(engine, id_)
    seen = rec.version if seen_version is None else seen_version
    if target == MDRStatus.rejected and not (reason or "").strip():
        raise DraftError(f"{rec.mdr_id}: give the reason for rejecting it")
    if target == MDRStatus.accepted:
        check_acceptance(engine, id_)  # refuses (nothing written) when the approvals are missing
    names = tuple(dict.fromkeys([*rec.record.front.decision_makers, *decision_makers]))
    if names != rec.record.front.decision_makers:
        if rec.signature_count:
            raise DraftError(f"{rec.mdr_id} is signed: adding decision-makers now changes the signed text and would "
                             "clear the signatures; name them before signing (mdr edit --set decision-makers=...)")
        try:
            rec = save_decision(engine, id_, with_people(rec.record, decision_makers=names), seen, actor)
        except MDRError as exc:
            raise DraftError(str(exc)) from exc
        seen = rec.version
    return transition_decision(engine, id_, target, seen, actor, reason=reason)
