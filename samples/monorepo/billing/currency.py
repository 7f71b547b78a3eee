"""Currencies and conversion at fixed daily rates."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from core.config import Settings

SUPPORTED_CURRENCIES = frozenset({"USD", "EUR", "GBP"})

_RATES_TO_USD = {
    "USD": Decimal("1"),
    "EUR": Decimal("1.08"),
    "GBP": Decimal("1.27"),
}

CENT = Decimal("0.01")


@lru_cache(maxsize=64)
def get_exchange_rate(currency: str) -> Decimal:
    """USD value of one unit of ``currency``."""
    try:
        return _RATES_TO_USD[currency.upper()]
    except KeyError:
        raise ValueError(f"unsupported currency: {currency!r}") from None


def convert(amount: Decimal, from_currency: str, to_currency: str) -> Decimal:
    """Convert and round to cents (half up, as the invoices show it)."""
    if from_currency == to_currency:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    usd = amount * get_exchange_rate(from_currency)
    return (usd / get_exchange_rate(to_currency)).quantize(CENT, rounding=ROUND_HALF_UP)


def default_currency(settings: Settings | None = None) -> str:
    currency = (settings if settings is not None else Settings()).default_currency
    if currency not in SUPPORTED_CURRENCIES:
        raise ValueError(f"unsupported default currency: {currency!r}")
    return currency
