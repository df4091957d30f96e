"""Tokenizer drift: token-count multipliers between tokenizers (seed 002 "Unintentional Tokenizer
Drift"; reference section 4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.domain.economics._validate import (
    DEFAULT_REFERENCE_CHARS_PER_TOKEN,
    TOKENIZER_DRIFT_SEED_RANGE,
    ArrayLike,
    BoolArray,
    FloatArray,
    _nonneg,
    _positive,
)

# =========================================================================== tokenizer


def tokenizer_multiplier(
    chars_per_token: ArrayLike, reference_chars_per_token: float = DEFAULT_REFERENCE_CHARS_PER_TOKEN
) -> FloatArray:
    """Token-count multiplier of a tokenizer relative to the reference tokenizer.

    ``m = reference_chars_per_token / chars_per_token``: the same text of L characters is
    L / cpt tokens, so a tokenizer that packs fewer characters per token bills more tokens.
    Source: reference section 4 ("characters per token: English 4.33 -> 3.60" gives 1.20x,
    "TypeScript 3.66 -> 2.69" gives 1.36x), seed 002 "Unintentional Tokenizer Drift".
    """
    cpt = _positive("chars_per_token", chars_per_token)
    ref = _positive("reference_chars_per_token", reference_chars_per_token)
    return np.asarray(ref / cpt, dtype=np.float64)


@dataclass(frozen=True)
class TokenizerDrift:
    """Effect of switching tokenizer: ratio of token counts, and of token-priced cost."""

    token_ratio: FloatArray
    token_change: FloatArray  #: ratio - 1 (0.20 = +20 % tokens)
    cost_before_usd: FloatArray | None
    cost_after_usd: FloatArray | None
    cost_change_usd: FloatArray | None
    in_seed_range: BoolArray  #: within seed 002's +10..35 %


def tokenizer_drift(
    from_chars_per_token: ArrayLike, to_chars_per_token: ArrayLike, cost_before_usd: ArrayLike | None = None
) -> TokenizerDrift:
    """Token-count and cost change when the same text moves to another tokenizer.

    ``ratio = cpt_from / cpt_to``; under the same pricing tier every token-priced cost scales by
    the ratio: ``cost_after = cost_before * ratio``. Seed 002 "Unintentional Tokenizer Drift":
    "+10 % to 35 % nominal token costs"; reference section 4: Claude 4.6 -> 4.7 English prose
    4.33 -> 3.60 chars/token = 1.20x, TypeScript 3.66 -> 2.69 = 1.36x.
    """
    before = _positive("from_chars_per_token", from_chars_per_token)
    after = _positive("to_chars_per_token", to_chars_per_token)
    ratio = np.asarray(before / after, dtype=np.float64)
    lo, hi = TOKENIZER_DRIFT_SEED_RANGE
    in_range = np.asarray((ratio >= lo - 1e-12) & (ratio <= hi + 1e-12))
    if cost_before_usd is None:
        return TokenizerDrift(ratio, ratio - 1.0, None, None, None, in_range)
    cost = _nonneg("cost_before_usd", cost_before_usd)
    cost_after = np.asarray(cost * ratio, dtype=np.float64)
    return TokenizerDrift(ratio, ratio - 1.0, cost, cost_after, cost_after - cost, in_range)
