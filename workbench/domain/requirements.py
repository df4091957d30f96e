"""Profile fields that exclude candidates, and what each stored field means.

Checks built from the profile itself (not from the sliders' hard constraints), evaluated with them:

* **Zero retention** (``privacy.zero_retention_required``): a candidate whose licence or provider terms
  retain request data (licence restriction ``provider_retention``) is excluded, the reason quoting both
  values; an unknown licence cannot confirm zero retention and is excluded too (fail closed).
* **Workload fits the context window**: ``workload.input_tokens + workload.output_tokens`` above the
  candidate's context window excludes it ("workload 61,500 tokens > context window 8,192"). An unknown
  window is not excluded here; it is a data gap (context fit is unknown, a range).
* **Language scope**: enforced through the Multilingual Coverage rating where the catalog has one
  (high-resource multilingual needs A or better, low-resource dialects E); an unknown rating is a range
  (the criterion is reported as a data gap), not an exclusion. English-only and domain jargon cannot be
  checked from the catalog: informative.
* **Unknown-data policy** (:class:`CompletenessCheck`): with ``exclude``, a candidate whose share of
  weighted criteria known is below the minimum is excluded: "insufficient data: 2 of 14 weighted
  criteria known (policy: exclude below 75%)".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.domain.checks import Check, ReasonCheck, ThresholdCheck
from workbench.domain.models import Candidate, FailurePolicy, LanguageScope, Profile, RiskLevel
from workbench.domain.scoring_types import BoolArray, FloatArray, IntArray
from workbench.domain.unknowns import gap_text

#: Minimum Multilingual Coverage rating (E = 1, A = 0.5) a language scope needs.
LANGUAGE_FLOOR: dict[LanguageScope, float] = {
    LanguageScope.high_resource_multilingual: 0.5,
    LanguageScope.low_resource_dialects: 1.0,
}

#: What the workbench does with each stored profile field: enforced (excludes), scored, or informative.
FIELD_ENFORCEMENT: dict[str, str] = {
    "task_class": "informative: picks the evidence vector for imported task metrics; not a ranking input",
    "user_exposure": "informative: shown in the MDR; not enforced",
    "risk_level": "enforced: high/critical risk makes the unknown-data policy fail closed by default; "
                  "high risk + fail-open is a blocking linter finding",
    "output_form": "informative: not enforced (weight Schema Adherence to score it)",
    "required_modalities": "enforced: hard constraint (candidates lacking a modality are excluded)",
    "reasoning_depth": "informative: not enforced (weight Reasoning Depth / Math Performance to score it)",
    "context_length_tokens": "scored: context fit = min(1, window / need)",
    "tool_use": "informative: not enforced (weight Tool-Use Reliability to score it)",
    "latency_sla": "enforced when folded into the hard constraints (p95 SLA)",
    "throughput": "informative: used by the GPU-fit and economics pages; not a ranking input",
    "cost_ceiling_per_success_usd": "enforced when folded into the hard constraints",
    "privacy.allowed_topologies": "enforced: hard constraint; self-hosted-only costs open weights on GPUs",
    "privacy.data_residency": "enforced: hard constraint",
    "privacy.zero_retention_required": "enforced: candidates whose terms retain data are excluded",
    "language_scope": "enforced where the catalog rates Multilingual Coverage; unknown otherwise "
                      "(English-only and domain jargon: informative)",
    "unacceptable_failures": "informative: drives the MDR's failure section; not a ranking input",
    "failure_policy": "linted: high risk + fail-open is a blocking finding",
    "workload": "scored and enforced: cost per success; tokens above a context window exclude",
    "unknown_policy": "enforced: range, or exclude below the minimum completeness",
}


def retention_outcomes(profile: Profile, candidates: list[Candidate]) -> tuple[str | None, ...] | None:
    """Per candidate the zero-retention violation (None = passes); None when the profile does not ask."""
    if not profile.privacy.zero_retention_required:
        return None
    out: list[str | None] = []
    for c in candidates:
        if c.license is None:
            out.append("retention unknown (no licence or provider terms recorded); required zero retention")
        elif any(r.value == "provider_retention" for r in c.license.restrictions):
            terms = f" ({c.license.retention})" if c.license.retention else ""
            out.append(f"retention: provider retains request logs{terms}; required zero retention")
        else:
            out.append(None)
    return tuple(out)


def workload_tokens(profile: Profile) -> int:
    return profile.workload.input_tokens + profile.workload.output_tokens


def workload_context_check(profile: Profile, context_window: FloatArray) -> ThresholdCheck:
    """Context window >= the workload's tokens per request; an unknown window passes (a data gap)."""
    return ThresholdCheck(
        key="workload_context", label="context window", values=np.where(np.isnan(context_window), np.inf,
                                                                        context_window),
        threshold=float(workload_tokens(profile)), kind="min", word="workload needs",
        fmt=lambda v: f"{v:,.0f} tokens")


def language_check(profile: Profile, multilingual: FloatArray) -> ThresholdCheck | None:
    scope = profile.language_scope
    floor = LANGUAGE_FLOOR.get(scope) if scope is not None else None
    if scope is None or floor is None:
        return None
    return ThresholdCheck(
        key="language_scope", label="multilingual coverage",
        values=np.where(np.isnan(multilingual), np.inf, multilingual), threshold=floor, kind="min",
        word=f"language scope {scope.value.replace('_', ' ')} needs",
        fmt=_rating)


def _rating(value: float) -> str:
    return {1.0: "E", 0.5: "A", 0.0: "D"}.get(value, f"{value:.2f}")


def profile_checks(profile: Profile, candidates: list[Candidate], context_window: FloatArray,
                   multilingual: FloatArray) -> tuple[Check, ...]:
    """The checks built from the profile's own fields (module docstring); the workload check is listed only
    when it excludes someone (it then appears among the constraints with its count)."""
    out: list[Check] = []
    workload = workload_context_check(profile, context_window)
    if workload.violated().any():
        out.append(workload)
    retention = retention_outcomes(profile, candidates)
    if retention is not None:
        out.append(ReasonCheck("zero_retention", "zero retention (licence / provider terms)", retention))
    language = language_check(profile, multilingual)
    if language is not None:
        out.append(language)
    return tuple(out)


@dataclass(frozen=True)
class CompletenessCheck:
    """Unknown-data policy ``exclude``: completeness below ``minimum`` excludes (fail closed)."""

    known: IntArray
    total: int
    minimum: float
    key: str = "unknown_policy"

    @property
    def requirement(self) -> str:
        return f"completeness >= {self.minimum:.0%} of weighted criteria known"

    def violated(self) -> BoolArray:
        if self.total == 0:
            return np.zeros(self.known.shape[0], dtype=bool)
        return np.asarray(self.known / self.total < self.minimum - 1e-12, dtype=bool)

    def reasons(self, i: int) -> list[str]:
        return [f"insufficient data: {gap_text(int(self.known[i]), self.total)} "
                f"(policy: exclude below {self.minimum:.0%} completeness)"]


def fail_open_risk(profile: Profile) -> str | None:
    """The warning for high / critical risk with a fail-open policy (None when the profile is fine)."""
    if profile.failure_policy == FailurePolicy.fail_open and profile.risk_level in (RiskLevel.high,
                                                                                    RiskLevel.critical):
        return (f"{profile.risk_level.value} risk with a fail-open failure policy: seed 002 requires fail-closed "
                "for high-risk contexts (halt, reject the output, escalate to human review)")
    return None
