"""What the Economics page starts from for a profile: the Trade-offs leader and runner-up, the
profile's cost ceiling and exclusions, and imported pass rates as qualities.

- Cheap model L / premium model H default to the Trade-offs runner-up and leader
  (:func:`workbench.services.decide.decide` on the stored profile, its default method), so a cascade
  is "try the runner-up, escalate to the winner".
- Qualities default to imported evidence: the pooled pass rate ``k / n`` over the profile's own
  binary evaluation runs of a candidate (golden-set accuracy runs when there are any, else every
  binary run that is not a public benchmark). Pooling counts every item once: two runs of 40/50 and
  45/50 give 85/100 = 0.85. Public-benchmark proxies are not pass rates on *this* task and are left
  out. Without evidence the page keeps its entered defaults and says they are entered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine

from workbench.domain.evidence.runs import EvaluationRun, MetricKind
from workbench.services.decide import decide
from workbench.store.evidence import evidence_for_profile


@dataclass(frozen=True)
class PassRate:
    """A pooled pass rate: ``passed / n`` items over ``runs`` runs of one metric kind."""

    rate: float
    passed: int
    n: int
    runs: int
    metric_kind: str

    @property
    def source(self) -> str:
        return f"imported evidence: {self.passed}/{self.n} items passed over {self.runs} run(s) ({self.metric_kind})"


@dataclass(frozen=True)
class EconomicsDefaults:
    leader: str | None
    runner_up: str | None
    excluded: tuple[str, ...] = ()
    ceiling_usd: float | None = None  #: the profile's max cost per success (hard constraint)
    pass_rates: dict[str, PassRate] = field(default_factory=dict)
    ranked: tuple[str, ...] = ()  #: ranking order (eligible candidates)


def pooled_pass_rates(runs_by_candidate: Mapping[str, Iterable[EvaluationRun]]) -> dict[str, PassRate]:
    """Per candidate, ``sum k / sum n`` over its golden-set binary runs (else its other non-benchmark
    binary runs); candidates without such runs are absent."""
    out: dict[str, PassRate] = {}
    for name, runs in runs_by_candidate.items():
        binary = [r for r in runs if r.metric_kind != MetricKind.public_benchmark and r.binary_counts()]
        golden = [r for r in binary if r.metric_kind == MetricKind.golden_set_accuracy]
        chosen = golden or binary
        counts = [r.binary_counts() for r in chosen]
        k = sum(c[0] for c in counts if c)
        n = sum(c[1] for c in counts if c)
        if n > 0:
            kinds = sorted({str(r.metric_kind.value) for r in chosen})
            out[name] = PassRate(rate=k / n, passed=k, n=n, runs=len(chosen), metric_kind=", ".join(kinds))
    return out


def economics_defaults(engine: Engine, profile_name: str) -> EconomicsDefaults:
    """Leader, runner-up, exclusions and ceiling from the profile's ranking; pass rates from its evidence."""
    decision = decide(engine, profile_name)
    ranking = decision.ranking
    names = tuple(r.name for r in ranking.rows)
    return EconomicsDefaults(
        leader=names[0] if names else None,
        runner_up=names[1] if len(names) > 1 else None,
        excluded=tuple(e.name for e in ranking.excluded),
        ceiling_usd=decision.effective.constraints.max_cost_per_success_usd,
        pass_rates=pooled_pass_rates(evidence_for_profile(engine, decision.profile.id)),
        ranked=names,
    )
