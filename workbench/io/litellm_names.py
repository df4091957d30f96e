"""Readable names, providers and regions for LiteLLM price-file keys.

LiteLLM keys are routing strings (``"eu.amazon.nova-2-lite-v1:0"`` with ``litellm_provider``
``"bedrock_converse"``). A candidate gets a readable name, *model — Provider (REGION)*, and keeps the raw
key in ``pricing.litellm_key``. Regions come from a key's cross-region prefix (AWS Bedrock inference
profiles: ``us.``, ``eu.``, ``apac.``, ``global.``, also ``jp.``/``au.``) and from ``supported_regions``
(cloud region ids such as ``us-central1``), mapped onto the workbench's residency vocabulary
(:data:`workbench.domain.models.REGIONS`). Every provider in LiteLLM's file sells a managed API.

Sources: LiteLLM ``model_prices_and_context_window.json``; AWS Bedrock "cross-Region inference"
(inference profile prefixes); Google Cloud and AWS region naming.
"""

from __future__ import annotations

import re

#: litellm_provider -> readable provider. Unlisted providers are title-cased from their id.
PROVIDER_LABELS: dict[str, str] = {
    "openai": "OpenAI", "text-completion-openai": "OpenAI", "chatgpt": "ChatGPT", "azure": "Azure OpenAI",
    "azure_ai": "Azure AI Foundry", "anthropic": "Anthropic", "bedrock": "AWS Bedrock",
    "bedrock_converse": "AWS Bedrock", "bedrock_mantle": "AWS Bedrock", "sagemaker": "AWS SageMaker",
    "gemini": "Google AI Studio", "vertex_ai": "Google Vertex AI", "mistral": "Mistral AI",
    "codestral": "Mistral AI", "deepseek": "DeepSeek", "xai": "xAI", "groq": "Groq", "cerebras": "Cerebras",
    "together_ai": "Together AI", "fireworks_ai": "Fireworks AI", "deepinfra": "DeepInfra",
    "perplexity": "Perplexity", "cohere": "Cohere", "cohere_chat": "Cohere", "openrouter": "OpenRouter",
    "vercel_ai_gateway": "Vercel AI Gateway", "databricks": "Databricks", "snowflake": "Snowflake",
    "watsonx": "IBM watsonx", "oci": "Oracle OCI", "dashscope": "Alibaba DashScope", "moonshot": "Moonshot AI",
    "zai": "Z.ai", "minimax": "MiniMax", "nebius": "Nebius", "novita": "Novita AI", "sambanova": "SambaNova",
    "ai21": "AI21", "replicate": "Replicate", "cloudflare": "Cloudflare Workers AI", "ollama": "Ollama",
    "github_copilot": "GitHub Copilot", "hyperbolic": "Hyperbolic", "lambda_ai": "Lambda", "baseten": "Baseten",
    "volcengine": "Volcengine", "tencent": "Tencent", "meta": "Meta", "nscale": "Nscale", "ovhcloud": "OVHcloud",
    "scaleway": "Scaleway", "wandb": "Weights & Biases", "anyscale": "Anyscale",
}

#: Cross-region prefixes of a key -> residency region.
KEY_PREFIX_REGIONS: dict[str, str] = {"us": "us", "eu": "eu", "apac": "apac", "global": "global",
                                      "jp": "apac", "au": "apac"}
_PREFIX = re.compile(r"^(?P<p>us|eu|apac|global|jp|au)\.(?=[a-z])")
_CLOUD_REGION = re.compile(r"^(?P<area>[a-z]+)[-_]")


def provider_label(litellm_provider: str | None) -> str:
    if not litellm_provider:
        return ""
    if litellm_provider in PROVIDER_LABELS:
        return PROVIDER_LABELS[litellm_provider]
    if litellm_provider.startswith("vertex_ai"):
        return "Google Vertex AI"
    return litellm_provider.replace("_", " ").replace("-", " ").title()


def region_of_cloud_id(region: str) -> str | None:
    """``us-central1`` -> us, ``europe-west4``/``eu-west-1`` -> eu, ``europe-west2``/``eu-west-2`` -> uk,
    ``asia-*``/``ap-*`` -> apac, ``global`` -> global; None for an id it cannot place."""
    low = region.strip().lower()
    if low in ("global", "us", "eu", "uk", "apac"):
        return low
    if low in ("europe-west2", "eu-west-2", "uksouth", "ukwest"):
        return "uk"
    match = _CLOUD_REGION.match(low)
    area = match["area"] if match else low
    return {"us": "us", "northamerica": "us", "europe": "eu", "eu": "eu", "asia": "apac", "ap": "apac",
            "australia": "apac"}.get(area)


def split_key(key: str, litellm_provider: str | None) -> tuple[str, str | None]:
    """(model part of the key, cross-region prefix or None): provider path and region prefix removed."""
    model = key
    if litellm_provider and model.startswith(litellm_provider + "/"):
        model = model[len(litellm_provider) + 1:]
    elif "/" in model and model.split("/", 1)[0] in PROVIDER_LABELS:
        model = model.split("/", 1)[1]
    prefix = None
    match = _PREFIX.match(model)
    if match:
        prefix = match["p"]
        model = model[match.end():]
    return model, prefix


def regions_of(key: str, litellm_provider: str | None, supported: object) -> list[str]:
    """Residency regions an entry offers: its key prefix plus its ``supported_regions``."""
    found: list[str] = []
    prefix = split_key(key, litellm_provider)[1]
    if prefix:
        found.append(KEY_PREFIX_REGIONS[prefix])
    if isinstance(supported, list):
        for region in supported:
            placed = region_of_cloud_id(region) if isinstance(region, str) else None
            if placed and placed not in found:
                found.append(placed)
    return found


def readable_name(key: str, litellm_provider: str | None) -> str:
    """``eu.amazon.nova-2-lite-v1:0`` + bedrock_converse -> ``amazon.nova-2-lite-v1:0 — AWS Bedrock (EU)``."""
    model, prefix = split_key(key, litellm_provider)
    provider = provider_label(litellm_provider)
    where = f" ({prefix.upper() if prefix != 'global' else 'global'})" if prefix else ""
    return f"{model} — {provider}{where}" if provider else model + where
