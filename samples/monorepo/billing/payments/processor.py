"""Charging issued invoices."""

from __future__ import annotations

from typing import Any

from accounts.permissions import has_permission
from billing.invoicing.invoice import Invoice
from billing.payments.gateways import PaymentGateway, default_gateway
from core.engine.user_engine import UserEngine as UE


class PaymentError(RuntimeError):
    """The payment could not be made."""


class PaymentProcessor:
    def __init__(self, gateway: PaymentGateway | None = None) -> None:
        self.gateway = gateway if gateway is not None else default_gateway()

    def charge(self, payer: Any, invoice: Invoice, engine: UE) -> dict[str, Any]:
        """Charge ``invoice`` on behalf of ``payer`` (a user with the ``pay`` permission)."""
        if not has_permission(payer, "pay"):
            raise PaymentError(f"{payer.user_id} may not pay invoices")
        if not invoice.issued:
            raise PaymentError(f"invoice {invoice.number} is not issued")
        return engine.run("charge", self.gateway.charge, invoice.number, invoice.total, invoice.currency)
