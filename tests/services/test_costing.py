"""Issue 13, point 4: each cost says its basis; self-hosted-only profiles never use a vendor's API price."""

from __future__ import annotations

from workbench.domain.models import Privacy, Profile
from workbench.domain.ranking import rank_matrix
from workbench.io.shipped import load_catalog
from workbench.services.costing import costs_for
from workbench.services.decide import build_matrix


def _catalog() -> dict[str, object]:
    return {c.name: c for c in load_catalog()}


def test_self_hosted_only_costs_open_weights_on_gpus_and_the_rest_unknown() -> None:
    cat = _catalog()
    names = ["gpt-oss-20b", "GPT-5.4", "DeepSeek V4"]
    cands = [cat[n] for n in names]
    profile = Profile(name="p", privacy=Privacy(allowed_topologies=["self_hosted"]))  # type: ignore[list-item]
    costs = costs_for(profile, cands)  # type: ignore[arg-type]
    by = dict(zip(names, zip(costs.basis, costs.per_success, costs.api, costs.self_hosted, strict=True), strict=True))
    basis, per, api, hosted = by["gpt-oss-20b"]
    assert basis == "self_hosted" and per == hosted and hosted is not None and api is not None and hosted != api
    assert "GPU-hour" in costs.notes["gpt-oss-20b"]
    assert by["GPT-5.4"][:2] == ("unknown", None) and by["GPT-5.4"][2] is not None  # API price known, not used
    assert by["DeepSeek V4"][:2] == ("unknown", None)  # open weights, but no config.json: a range, not the API price


def test_otherwise_the_api_price_is_the_basis_and_both_figures_show() -> None:
    cat = _catalog()
    cands = [cat["gpt-oss-20b"], cat["GPT-5.4"]]
    profile = Profile(name="p")
    result = rank_matrix(build_matrix(profile, cands), profile.weights, profile.constraints)  # type: ignore[arg-type]
    rows = {r.name: r for r in result.rows}
    assert rows["gpt-oss-20b"].cost_basis == "api" and rows["gpt-oss-20b"].cost_self_hosted is not None
    assert rows["gpt-oss-20b"].cost_per_success == rows["gpt-oss-20b"].cost_api
    assert rows["GPT-5.4"].cost_basis == "api" and rows["GPT-5.4"].cost_self_hosted is None


def test_the_record_economics_use_the_same_basis() -> None:
    """MDR section 6 of a self-hosted-only profile: GPU cost for open weights, no API price for the others."""
    from workbench.services.record_inputs import selected_economics

    cat = _catalog()
    cands = (cat["gpt-oss-20b"], cat["GPT-5.4"])
    profile = Profile(name="p", privacy=Privacy(allowed_topologies=["self_hosted"]))  # type: ignore[list-item]
    hosted = costs_for(profile, list(cands))  # type: ignore[arg-type]
    figures, notes = selected_economics(cands, profile, "gpt-oss-20b")  # type: ignore[arg-type]
    assert figures["cost_per_success_usd"] == hosted.self_hosted[0]
    assert any("costed self-hosted" in n for n in notes)
    figures, notes = selected_economics(cands, profile, "GPT-5.4")  # type: ignore[arg-type]
    assert "cost_per_success_usd" not in figures and any("API price is not used" in n for n in notes)
    figures, _ = selected_economics(cands, Profile(name="q"), "GPT-5.4")  # type: ignore[arg-type]
    assert figures["cost_per_success_usd"] > 0  # any topology allowed: the API price is the basis
