"""Superseding a record: carry people's edits forward, and say what changed since the superseded record.

* :func:`carry_forward` copies every section field a person edited in the old record (a field whose value differs
  from the old record's generated draft, e.g. the rollout plan) into the new draft, and the front matter's
  decision-makers, consulted and informed. The new record's ``generated`` stays the fresh draft, so carried
  fields show as edited by a person.
* :func:`changes_between` compares two decision snapshots (plain JSON, :mod:`workbench.domain.snapshot`): the
  ranking (order and winner), each candidate's prices, the evidence lines and the criterion weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workbench.domain.mdr.editing import field_changes
from workbench.domain.mdr.model import MDR, MDRBody

PRICE_FIELDS: dict[str, str] = {
    "input_per_mtok": "input", "output_per_mtok": "output", "cached_input_per_mtok": "cached input",
    "reasoning_per_mtok": "reasoning",
}


def edited_fields(record: MDR) -> list[str]:
    """``section.field`` of every field a person changed (edited, added or removed part of it)."""
    out: list[str] = []
    for change in field_changes(record):
        top = ".".join(change.path.split(".")[:2]).split("[")[0]
        if top not in out:
            out.append(top)
    return out


def carry_forward(old: MDR, new: MDR) -> tuple[MDR, list[str]]:
    """The new draft with the old record's human-edited fields and people; the list of what was carried."""
    fields = edited_fields(old)
    data = new.body.model_dump(mode="json")
    old_data = old.body.model_dump(mode="json")
    for path in fields:
        section, name = path.split(".", 1)
        if section in data and name in old_data.get(section, {}):
            data[section][name] = old_data[section][name]
    carried = list(fields)
    update: dict[str, Any] = {}
    for name in ("decision_makers", "consulted", "informed"):
        if getattr(old.front, name) and not getattr(new.front, name):
            update[name] = getattr(old.front, name)
            carried.append(name.replace("_", "-"))
    body = MDRBody.model_validate(data)
    return new.model_copy(update={"body": body, "front": new.front.model_copy(update=update)}), carried


def _names(snapshot: Mapping[str, Any]) -> list[str]:
    rows = (snapshot.get("results") or {}).get("ranking", {}).get("rows", [])
    return [str(r.get("name")) for r in rows]


def _prices(snapshot: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(c.get("name")): dict(c.get("pricing") or {}) for c in snapshot.get("candidates", [])}


def _money(value: Any) -> str:
    return "none" if value is None else f"${float(value):,.2f}"


def _ranking_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    before, after = _names(old), _names(new)
    out: list[str] = []
    if before[:1] != after[:1]:
        out.append(f"Winner: {before[0] if before else 'none'} → {after[0] if after else 'none'}.")
    if before != after:
        out.append(f"Ranking: {', '.join(before) or 'none'} → {', '.join(after) or 'none'}.")
    return out


def _price_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    p_old, p_new = _prices(old), _prices(new)
    out: list[str] = []
    for name in sorted(set(p_old) | set(p_new)):
        if name not in p_old:
            out.append(f"New candidate: {name}.")
        elif name not in p_new:
            out.append(f"Candidate no longer in the catalog: {name}.")
        else:
            moved = [f"{label} {_money(p_old[name].get(key))} → {_money(p_new[name].get(key))}"
                     for key, label in PRICE_FIELDS.items() if p_old[name].get(key) != p_new[name].get(key)]
            if moved:
                out.append(f"Prices of {name} (per 1M tokens): {'; '.join(moved)}.")
    return out


def _evidence_and_weights(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    e_old, e_new = list(old.get("evidence") or []), list(new.get("evidence") or [])
    out = [f"New evidence: {e}" for e in e_new if e not in e_old]
    out += [f"Evidence no longer used: {e}" for e in e_old if e not in e_new]
    w_old = dict((old.get("method") or {}).get("weights") or {})
    w_new = dict((new.get("method") or {}).get("weights") or {})
    moved = [f"{k} {w_old.get(k, 0):g} → {w_new.get(k, 0):g}" for k in sorted(set(w_old) | set(w_new))
             if w_old.get(k, 0) != w_new.get(k, 0)]
    if moved:
        out.append(f"Weights: {', '.join(moved)}.")
    return out


def changes_between(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """One line per change between two decision snapshots (ranking, prices, evidence, weights)."""
    out = _ranking_changes(old, new) + _price_changes(old, new) + _evidence_and_weights(old, new)
    return tuple(out) or ("No change in ranking, prices, evidence or weights.",)
