"""Rendering a record: money, durations and intervals as the record writes them, and the Markdown file.

Output is UTF-8 text with ``\\n`` line endings and one trailing newline, so its digest is stable (the signed
payload covers these exact bytes).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Literal

from workbench.domain.mdr.model import (
    MDR,
    SECTION_HEADINGS,
    MDRError,
    MDRStatus,
    RollbackTrigger,
    RolloutSection,
)
from workbench.domain.models import FailurePolicy
from workbench.domain.money import usd_per_month, usd_per_success


def _label(value: str) -> str:
    return value.replace("_", " ")


def format_usd(amount: float | None) -> str:
    """Money for the record, by :func:`workbench.domain.money.usd_per_success`'s rule (two decimals from $1 up,
    three significant digits below: ``$1.20``, ``$0.0036``); None is ``_not computed_``."""
    if amount is None:
        return "_not computed_"
    if not math.isfinite(amount):
        raise MDRError(f"amount must be finite, got {amount}")
    return usd_per_success(amount)


def format_duration_ms(ms: float) -> str:
    """``1200 -> '1.2s'``, ``820 -> '820ms'`` (the seed's MDR spelling)."""
    return f"{ms / 1000:g}s" if ms >= 1000 else f"{ms:g}ms"


def format_rate_interval(rate: float, low: float, high: float, n: int | None = None, level: float = 0.95) -> str:
    """``(0.842, 0.801, 0.876, 500) -> '84.2% (95% CI 80.1-87.6%, n=500)'``: rates in 0..1."""
    for name, value in (("rate", rate), ("low", low), ("high", high)):
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise MDRError(f"{name} must be within 0..1, got {value}")
    if not low <= rate <= high:
        raise MDRError(f"interval {low}..{high} does not contain the rate {rate}")
    tail = f", n={n}" if n is not None else ""
    return f"{rate * 100:.1f}% ({level * 100:g}% CI {low * 100:.1f}–{high * 100:.1f}%{tail})"


def _trigger_text(trigger: RollbackTrigger) -> str:
    if trigger.comparator == "on" or trigger.threshold is None:
        return trigger.metric
    if trigger.unit == "ms":
        value = format_duration_ms(trigger.threshold)
    elif trigger.unit == "s":
        value = f"{trigger.threshold:g}s"
    else:
        value = f"{trigger.threshold:g}{trigger.unit}"
    return f"{trigger.metric} {trigger.comparator} {value}"


def _join_or(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} or {items[1]}"
    return ", ".join(items[:-1]) + f", or {items[-1]}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def rollout_strategy_text(rollout: RolloutSection) -> str:
    """``Shadow route 1% of live traffic for 72 hours, scaling to 10% canary.`` (seed wording)."""
    hours = rollout.shadow_duration_hours
    unit = "hour" if hours == 1 else "hours"
    return (
        f"Shadow route {rollout.shadow_traffic_pct:g}% of live traffic for {hours:g} {unit}, "
        f"scaling to {rollout.canary_traffic_pct:g}% canary."
    )


def rollback_trigger_text(rollout: RolloutSection) -> str:
    """``Error rate > 0.5%, P95 latency > 1.2s, or security injection detection.`` (seed wording)."""
    if not rollout.rollback_triggers:
        return "_none defined_"
    return _cap(_join_or([_trigger_text(t) for t in rollout.rollback_triggers])) + "."


def _inline(text: str) -> str:
    """One-line Markdown text: whitespace runs (including newlines) become one space."""
    return " ".join(text.split())


def _paragraph(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    return "\n".join("\\" + ln if ln.lstrip().startswith(("#", "---", "* ", "- ")) else ln.rstrip() for ln in lines)


def _or_blank(text: str, blank: str = "_not stated_") -> str:
    return _inline(text) if text.strip() else blank


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _yaml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_yaml_str(v) for v in values) + "]"


#: MADR 4.0.0 has no "draft": a draft is written as ``proposed`` (the workbench's own status is kept in
#: ``workbench-status``); a superseded record says by which record, as MADR's template does.
MADR_STATUS: dict[MDRStatus, str] = {
    MDRStatus.draft: "proposed",
    MDRStatus.proposed: "proposed",
    MDRStatus.accepted: "accepted",
    MDRStatus.rejected: "rejected",
    MDRStatus.superseded: "superseded",
}
_NUMBER = re.compile(r"^[A-Za-z]*-?0*(\d+)$")


def madr_status(record: MDR) -> str:
    """The MADR 4 ``status`` value: ``proposed | rejected | accepted | superseded by MDR-0009``."""
    f = record.front
    if f.status == MDRStatus.superseded and f.superseded_by:
        return f"superseded by {f.superseded_by}"
    return MADR_STATUS[f.status]


def title_line(record: MDR) -> str:
    """``# 7. Use X for Y``: adr-tools' title convention (``# NUMBER. TITLE``); a record without a number
    (an unsaved draft) keeps its id instead."""
    m = _NUMBER.match(record.id)
    number = m.group(1) if m else record.id
    return f"# {_inline(number)}. {_inline(record.title)}"


def render_front_matter(record: MDR) -> str:
    """MADR 4 YAML front matter. The blank line before the closing ``---`` keeps Markdown readers that do not
    know front matter (log4brains) from turning its last line into a heading."""
    f = record.front
    lines = [
        "---",
        f"status: {madr_status(record)}",
        f"date: {f.date.isoformat()}",
        f"decision-makers: {_yaml_list(f.decision_makers)}",
        f"consulted: {_yaml_list(f.consulted)}",
        f"informed: {_yaml_list(f.informed)}",
        f"workbench-status: {f.status.value}",
        f"mdr-id: {_yaml_str(record.id)}",
        f"profile: {_yaml_str(record.profile_name)}",
    ]
    if f.supersedes:
        lines.append(f"supersedes: {_yaml_str(f.supersedes)}")
    if f.superseded_by:
        lines.append(f"superseded-by: {_yaml_str(f.superseded_by)}")
    if f.rejection_reason:
        lines.append(f"rejection-reason: {_yaml_str(_inline(f.rejection_reason))}")
    lines += ["", "---"]
    return "\n".join(lines)


def _header_list(record: MDR) -> list[str]:
    """The MADR 2 header list (log4brains reads status, deciders and date only from it)."""
    f = record.front
    deciders = ", ".join(_inline(x) for x in f.decision_makers)  # empty: log4brains reads no deciders
    return [f"* Status: {madr_status(record)}", "* Deciders:" + (f" {deciders}" if deciders else ""),
            f"* Date: {f.date.isoformat()}"]


def _missed_banner(record: MDR) -> list[str]:
    missed = record.body.missed_targets
    if not missed:
        return []
    out = ["> **Targets missed by the chosen option** (each is flagged again in its section):", ">"]
    out += [f"> * {_inline(t.sentence())}" for t in missed]
    return [*out, ""]


def _target_lines(record: MDR, section: str) -> list[str]:
    return [f"* {'Target missed' if t.met is False else 'Target'}: {_inline(t.sentence())}"
            for t in record.body.target_checks if t.section == section]


def _context(record: MDR) -> list[str]:
    c = record.body.context
    out = [SECTION_HEADINGS[0], ""]
    if c.problem_statement.strip():
        out += [_paragraph(c.problem_statement), ""]
    out.append(f"* Task Graph Node: {_or_blank(c.task_node)}")
    out.append("* Cognitive Requirements:" + ("" if c.cognitive_requirements else " _not stated_"))
    out += [f"  * {_inline(x)}" for x in c.cognitive_requirements]
    out.append("* System Constraints:")
    out.append(f"  * Latency SLA: {_or_blank(c.latency_sla)}")
    out.append(f"  * Cost Target: {_or_blank(c.cost_target)}")
    out.append(f"  * Privacy Requirements: {_or_blank(c.privacy_requirements)}")
    out += [f"  * {_inline(x)}" for x in c.other_constraints]
    return out + _target_lines(record, "context")


def _options(record: MDR) -> list[str]:
    b = record.body
    chosen = b.selection.selected_model.strip()
    out = ["## Considered Options", ""]
    if chosen:
        out.append(f"* {_inline(chosen)}")
    for alt in b.alternatives.alternatives:
        tag = " (excluded by hard constraints)" if alt.kind == "excluded" else ""
        out.append(f"* {_inline(alt.name)}{tag}")
    return out if len(out) > 2 else [*out, "* _No options were recorded._"]


def _selection(record: MDR) -> list[str]:
    s = record.body.selection
    out = [SECTION_HEADINGS[1], ""]
    out.append(f"* Selected Model Identifier: {_or_blank(s.selected_model, '_not selected_')}")
    out.append(f"* Deployment Topology: {_or_blank(s.deployment_topology)}")
    out.append("* Core Parameters:" + ("" if s.core_parameters else " _none_"))
    out += [f"  * {p.flag}: {_inline(p.value)}" for p in s.core_parameters]
    if s.selection_basis.strip():
        out.append(f"* Selection Basis: {_inline(s.selection_basis)}")
    return out + _target_lines(record, "selection")


def _evidence(record: MDR) -> list[str]:
    e = record.body.evidence
    out = [SECTION_HEADINGS[2], ""]
    out.append(f"* Golden Set Accuracy Score: {_or_blank(e.golden_set_accuracy, '_not measured_')}")
    out.append(f"* Structured-Output Validity Rate: {_or_blank(e.structured_output_validity, '_not measured_')}")
    out.append(f"* Target Latency P95: {_or_blank(e.target_latency_p95, '_not measured_')}")
    out.append("* Benchmark References:" + ("" if e.benchmark_references else " _none_"))
    out += [f"  * {_inline(x)}" for x in e.benchmark_references]
    if e.summary:
        out.append("* Evidence Summary:")
        out += [f"  * {_inline(x)}" for x in e.summary]
    return out + _target_lines(record, "evidence")


def _consequences(record: MDR) -> list[str]:
    b = record.body
    out = ["### Consequences", ""]
    for t in b.target_checks:
        kind = "Good" if t.met else "Bad" if t.met is False else "Neutral"
        out.append(f"* {kind}, because {_inline(t.sentence())}")
    monthly = dict(b.economics.additional_usd).get("monthly_cost_usd")
    if monthly is not None:
        out.append(f"* Neutral, because it costs about {usd_per_month(monthly)} per month at the profile's volume")
    if len(out) == 2:
        out.append("* Neutral, because the profile sets no target the record could check (no cost ceiling or SLA)")
    return out


def _confirmation(record: MDR) -> list[str]:
    r = record.body.rollout
    out = ["### Confirmation", ""]
    out.append(f"Confirmed in production by the rollout plan (see Lifecycle and Rollout Plan): {rollout_strategy_text(r)} "
               f"Roll back on: {rollback_trigger_text(r)}")
    gaps = [t for t in record.body.target_checks if t.target == "required_evidence" and t.met is not True]
    if gaps:
        out += ["", "Evidence still to collect before acceptance:"]
        out += [f"* {_inline(t.label)}: {_inline(t.required)}" for t in gaps]
    return out


def _alternatives(record: MDR) -> list[str]:
    out = ["## Pros and Cons of the Options", "", SECTION_HEADINGS[3], ""]
    alts = record.body.alternatives.alternatives
    if not alts:
        out.append("* _No alternatives were considered._")
    for alt in alts:
        out.append(f"* Alternative: {_inline(alt.name)}")
        out.append(f"  * Rejection Reason: {_or_blank(alt.reason)}")
    return out + _target_lines(record, "alternatives")


def _failures(record: MDR) -> list[str]:
    ft = record.body.failure_tolerance
    out = [SECTION_HEADINGS[4], ""]
    policy = "Fail-closed" if ft.failure_policy == FailurePolicy.fail_closed else "Fail-open"
    out.append(f"* Failure Policy: {policy}" + (f". {_inline(ft.policy_rationale)}" if ft.policy_rationale.strip() else ""))
    for fm in ft.failures:
        facts = [f"{name} {value}" for name, value in (("severity", fm.severity), ("detectability", fm.detectability),
                                                      ("recovery", fm.recoverability)) if value]
        extra = f" ({', '.join(facts)})" if facts else ""
        out.append(f"* Anticipated Failure: {_inline(fm.failure)}{extra}.")
        fm_policy = "fail-closed" if fm.policy == FailurePolicy.fail_closed else "fail-open"
        out.append(f"* Mitigation ({fm_policy}): {_or_blank(fm.mitigation, '_to be defined_')}")
    out.append("* Linter Findings:" + ("" if ft.linter_findings else " _none_"))
    for lf in ft.linter_findings:
        rule = f"[{_inline(lf.rule)}] " if lf.rule.strip() else ""
        out.append(f"  * {rule}{_inline(lf.severity)}: {_inline(lf.message)}")
    return out + _target_lines(record, "failure_tolerance")


def _economics(record: MDR) -> list[str]:
    ec = record.body.economics
    out = [SECTION_HEADINGS[5], ""]
    out.append(f"* Estimated Prefill Cost (per 1M queries): {format_usd(ec.prefill_cost_per_1m_queries_usd)}")
    out.append(f"* Estimated Generation Cost (per 1M queries): {format_usd(ec.generation_cost_per_1m_queries_usd)}")
    out.append(f"* Estimated Total Cost Per Successful Outcome: {format_usd(ec.cost_per_success_usd)}")
    out += [f"* {_label(k).removesuffix(' usd').capitalize()}: {format_usd(v)}" for k, v in ec.additional_usd]
    if ec.assumptions:
        out.append("* Assumptions:")
        out += [f"  * {_inline(x)}" for x in ec.assumptions]
    return out + _target_lines(record, "economics")


def _rollout(record: MDR) -> list[str]:
    r = record.body.rollout
    out = [SECTION_HEADINGS[6], ""]
    out.append(f"* Rollout Strategy: {rollout_strategy_text(r)}")
    out.append(f"* Rollback Trigger: {rollback_trigger_text(r)}")
    reconsider = "; ".join(_inline(x) for x in r.reconsideration_conditions) or "_none defined_"
    out.append(f"* Reconsideration Conditions: {reconsider}")
    if r.derivation:
        out.append("* Derived from the profile:")
        out += [f"  * {_inline(x)}" for x in r.derivation]
    return out + _target_lines(record, "rollout")


def render_markdown(record: MDR, *, flavour: Literal["madr", "adr-tools"] = "madr") -> str:
    """The record as Markdown: MADR 4.0.0 (front matter, "Context and Problem Statement", "Considered
    Options", "Decision Outcome" with "Chosen option: …, because …", "Consequences" and "Confirmation", "Pros
    and Cons of the Options", "More Information") with seed 002's seven sections inside that frame, plain
    headings. ``flavour="adr-tools"`` writes the same body for an adr-tools repository: no front matter, the
    ``# N. Title`` line first, ``Date:`` and a ``## Status`` section (adr-tools reads line 1 as the title and
    edits the Status section when it supersedes).

    Output is UTF-8 text with ``\n`` line endings and one trailing newline, so its digest is stable."""
    b = record.body
    if flavour == "adr-tools":
        status = madr_status(record)
        out = [title_line(record), "", f"Date: {record.front.date.isoformat()}", "", "## Status", "",
               status[:1].upper() + status[1:], ""]
    else:
        out = [render_front_matter(record), "", title_line(record), "", *_header_list(record), ""]
    if record.front.rejection_reason:
        out += [f"Rejected because: {_inline(record.front.rejection_reason)}", ""]
    out += _missed_banner(record)
    out += [*_context(record), "", *_options(record), "", "## Decision Outcome", ""]
    chosen = b.selection.selected_model.strip()
    first = _inline(b.selection.selection_basis).split(". ", 1)[0]  # the ranking sentence; the rest is in section 2
    basis = first.rstrip(".") or "it is the option the decision-makers chose"
    out.append(f'Chosen option: "{_inline(chosen)}", because {basis[:1].lower() + basis[1:]}.' if chosen
               else "Chosen option: _none yet_.")
    out += ["", *_selection(record), "", *_evidence(record), "", *_consequences(record), "", *_confirmation(record)]
    out += ["", *_alternatives(record), "", "## More Information", "", *_failures(record), "", *_economics(record),
            "", *_rollout(record)]
    if b.changes_since_superseded:
        out += ["", f"### Changes since {_inline(record.front.supersedes or 'the superseded record')}", ""]
        out += [f"* {_inline(x)}" for x in b.changes_since_superseded]
    return "\n".join(out) + "\n"
