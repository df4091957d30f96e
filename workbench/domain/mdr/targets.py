"""A record that agrees with its own targets: which of the profile's targets the chosen
model misses, and a rollout plan, rollback triggers and reconsideration conditions derived from the profile.

Target checks (each with both values; ``met`` None when the workbench cannot tell):

* **cost ceiling** — the profile's cost ceiling per successful outcome (``cost_ceiling_per_success_usd``, else the
  hard constraint ``max_cost_per_success_usd``) against the chosen model's cost per successful outcome;
* **latency SLA** — the profile's total p95 SLA against the chosen model's p95 (measured when evidence has item
  latencies, else the catalog estimate, and the record says which); the TTFT SLA against the catalog's TTFT p95;
* **required evidence** — own golden-set accuracy for high and critical risk (the seed applies fail-closed to
  high-risk contexts and warns against deciding on public benchmarks alone: "Leaderboard Shopping"),
  structured-output validity for JSON and tool-argument outputs, and a measured p95 when there is a p95 SLA.
  These requirements are the workbench's convention, stated in ``docs/decisions.md``.

Rollout derivation (workbench conventions, each written into the record's ``derivation`` lines):

* error-rate rollback threshold by risk: low 2 %, medium 1 %, high 0.5 % (seed 002's example), critical 0.1 %;
* shadow sample size by the rule of three: with zero errors in ``n`` requests the 95 % upper bound of the error
  rate is about ``3 / n`` (Hanley & Lippman-Hand, JAMA 1983;249:1743), so the shadow must see
  ``n = ceil(3 / threshold)`` requests (0.5 % -> 600);
* shadow share: the seed's 1 % when 1 % of the traffic reaches ``n`` within 72 hours, else the share that does
  (``ceil(100 n / (72 r))`` %, ``r`` = requests per hour = monthly volume / 730), at most 100 %;
  duration ``max(24, ceil(n / (share r)))`` hours (at least one daily traffic cycle);
* canary share by risk: low 25 %, medium 10 % (seed 002's example), high 5 %, critical 1 %;
* latency rollback triggers at the profile's SLA (total p95, TTFT); none when the profile sets none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from workbench.domain.mdr.model import RollbackTrigger, RolloutSection, TargetCheck
from workbench.domain.models import OutputForm, Profile, RiskLevel
from workbench.domain.money import usd_per_success

ERROR_RATE_THRESHOLD_PCT: dict[RiskLevel, float] = {
    RiskLevel.low: 2.0, RiskLevel.medium: 1.0, RiskLevel.high: 0.5, RiskLevel.critical: 0.1,
}
CANARY_PCT: dict[RiskLevel, float] = {
    RiskLevel.low: 25.0, RiskLevel.medium: 10.0, RiskLevel.high: 5.0, RiskLevel.critical: 1.0,
}
HOURS_PER_MONTH = 730.0  # 8,760 h / 12
SEED_SHADOW_PCT = 1.0
SHADOW_WINDOW_H = 72.0
MIN_SHADOW_H = 24.0
JSON_FORMS = (OutputForm.flat_json, OutputForm.nested_json, OutputForm.tool_arguments)


def cost_ceiling(profile: Profile) -> float | None:
    return profile.cost_ceiling_per_success_usd or profile.constraints.max_cost_per_success_usd


def _ms(value: float) -> str:
    return f"{value:,.0f} ms"


def target_checks(
    profile: Profile, *, cost_per_success: float | None, p95_ms: float | None, p95_measured: bool,
    evidence_metrics: Mapping[str, str], ttft_p95_ms: float | None = None,
) -> tuple[TargetCheck, ...]:
    """The profile's targets checked against the chosen model (see the module docstring)."""
    checks: list[TargetCheck] = []
    ceiling = cost_ceiling(profile)
    if ceiling is not None:
        checks.append(TargetCheck(
            target="cost_ceiling", section="economics", label="Cost per successful outcome",
            required=f"≤ {usd_per_success(ceiling)}",
            actual=usd_per_success(cost_per_success) if cost_per_success is not None else "not computed",
            met=None if cost_per_success is None else cost_per_success <= ceiling))
    sla = profile.latency_sla.total_p95_ms
    if sla is not None:
        kind = "measured" if p95_measured else "estimated"
        checks.append(TargetCheck(
            target="latency_sla", section="evidence", label="P95 latency", required=f"≤ {_ms(sla)}",
            actual=f"{_ms(p95_ms)} ({kind})" if p95_ms is not None else "unknown",
            met=None if p95_ms is None else p95_ms <= sla))
    ttft = profile.latency_sla.ttft_ms
    if ttft is not None:
        checks.append(TargetCheck(
            target="ttft_sla", section="evidence", label="P95 time to first token", required=f"≤ {_ms(ttft)}",
            actual=f"{_ms(ttft_p95_ms)} (catalog)" if ttft_p95_ms is not None else "unknown",
            met=None if ttft_p95_ms is None else ttft_p95_ms <= ttft))
    required: list[tuple[str, str, bool]] = []
    if profile.risk_level in (RiskLevel.high, RiskLevel.critical):
        required.append(("Golden-set accuracy (own per-item evidence)", f"required for {profile.risk_level.value} risk",
                         "golden_set_accuracy" in evidence_metrics))
    if profile.output_form in JSON_FORMS:
        required.append(("Structured-output validity rate", f"required for {profile.output_form.value} output",
                         "structured_output_validity" in evidence_metrics))
    if sla is not None:
        required.append(("Measured p95 latency", "required to check the p95 SLA", p95_measured))
    for label, why, present in required:
        checks.append(TargetCheck(target="required_evidence", section="evidence", label=label, required=why,
                                  actual="imported" if present else "none imported", met=present))
    return tuple(checks)


