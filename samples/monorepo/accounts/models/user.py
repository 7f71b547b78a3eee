"""Users of the product."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Imports the module that imports us (see accounts.models.account).
import accounts.models.account


@dataclass
class User:
    user_id: str
    email: str
    account_id: str
    roles: tuple[str, ...] = ("member",)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def account(self, accounts_by_id: Mapping[str, accounts.models.account.Account]) -> accounts.models.account.Account:
        """Look up this user's account; ``KeyError`` if it is unknown."""
        return accounts_by_id[self.account_id]

    def with_role(self, role: str) -> User:
        if role in self.roles:
            return self
        return User(self.user_id, self.email, self.account_id, (*self.roles, role))
