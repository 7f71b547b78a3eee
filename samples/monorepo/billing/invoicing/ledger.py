"""The ledger: issued invoices, per account and currency."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import core.legacy.engine_shim as shim
from billing.invoicing.invoice import Invoice


@dataclass(frozen=True)
class LedgerEntry:
    account_id: str
    invoice_number: str
    amount: Decimal
    currency: str


class Ledger:
    """Append-only list of posted invoices."""

    def __init__(self) -> None:
        self._entries: list[LedgerEntry] = []

    def post(self, invoice: Invoice) -> LedgerEntry:
        if not invoice.issued:
            raise ValueError(f"invoice {invoice.number} must be issued before posting")
        entry = LedgerEntry(invoice.account_id, invoice.number, invoice.total, invoice.currency)
        self._entries.append(entry)
        return entry

    def entries_for(self, account_id: str) -> list[LedgerEntry]:
        return [e for e in self._entries if e.account_id == account_id]

    def balance(self, account_id: str) -> dict[str, Decimal]:
        totals: defaultdict[str, Decimal] = defaultdict(Decimal)
        for entry in self.entries_for(account_id):
            totals[entry.currency] += entry.amount
        return dict(totals)

    def reconcile(self, account_id: str, owner_id: str) -> shim.Engine:
        """Recompute the balance as a task on the owner's engine (audited via its history)."""
        # Built directly on purpose: the audit trail patches the engine class where it is looked up.
        engine = shim.Engine(owner_id).start()  # migrator: keep
        engine.run("reconcile", self.balance, account_id)
        return engine
