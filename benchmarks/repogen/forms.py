"""The migration's subject in ordinary files: every form of importing, calling and patching it.

``FORMS`` are the forms of the classic corpus; ``REALISTIC_FORMS`` are added by the realistic profile
(tests that compare legacy and canonical names, ``try/except ImportError`` falling back to None,
``importlib.import_module`` with the legacy module's name).
"""

from __future__ import annotations

import random

from .layout import Module, camel
from .vocab import NOUNS

# Forms of touching the migrated symbols: name -> (weight, names it binds at module level).
FORMS: dict[str, tuple[int, tuple[str, ...]]] = {
    "shim_direct": (10, ("UserEngine",)),
    "shim_alias": (6, ("Engine",)),
    "compat_engine": (6, ("Engine",)),
    "module_alias": (4, ("ue",)),
    "module_import": (3, ("core",)),
    "from_package": (3, ("engine_shim",)),
    "in_function": (4, ()),
    "try_except": (3, ("UserEngine",)),
    "type_checking": (4, ("UserEngine", "TYPE_CHECKING")),
    "multi_name": (4, ("UserEngine", "EngineFactory", "Engine", "create_engine")),
    "star": (2, ("UserEngine",)),
    "chain": (3, ("UserEngine",)),
    "canonical": (8, ("UserEngine",)),
    "canonical_factory": (5, ("EngineFactory",)),
    "create_engine": (6, ("create_engine",)),
    "compat_module": (2, ("compat",)),
    "relative": (6, ("UserEngine",)),  # only inside core
    "mock_patch": (8, ("mock",)),  # only in test modules
    "billing_factory": (6, ("EngineFactory",)),  # only inside svc_billing
}
REALISTIC_FORMS: dict[str, tuple[int, tuple[str, ...]]] = {
    "legacy_vs_canonical": (
        6,
        ("UserEngine", "LegacyUserEngine", "compat"),
    ),  # only in test modules
    "try_except_none": (3, ("UserEngine",)),
    "import_module_string": (2, ("importlib",)),
}


def _relative_prefix(module: Module) -> str:
    """Dots that make a relative import from ``module`` start at the ``core`` package."""
    depth = len(module.package.split("."))
    return "." * depth


