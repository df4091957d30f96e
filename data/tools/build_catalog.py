"""Rebuild data/catalog.json from the hand-written spec below and LiteLLM's price file.

Usage (maintainers only; the app reads the generated JSON, never this script):

    python data/tools/build_catalog.py PATH/TO/model_prices_and_context_window.json

Everything a reader needs to trust a value is written into its provenance: seed 002 for the
E/A/D ratings and licence rows, LiteLLM (key and vendor page) for prices and context windows,
the model's own config.json for open-weight architectures. Values nobody has published stay null.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

DATA = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(DATA.parent))

from workbench.domain.models import (  # noqa: E402
    CAPABILITY_VECTORS,
    Candidate,
    CapabilityRating,
    EffortTier,
    License,
    Provenance,
)
from workbench.io.litellm import (  # noqa: E402
    modalities_from_entry,
    price_provenance,
    pricing_from_entry,
    validate_entry,
)

SEED = "seed 002 'AI-ENG-G — Model Selection', Capability Fit Matrix"
SEED_LICENSE = "seed 002, Governance and License Fit Matrix"
RETRIEVED = date(2026, 11, 23)

# Seed 002 Capability Fit Matrix, columns in the seed's row order (CAPABILITY_VECTORS).
SEED_RATINGS = {
    "GPT-5.4": "EEAAAEEEEEEAAE",
    "Claude Opus 4.7": "EEEEEEEEEEAAEE",
    "Gemini 3 Pro": "AAEEEEEAAEEAAA",
    "DeepSeek V4": "AEAAAAAEEEDEDD",
    "Llama 4 Scout": "AAEAAAAAAADADA",
    "Qwen 3.5 72B": "AAAAAEAAEAAEDD",
}

LLAMA_RESTRICTIONS = ["professional_practice_prohibited", "mau_limit", "litigation_termination"]

SPEC: list[dict] = [
    {
        "name": "GPT-5.4", "provider": "OpenAI", "family": "GPT-5", "version": "5.4",
        "litellm": "gpt-5.4", "topologies": ["managed_api"], "regions": ["us", "eu", "global"],
        "regions_note": "LiteLLM entry lists regional_processing_uplift_multiplier_eu/us (EU and US data residency)",
        "license": {"name": "OpenAI API Terms", "kind": "proprietary_api",
                    "restrictions": ["no_competitive_training", "provider_retention"],
                    "output_use": "Strictly prohibits using outputs to train competitive models.",
                    "retention": "Typically 30 days unless Enterprise zero-retention is signed."},
        "license_source": SEED_LICENSE,
    },
    {
        "name": "Claude Opus 4.7", "provider": "Anthropic", "family": "Claude", "version": "Opus 4.7",
        "litellm": "claude-opus-4-7", "topologies": ["managed_api"], "regions": ["us", "global"],
        "regions_note": "LiteLLM entry lists provider_specific_entry {'us': 1.1}: US-only inference geo; no EU option listed",
        "license": {"name": "Anthropic Commercial Terms", "kind": "proprietary_api",
                    "restrictions": ["no_competitive_training", "provider_retention"],
                    "output_use": "Commercial terms forbid building competing models.",
                    "retention": "Provider retains logs per its data-retention policy unless zero-retention is agreed."},
        "license_source": "https://www.anthropic.com/legal/commercial-terms",
    },
    {
        "name": "Gemini 3 Pro", "provider": "Google", "family": "Gemini", "version": "3 Pro (preview)",
        "litellm": "vertex_ai/gemini-3-pro-preview", "topologies": ["managed_api"],
        "regions": ["eu", "us", "global"],
        "regions_note": "Vertex AI serves Gemini from EU and US regions (vertex_ai provider in LiteLLM)",
        "license": {"name": "Google Cloud Service Terms", "kind": "proprietary_api",
                    "restrictions": ["no_competitive_training"],
                    "output_use": "Service terms restrict using outputs to develop competing models.",
                    "retention": "Vertex AI: no training on customer data; caching retention configurable."},
        "license_source": "https://cloud.google.com/terms/service-terms",
    },
    {
        "name": "DeepSeek V4", "provider": "DeepSeek", "family": "DeepSeek", "version": "V4 Pro",
        "litellm": "deepseek/deepseek-v4-pro", "open_weights": True,
        "topologies": ["managed_api", "hosted_open", "self_hosted"], "regions": ["apac", "any"],
        "regions_note": "DeepSeek's own API is hosted in China (apac); MIT weights can be self-hosted anywhere ('any')",
        "license": {"name": "MIT", "kind": "open_source", "restrictions": [],
                    "output_use": "None.", "retention": "Zero if locally hosted."},
        "license_source": SEED_LICENSE,
    },
    {
        "name": "Llama 4 Scout", "provider": "Meta", "family": "Llama 4", "version": "Scout 17B-16E",
        "litellm": "together_ai/meta-llama/Llama-4-Scout-17B-16E-Instruct", "open_weights": True,
        "hf_repo": "meta-llama/Llama-4-Scout-17B-16E-Instruct",
        "topologies": ["hosted_open", "self_hosted"], "regions": ["us", "any"],
        "regions_note": "Priced host (Together AI) serves from the US; weights self-hostable anywhere ('any')",
        "modalities": ["text", "image"],
        "modalities_source": "https://huggingface.co/meta-llama/Llama-4-Scout-17B-16E-Instruct (natively multimodal: text and image input)",
        "license": {"name": "Llama 4 Community License", "kind": "open_weight_custom",
                    "restrictions": LLAMA_RESTRICTIONS,
                    "output_use": "None; permits downstream fine-tuning.",
                    "retention": "Zero if locally hosted."},
        "license_source": SEED_LICENSE + " (Llama 3.3 row; the Llama 4 Community License carries the same AUP, 700M MAU and litigation clauses)",
    },
    {
        "name": "Qwen 3.5 72B", "provider": "Alibaba Qwen", "family": "Qwen 3.5", "version": "72B",
        "litellm": None, "open_weights": True, "topologies": ["hosted_open", "self_hosted"],
        "regions": ["any"], "regions_note": "open weights, self-hostable anywhere",
        "license": {"name": "Apache 2.0 / Custom", "kind": "open_weight_custom", "restrictions": [],
                    "output_use": "None.", "retention": "Zero if locally hosted."},
        "license_source": SEED_LICENSE + " (Qwen row)",
        "notes": "Named and rated by seed 002. LiteLLM's price file has no 'Qwen 3.5 72B' entry and no public "
                 "config.json describes it: price, context window and architecture are unknown until entered.",
    },
    # ---- open-weight candidates an architect would shortlist, with their real config.json
    {
        "name": "Llama 3.1 8B Instruct", "provider": "Meta", "family": "Llama 3.1", "version": "8B",
        "litellm": "deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct", "open_weights": True,
        "hf_repo": "meta-llama/Llama-3.1-8B-Instruct", "config": "Llama-3.1-8B.config.json",
        "topologies": ["hosted_open", "self_hosted", "local_edge"], "regions": ["us", "any"],
        "regions_note": "priced host DeepInfra (US); weights self-hostable anywhere",
        "license": {"name": "Llama 3.1 Community License", "kind": "open_weight_custom",
                    "restrictions": LLAMA_RESTRICTIONS, "output_use": "None.", "retention": "Zero if locally hosted."},
        "license_source": SEED_LICENSE + " (Llama 3.3 row: same community-licence clauses)",
    },
    {
        "name": "Mixtral 8x7B Instruct", "provider": "Mistral AI", "family": "Mixtral", "version": "8x7B v0.1",
        "litellm": "deepinfra/mistralai/Mixtral-8x7B-Instruct-v0.1", "open_weights": True,
        "hf_repo": "mistralai/Mixtral-8x7B-Instruct-v0.1", "config": "Mixtral-8x7B-v0.1.config.json",
        "topologies": ["hosted_open", "self_hosted"], "regions": ["us", "any"],
        "regions_note": "priced host DeepInfra (US); weights self-hostable anywhere",
        "license": {"name": "Apache 2.0", "kind": "open_source", "restrictions": [],
                    "output_use": "None.", "retention": "Zero if locally hosted."},
        "license_source": "https://huggingface.co/mistralai/Mixtral-8x7B-Instruct-v0.1",
    },
    {
        "name": "DeepSeek-V2-Lite Chat", "provider": "DeepSeek", "family": "DeepSeek V2", "version": "Lite",
        "litellm": "fireworks_ai/accounts/fireworks/models/deepseek-v2-lite-chat", "open_weights": True,
        "hf_repo": "deepseek-ai/DeepSeek-V2-Lite-Chat", "config": "DeepSeek-V2-Lite.config.json",
        "topologies": ["hosted_open", "self_hosted", "local_edge"], "regions": ["us", "any"],
        "regions_note": "priced host Fireworks (US); weights self-hostable anywhere",
        "license": {"name": "DeepSeek Model License", "kind": "open_weight_custom", "restrictions": [],
                    "output_use": "Use-based restrictions; commercial use permitted.",
                    "retention": "Zero if locally hosted."},
        "license_source": "https://huggingface.co/deepseek-ai/DeepSeek-V2-Lite-Chat",
    },
    {
        "name": "Gemma 2 9B IT", "provider": "Google", "family": "Gemma 2", "version": "9B",
        "litellm": "gemini/gemini-gemma-2-9b-it", "open_weights": True,
        "hf_repo": "google/gemma-2-9b-it", "config": "Gemma-2-9B.config.json",
        "topologies": ["hosted_open", "self_hosted", "local_edge"], "regions": ["us", "any"],
        "regions_note": "priced host Google AI Studio; weights self-hostable anywhere",
        "modalities": ["text"], "modalities_source": "https://huggingface.co/google/gemma-2-9b-it (text-to-text model; LiteLLM's supports_vision flag for this key is not followed)",
        "license": {"name": "Gemma Terms of Use", "kind": "open_weight_custom", "restrictions": [],
                    "output_use": "Prohibited Use Policy applies.", "retention": "Zero if locally hosted."},
        "license_source": "https://ai.google.dev/gemma/terms",
    },
    {
        "name": "gpt-oss-20b", "provider": "OpenAI", "family": "gpt-oss", "version": "20b",
        "litellm": "deepinfra/openai/gpt-oss-20b", "open_weights": True,
        "hf_repo": "openai/gpt-oss-20b", "config": "gpt-oss-20b.config.json",
        "topologies": ["hosted_open", "self_hosted", "local_edge"], "regions": ["us", "any"],
        "regions_note": "priced host DeepInfra (US); weights self-hostable anywhere",
        "license": {"name": "Apache 2.0", "kind": "open_source", "restrictions": [],
                    "output_use": "None (gpt-oss usage policy applies).", "retention": "Zero if locally hosted."},
        "license_source": "https://huggingface.co/openai/gpt-oss-20b",
    },
    {
        "name": "Qwen3-Next 80B-A3B Instruct", "provider": "Alibaba Qwen", "family": "Qwen3-Next",
        "version": "80B-A3B", "litellm": "deepinfra/Qwen/Qwen3-Next-80B-A3B-Instruct", "open_weights": True,
        "hf_repo": "Qwen/Qwen3-Next-80B-A3B-Instruct", "config": "Qwen3-Next-80B-A3B-Instruct.config.json",
        "topologies": ["hosted_open", "self_hosted"], "regions": ["us", "any"],
        "regions_note": "priced host DeepInfra (US); weights self-hostable anywhere",
        "license": {"name": "Apache 2.0", "kind": "open_source", "restrictions": [],
                    "output_use": "None.", "retention": "Zero if locally hosted."},
        "license_source": "https://huggingface.co/Qwen/Qwen3-Next-80B-A3B-Instruct",
    },
    {
        "name": "GPT-5.5 Pro", "provider": "OpenAI", "family": "GPT-5", "version": "5.5 Pro",
        "litellm": "gpt-5.5-pro", "topologies": ["managed_api"], "regions": ["us", "global"],
        "regions_note": "LiteLLM entry lists no EU regional-processing option",
        "license": {"name": "OpenAI API Terms", "kind": "proprietary_api",
                    "restrictions": ["no_competitive_training", "provider_retention"],
                    "output_use": "Strictly prohibits using outputs to train competitive models.",
                    "retention": "Typically 30 days unless Enterprise zero-retention is signed."},
        "license_source": SEED_LICENSE + " (GPT-5.4 row: same API terms)",
        # seed 002, "The Cost-Quality Crossover": AIME pass-rate by effort; Expert-SWE Refactor.
        "effort_tiers": [
            {"name": "low", "quality_by_domain": {"math_aime": 0.693}},
            {"name": "medium", "quality_by_domain": {"math_aime": 0.793, "swe_refactor": 0.731}},
            {"name": "high", "quality_by_domain": {"math_aime": 0.917, "swe_refactor": 0.714}},
        ],
        "effort_source": "seed 002, 'The Cost-Quality Crossover' (AIME 69.3/79.3/91.7%; Expert-SWE Refactor 73.1% medium, 71.4% high); "
                         "token multipliers per tier are not published there and stay 1.0 until measured",
        "notes": "Not rated in seed 002's Capability Fit Matrix: capability ratings unknown until evidence is imported.",
    },
]


def build(price_file: Path) -> dict:
    prices = json.loads(price_file.read_text())
    candidates = []
    for spec in SPEC:
        provenance: dict[str, Provenance] = {}
        ratings = SEED_RATINGS.get(spec["name"])
        capabilities = {}
        if ratings:
            capabilities = {v: CapabilityRating(rating=r) for v, r in zip(CAPABILITY_VECTORS, ratings, strict=True)}
            provenance["capabilities"] = Provenance(source=SEED, retrieved=RETRIEVED)
        pricing = None
        context = max_out = None
        modalities = spec.get("modalities", ["text"])
        key = spec.get("litellm")
        if key:
            raw = prices[key]
            entry = validate_entry(key, raw)
            pricing = pricing_from_entry(key, raw)
            context, max_out = entry.max_input_tokens, entry.max_output_tokens
            provenance["pricing"] = price_provenance(key, raw, RETRIEVED, "catalog")
            provenance["context_window"] = price_provenance(key, raw, RETRIEVED, "catalog")
            if "modalities" not in spec:
                modalities = [m.value for m in modalities_from_entry(entry)]
                provenance["modalities"] = price_provenance(key, raw, RETRIEVED, "catalog")
        if spec.get("modalities_source"):
            provenance["modalities"] = Provenance(source=spec["modalities_source"], retrieved=RETRIEVED)
        architecture = None
        if spec.get("config"):
            architecture = json.loads((DATA / "hf-configs" / spec["config"]).read_text())
            provenance["architecture"] = Provenance(
                source=f"https://huggingface.co/{spec['hf_repo']}/blob/main/config.json",
                retrieved=RETRIEVED,
                note=f"verbatim copy in data/hf-configs/{spec['config']}",
            )
            if context is None or spec.get("context_from_config"):
                context = int(architecture["max_position_embeddings"])
        provenance["license"] = Provenance(source=spec["license_source"], retrieved=RETRIEVED)
        provenance["topologies"] = Provenance(source="seed 002, Deployment Fit Matrix", note=spec["regions_note"])
        tiers = [EffortTier(**t) for t in spec.get("effort_tiers", [])]
        if tiers:
            provenance["effort_tiers"] = Provenance(source=spec["effort_source"], retrieved=RETRIEVED)
        candidate = Candidate(
            name=spec["name"], provider=spec["provider"], family=spec["family"], version=spec["version"],
            open_weights=spec.get("open_weights", False), capabilities=capabilities, pricing=pricing,
            context_window=context, max_output_tokens=max_out, modalities=modalities,
            topologies=spec["topologies"], regions=spec["regions"], license=License(**spec["license"]),
            effort_tiers=tiers, hf_repo=spec.get("hf_repo"), architecture=architecture,
            provenance=provenance, notes=spec.get("notes", ""),
        )
        candidates.append(candidate.model_dump(mode="json", exclude_defaults=False))
    return {
        "provenance": {
            "description": "Shipped candidate catalog of the Model Selection Workbench.",
            "ratings": SEED,
            "prices": "LiteLLM model_prices_and_context_window.json (see each candidate's provenance.pricing.note for the key)",
            "architectures": "Hugging Face config.json files in data/hf-configs/",
            "latency": "not published for a task-neutral workload: left unknown; enter measured figures or import shadow telemetry",
            "built": RETRIEVED.isoformat(),
            "builder": "data/tools/build_catalog.py",
        },
        "candidates": candidates,
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    catalog = build(Path(sys.argv[1]))
    (DATA / "catalog.json").write_text(json.dumps(catalog, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(catalog['candidates'])} candidates to data/catalog.json")
