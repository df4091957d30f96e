"""Production targets of the seed's harness components and the rule of three."""

from __future__ import annotations

import math

from pydantic import Field

from workbench.domain.evidence.runs import (
    DEFAULT_CONFIDENCE,
    HARNESS_COMPONENTS,
    MetricKind,
)
from workbench.domain.models import (
    Model,
)

# =========================================================================== targets


class TargetCheck(Model):
    kind: MetricKind
    production_target: str
    met: bool | None = Field(description="point estimate meets the target (None: not checkable)")
    demonstrated: bool | None = Field(description="the whole interval meets it (None: not checkable)")
    message: str


def zero_failure_n(target: float, confidence: float = DEFAULT_CONFIDENCE) -> int:
    """Items needed, all passing, for the one-sided upper bound on failures to fall below ``1 - target``.

    Formula: ``(1 - f)^n <= alpha`` with ``f = 1 - target`` gives ``n >= ln(alpha) / ln(target)``;
    at 95 % this is the "rule of three" ``n ~ 3 / f`` (reference section 6, "Rule of three").
    """
    if not 0.0 < target < 1.0:
        raise ValueError(f"target must be within (0, 1), got {target}")
    alpha = 1.0 - confidence
    return math.ceil(math.log(alpha) / math.log(target))


def check_target(
    kind: MetricKind,
    estimate: float,
    lower: float,
    upper: float,
    *,
    n: int | None = None,
    baseline: float | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
) -> TargetCheck:
    """Compare a measured rate (with its interval) to the seed's production target for ``kind``.

    ``met`` uses the point estimate; ``demonstrated`` requires the interval to satisfy the target
    (for ``> t`` the lower bound must exceed t; for ``== 1`` no failures and a lower bound >= 0.99,
    i.e. a failure rate below 1 % is shown).
    Targets: seed 002 harness table (golden +/-0.5 % of baseline; zero safety failures; >99 % recall;
    100 % schema validity; >90 % first-attempt tool success; BLEU maintenance; latency predictions).
    """
    comp = HARNESS_COMPONENTS[kind]
    op, t = comp.target_op, comp.target_value
    met: bool | None
    demo: bool | None
    if op == ">" and t is not None:
        met, demo = estimate > t, lower > t
        msg = f"{estimate:.1%} vs target >{t:.0%}"
        if met and not demo:
            msg += (f"; the interval [{lower:.3f}, {upper:.3f}] cannot show it: about "
                    f"{zero_failure_n(t, confidence)} items with no failures would (rule of three)")
    elif op == "==" and t is not None:
        met = estimate >= t
        demo = met and lower >= 0.99
        msg = f"{estimate:.1%} vs target {t:.0%}"
        if met and not demo:
            msg += (f"; no failures in n = {n}, but the lower bound {lower:.3f} only shows a failure rate "
                    f"below {1 - lower:.1%}; about {zero_failure_n(0.99, confidence)} clean items show < 1%")
    elif op in ("within_baseline", "maintain_baseline"):
        if baseline is None:
            return TargetCheck(kind=kind, production_target=comp.production_target, met=None,
                               demonstrated=None, message="needs a baseline to compare with")
        tol = t if op == "within_baseline" and t is not None else 0.0
        met = estimate >= baseline - tol
        demo = lower >= baseline - tol
        msg = f"{estimate:.1%} vs baseline {baseline:.1%} (tolerance {tol:.1%})"
    else:
        return TargetCheck(kind=kind, production_target=comp.production_target, met=None,
                           demonstrated=None, message="no numeric target in the seed for this kind")
    return TargetCheck(kind=kind, production_target=comp.production_target, met=met,
                       demonstrated=demo, message=msg)
