"""Issue 13, point 3: tipping points computed by hand (weight stability interval, cost threshold) and the
weighted-sum / TOPSIS agreement badge."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.domain import scoring
from workbench.domain.models import CRITERIA, Candidate, CapabilityRating, Profile
from workbench.domain.ranking import rank
from workbench.domain.tipping import cost_threshold

WEIGHTS = dict.fromkeys(CRITERIA, 0.0) | {"grounded_synthesis": 3.0, "citation_discipline": 1.0}


def _cand(name: str, g: float, c: float) -> Candidate:
    return Candidate(name=name, capabilities={"grounded_synthesis": CapabilityRating(measured=g),
                                              "citation_discipline": CapabilityRating(measured=c)})


def test_weight_stability_interval_by_hand() -> None:
    # A = (1, 0), C = (0.5, 0.5), B = (0, 1); weights 3 : 1 -> A 0.75, C 0.5, B 0.25.
    # A vs C: d = (0.5, -0.5), D0 = 3*0.5 - 1*0.5 = 1 -> grounded weight W* = 3 - 1/0.5 = 1 (C wins below),
    # citation weight W* = 1 + 1/0.5 = 3 (C wins above). A vs B: d = (1, -1), D0 = 2 -> W* = 1 and 3.
    result = rank(Profile(name="p", weights=WEIGHTS), [_cand("A", 1, 0), _cand("B", 0, 1), _cand("C", 0.5, 0.5)])
    assert [r.name for r in result.rows] == ["A", "C", "B"]
    tips = {(t.candidate, t.criterion): t for t in result.tipping_points}
    g, c = tips[("C", "grounded_synthesis")], tips[("C", "citation_discipline")]
    assert (g.threshold, g.interval, g.current) == (1.0, [1.0, None], 3.0)
    assert (c.threshold, c.interval, c.current) == (3.0, [0.0, 3.0], 1.0)
    assert "drops below 1 (now 3)" in g.text and "rises above 3 (now 1)" in c.text
    assert tips[("B", "grounded_synthesis")].threshold == 1.0 and tips[("B", "citation_discipline")].threshold == 3.0
    # at the threshold the two really tie
    tied = rank(Profile(name="p", weights=WEIGHTS | {"grounded_synthesis": 1.0}),
                [_cand("A", 1, 0), _cand("C", 0.5, 0.5)])
    assert tied.rows[0].score == tied.rows[1].score


def test_cost_threshold_by_hand() -> None:
    # quality (benefit) and cost, weights 1 : 1. A = (1, 0.03), B = (0.4, 0.02), C = (0, 0.01).
    # A = 0.5; B = 0.5*0.4 + 0.5*(0.03 - c)/0.02 beats 0.5 when c < 0.018.
    x = np.array([[1.0, 0.03], [0.4, 0.02], [0.0, 0.01]])
    benefit = np.array([True, False])
    rg = scoring.unknown_ranges(x)
    w = np.array([0.5, 0.5])
    assert cost_threshold("wsm", rg, benefit, w, 1, mover=1, other=0, mover_wins=True) == pytest.approx(0.018)
    # A falls behind B when its own cost rises: 0.5 + 0.5*(h - a)/(h - 0.01) with h = max(a, 0.03) ... A's cost
    # normalises to 0 once it is the dearest, so A = 0.5 against B = 0.2 + 0.5*(a - 0.02)/(a - 0.01): a > 0.035
    assert cost_threshold("wsm", rg, benefit, w, 1, mover=0, other=1, mover_wins=False) == pytest.approx(0.035)


def test_methods_agree_badge_names_both_winners_when_they_differ() -> None:
    # equal weights: A = (1, 0), B = (0.45, 0.45). WSM: A 0.5 > B 0.45. TOPSIS (vector norms 1.0966, 0.45):
    # closeness A = 0.334, B = 0.666 -> B.
    profile = Profile(name="p", weights=dict.fromkeys(CRITERIA, 0.0) | {"grounded_synthesis": 1.0,
                                                                         "citation_discipline": 1.0})
    cands = [_cand("A", 1, 0), _cand("B", 0.45, 0.45)]
    wsm, topsis = rank(profile, cands, "wsm"), rank(profile, cands, "topsis")
    assert wsm.winners == topsis.winners == {"wsm": "A", "topsis": "B"}
    assert not wsm.methods_agree and topsis.rows[0].score == pytest.approx(0.666, abs=1e-3)
    assert rank(profile, [_cand("A", 1, 1), _cand("B", 0.5, 0.5)]).methods_agree
