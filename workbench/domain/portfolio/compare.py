"""The portfolio against its alternatives: the single-model monolith and "premium everywhere".

* **Monolith** (seed 002's anti-pattern "the single model monolith"): the one candidate that every step's hard
  constraints admit, and among those the best on average — the highest call-weighted mean of its score across
  the steps (each step's score is the ranking's, in [0, 1]); ties by name. "None does" when no candidate is
  admitted everywhere.
* **Premium everywhere**: each step served by its highest-quality ranked candidate (quality = the ranking's
  capability-weighted quality; ties by score, then name).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StepRanking:
    key: str
    calls: float
    scores: dict[str, float]  # ranked (admitted) candidates -> score
    quality: dict[str, float]


def monolith_choice(steps: list[StepRanking]) -> str | None:
    admitted = set.intersection(*(set(s.scores) for s in steps)) if steps else set()
    if not admitted:
        return None
    total_calls = sum(s.calls for s in steps)

    def mean_score(name: str) -> float:
        return sum(s.calls * s.scores[name] for s in steps) / total_calls

    return min(admitted, key=lambda name: (-round(mean_score(name), 12), name))


def premium_choice(step: StepRanking) -> str | None:
    if not step.quality:
        return None
    return min(step.quality, key=lambda n: (-round(step.quality[n], 12), -round(step.scores.get(n, 0.0), 12), n))
