# -*- coding: latin-1 -*-
"""Plain-text invoice rendering; the PDF service typesets this text."""

from __future__ import annotations

from billing.invoicing.invoice import Invoice
from core.engine import UserEngine as UserEng

TITLE = "Facture n° {number}"
TOTAL_LABEL = "Montant dû"


def render(invoice: Invoice) -> str:
    lines = [TITLE.format(number=invoice.number), ""]
    for line in invoice.lines:
        lines.append(f"{line.description:<30} {line.quantity:>5} x {line.unit_price:>8} {line.total:>10}")
    lines.append("")
    lines.append(f"{TOTAL_LABEL}: {invoice.total} {invoice.currency}")
    return "\n".join(lines)


def render_with_engine(invoice: Invoice, engine: UserEng) -> str:
    """Render as a task on ``engine``, so that rendering counts against the quota."""
    if not isinstance(engine, UserEng):
        raise TypeError("render_with_engine needs an engine")
    return engine.run("render-invoice", render, invoice)
