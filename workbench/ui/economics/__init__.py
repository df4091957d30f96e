"""Economics page helpers: workload inputs, cached computations and one renderer per section.

Formulas live in :mod:`workbench.domain.economics` (and the pure views in
:mod:`workbench.domain.economics_view`); figures in :mod:`workbench.charts.economics`. Money is
formatted by :mod:`workbench.domain.money` (per request / per success, per 1M tokens, per month).
Every slider sits in a fragment with what it drives. One module per section:
:mod:`.common`, :mod:`.cost` (cost, crossover, volume), :mod:`.cascade`, :mod:`.routing`,
:mod:`.rag`, :mod:`.serving` (speculative decoding, tokenizer drift).
"""

from __future__ import annotations

from workbench.ui.economics.answer import answer_strip
from workbench.ui.economics.cascade import (
    calibration_panel,
    cascade_section,
    escalation_fragment,
    pair_inputs,
)
from workbench.ui.economics.common import (
    SECTIONS,
    WORKLOAD_LABELS,
    cost_breakdown,
    economics_defaults,
    show_econ_error,
    workload_inputs,
    workspace_candidates,
)
from workbench.ui.economics.cost import cost_section, crossover_section, volume_panel
from workbench.ui.economics.rag import rag_section
from workbench.ui.economics.routing import routing_section
from workbench.ui.economics.serving import speculative_section, tokenizer_section

__all__ = [
    "SECTIONS", "WORKLOAD_LABELS", "answer_strip", "calibration_panel", "economics_defaults", "cascade_section", "cost_breakdown", "cost_section",
    "crossover_section", "escalation_fragment", "pair_inputs", "rag_section", "routing_section", "show_econ_error",
    "speculative_section", "tokenizer_section", "volume_panel", "workload_inputs", "workspace_candidates",
]
