"""Before/after cases for ``codemods.rewrite_calls``; every case also runs a second time (idempotence)."""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass, field

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libcst.codemod import CodemodContext, CodemodTest

from codemods.rewrite_calls import RewriteCallsCommand, rewrite_calls
from codemods.spec import CallRewrite, FileSpec

CANON = "core.engine.factory:EngineFactory.create_for_user"

# billing.engines:create_engine(user_context, legacy_flag=False) -> EngineFactory.create_for_user(context)
PLAIN = CallRewrite(old="billing.engines:create_engine", new=CANON)
MAPPED = CallRewrite(
    old="billing.engines:create_engine",
    new=CANON,
    args=(("user_context", "context"),),
    drop=frozenset({"legacy_flag"}),
    positional=("user_context", "legacy_flag"),
)
ADD_STRICT = CallRewrite(old="billing.engines:create_engine", new=CANON, add=(("strict", "True"),))
KNOWN = CallRewrite(
    old="billing.engines:create_engine",
    new=CANON,
    args=(("user_context", "context"),),
    known_keywords=frozenset({"user_context", "legacy_flag"}),
)
THREE = CallRewrite(
    old="billing.engines:create_engine",
    new=CANON,
    drop=frozenset({"region"}),
    positional=("user_context", "region", "legacy_flag"),
)
SHIM = CallRewrite(
    old="billing.engines:create_engine",
    new=CANON,
    old_aliases=frozenset({"legacy.helpers:create_engine"}),
)
FACTORY = CallRewrite(old="accounts.factory:EngineFactory.create", new=CANON, kind="factory")
CONSTRUCT = CallRewrite(
    old="core.engine.user_engine:UserEngine",
    new="core.engine.factory:EngineFactory.create",
    kind="construct",
)


@dataclass(frozen=True)
class Case:
    id: str
    calls: tuple[CallRewrite, ...]
    module: str
    before: str
    after: str
    notes: tuple[tuple[int, str], ...] = ()  # (line, code)
    is_package: bool = False
    keep_local_names: frozenset[str] = field(default=frozenset())


def case(
    id: str,
    calls: CallRewrite | tuple[CallRewrite, ...],
    module: str,
    before: str,
    after: str | None = None,
    **kw: object,
) -> Case:
    """``after=None`` means the source must come out unchanged."""
    calls = calls if isinstance(calls, tuple) else (calls,)
    before = textwrap.dedent(before)
    after = before if after is None else textwrap.dedent(after)
    return Case(id, calls, module, before, after, **kw)  # type: ignore[arg-type]


