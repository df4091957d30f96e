"""A portfolio's Model Decision Record: drafted from the portfolio, signed by a trusted key, verified offline from
the bundle, and restored: the snapshot re-ranks and record.md agrees with it (its portfolio alternatives included)."""

from __future__ import annotations

from pathlib import Path

import yaml

from workbench.domain.portfolio import PortfolioNode, sequence
from workbench.io.mdr_bundle import read_bundle
from workbench.services.portfolio_record import draft_portfolio_record
from workbench.services.portfolios import create_portfolio
from workbench.services.signing import bundle_zip, restore_files, sign_decision, trust_public_key, trust_store
from workbench.signing import init_key, load_signing_key
from workbench.store.workspace import create_profile, new_profile_model

TEMPLATES = ("high_precision_extraction", "research_synthesis", "tool_use_agentic_loops")


def test_portfolio_record_is_drafted_signed_verified_and_restored(engine, tmp_path: Path):
    for key in TEMPLATES:
        create_profile(engine, new_profile_model(key, key), "ada")
    create_portfolio(engine, sequence("pipeline", [
        PortfolioNode(key="extract", profile=TEMPLATES[0]), PortfolioNode(key="synth", profile=TEMPLATES[1]),
        PortfolioNode(key="act", profile=TEMPLATES[2], calls_per_request=2)]), "ada")
    rec = draft_portfolio_record(engine, "pipeline", "ada")
    body = rec.record.body
    assert rec.record.title.startswith("Portfolio pipeline — extract: ")
    assert "Step synth (profile “research_synthesis”" in body.selection.selection_basis
    assert "Routing policy: routing-policy.yaml, SHA-256 " in body.selection.selection_basis
    names = [a.name for a in body.alternatives.alternatives]
    monolith = rec.snapshot["portfolio"]["result"]["monolith"]["candidate"]
    assert (f"single-model monolith: {monolith}" in names) == (monolith is not None)
    assert any(n.startswith("synth: ") for n in names)
    policy = yaml.safe_load(rec.snapshot["portfolio"]["routing_policy"])
    assert [s["key"] for s in policy["steps"]] == ["extract", "synth", "act"]

    info = init_key("Ana Lima", "ana@example.com", tmp_path / "keys")
    key = load_signing_key(Path(info.key_dir) / f"{info.key_id}.key")
    signed = sign_decision(engine, rec.id, key, rec.version, "ana")
    public = key.public_key
    trust_public_key(engine, public, "Ana Lima", "ana@example.com", "ada", confirm_fingerprint=public.fingerprint)
    name, data = bundle_zip(engine, signed.id)
    path = tmp_path / name
    path.write_bytes(data)  # offline: only the bundle and the trust store from here on
    doc = restore_files(read_bundle(path), trust_store(engine), bundle=name)
    assert doc["verdict"] == "verified" and doc["verified"] is True, doc["problems"]
    assert doc["record_check"]["agrees"] is True, doc["record_check"]
    assert doc["restore"]["matches"] is True
