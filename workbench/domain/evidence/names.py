"""Mapping of source model names (as evaluation tools write them) to catalog candidates; pooled
latency."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from workbench.domain.evidence.hygiene import _norm
from workbench.domain.evidence.runs import (
    EvaluationRun,
)

# =========================================================================== name mapping

_PREFIXES = re.compile(r"^(hf|hf-causal|vllm|openai|anthropic|google|gemini|mistral|azure|bedrock|ollama|"
                       r"together|openrouter|mockllm|pretrained=)[/:=]", re.I)


def normalize_model_name(name: str) -> str:
    """Lower-case, drop provider prefixes and path parts, keep alphanumerics ("openai/GPT-4o" -> "gpt4o")."""
    s = name.strip()
    while True:
        t = _PREFIXES.sub("", s)
        if t == s:
            break
        s = t
    s = s.rsplit("/", 1)[-1]
    return _norm(s)


def match_source_models(source_models: Iterable[str], catalog_names: Iterable[str]) -> dict[str, str | None]:
    """Map each source model name to a catalog candidate by normalised exact match; None = ask the user.

    No fuzzy matching: a wrong silent match would attach evidence to the wrong model.
    """
    index: dict[str, str] = {}
    for name in catalog_names:
        index.setdefault(normalize_model_name(name), name)
    return {src: index.get(normalize_model_name(src)) for src in source_models}


def pooled_latency_p95(runs: Iterable[EvaluationRun]) -> float | None:
    """p95 of the per-item latencies (ms) pooled over ``runs``; None when no item has a latency.

    Percentile by linear interpolation between order statistics (numpy's default, Hyndman & Fan
    type 7). This is the measured end-to-end latency the ranking's latency criterion and the p95 SLA
    constraint use in place of the TTFT + decode estimate.
    """
    samples = [run.latencies_ms() for run in runs]
    pooled = np.concatenate(samples) if samples else np.zeros(0)
    return float(np.percentile(pooled, 95)) if pooled.size else None
