"""A seeded, realistic 200-item golden-set CSV for three candidates (WALKTHROUGH step 4).

Clause-extraction items of varying difficulty; each model passes an item with probability
``sigmoid(ability - difficulty)``, so the outcomes are correlated across models the way real paired
evaluations are (hard clauses fail for everyone). Latency and cost are lognormal per model.
"""

from __future__ import annotations

import io

import numpy as np

SEED = 20261123
N_ITEMS = 200
#: source model name in the file -> catalog candidate it normalises to.
CANDIDATES = {
    "qwen/Qwen-3.5-72B": "Qwen 3.5 72B",
    "deepseek-ai/DeepSeek-V4": "DeepSeek V4",
    "meta-llama/Llama-4-Scout": "Llama 4 Scout",
}
_ABILITY = {"qwen/Qwen-3.5-72B": 3.4, "deepseek-ai/DeepSeek-V4": 3.1, "meta-llama/Llama-4-Scout": 1.9}
_LATENCY_MS = {"qwen/Qwen-3.5-72B": 820.0, "deepseek-ai/DeepSeek-V4": 950.0, "meta-llama/Llama-4-Scout": 610.0}
_COST_USD = {"qwen/Qwen-3.5-72B": 0.0021, "deepseek-ai/DeepSeek-V4": 0.0017, "meta-llama/Llama-4-Scout": 0.0009}


def golden_set_csv(seed: int = SEED, n: int = N_ITEMS) -> bytes:
    """CSV bytes: item_id, candidate, passed, latency_ms, cost_usd, metric_kind (3 x n rows)."""
    rng = np.random.default_rng(seed)
    difficulty = rng.normal(0.0, 1.6, n)
    out = io.StringIO()
    out.write("item_id,candidate,passed,latency_ms,cost_usd,metric_kind\n")
    for model, ability in _ABILITY.items():
        p = 1.0 / (1.0 + np.exp(-(ability - difficulty)))
        passed = rng.random(n) < p
        latency = rng.lognormal(np.log(_LATENCY_MS[model]), 0.25, n)
        cost = rng.lognormal(np.log(_COST_USD[model]), 0.15, n)
        for i in range(n):
            out.write(f"clause-{i + 1:03d},{model},{int(passed[i])},{latency[i]:.0f},{cost[i]:.5f},"
                      "golden_set_accuracy\n")
    return out.getvalue().encode()
