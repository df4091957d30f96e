"""Sample-size planner for a paired pass/fail comparison of two candidates (McNemar).

For n paired items let ``p10`` be the share where only A passes, ``p01`` only B, ``psi = p10 + p01``
the discordance and ``delta = p10 - p01`` the difference in pass rates. The McNemar statistic
``(b - c) / sqrt(b + c)`` is, in the normal approximation, ``sqrt(n) * D / sqrt(psi)`` with per-item
``D`` in {+1, 0, -1}, mean ``delta`` and variance ``psi - delta^2``. Hence (Connor 1987, "Sample size
for testing differences in proportions for the paired-sample design", Biometrics 43:207-211):

* power at n:  ``Phi((sqrt(n)|delta| - z_(1-a/2) sqrt(psi)) / sqrt(psi - delta^2))``
  (+ the negligible opposite tail, kept so the figure equals statsmodels'
  ``normal_power_het(delta, n, alpha, std_null=sqrt(psi), std_alternative=sqrt(psi - delta^2))``);
* n for power 1 - beta: ``n = (z_(1-a/2) sqrt(psi) + z_(1-beta) sqrt(psi - delta^2))^2 / delta^2``;
* minimum detectable difference at n: the ``delta`` solving the same equation (bracketed root).

The discordance is the observed ``(b + c) / n`` of the two candidates; a target difference larger
than it needs at least that much discordance, so ``psi = max(psi, |delta|)`` (stated in the
result). Check: psi = 0.5 (two independent candidates near 50 %) at n = 164 gives an MDE of about
15.4 points, the "about 15.5 points at HumanEval's n = 164" of lm-evaluation-harness issue #4017.
"""

from __future__ import annotations

import math

from pydantic import Field
from scipy import optimize, stats

from workbench.domain.models import Model

DEFAULT_POWER = 0.80


def _z(p: float) -> float:
    return float(stats.norm.ppf(p))


def _check(alpha: float, power: float | None = None) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be within (0, 1), got {alpha}")
    if power is not None and not 0.0 < power < 1.0:
        raise ValueError(f"power must be within (0, 1), got {power}")


def mcnemar_power(n: float, difference: float, discordance: float, alpha: float = 0.05) -> float:
    """Power of the two-sided McNemar test at n paired items (module docstring, Connor 1987)."""
    _check(alpha)
    d, psi = abs(difference), discordance
    if n <= 0 or psi <= 0 or d == 0:
        return alpha if d == 0 else 0.0
    if d > psi + 1e-12:
        raise ValueError(f"difference {difference} cannot exceed the discordance {discordance}")
    sd_alt = math.sqrt(max(psi - d * d, 1e-300))
    z = _z(1 - alpha / 2)
    upper = (math.sqrt(n) * d - z * math.sqrt(psi)) / sd_alt
    lower = (-math.sqrt(n) * d - z * math.sqrt(psi)) / sd_alt
    return float(stats.norm.cdf(upper) + stats.norm.cdf(lower))


def mcnemar_sample_size(difference: float, discordance: float, alpha: float = 0.05,
                        power: float = DEFAULT_POWER) -> int:
    """Paired items needed to detect ``difference`` with ``power`` (Connor 1987), rounded up."""
    _check(alpha, power)
    d = abs(difference)
    if d == 0:
        raise ValueError("the difference to detect must be non-zero")
    psi = max(discordance, d)
    n = (_z(1 - alpha / 2) * math.sqrt(psi) + _z(power) * math.sqrt(max(psi - d * d, 0.0))) ** 2 / (d * d)
    return max(1, math.ceil(n - 1e-9))


def mcnemar_mde(n: int, discordance: float, alpha: float = 0.05, power: float = DEFAULT_POWER) -> float | None:
    """Smallest difference detectable with ``power`` at n paired items and this discordance; None
    when not even ``difference = discordance`` (all discordant pairs one way) reaches the power."""
    _check(alpha, power)
    psi = discordance
    if n <= 0 or psi <= 0:
        return None
    za, zb = _z(1 - alpha / 2), _z(power)

    def gap(d: float) -> float:
        return math.sqrt(n) * d - za * math.sqrt(psi) - zb * math.sqrt(max(psi - d * d, 0.0))

    if gap(psi) < 0:
        return None
    return float(optimize.brentq(gap, 0.0, psi, xtol=1e-12))


