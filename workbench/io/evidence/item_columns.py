"""Per-item results held as columns (compact arrays) while a large file streams in.

A million :class:`~workbench.domain.evidence.ItemResult` objects take well over a gigabyte; the same items
as typed arrays take ~100 MB. Large per-item files (the workbench CSV) are read row by row into
:class:`ItemColumns`; the run carries its counts and the store writes the items' JSON straight from the
columns (:meth:`ItemColumns.json_chunks`), so peak memory stays bounded (see tests/io/test_large_import.py).
The checks are ItemResult's own: an id, a pass/fail or score or latency, finite score, latency/cost >= 0,
and no (item id, epoch) twice.
"""

from __future__ import annotations

import json
import math
from array import array
from collections.abc import Iterator

from workbench.domain.evidence import ItemResult
from workbench.io.evidence._common import EvidenceImportError

_NAN = float("nan")


class ItemColumns:
    """Items of one run as columns; ``passed`` is -1 (unknown), 0 or 1; NaN stands for an unknown number."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.epochs = array("i")
        self.passed = array("b")
        self.score = array("d")
        self.latency = array("d")
        self.cost = array("d")
        self.rows = array("l")  # source row of each item (for error messages)

    def __len__(self) -> int:
        return len(self.ids)

    def append(self, row: int, item_id: str, epoch: int, passed: bool | None, score: float | None,
               latency: float | None, cost: float | None) -> None:
        self.ids.append(item_id)
        self.epochs.append(epoch)
        self.passed.append(-1 if passed is None else int(passed))
        self.score.append(_NAN if score is None else score)
        self.latency.append(_NAN if latency is None else latency)
        self.cost.append(_NAN if cost is None else cost)
        self.rows.append(row)

    def check_unique(self, file: str, field: str, unit: str = "row") -> None:
        """Raise on the first (item id, epoch) seen twice, naming both rows (sorting, no set of a million keys)."""
        if all(e == 1 for e in self.epochs):  # the common case: sort by id alone (no key tuples)
            order = sorted(range(len(self.ids)), key=self.ids.__getitem__)  # stable: first row first
        else:
            order = sorted(range(len(self.ids)), key=lambda i: (self.ids[i], self.epochs[i], self.rows[i]))
        for a, b in zip(order, order[1:], strict=False):
            if self.ids[a] == self.ids[b] and self.epochs[a] == self.epochs[b]:
                raise EvidenceImportError(
                    file, f"duplicate item id {self.ids[b]!r} (epoch {self.epochs[b]}; first at {unit} {self.rows[a]})",
                    location=f"{unit} {self.rows[b]}", field=field)

    def binary_counts(self) -> tuple[int, int] | None:
        """(passes, items) when every item has a pass/fail outcome, else None (as EvaluationRun.binary_counts)."""
        if not self.ids or -1 in self.passed:
            return None
        return sum(self.passed), len(self.ids)

    def mean_score(self) -> float | None:
        known = [x for x in self.score if not math.isnan(x)]
        return sum(known) / len(known) if known else None

    def _item(self, i: int) -> dict[str, object]:
        item: dict[str, object] = {"item_id": self.ids[i]}
        if self.epochs[i] != 1:
            item["epoch"] = self.epochs[i]
        if self.passed[i] != -1:
            item["passed"] = bool(self.passed[i])
        for name, column in (("score", self.score), ("latency_ms", self.latency), ("cost_usd", self.cost)):
            if not math.isnan(column[i]):
                item[name] = column[i]
        return item

    def json_chunks(self, per_chunk: int = 10_000) -> Iterator[str]:
        """The items as the JSON of EvaluationRun.items (defaults left out), in chunks of ``per_chunk`` items."""
        for start in range(0, len(self.ids), per_chunk):
            stop = min(start + per_chunk, len(self.ids))
            yield ",".join(json.dumps(self._item(i), separators=(",", ":")) for i in range(start, stop))

    def to_items(self) -> list[ItemResult]:
        """Validated ItemResult objects (for files small enough to hold them)."""
        return [ItemResult.model_validate(self._item(i)) for i in range(len(self.ids))]
