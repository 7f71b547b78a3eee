"""Snapshot of the 1.x engine module, kept for reference during the 2.0 migration.

Excluded from analysis by ``exclude = ["backups/**"]`` in migrator.toml.
"""

from core.legacy.engine_shim import UserEngine as Engine
from core.engine import UserEngine


class EngineFactory:
    """The 1.x factory (superseded by core.engine.factory.EngineFactory)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def create(self, user_id):
        return Engine(user_id)


_engines = {}


def get_engine(user_id):
    if user_id not in _engines:
        _engines[user_id] = UserEngine(user_id)
    return _engines[user_id]
