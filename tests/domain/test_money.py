"""One money formatter: the precision rules of workbench.domain.money."""

from __future__ import annotations

import math

import pytest

from workbench.domain.money import (
    MoneyUnit,
    format_usd,
    usd,
    usd_per_month,
    usd_per_mtok,
    usd_per_request,
    usd_per_success,
)


def test_fixed_decimals_primitive() -> None:
    assert format_usd(2, 2) == "$2.00"
    assert format_usd(-0.0128, 4) == "-$0.0128"
    assert format_usd(1234.5, 2) == "$1,234.50"
    assert format_usd(-0.0001, 2) == "$0.00"  # rounds to zero: no sign
    with pytest.raises(ValueError, match="digits"):
        format_usd(1.0, -1)


@pytest.mark.parametrize(("x", "text"), [
    (0.00539, "$0.00539"), (0.0036, "$0.0036"), (0.00361234, "$0.00361"), (0.5, "$0.50"),
    (0.123456, "$0.123"), (1.2, "$1.20"), (1234.5, "$1,234.50"), (0.0, "$0.00"),
    (2.3e-7, "$0.00000023"), (-0.0128, "-$0.0128"), (0.999, "$0.999"),
])
def test_per_request_and_per_success(x: float, text: str) -> None:
    assert usd_per_request(x) == text
    assert usd_per_success(x) == text


@pytest.mark.parametrize(("x", "text"), [
    (0.15, "$0.15"), (24.7, "$24.70"), (1.25, "$1.25"), (0.005, "$0.005"), (0.075, "$0.075"),
    (0.0375, "$0.0375"),
    (180.0, "$180.00"), (0.0, "$0.00"),
])
def test_per_mtok(x: float, text: str) -> None:
    assert usd_per_mtok(x) == text


@pytest.mark.parametrize(("x", "text"), [
    (12345.6, "$12,346"), (412.345, "$412.35"), (1000.0, "$1,000"), (0.0421, "$0.0421"), (0.0, "$0.00"),
])
def test_per_month(x: float, text: str) -> None:
    assert usd_per_month(x) == text


@pytest.mark.parametrize("fn", [usd_per_request, usd_per_mtok, usd_per_month])
def test_unknown_and_unbounded(fn) -> None:  # type: ignore[no-untyped-def]
    assert fn(None) == "unknown" and fn(math.nan) == "unknown"
    assert fn(math.inf) == "unbounded" and fn(-math.inf) == "-unbounded"


def test_unit_dispatch_and_suffix() -> None:
    assert usd(0.00539, MoneyUnit.SUCCESS, suffix=True) == "$0.00539 per success"
    assert usd(24.7, MoneyUnit.MTOK, suffix=True) == "$24.70 per 1M tokens"
    assert usd(12345.6, MoneyUnit.MONTH) == "$12,346"
    assert usd(None, MoneyUnit.REQUEST, suffix=True) == "unknown"
