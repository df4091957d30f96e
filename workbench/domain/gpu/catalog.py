"""GPU types: runtime-reported memory, bandwidth, price (the catalog file is read by ``workbench.io.gpus``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from workbench.domain.gpu.base import GIB, FitInputError, _Frozen

# ============================================================================ GPU catalog


class GpuSpec(_Frozen):
    """One GPU type. ``usable_gib`` is what the runtime reports as total memory (not the nameplate)."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    vendor: Literal["NVIDIA", "AMD", "Intel", "Apple", "other"]
    memory_nameplate_gb: float = Field(gt=0, description="marketing capacity, GB (10^9) unless noted")
    usable_gib: float = Field(gt=0, description="runtime-reported total, GiB (2^30)")
    usable_basis: Literal["torch_total_capacity", "vllm_log", "nvidia_smi", "vendor_tool", "estimate"]
    usable_source: str = Field(min_length=1)
    bandwidth_gb_s: float = Field(gt=0, description="memory bandwidth, GB/s (10^9)")
    source_url: str = Field(min_length=1)
    retrieved: str = Field(min_length=1, description="how/when the figures were retrieved")
    note: str = ""
    tflops_bf16_dense: float | None = Field(
        default=None, gt=0, le=100_000, description="dense BF16 tensor throughput, TFLOP/s (no sparsity); None = unknown"
    )
    tflops_fp8_dense: float | None = Field(
        default=None, gt=0, le=200_000,
        description="dense FP8 tensor throughput, TFLOP/s; None = no FP8 tensor cores (A100) or unknown"
    )
    tflops_source: str = ""
    usd_per_hour: float | None = Field(
        default=None, gt=0, le=10_000, description="on-demand rental price of one GPU, USD/hour; None = unknown"
    )
    price_source: str = ""
    price_date: str = Field(default="", description="when the price was published or retrieved (ISO date)")

    @model_validator(mode="after")
    def _sourced(self) -> GpuSpec:
        if self.usd_per_hour is not None and not (self.price_source.strip() and self.price_date.strip()):
            raise ValueError(f"{self.name}: usd_per_hour needs price_source and price_date")
        if (self.tflops_bf16_dense is not None or self.tflops_fp8_dense is not None) and not self.tflops_source.strip():
            raise ValueError(f"{self.name}: tflops_bf16_dense / tflops_fp8_dense need tflops_source")
        return self

    @property
    def usable_bytes(self) -> int:
        return int(round(self.usable_gib * GIB))

    @field_validator("usable_gib")
    @classmethod
    def _usable_below_nameplate(cls, value: float) -> float:
        if value > 2048:
            raise ValueError(f"usable_gib {value} is implausible (> 2048 GiB)")
        return value


class GpuCatalog(_Frozen):
    provenance: dict[str, str]
    gpus: list[GpuSpec] = Field(min_length=1)

    @field_validator("gpus")
    @classmethod
    def _unique(cls, value: list[GpuSpec]) -> list[GpuSpec]:
        seen: set[str] = set()
        for gpu in value:
            for key in [gpu.name, *gpu.aliases]:
                if key.lower() in seen:
                    raise ValueError(f"duplicate GPU name or alias {key!r}")
                seen.add(key.lower())
        return value

    def get(self, name: str) -> GpuSpec:
        key = name.strip().lower()
        for gpu in self.gpus:
            if key == gpu.name.lower() or key in (a.lower() for a in gpu.aliases):
                return gpu
        raise FitInputError(f"unknown GPU {name!r}; valid: {', '.join(g.name for g in self.gpus)}")

    @property
    def names(self) -> list[str]:
        return [g.name for g in self.gpus]

