"""Economics defaults: L/H from the Trade-offs ranking, qualities from pooled imported pass rates."""

from __future__ import annotations

from tests.store.golden_set import CANDIDATES, golden_set_csv
from workbench.io.evidence import import_evidence
from workbench.services.decide import decide
from workbench.services.economics_defaults import economics_defaults, pooled_pass_rates
from workbench.store import evidence as ev
from workbench.store.workspace import create_profile, new_profile_model


def _golden_counts() -> dict[str, tuple[int, int]]:
    """Passed / items per catalog candidate, counted straight from the CSV text."""
    counts: dict[str, list[int]] = {}
    for line in golden_set_csv().decode().splitlines()[1:]:
        _, model, passed, *_ = line.split(",")
        c = counts.setdefault(CANDIDATES[model], [0, 0])
        c[0] += int(passed)
        c[1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def test_defaults_follow_the_ranking_and_the_imported_pass_rates(engine):
    create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
    d0 = economics_defaults(engine, "Contracts")
    assert d0.pass_rates == {}  # no evidence: the page keeps entered qualities
    result = import_evidence(golden_set_csv(), "csv", name="golden_set_200.csv")
    profile = decide(engine, "Contracts").profile
    ev.import_runs(engine, profile.id, result, CANDIDATES, "ada")
    ranking = decide(engine, "Contracts").ranking
    d = economics_defaults(engine, "Contracts")
    assert (d.leader, d.runner_up) == (ranking.rows[0].name, ranking.rows[1].name)
    assert set(d.excluded) == {e.name for e in ranking.excluded}
    assert d.ceiling_usd == decide(engine, "Contracts").effective.constraints.max_cost_per_success_usd
    for name, (k, n) in _golden_counts().items():
        rate = d.pass_rates[name]
        assert (rate.passed, rate.n, rate.runs) == (k, n, 1) and rate.rate == k / n
        assert f"{k}/{n} items passed" in rate.source


def test_pooling_counts_every_item_once():
    """Two runs of 40/50 and 45/50 pool to 85/100 (not the mean of rates when n differs)."""
    runs = import_evidence(golden_set_csv(n=50), "csv", name="a.csv").runs
    one = {r.name: r for r in runs}["qwen/Qwen-3.5-72B"]
    k1, n1 = one.binary_counts()
    other = import_evidence(golden_set_csv(seed=7, n=30), "csv", name="b.csv").runs
    two = {r.name: r for r in other}["qwen/Qwen-3.5-72B"]
    k2, n2 = two.binary_counts()
    pooled = pooled_pass_rates({"Qwen 3.5 72B": [one, two]})["Qwen 3.5 72B"]
    assert (pooled.passed, pooled.n, pooled.runs) == (k1 + k2, n1 + n2, 2)
    assert pooled.rate == (k1 + k2) / (n1 + n2)
    assert pooled_pass_rates({"X": []}) == {}
