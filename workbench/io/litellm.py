"""Read LiteLLM's model price file (`model_prices_and_context_window.json`), whole or by key.

Shape: a JSON object mapping a model key (``"gpt-5.4"``, ``"eu.amazon.nova-2-lite-v1:0"``) to an entry
with ``litellm_provider``, ``mode``, per-token prices, ``max_input_tokens``, ``supports_*`` flags,
``supported_regions``, ``deprecation_date``. ``sample_spec`` documents the schema and is not a model.
Prices there are USD per token; the workbench stores USD per 1M tokens (x 1e6).

What becomes of an entry (docs/imports.md has the table):

- ``mode`` chat or responses -> a candidate; any other mode (embedding, image_generation, rerank, ...)
  is not a candidate and is counted apart.
- Prices: input/output/cache read; cache write 5 min (``cache_creation_input_token_cost``) and 1 h
  (``..._above_1hr``); reasoning tokens; per request; ``*_batches`` / ``*_flex`` / ``*_priority`` service
  tiers; long-context tiers from ``*_above_<N>k_tokens`` keys and from ``tiered_pricing`` ranges (the range
  starting at 0 gives the base price when the entry has no flat price).
- Sanity checks (LiteLLM has known data errors, e.g. #23503, 0.071 where 7.1e-07 was meant): a price that
  is not a finite number >= 0, a per-token price above USD 0.001 (USD 1,000 per 1M tokens), a per-request
  fee above USD 10, a key longer than 100 characters, a malformed ``tiered_pricing`` or
  ``deprecation_date``: the entry is skipped (with ``--all``) or refused (named by ``--model``), with the
  field named.

Source: https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from workbench.domain.models import (
    Candidate,
    Modality,
    PriceTier,
    Pricing,
    Provenance,
    ServiceTierPrice,
    Topology,
)
from workbench.io.json_text import JsonInputError, load_json
from workbench.io.litellm_names import provider_label, readable_name, regions_of

SOURCE_URL = "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"
PER_MTOK = 1_000_000
MAX_PER_TOKEN_USD = 1e-3
MAX_PER_REQUEST_USD = 10.0
MAX_KEY_CHARS = 100
CANDIDATE_MODES = ("chat", "responses")
SERVICE_TIERS = {"batches": "batch", "flex": "flex", "priority": "priority"}
_TIER_KEY = re.compile(
    r"^(?P<kind>input_cost_per_token|output_cost_per_token|cache_read_input_token_cost)"
    r"_above_(?P<k>\d+)k_tokens$"
)
_SUPPORT_FLAGS = ("function_calling", "tool_choice", "parallel_function_calling", "response_schema", "reasoning",
                  "prompt_caching", "vision", "pdf_input", "audio_input", "audio_output", "video_input",
                  "web_search", "computer_use", "system_messages")


class LiteLLMError(ValueError):
    """A price file or entry that cannot be used; the message names the file, model and field."""

    def __init__(self, message: str, *, key: str | None = None, field: str | None = None, detail: str = ""):
        super().__init__(message)
        self.key, self.field, self.detail = key, field, detail or message


# --------------------------------------------------------------------------- the file


def load_price_file(path: Path | str) -> dict[str, dict[str, Any]]:
    """Parse and shape-check the whole file; raise LiteLLMError naming the problem."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LiteLLMError(f"{path.name}: cannot read file ({exc.strerror or exc})") from exc
    return parse_price_text(data, path.name)


def parse_price_text(text: str | bytes, filename: str = "price file") -> dict[str, dict[str, Any]]:
    try:
        data = load_json(text, filename)
    except JsonInputError as exc:
        raise LiteLLMError(str(exc)) from exc
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


# --------------------------------------------------------------------------- one entry


def _err(filename: str, key: str, field: str, message: str) -> LiteLLMError:
    return LiteLLMError(f"{filename}: model {key!r}, field {field!r}: {message}", key=key, field=field,
                        detail=message)