CASES = [
    # -- how the old callable is reached -----------------------------------------------------------
    case(
        "plain-call",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine


        def build(ctx):
            return create_engine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory


        def build(ctx):
            return EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "import-alias",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine as mk

        engine = mk(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "old-alias-path",
        SHIM,
        "reports.jobs",
        """\
        from legacy.helpers import create_engine

        engine = create_engine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "module-attribute",
        PLAIN,
        "reports.jobs",
        """\
        import billing.engines

        engine = billing.engines.create_engine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "import-module-as",
        PLAIN,
        "reports.jobs",
        """\
        import billing.engines as be

        engine = be.create_engine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "from-package-import-module",
        PLAIN,
        "reports.jobs",
        """\
        from billing import engines

        engine = engines.create_engine(ctx)
        other = engines.default_region()
        """,
        """\
        from billing import engines
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        other = engines.default_region()
        """,
    ),
    case(
        "relative-import",
        PLAIN,
        "billing.api",
        """\
        from .engines import create_engine

        engine = create_engine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "relative-import-in-package",
        PLAIN,
        "billing",
        """\
        from . import engines

        engine = engines.create_engine(ctx)
        """,
        # libcst's RemoveImportsVisitor never removes ``from . import x`` (no module name); the
        # cleanup_imports codemod is where such a leftover goes.
        """\
        from . import engines
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        """,
        is_package=True,
    ),
    case(
        "relative-import-parent",
        PLAIN,
        "billing.api.views",
        """\
        from ..engines import create_engine

        engine = create_engine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "relative-import-elsewhere-untouched",
        PLAIN,
        "reports.jobs",
        """\
        from .engines import create_engine

        engine = create_engine(ctx)
        """,
    ),
    case(
        "awaited-call",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine


        async def build(ctx):
            return await create_engine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory


        async def build(ctx):
            return await EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "nested-scopes",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine


        class Service:
            default = create_engine(None)

            def build(self, ctx):
                def inner():
                    return create_engine(ctx)

                factory = lambda c: create_engine(c)
                return inner(), factory(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory


        class Service:
            default = EngineFactory.create_for_user(None)

            def build(self, ctx):
                def inner():
                    return EngineFactory.create_for_user(ctx)

                factory = lambda c: EngineFactory.create_for_user(c)
                return inner(), factory(ctx)
        """,
    ),
    case(
        "function-scope-import",
        PLAIN,
        "billing.api",
        """\
        import logging


        def build(ctx):
            from billing.engines import create_engine

            return create_engine(ctx)
        """,
        """\
        import logging

        from core.engine.factory import EngineFactory


        def build(ctx):
            return EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "decorator-and-nested-call",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine


        @register(create_engine(DEFAULT))
        def build(ctx):
            return wrap(create_engine(create_engine(ctx)))
        """,
        """\
        from core.engine.factory import EngineFactory


        @register(EngineFactory.create_for_user(DEFAULT))
        def build(ctx):
            return wrap(EngineFactory.create_for_user(EngineFactory.create_for_user(ctx)))
        """,
    ),
    case(
        "same-name-local-function-untouched",
        PLAIN,
        "billing.api",
        """\
        def create_engine(ctx):
            return ctx


        engine = create_engine(ctx)
        """,
    ),
    case(
        "parameter-shadows-import",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine


        def build(ctx, create_engine=None):
            return create_engine(ctx)
        """,
    ),
    # -- method paths and construction --------------------------------------------------------------
    case(
        "method-path-factory-duplicate",
        FACTORY,
        "accounts.views",
        """\
        from accounts.factory import EngineFactory


        def login(ctx):
            return EngineFactory.create(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory


        def login(ctx):
            return EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "method-rename-on-canonical-class",
        CallRewrite(
            old="core.engine.factory:EngineFactory.create",
            new="core.engine.factory:EngineFactory.create_for_user",
            kind="factory",
        ),
        "billing.api",
        """\
        import logging
        from core.engine.factory import EngineFactory
        from billing.models import Account

        engine = EngineFactory.create(ctx)
        """,
        """\
        import logging
        from core.engine.factory import EngineFactory
        from billing.models import Account

        engine = EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "name-conflict-old-class-still-used",
        FACTORY,
        "accounts.views",
        """\
        from accounts.factory import EngineFactory


        def login(ctx):
            assert isinstance(FACTORY, EngineFactory)
            return EngineFactory.create(ctx)
        """,
        """\
        from accounts.factory import EngineFactory
        from core.engine.factory import EngineFactory as CoreEngineFactory


        def login(ctx):
            assert isinstance(FACTORY, EngineFactory)
            return CoreEngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "name-conflict-local-class",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine


        class EngineFactory:
            pass


        engine = create_engine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory as CoreEngineFactory


        class EngineFactory:
            pass


        engine = CoreEngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "name-conflict-shadowing-parameter",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine


        def build(ctx, EngineFactory):
            return create_engine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory as CoreEngineFactory


        def build(ctx, EngineFactory):
            return CoreEngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "construct",
        CONSTRUCT,
        "billing.api",
        """\
        from core.engine.user_engine import UserEngine


        def build(ctx) -> UserEngine:
            engine = UserEngine(ctx, region="eu")
            assert isinstance(engine, UserEngine)
            return engine
        """,
        """\
        from core.engine.factory import EngineFactory
        from core.engine.user_engine import UserEngine


        def build(ctx) -> UserEngine:
            engine = EngineFactory.create(ctx, region="eu")
            assert isinstance(engine, UserEngine)
            return engine
        """,
    ),
    case(
        "construct-import-removed",
        CONSTRUCT,
        "billing.api",
        """\
        from core.engine.user_engine import UserEngine

        engine = UserEngine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create(ctx)
        """,
    ),
    case(
        "construct-in-factory-module-untouched",
        CONSTRUCT,
        "core.engine.factory",
        """\
        from core.engine.user_engine import UserEngine


        class EngineFactory:
            @classmethod
            def create(cls, ctx):
                return UserEngine(ctx)
        """,
    ),
    case(
        "definition-module-untouched",
        PLAIN,
        "billing.engines",
        """\
        def create_engine(user_context, legacy_flag=False):
            return Engine(user_context)


        DEFAULT = create_engine(None)
        """,
    ),
    case(
        "two-rules-share-one-import",
        (PLAIN, FACTORY),
        "accounts.views",
        """\
        from accounts.factory import EngineFactory
        from billing.engines import create_engine

        first = create_engine(ctx)
        second = EngineFactory.create(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        first = EngineFactory.create_for_user(ctx)
        second = EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "new-is-a-function",
        CallRewrite(old="billing.engines:create_engine", new="core.engine.api:make_engine"),
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx)
        """,
        """\
        from core.engine.api import make_engine

        engine = make_engine(ctx)
        """,
    ),
    case(
        "guarded-import-pair",
        SHIM,
        "reports.jobs",
        """\
        try:
            from billing.engines import create_engine
        except ImportError:
            from legacy.helpers import create_engine

        engine = create_engine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        try:
            pass
        except ImportError:
            pass

        engine = EngineFactory.create_for_user(ctx)
        """,
    ),
    # -- arguments ---------------------------------------------------------------------------------
    case(
        "keyword-rename",
        MAPPED,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(user_context=ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(context=ctx)
        """,
    ),
    case(
        "dropped-keyword",
        MAPPED,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx, legacy_flag=True)
        first = create_engine(legacy_flag=True, user_context=ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        first = EngineFactory.create_for_user(context=ctx)
        """,
    ),
    case(
        "dropped-positional",
        MAPPED,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx, True)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "dropped-middle-positional-names-the-rest",
        THREE,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx, "eu", True)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx, legacy_flag=True)
        """,
    ),
    case(
        "added-keyword",
        ADD_STRICT,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx)
        bare = create_engine()
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx, strict=True)
        bare = EngineFactory.create_for_user(strict=True)
        """,
    ),
    case(
        "added-keyword-already-present",
        ADD_STRICT,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx, strict=False)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx, strict=False)
        """,
    ),
    case(
        "star-args-pass-through",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(*args, **kwargs)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(*args, **kwargs)
        """,
    ),
    case(
        "star-args-with-keyword-rename",
        MAPPED.__class__(
            old=MAPPED.old, new=MAPPED.new, args=MAPPED.args, drop=frozenset({"legacy_flag"})
        ),
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(*args, user_context=ctx, legacy_flag=True)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(*args, context=ctx)
        """,
    ),
    # -- formatting ----------------------------------------------------------------------------------
    case(
        "multiline-drop-last-keeps-trailing-comma",
        MAPPED,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(
            user_context=ctx,  # the caller's context
            legacy_flag=True,  # goes away
        )
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(
            context=ctx,  # the caller's context
        )
        """,
    ),
    case(
        "multiline-drop-middle-keeps-comments",
        MAPPED,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(
            # who asks
            user_context=ctx,
            legacy_flag=True,  # goes away
            # how long to wait
            timeout=30,
        )
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(
            # who asks
            context=ctx,
            # how long to wait
            timeout=30,
        )
        """,
    ),
    case(
        "multiline-add-keyword",
        ADD_STRICT,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(
            ctx,
            timeout=30,  # seconds
        )
        single = create_engine(
            ctx
        )
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(
            ctx,
            timeout=30,  # seconds
            strict=True,
        )
        single = EngineFactory.create_for_user(
            ctx,
            strict=True
        )
        """,
    ),
    case(
        "untouched-arguments-keep-spacing",
        MAPPED,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine( ctx ,  timeout = 30 )  # keep me
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user( ctx ,  timeout = 30 )  # keep me
        """,
    ),
    # -- imports -------------------------------------------------------------------------------------
    case(
        "old-import-kept-while-other-name-used",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import Engine, create_engine

        engine: Engine = create_engine(ctx)
        """,
        """\
        from billing.engines import Engine
        from core.engine.factory import EngineFactory

        engine: Engine = EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "unused-import-not-removed",
        PLAIN,
        "billing.api",
        """\
        import os
        from billing.engines import create_engine, unused_helper

        engine = create_engine(ctx)
        """,
        """\
        import os
        from billing.engines import unused_helper
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        """,
    ),
    case(
        "existing-import-reused",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine
        from core.engine.factory import EngineFactory

        engine = create_engine(ctx)
        admin = EngineFactory.create_for_admin(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        admin = EngineFactory.create_for_admin(ctx)
        """,
    ),
    case(
        "existing-alias-import-reused",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine
        from core.engine.factory import EngineFactory as EF

        engine = create_engine(ctx)
        """,
        """\
        from core.engine.factory import EngineFactory as EF

        engine = EF.create_for_user(ctx)
        """,
    ),
    case(
        "exported-name-keeps-import",
        PLAIN,
        "billing",
        """\
        from billing.engines import create_engine

        DEFAULT = create_engine(None)
        """,
        """\
        from billing.engines import create_engine
        from core.engine.factory import EngineFactory

        DEFAULT = EngineFactory.create_for_user(None)
        """,
        is_package=True,
        keep_local_names=frozenset({"create_engine"}),
    ),
    # -- refusals and notes --------------------------------------------------------------------------
    case(
        "unsafe-unknown-keyword",
        KNOWN,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx, retries=3)
        """,
        notes=((3, "call-unsafe"),),
    ),
    case(
        "unsafe-extra-positional",
        MAPPED,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx, False, "eu")
        """,
        notes=((3, "call-unsafe"),),
    ),
    case(
        "unsafe-kwargs-with-mapping",
        MAPPED,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx, **options)
        """,
        notes=((3, "call-unsafe"),),
    ),
    case(
        "unsafe-kwargs-with-add",
        ADD_STRICT,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx, **options)
        """,
        notes=((3, "call-unsafe"),),
    ),
    case(
        "unsafe-star-args-with-positional-drop",
        MAPPED,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(*args)
        """,
        notes=((3, "call-unsafe"),),
    ),
    case(
        "unsafe-repeated-keyword",
        MAPPED,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(user_context=ctx, context=other)
        """,
        notes=((3, "call-unsafe"),),
    ),
    case(
        "unsafe-ambiguous-binding",
        PLAIN,
        "billing.api",
        """\
        try:
            from billing.engines import create_engine
        except ImportError:
            create_engine = None

        engine = create_engine(ctx)
        """,
        notes=((6, "call-unsafe"),),
    ),
    case(
        "unsafe-and-safe-in-one-module",
        MAPPED,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx)
        risky = create_engine(ctx, **options)
        """,
        """\
        from billing.engines import create_engine
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        risky = create_engine(ctx, **options)
        """,
        notes=((4, "call-unsafe"),),
    ),
    case(
        "reference-kept",
        PLAIN,
        "billing.api",
        """\
        import billing.engines
        from billing.engines import create_engine

        HOOKS = {"engine": create_engine}
        lookup = getattr(billing.engines, "create_engine")
        name = create_engine.__name__
        """,
        notes=((4, "reference-kept"), (5, "reference-kept"), (6, "reference-kept")),
    ),
    case(
        "reference-kept-next-to-call",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx)
        register(create_engine)
        """,
        """\
        from billing.engines import create_engine
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create_for_user(ctx)
        register(create_engine)
        """,
        notes=((4, "reference-kept"),),
    ),
    case(
        "migrator-keep-comment",
        PLAIN,
        "billing.api",
        """\
        from billing.engines import create_engine

        engine = create_engine(ctx)  # migrator: keep
        """,
        notes=((3, "kept"),),
    ),
]


def _spec(c: Case) -> FileSpec:
    path = c.module.replace(".", "/") + ("/__init__.py" if c.is_package else ".py")
    return FileSpec(
        path=path,
        module=c.module,
        is_package=c.is_package,
        calls=c.calls,
        keep_local_names=c.keep_local_names,
    )


@pytest.mark.parametrize("c", [pytest.param(c, id=c.id) for c in CASES])
def test_rewrite(c: Case) -> None:
    spec = _spec(c)
    out, notes = rewrite_calls(cst.parse_module(c.before), spec)
    assert out.code == c.after
    ast.parse(out.code)
    assert [(n.line, n.code) for n in notes] == list(c.notes)
    again, _ = rewrite_calls(cst.parse_module(out.code), spec)
    assert again.code == out.code


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) >= 30


def test_note_messages_say_why() -> None:
    src = "from billing.engines import create_engine\ncreate_engine(ctx, **options)\n"
    _, notes = rewrite_calls(cst.parse_module(src), FileSpec("a.py", "a", calls=(MAPPED,)))
    assert "**kwargs" in notes[0].message


def test_unchanged_module_is_returned_as_is() -> None:
    module = cst.parse_module("import os\n")
    out, notes = rewrite_calls(module, FileSpec("a.py", "a", calls=(PLAIN,)))
    assert out is module
    assert notes == ()


def test_bad_added_expression_is_an_error() -> None:
    bad = CallRewrite(old=PLAIN.old, new=PLAIN.new, add=(("strict", "True)"),))
    with pytest.raises(ValueError, match="strict"):
        rewrite_calls(cst.parse_module("x = 1\n"), FileSpec("a.py", "a", calls=(bad,)))


class TestRewriteCallsCommand(CodemodTest):
    TRANSFORM = RewriteCallsCommand

    def test_codemod_cli_command(self) -> None:
        before = """
            from billing.engines import create_engine

            engine = create_engine(user_context=ctx, legacy_flag=True)
            hook = create_engine
        """
        after = """
            from billing.engines import create_engine
            from core.engine.factory import EngineFactory

            engine = EngineFactory.create_for_user(context=ctx, strict=True)
            hook = create_engine
        """
        self.assertCodemod(
            before,
            after,
            old="billing.engines:create_engine",
            new=CANON,
            rename=["user_context=context"],
            drop=["legacy_flag"],
            add=["strict=True"],
            context_override=CodemodContext(
                filename="billing/api.py",
                full_module_name="billing.api",
                full_package_name="billing",
            ),
            expected_warnings=[
                "line 4: reference-kept: create_engine is used without a call; kept"
            ],
        )


# -- property: any argument layout comes out parseable, mapped, and stable ----------------------------

_ARG = st.sampled_from(
    ["ctx", "True", "user_context=ctx", "legacy_flag=False", "timeout=30", "*args", "**options"]
)
_SEP = st.sampled_from([", ", ",\n    ", ",  # note\n    ", ",\n    # own line\n    "])
_END = st.sampled_from(["", ",", ",\n", "\n", ",  # last\n"])


@settings(max_examples=20, deadline=None)
@given(
    args=st.lists(_ARG, max_size=5, unique=True),
    seps=st.lists(_SEP, min_size=5, max_size=5),
    end=_END,
    opening=st.sampled_from(["", "\n    "]),
)
def test_any_layout_parses_and_is_stable(
    args: list[str], seps: list[str], end: str, opening: str
) -> None:
    body = args[0] if args else ""
    for arg, sep in zip(args[1:], seps, strict=False):
        body += sep + arg
    if not args:
        end = ""
    src = f"from billing.engines import create_engine\n\nx = create_engine({opening}{body}{end})\n"
    try:
        ast.parse(src)
    except SyntaxError:
        return  # e.g. a positional argument after a keyword
    rule = CallRewrite(
        old=MAPPED.old,
        new=MAPPED.new,
        args=MAPPED.args,
        drop=MAPPED.drop,
        positional=MAPPED.positional,
        add=(("strict", "True"),),
    )
    spec = FileSpec("billing/api.py", "billing.api", calls=(rule,))
    out, notes = rewrite_calls(cst.parse_module(src), spec)
    tree = ast.parse(out.code)
    again, _ = rewrite_calls(cst.parse_module(out.code), spec)
    assert again.code == out.code
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    if notes:
        assert out.code == src
        return
    (call,) = calls
    keywords = [k.arg for k in call.keywords]
    assert "legacy_flag" not in keywords and "user_context" not in keywords
    assert keywords.count("strict") == 1
    assert out.code.count("# own line") == src.count("# own line")
