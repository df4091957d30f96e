"""Hard-constraint checks, evaluated over all candidates at once (vectorised masks with reasons).

Every violated constraint of every excluded candidate is reported with both values
(:func:`evaluate_constraints`). Unknown values fail a constraint (fail closed) unless a check says
otherwise. Moved out of :mod:`workbench.domain.scoring` (which re-exports these names).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from workbench.domain.scoring_types import BoolArray, FloatArray, ScoringError


def _fmt_number(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


class Check(Protocol):
    """A hard constraint evaluated over all candidates at once."""

    @property
    def key(self) -> str: ...

    @property
    def requirement(self) -> str: ...

    def violated(self) -> BoolArray: ...

    def reasons(self, i: int) -> list[str]: ...


@dataclass(frozen=True)
class ThresholdCheck:
    """Numeric bound: ``values >= threshold`` (kind "min") or ``values <= threshold`` (kind "max").

    Reason text: ``"<label> <value> < <word> <threshold>"``, e.g. "context 128K < required 200K";
    an unknown value reads "context unknown; required 200K".
    """

    key: str
    label: str
    values: FloatArray
    threshold: float
    kind: Literal["min", "max"]
    word: str = "required"
    fmt: Callable[[float], str] = _fmt_number

    @property
    def requirement(self) -> str:
        op = ">=" if self.kind == "min" else "<="
        return f"{self.label} {op} {self.fmt(self.threshold)}"

    def violated(self) -> BoolArray:
        with np.errstate(invalid="ignore"):
            ok = self.values >= self.threshold if self.kind == "min" else self.values <= self.threshold
        return ~ok  # NaN compares False -> violated (fail closed)

    def reasons(self, i: int) -> list[str]:
        v = float(self.values[i])
        if np.isnan(v):
            return [f"{self.label} unknown; {self.word} {self.fmt(self.threshold)}"]
        op = "<" if self.kind == "min" else ">"
        return [f"{self.label} {self.fmt(v)} {op} {self.word} {self.fmt(self.threshold)}"]


@dataclass(frozen=True)
class SetCheck:
    """Set requirement over k items: the candidate must offer ``all`` wanted items, or ``any`` one.

    ``offered`` is m x k, ``known`` m (False = nothing recorded, which fails), ``wanted`` k.
    Reason text: "residency: offers us, required eu"; lists join with " + " (all) or " or " (any).
    """

    key: str
    label: str
    offered: BoolArray
    known: BoolArray
    wanted: BoolArray
    mode: Literal["all", "any"]
    items: tuple[str, ...]
    word: str = "required"
    shown: BoolArray | None = None  #: m x k items to display as offered (default: ``offered``)

    def _wanted_text(self) -> str:
        sep = " + " if self.mode == "all" else " or "
        return sep.join(self.items[j] for j in np.flatnonzero(self.wanted))

    @property
    def requirement(self) -> str:
        return f"{self.label}: {self.word} {self._wanted_text()}"

    def violated(self) -> BoolArray:
        if self.mode == "all":
            ok = ~(self.wanted & ~self.offered).any(axis=1)
        else:
            ok = (self.offered & self.wanted).any(axis=1)
        return ~(ok & self.known)

    def reasons(self, i: int) -> list[str]:
        if not self.known[i]:
            return [f"{self.label}: unknown, {self.word} {self._wanted_text()}"]
        shown = self.offered if self.shown is None else self.shown
        offered = " + ".join(self.items[j] for j in np.flatnonzero(shown[i])) or "none"
        text = f"{self.label}: offers {offered}, {self.word} {self._wanted_text()}"
        if self.mode == "all":
            missing = ", ".join(self.items[j] for j in np.flatnonzero(self.wanted & ~self.offered[i]))
            text += f" (missing {missing})"
        return [text]


@dataclass(frozen=True)
class ForbiddenCheck:
    """The candidate must carry none of the forbidden items (e.g. licence restrictions).

    ``present`` is m x k, ``known`` m (unknown fails), ``forbidden`` k; ``phrases[j]`` is the full
    reason for item j, e.g. "license forbids unlicensed professional (...) practice".
    """

    key: str
    label: str
    present: BoolArray
    known: BoolArray
    forbidden: BoolArray
    phrases: tuple[str, ...]
    short: tuple[str, ...]

    @property
    def requirement(self) -> str:
        return f"{self.label} free of: " + ", ".join(self.short[j] for j in np.flatnonzero(self.forbidden))

    def violated(self) -> BoolArray:
        return ~self.known | (self.present & self.forbidden).any(axis=1)

    def reasons(self, i: int) -> list[str]:
        if not self.known[i]:
            return [f"{self.label} unknown; cannot confirm it allows this use ({self.requirement})"]
        return [self.phrases[j] for j in np.flatnonzero(self.present[i] & self.forbidden)]


@dataclass(frozen=True)
class FlagCheck:
    """A precomputed yes/no constraint with a fixed reason (e.g. "closed weights; open weights required")."""

    key: str
    requirement: str
    failing: BoolArray
    reason: str

    def violated(self) -> BoolArray:
        return self.failing

    def reasons(self, i: int) -> list[str]:
        return [self.reason]


@dataclass(frozen=True)
class ReasonCheck:
    """A constraint evaluated elsewhere (e.g. GPU memory fit): one reason per failing candidate, None = passes."""

    key: str
    requirement: str
    outcome: tuple[str | None, ...]

    def violated(self) -> BoolArray:
        return np.array([reason is not None for reason in self.outcome], dtype=bool)

    def reasons(self, i: int) -> list[str]:
        reason = self.outcome[i]
        return [reason] if reason is not None else []


@dataclass(frozen=True)
class ConstraintImpact:
    key: str
    requirement: str
    excluded: int  #: candidates this constraint excludes (they may fail others too)
    sole_blocker: int  #: candidates excluded by this constraint alone: relaxing it brings them back


@dataclass(frozen=True)
class ConstraintEvaluation:
    """Violation masks of all checks over all candidates."""

    checks: tuple[Check, ...]
    masks: BoolArray  #: c x m, True = candidate violates check c
    feasible: BoolArray  #: m, violates nothing

    @property
    def violations(self) -> BoolArray:
        """m x c view of :attr:`masks`."""
        return self.masks.T

    def reasons(self, i: int) -> list[str]:
        """Every violated constraint of candidate ``i``, as human text with both values."""
        out: list[str] = []
        for c in np.flatnonzero(self.masks[:, i]):
            out.extend(self.checks[c].reasons(i))
        return out

    def violated_keys(self, i: int) -> list[str]:
        return [self.checks[c].key for c in np.flatnonzero(self.masks[:, i])]

    def impacts(self) -> list[ConstraintImpact]:
        """Per constraint: how many it excludes and how many it alone excludes; tightest first."""
        if not self.checks:
            return []
        excluded = self.masks.sum(axis=1)
        sole = (self.masks & (self.masks.sum(axis=0) == 1)[None, :]).sum(axis=1)
        items = [ConstraintImpact(ch.key, ch.requirement, int(excluded[c]), int(sole[c]))
                 for c, ch in enumerate(self.checks)]
        return sorted(items, key=lambda it: (-it.excluded, -it.sole_blocker, it.key))


def evaluate_constraints(checks: Sequence[Check], m: int) -> ConstraintEvaluation:
    """Evaluate every check over all ``m`` candidates: one vectorised mask per constraint."""
    if checks:
        masks = np.stack([np.asarray(ch.violated(), dtype=bool) for ch in checks])
        if masks.shape[1] != m:
            raise ScoringError(f"constraint masks have {masks.shape[1]} entries for {m} candidates")
        feasible = ~np.logical_or.reduce(masks, axis=0)
    else:
        masks = np.zeros((0, m), dtype=bool)
        feasible = np.ones(m, dtype=bool)
    return ConstraintEvaluation(tuple(checks), masks, np.asarray(feasible, dtype=bool))