def _price(raw: dict[str, Any], field: str, key: str, filename: str, *, limit: float = MAX_PER_TOKEN_USD,
           scale: float = PER_MTOK) -> float | None:
    """``raw[field]`` checked (finite, >= 0, <= limit) and scaled; None when absent."""
    value = raw.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _err(filename, key, field, f"expected a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise _err(filename, key, field, f"must be a finite number >= 0, got {value!r}")
    if value > limit:
        raise _err(filename, key, field, f"{value!r} USD is not a plausible price (limit {limit:g}; a unit error?)")
    return round(float(value) * scale, 9)  # per-token floats x 1e6 carry binary noise


def _tiers_from_keys(raw: dict[str, Any], key: str, filename: str) -> dict[int, dict[str, float | None]]:
    out: dict[int, dict[str, float | None]] = {}
    for field in raw:
        match = _TIER_KEY.match(field)
        if match:
            out.setdefault(int(match["k"]) * 1000, {})[match["kind"]] = _price(raw, field, key, filename)
    return out


def _tiered_pricing(raw: dict[str, Any], key: str, filename: str) -> list[tuple[int, dict[str, float | None]]]:
    ranges = raw.get("tiered_pricing")
    if ranges is None:
        return []
    if not isinstance(ranges, list) or not ranges:
        raise _err(filename, key, "tiered_pricing", "expected a non-empty list of price ranges")
    out = []
    for i, tier in enumerate(ranges):
        field = f"tiered_pricing[{i}]"
        rng = tier.get("range") if isinstance(tier, dict) else None
        if (not isinstance(rng, list) or len(rng) != 2 or not all(isinstance(x, int | float) for x in rng)
                or not 0 <= rng[0] < rng[1]):
            raise _err(filename, key, f"{field}.range", f"expected [from, to] tokens with from < to, got {rng!r}")
        try:
            prices = {kind: _price(tier, kind, key, filename)
                      for kind in ("input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost")}
        except LiteLLMError as exc:
            raise _err(filename, key, f"{field}.{exc.field}", exc.detail) from exc
        if prices["input_cost_per_token"] is None:
            raise _err(filename, key, f"{field}.input_cost_per_token", "missing")
        out.append((int(rng[0]), prices))
    return sorted(out, key=lambda t: t[0])


def _service_tiers(raw: dict[str, Any], key: str, filename: str) -> dict[str, ServiceTierPrice]:
    tiers = {}
    for suffix, name in SERVICE_TIERS.items():
        prices = ServiceTierPrice(
            input_per_mtok=_price(raw, f"input_cost_per_token_{suffix}", key, filename),
            output_per_mtok=_price(raw, f"output_cost_per_token_{suffix}", key, filename),
            cached_input_per_mtok=_price(raw, f"cache_read_input_token_cost_{suffix}", key, filename),
        )
        if prices.input_per_mtok is not None or prices.output_per_mtok is not None:
            tiers[name] = prices
    return tiers


def pricing_from_entry(key: str, raw: dict[str, Any], filename: str = "price file") -> Pricing:
    """The entry's prices in USD per 1M tokens; LiteLLMError naming the field when unusable or absent."""
    base_in = _price(raw, "input_cost_per_token", key, filename)
    base_out = _price(raw, "output_cost_per_token", key, filename)
    base_cached = _price(raw, "cache_read_input_token_cost", key, filename)
    by_threshold = _tiers_from_keys(raw, key, filename)
    for start, prices in _tiered_pricing(raw, key, filename):
        if start == 0:
            if base_in is None and base_out is None:
                base_in, base_out = prices["input_cost_per_token"], prices["output_cost_per_token"]
                base_cached = base_cached if base_cached is not None else prices["cache_read_input_token_cost"]
        else:
            by_threshold.setdefault(start, prices)
    if base_in is None or base_out is None:
        missing = "input_cost_per_token" if base_in is None else "output_cost_per_token"
        raise _err(filename, key, missing, f"no per-token price (mode {raw.get('mode') or 'unknown'}); only priced "
                                           "chat models can be imported")
    tiers = [PriceTier(above_input_tokens=tokens, input_per_mtok=p["input_cost_per_token"],
                       output_per_mtok=p.get("output_cost_per_token"),
                       cached_input_per_mtok=p.get("cache_read_input_token_cost"))
             for tokens, p in sorted(by_threshold.items()) if p.get("input_cost_per_token") is not None]
    return Pricing(
        input_per_mtok=base_in, output_per_mtok=base_out, cached_input_per_mtok=base_cached,
        reasoning_per_mtok=_price(raw, "output_cost_per_reasoning_token", key, filename), tiers=tiers,
        litellm_key=key,
        cache_write_5m_per_mtok=_price(raw, "cache_creation_input_token_cost", key, filename),
        cache_write_1h_per_mtok=_price(raw, "cache_creation_input_token_cost_above_1hr", key, filename),
        per_request_usd=_price(raw, "input_cost_per_request", key, filename, limit=MAX_PER_REQUEST_USD, scale=1.0),
        service_tiers=_service_tiers(raw, key, filename),
    )


def _tokens(raw: dict[str, Any], field: str, key: str, filename: str) -> int | None:
    value = raw.get(field)
    if value is None or value == 0:  # LiteLLM writes 0 for "not stated" on some entries
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < 0:
        raise _err(filename, key, field, f"expected a whole number of tokens, got {value!r}")
    return int(value)


def modalities_from_entry(raw: dict[str, Any]) -> list[Modality]:
    modalities = [Modality.text]
    for flag, modality in (("supports_vision", Modality.image), ("supports_pdf_input", Modality.pdf),
                           ("supports_audio_input", Modality.audio), ("supports_video_input", Modality.video)):
        if raw.get(flag) is True:
            modalities.append(modality)
    return modalities


def declared_support(raw: dict[str, Any]) -> dict[str, bool]:
    """``supports_<x>`` flags the entry states (true or false); absent flags stay absent (unknown)."""
    return {flag: raw[f"supports_{flag}"] for flag in _SUPPORT_FLAGS if isinstance(raw.get(f"supports_{flag}"), bool)}


def _deprecation(raw: dict[str, Any], key: str, filename: str) -> date | None:
    value = raw.get("deprecation_date")
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        pass
    raise _err(filename, key, "deprecation_date", f"expected a date YYYY-MM-DD, got {value!r}")


def price_provenance(key: str, raw: dict[str, Any], retrieved: date | None, entered_by: str) -> Provenance:
    vendor = raw.get("source")
    note = f"LiteLLM key {key!r}" + (f"; vendor page {vendor}" if isinstance(vendor, str) else "")
    return Provenance(source=SOURCE_URL, retrieved=retrieved, entered_by=entered_by, note=note)


def check_candidate_entry(key: str, raw: dict[str, Any], filename: str) -> None:
    """Refuse an entry that is not a chat model or whose key is unusable (LiteLLMError naming the field)."""
    if len(key) > MAX_KEY_CHARS:
        raise _err(filename, key[:40] + "...", "key", f"{len(key)} characters, above the limit of {MAX_KEY_CHARS}")
    mode = raw.get("mode")
    if mode not in CANDIDATE_MODES:
        raise _err(filename, key, "mode", f"{mode or 'missing'!s} is not a chat model (only chat and responses "
                                          "entries become candidates)")


def candidate_from_entry(key: str, raw: dict[str, Any], *, name: str, filename: str, retrieved: date,
                         entered_by: str) -> Candidate:
    """A new candidate for a chat entry (LiteLLMError naming the field when the entry is unusable)."""
    check_candidate_entry(key, raw, filename)
    pricing = pricing_from_entry(key, raw, filename)
    provider = raw.get("litellm_provider") if isinstance(raw.get("litellm_provider"), str) else None
    provenance = price_provenance(key, raw, retrieved, entered_by)
    return Candidate(
        name=name, provider=provider_label(provider), pricing=pricing,
        context_window=_tokens(raw, "max_input_tokens", key, filename),
        max_output_tokens=_tokens(raw, "max_output_tokens", key, filename),
        modalities=modalities_from_entry(raw), topologies=[Topology.managed_api],
        regions=regions_of(key, provider, raw.get("supported_regions")),
        declared_support=declared_support(raw), deprecation_date=_deprecation(raw, key, filename),
        provenance={"pricing": provenance, "context_window": provenance, "modalities": provenance,
                    "regions": provenance, "declared_support": provenance},
        notes=f"Imported from {filename} (LiteLLM key {key}, provider {provider or 'unknown'}); capability "
              "ratings unknown until rated or measured.",
    )


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


class SkippedEntry(BaseModel):
    """An entry left out of a whole-file import, with the field and the reason."""

    litellm_key: str
    field: str | None = None
    reason: str


class ImportPlan(BaseModel):
    filename: str
    changes: list[PlannedChange]
    skipped: list[SkippedEntry] = Field(default_factory=list)
    not_candidates: dict[str, list[str]] = Field(default_factory=dict, description="mode -> keys (not chat)")
    retrieved: date | None = None

    @property
    def writes(self) -> list[PlannedChange]:
        return [c for c in self.changes if c.action != "unchanged"]

    def summary(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for change in self.changes:
            counts[change.action] += 1
        counts["skipped"] = len(self.skipped)
        counts["not_candidates"] = sum(len(keys) for keys in self.not_candidates.values())
        return counts


def _price_diff(old: Pricing | None, new: Pricing) -> dict[str, list[Any]]:
    before = old.model_dump(mode="json") if old else {}
    after = new.model_dump(mode="json")
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}


def _selected_keys(
    prices: dict[str, dict[str, Any]], providers: list[str] | None, modes: list[str] | None,
    not_candidates: dict[str, list[str]],
) -> list[str]:
    wanted_modes = set(modes or CANDIDATE_MODES)
    wanted_providers = {p.lower() for p in providers or []}
    keys = []
    for key, raw in prices.items():
        mode = raw.get("mode") if isinstance(raw.get("mode"), str) else None
        if mode not in CANDIDATE_MODES:
            not_candidates.setdefault(mode or "missing", []).append(key)
            continue
        value = raw.get("litellm_provider")
        provider = value if isinstance(value, str) else ""
        if mode not in wanted_modes:
            continue
        if wanted_providers and not ({provider.lower(), provider_label(provider).lower()} & wanted_providers):
            continue
        keys.append(key)
    return sorted(keys)


def _unknown_models(prices: dict[str, dict[str, Any]], models: list[str], filename: str) -> LiteLLMError:
    hints = []
    for name in models:
        close = sorted(k for k in prices if name.lower() in k.lower())[:3]
        hints.append(f"{name!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
    return LiteLLMError(f"{filename}: unknown model(s) {', '.join(hints)}; nothing was imported")


def plan_import(
    prices: dict[str, dict[str, Any]],
    existing: dict[str, Any],
    *,
    models: list[str],
    update_prices: bool,
    filename: str,
    entered_by: str,
    retrieved: date | None = None,
    select_all: bool = False,
    providers: list[str] | None = None,
    modes: list[str] | None = None,
) -> ImportPlan:
    """Decide every create/update before anything is written.

    ``existing`` maps candidate name -> Candidate; a candidate matches a key when its ``pricing.litellm_key``
    (else its name) equals the key. ``models``: keys to create (with ``update_prices`` also refreshed when
    they exist): any unusable one refuses the whole request, named. ``select_all``: every chat entry of the
    file (narrowed by ``providers`` / ``modes``); an unusable entry is skipped and listed, never fatal.
    No ``models`` + ``update_prices``: refresh every catalog candidate whose key is in the file.
    """
    retrieved = retrieved or date.today()
    by_key: dict[str, Any] = {}
    for candidate in existing.values():
        key = candidate.pricing.litellm_key if candidate.pricing else None
        by_key[key or candidate.name] = candidate
    if not models and not update_prices and not select_all:
        raise LiteLLMError("name the models to import with --model, pass --all, or --update-prices to refresh")
    missing = [m for m in models if m not in prices]
    if missing:
        raise _unknown_models(prices, missing, filename)
    not_candidates: dict[str, list[str]] = {}
    if select_all:
        keys = _selected_keys(prices, providers, modes, not_candidates)
    else:
        keys = models or sorted(k for k in by_key if k in prices)
    names = set(existing)
    changes: list[PlannedChange] = []
    skipped: list[SkippedEntry] = []
    for key in keys:
        raw = prices[key]
        current = by_key.get(key)
        try:
            if current is None:
                name = readable_name(key, raw.get("litellm_provider") if isinstance(raw.get("litellm_provider"),
                                                                                   str) else None)
                name = key if name in names else name
                candidate = candidate_from_entry(key, raw, name=name, filename=filename, retrieved=retrieved,
                                                 entered_by=entered_by)
                if candidate.name in names:
                    raise _err(filename, key, "key", f"a candidate named {candidate.name!r} already exists")
                names.add(candidate.name)
                changes.append(PlannedChange(action="create", litellm_key=key, candidate=candidate.name,
                                             new_candidate=candidate.model_dump(mode="json")))
                continue
            pricing = pricing_from_entry(key, raw, filename)
        except LiteLLMError as exc:
            if not select_all:
                raise
            skipped.append(SkippedEntry(litellm_key=key, field=exc.field, reason=exc.detail))
            continue
        diff = _price_diff(current.pricing, pricing)
        if update_prices and diff:
            provenance = price_provenance(key, raw, retrieved, entered_by)
            updated = current.model_copy(
                update={"pricing": pricing, "provenance": {**current.provenance, "pricing": provenance}})
            changes.append(PlannedChange(action="update", litellm_key=key, candidate=current.name, changes=diff,
                                         new_candidate=updated.model_dump(mode="json")))
        else:
            changes.append(PlannedChange(action="unchanged", litellm_key=key, candidate=current.name, changes=diff))
    return ImportPlan(filename=filename, changes=changes, skipped=skipped, not_candidates=not_candidates,
                      retrieved=retrieved)
