"""Issue 13, point 2 (ranking side): who is statistically indistinguishable from the leader, and on what basis."""

from __future__ import annotations

from datetime import UTC, datetime

from workbench.domain.evidence import EvaluationRun, ItemResult, MetricKind
from workbench.domain.models import CRITERIA, Candidate, CapabilityRating, Profile
from workbench.domain.ranking import rank
from workbench.services.ranking_notes import ties


def _run(name: str, passes: int, n: int = 60) -> EvaluationRun:
    return EvaluationRun(source_format="csv", source_file=f"{name}.csv", source_sha256="a" * 64,  # type: ignore[arg-type]
                         imported_at=datetime(2026, 1, 1, tzinfo=UTC), source_model=name, candidate=name,
                         metric_kind=MetricKind.schema_validity,
                         items=[ItemResult(item_id=f"q{i}", passed=i < passes) for i in range(n)])


def test_paired_test_separates_and_ties_and_intervals_overlap_elsewhere() -> None:
    profile = Profile(name="p", task_class="extraction",  # type: ignore[arg-type]
                      weights=dict.fromkeys(CRITERIA, 0.0) | {"schema_adherence": 2.0, "citation_discipline": 1.0})

    def cand(name: str, schema: float | None, citation: float | None) -> Candidate:
        caps = {k: CapabilityRating(measured=v) for k, v in (("schema_adherence", schema),
                                                             ("citation_discipline", citation)) if v is not None}
        return Candidate(name=name, capabilities=caps)

    # measured schema adherence: A 60/60, B 40/60 (20 discordant pairs, exact McNemar p = 2^-19), C 58/60
    # (2 discordant, p = 0.5); D has no evidence and an unknown citation rating (a range overlapping A's score).
    cands = [cand("A", 1.0, 1.0), cand("B", 40 / 60, 1.0), cand("C", 58 / 60, 1.0), cand("D", 1.0, None)]
    ranking = rank(profile, cands)
    assert ranking.rows[0].name == "A"
    runs = {"A": [_run("A", 60)], "B": [_run("B", 40)], "C": [_run("C", 58)]}
    tied = {t.name: t for t in ties(ranking, profile, runs)}
    assert "B" not in tied
    assert tied["C"].basis.startswith("exact McNemar") and tied["C"].p_value is not None
    assert 0.4 < tied["C"].p_value <= 1.0
    assert tied["D"].basis == "intervals overlap"
