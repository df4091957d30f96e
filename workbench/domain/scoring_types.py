"""Array aliases and the kernel error shared by :mod:`scoring`, :mod:`checks` and :mod:`unknowns`."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]


class ScoringError(ValueError):
    """Bad input to a ranking kernel (shape, NaN weights, all-zero weights, ...)."""
