"""Account and user records."""

from accounts.models.account import Account
from accounts.models.user import User

__all__ = ["Account", "User"]