def form_code(
    form: str, module: Module, rng: random.Random, k: int
) -> tuple[list[str], list[str], list[str]]:
    """(top-level import lines, blocks right after the imports, blocks among the code) for a form."""
    noun = rng.choice(NOUNS)
    ctx = rng.choice(["context", "ctx", "user_context", "request_ctx"])
    fn = f"{rng.choice(['build', 'make', 'get', 'open'])}_{noun}_engine_{k}"
    if form == "shim_direct":
        usage = rng.choice(
            [
                f"def {fn}({ctx}: dict[str, object]) -> UserEngine:\n"
                f'    """Return an engine for the {noun} flow."""\n'
                f"    engine = UserEngine({ctx})\n"
                f"    engine.warm_up()\n"
                f"    return engine\n",
                f"class {camel(noun)}Engine{k}(UserEngine):\n"
                f'    """UserEngine with {noun} defaults."""\n\n'
                f"    def run(self, query: str) -> list[dict[str, object]]:\n"
                f"        return super().run(query.strip())\n",
                f"def is_engine_{k}(obj: object) -> bool:\n    return isinstance(obj, UserEngine)\n",
            ]
        )
        return ["from core.legacy.engine_shim import UserEngine"], [], [usage]
    if form == "shim_alias":
        usage = (
            f"def {fn}({ctx}: dict[str, object], strict: bool = False) -> Engine:\n"
            f"    engine: Engine = Engine({ctx}, strict=strict)\n"
            f"    return engine\n"
        )
        return ["from core.legacy.engine_shim import UserEngine as Engine"], [], [usage]
    if form == "compat_engine":
        usage = (
            f"class {camel(noun)}Runner{k}:\n"
            f"    def __init__(self, engine: Engine | None = None) -> None:\n"
            f"        self.engine = engine or Engine({{}})\n\n"
            f"    def run(self, query: str) -> list[dict[str, object]]:\n"
            f"        return self.engine.run(query)\n"
        )
        return ["from core.compat import Engine"], [], [usage]
    if form == "module_alias":
        usage = f"def {fn}({ctx}: dict[str, object]) -> ue.UserEngine:\n    return ue.UserEngine({ctx})\n"
        return ["import core.engine.user_engine as ue"], [], [usage]
    if form == "module_import":
        usage = (
            f"def {fn}({ctx}: dict[str, object]) -> object:\n"
            f"    return core.legacy.engine_shim.UserEngine({ctx})\n"
        )
        return ["import core.legacy.engine_shim"], [], [usage]
    if form == "from_package":
        usage = (
            f"def {fn}({ctx}: dict[str, object]) -> engine_shim.UserEngine:\n"
            f"    engine = engine_shim.UserEngine({ctx})\n"
            f"    return engine\n"
        )
        return ["from core.legacy import engine_shim"], [], [usage]
    if form == "in_function":
        usage = (
            f"def {fn}({ctx}: dict[str, object]) -> object:\n"
            f'    """Imported lazily to avoid an import cycle."""\n'
            f"    from core.legacy.engine_shim import UserEngine\n\n"
            f"    return UserEngine({ctx})\n"
        )
        return [], [], [usage]
    if form == "try_except":
        head = (
            "try:\n"
            "    from core.engine.user_engine import UserEngine\n"
            "except ImportError:  # older deployments\n"
            "    from core.legacy.engine_shim import UserEngine\n"
        )
        usage = f"def {fn}({ctx}: dict[str, object]) -> UserEngine:\n    return UserEngine({ctx})\n"
        return [], [head], [usage]
    if form == "type_checking":
        head = (
            "from typing import TYPE_CHECKING\n\n"
            "if TYPE_CHECKING:\n"
            "    from core.legacy.engine_shim import UserEngine\n"
        )
        usage = (
            f'def describe_engine_{k}(engine: "UserEngine") -> str:\n'
            f'    return f"engine for {{engine!r}}"\n\n\n'
            f'def pick_engine_{k}(engines: "list[UserEngine]") -> "UserEngine | None":\n'
            f"    return engines[0] if engines else None\n"
        )
        return [], [head], [usage]
    if form == "multi_name":
        if rng.random() < 0.6:
            line = "from core.canonical_imports import EngineFactory, UserEngine"
            usage = (
                f"def {fn}({ctx}: dict[str, object]) -> UserEngine:\n"
                f"    engine = EngineFactory.create_for_user({ctx})\n"
                f"    assert isinstance(engine, UserEngine)\n"
                f"    return engine\n"
            )
        else:
            line = "from core.compat import Engine, create_engine"
            usage = (
                f"def {fn}({ctx}: dict[str, object]) -> Engine:\n"
                f"    return create_engine({ctx}, legacy_flag=False)\n"
            )
        return [line], [], [usage]
    if form == "star":
        head = "from core.legacy.engine_shim import *  # noqa: F403\n"
        usage = f"def {fn}({ctx}: dict[str, object]) -> object:\n    return UserEngine({ctx})  # noqa: F405\n"
        return [], [head], [usage]
    if form == "chain":
        usage = f"def {fn}({ctx}: dict[str, object]) -> UserEngine:\n    return UserEngine({ctx})\n"
        return ["from core.chain.hop3 import UserEngine"], [], [usage]
    if form == "canonical":
        usage = f"def {fn}({ctx}: dict[str, object]) -> UserEngine:\n    return UserEngine({ctx}, strict=True)\n"
        return ["from core.engine.user_engine import UserEngine"], [], [usage]
    if form == "canonical_factory":
        usage = (
            f"def {fn}({ctx}: dict[str, object]) -> object:\n"
            f"    return EngineFactory.create_for_user({ctx}, strict=True)\n"
        )
        return ["from core.engine.factory import EngineFactory"], [], [usage]
    if form == "create_engine":
        calls = rng.sample(
            [
                f"create_engine(user_context={ctx})",
                f"create_engine({ctx}, legacy_flag=True)",
                f"create_engine(user_context={ctx}, legacy_flag=False)",
                f"create_engine({ctx})",
            ],
            rng.randint(1, 2),
        )
        body = "".join(f"    engine_{i} = {call}\n" for i, call in enumerate(calls))
        usage = f"def {fn}({ctx}: dict[str, object]) -> object:\n{body}    return engine_0\n"
        return ["from core.compat import create_engine"], [], [usage]
    if form == "compat_module":
        usage = (
            f"def {fn}({ctx}: dict[str, object]) -> object:\n"
            f"    if {ctx}.get('legacy'):\n"
            f"        return compat.create_engine(user_context={ctx}, legacy_flag=True)\n"
            f"    return compat.Engine({ctx})\n"
        )
        return ["from core import compat"], [], [usage]
    if form == "relative":
        dots = _relative_prefix(module)
        usage = f"def {fn}({ctx}: dict[str, object]) -> UserEngine:\n    return UserEngine({ctx})\n"
        return [f"from {dots}legacy.engine_shim import UserEngine"], [], [usage]
    if form == "mock_patch":
        usage = (
            f'@mock.patch("core.legacy.engine_shim.UserEngine")\n'
            f"def test_{noun}_engine_patched_{k}(engine_cls: mock.MagicMock) -> None:\n"
            f"    engine_cls.return_value.run.return_value = [{{'id': {k}}}]\n"
            f"    assert engine_cls.return_value.run('q') == [{{'id': {k}}}]\n"
        )
        if rng.random() < 0.5:
            usage += (
                f"\n\ndef test_{noun}_compat_engine_{k}() -> None:\n"
                f'    with mock.patch("core.compat.Engine") as fake:\n'
                f"        fake.return_value = None\n"
                f"        assert fake() is None\n"
            )
        return ["from unittest import mock"], [], [usage]
    if form == "billing_factory":
        usage = f"def {fn}({ctx}: dict[str, object]) -> object:\n    return EngineFactory.create({ctx})\n"
        return ["from svc_billing.factory import EngineFactory"], [], [usage]
    return realistic_form_code(form, rng, k, fn, ctx, noun)


