"""Drafting, issuing and posting invoices."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal

import core.engine.user_engine
from accounts.models.account import Account
from billing.currency import convert
from billing.engines import EngineFactory, get_engine
from billing.invoicing.invoice import Invoice
from billing.invoicing.ledger import Ledger


class InvoiceService:
    """Turns usage into invoices, running the work on the account owner's engine."""

    def __init__(self, ledger: Ledger | None = None, currency: str = "USD") -> None:
        self.ledger = ledger if ledger is not None else Ledger()
        self.currency = currency

    def engine_for(self, account: Account) -> core.engine.user_engine.UserEngine:
        return EngineFactory.create(
            account.owner_id, context={"account_id": account.account_id, "plan": account.plan}
        )

    def draft(self, account: Account, usage: Mapping[str, int], unit_prices: Mapping[str, Decimal]) -> Invoice:
        """An unissued invoice with one line per used item (prices are in USD)."""
        invoice = Invoice(uuid.uuid4().hex[:8], account.account_id, self.currency)
        for item, quantity in sorted(usage.items()):
            if quantity:
                invoice.add_line(item, quantity, convert(unit_prices[item], "USD", self.currency))
        return invoice

    def issue(
        self,
        account: Account,
        usage: Mapping[str, int],
        unit_prices: Mapping[str, Decimal],
        engine: core.engine.user_engine.UserEngine | None = None,
    ) -> Invoice:
        """Draft the invoice as a task on ``engine`` (by default the owner's), issue and post it."""
        if engine is None:
            engine = get_engine(account.owner_id)
        if not isinstance(engine, core.engine.user_engine.UserEngine):
            raise TypeError("billing needs an engine")
        if not engine.running:
            engine.start()
        invoice = engine.run("draft-invoice", self.draft, account, usage, unit_prices)
        invoice.issued = True
        self.ledger.post(invoice)
        return invoice
