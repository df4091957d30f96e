"""Which candidates the evidence cannot separate from the leader, and on what basis.

Rule (reference economics-and-evidence.md 6 and 8):

1. **Paired test** where both the leader and the candidate have per-item results on the criterion
   that share item ids: exact McNemar for pass/fail (scores: paired bootstrap), with the p-values
   of all such leader-vs-candidate pairs adjusted by Holm (Holm 1979) because one table makes
   several comparisons. Tied when the Holm-adjusted p >= alpha.
2. Otherwise **interval overlap**: tied when the candidate's interval reaches the leader's lower
   bound (``upper_i >= lower_leader``, the band Chatbot Arena draws; intervals at ``1 - alpha``).
3. With no evidence on either side the answer is unknown (``tied = None``), never a guess.

Paired beats overlap: two overlapping intervals can hide a clear paired difference, because both
candidates answered the same items and item difficulty cancels out of the comparison (lm-eval PR
#3868: unpaired p = 0.080, McNemar p = 0.008 on the same data). Each row says when that happens
(``intervals_overlap`` true, ``tied`` false).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np
from pydantic import Field

from workbench.domain.evidence.capability import CapabilityEvidence, capability_evidence
from workbench.domain.evidence.hygiene import vector_for
from workbench.domain.evidence.intervals import IntervalMethod, holm_adjust, summarize_rates
from workbench.domain.evidence.paired import PairedComparison, compare_runs
from workbench.domain.evidence.runs import EvaluationRun, EvidenceError
from workbench.domain.models import Model, TaskClass

TieBasis = Literal["paired", "intervals", "none"]


class LeaderTie(Model):
    """One candidate against the leader on one criterion."""

    candidate: str
    tied: bool | None = Field(description="indistinguishable from the leader (None: no evidence to say)")
    basis: TieBasis
    test: Literal["mcnemar-exact", "paired-bootstrap"] | None = None
    p_value: float | None = Field(default=None, description="raw p-value of the paired test")
    p_holm: float | None = Field(default=None, description="Holm-adjusted over the table's paired tests")
    n_paired: int | None = None
    interval: tuple[float, float] | None = Field(default=None, description="candidate's interval")
    intervals_overlap: bool | None = None
    explanation: str

    def label(self) -> str:
        """``"B (McNemar exact, Holm p = 0.42)"`` or ``"B (intervals overlap)"`` for a ranking line."""
        if self.basis == "paired" and self.p_holm is not None:
            test = "McNemar exact" if self.test == "mcnemar-exact" else "paired bootstrap"
            return f"{self.candidate} ({test}, Holm p = {self.p_holm:.2g})"
        if self.basis == "intervals":
            return f"{self.candidate} (intervals overlap)"
        return f"{self.candidate} (no evidence)"


class LeaderTies(Model):
    """The leader and every other candidate's tie status on one criterion."""

    leader: str
    criterion: str
    alpha: float
    leader_interval: tuple[float, float] | None = None
    rows: list[LeaderTie]

    def tied(self) -> list[str]:
        """Candidates the evidence cannot separate from the leader."""
        return [r.candidate for r in self.rows if r.tied is True]

    def separated_despite_overlap(self) -> list[LeaderTie]:
        """Rows whose intervals overlap the leader's but whose paired test separates them."""
        return [r for r in self.rows if r.basis == "paired" and r.tied is False and r.intervals_overlap]

    def as_json(self) -> dict[str, object]:
        return {
            "leader": self.leader, "criterion": self.criterion, "alpha": self.alpha,
            "tied_with_leader": self.tied(),
            "rows": [r.model_dump(mode="json") for r in self.rows],
        }


def _pairing(a: Sequence[EvaluationRun], b: Sequence[EvaluationRun]) -> tuple[EvaluationRun, EvaluationRun] | None:
    """The pair of runs (leader's, candidate's) sharing the most item keys with a comparable outcome."""
    best: tuple[int, EvaluationRun, EvaluationRun] | None = None
    for ra in a:
        if not ra.items:
            continue
        keys_a = {it.key for it in ra.items}
        for rb in b:
            if not rb.items:
                continue
            shared = len(keys_a & {it.key for it in rb.items})
            if shared and (best is None or shared > best[0]):
                best = (shared, ra, rb)
    return None if best is None else (best[1], best[2])


def _try_paired(leader_runs: Sequence[EvaluationRun], runs: Sequence[EvaluationRun], *, alpha: float,
                method: IntervalMethod, seed: int) -> PairedComparison | None:
    pair = _pairing(leader_runs, runs)
    if pair is None:
        return None
    try:
        return compare_runs(pair[0], pair[1], alpha=alpha, method=method, seed=seed)
    except EvidenceError:  # shared ids but outcomes not comparable (pass/fail vs score)
        return None


def _overlap(iv: tuple[float, float] | None, leader_iv: tuple[float, float] | None) -> bool | None:
    if iv is None or leader_iv is None:
        return None
    return bool(iv[1] >= leader_iv[0] and leader_iv[1] >= iv[0])


def _intervals(runs: Sequence[EvaluationRun], criterion: str, evidence: Iterable[CapabilityEvidence],
               given: Mapping[str, tuple[float, float]] | None, *, task_class: TaskClass | None,
               method: IntervalMethod, confidence: float) -> dict[str, tuple[float, float]]:
    """Interval per candidate: ``given`` first, then ``evidence`` on the vector, then the runs pooled."""
    ivs: dict[str, tuple[float, float]] = {}
    if criterion == "*":
        for s in summarize_rates(runs, method, confidence):
            ivs.setdefault(s.name, (s.lower, s.upper))
    else:
        pooled = capability_evidence(runs, task_class=task_class, method=method, confidence=confidence)
        for ev in (*pooled, *evidence):
            if ev.vector == criterion:
                ivs[ev.candidate] = (ev.lower, ev.upper)
    ivs.update(given or {})
    return ivs


