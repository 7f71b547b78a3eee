"""Invoice records."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class LineItem:
    description: str
    quantity: int
    unit_price: Decimal

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass
class Invoice:
    invoice_id: str
    account_id: str
    currency: str = "USD"
    lines: list[LineItem] = field(default_factory=list)
    issued: bool = False

    @property
    def number(self) -> str:
        return f"INV-{self.invoice_id.upper()}"

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0"))

    def add_line(self, description: str, quantity: int, unit_price: Decimal) -> LineItem:
        if self.issued:
            raise ValueError(f"invoice {self.number} is already issued")
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        line = LineItem(description, quantity, unit_price)
        self.lines.append(line)
        return line
