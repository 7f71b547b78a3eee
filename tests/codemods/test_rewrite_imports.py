"""Before/after cases for the import rewrite (rules 1-7, 9-11); each runs twice and must parse.

Module-attribute usages (rule 4) stay attribute lookups, on the canonical module
(``core.engine.user_engine.UserEngine``), so ``mock.patch`` of the canonical path still reaches them;
relative imports of the canonical module (rule 5) are written absolute.
"""

from __future__ import annotations

import pytest

from tests.codemods.conftest import ENGINE_KEEP_ALIASES, FACTORY, SAME, Case, case, check_case

NO_RENAME = {"symbols": (ENGINE_KEEP_ALIASES, FACTORY)}

CASES: list[Case] = [
    # ----------------------------------------------------------------- rule 1: legacy paths
    case(
        "from-legacy-same-name",
        {},
        """
        from core.legacy.engine_shim import UserEngine

        engine = UserEngine(config)
        """,
        """
        from core.engine.user_engine import UserEngine

        engine = UserEngine(config)
        """,
    ),
    case(
        "from-legacy-other-name-renames-usages",
        {},
        """
        from core.compat import Engine


        def build(config) -> Engine:
            engine: Engine = Engine(config)
            return engine
        """,
        """
        from core.engine.user_engine import UserEngine


        def build(config) -> UserEngine:
            engine: UserEngine = UserEngine(config)
            return engine
        """,
    ),
    case(
        "from-legacy-rename-off-keeps-as",
        NO_RENAME,
        """
        from core.compat import Engine

        engine = Engine(config)
        """,
        """
        from core.engine.user_engine import UserEngine as Engine

        engine = Engine(config)
        """,
    ),
    case(
        "from-canonical-imports-module",
        {},
        """
        from core.canonical_imports import UserEngine

        ENGINE = UserEngine.default()
        """,
        """
        from core.engine.user_engine import UserEngine

        ENGINE = UserEngine.default()
        """,
    ),
    case(
        "factory-alias-renamed",
        {},
        """
        from core.unified import UnifiedEngineFactory

        factory = UnifiedEngineFactory()
        engine = factory.create(user)
        """,
        """
        from core.engine.factory import EngineFactory

        factory = EngineFactory()
        engine = factory.create(user)
        """,
    ),
    case(
        "canonical-import-untouched",
        {},
        """
        from core.engine.user_engine import UserEngine

        engine = UserEngine(config)
        """,
        SAME,
    ),
    case(
        "unrelated-import-untouched",
        {},
        """
        from core.other import Engine
        from core.compat import create_engine
        import core.utils

        engine = Engine(create_engine(), core.utils.config())
        """,
        SAME,
    ),
    case(
        "keep-local-name-at-module-level",
        {"keep_local_names": frozenset({"Engine"})},
        """
        from core.compat import Engine

        engine = Engine(config)
        """,
        """
        from core.engine.user_engine import UserEngine as Engine

        engine = Engine(config)
        """,
    ),
    case(
        "keep-local-name-does-not-apply-in-function",
        {"keep_local_names": frozenset({"Engine"})},
        """
        def build(config):
            from core.compat import Engine

            return Engine(config)
        """,
        """
        def build(config):
            from core.engine.user_engine import UserEngine

            return UserEngine(config)
        """,
    ),
    case(
        "unused-legacy-import-is-rewritten-not-removed",
        {},
        """
        from core.legacy.engine_shim import UserEngine  # noqa: F401
        """,
        """
        from core.engine.user_engine import UserEngine  # noqa: F401
        """,
    ),
    # ----------------------------------------------------------------- rule 2: local names
    case(
        "legacy-as-alias-renamed",
        {},
        """
        from core.legacy.engine_shim import UserEngine as UE

        engines = [UE(c) for c in configs]
        """,
        """
        from core.engine.user_engine import UserEngine

        engines = [UserEngine(c) for c in configs]
        """,
    ),
    case(
        "canonical-as-alias-renamed",
        {},
        """
        from core.engine.user_engine import UserEngine as UE

        def make():
            return UE()
        """,
        """
        from core.engine.user_engine import UserEngine

        def make():
            return UserEngine()
        """,
    ),
    case(
        "canonical-as-alias-rename-off-untouched",
        NO_RENAME,
        """
        from core.engine.user_engine import UserEngine as UE

        engine = UE()
        """,
        SAME,
    ),
    case(
        "rename-in-nested-scopes",
        {},
        """
        from core.compat import Engine


        class Service:
            engine_cls = Engine

            def start(self):
                def inner():
                    return Engine()

                factory = lambda: Engine()
                return inner(), factory(), [Engine for _ in range(2)]
        """,
        """
        from core.engine.user_engine import UserEngine


        class Service:
            engine_cls = UserEngine

            def start(self):
                def inner():
                    return UserEngine()

                factory = lambda: UserEngine()
                return inner(), factory(), [UserEngine for _ in range(2)]
        """,
    ),
    case(
        "rename-string-annotations",
        {},
        """
        from typing import Optional

        from core.compat import Engine


        def pick(engine: "Engine", other: Optional["Engine"] = None) -> "list[Engine]":
            return [engine, other]
        """,
        """
        from typing import Optional

        from core.engine.user_engine import UserEngine


        def pick(engine: "UserEngine", other: Optional["UserEngine"] = None) -> "list[UserEngine]":
            return [engine, other]
        """,
    ),
    case(
        "canonical-name-bound-to-something-else-keeps-alias",
        {},
        """
        from core.compat import Engine

        UserEngine = make_user_engine_class()
        engine = Engine()
        """,
        """
        from core.engine.user_engine import UserEngine as Engine

        UserEngine = make_user_engine_class()
        engine = Engine()
        """,
    ),
    case(
        "canonical-name-bound-in-usage-scope-keeps-alias",
        {},
        """
        from core.compat import Engine


        def run():
            UserEngine = object
            return Engine(), UserEngine
        """,
        """
        from core.engine.user_engine import UserEngine as Engine


        def run():
            UserEngine = object
            return Engine(), UserEngine
        """,
    ),
    case(
        "canonical-name-is-parameter-keeps-alias",
        {},
        """
        from core.compat import Engine


        def run(UserEngine):
            return Engine(UserEngine)
        """,
        """
        from core.engine.user_engine import UserEngine as Engine


        def run(UserEngine):
            return Engine(UserEngine)
        """,
    ),
    case(
        "canonical-name-used-undefined-keeps-alias",
        {},
        """
        from core.compat import Engine


        def run():
            return Engine(), UserEngine
        """,
        """
        from core.engine.user_engine import UserEngine as Engine


        def run():
            return Engine(), UserEngine
        """,
    ),
    case(
        "global-assignment-keeps-alias",
        {},
        """
        from core.compat import Engine


        def reset():
            global Engine
            Engine = None
        """,
        """
        from core.engine.user_engine import UserEngine as Engine


        def reset():
            global Engine
            Engine = None
        """,
    ),
    case(
        "global-usage-is-renamed",
        {},
        """
        from core.compat import Engine


        def current():
            global Engine
            return Engine
        """,
        """
        from core.engine.user_engine import UserEngine


        def current():
            global UserEngine
            return UserEngine
        """,
    ),
    case(
        "nonlocal-usage-is-renamed",
        {},
        """
        def outer():
            from core.compat import Engine

            def inner():
                nonlocal Engine
                return Engine

            return inner
        """,
        """
        def outer():
            from core.engine.user_engine import UserEngine

            def inner():
                nonlocal UserEngine
                return UserEngine

            return inner
        """,
    ),
    case(
        "del-counts-as-usage",
        {},
        """
        from core.compat import Engine

        DEFAULT = Engine()
        del Engine
        """,
        """
        from core.engine.user_engine import UserEngine

        DEFAULT = UserEngine()
        del UserEngine
        """,
    ),
    case(
        "dunder-all-keeps-alias",
        {},
        """
        from core.compat import Engine

        __all__ = ["Engine"]
        """,
        """
        from core.engine.user_engine import UserEngine as Engine

        __all__ = ["Engine"]
        """,
    ),
    case(
        "class-body-import",
        {},
        """
        class Service:
            from core.compat import Engine

            default = Engine

            def make(self):
                return self.Engine()
        """,
        """
        class Service:
            from core.engine.user_engine import UserEngine

            default = UserEngine

            def make(self):
                return self.Engine()
        """,
    ),
    case(
        "try-except-pair-renamed-together",
        {},
        """
        try:
            from core.compat import Engine
        except ImportError:
            from core.legacy.engine_shim import UserEngine as Engine

        engine = Engine()
        """,
        """
        try:
            from core.engine.user_engine import UserEngine
        except ImportError:
            from core.engine.user_engine import UserEngine

        engine = UserEngine()
        """,
    ),
    case(
        "try-except-fallback-none-keeps-alias",
        {},
        """
        try:
            from core.compat import Engine
        except ImportError:
            Engine = None
        """,
        """
        try:
            from core.engine.user_engine import UserEngine as Engine
        except ImportError:
            Engine = None
        """,
    ),
    case(
        "existing-canonical-import-absorbs-alias",
        {},
        """
        from core.engine.user_engine import UserEngine
        from core.compat import Engine

        pair = (UserEngine(), Engine())
        """,
        """
        from core.engine.user_engine import UserEngine

        pair = (UserEngine(), UserEngine())
        """,
    ),
    case(
        "two-aliases-become-one-import",
        {},
        """
        from core.compat import Engine
        from core.canonical_imports import UserEngine as UE

        pair = (Engine(), UE())
        """,
        """
        from core.engine.user_engine import UserEngine

        pair = (UserEngine(), UserEngine())
        """,
    ),
    case(
        "canonical-as-alias-next-to-canonical-import",
        {},
        """
        from core.engine.user_engine import UserEngine
        from core.engine.user_engine import UserEngine as UE

        pair = (UserEngine(), UE())
        """,
        """
        from core.engine.user_engine import UserEngine

        pair = (UserEngine(), UserEngine())
        """,
    ),
    case(
        "usage-before-import-keeps-alias",
        {},
        """
        from core.compat import *

        first = Engine()
        from core.compat import Engine
        """,
        """
        from core.compat import *

        first = Engine()
        from core.engine.user_engine import UserEngine as Engine
        """,
    ),
    # ----------------------------------------------------------------- rule 3: several names
    case(
        "multi-name-first-moves",
        {},
        """
        from core.compat import Engine, create_engine

        engine = Engine(create_engine())
        """,
        """
        from core.compat import create_engine
        from core.engine.user_engine import UserEngine

        engine = UserEngine(create_engine())
        """,
    ),
    case(
        "multi-name-middle-moves",
        {},
        """
        from core.compat import create_engine, Engine, get_config

        engine = Engine(create_engine(get_config()))
        """,
        """
        from core.compat import create_engine, get_config
        from core.engine.user_engine import UserEngine

        engine = UserEngine(create_engine(get_config()))
        """,
    ),
    case(
        "multi-name-parenthesized-keeps-comments",
        {},
        """
        from core.compat import (
            create_engine,  # factory function
            Engine,  # the engine class
            get_config,  # settings
        )
        """,
        """
        from core.compat import (
            create_engine,  # factory function
            get_config,  # settings
        )
        from core.engine.user_engine import UserEngine
        """,
    ),
    case(
        "multi-name-parenthesized-last-moves",
        {},
        """
        from core.compat import (
            create_engine,  # factory function
            Engine,
        )
        """,
        """
        from core.compat import (
            create_engine,  # factory function
        )
        from core.engine.user_engine import UserEngine
        """,
    ),
    case(
        "multi-name-parenthesized-no-trailing-comma",
        {},
        """
        from core.compat import (create_engine,
                                 Engine)
        """,
        """
        from core.compat import (create_engine)
        from core.engine.user_engine import UserEngine
        """,
    ),
    case(
        "merge-into-later-canonical-import",
        {},
        """
        from core.compat import Engine
        from core.engine.user_engine import make_engine

        engine = make_engine(Engine)
        """,
        """
        from core.engine.user_engine import make_engine, UserEngine

        engine = make_engine(UserEngine)
        """,
    ),
    case(
        "merge-into-earlier-canonical-import",
        {},
        """
        import os
        from core.engine.user_engine import make_engine
        from core.compat import Engine, create_engine

        engine = make_engine(Engine, create_engine, os.environ)
        """,
        """
        import os
        from core.engine.user_engine import make_engine, UserEngine
        from core.compat import create_engine

        engine = make_engine(UserEngine, create_engine, os.environ)
        """,
    ),
    case(
        "merge-into-parenthesized-canonical-import",
        {},
        """
        from core.engine.user_engine import (
            make_engine,
            EngineConfig,
        )
        from core.compat import Engine

        engine = make_engine(Engine, EngineConfig())
        """,
        """
        from core.engine.user_engine import (
            make_engine,
            EngineConfig,
            UserEngine,
        )

        engine = make_engine(UserEngine, EngineConfig())
        """,
    ),
    case(
        "no-merge-across-code",
        {},
        """
        from core.engine.user_engine import make_engine

        setup()

        from core.compat import Engine

        engine = make_engine(Engine)
        """,
        """
        from core.engine.user_engine import make_engine

        setup()

        from core.engine.user_engine import UserEngine

        engine = make_engine(UserEngine)
        """,
    ),
    case(
        "duplicate-binding-earlier-in-block-removed",
        {},
        """
        from core.engine.user_engine import UserEngine

        setup()

        from core.compat import Engine

        engine = (Engine(), UserEngine())
        """,
        """
        from core.engine.user_engine import UserEngine

        setup()

        engine = (UserEngine(), UserEngine())
        """,
    ),
    case(
        "two-targets-one-statement",
        {},
        """
        from core.compat import Engine, EngineFactory

        engine = EngineFactory().create(Engine)
        """,
        """
        from core.engine.factory import EngineFactory
        from core.engine.user_engine import UserEngine

        engine = EngineFactory().create(UserEngine)
        """,
    ),
    case(
        "two-targets-and-a-name-that-stays",
        {},
        """
        from core.compat import Engine, create_engine, EngineFactory

        engine = EngineFactory().create(Engine, create_engine)
        """,
        """
        from core.compat import create_engine
        from core.engine.factory import EngineFactory
        from core.engine.user_engine import UserEngine

        engine = EngineFactory().create(UserEngine, create_engine)
        """,
    ),
    case(
        "semicolon-line",
        {},
        """
        import os; from core.compat import Engine
        engine = Engine(os.environ)
        """,
        """
        import os; from core.engine.user_engine import UserEngine
        engine = UserEngine(os.environ)
        """,
    ),
    case(
        "semicolon-line-with-code-after",
        {},
        """
        from core.compat import Engine, create_engine; engine = Engine(create_engine())
        """,
        """
        from core.compat import create_engine; from core.engine.user_engine import UserEngine; engine = UserEngine(create_engine())
        """,
    ),
    case(
        "leading-comment-survives-removed-line",
        {},
        """
        import os

        # engines
        from core.compat import Engine
        from core.engine.user_engine import make_engine

        engine = make_engine(Engine, os.environ)
        """,
        """
        import os

        # engines
        from core.engine.user_engine import make_engine, UserEngine

        engine = make_engine(UserEngine, os.environ)
        """,
    ),
    case(
        "trailing-comment-kept-in-place",
        {},
        """
        from core.compat import Engine  # legacy path, see ADR-12

        engine = Engine()
        """,
        """
        from core.engine.user_engine import UserEngine  # legacy path, see ADR-12

        engine = UserEngine()
        """,
    ),
    # ----------------------------------------------------------------- rule 4: module imports
    case(
        "import-module-attribute",
        {},
        """
        import core.compat

        engine = core.compat.Engine(config)
        """,
        """
        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine(config)
        """,
    ),
    case(
        "import-module-as",
        {},
        """
        import core.compat as compat

        engine = compat.Engine(config)
        """,
        """
        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine(config)
        """,
    ),
    case(
        "import-module-other-attribute-keeps-import",
        {},
        """
        import core.compat

        engine = core.compat.Engine(core.compat.create_engine())
        """,
        """
        import core.compat
        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine(core.compat.create_engine())
        """,
    ),
    case(
        "from-package-import-module",
        {},
        """
        from core import compat

        engine_cls = compat.Engine
        """,
        """
        import core.engine.user_engine

        engine_cls = core.engine.user_engine.UserEngine
        """,
    ),
    case(
        "import-module-canonical-name-taken-uses-dotted-path",
        {},
        """
        import core.compat

        UserEngine = None
        engine = core.compat.Engine(config)
        """,
        """
        import core.engine.user_engine

        UserEngine = None
        engine = core.engine.user_engine.UserEngine(config)
        """,
    ),
    case(
        "import-canonical-module-untouched",
        {},
        """
        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine(config)
        """,
        SAME,
    ),
    case(
        "import-module-attribute-store-untouched",
        {},
        """
        import core.compat as compat

        compat.Engine = FakeEngine
        """,
        SAME,
    ),
    case(
        "import-module-in-function",
        {},
        """
        def build(config):
            import core.compat as compat

            return compat.Engine(config)
        """,
        """
        def build(config):
            import core.engine.user_engine

            return core.engine.user_engine.UserEngine(config)
        """,
    ),
    case(
        "import-several-modules-one-statement",
        {},
        """
        import os, core.compat

        engine = core.compat.Engine(os.environ)
        """,
        """
        import os
        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine(os.environ)
        """,
    ),
    case(
        "import-module-not-merged-into-canonical-from-import",
        {},
        """
        import core.compat
        from core.engine.user_engine import make_engine

        engine = make_engine(core.compat.Engine)
        """,
        """
        import core.engine.user_engine
        from core.engine.user_engine import make_engine

        engine = make_engine(core.engine.user_engine.UserEngine)
        """,
    ),
    case(
        "unused-module-import-untouched",
        {},
        """
        import core.compat  # noqa: F401  (registers plugins)
        from core.compat import Engine

        engine = Engine()
        """,
        """
        import core.compat  # noqa: F401  (registers plugins)
        from core.engine.user_engine import UserEngine

        engine = UserEngine()
        """,
    ),
    case(
        "import-module-used-before-import-in-loop-kept",
        {},
        """
        for attempt in range(2):
            if attempt:
                engine = compat.create_engine()
            import core.compat as compat

            default = compat.Engine
        """,
        """
        for attempt in range(2):
            if attempt:
                engine = compat.create_engine()
            import core.compat as compat
            import core.engine.user_engine

            default = core.engine.user_engine.UserEngine
        """,
    ),
    # rule 4, late binding: usages stay attribute lookups on the canonical module
    case(
        "module-attribute-shim-as-keeps-late-binding",
        {},
        """
        from __future__ import annotations

        import core.legacy.engine_shim as shim


        class Ledger:
            def reconcile(self, owner_id: str) -> shim.UserEngine:
                return shim.UserEngine(owner_id).start()
        """,
        """
        from __future__ import annotations

        import core.engine.user_engine


        class Ledger:
            def reconcile(self, owner_id: str) -> core.engine.user_engine.UserEngine:
                return core.engine.user_engine.UserEngine(owner_id).start()
        """,
    ),
    case(
        "module-attribute-dotted-import-without-as",
        {},
        """
        import core.legacy.engine_shim

        engine = core.legacy.engine_shim.UserEngine()
        """,
        """
        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine()
        """,
    ),
    case(
        "module-attribute-package-import",
        {},
        """
        import core.engine


        def observe(engine: core.engine.Engine) -> None:
            if not isinstance(engine, core.engine.Engine):
                raise TypeError(engine)
        """,
        """
        import core.engine.user_engine


        def observe(engine: core.engine.user_engine.UserEngine) -> None:
            if not isinstance(engine, core.engine.user_engine.UserEngine):
                raise TypeError(engine)
        """,
    ),
    case(
        "module-attribute-package-import-other-attribute-keeps-import",
        {},
        """
        import core.engine

        engine = core.engine.Engine(core.engine.EngineConfig())
        """,
        """
        import core.engine
        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine(core.engine.EngineConfig())
        """,
    ),
    case(
        "module-attribute-annotation-only",
        {},
        """
        import core.compat as compat


        def run(engine: compat.Engine) -> None:
            engine.start()
        """,
        """
        import core.engine.user_engine


        def run(engine: core.engine.user_engine.UserEngine) -> None:
            engine.start()
        """,
    ),
    case(
        "module-attribute-string-annotations",
        {},
        """
        import core.compat as compat


        def run(engine: "compat.Engine", more: "list[compat.Engine]") -> None:
            engine.start(more)
        """,
        """
        import core.engine.user_engine


        def run(engine: "core.engine.user_engine.UserEngine", more: "list[core.engine.user_engine.UserEngine]") -> None:
            engine.start(more)
        """,
    ),
    case(
        "module-attribute-string-annotation-of-other-attribute-keeps-import",
        {},
        """
        import core.compat as compat


        def run(engine: "compat.Engine", config: "compat.EngineConfig") -> None:
            engine.start(config)
        """,
        """
        import core.compat as compat
        import core.engine.user_engine


        def run(engine: "core.engine.user_engine.UserEngine", config: "compat.EngineConfig") -> None:
            engine.start(config)
        """,
    ),
    case(
        "module-attribute-type-checking-import",
        {},
        """
        from __future__ import annotations

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import core.compat as compat


        def run(engine: compat.Engine) -> None:
            engine.start()
        """,
        """
        from __future__ import annotations

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import core.engine.user_engine


        def run(engine: core.engine.user_engine.UserEngine) -> None:
            engine.start()
        """,
    ),
    case(
        "module-attribute-from-package-other-attribute-keeps-import",
        {},
        """
        from core import compat

        engine = compat.Engine(compat.create_engine())
        """,
        """
        import core.engine.user_engine
        from core import compat

        engine = core.engine.user_engine.UserEngine(compat.create_engine())
        """,
    ),
    case(
        "module-attribute-store-keeps-import",
        {},
        """
        import core.compat as compat

        compat.Engine = FakeEngine
        engine = compat.Engine()
        """,
        """
        import core.compat as compat
        import core.engine.user_engine

        compat.Engine = FakeEngine
        engine = core.engine.user_engine.UserEngine()
        """,
    ),
    case(
        "module-attribute-keep-local-name-keeps-import",
        {"keep_local_names": frozenset({"compat"})},
        """
        import core.compat as compat

        engine = compat.Engine()
        """,
        """
        import core.compat as compat
        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine()
        """,
    ),
    case(
        "module-attribute-two-legacy-modules-one-import",
        {},
        """
        import core.compat
        import core.legacy.engine_shim as shim

        pair = (core.compat.Engine(), shim.UserEngine())
        """,
        """
        import core.engine.user_engine

        pair = (core.engine.user_engine.UserEngine(), core.engine.user_engine.UserEngine())
        """,
    ),
    case(
        "module-attribute-two-targets",
        {},
        """
        import core.compat as compat

        engine = compat.EngineFactory().create(compat.Engine)
        """,
        """
        import core.engine.factory
        import core.engine.user_engine

        engine = core.engine.factory.EngineFactory().create(core.engine.user_engine.UserEngine)
        """,
    ),
    case(
        "module-attribute-in-class-body",
        {},
        """
        class Service:
            import core.compat as compat

            default = compat.Engine
        """,
        """
        class Service:
            import core.engine.user_engine

            default = core.engine.user_engine.UserEngine
        """,
    ),
    case(
        "module-attribute-existing-canonical-module-import-not-duplicated",
        {},
        """
        import core.engine.user_engine
        import core.compat as compat

        engine = compat.Engine(core.engine.user_engine.make_config())
        """,
        """
        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine(core.engine.user_engine.make_config())
        """,
    ),
    case(
        "module-attribute-module-level-canonical-import-serves-function",
        {},
        """
        import core.engine.user_engine


        def build():
            import core.compat as compat

            return compat.Engine()
        """,
        """
        import core.engine.user_engine


        def build():
            return core.engine.user_engine.UserEngine()
        """,
    ),
    case(
        "module-attribute-later-module-level-canonical-import-serves",
        {},
        """
        import core.compat as compat

        setup()

        import core.engine.user_engine

        engine = compat.Engine()
        """,
        """
        setup()

        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine()
        """,
    ),
    case(
        "module-attribute-used-before-later-canonical-import-gets-its-own",
        {},
        """
        import core.compat as compat

        early = compat.Engine()

        import core.engine.user_engine

        engine = compat.Engine()
        """,
        """
        import core.engine.user_engine

        early = core.engine.user_engine.UserEngine()

        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine()
        """,
    ),
    case(
        "module-attribute-existing-canonical-module-as-name-used",
        {},
        """
        import core.engine.user_engine as ue_mod
        import core.compat as compat

        engine = compat.Engine(ue_mod.make_config())
        """,
        """
        import core.engine.user_engine as ue_mod

        engine = ue_mod.UserEngine(ue_mod.make_config())
        """,
    ),
    case(
        "module-attribute-root-rebound-falls-back-to-as-name",
        {},
        """
        import core.compat as compat

        core = load_core()
        engine = compat.Engine(core)
        """,
        """
        import core.engine.user_engine as _user_engine_mod

        core = load_core()
        engine = _user_engine_mod.UserEngine(core)
        """,
    ),
    case(
        "module-attribute-root-is-parameter-falls-back",
        {},
        """
        import core.compat as compat


        def build(core):
            return compat.Engine(core)
        """,
        """
        import core.engine.user_engine as _user_engine_mod


        def build(core):
            return _user_engine_mod.UserEngine(core)
        """,
    ),
    case(
        "module-attribute-root-bound-in-nested-scope-falls-back",
        {},
        """
        import core.compat as compat


        def outer():
            core = 1

            def inner():
                return compat.Engine(core)

            return inner
        """,
        """
        import core.engine.user_engine as _user_engine_mod


        def outer():
            core = 1

            def inner():
                return _user_engine_mod.UserEngine(core)

            return inner
        """,
    ),
    case(
        "module-attribute-root-global-read-in-function-falls-back",
        {},
        """
        import core.utils


        def build():
            import core.compat as compat

            return compat.Engine(core.utils.config())
        """,
        """
        import core.utils


        def build():
            import core.engine.user_engine as _user_engine_mod

            return _user_engine_mod.UserEngine(core.utils.config())
        """,
    ),
    case(
        "module-attribute-fallback-name-taken-picks-next",
        {},
        """
        import core.compat as compat

        core = _user_engine_mod = None
        engine = compat.Engine()
        """,
        """
        import core.engine.user_engine as _user_engine_mod2

        core = _user_engine_mod = None
        engine = _user_engine_mod2.UserEngine()
        """,
    ),
    # ----------------------------------------------------------------- rule 5: relative imports
    case(
        "relative-from-legacy-module",
        {"module": "core.services.billing"},
        """
        from ..compat import Engine

        engine = Engine()
        """,
        """
        from core.engine.user_engine import UserEngine

        engine = UserEngine()
        """,
    ),
    case(
        "relative-from-package-init",
        {"module": "core.services", "is_package": True},
        """
        from ..compat import Engine as CompatEngine

        engine = CompatEngine()
        """,
        """
        from core.engine.user_engine import UserEngine

        engine = UserEngine()
        """,
    ),
    case(
        "relative-package-reexport",
        {"module": "core.services.billing"},
        """
        from ..engine import Engine, EngineConfig

        engine = Engine(EngineConfig())
        """,
        """
        from ..engine import EngineConfig
        from core.engine.user_engine import UserEngine

        engine = UserEngine(EngineConfig())
        """,
    ),
    case(
        "relative-module-binding",
        {"module": "core.app"},
        """
        from . import compat

        engine = compat.Engine()
        """,
        """
        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine()
        """,
    ),
    case(
        "relative-canonical-import-made-absolute",
        {"module": "core.engine.factory"},
        """
        from .user_engine import UserEngine

        engine = UserEngine()
        """,
        """
        from core.engine.user_engine import UserEngine

        engine = UserEngine()
        """,
    ),
    case(
        "relative-canonical-as-alias-made-absolute-in-place",
        {"module": "core.engine.factory"},
        """
        from .user_engine import UserEngine as UE

        engine = UE()
        """,
        """
        from core.engine.user_engine import UserEngine

        engine = UserEngine()
        """,
    ),
    case(
        "relative-canonical-from-parent-package",
        {"module": "core.jobs.scheduler"},
        """
        from core.utils.clock import utcnow

        from ..engine.user_engine import UserEngine

        engine: UserEngine = UserEngine(utcnow())
        """,
        """
        from core.utils.clock import utcnow

        from core.engine.user_engine import UserEngine

        engine: UserEngine = UserEngine(utcnow())
        """,
    ),
    case(
        "relative-canonical-with-other-names-made-absolute",
        {"module": "core.jobs.scheduler"},
        """
        from ..engine.user_engine import (
            make_engine,
            UserEngine as UE,
        )

        engine = make_engine(UE)
        """,
        """
        from core.engine.user_engine import (
            make_engine,
            UserEngine,
        )

        engine = make_engine(UserEngine)
        """,
    ),
    case(
        "relative-canonical-rename-off-made-absolute",
        {**NO_RENAME, "module": "core.engine.factory"},
        """
        from .user_engine import UserEngine as UE

        engine = UE()
        """,
        """
        from core.engine.user_engine import UserEngine as UE

        engine = UE()
        """,
    ),
    case(
        "relative-canonical-duplicate-removed",
        {"module": "core.engine.factory"},
        """
        from core.engine.user_engine import UserEngine
        from .user_engine import UserEngine as UE

        pair = (UserEngine(), UE())
        """,
        """
        from core.engine.user_engine import UserEngine

        pair = (UserEngine(), UserEngine())
        """,
    ),
    case(
        "relative-non-target-imports-untouched",
        {"module": "core.engine.factory"},
        """
        from . import quota
        from .user_engine import make_engine
        from ..utils import clock

        engine = make_engine(quota, clock)
        """,
        SAME,
    ),
    case(
        "relative-canonical-import-not-a-merge-target",
        {"module": "core.engine.factory"},
        """
        from .user_engine import make_engine
        from core.compat import Engine

        engine = make_engine(Engine)
        """,
        """
        from .user_engine import make_engine
        from core.engine.user_engine import UserEngine

        engine = make_engine(UserEngine)
        """,
    ),
    case(
        "relative-canonical-module-binding",
        {"module": "core.engine.factory"},
        """
        from . import user_engine


        def create(user_id) -> user_engine.UserEngine:
            return user_engine.UserEngine(user_id)
        """,
        """
        import core.engine.user_engine


        def create(user_id) -> core.engine.user_engine.UserEngine:
            return core.engine.user_engine.UserEngine(user_id)
        """,
    ),
    case(
        "relative-canonical-module-binding-in-package-init",
        {"module": "core.engine", "is_package": True},
        """
        from . import quota, user_engine

        engine = user_engine.UserEngine(quota.LIMIT)
        """,
        """
        from . import quota
        import core.engine.user_engine

        engine = core.engine.user_engine.UserEngine(quota.LIMIT)
        """,
    ),
    case(
        "relative-canonical-module-binding-other-attribute-untouched",
        {"module": "core.engine.factory"},
        """
        from . import user_engine

        engine = user_engine.UserEngine(user_engine.make_config())
        """,
        SAME,
    ),
    case(
        "relative-canonical-module-binding-root-rebound-falls-back",
        {"module": "core.engine.factory"},
        """
        from . import user_engine

        core = None
        engine = user_engine.UserEngine()
        """,
        """
        import core.engine.user_engine as _user_engine_mod

        core = None
        engine = _user_engine_mod.UserEngine()
        """,
    ),
    case(
        "absolute-canonical-module-binding-untouched",
        {},
        """
        from core.engine import user_engine

        engine = user_engine.UserEngine()
        """,
        SAME,
    ),
    # ----------------------------------------------------------------- rule 6: in place
    case(
        "in-function",
        {},
        """
        import os


        def build():
            from core.compat import Engine

            return Engine(os.environ)
        """,
        """
        import os


        def build():
            from core.engine.user_engine import UserEngine

            return UserEngine(os.environ)
        """,
    ),
    case(
        "in-method-multi-name",
        {},
        """
        class Service:
            def build(self):
                from core.compat import Engine, create_engine

                return Engine(create_engine())
        """,
        """
        class Service:
            def build(self):
                from core.compat import create_engine
                from core.engine.user_engine import UserEngine

                return UserEngine(create_engine())
        """,
    ),
    case(
        "try-except-import-error",
        {},
        """
        try:
            from core.compat import Engine, create_engine
        except ImportError:  # pragma: no cover
            Engine = create_engine = None
        """,
        """
        try:
            from core.compat import create_engine
            from core.engine.user_engine import UserEngine as Engine
        except ImportError:  # pragma: no cover
            Engine = create_engine = None
        """,
    ),
    case(
        "type-checking-block",
        {},
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from core.compat import Engine


        def run(engine: "Engine") -> None:
            engine.start()
        """,
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from core.engine.user_engine import UserEngine


        def run(engine: "UserEngine") -> None:
            engine.start()
        """,
    ),
    case(
        "type-checking-block-multi-name",
        {},
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from core.compat import Engine, EngineConfig
        else:
            Engine = EngineConfig = object
        """,
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from core.compat import EngineConfig
            from core.engine.user_engine import UserEngine as Engine
        else:
            Engine = EngineConfig = object
        """,
    ),
    case(
        "one-line-suite",
        {},
        """
        if TYPE_CHECKING: from core.compat import Engine, EngineConfig
        """,
        """
        if TYPE_CHECKING: from core.compat import EngineConfig; from core.engine.user_engine import UserEngine
        """,
    ),
    case(
        "not-hoisted-next-to-module-canonical-import",
        {},
        """
        from core.engine.user_engine import make_engine


        def build():
            from core.compat import Engine

            return make_engine(Engine)
        """,
        """
        from core.engine.user_engine import make_engine


        def build():
            from core.engine.user_engine import UserEngine

            return make_engine(UserEngine)
        """,
    ),
    case(
        "function-import-would-shadow-global-use",
        {},
        """
        from core.engine.user_engine import UserEngine


        def build():
            default = UserEngine()
            from core.compat import Engine

            return Engine(), default
        """,
        """
        from core.engine.user_engine import UserEngine


        def build():
            default = UserEngine()
            from core.engine.user_engine import UserEngine as Engine

            return Engine(), default
        """,
    ),
    # ----------------------------------------------------------------- rule 7: star imports
    case(
        "star-import-used-name",
        {},
        """
        from core.compat import *

        engine = Engine(create_engine())
        """,
        """
        from core.compat import *
        from core.engine.user_engine import UserEngine

        engine = UserEngine(create_engine())
        """,
    ),
    case(
        "star-import-same-name",
        {},
        """
        from core.legacy.engine_shim import *


        def build():
            return UserEngine()
        """,
        """
        from core.engine.user_engine import UserEngine
        from core.legacy.engine_shim import *


        def build():
            return UserEngine()
        """,
    ),
    case(
        "star-import-rename-off",
        NO_RENAME,
        """
        from core.compat import *

        engine = Engine()
        """,
        """
        from core.compat import *
        from core.engine.user_engine import UserEngine as Engine

        engine = Engine()
        """,
    ),
    case(
        "star-import-name-unused",
        {},
        """
        from core.compat import *

        engine = create_engine()
        """,
        SAME,
    ),
    case(
        "star-import-name-bound-locally",
        {},
        """
        from core.compat import *

        Engine = make_engine_class()
        engine = Engine()
        """,
        SAME,
    ),
    # ----------------------------------------------------------------- rule 10: opting out
    case(
        "rewrite-imports-off",
        {"rewrite_imports": False},
        """
        from core.compat import Engine

        __all__ = ["Engine"]
        """,
        SAME,
    ),
    case(
        "keep-comment",
        {},
        """
        from core.compat import Engine  # migrator: keep

        engine = Engine()
        """,
        SAME,
    ),
    case(
        "keep-comment-inside-parentheses",
        {},
        """
        from core.compat import (
            Engine,  # migrator: keep
            create_engine,
        )
        """,
        SAME,
    ),
    case(
        "keep-comment-only-on-that-import",
        {},
        """
        from core.compat import Engine  # migrator: keep


        def build():
            from core.compat import Engine

            return Engine()
        """,
        """
        from core.compat import Engine  # migrator: keep


        def build():
            from core.engine.user_engine import UserEngine

            return UserEngine()
        """,
    ),
    case(
        "keep-comment-blocks-rename-of-same-name",
        {},
        """
        try:
            from core.compat import Engine  # migrator: keep
        except ImportError:
            from core.legacy.engine_shim import UserEngine as Engine
        """,
        """
        try:
            from core.compat import Engine  # migrator: keep
        except ImportError:
            from core.engine.user_engine import UserEngine as Engine
        """,
    ),
    case(
        "future-import-and-docstring-stay-first",
        {},
        '''
        """Billing engines."""

        from __future__ import annotations

        from core.compat import Engine
        ''',
        '''
        """Billing engines."""

        from __future__ import annotations

        from core.engine.user_engine import UserEngine
        ''',
    ),
]


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_case(c: Case) -> None:
    check_case(c)


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
