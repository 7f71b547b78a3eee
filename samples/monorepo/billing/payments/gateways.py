"""Payment gateways. Every subclass of :class:`PaymentGateway` registers itself."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any


class PaymentDeclined(RuntimeError):
    """The gateway refused the charge."""


class PaymentGateway:
    name = "base"
    registry = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        PaymentGateway.registry.append(cls)

    def charge(self, reference: str, amount: Decimal, currency: str) -> dict[str, Any]:
        raise NotImplementedError


class SandboxGateway(PaymentGateway):
    """Accepts every charge up to ``limit``; keeps what it charged."""

    name = "sandbox"

    def __init__(self, limit: Decimal = Decimal("10000")) -> None:
        self.limit = limit
        self.charges: list[dict[str, Any]] = []

    def charge(self, reference: str, amount: Decimal, currency: str) -> dict[str, Any]:
        if amount <= 0:
            raise ValueError("amount must be positive")
        if amount > self.limit:
            raise PaymentDeclined(f"{reference}: {amount} {currency} exceeds the sandbox limit")
        receipt = {"id": uuid.uuid4().hex, "reference": reference, "amount": amount, "currency": currency}
        self.charges.append(receipt)
        return receipt


class InvoiceGateway(PaymentGateway):
    """Bank transfer: nothing is charged now, the customer pays against the invoice."""

    name = "invoice"

    def charge(self, reference: str, amount: Decimal, currency: str) -> dict[str, Any]:
        return {"id": f"transfer-{reference}", "reference": reference, "amount": amount,
                "currency": currency, "pending": True}


def gateway_named(name: str) -> type[PaymentGateway]:
    for cls in PaymentGateway.registry:
        if cls.name == name:
            return cls
    raise LookupError(f"no payment gateway named {name!r}")


_default_gateway = None


def default_gateway() -> PaymentGateway:
    """The gateway used when none is configured (created on first use)."""
    global _default_gateway
    if _default_gateway is None:
        _default_gateway = SandboxGateway()
    return _default_gateway
