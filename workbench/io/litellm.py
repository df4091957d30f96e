"""Read LiteLLM's model price file (`model_prices_and_context_window.json`).

Shape: a JSON object mapping a model key (``"gpt-5.4"``, ``"deepinfra/openai/gpt-oss-20b"``) to an
entry with ``input_cost_per_token``, ``output_cost_per_token``, ``cache_read_input_token_cost``,
``max_input_tokens``, ``max_output_tokens``, ``litellm_provider``, ``supports_*`` flags and tiered
prices such as ``input_cost_per_token_above_272k_tokens``. The key ``sample_spec`` documents the
schema and is not a model. Prices there are USD per token; the workbench stores USD per 1M tokens.

Source: https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workbench.domain.models import Modality, PriceTier, Pricing, Provenance

SOURCE_URL = "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"
PER_MTOK = 1_000_000
_TIER_KEY = re.compile(
    r"^(?P<kind>input_cost_per_token|output_cost_per_token|cache_read_input_token_cost)"
    r"_above_(?P<k>\d+)k_tokens$"
)


class LiteLLMError(ValueError):
    """A price file that cannot be used; the message names the file, model and field."""


class LiteLLMEntry(BaseModel):
    """The fields of one entry that the workbench reads (others are ignored)."""

    model_config = ConfigDict(extra="allow")

    input_cost_per_token: float | None = Field(default=None, ge=0)
    output_cost_per_token: float | None = Field(default=None, ge=0)
    cache_read_input_token_cost: float | None = Field(default=None, ge=0)
    output_cost_per_reasoning_token: float | None = Field(default=None, ge=0)
    max_input_tokens: int | None = Field(default=None, gt=0)
    max_output_tokens: int | None = Field(default=None, gt=0)
    litellm_provider: str | None = None
    mode: str | None = None
    supports_vision: bool | None = None
    supports_pdf_input: bool | None = None
    supports_audio_input: bool | None = None
    supports_video_input: bool | None = None
    source: str | None = None


def load_price_file(path: Path | str) -> dict[str, dict[str, Any]]:
    """Parse and shape-check the whole file; raise LiteLLMError naming the problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LiteLLMError(f"{path.name}: cannot read file ({exc.strerror or exc})") from exc
    return parse_price_text(text, path.name)


