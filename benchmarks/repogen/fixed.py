"""Hand-written files: the modules that define and re-export the migrated symbols, and ``__init__.py``."""

from __future__ import annotations

import random

from .layout import COMMENTED_SHIM, Corpus, Module


def fixed_file(path: str) -> str:
    """Text of the hand-written modules that define and re-export the migrated symbols."""
    texts = {
        "core/__init__.py": '"""Shared code every service may import."""\n',
        "core/engine/__init__.py": '"""The engine package."""\n',
        "core/legacy/__init__.py": '"""Deprecated modules kept for old imports."""\n',
        "core/chain/__init__.py": '"""Historical re-export chain (hop3 -> hop2 -> hop1 -> user_engine)."""\n',
        "core/engine/user_engine.py": (
            '"""UserEngine: runs queries on behalf of one user. The one canonical home."""\n\n'
            "from __future__ import annotations\n\n"
            "from dataclasses import dataclass, field\n\n"
            '__all__ = ["UserEngine"]\n\n\n'
            "@dataclass\n"
            "class UserEngine:\n"
            '    """Runs queries on behalf of one user."""\n\n'
            "    context: dict[str, object]\n"
            "    strict: bool = False\n"
            "    history: list[str] = field(default_factory=list)\n\n"
            "    def warm_up(self) -> None:\n"
            '        self.history.append("warm-up")\n\n'
            "    def run(self, query: str) -> list[dict[str, object]]:\n"
            "        self.history.append(query)\n"
            '        return [{"query": query, "user": self.context.get("user_id")}]\n'
        ),
        "core/engine/factory.py": (
            '"""The canonical factory for engines."""\n\n'
            "from __future__ import annotations\n\n"
            "from core.engine.user_engine import UserEngine\n\n\n"
            "class EngineFactory:\n"
            '    """Builds UserEngine instances; the only place that should."""\n\n'
            "    @classmethod\n"
            "    def create_for_user(cls, context: dict[str, object], *, strict: bool = False) -> UserEngine:\n"
            "        engine = UserEngine(context, strict=strict)\n"
            "        engine.warm_up()\n"
            "        return engine\n"
        ),
        "core/legacy/engine_shim.py": (
            '"""Deprecated: import UserEngine from core.engine.user_engine."""\n\n'
            "from core.engine.user_engine import *  # noqa: F403\n\n"
            '__all__ = ["UserEngine"]\n'
        ),
        "core/canonical_imports.py": (
            '"""Convenience re-exports of the canonical engine API."""\n\n'
            "from core.engine.factory import EngineFactory\n"
            "from core.engine.user_engine import UserEngine\n\n"
            '__all__ = ["EngineFactory", "UserEngine"]\n'
        ),
        "core/compat.py": (
            '"""Backwards-compatible names for code written before the engine refactor."""\n\n'
            "from __future__ import annotations\n\n"
            "import warnings\n\n"
            "from core.engine.factory import EngineFactory\n"
            "from core.engine.user_engine import UserEngine\n\n"
            "Engine = UserEngine\n\n\n"
            "def create_engine(user_context: dict[str, object], legacy_flag: bool = False) -> UserEngine:\n"
            '    """Deprecated: use EngineFactory.create_for_user."""\n'
            "    if legacy_flag:\n"
            '        warnings.warn("legacy_flag is ignored", DeprecationWarning, stacklevel=2)\n'
            "    return EngineFactory.create_for_user(user_context)\n"
        ),
        "core/chain/hop1.py": (
            '"""Hop 1 of the re-export chain."""\n\n'
            "from core.engine.user_engine import UserEngine\n\n"
            '__all__ = ["UserEngine"]\n'
        ),
        "core/chain/hop2.py": '"""Hop 2 of the re-export chain."""\n\nfrom core.chain.hop1 import UserEngine\n\n__all__ = ["UserEngine"]\n',
        "core/chain/hop3.py": '"""Hop 3 of the re-export chain."""\n\nfrom .hop2 import UserEngine\n\n__all__ = ["UserEngine"]\n',
        "svc_billing/factory.py": (
            '"""Billing\'s own engine factory; predates core.engine.factory and is independent of it."""\n\n'
            "from __future__ import annotations\n\n"
            "from core.engine.user_engine import UserEngine\n\n\n"
            "class EngineFactory:\n"
            '    """Builds engines for billing jobs."""\n\n'
            "    _instances: dict[str, UserEngine] = {}\n\n"
            "    @staticmethod\n"
            "    def create(user_context: dict[str, object]) -> UserEngine:\n"
            '        key = str(user_context.get("user_id"))\n'
            "        if key not in EngineFactory._instances:\n"
            "            EngineFactory._instances[key] = UserEngine(user_context)\n"
            "        return EngineFactory._instances[key]\n"
        ),
        COMMENTED_SHIM: (
            "# Deprecated in 2022 and commented out instead of deleted; nothing imports it any more.\n"
            "#\n"
            '# """First engine shim: import UserEngine from core.engine.user_engine."""\n'
            "#\n"
            "# from core.engine.user_engine import *  # noqa: F403\n"
            "# from core.engine.factory import EngineFactory\n"
            "#\n"
            '# __all__ = ["EngineFactory", "UserEngine"]\n'
        ),
    }
    return texts[path]


def init_text(module: Module, rng: random.Random, corpus: Corpus) -> str:
    roll = rng.random()
    if roll < 0.55:
        return ""
    doc = f'"""{module.name.rsplit(".", 1)[-1].replace("_", " ").capitalize()} package."""\n'
    if roll < 0.8:
        return doc
    children = [m for m in corpus.by_package.get(module.name, []) if m.classes or m.functions]
    if not children:
        return doc
    lines = [doc]
    exported: list[str] = []
    for child in rng.sample(children, min(len(children), rng.randint(1, 3))):
        names = [n for n in (child.classes + child.functions)[:2] if n not in exported]
        if names:
            exported.extend(names)
            lines.append(
                f"from .{child.name.rsplit('.', 1)[-1]} import {', '.join(sorted(names))}\n"
            )
    lines.append("\n__all__ = [" + ", ".join(f'"{n}"' for n in sorted(exported)) + "]\n")
    return "".join(lines)
