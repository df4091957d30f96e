"""Read and write YAML documents for profile/candidate files, as strictly as :mod:`workbench.io.json_text`.

PyYAML's ``safe_load`` alone accepts things a hostile or sloppy file uses: duplicate keys (the last wins
silently), anchors/aliases (the "billion laughs" expansion), ``.nan``/``.inf``, custom tags. This reader
refuses each of them with the source and the line, and checks the size before parsing. Only plain YAML
1.1 scalars, sequences and mappings with string keys come back (dates stay ISO strings, so the result is
the same as the JSON form of the same document).
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from workbench.io.json_text import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH


class YamlInputError(ValueError):
    """A YAML document refused before use; the message names the source and the line."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without aliases, duplicate keys, non-string keys, non-finite floats or implicit dates."""

    max_depth = DEFAULT_MAX_DEPTH

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlInputError(f"line {event.start_mark.line + 1}: aliases (*name) are not allowed")
        depth = getattr(self, "_depth", 0) + 1
        if depth > self.max_depth:
            raise YamlInputError(f"nested more than {self.max_depth} levels deep")
        self._depth = depth
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth - 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise YamlInputError(f"line {key_node.start_mark.line + 1}: key {key!r} is not a string")
            if key in seen:
                raise YamlInputError(f"line {key_node.start_mark.line + 1}: duplicate key {key!r} "
                                     "(a second value would silently replace the first)")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_float(self, node: Any) -> Any:
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise YamlInputError(f"line {node.start_mark.line + 1}: non-finite number {node.value}")
        return value


_StrictLoader.add_constructor("tag:yaml.org,2002:float", _StrictLoader.construct_yaml_float)
# ISO dates stay strings, as in JSON (pydantic parses them where a date is expected).
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_str)


def load_yaml(data: bytes | str, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """Parse one YAML document strictly; raise :class:`YamlInputError` naming ``source`` on any refusal."""
    if len(data) > max_bytes:
        raise YamlInputError(f"{source}: {len(data):,} bytes is larger than the {max_bytes:,}-byte limit")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise YamlInputError(f"{source}: not UTF-8 text (byte {exc.start})") from exc
    else:
        text = data
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except YamlInputError as exc:
        raise YamlInputError(f"{source}: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YamlInputError(f"{source}: not valid YAML ({problem}{where})") from exc


def dump_yaml(document: Any) -> str:
    """Deterministic block-style YAML (keys in the document's order, UTF-8 text, no aliases)."""

    class _NoAliases(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return yaml.dump(document, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=100)