def leader_ties(
    leader: str,
    others: Sequence[str],
    *,
    criterion: str,
    runs_by_candidate: Mapping[str, Sequence[EvaluationRun]] | None = None,
    intervals: Mapping[str, tuple[float, float]] | None = None,
    evidence: Iterable[CapabilityEvidence] = (),
    task_class: TaskClass | None = None,
    alpha: float = 0.05,
    method: IntervalMethod = "wilson",
    seed: int = 0,
) -> LeaderTies:
    """Tie status of each of ``others`` against ``leader`` on ``criterion`` (module docstring).

    ``criterion`` is a capability vector: a run counts for it when :func:`vector_for` maps its
    metric kind there (``criterion="*"`` takes every run, for a table of runs of one task).
    Intervals come from ``intervals`` (name -> (lower, upper), e.g. score intervals), else from
    ``evidence`` on the vector, else from the runs pooled by :func:`capability_evidence` at
    ``1 - alpha``. Holm adjusts over the paired rows only.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be within (0, 1), got {alpha}")
    runs_by_candidate = runs_by_candidate or {}

    def on_criterion(name: str) -> list[EvaluationRun]:
        runs = runs_by_candidate.get(name, ())
        if criterion == "*":
            return list(runs)
        return [r for r in runs if vector_for(r.metric_kind, task_class, r.benchmark) == criterion]

    ivs = _intervals([r for n in (leader, *others) for r in on_criterion(n)], criterion, evidence, intervals,
                     task_class=task_class, method=method, confidence=1.0 - alpha)
    leader_iv = ivs.get(leader)
    leader_runs = on_criterion(leader)
    paired = {name: _try_paired(leader_runs, on_criterion(name), alpha=alpha, method=method, seed=seed)
              for name in others if name != leader}
    tested = {name: pc for name, pc in paired.items() if pc is not None}
    adjusted = holm_adjust([pc.p_value for pc in tested.values()]) if tested else np.zeros(0)
    holm = dict(zip(tested, adjusted.tolist(), strict=True))
    rows: list[LeaderTie] = []
    for name in others:
        if name == leader:
            continue
        iv = ivs.get(name)
        overlap = _overlap(iv, leader_iv)
        pc = paired.get(name)
        if pc is not None:
            p_adj = float(holm[name])
            tied = p_adj >= alpha
            text = _paired_text(leader, name, pc, p_adj, alpha, overlap, len(tested))
            rows.append(LeaderTie(candidate=name, tied=tied, basis="paired", test=pc.test, p_value=pc.p_value,
                                  p_holm=p_adj, n_paired=pc.n_paired, interval=iv, intervals_overlap=overlap,
                                  explanation=text))
        elif overlap is not None:
            level = f"{1 - alpha:.0%}"
            text = (f"No shared per-item results with {leader}: compared by {level} intervals, which "
                    + ("overlap: the evidence cannot separate them." if overlap
                       else f"do not overlap: {leader} is ahead."))
            rows.append(LeaderTie(candidate=name, tied=bool(overlap), basis="intervals", interval=iv,
                                  intervals_overlap=overlap, explanation=text))
        else:
            missing = leader if leader_iv is None else name
            rows.append(LeaderTie(candidate=name, tied=None, basis="none", interval=iv,
                                  explanation=f"No evidence for {missing} on {criterion}: cannot say."))
    return LeaderTies(leader=leader, criterion=criterion, alpha=alpha, leader_interval=leader_iv, rows=rows)


def _paired_text(leader: str, name: str, pc: PairedComparison, p_adj: float, alpha: float,
                 overlap: bool | None, m: int) -> str:
    holm = f"Holm-adjusted over {m} comparisons p = {p_adj:.2g}" if m > 1 else f"p = {p_adj:.2g}"
    counts = (f" ({leader} alone passed {pc.a_only}, {name} alone {pc.b_only})"
              if pc.a_only is not None else "")
    if p_adj >= alpha:
        return f"Paired on {pc.n_paired} items{counts}: not distinguishable ({holm} >= {alpha:g})."
    text = f"Paired on {pc.n_paired} items{counts}: {leader} is ahead ({holm} < {alpha:g})."
    if overlap:
        text += (" The intervals overlap, but both answered the same items, so item difficulty cancels out "
                 "of the paired test, which separates them where the intervals cannot.")
    return text


def ties_among_runs(runs: Sequence[EvaluationRun], *, alpha: float = 0.05,
                    method: IntervalMethod = "wilson", seed: int = 0) -> LeaderTies | None:
    """Tie status for a table of runs of one task (the Evidence page): leader = the highest pass
    rate (score mean for score runs); None with fewer than two candidates."""
    by_name: dict[str, list[EvaluationRun]] = {}
    for r in runs:
        by_name.setdefault(r.name, []).append(r)
    if len(by_name) < 2:
        return None

    def rate(name: str) -> float:
        vals = [v for r in by_name[name] if (v := (r.pass_rate if r.pass_rate is not None else r.mean_score))
                is not None]
        return float(np.mean(vals)) if vals else -np.inf

    names = sorted(by_name, key=lambda n: (-rate(n), n))
    return leader_ties(names[0], names[1:], criterion="*", runs_by_candidate=by_name, alpha=alpha,
                       method=method, seed=seed)
