"""Engine classes configured by dotted path.

Deployments can point ``ENGINE_CLASS`` at a subclass of the engine. Installations
from the 1.x days still carry the old default, core.legacy.engine_shim.UserEngine,
in their configuration files, so that path keeps working.
"""

from __future__ import annotations

import importlib
from typing import Any

# The 1.x default; kept so that old configuration files load unchanged.
DEFAULT_ENGINE_PATH = "core.legacy.engine_shim.UserEngine"

_REGISTRY = {}


def register(name: str, cls: type) -> None:
    """Make an engine class selectable by a short name."""
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise ValueError(f"engine plugin {name!r} is already registered")
    _REGISTRY[name] = cls


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def registered() -> dict[str, type]:
    return dict(_REGISTRY)


def load_object(path: str) -> Any:
    """Import ``package.module.Name`` and return ``Name``."""
    module_name, _, attr = path.rpartition(".")
    if not module_name:
        raise ValueError(f"{path!r} is not a dotted path")
    return getattr(importlib.import_module(module_name), attr)


def engine_class(path_or_name: str | None = None) -> type:
    """Resolve a plugin name or dotted path to an engine class (a subclass of the engine)."""
    from core.engine.user_engine import UserEngine

    spec = path_or_name or DEFAULT_ENGINE_PATH
    cls = _REGISTRY.get(spec) or load_object(spec)
    if not (isinstance(cls, type) and issubclass(cls, UserEngine)):
        raise TypeError(f"{spec!r} is not an engine class")
    return cls