def parse_price_text(text: str, filename: str = "price file") -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LiteLLMError(
            f"{filename}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(data, dict):
        raise LiteLLMError(
            f"{filename}: expected a JSON object mapping model names to price entries, "
            f"got {type(data).__name__}"
        )
    bad = [key for key, value in data.items() if not isinstance(value, dict)]
    if bad:
        raise LiteLLMError(f"{filename}: entry {bad[0]!r} is not an object (and {len(bad) - 1} more)")
    data.pop("sample_spec", None)
    if not data:
        raise LiteLLMError(f"{filename}: contains no model entries")
    return data


def validate_entry(key: str, raw: dict[str, Any], filename: str = "price file") -> LiteLLMEntry:
    try:
        entry = LiteLLMEntry.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise LiteLLMError(f"{filename}: model {key!r}, field {field!r}: {err['msg']}") from exc
    if entry.input_cost_per_token is None or entry.output_cost_per_token is None:
        raise LiteLLMError(
            f"{filename}: model {key!r} has no input_cost_per_token/output_cost_per_token "
            f"(mode {entry.mode or 'unknown'}); only priced chat models can be imported"
        )
    return entry


def _tiers(raw: dict[str, Any]) -> list[PriceTier]:
    by_threshold: dict[int, dict[str, float]] = {}
    for key, value in raw.items():
        match = _TIER_KEY.match(key)
        if match and isinstance(value, int | float):
            tokens = int(match["k"]) * 1000
            by_threshold.setdefault(tokens, {})[match["kind"]] = float(value) * PER_MTOK
    tiers = []
    for tokens, prices in sorted(by_threshold.items()):
        if "input_cost_per_token" not in prices:
            continue
        tiers.append(
            PriceTier(
                above_input_tokens=tokens,
                input_per_mtok=round(prices["input_cost_per_token"], 9),
                output_per_mtok=_round(prices.get("output_cost_per_token")),
                cached_input_per_mtok=_round(prices.get("cache_read_input_token_cost")),
            )
        )
    return tiers


def _round(value: float | None) -> float | None:
    # Per-token floats times 1e6 carry binary noise (2.5e-06 * 1e6 = 2.4999999999999996).
    return None if value is None else round(value, 9)


def pricing_from_entry(key: str, raw: dict[str, Any], filename: str = "price file") -> Pricing:
    entry = validate_entry(key, raw, filename)
    assert entry.input_cost_per_token is not None and entry.output_cost_per_token is not None
    return Pricing(
        input_per_mtok=round(entry.input_cost_per_token * PER_MTOK, 9),
        output_per_mtok=round(entry.output_cost_per_token * PER_MTOK, 9),
        cached_input_per_mtok=_round(
            None if entry.cache_read_input_token_cost is None else entry.cache_read_input_token_cost * PER_MTOK
        ),
        reasoning_per_mtok=_round(
            None
            if entry.output_cost_per_reasoning_token is None
            else entry.output_cost_per_reasoning_token * PER_MTOK
        ),
        tiers=_tiers(raw),
        litellm_key=key,
    )


def modalities_from_entry(entry: LiteLLMEntry) -> list[Modality]:
    modalities = [Modality.text]
    if entry.supports_vision:
        modalities.append(Modality.image)
    if entry.supports_pdf_input:
        modalities.append(Modality.pdf)
    if entry.supports_audio_input:
        modalities.append(Modality.audio)
    if entry.supports_video_input:
        modalities.append(Modality.video)
    return modalities


def price_provenance(key: str, raw: dict[str, Any], retrieved: date | None, entered_by: str) -> Provenance:
    vendor = raw.get("source")
    note = f"LiteLLM key {key!r}" + (f"; vendor page {vendor}" if isinstance(vendor, str) else "")
    return Provenance(source=SOURCE_URL, retrieved=retrieved, entered_by=entered_by, note=note)


# --------------------------------------------------------------------------- import planning


class PlannedChange(BaseModel):
    """One candidate the import creates or whose prices it updates."""

    action: str  # "create" | "update" | "unchanged"
    litellm_key: str
    candidate: str
    changes: dict[str, list[Any]] = Field(default_factory=dict, description="field -> [old, new]")
    new_candidate: dict[str, Any] | None = None
    # filled by the catalog-import service at preview: what the user saw (for the optimistic lock)
    candidate_id: int | None = None
    seen_version: int | None = None
    seen_body: dict[str, Any] | None = None


class ImportPlan(BaseModel):
    filename: str
    changes: list[PlannedChange]

    @property
    def writes(self) -> list[PlannedChange]:
        return [c for c in self.changes if c.action != "unchanged"]

    def summary(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for change in self.changes:
            counts[change.action] += 1
        return counts


def _price_diff(old: Pricing | None, new: Pricing) -> dict[str, list[Any]]:
    before = old.model_dump(mode="json") if old else {}
    after = new.model_dump(mode="json")
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}


def plan_import(
    prices: dict[str, dict[str, Any]],
    existing: dict[str, Any],
    *,
    models: list[str],
    update_prices: bool,
    filename: str,
    entered_by: str,
    retrieved: date | None = None,
) -> ImportPlan:
    """Decide every create/update before anything is written (the whole request is validated first).

    ``existing`` maps candidate name -> Candidate. A candidate matches a LiteLLM key when its
    ``pricing.litellm_key`` equals the key, or its name equals the key.
    ``models``: keys to create (or, with ``update_prices``, to refresh when they exist already).
    No ``models`` + ``update_prices``: refresh every candidate whose key is in the file.
    """
    from workbench.domain.models import Candidate  # local: keeps the import graph obvious

    retrieved = retrieved or date.today()
    by_key: dict[str, Any] = {}
    for candidate in existing.values():
        key = candidate.pricing.litellm_key if candidate.pricing else None
        by_key[key or candidate.name] = candidate
    if not models and not update_prices:
        raise LiteLLMError("name the models to import with --model, or pass --update-prices to refresh prices")
    missing = [m for m in models if m not in prices]
    if missing:
        hints = []
        for name in missing:
            close = sorted(k for k in prices if name.lower() in k.lower())[:3]
            hints.append(f"{name!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
        raise LiteLLMError(f"{filename}: unknown model(s) {', '.join(hints)}; nothing was imported")
    keys = models or sorted(k for k in by_key if k in prices)
    changes: list[PlannedChange] = []
    for key in keys:
        raw = prices[key]
        pricing = pricing_from_entry(key, raw, filename)
        entry = validate_entry(key, raw, filename)
        provenance = price_provenance(key, raw, retrieved, entered_by)
        current = by_key.get(key)
        if current is None:
            candidate = Candidate(
                name=key,
                provider=entry.litellm_provider or "",
                pricing=pricing,
                context_window=entry.max_input_tokens,
                max_output_tokens=entry.max_output_tokens,
                modalities=modalities_from_entry(entry),
                topologies=[],
                provenance={"pricing": provenance, "context_window": provenance, "modalities": provenance},
                notes=f"Imported from {filename}; capability ratings unknown until rated or measured.",
            )
            changes.append(
                PlannedChange(
                    action="create", litellm_key=key, candidate=key,
                    new_candidate=candidate.model_dump(mode="json"),
                )
            )
            continue
        diff = _price_diff(current.pricing, pricing)
        if update_prices and diff:
            updated = current.model_copy(
                update={"pricing": pricing, "provenance": {**current.provenance, "pricing": provenance}}
            )
            changes.append(
                PlannedChange(
                    action="update", litellm_key=key, candidate=current.name, changes=diff,
                    new_candidate=updated.model_dump(mode="json"),
                )
            )
        else:
            changes.append(PlannedChange(action="unchanged", litellm_key=key, candidate=current.name, changes=diff))
    return ImportPlan(filename=filename, changes=changes)
