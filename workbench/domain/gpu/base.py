"""Units, limits and the error type shared by the GPU-fit modules."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

GIB = 2**30
MIB = 2**20
BLOCK = 16  #: vLLM CacheConfig.DEFAULT_BLOCK_SIZE (tokens)
MAX_CONTEXT = 10_000_000  #: largest context accepted (Llama 4 Scout advertises 10M)
MAX_CONCURRENCY = 100_000
MAX_GPUS = 1024
VOCAB_PADDING = 64  #: vLLM VocabParallelEmbedding pads the vocabulary to a multiple of 64 before splitting it over TP
#: TP sizes tried when searching the minimum number of GPUs (must also divide the attention heads).
TP_CANDIDATES: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)

FArr = NDArray[np.float64]
IArr = NDArray[np.int64]


class FitInputError(ValueError):
    """An input to the fit is outside its valid range or inconsistent with the model; names the field."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

