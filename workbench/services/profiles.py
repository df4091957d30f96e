"""Profiles and scenarios from files and ``key=value`` edits: what ``workbench profiles|scenarios`` call.

The same rules as the Profiles page: every change is validated by the domain models (:class:`Profile`,
:class:`Scenario`), saved through the store's repositories (optimistic lock on the version the caller saw,
an audit event in the same transaction) and refused as a whole when any part is invalid.

File shapes (JSON or YAML, the same document either way):

* profile file: ``{"kind": "workbench.profile/v1", "profile": {Profile}, "scenarios": [{Scenario}, ...]}``
  (scenarios sorted by name; a bare ``{Profile}`` object is accepted on import too);
* scenario file: ``{"kind": "workbench.scenario/v1", "scenario": {Scenario}}``.

Exports hold no ids, versions or timestamps, so export -> import into a fresh workspace -> export gives the
same bytes.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine

from workbench.domain.models import Profile
from workbench.domain.one_value import PARTNER
from workbench.domain.scenario import Method, Scenario, scenario_from
from workbench.io.json_text import JsonInputError, load_json
from workbench.io.shipped import load_templates
from workbench.io.yaml_text import YamlInputError, dump_yaml, load_yaml
from workbench.store import workspace
from workbench.store.engine import write_session
from workbench.store.repository import Record, StoreError, profiles, scenarios

PROFILE_KIND = "workbench.profile/v1"
SCENARIO_KIND = "workbench.scenario/v1"
MAX_FILE_BYTES = 4 * 1024 * 1024


class InputError(ValueError):
    """Bad input from a person or a file; the message names the file and the field. Nothing was written."""


# --------------------------------------------------------------------------- shared helpers


def validation_message(exc: ValidationError, prefix: str = "", model: type[BaseModel] | None = None) -> str:
    """One line per problem (at most 5): ``field.path: message``; an unknown field gets a suggestion."""
    lines = []
    for err in exc.errors()[:5]:
        path = ".".join(str(p) for p in err["loc"])
        message = err["msg"]
        if err["type"] == "extra_forbidden" and model is not None:
            known = _known_fields(model, [str(p) for p in err["loc"][:-1]])
            close = difflib.get_close_matches(str(err["loc"][-1]), known, n=1)
            message = "no such field" + (f" (did you mean {close[0]!r}?)" if close else "") + (
                f"; fields here: {', '.join(known)}" if known else "")
        lines.append(f"{prefix}{path}: {message}")
    more = len(exc.errors()) - len(lines)
    return "; ".join(lines) + (f"; and {more} more" if more > 0 else "")


def _known_fields(model: type[BaseModel], parents: list[str]) -> list[str]:
    current: Any = model
    for name in parents:
        field = getattr(current, "model_fields", {}).get(name)
        if field is None:
            return []
        annotation = field.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if current is None:
            return []
    return list(current.model_fields)


def parse_document(data: bytes, source: str, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """A JSON or YAML document (YAML when the name ends in .yaml/.yml), strictly parsed."""
    try:
        if source.lower().endswith((".yaml", ".yml")):
            return load_yaml(data, source, max_bytes=max_bytes)
        return load_json(data, source, max_bytes=max_bytes)
    except (JsonInputError, YamlInputError) as exc:
        raise InputError(str(exc)) from exc


def render_document(document: dict[str, Any], target: str) -> str:
    """JSON (2-space indent, UTF-8, newline-terminated) or YAML when ``target`` ends in .yaml/.yml."""
    if target.lower().endswith((".yaml", ".yml")):
        return dump_yaml(document)
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def parse_assignment(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise InputError(f"{item!r}: expected key=value (e.g. weights.schema_adherence=3)")
    return key, value


def _coerce(raw: str, current: Any, key: str) -> Any:
    """The value of ``key=raw``: text for a text field, else JSON (numbers, true/false, null, lists, objects)."""
    if isinstance(current, str) and not raw.startswith('"'):
        return raw
    try:
        return load_json(raw, key)
    except JsonInputError:
        return raw


def apply_assignments(data: dict[str, Any], items: Sequence[str]) -> dict[str, Any]:
    """Apply ``a.b.c=value`` edits to a plain dict (a model's JSON form); validation is the caller's."""
    out = json.loads(json.dumps(data))
    pairs = [parse_assignment(item) for item in items]  # an SLA / ceiling edit sets its one-value partner too
    items = [*items, *(f"{PARTNER[k]}={v}" for k, v in pairs if k in PARTNER and PARTNER[k] not in dict(pairs))]
    for item in items:
        key, raw = parse_assignment(item)
        parts = key.split(".")
        if any(not p for p in parts):
            raise InputError(f"{key!r}: malformed key (use dotted names like constraints.max_p95_latency_ms)")
        node = out
        for i, part in enumerate(parts[:-1]):
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                raise InputError(f"{'.'.join(parts[:i + 1])} is a {type(child).__name__}, not a group of fields: "
                                 f"cannot set {key}")
            node = child
        node[parts[-1]] = _coerce(raw, node.get(parts[-1]), key)
    return out


def _validated(model: type[Any], raw: Any, prefix: str) -> Any:
    if not isinstance(raw, dict):
        raise InputError(f"{prefix.rstrip('.') or 'document'}: expected an object, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise InputError(validation_message(exc, prefix, model)) from exc


# --------------------------------------------------------------------------- profiles


def template_keys() -> list[str]:
    return [t.key for t in load_templates()]


def create_profile(engine: Engine, name: str, template: str | None, actor: str) -> Record[Profile]:
    if template is not None and template not in template_keys():
        raise InputError(f"--template: unknown template {template!r} (known: {', '.join(template_keys())})")
    try:
        model = workspace.new_profile_model(name.strip(), template)
    except ValidationError as exc:
        raise InputError(validation_message(exc, "", Profile)) from exc
    return workspace.create_profile(engine, model, actor)


def set_profile(engine: Engine, name: str, items: Sequence[str], expect_version: int | None,
                actor: str) -> Record[Profile]:
    """Apply dotted ``key=value`` edits, validate like the form, save with the optimistic lock."""
    if not items:
        raise InputError("nothing to set: give at least one key=value")
    record = workspace.profile_by_name(engine, name)
    raw = apply_assignments(record.model.model_dump(mode="json"), items)
    model = _validated(Profile, raw, "")
    seen = record.version if expect_version is None else expect_version
    return workspace.save_profile(engine, record.id, model, seen, actor)


def delete_profile(engine: Engine, name: str, expect_version: int | None, actor: str) -> Record[Profile]:
    record = workspace.profile_by_name(engine, name)
    workspace.delete_profile(engine, record.id, record.version if expect_version is None else expect_version, actor)
    return record


def profile_document(engine: Engine, name: str) -> dict[str, Any]:
    record = workspace.profile_by_name(engine, name)
    scens = sorted(workspace.list_scenarios(engine, record.id), key=lambda r: r.model.name)
    return {"kind": PROFILE_KIND, "profile": record.model.model_dump(mode="json"),
            "scenarios": [s.model.model_dump(mode="json") for s in scens]}


def read_profile_document(data: bytes, source: str) -> tuple[Profile, list[Scenario]]:
    """Validate a whole profile file (profile and every scenario) before anything is written."""
    doc = parse_document(data, source)
    if not isinstance(doc, dict):
        raise InputError(f"{source}: expected an object with 'kind' and 'profile'")
    if "kind" not in doc:  # a bare profile object
        return _validated(Profile, doc, f"{source}: "), []
    if doc.get("kind") != PROFILE_KIND:
        raise InputError(f"{source}: kind: expected {PROFILE_KIND!r}, got {doc.get('kind')!r}")
    unknown = sorted(set(doc) - {"kind", "profile", "scenarios"})
    if unknown:
        raise InputError(f"{source}: {unknown[0]}: no such field (fields: kind, profile, scenarios)")
    profile = _validated(Profile, doc.get("profile"), f"{source}: profile.")
    raw_scenarios = doc.get("scenarios", [])
    if not isinstance(raw_scenarios, list):
        raise InputError(f"{source}: scenarios: expected a list")
    scens = [_validated(Scenario, s, f"{source}: scenarios[{i}].") for i, s in enumerate(raw_scenarios)]
    names = [s.name for s in scens]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"{source}: scenarios: name {dupes[0]!r} appears twice")
    return profile, scens


def import_profile(engine: Engine, data: bytes, source: str, actor: str, rename: str | None = None) -> Record[Profile]:
    """Create the profile and its scenarios from a file, in one transaction (all or nothing)."""
    profile, scens = read_profile_document(data, source)
    if rename is not None:
        profile = _validated(Profile, {**profile.model_dump(mode="json"), "name": rename}, "--name: ")
    with write_session(engine) as session:
        created = profiles.create(session, profile, actor, action="import")
        repo = scenarios(created.id)
        for scen in scens:
            repo.create(session, scen, actor, action="import")
        return created


def duplicate_profile(engine: Engine, name: str, new_name: str, actor: str) -> Record[Profile]:
    record = workspace.profile_by_name(engine, name)
    _validated(Profile, {**record.model.model_dump(mode="json"), "name": new_name}, "--as: ")
    return workspace.duplicate_profile(engine, record.id, new_name, actor)


# --------------------------------------------------------------------------- scenarios


def create_scenario(engine: Engine, profile_name: str, name: str, method: Method, actor: str) -> Record[Scenario]:
    record = workspace.profile_by_name(engine, profile_name)
    try:
        model = scenario_from(record.model, name.strip(), method)
    except ValidationError as exc:
        raise InputError(validation_message(exc, "", Scenario)) from exc
    return workspace.create_scenario(engine, record.id, model, actor)


def scenario_document(engine: Engine, profile_name: str, name: str) -> dict[str, Any]:
    record = workspace.profile_by_name(engine, profile_name)
    scen = workspace.scenario_by_name(engine, record.id, name)
    return {"kind": SCENARIO_KIND, "scenario": scen.model.model_dump(mode="json")}


def import_scenario(engine: Engine, profile_name: str, data: bytes, source: str, actor: str,
                    rename: str | None = None) -> Record[Scenario]:
    doc = parse_document(data, source)
    if not isinstance(doc, dict):
        raise InputError(f"{source}: expected an object with 'kind' and 'scenario'")
    raw: Any = doc
    if "kind" in doc:
        if doc.get("kind") != SCENARIO_KIND:
            raise InputError(f"{source}: kind: expected {SCENARIO_KIND!r}, got {doc.get('kind')!r}")
        unknown = sorted(set(doc) - {"kind", "scenario"})
        if unknown:
            raise InputError(f"{source}: {unknown[0]}: no such field (fields: kind, scenario)")
        raw = doc.get("scenario")
    if rename is not None and isinstance(raw, dict):
        raw = {**raw, "name": rename}
    model = _validated(Scenario, raw, f"{source}: scenario.")
    record = workspace.profile_by_name(engine, profile_name)
    return workspace.create_scenario(engine, record.id, model, actor)


def promote_scenario(engine: Engine, profile_name: str, name: str, expect_version: int | None,
                     actor: str) -> Record[Profile]:
    """Write the scenario's weights/constraints/workload into the profile (``expect_version`` = the profile's)."""
    record = workspace.profile_by_name(engine, profile_name)
    scen = workspace.scenario_by_name(engine, record.id, name)
    seen = record.version if expect_version is None else expect_version
    return workspace.promote_scenario(engine, record.id, seen, scen.id, actor)


__all__ = [
    "InputError", "StoreError", "apply_assignments", "create_profile", "create_scenario", "delete_profile",
    "duplicate_profile", "import_profile", "import_scenario", "parse_document", "profile_document",
    "promote_scenario", "read_profile_document", "render_document", "scenario_document", "set_profile",
    "template_keys", "validation_message",
]
