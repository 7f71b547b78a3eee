"""The 1.x import paths still lead to the 2.x engine."""

import importlib
from unittest import mock

from core.engine.user_engine import UserEngine
from core.legacy.adapters import LegacyEngineAdapter
from core.legacy.compat import Engine, UserEngineV1
from core.legacy.engine_shim import UserEngine as ShimEngine  # migrator: keep
from core.legacy.helpers import create_engine, is_engine


def test_shim_reexports_the_engine():
    assert ShimEngine is UserEngine


def test_compat_names_are_the_engine():
    assert Engine is UserEngine
    assert UserEngineV1 is UserEngine


def test_patching_the_legacy_path():
    with mock.patch("core.legacy.engine_shim.UserEngine") as fake:
        shim = importlib.import_module("core.legacy.engine_shim")
        assert shim.UserEngine is fake
    assert shim.UserEngine is UserEngine


def test_create_engine_helper_passes_context():
    engine = create_engine("u-1", user_context={"plan": "team"})
    assert is_engine(engine)
    assert engine.context == {"plan": "team"}


def test_create_engine_accepts_legacy_flag():
    engine = create_engine("u-2", user_context=None, legacy_flag=False)
    assert engine.user_id == "u-2"


def test_adapter_speaks_1x():
    adapter = LegacyEngineAdapter.for_user("u-3")
    assert adapter.execute("double", lambda x: 2 * x, 21) == 42
    assert adapter.status() == "RUNNING"
    adapter.shutdown()
    assert adapter.status() == "STOPPED"
