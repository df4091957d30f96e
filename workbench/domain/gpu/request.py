"""Inputs and outputs of one fit (validated ranges; the stable JSON of ``workbench gpu-fit --json``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from workbench.domain.gpu.base import MAX_CONCURRENCY, MAX_CONTEXT, MAX_GPUS, _Frozen

# ============================================================================ request / result


class FitRequest(_Frozen):
    """Inputs of one fit; ranges are validated here so every entry point refuses absurd values the same way."""

    weights: str = Field(default="checkpoint", description="weight format name, or 'checkpoint'")
    kv_dtype: str = "auto"
    context: int = Field(default=8192, description=f"tokens per sequence, 1..{MAX_CONTEXT:,}")
    concurrency: int = Field(default=1, description=f"concurrent sequences, 1..{MAX_CONCURRENCY:,}")
    gpu: str = "H100 80GB SXM"
    gpus: int | None = None
    tp: int | None = None
    gpu_memory_utilization: float = 0.90
    overhead: str = "vllm"
    kv_rule: Literal["simple", "vllm"] = "vllm"
    max_num_batched_tokens: int | None = None
    checkpoint_bytes: int | None = Field(
        default=None, gt=0, le=100 * 2**40,
        description="exact weight bytes of the checkpoint (model.safetensors.index.json metadata.total_size); used "
        "when weights is the checkpoint's own format",
    )
    output_tokens: int | None = Field(
        default=None, description="output tokens per request for throughput and cost (default min(512, context/2))"
    )

    @field_validator("context")
    @classmethod
    def _context(cls, v: int) -> int:
        if not 1 <= v <= MAX_CONTEXT:
            raise ValueError(f"context must be within 1..{MAX_CONTEXT:,} tokens, got {v:,}")
        return v

    @field_validator("concurrency")
    @classmethod
    def _concurrency(cls, v: int) -> int:
        if not 1 <= v <= MAX_CONCURRENCY:
            raise ValueError(f"concurrency must be within 1..{MAX_CONCURRENCY:,} sequences, got {v:,}")
        return v

    @field_validator("gpus", "tp")
    @classmethod
    def _count(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= MAX_GPUS:
            raise ValueError(f"GPU count / tensor-parallel size must be within 1..{MAX_GPUS}, got {v}")
        return v

    @field_validator("gpu_memory_utilization")
    @classmethod
    def _util(cls, v: float) -> float:
        if not 0.05 <= v <= 1.0:
            raise ValueError(f"gpu_memory_utilization must be within 0.05..1.0, got {v}")
        return v

    @field_validator("output_tokens")
    @classmethod
    def _output(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= MAX_CONTEXT:
            raise ValueError(f"output_tokens must be within 1..{MAX_CONTEXT:,}, got {v:,}")
        return v

    @field_validator("max_num_batched_tokens")
    @classmethod
    def _mnbt(cls, v: int | None) -> int | None:
        if v is not None and not 16 <= v <= 1_000_000:
            raise ValueError(f"max_num_batched_tokens must be within 16..1,000,000, got {v}")
        return v


class FitResult(_Frozen):
    """Every number of one fit (bytes unless named otherwise). Stable JSON for ``workbench gpu-fit --json``."""

    model_type: str
    gpu: str
    gpus: int
    tp: int
    replicas: int
    weights_format: str
    kv_dtype: str
    context: int
    concurrency: int
    sequences_per_replica: int
    gpu_memory_utilization: float
    overhead_model: str
    kv_rule: str
    params_total: int
    params_active: int
    params_active_excl_embedding: int
    weights_bytes: int
    weights_bytes_per_gpu: int
    kv_bytes_per_token: int
    kv_bytes_per_token_per_gpu: int
    kv_bytes_per_token_by_layer_type: dict[str, int]
    kv_state_bytes_per_request: int
    kv_bytes_per_request_per_gpu: int
    kv_bytes: int
    kv_bytes_per_gpu: int
    overhead_bytes: int
    total_bytes_per_gpu: int
    capacity_bytes_per_gpu: int
    usable_bytes_per_gpu: int
    fits: bool
    headroom_bytes: int
    headroom_fraction: float
    max_concurrency: int
    max_context: int
    max_context_limited_by: Literal["memory", "model", "none"]
    min_gpus: dict[str, int | None]
    vllm_args: list[str]
    rule_of_thumb_bytes: int
    rule_of_thumb_kv_bytes: int
    detailed_total_bytes: int
    rule_of_thumb_difference_bytes: int
    params_vision: int = 0
    verified: bool = True
    kv_pool_bytes_per_gpu: int = 0
    kv_pool_tokens: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    decode_tokens_per_s: float | None = None
    decode_bound_tokens_per_s: float | None = None
    prefill_tokens_per_s: float | None = None
    usd_per_hour: float | None = None
    usd_per_mtok_input_self_hosted: float | None = None
    usd_per_mtok_output_self_hosted: float | None = None
    self_hosted_basis: str = ""
    notes: list[str]

