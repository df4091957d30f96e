"""A workspace with a row in every table, built through the real use-cases (shared by backup/crash tests)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tests.store.golden_set import CANDIDATES, golden_set_csv
from workbench.domain.mdr import MDRStatus, with_people
from workbench.domain.models import Candidate, Pricing
from workbench.domain.portfolio import PortfolioNode, sequence
from workbench.domain.scenario import Scenario
from workbench.io.evidence import import_evidence
from workbench.services import catalog_import
from workbench.services.portfolios import create_portfolio
from workbench.services.records import draft_from_workspace
from workbench.services.signing import set_quorum, sign_decision
from workbench.signing import init_key, load_signing_key
from workbench.store import evidence as ev
from workbench.store.decisions import save_decision, transition_decision
from workbench.store.workspace import (
    candidate_by_name,
    create_candidate,
    create_profile,
    create_scenario,
    new_profile_model,
    save_candidate,
)

XSS_NAME = "<img src=x onerror=alert(1)>"


def _accept(engine: Engine, rec, actor: str):  # type: ignore[no-untyped-def]
    rec = save_decision(engine, rec.id, with_people(rec.record, decision_makers=["Ana Lima"]), rec.version, actor)
    if rec.status == MDRStatus.draft:
        rec = transition_decision(engine, rec.id, "proposed", rec.version, actor)
    return transition_decision(engine, rec.id, "accepted", rec.version, actor)


def build_rich_workspace(engine: Engine, key_dir: Path) -> None:
    """Profiles, a scenario, edited and hostile-named candidates, evidence, signed and superseded MDRs."""
    profile = create_profile(engine, new_profile_model("Contracts", "high_precision_extraction"), "ada")
    create_profile(engine, new_profile_model("Ünïcode — 合同 ✓", "research_synthesis"), "zoë")
    create_scenario(engine, profile.id, Scenario(name="Cost first", weights={"cost": 5.0}), "ada")
    create_portfolio(engine, sequence("Contract pipeline <b>", [  # a portfolio row
        PortfolioNode(key="extract", profile="Contracts"),
        PortfolioNode(key="summarise", profile="Ünïcode — 合同 ✓", calls_per_request=0.5)]), "ada")
    gpt = candidate_by_name(engine, "GPT-5.4")
    save_candidate(engine, gpt.id, gpt.model.model_copy(
        update={"pricing": Pricing(input_per_mtok=3.0, output_per_mtok=15.0), "notes": "price \"negotiated\""}),
        gpt.version, "bob")
    create_candidate(engine, Candidate(name=XSS_NAME, provider="<script>alert(2)</script>"), "mallory")
    prices = {"acme/chat-1": {"mode": "chat", "litellm_provider": "acme", "input_cost_per_token": 1e-06,
                              "output_cost_per_token": 2e-06}}  # a price_history row
    catalog_import.apply_litellm(engine, catalog_import.preview_litellm(
        engine, prices, models=["acme/chat-1"], update_prices=False, filename="prices.json", actor="ada"), "ada")
    result = import_evidence(golden_set_csv(n=40), "csv", name="golden.csv")
    ev.import_runs(engine, profile.id, result, CANDIDATES, "ada")
    info = init_key("Ana Lima", "ana@example.com", key_dir)
    key = load_signing_key(Path(info.key_dir) / f"{info.key_id}.key")
    old = _accept(engine, draft_from_workspace(engine, "Contracts", "ada"), "ada")
    sign_decision(engine, old.id, key, old.version, "ana")
    new = draft_from_workspace(engine, "Contracts", "bob", supersedes_id=old.id)
    set_quorum(engine, new.id, ["architect: ana@example.com"], 0, "bob")  # a decision_quorum row
    _accept(engine, new, "bob")
