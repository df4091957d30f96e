"""Shared types, constants and input validation of the economics formulas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ArrayLike = float | int | Sequence[float] | Sequence[int] | npt.NDArray[Any]

#: One million: prices are per 1M tokens.
MTOK = 1_000_000.0
#: Reference tokenizer compression (characters per token) that workload token counts are
#: stated in: OpenAI's rule of thumb "one token is about 4 characters of English text".
DEFAULT_REFERENCE_CHARS_PER_TOKEN = 4.0
#: Hours in an average month (365 * 24 / 12).
HOURS_PER_MONTH = 730.0
#: Seed 002, "The Speculative Concurrency Trap": batch size above 16 without verifying that
#: the GPU is still memory-bound.
CONCURRENCY_TRAP_BATCH = 16
#: Seed 002, "Unintentional Tokenizer Drift": +10 % to +35 % tokens for the same text.
TOKENIZER_DRIFT_SEED_RANGE: tuple[float, float] = (1.10, 1.35)


class EconomicsInputError(ValueError):
    """Bad input to an economics formula; the message names the input."""


# =========================================================================== validation


def _array(name: str, value: ArrayLike | None, *, allow_nan: bool = False) -> FloatArray:
    if value is None:
        raise EconomicsInputError(f"{name} is missing")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise EconomicsInputError(f"{name} must be numeric, got {value!r}") from exc
    if np.isinf(arr).any():
        raise EconomicsInputError(f"{name} must be finite, got {value!r}")
    if not allow_nan and np.isnan(arr).any():
        raise EconomicsInputError(f"{name} is missing (NaN)")
    return arr


def _nonneg(name: str, value: ArrayLike | None, *, allow_nan: bool = False) -> FloatArray:
    arr = _array(name, value, allow_nan=allow_nan)
    bad = arr < 0  # NaN compares False
    if bad.any():
        raise EconomicsInputError(f"{name} must be >= 0, got {float(arr[bad].flat[0])}")
    return arr


def _positive(name: str, value: ArrayLike | None) -> FloatArray:
    arr = _array(name, value)
    if (arr <= 0).any():
        raise EconomicsInputError(f"{name} must be > 0, got {float(arr[arr <= 0].flat[0])}")
    return arr


def _probability(name: str, value: ArrayLike | None, *, allow_nan: bool = False) -> FloatArray:
    arr = _array(name, value, allow_nan=allow_nan)
    bad = (arr < 0) | (arr > 1)
    if bad.any():
        raise EconomicsInputError(f"{name} must be a probability within [0, 1], got {float(arr[bad].flat[0])}")
    return arr


def _success_rate(name: str, value: ArrayLike | None, *, allow_nan: bool = False) -> FloatArray:
    arr = _probability(name, value, allow_nan=allow_nan)
    if (arr == 0).any():
        raise EconomicsInputError(
            f"{name} must be > 0: with no successful outcomes the cost per success is unbounded"
        )
    return arr


def _optional_price(name: str, value: ArrayLike | None, fallback: FloatArray) -> FloatArray:
    """A missing optional price (None or NaN) falls back (reference: 'a missing cache-read price
    means no discount')."""
    if value is None:
        return fallback
    arr = _nonneg(name, value, allow_nan=True)
    return np.where(np.isnan(arr), fallback, arr)


