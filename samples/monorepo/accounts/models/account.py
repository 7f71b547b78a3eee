"""Accounts: the billing unit that groups users."""

from __future__ import annotations

from dataclasses import dataclass, field

# accounts.models.user imports this module too; plain ``import`` keeps the cycle safe.
import accounts.models.user


@dataclass
class Account:
    account_id: str
    name: str
    owner_id: str
    plan: str = "free"
    member_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.owner_id not in self.member_ids:
            self.member_ids.insert(0, self.owner_id)

    def new_member(self, user_id: str, email: str) -> accounts.models.user.User:
        """Create a user that belongs to this account and add it to the members."""
        if user_id in self.member_ids:
            raise ValueError(f"{user_id} is already a member of {self.account_id}")
        self.member_ids.append(user_id)
        return accounts.models.user.User(user_id, email, self.account_id)

    def is_member(self, user_id: str) -> bool:
        return user_id in self.member_ids
