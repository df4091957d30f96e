"""Money formatting: the one place that turns a USD amount into text.

Precision rules (``docs/economics.md``, "Money"):

* **per request / per call / per query / per success** (:func:`usd_per_request`,
  :func:`usd_per_success`): from $1 up two decimals with thousands separators (``$1,234.50``);
  below $1 three significant digits, at least two decimals, trailing zeros dropped
  (``$0.00539``, ``$0.0036``, ``$0.50``). Per-request amounts are often fractions of a cent, so a
  fixed number of decimals either hides them (``$0.00``) or pads them (``$0.005390``).
* **per 1M tokens** (:func:`usd_per_mtok`): prices as vendors publish them, by the same rule
  (``$24.70``, ``$0.15``, ``$0.075``; two fixed decimals would print $0.075 as ``$0.07``).
* **per month** and other totals (:func:`usd_per_month`): whole dollars from $1,000 up
  (``$12,346``); two decimals from $1 to $1,000 (``$412.35``); below $1 the per-request rule.

Everywhere: ``None``/NaN is ``"unknown"`` (never $0), +/-infinity is ``"unbounded"`` /
``"-unbounded"``, a negative amount gets a leading minus (``-$0.0128``), and a value that rounds to
zero is printed without a sign. :func:`format_usd` is the fixed-decimal primitive the rules are
built on (for tables whose columns must align).
"""

from __future__ import annotations

import math
from enum import StrEnum


class MoneyError(ValueError):
    """A formatting request that cannot be honoured (e.g. negative digits)."""


class MoneyUnit(StrEnum):
    """What an amount is per; decides its precision and its suffix."""

    REQUEST = "per request"
    SUCCESS = "per success"
    MTOK = "per 1M tokens"
    MONTH = "per month"


#: Significant digits below $1.
SIGNIFICANT_DIGITS = 3


def _special(x: float | None) -> str | None:
    if x is None:
        return "unknown"
    value = float(x)
    if math.isnan(value):
        return "unknown"
    if math.isinf(value):
        return "unbounded" if value > 0 else "-unbounded"
    return None


def format_usd(x: float | None, digits: int) -> str:
    """Format an amount in USD with exactly ``digits`` decimals and thousands separators.

    ``format_usd(2, 2) == "$2.00"``, ``format_usd(-0.0128, 4) == "-$0.0128"``,
    ``format_usd(1234.5, 2) == "$1,234.50"``; None/NaN give ``"unknown"``, infinity ``"unbounded"``.
    """
    if not isinstance(digits, int) or isinstance(digits, bool) or digits < 0:
        raise MoneyError(f"digits must be a non-negative integer, got {digits!r}")
    special = _special(x)
    if special is not None:
        return special
    value = float(x)  # type: ignore[arg-type]
    text = f"{abs(value):,.{digits}f}"
    negative = value < 0 and float(text.replace(",", "")) != 0.0
    return f"{'-' if negative else ''}${text}"


def _significant(value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
    """``|value| < 1``: ``digits`` significant digits, at least two decimals, trailing zeros dropped."""
    if value == 0:
        return "$0.00"
    decimals = max(2, -math.floor(math.log10(abs(value))) + digits - 1)
    text = f"{abs(value):.{decimals}f}".rstrip("0")
    whole, _, frac = text.partition(".")
    frac = frac.ljust(2, "0")
    if float(f"{whole}.{frac}") == 0.0:
        return "$0.00"
    return f"{'-' if value < 0 else ''}${whole}.{frac}"


def usd_per_request(x: float | None) -> str:
    """USD per request, call or query: ``$1.20``, ``$0.00539`` (rules in the module docstring)."""
    special = _special(x)
    if special is not None:
        return special
    value = float(x)  # type: ignore[arg-type]
    if abs(value) >= 1:
        return format_usd(value, 2)
    return _significant(value)


def usd_per_success(x: float | None) -> str:
    """USD per successful outcome: the per-request rule."""
    return usd_per_request(x)


def usd_per_mtok(x: float | None) -> str:
    """USD per 1M tokens, as vendors publish prices: ``$24.70``, ``$0.15``, ``$0.075`` (the
    per-request rule: two decimals from $1, three significant digits below)."""
    return usd_per_request(x)


def usd_per_month(x: float | None) -> str:
    """USD per month (or any total): ``$12,346``, ``$412.35``, ``$0.0421``."""
    special = _special(x)
    if special is not None:
        return special
    value = float(x)  # type: ignore[arg-type]
    if abs(value) >= 1000:
        return format_usd(value, 0)
    if abs(value) >= 1:
        return format_usd(value, 2)
    return _significant(value)


_RULES = {
    MoneyUnit.REQUEST: usd_per_request,
    MoneyUnit.SUCCESS: usd_per_success,
    MoneyUnit.MTOK: usd_per_mtok,
    MoneyUnit.MONTH: usd_per_month,
}


def usd(x: float | None, unit: MoneyUnit, *, suffix: bool = False) -> str:
    """The amount formatted by its unit's rule; ``suffix=True`` appends the unit
    (``usd(0.00539, MoneyUnit.SUCCESS, suffix=True) == "$0.00539 per success"``). An unknown or
    unbounded amount gets no suffix."""
    text = _RULES[MoneyUnit(unit)](x)
    if suffix and text.startswith(("$", "-$")):
        return f"{text} {MoneyUnit(unit).value}"
    return text