def realistic_form_code(
    form: str, rng: random.Random, k: int, fn: str, ctx: str, noun: str
) -> tuple[list[str], list[str], list[str]]:
    if form == "legacy_vs_canonical":
        usage = (
            f"def test_legacy_{noun}_engine_path_is_canonical_{k}() -> None:\n"
            f'    """The shim and the compat alias must keep naming the one canonical class."""\n'
            f"    assert LegacyUserEngine is UserEngine\n"
            f"    assert compat.Engine is UserEngine\n"
        )
        if rng.random() < 0.5:
            usage += (
                f"\n\ndef test_{noun}_engine_isinstance_across_paths_{k}() -> None:\n"
                f"    engine = LegacyUserEngine({{'user_id': {k}}})\n"
                f"    assert isinstance(engine, UserEngine)\n"
                f"    assert type(engine).__name__ == UserEngine.__name__\n"
            )
        imports = [
            "from core import compat",
            "from core.engine.user_engine import UserEngine",
            "from core.legacy.engine_shim import UserEngine as LegacyUserEngine",
        ]
        return imports, [], [usage]
    if form == "try_except_none":
        head = (
            "try:\n"
            "    from core.legacy.engine_shim import UserEngine\n"
            "except ImportError:  # pragma: no cover - the slim worker image has no engine\n"
            "    UserEngine = None  # type: ignore[assignment,misc]\n"
        )
        usage = (
            f"def {fn}({ctx}: dict[str, object]) -> object:\n"
            f"    if UserEngine is None:\n"
            f'        raise RuntimeError("engine support is not installed")\n'
            f"    return UserEngine({ctx})\n"
        )
        return [], [head], [usage]
    if form == "import_module_string":
        usage = (
            f"def {fn}({ctx}: dict[str, object]) -> object:\n"
            f'    """Resolved late: plugins load before the engine package is importable."""\n'
            f'    shim = importlib.import_module("core.legacy.engine_shim")\n'
            f"    return shim.UserEngine({ctx})\n"
        )
        return ["import importlib"], [], [usage]
    raise ValueError(f"unknown form {form!r}")
