"""Economics page: shared constants, cached computations, workload inputs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import streamlit as st
from sqlalchemy import Engine

from workbench.domain import economics as econ
from workbench.domain.models import Candidate, Workload
from workbench.services import economics_defaults as defaults_service
from workbench.services.decide import workspace_revision
from workbench.services.economics_defaults import EconomicsDefaults
from workbench.store import workspace
from workbench.ui.text import md

SECTIONS: dict[str, str] = {
    "cost": "Cost per success",
    "crossover": "Crossover & volume",
    "cascade": "Cascade",
    "routing": "Routing",
    "rag": "RAG vs stuffing",
    "speculative": "Speculative decoding",
    "tokenizer": "Tokenizer drift",
}
PER_REQUEST = 6  # decimals for USD per request / per success
PER_MTOK = 4  # decimals for USD per 1M tokens
PER_MONTH = 2  # decimals for USD per month
SOURCE_SEED = "seed 002"
SOURCE_REF = "reference economics-and-evidence.md"
WORKLOAD_LABELS = {
    "input_tokens": "Input tokens per request", "output_tokens": "Output tokens per request",
    "cached_share": "Cached share of input", "requests_per_month": "Requests per month",
    "effort_tier": "Reasoning effort tier", "max_retries": "Max retries after an invalid output",
    "valid_output_rate": "Valid-output rate per attempt", "human_review_cost_usd": "Human review cost (USD per case)",
    "human_review_rate": "Human review rate",
}


def pct(x: float, digits: int = 1) -> str:
    return f"{100.0 * x:.{digits}f}%"


def _slug(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_")


# =========================================================================== cached computations


class Catalog(tuple):
    """The workspace's candidates at one revision: a tuple with a cheap cache key (hashing 500
    pydantic candidates for every cached call cost 60-90 ms per call; the key costs nothing)."""

    key: str = ""

    @classmethod
    def of(cls, items: Sequence[Candidate], key: str) -> Catalog:
        out = cls(items)
        out.key = key
        return out


@st.cache_resource(ttl=600, max_entries=4, show_spinner=False)
def _catalog(_engine: Engine, url: str, revision: int) -> Catalog:
    return Catalog.of([r.model for r in workspace.list_candidates(_engine)], f"{url}#{revision}")


def workspace_candidates(engine: Engine) -> Catalog:
    """Every candidate, read once per workspace revision (reading 500 from the store took 0.3-0.9 s a rerun)."""
    return _catalog(engine, str(engine.url), workspace_revision(engine))


@st.cache_data(ttl=600, max_entries=32, show_spinner=False, hash_funcs={Catalog: lambda c: c.key})
def _keyed_breakdown(candidates: Catalog, workload: Workload) -> econ.CandidateCosts:
    return econ.cost_breakdown_for(list(candidates), workload)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _breakdown(candidates: tuple[Candidate, ...], workload: Workload) -> econ.CandidateCosts:
    return econ.cost_breakdown_for(list(candidates), workload)


def cost_breakdown(candidates: Sequence[Candidate], workload: Workload) -> econ.CandidateCosts:
    """The workload's costs for every candidate (cached; keyed by revision for the workspace catalog)."""
    if isinstance(candidates, Catalog) and candidates.key:
        return _keyed_breakdown(candidates, workload)
    return _breakdown(tuple(candidates), workload)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _options(candidates: tuple[Candidate, ...], workload: Workload, domain: str) -> econ.Options:
    return econ.effort_options(list(candidates), workload, domain)


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def _sweep(confidence: np.ndarray, correct: np.ndarray, premium_correct: np.ndarray | None, cheap: float,
           premium: float, judge: float, premium_quality: float | None) -> econ.ThresholdSweep:
    return econ.cascade_threshold_sweep(confidence, correct, cheap_cost=cheap, premium_cost=premium, judge_cost=judge,
                                        premium_quality=premium_quality, premium_correct=premium_correct)


# =========================================================================== workload


def workload_inputs(workload: Workload, tiers: Sequence[str], key: str) -> dict[str, Any]:
    """Live inputs for the workload (the sections use them unsaved); returns the raw values."""
    c = st.columns(5)
    raw: dict[str, Any] = {
        "input_tokens": c[0].number_input(WORKLOAD_LABELS["input_tokens"], value=workload.input_tokens, step=100,
                                          key=f"{key}-in", persist_state="session"),
        "output_tokens": c[1].number_input(WORKLOAD_LABELS["output_tokens"], value=workload.output_tokens, step=50,
                                           key=f"{key}-out", persist_state="session"),
        "cached_share": c[2].number_input(WORKLOAD_LABELS["cached_share"], value=workload.cached_share, step=0.05,
                                          format="%.2f", key=f"{key}-cached", persist_state="session", help="0..1 of the prompt read from cache"),
        "requests_per_month": c[3].number_input(WORKLOAD_LABELS["requests_per_month"],
                                                value=workload.requests_per_month, step=10_000, key=f"{key}-rpm", persist_state="session"),
    }
    options = [None, *tiers]
    current = workload.effort_tier if workload.effort_tier in tiers else None
    raw["effort_tier"] = c[4].selectbox(WORKLOAD_LABELS["effort_tier"], options, index=options.index(current),
                                        format_func=lambda t: "none (base tokens)" if t is None else t,
                                        key=f"{key}-effort", persist_state="session", help="Applies to candidates that have this tier")
    raw["max_retries"] = c[0].number_input(WORKLOAD_LABELS["max_retries"], value=workload.max_retries, step=1,
                                           key=f"{key}-retries", persist_state="session")
    raw["valid_output_rate"] = c[1].number_input(WORKLOAD_LABELS["valid_output_rate"],
                                                 value=workload.valid_output_rate, step=0.01, format="%.3f",
                                                 key=f"{key}-valid", persist_state="session", help="0..1; must be above 0")
    raw["human_review_cost_usd"] = c[2].number_input(WORKLOAD_LABELS["human_review_cost_usd"],
                                                     value=workload.human_review_cost_usd, step=0.5, format="%.2f",
                                                     key=f"{key}-review", persist_state="session")
    raw["human_review_rate"] = c[3].number_input(WORKLOAD_LABELS["human_review_rate"],
                                                 value=workload.human_review_rate, step=0.01, format="%.3f",
                                                 key=f"{key}-rrate", persist_state="session", help="0..1 of requests reviewed by a person")
    return raw


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def economics_defaults(_engine: Engine, url: str, profile_name: str, revision: int) -> EconomicsDefaults:
    """The Trade-offs leader/runner-up, exclusions, ceiling and pass rates (cached per workspace revision)."""
    return defaults_service.economics_defaults(_engine, profile_name)


def escalation_slider() -> float:
    """The one escalation rate (share of requests sent to H) of the Cascade and Routing sections (0-1)."""
    return st.slider("Escalation rate: share of requests sent to H (%)", 0.0, 100.0, 26.6, 0.1, format="%.1f%%",
                     key="econ_esc", persist_state="session",
                     help="Cascade: P(s_L < τ); router: the share routed to H. One value for both sections.") / 100.0


def show_econ_error(exc: Exception) -> None:
    st.error(f"Can't compute this: {md(exc)}. Nothing was saved.")