def _target(given: float | None, observed: float | None) -> tuple[float | None, str]:
    if given is not None:
        return abs(given), "given"
    if observed:
        return abs(observed), "observed difference"
    return None, "none: give a target difference"


def _data_notes(n_paired: int, psi: float | None, mde: float | None, power: float) -> list[str]:
    if n_paired == 0:
        return ["no paired items: the discordance of the two candidates is unknown"]
    if not psi:
        return ["no discordant pairs: the two candidates agree on every item, so the discordance cannot be "
                "estimated and no sample size follows"]
    if mde is None:
        return [f"at n = {n_paired} no difference is detectable with {power:.0%} power"]
    return []


def _times(per_item: float | None, items: int | None) -> float | None:
    return per_item * items if per_item is not None and items is not None else None


class SampleSizePlan(Model):
    """Planner result for candidates A and B (JSON shape documented in docs/evidence.md)."""

    a: str
    b: str
    n_paired: int = Field(ge=0)
    a_only: int = Field(ge=0, description="items only A passed (McNemar b)")
    b_only: int = Field(ge=0, description="items only B passed (McNemar c)")
    discordance: float | None = Field(description="(b + c) / n; None without paired items")
    observed_difference: float | None = Field(description="(b - c) / n = rate A - rate B")
    alpha: float
    power: float
    mde_at_current_n: float | None
    power_at_current_n: float | None = Field(description="power to detect the target difference at n")
    target_difference: float | None
    target_source: str
    planning_discordance: float | None
    n_needed: int | None
    additional_items: int | None
    cost_per_item_usd: float | None = Field(description="cost per call of A + of B: both answer each item")
    cost_basis: str = Field(default="", description="where the cost per call comes from")
    cost_needed_usd: float | None
    cost_additional_usd: float | None
    notes: list[str] = Field(default_factory=list)


def plan_sample_size(
    *,
    a: str,
    b: str,
    n_paired: int,
    a_only: int,
    b_only: int,
    target_difference: float | None = None,
    alpha: float = 0.05,
    power: float = DEFAULT_POWER,
    cost_per_call_a_usd: float | None = None,
    cost_per_call_b_usd: float | None = None,
    cost_basis: str = "",
) -> SampleSizePlan:
    """MDE at the current n, n needed for ``target_difference`` (default: the observed difference)
    at ``power``, and its cost ``n * (c_A + c_B)`` (module docstring for the formulas)."""
    _check(alpha, power)
    if n_paired < 0 or a_only < 0 or b_only < 0 or a_only + b_only > n_paired:
        raise ValueError("counts must satisfy 0 <= a_only + b_only <= n_paired")
    if target_difference is not None and not 0.0 < abs(target_difference) <= 1.0:
        raise ValueError(f"target difference must be within (0, 1], got {target_difference}")
    notes: list[str] = []
    psi = (a_only + b_only) / n_paired if n_paired else None
    observed = (a_only - b_only) / n_paired if n_paired else None
    target, source = _target(target_difference, observed)
    mde = mcnemar_mde(n_paired, psi, alpha, power) if psi else None
    notes += _data_notes(n_paired, psi, mde, power)
    plan_psi = n_needed = None
    power_now = None
    if target is not None and psi:
        plan_psi = max(psi, target)
        if plan_psi > psi:
            notes.append(f"the target difference exceeds the observed discordance {psi:.3f}; planned with "
                         f"discordance {plan_psi:.3f} (every discordant item favouring one side)")
        n_needed = mcnemar_sample_size(target, plan_psi, alpha, power)
        power_now = mcnemar_power(n_paired, target, plan_psi, alpha)
    additional = max(0, n_needed - n_paired) if n_needed is not None else None
    per_item = (cost_per_call_a_usd + cost_per_call_b_usd
                if cost_per_call_a_usd is not None and cost_per_call_b_usd is not None else None)
    if per_item is None:
        notes.append("cost unknown: a candidate has no price for this workload")
    return SampleSizePlan(
        a=a, b=b, n_paired=n_paired, a_only=a_only, b_only=b_only, discordance=psi, observed_difference=observed,
        alpha=alpha, power=power, mde_at_current_n=mde, power_at_current_n=power_now, target_difference=target,
        target_source=source, planning_discordance=plan_psi, n_needed=n_needed, additional_items=additional,
        cost_per_item_usd=per_item, cost_basis=cost_basis,
        cost_needed_usd=_times(per_item, n_needed), cost_additional_usd=_times(per_item, additional),
        notes=notes,
    )
