# migrator: skip-file -- pins the 1.x import surface on purpose; never rewrite.
"""Contract: the 1.x name ``Engine`` keeps pointing at the 2.x engine class."""

from core.legacy.engine_shim import Engine


def test_engine_name_points_at_the_2x_class():
    assert Engine.__module__ == "core.engine.user_engine"
    assert Engine.__qualname__ == "UserEngine"
