"""Deployable output of a portfolio: a LiteLLM Router configuration and a plain routing-policy document.

LiteLLM Router (https://docs.litellm.ai/docs/routing): ``model_list`` entries ``{model_name, litellm_params:
{model, api_base?}}`` where ``model_name`` is the routing group callers use; ``router_settings.fallbacks`` is a
list of ``{group: [fallback groups]}``. Here each step is a group named ``<step>``; a cascade or router adds
``<step>:economy`` (the cheap model) and ``<step>:premium``; a fail-closed step falls back to
``<step>:stronger`` (the stronger-model retry of its recovery policy). A model without a LiteLLM key is served
self-hosted: ``hosted_vllm/<hf repo>`` with its ``api_base`` read from an environment variable, never a made-up
URL.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

POLICY_VERSION = 1


def _env_name(step: str) -> str:
    return "WORKBENCH_" + re.sub(r"[^A-Z0-9]+", "_", step.upper()).strip("_") + "_API_BASE"


def deployment(step: str, model: str, litellm_key: str | None, hf_repo: str | None) -> dict[str, Any]:
    """``litellm_params`` for one model: its LiteLLM key, or a self-hosted vLLM endpoint."""
    if litellm_key:
        return {"model": litellm_key}
    target = hf_repo or model
    return {"model": f"hosted_vllm/{target}", "api_base": f"os.environ/{_env_name(step)}"}


def litellm_router_config(portfolio: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    """``steps``: one dict per step — ``key``, ``route`` (direct|cascade|router), ``models`` (cheap first),
    ``stronger`` (model or None), ``deployments`` (model -> litellm_params)."""
    model_list: list[dict[str, Any]] = []
    fallbacks: list[dict[str, list[str]]] = []

    def group(name: str, model: str, deployments: dict[str, dict[str, Any]]) -> None:
        model_list.append({"model_name": name, "litellm_params": dict(deployments[model]),
                           "model_info": {"workbench_model": model, "portfolio": portfolio}})

    for step in steps:
        key, models, deployments = step["key"], step["models"], step["deployments"]
        if not models:
            continue
        premium = models[-1]
        group(key, premium, deployments)
        if step["route"] in ("cascade", "router") and len(models) == 2:
            group(f"{key}:economy", models[0], deployments)
            group(f"{key}:premium", premium, deployments)
        if step.get("stronger"):
            group(f"{key}:stronger", step["stronger"], deployments)
            fallbacks.append({key: [f"{key}:stronger"]})
    return {"model_list": model_list, "router_settings": {"fallbacks": fallbacks, "num_retries": 1}}


def routing_policy(portfolio: str, steps: list[dict[str, Any]], end_to_end: dict[str, Any],
                   monolith: dict[str, Any]) -> dict[str, Any]:
    """The plain policy an MDR references: per step the route, thresholds, fallbacks and recovery."""
    return {"policy_version": POLICY_VERSION, "portfolio": portfolio,
            "steps": [{k: step[k] for k in ("key", "profile", "route", "models", "escalation_rate", "recovery",
                                            "stronger", "basis") if k in step} for step in steps],
            "end_to_end": end_to_end, "monolith": monolith}


def to_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)
