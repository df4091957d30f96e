"""Quorum: which approvals a record needs before it can be accepted, and whether signatures meet them.

A policy is a list of rules, each "``count`` approvals from these people" with a label, the way in-toto
layouts say "k of these n keys must sign this step" (``reference/real-world-2026.md`` section 5):

* named roles, "architect + security + product owner": three rules of count 1, one person (or a few) each;
* k of n, "any 2 of these 4 people": one rule of count 2 over four e-mails.

Only *approve* signatures that are valid and by a trusted key count, and a person is identified by the
e-mail the trust store binds the key to (never by what the signer block claims). One person counts once per
rule (and may fill several rules if listed in several). Dissents are reported beside the result; they do not
veto, the quorum decides.

Text form (CLI ``--rule`` and the Decision page): ``[K of ]LABEL: email, email, ...`` (K defaults to 1).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.signing.errors import SigningError

_RULE_RE = re.compile(r"^\s*(?:(\d+)\s+of\s+)?([^:]{1,80}):\s*(.+)$", re.IGNORECASE)
_EMAIL_RE = re.compile(r"^[^@\s,]+@[^@\s,]+$")


class QuorumRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1, max_length=80)
    members: tuple[str, ...] = Field(min_length=1, max_length=50)
    count: int = Field(default=1, ge=1)

    @field_validator("members")
    @classmethod
    def _emails(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        out = tuple(dict.fromkeys(v.strip().lower() for v in value))
        bad = [v for v in out if not _EMAIL_RE.match(v)]
        if bad:
            raise ValueError(f"not an e-mail address: {', '.join(bad)}")
        return out

    @model_validator(mode="after")
    def _reachable(self) -> QuorumRule:
        if self.count > len(self.members):
            raise ValueError(f"{self.label}: {self.count} approvals required but only {len(self.members)} people listed")
        return self

    def text(self) -> str:
        prefix = f"{self.count} of " if self.count != 1 or len(self.members) > 1 else ""
        return f"{prefix}{self.label}: {', '.join(self.members)}"


class QuorumPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: tuple[QuorumRule, ...] = Field(default=(), max_length=20)

    @property
    def empty(self) -> bool:
        return not self.rules


class Dissent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    signer: str
    reason: str


class QuorumResult(BaseModel):
    """``required``: the rules as text; ``missing``: what is still needed, one line per unmet rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    required: list[str]
    met: bool
    missing: list[str]
    approved_by: list[str] = []
    dissents: list[Dissent] = []


def parse_rule(text: str) -> QuorumRule:
    """``"[K of ]LABEL: a@x, b@y"`` -> :class:`QuorumRule` (:class:`SigningError` naming the text)."""
    m = _RULE_RE.match(text)
    if not m:
        raise SigningError(f"quorum rule {text!r}: write '[K of ]LABEL: email, email'")
    count = int(m.group(1)) if m.group(1) else 1
    members = [p for p in (x.strip() for x in m.group(3).split(",")) if p]
    try:
        return QuorumRule(label=m.group(2).strip(), members=tuple(members), count=count)
    except ValueError as exc:
        raise SigningError(f"quorum rule {text!r}: {exc}") from exc


def parse_policy(lines: Iterable[str]) -> QuorumPolicy:
    rules = [parse_rule(line) for line in lines if line.strip()]
    labels = [r.label.lower() for r in rules]
    if len(set(labels)) != len(labels):
        raise SigningError("quorum rules need distinct labels")
    return QuorumPolicy(rules=tuple(rules))


def evaluate(policy: QuorumPolicy | None, approvers: Iterable[str], dissents: Iterable[Dissent] = ()) -> QuorumResult:
    """Whether the approvals (trusted signers' e-mails) meet ``policy``; no policy needs no approval."""
    people = {a.strip().lower() for a in approvers}
    rules = policy.rules if policy is not None else ()
    missing = []
    for rule in rules:
        have = [m for m in rule.members if m in people]
        if len(have) < rule.count:
            still = [m for m in rule.members if m not in people]
            need = rule.count - len(have)
            missing.append(f"{rule.label}: {need} more approval{'s' if need > 1 else ''} from {', '.join(still)}")
    return QuorumResult(required=[r.text() for r in rules], met=not missing, missing=missing,
                        approved_by=sorted(people), dissents=list(dissents))


__all__ = ["Dissent", "QuorumPolicy", "QuorumResult", "QuorumRule", "evaluate", "parse_policy", "parse_rule"]
