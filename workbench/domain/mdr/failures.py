"""The seed's Failure Tolerance Profile as a table, and which of its failure modes a profile must address.

The table itself is shipped data (``data/failure_tolerance.json``); it is read by the caller (a service) and
passed in: the domain reads no files.
"""

from __future__ import annotations

from pydantic import Field, ValidationError

from workbench.domain.mdr.model import Frozen, MDRError
from workbench.domain.models import FailureMode, Profile


class FailureToleranceRow(Frozen):
    mode: FailureMode
    label: str
    origin: str
    severity: str | None = None
    detectability: str | None = None
    recoverability: str | None = None
    acceptable_contexts: str | None = None
    unacceptable_contexts: str | None = None
    mitigation: str | None = None
    relevant_when: dict[str, tuple[str, ...]] = Field(default_factory=dict)


class FailureTable(Frozen):
    schema_: str = Field(alias="schema")
    provenance: dict[str, str]
    modes: tuple[FailureToleranceRow, ...]

    def row(self, mode: FailureMode) -> FailureToleranceRow | None:
        return next((r for r in self.modes if r.mode == mode), None)


def parse_failure_table(raw: object, source: str = "failure_tolerance.json") -> FailureTable:
    """Validate the seed's Failure Tolerance Profile (``data/failure_tolerance.json``, read by the caller)."""
    try:
        return FailureTable.model_validate(raw)
    except ValidationError as exc:
        raise MDRError(f"{source}: invalid failure tolerance table: {exc}") from exc


def relevant_failures(profile: Profile, table: FailureTable) -> list[FailureToleranceRow]:
    """Failure modes to list in section 5: the profile's unacceptable failures, plus every mode whose
    ``relevant_when`` rule matches one of the profile's dimensions (workbench convention, stated in the
    table's provenance). Table order is kept."""
    dims = {
        "task_class": profile.task_class.value,
        "output_form": profile.output_form.value if profile.output_form else "",  # None = not stated
        "user_exposure": profile.user_exposure.value if profile.user_exposure else "",  # None = not stated
        "risk_level": profile.risk_level.value,
        "reasoning_depth": profile.reasoning_depth.value if profile.reasoning_depth else "",  # None = not stated
        "tool_use": profile.tool_use.value if profile.tool_use else "",  # None = not stated
        "language_scope": profile.language_scope.value if profile.language_scope else "",  # None = not stated
    }
    unacceptable = set(profile.unacceptable_failures)
    out = []
    for row in table.modes:
        unknown = sorted(set(row.relevant_when) - set(dims))
        if unknown:
            raise MDRError(f"failure table, mode {row.mode.value}: unknown dimension(s) {', '.join(unknown)}")
        if row.mode in unacceptable or any(dims[k] in v for k, v in row.relevant_when.items()):
            out.append(row)
    return out
