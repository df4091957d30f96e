"""Model Decision Records (MDR): seed 002's seven sections inside a MADR 4.0.0 frame, and their lifecycle.

One job per module: :mod:`.model` (records, sections, status vocabulary), :mod:`.failures` (the seed's failure
tolerance table, passed in), :mod:`.drafting` (the draft from the workbench's results), :mod:`.editing` (field
edits and the generated-vs-edited diff), :mod:`.lifecycle` (status changes, supersession), :mod:`.integrity`
(the accepted-body digest) and :mod:`.render` (Markdown). No module here reads a file or the clock.
"""

from __future__ import annotations

from workbench.domain.mdr.drafting import (
    draft_mdr,
)
from workbench.domain.mdr.editing import (
    FieldChange,
    field_changes,
    field_origins,
    flatten_body,
    set_field,
    with_body,
    with_people,
)
from workbench.domain.mdr.failures import (
    FailureTable,
    FailureToleranceRow,
    parse_failure_table,
    relevant_failures,
)
from workbench.domain.mdr.integrity import (
    SEALED_STATUSES,
    body_digest,
    check_integrity,
    integrity_problem,
)
from workbench.domain.mdr.lifecycle import (
    supersede,
    transition,
)
from workbench.domain.mdr.model import (
    ECONOMICS_KEYS,
    EDITABLE_STATUSES,
    MDR,
    SECTION_HEADINGS,
    SECTION_KEYS,
    SECTION_TITLES,
    TRANSITIONS,
    AlternativesSection,
    ContextSection,
    EconomicsSection,
    EvidenceSection,
    FailureMitigation,
    FailureToleranceSection,
    FrontMatter,
    Frozen,
    ImmutableRecordError,
    LifecycleError,
    LinterFinding,
    MDRBody,
    MDRError,
    MDRStatus,
    RejectedAlternative,
    RollbackTrigger,
    RolloutSection,
    SelectionSection,
    TargetCheck,
    VllmFlag,
    format_mdr_id,
)
from workbench.domain.mdr.render import (
    MADR_STATUS,
    format_duration_ms,
    format_rate_interval,
    format_usd,
    madr_status,
    render_front_matter,
    render_markdown,
    rollback_trigger_text,
    rollout_strategy_text,
    title_line,
)
from workbench.domain.mdr.targets import derive_rollout, reconsideration_conditions, target_checks
from workbench.domain.models import FailureMode, FailurePolicy

__all__ = [
    "derive_rollout",
    "reconsideration_conditions",
    "target_checks",
    "MADR_STATUS",
    "TargetCheck",
    "madr_status",
    "title_line",
    "AlternativesSection",
    "ContextSection",
    "ECONOMICS_KEYS",
    "EDITABLE_STATUSES",
    "EconomicsSection",
    "EvidenceSection",
    "FailureMitigation",
    "FailureMode",
    "FailurePolicy",
    "FailureTable",
    "FailureToleranceRow",
    "FailureToleranceSection",
    "FieldChange",
    "FrontMatter",
    "Frozen",
    "ImmutableRecordError",
    "LifecycleError",
    "LinterFinding",
    "MDR",
    "MDRBody",
    "MDRError",
    "MDRStatus",
    "RejectedAlternative",
    "RollbackTrigger",
    "RolloutSection",
    "SEALED_STATUSES",
    "SECTION_HEADINGS",
    "SECTION_KEYS",
    "SECTION_TITLES",
    "SelectionSection",
    "TRANSITIONS",
    "VllmFlag",
    "body_digest",
    "check_integrity",
    "draft_mdr",
    "field_changes",
    "field_origins",
    "flatten_body",
    "format_duration_ms",
    "format_mdr_id",
    "format_rate_interval",
    "format_usd",
    "integrity_problem",
    "parse_failure_table",
    "relevant_failures",
    "render_front_matter",
    "render_markdown",
    "rollback_trigger_text",
    "rollout_strategy_text",
    "set_field",
    "supersede",
    "transition",
    "with_body",
    "with_people",
]
