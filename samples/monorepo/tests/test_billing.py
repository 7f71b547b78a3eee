from decimal import Decimal
from unittest import mock

from accounts.models import Account, User
from billing.currency import convert, default_currency, get_exchange_rate
from billing.engines import get_engine
from billing.invoicing.invoice import Invoice
from billing.invoicing.invoice_service import InvoiceService
from billing.invoicing.ledger import Ledger
from billing.invoicing.pdf import render, render_with_engine
from billing.payments.gateways import InvoiceGateway, PaymentGateway, SandboxGateway, gateway_named
from billing.payments.processor import PaymentError, PaymentProcessor
from billing.subscriptions import Subscription, metered_engine, plan_engine
from billing.tasks import engine_class_name, nightly_usage, warm_engine
from tests.support import raises

PRICES = {"api-calls": Decimal("0.02"), "seats": Decimal("10")}


def _account() -> Account:
    return Account("acct-1", "Acme", owner_id="u-1", plan="team")


def test_issue_invoice_runs_on_the_owner_engine():
    service, engine = InvoiceService(), get_engine("u-1")
    invoice = service.issue(_account(), {"api-calls": 150, "seats": 3}, PRICES, engine=engine)
    assert invoice.issued and invoice.total == Decimal("33.00")
    assert service.ledger.balance("acct-1") == {"USD": Decimal("33.00")}
    assert engine.history == ["draft-invoice"]


def test_invoice_in_euros():
    invoice = InvoiceService(currency="EUR").issue(_account(), {"seats": 1}, PRICES)
    assert invoice.issued and invoice.currency == "EUR" and invoice.total == Decimal("9.26")


def test_engine_for_account_carries_the_plan():
    engine = InvoiceService().engine_for(_account())
    assert engine.context == {"account_id": "acct-1", "plan": "team"}


def test_get_engine_by_keyword():
    engine = get_engine(account_id="acct-5", reuse=False)
    assert engine.user_id == "acct-5"


def test_currency():
    assert get_exchange_rate("gbp") == Decimal("1.27")
    assert convert(Decimal("10"), "EUR", "USD") == Decimal("10.80")
    assert default_currency() == "USD"
    with raises(ValueError, "unsupported currency"):
        get_exchange_rate("XYZ")


def test_render_plain_text_and_on_engine():
    invoice = Invoice("ab12", "acct-1")
    invoice.add_line("seats", 2, Decimal("10"))
    text = render(invoice)
    assert text.splitlines()[0] == "Facture n° INV-AB12"
    assert "Montant dû: 20 USD" in text
    from core.legacy import UserEngine

    engine = UserEngine("u-1").start()
    assert render_with_engine(invoice, engine) == text
    assert engine.history == ["render-invoice"]


def test_reconcile_uses_the_legacy_engine_name():
    with mock.patch("core.legacy.engine_shim.Engine") as fake:
        engine = Ledger().reconcile("acct-1", "u-1")
    fake.assert_called_once_with("u-1")
    assert engine is fake.return_value.start.return_value


def test_payment_needs_permission_and_issued_invoice():
    gateway = SandboxGateway()
    processor = PaymentProcessor(gateway)
    payer = User("u-1", "ada@example.com", "acct-1", roles=("billing",))
    engine = get_engine("u-1").start()
    invoice = Invoice("cd34", "acct-1")
    invoice.add_line("seats", 1, Decimal("10"))
    with raises(PaymentError, "not issued"):
        processor.charge(payer, invoice, engine)
    invoice.issued = True
    receipt = processor.charge(payer, invoice, engine)
    assert receipt["amount"] == Decimal("10") and gateway.charges == [receipt]
    with raises(PaymentError, "may not pay"):
        processor.charge(User("u-2", "x@example.com", "acct-1", roles=("viewer",)), invoice, engine)


def test_gateways_register_themselves():
    assert {SandboxGateway, InvoiceGateway} <= set(PaymentGateway.registry)
    assert gateway_named("invoice") is InvoiceGateway
    assert PaymentProcessor().gateway is PaymentProcessor().gateway


def test_metered_and_plan_engines():
    subscription = Subscription("acct-1", "team")
    engine = metered_engine(subscription)
    engine.run("export", lambda: None)
    engine.run("export", lambda: None)
    assert engine.amount_due() == Decimal("0.04")
    assert plan_engine(subscription).context == {"plan": "team"}
    with raises(ValueError, "unknown plan"):
        Subscription("acct-1", "platinum")


def test_tasks():
    assert get_engine("acct-1").start().run("sync", lambda: "synced") == "synced"
    assert nightly_usage(["acct-2"]) == {"acct-2": 0}
    assert engine_class_name() == "core.engine.user_engine.UserEngine"
    with mock.patch("billing.tasks.Engine") as fake:
        warm_engine("u-1")
    fake.assert_called_once_with("u-1")
