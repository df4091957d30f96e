"""Economics of model selection: cost per call, cost per successful outcome, crossovers,
cascades and routers, RAG vs context stuffing, speculative decoding and tokenizer drift.

A package, one job per module (re-exported here so ``workbench.domain.economics.X`` keeps working):

* :mod:`._validate` - shared types, constants, input validation (:class:`EconomicsInputError`);
* :mod:`.tokenizer` - tokenizer multipliers and drift;
* :mod:`.cost` - cost per call (LiteLLM formula) and cost per successful outcome;
* :mod:`.candidates` - costs of a workload on catalog candidates (the ranking's cost criterion);
* :mod:`.crossover` - cost-quality crossover over options and effort tiers;
* :mod:`.volume` - API vs self-hosting over request volume;
* :mod:`.cascade` - cascade / router formulas, break-even rates (clipped to [0, 1]), threshold sweep;
* :mod:`.routing` - the routing economics table;
* :mod:`.rag` - context stuffing vs RAG;
* :mod:`.speculative` - speculative decoding and the concurrency trap.

Money is formatted by :mod:`workbench.domain.money` (``format_usd`` is re-exported for old callers).

Units
-----
* Prices are **USD per 1,000,000 tokens** (``*_per_mtok``), the unit of
  :class:`workbench.domain.models.Pricing` (LiteLLM stores USD per token; x 1e6).
* Every monetary output is **USD** - per call, per request, per successful outcome, or per month,
  as each name says (``*_usd``).
* Token counts are tokens of the *reference tokenizer* (``reference_chars_per_token``, default 4.0
  characters per token); a candidate's own tokenizer scales them by
  ``reference_chars_per_token / candidate.chars_per_token``.
* Rates and qualities are fractions in [0, 1], never percentages.

Sources: seed 002 (economics sections) and ``reference/economics-and-evidence.md`` sections 1, 2, 4.
"""

from __future__ import annotations

from workbench.domain.economics._validate import (
    CONCURRENCY_TRAP_BATCH,
    DEFAULT_REFERENCE_CHARS_PER_TOKEN,
    HOURS_PER_MONTH,
    MTOK,
    TOKENIZER_DRIFT_SEED_RANGE,
    ArrayLike,
    BoolArray,
    EconomicsInputError,
    FloatArray,
    _array,
    _nonneg,
    _positive,
    _probability,
    _success_rate,
)
from workbench.domain.economics.candidates import (
    CandidateCosts,
    PriceTable,
    candidate_effort_multipliers,
    candidate_tokenizer_multipliers,
    cost_breakdown_for,
    cost_per_success_for,
    price_table,
)
from workbench.domain.economics.cascade import (
    BestThreshold,
    BreakEven,
    ThresholdSweep,
    best_threshold,
    cascade_break_even,
    cascade_break_even_rate,
    cascade_expected_cost,
    cascade_expected_quality,
    cascade_threshold_sweep,
    router_break_even,
    router_break_even_share,
    router_expected_cost,
    savings_ratio,
)
from workbench.domain.economics.cost import (
    COST_COMPONENT_LABELS,
    COST_COMPONENTS,
    CallCost,
    SuccessCost,
    cost_per_call,
    cost_per_success,
    monthly_totals,
)
from workbench.domain.economics.crossover import (
    CrossoverResult,
    Options,
    QualityCrossover,
    QualitySegment,
    effort_options,
    failure_cost_crossover,
    required_quality_crossover,
)
from workbench.domain.economics.rag import (
    RagComparison,
    rag_cost_per_query,
    rag_index_cost,
    rag_vs_stuffing,
    stuffing_cost_per_query,
)
from workbench.domain.economics.routing import (
    ROUTING_LABELS,
    ROUTING_STRATEGIES,
    RoutingComparison,
    routing_comparison,
)
from workbench.domain.economics.speculative import (
    SpeculativeCurve,
    acceptance_rate,
    expected_accepted_tokens,
    speculative_speedup,
)
from workbench.domain.economics.tokenizer import (
    TokenizerDrift,
    tokenizer_drift,
    tokenizer_multiplier,
)
from workbench.domain.economics.volume import (
    VolumeComparison,
    self_host_capacity,
    self_host_vs_api,
)
from workbench.domain.money import format_usd

__all__ = [
    "ArrayLike",
    "BestThreshold",
    "BoolArray",
    "CONCURRENCY_TRAP_BATCH",
    "COST_COMPONENTS",
    "COST_COMPONENT_LABELS",
    "CallCost",
    "CandidateCosts",
    "CrossoverResult",
    "DEFAULT_REFERENCE_CHARS_PER_TOKEN",
    "EconomicsInputError",
    "FloatArray",
    "HOURS_PER_MONTH",
    "MTOK",
    "Options",
    "PriceTable",
    "QualityCrossover",
    "QualitySegment",
    "ROUTING_LABELS",
    "ROUTING_STRATEGIES",
    "RagComparison",
    "RoutingComparison",
    "SpeculativeCurve",
    "SuccessCost",
    "TOKENIZER_DRIFT_SEED_RANGE",
    "ThresholdSweep",
    "TokenizerDrift",
    "VolumeComparison",
    "_array",
    "_nonneg",
    "_positive",
    "_probability",
    "_success_rate",
    "acceptance_rate",
    "best_threshold",
    "candidate_effort_multipliers",
    "candidate_tokenizer_multipliers",
    "BreakEven",
    "cascade_break_even",
    "cascade_break_even_rate",
    "cascade_expected_cost",
    "cascade_expected_quality",
    "cascade_threshold_sweep",
    "cost_breakdown_for",
    "cost_per_call",
    "cost_per_success",
    "cost_per_success_for",
    "effort_options",
    "expected_accepted_tokens",
    "failure_cost_crossover",
    "format_usd",
    "monthly_totals",
    "price_table",
    "rag_cost_per_query",
    "rag_index_cost",
    "rag_vs_stuffing",
    "required_quality_crossover",
    "router_break_even",
    "router_break_even_share",
    "router_expected_cost",
    "routing_comparison",
    "savings_ratio",
    "self_host_capacity",
    "self_host_vs_api",
    "speculative_speedup",
    "stuffing_cost_per_query",
    "tokenizer_drift",
    "tokenizer_multiplier",
]
