"""Before/after cases for string references (rule 8); each runs twice and must parse."""

from __future__ import annotations

import libcst as cst
import pytest

from codemods.rewrite_strings import StringMap, rewrite_strings
from tests.codemods.conftest import SAME, Case, case, check_case, make_spec

ALL = {"strings": "all"}

CASES: list[Case] = [
    case(
        "mock-patch-decorator",
        {},
        """
        from unittest import mock


        @mock.patch("core.compat.Engine")
        def test_start(engine):
            assert engine
        """,
        """
        from unittest import mock


        @mock.patch("core.engine.user_engine.UserEngine")
        def test_start(engine):
            assert engine
        """,
    ),
    case(
        "patch-context-manager-single-quotes",
        {},
        """
        from unittest.mock import patch

        with patch('core.legacy.engine_shim.UserEngine') as engine:
            run(engine)
        """,
        """
        from unittest.mock import patch

        with patch('core.engine.user_engine.UserEngine') as engine:
            run(engine)
        """,
    ),
    case(
        "patch-method-prefix",
        {},
        """
        patcher = mock.patch("core.compat.Engine.start", autospec=True)
        """,
        """
        patcher = mock.patch("core.engine.user_engine.UserEngine.start", autospec=True)
        """,
    ),
    case(
        "import-module-whole-module-key",
        {},
        """
        import importlib

        shim = importlib.import_module("core.legacy.engine_shim")
        """,
        """
        import importlib

        shim = importlib.import_module("core.engine.user_engine")
        """,
    ),
    case(
        "module-key-is-not-a-prefix",
        {},
        """
        patch("core.legacy.engine_shim.helper")
        """,
        SAME,
    ),
    case(
        "symbol-key-wins-over-module-key",
        {},
        """
        patch("core.legacy.engine_shim.UserEngine.stop")
        """,
        """
        patch("core.engine.user_engine.UserEngine.stop")
        """,
    ),
    case(
        "raw-and-unicode-prefix-kept",
        {},
        """
        TARGETS = [r"core.compat.Engine", u'core.unified.UnifiedEngineFactory']
        """,
        """
        TARGETS = [r"core.engine.user_engine.UserEngine", u'core.engine.factory.EngineFactory']
        """,
    ),
    case(
        "triple-quoted-literal-in-code",
        {},
        """
        TARGET = '''core.compat.Engine'''
        """,
        """
        TARGET = '''core.engine.user_engine.UserEngine'''
        """,
    ),
    case(
        "not-exact-or-not-dotted-untouched",
        {},
        """
        MESSAGE = "use core.compat.Engine instead"
        OTHER = "core.compat.EngineX"
        LONGER = "core.compat.Engine is deprecated"
        """,
        SAME,
    ),
    case(
        "f-string-and-bytes-untouched",
        {},
        """
        name = f"core.compat.Engine"
        raw = b"core.compat.Engine"
        """,
        SAME,
    ),
    case(
        "implicit-concatenation-untouched",
        {},
        """
        TARGET = ("core.compat.Engine" "")
        """,
        SAME,
    ),
    case(
        "escaped-string-untouched",
        {},
        r"""
        TARGET = "core.compat.\x45ngine"
        """,
        SAME,
    ),
    case(
        "docstring-and-comment-untouched-in-code-mode",
        {},
        '''
        """Wraps core.compat.Engine."""

        # see core.compat.Engine
        TARGET = "core.compat.Engine"
        ''',
        '''
        """Wraps core.compat.Engine."""

        # see core.compat.Engine
        TARGET = "core.engine.user_engine.UserEngine"
        ''',
    ),
    case(
        "function-docstring-untouched-in-code-mode",
        {},
        '''
        def build():
            """core.compat.Engine"""
            return "core.compat.Engine"
        ''',
        '''
        def build():
            """core.compat.Engine"""
            return "core.engine.user_engine.UserEngine"
        ''',
    ),
    case(
        "docstrings-and-comments-in-all-mode",
        ALL,
        '''
        """Wraps core.compat.Engine (and core.compat.Engine.start)."""


        class Service:
            """Uses core.legacy.engine_shim.UserEngine, not core.compat.EngineX."""

            def build(self):  # was core.compat.Engine
                return "core.compat.Engine"
        ''',
        '''
        """Wraps core.engine.user_engine.UserEngine (and core.engine.user_engine.UserEngine.start)."""


        class Service:
            """Uses core.engine.user_engine.UserEngine, not core.compat.EngineX."""

            def build(self):  # was core.engine.user_engine.UserEngine
                return "core.engine.user_engine.UserEngine"
        ''',
    ),
    case(
        "all-mode-module-key-in-comment",
        ALL,
        """
        # core.legacy.engine_shim is gone; core.legacy.engine_shim.helper stays.
        x = 1
        """,
        """
        # core.engine.user_engine is gone; core.legacy.engine_shim.helper stays.
        x = 1
        """,
    ),
    case(
        "keep-comment-on-string-line",
        {},
        """
        LEGACY = "core.compat.Engine"  # migrator: keep
        CANON = "core.compat.Engine"
        """,
        """
        LEGACY = "core.compat.Engine"  # migrator: keep
        CANON = "core.engine.user_engine.UserEngine"
        """,
    ),
    case(
        "keep-comment-on-with-header",
        {},
        """
        with patch("core.compat.Engine"):  # migrator: keep
            assert patch("core.compat.Engine")
        """,
        """
        with patch("core.compat.Engine"):  # migrator: keep
            assert patch("core.engine.user_engine.UserEngine")
        """,
    ),
    case(
        "keep-comment-on-decorator",
        {},
        """
        @patch("core.compat.Engine")  # migrator: keep
        @patch("core.unified.UnifiedEngineFactory")
        def test_it(factory, engine):
            pass
        """,
        """
        @patch("core.compat.Engine")  # migrator: keep
        @patch("core.engine.factory.EngineFactory")
        def test_it(factory, engine):
            pass
        """,
    ),
    case(
        "strings-rewritten-when-imports-are-not",
        {"rewrite_imports": False},
        """
        from core.compat import Engine

        PATCH_TARGET = "core.compat.Engine"
        """,
        """
        from core.compat import Engine

        PATCH_TARGET = "core.engine.user_engine.UserEngine"
        """,
    ),
    case(
        "imports-and-strings-together",
        {},
        """
        from unittest import mock

        from core.compat import Engine


        @mock.patch("core.compat.Engine.start")
        def test_start(start):
            Engine().start()
        """,
        """
        from unittest import mock

        from core.engine.user_engine import UserEngine


        @mock.patch("core.engine.user_engine.UserEngine.start")
        def test_start(start):
            UserEngine().start()
        """,
    ),
]


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_case(c: Case) -> None:
    check_case(c)


def test_keep_comment_reports_note() -> None:
    module = cst.parse_module('X = "core.compat.Engine"  # migrator: keep\n')
    new, notes, count = rewrite_strings(module, make_spec())
    assert new.code == module.code
    assert count == 0
    assert [(n.line, n.code) for n in notes] == [(1, "kept")]


def test_string_map_lookup() -> None:
    mapping = StringMap(
        [("legacy.shim.Engine", "canon.mod.Engine"), ("legacy.shim", "canon.mod")],
        modules=["legacy.shim"],
    )
    assert mapping.lookup("legacy.shim.Engine") == "canon.mod.Engine"
    assert mapping.lookup("legacy.shim.Engine.start") == "canon.mod.Engine.start"
    assert mapping.lookup("legacy.shim") == "canon.mod"
    assert mapping.lookup("legacy.shim.other") is None
    assert mapping.lookup("legacy.shim.EngineX") is None
    assert mapping.replace_words("see legacy.shim.Engine, legacy.shim.") == (
        "see canon.mod.Engine, canon.mod.",
        2,
    )
    assert not StringMap([("same", "same")])