def derive_rollout(profile: Profile) -> RolloutSection:
    """Shadow, canary and rollback triggers from the profile's risk, volume and SLA (module docstring)."""
    risk = profile.risk_level
    threshold = ERROR_RATE_THRESHOLD_PCT[risk]
    n = math.ceil(3.0 / (threshold / 100.0) - 1e-9)
    per_hour = profile.workload.requests_per_month / HOURS_PER_MONTH
    lines = [f"Error-rate rollback threshold {threshold:g}% for {risk.value} risk (workbench convention; seed 002's "
             "example is 0.5%)."]
    if per_hour <= 0:
        share, hours = SEED_SHADOW_PCT, SHADOW_WINDOW_H
        lines.append("The profile's volume is 0 requests/month: shadow duration cannot be derived; the seed's 72 hours "
                     "are kept.")
    else:
        share = SEED_SHADOW_PCT
        if share / 100 * per_hour * SHADOW_WINDOW_H < n:
            share = min(100.0, float(math.ceil(100.0 * n / (per_hour * SHADOW_WINDOW_H))))
        hours = max(MIN_SHADOW_H, float(math.ceil(n / (share / 100 * per_hour) - 1e-9)))
        lines.append(f"Shadow {share:g}% of {profile.workload.requests_per_month:,} requests/month "
                     f"({per_hour:,.1f}/hour) for {hours:g} hours sees {n:,} requests: zero errors in {n:,} bound the "
                     f"error rate below {threshold:g}% at 95% confidence (rule of three: n = 3 / threshold).")
    canary = CANARY_PCT[risk]
    lines.append(f"Canary {canary:g}% for {risk.value} risk (workbench convention; seed 002's example is 10%).")
    triggers = [RollbackTrigger(metric="error rate", comparator=">", threshold=threshold, unit="%")]
    sla = profile.latency_sla
    if sla.total_p95_ms:
        triggers.append(RollbackTrigger(metric="P95 latency", comparator=">", threshold=sla.total_p95_ms, unit="ms"))
    if sla.ttft_ms:
        triggers.append(RollbackTrigger(metric="P95 time to first token", comparator=">", threshold=sla.ttft_ms,
                                        unit="ms"))
    if not (sla.total_p95_ms or sla.ttft_ms):
        lines.append("No latency rollback trigger: the profile sets no latency SLA.")
    else:
        lines.append("Latency rollback triggers at the profile's SLA.")
    triggers.append(RollbackTrigger(metric="security injection detection", comparator="on"))
    return RolloutSection(shadow_traffic_pct=share, shadow_duration_hours=hours, canary_traffic_pct=canary,
                          rollback_triggers=tuple(triggers), derivation=tuple(lines))


def reconsideration_conditions(
    profile: Profile, *, selected: str, cost_per_success: float | None, first_rank_share: float | None,
    p95_measured: bool,
) -> tuple[str, ...]:
    """When to revisit the decision, derived from the profile's ceiling, SLA and volume and the robustness."""
    out: list[str] = []
    ceiling = cost_ceiling(profile)
    if ceiling is not None and cost_per_success is not None and cost_per_success > 0:
        headroom = ceiling / cost_per_success - 1.0
        if headroom < 0:
            out.append(f"{selected} already costs {usd_per_success(cost_per_success)} per successful outcome, above "
                       f"the ceiling of {usd_per_success(ceiling)}: reconsider before accepting.")
        else:
            out.append(f"A price rise of {selected} above {headroom * 100:.0f}% (cost per successful outcome "
                       f"{usd_per_success(cost_per_success)} against the ceiling of {usd_per_success(ceiling)}).")
    volume = profile.workload.requests_per_month
    if volume > 0:
        out.append(f"Volume outside {volume // 2:,}–{volume * 2:,} requests/month (the economics assume {volume:,}).")
    if profile.latency_sla.total_p95_ms and not p95_measured:
        out.append(f"Measured p95 latency above the SLA of {_ms(profile.latency_sla.total_p95_ms)} (the p95 in this "
                   "record is an estimate).")
    if first_rank_share is not None:
        out.append(f"{selected}'s SMAA-2 first-rank share (now {first_rank_share * 100:.0f}%) falls below 50%.")
    return tuple(out)
