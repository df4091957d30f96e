"""Economics page: the answer first. One bordered strip above every input: the cheapest eligible
candidate per success and its monthly bill, the Trade-offs leader against the profile's cost
ceiling, and whether a cascade runner-up → leader pays (its break-even escalation rate).

Costs come from the same cached breakdown the sections use (:func:`common.cost_breakdown`), so
the strip and the sections agree to the digit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import streamlit as st

from workbench.domain import economics as econ
from workbench.domain import economics_view as view
from workbench.domain.models import Candidate, Workload
from workbench.domain.money import usd_per_month, usd_per_success
from workbench.services.economics_defaults import EconomicsDefaults
from workbench.ui.economics.common import cost_breakdown, pct
from workbench.ui.text import md


def _status(name: str, cost: float, ceiling: float | None) -> tuple[str, Literal["gray", "green", "red"]]:
    """The delta line under a cost: the candidate's name and where it stands against the ceiling."""
    if ceiling is None:
        return md(name), "gray"
    if cost <= ceiling:
        return f"{md(name)} · within the ceiling", "green"
    return f"{md(name)} · {cost / ceiling:.1f}× the ceiling", "red"


def answer_strip(candidates: Sequence[Candidate], workload: Workload, defaults: EconomicsDefaults | None) -> str:
    """Render the strip; returns its sentence (also shown under it)."""
    costs = cost_breakdown(candidates, workload)
    rows = {str(r["candidate"]): r for r in view.cost_rows(costs)}
    excluded = set(defaults.excluded) if defaults else set()
    eligible = [n for n in rows if n not in excluded]
    ceiling = defaults.ceiling_usd if defaults else None
    box = st.container(border=True, key="econ_answer")
    if not eligible:
        sentence = ("No eligible candidate has a price for this workload." if rows else
                    "No candidate has prices yet: add them on the Candidates page.")
        box.info(sentence)
        return sentence
    best = eligible[0]
    best_cost = float(rows[best]["cost_per_success_usd"])  # type: ignore[arg-type]
    m = box.columns(4)
    delta, colour = _status(best, best_cost, ceiling)
    m[0].metric("Cheapest eligible, per success", usd_per_success(best_cost), delta=delta, delta_color=colour,
                delta_arrow="off",
                help="Lowest cost per successful outcome among candidates the profile does not exclude"
                     + (f"; cost ceiling {usd_per_success(ceiling)}" if ceiling else "; the profile sets no ceiling"))
    m[1].metric("Its bill per month", usd_per_month(float(rows[best]["monthly_total_usd"])),  # type: ignore[arg-type]
                delta=f"{workload.requests_per_month:,} requests per month", delta_color="gray", delta_arrow="off",
                help="Retries and human review included")
    sentence = (f"On this workload {best} is the cheapest eligible candidate at {usd_per_success(best_cost)} per "
                f"success ({usd_per_month(float(rows[best]['monthly_total_usd']))} per month)")  # type: ignore[arg-type]
    leader = defaults.leader if defaults else None
    if leader is not None and leader in rows:
        lc = float(rows[leader]["cost_per_success_usd"])  # type: ignore[arg-type]
        delta, colour = _status(leader, lc, ceiling)
        m[2].metric("Leader, per success", usd_per_success(lc), delta=delta, delta_color=colour,
                    delta_arrow="off", help="The profile's ranking winner (Trade-offs page), cost per success")
        sentence += f"; the Trade-offs leader {leader} costs {usd_per_success(lc)} per success"
        runner = defaults.runner_up if defaults else None
        if runner is not None and runner in rows:
            cl = float(costs.success.cost_per_request_usd[costs.names.index(runner)])
            ch = float(costs.success.cost_per_request_usd[costs.names.index(leader)])
            be = econ.cascade_break_even(cl, ch, 0.0) if ch > 0 else None
            value = "no data" if be is None else ("never" if be.never_pays else pct(be.rate))
            m[3].metric("Cascade pays below", value, delta=f"escalation · {md(runner)} → leader", delta_color="gray",
                        delta_arrow="off",
                        help="1 − C_L/C_H (no judge cost): below this share of escalations the cascade is cheaper "
                             "than the leader alone. Details: Cascade section")
            if be is not None:
                sentence += ("; a cascade from the runner-up never pays" if be.never_pays else
                             f"; a cascade from the runner-up {runner} pays while fewer than {pct(be.rate)} escalate")
    elif leader is not None:
        m[2].metric("Leader, per success", "no price", delta=md(leader), delta_color="gray",
                    delta_arrow="off", help="The leader has no price for this workload")
    else:
        m[2].metric("Leader, per success", "—", help="Choose a profile to compare against its ranking winner")
    sentence += "."
    box.caption(md(sentence))
    return sentence
