"""Revenue figures from the billing ledger."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import billing.currency
from billing.invoicing.ledger import Ledger


def account_revenue(ledger: Ledger, account_id: str, currency: str = "USD") -> Decimal:
    """Everything ``account_id`` was invoiced, converted to ``currency``."""
    total = Decimal("0")
    for entry in ledger.entries_for(account_id):
        total += billing.currency.convert(entry.amount, entry.currency, currency)
    return total


def total_revenue(ledger: Ledger, account_ids: Iterable[str], currency: str = "USD") -> Decimal:
    return sum((account_revenue(ledger, a, currency) for a in account_ids), Decimal("0"))


def top_accounts(ledger: Ledger, account_ids: Iterable[str], n: int = 3) -> list[tuple[str, Decimal]]:
    revenue = [(a, account_revenue(ledger, a)) for a in account_ids]
    return sorted(revenue, key=lambda item: (-item[1], item[0]))[:n]
