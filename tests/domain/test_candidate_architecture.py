"""Giving a candidate its architecture from config.json: validated first, provenance stamped, nothing half-applied."""

from __future__ import annotations

import json
from datetime import date

import pytest

from workbench.domain.architecture import ArchitectureError
from workbench.domain.candidate_architecture import NotOpenWeightsError, import_architecture
from workbench.domain.models import Candidate
from workbench.io.hf_config import parse_hf_config


def _cfg(fixtures_dir, name="gpt-oss-20b"):
    return json.loads((fixtures_dir / "hf-configs" / f"{name}.config.json").read_text())


def test_import_sets_architecture_provenance_and_unknown_context(fixtures_dir):
    cand = Candidate(name="m", open_weights=True, hf_repo="openai/gpt-oss-20b")
    out = import_architecture(cand, _cfg(fixtures_dir), source="config.json", actor="ada", parse=parse_hf_config, retrieved=date(2026, 1, 2))
    assert out.candidate.architecture == _cfg(fixtures_dir)
    assert out.candidate.context_window == 131_072
    prov = out.candidate.provenance["architecture"]
    assert (prov.source, prov.entered_by, prov.retrieved) == ("config.json", "ada", date(2026, 1, 2))
    assert "gpt_oss, 24 layers, 20,914,757,184 parameters" in prov.note and "openai/gpt-oss-20b" in prov.note
    assert set(out.changes) == {"architecture", "context_window"}
    assert cand.architecture is None  # the input is not modified


def test_known_context_window_is_kept_and_same_config_is_unchanged(fixtures_dir):
    cand = Candidate(name="m", open_weights=True, context_window=4096, architecture=_cfg(fixtures_dir))
    out = import_architecture(cand, _cfg(fixtures_dir), source="x.json", actor="ada", parse=parse_hf_config)
    assert out.unchanged and out.candidate is cand


def test_bad_config_and_closed_weights_raise(fixtures_dir):
    bad = {k: v for k, v in _cfg(fixtures_dir).items() if k != "num_hidden_layers"}
    with pytest.raises(ArchitectureError, match="num_hidden_layers"):
        import_architecture(Candidate(name="m", open_weights=True), bad, source="c.json", actor="a", parse=parse_hf_config)
    with pytest.raises(NotOpenWeightsError, match="not open-weight"):
        import_architecture(Candidate(name="api"), _cfg(fixtures_dir), source="c.json", actor="a", parse=parse_hf_config)


def test_config_that_does_not_look_like_the_candidate_is_flagged(fixtures_dir):
    # a Llama 3.1 8B config imported into "Llama 4 Scout": family (llama vs llama4) disagrees
    out = import_architecture(Candidate(name="Llama 4 Scout", open_weights=True), _cfg(fixtures_dir, "Llama-3.1-8B"),
                              source="config.json", actor="ada", parse=parse_hf_config)
    assert any("looks like Llama 4" in w and "'llama'" in w for w in out.warnings)
    # the size in the name disagrees: 70B named, 8.0B in the config
    out = import_architecture(Candidate(name="Llama 3.1 70B", open_weights=True), _cfg(fixtures_dir, "Llama-3.1-8B"),
                              source="config.json", actor="ada", parse=parse_hf_config)
    assert out.warnings == ["candidate 'Llama 3.1 70B' names 70B but the config has 8.0B parameters (7.5B active)"]
    # a matching candidate gets no warning (active size counts for MoE names such as Qwen3-Next-80B-A3B)
    for name, cfg in (("Llama 3.1 8B", "Llama-3.1-8B"), ("Qwen3-Next-80B-A3B", "Qwen3-Next-80B-A3B-Instruct"),
                      ("Mixtral 8x7B", "Mixtral-8x7B-v0.1"), ("gpt-oss-20b", "gpt-oss-20b")):
        out = import_architecture(Candidate(name=name, open_weights=True), _cfg(fixtures_dir, cfg),
                                  source="config.json", actor="ada", parse=parse_hf_config)
        assert out.warnings == [], (name, out.warnings)
