"""Market overview: every candidate's blended price, quality and speed; excluded ones grey."""

from __future__ import annotations

import pytest

from workbench.charts import theme
from workbench.charts.market import market_scatter
from workbench.domain.market import blended_price
from workbench.services.decide import decide
from workbench.services.market import market
from workbench.store.workspace import create_profile, new_profile_model


def test_blended_price_is_three_to_one():
    # Artificial Analysis' 3:1 blend: $3 in / $15 out -> (9 + 15) / 4 = $6 per 1M tokens
    assert blended_price(3.0, 15.0) == 6.0


def test_market_has_every_candidate_with_ranking_quality_and_exclusions(engine):
    create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
    m = market(engine, "Contracts")
    d = decide(engine, "Contracts")
    assert {p.name for p in m.points} == {c.name for c in d.candidates}
    rows = {r.name: r for r in d.ranking.rows}
    excluded = {e.name for e in d.ranking.excluded}
    for p in m.points:
        assert p.excluded == (p.name in excluded)
        if p.name in rows:
            assert p.quality == rows[p.name].quality and p.rank == rows[p.name].rank
        cand = next(c for c in d.candidates if c.name == p.name)
        if cand.pricing is None:
            assert p.price_usd_per_mtok is None
        else:
            assert p.price_usd_per_mtok == pytest.approx(
                (3 * cand.pricing.input_per_mtok + cand.pricing.output_per_mtok) / 4)
        assert p.speed_tokens_per_s == cand.latency.output_tokens_per_s
    assert m.leader == d.ranking.rows[0].name

    fig = market_scatter(m.points, leader=m.leader)
    assert fig.layout.xaxis.type == "log" and theme.missing_units(fig) == []
    grey = [t for t in fig.data if t.name == "Excluded by the profile"]
    plotted_excluded = [p for p in m.points if p.excluded and p.price_usd_per_mtok and p.quality is not None]
    assert (len(grey[0].x) if grey else 0) == len(plotted_excluded)
    if grey:
        assert grey[0].marker.color == theme.EXCLUDED
    said = theme.takeaway(fig)
    assert said.startswith(f"{sum(not p.excluded for p in m.points)} of {len(m.points)} candidates are eligible")
    assert m.leader in said
