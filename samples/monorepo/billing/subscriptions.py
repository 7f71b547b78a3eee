"""Subscription plans and the metered engine that charges per task."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from billing.engines import EngineFactory
from core.engine.user_engine import UserEngine as BaseEngine

PLANS = {
    "free": {"monthly": Decimal("0"), "unit_price": Decimal("0")},
    "team": {"monthly": Decimal("49"), "unit_price": Decimal("0.02")},
    "business": {"monthly": Decimal("199"), "unit_price": Decimal("0.01")},
}


class MeteredEngine(BaseEngine):
    """An engine that counts billable units: one per task run."""

    def __init__(self, *args: Any, unit_price: Decimal = Decimal("0.01"), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit_price = unit_price
        self.units = 0

    def run(self, task_name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().run(task_name, func, *args, **kwargs)
        self.units += 1
        return result

    def amount_due(self) -> Decimal:
        return self.unit_price * self.units


@dataclass
class Subscription:
    account_id: str
    plan: str = "free"

    def __post_init__(self) -> None:
        if self.plan not in PLANS:
            raise ValueError(f"unknown plan: {self.plan!r}")

    @property
    def monthly_price(self) -> Decimal:
        return PLANS[self.plan]["monthly"]


def metered_engine(subscription: Subscription) -> MeteredEngine:
    return MeteredEngine(subscription.account_id, unit_price=PLANS[subscription.plan]["unit_price"]).start()


def plan_engine(subscription: Subscription) -> BaseEngine:
    """An engine whose context carries the subscription's plan."""
    return EngineFactory.create(subscription.account_id, context={"plan": subscription.plan})
