"""Role-based permissions with per-user grants and revocations."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models.user import User
    from core.canonical_imports import UserEngine

ROLE_PERMISSIONS = {
    "viewer": frozenset({"read"}),
    "member": frozenset({"read", "write"}),
    "billing": frozenset({"read", "pay"}),
    "admin": frozenset({"read", "write", "pay", "manage"}),
}

_REVOKED = set()


class PermissionRegistry:
    """Extra permissions granted to single users on top of their roles."""

    grants = defaultdict(set)

    @classmethod
    def grant(cls, user_id: str, permission: str) -> None:
        cls.grants[user_id].add(permission)

    @classmethod
    def granted(cls, user_id: str) -> frozenset[str]:
        return frozenset(cls.grants.get(user_id, ()))

    @classmethod
    def reset(cls) -> None:
        cls.grants.clear()


@functools.cache
def default_role() -> str:
    """The role new users get (cached: it is read from settings in the hosted product)."""
    return "member"


def permissions_for_roles(roles: Iterable[str]) -> frozenset[str]:
    result: frozenset[str] = frozenset()
    for role in roles:
        result |= ROLE_PERMISSIONS.get(role, frozenset())
    return result


def has_permission(user: User, permission: str) -> bool:
    if (user.user_id, permission) in _REVOKED:
        return False
    return permission in permissions_for_roles(user.roles) | PermissionRegistry.granted(user.user_id)


def revoke(user_id: str, permission: str) -> None:
    _REVOKED.add((user_id, permission))


def restore(user_id: str, permission: str) -> None:
    _REVOKED.discard((user_id, permission))


def clear_revocations() -> None:
    _REVOKED.clear()


def engine_permissions(engine: UserEngine) -> frozenset[str]:
    """What an engine may do, from the roles stored in its context."""
    return permissions_for_roles(engine.context.get("roles", (default_role(),)))
