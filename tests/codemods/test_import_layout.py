"""Before/after cases for the layout of the import block through the whole pipeline
(``codemods.api.transform_source``): blank lines and comments above a removed import stay (call
rewrite, newly-unused cleanup, import rewrite), and new imports go to their sorted place when the
import block is sorted. Each case runs twice and must parse."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from codemods.api import transform_source
from codemods.rewrite_calls import rewrite_calls
from codemods.spec import CallRewrite, FileSpec, SymbolTarget
from tests.codemods.conftest import SAME, Case, case, check_case, make_spec

NEW = "core.engine.factory:EngineFactory.create"
GET_ENGINE = CallRewrite(
    old="billing.engines:get_engine",
    new=NEW,
    args=(("account_id", "user_id"),),
    drop=frozenset({"reuse"}),
)
ZZ_GET_ENGINE = CallRewrite(old="zz.legacy:get_engine", new=NEW)
CREATE_ENGINE = CallRewrite(
    old="core.legacy.helpers:create_engine",
    new=NEW,
    args=(("user_context", "context"),),
    add=(("strict", "True"),),
)
BUILD = CallRewrite(
    old="accounts.engine_factory:AccountsEngineFactory.build", new=NEW, kind="factory"
)
ACCOUNT_ENGINE = SymbolTarget(
    canonical="core.engine.user_engine:UserEngine",
    aliases=frozenset({"accounts.engines:AccountEngine", "core.legacy:UserEngine"}),
)
CALLS = {"calls": (GET_ENGINE,)}

CASES: list[Case] = [
    # ------------------------------------------------------- removed imports keep what stood above
    case(
        "calls-removed-first-import-of-group-keeps-blank-line",
        CALLS,
        """
        from __future__ import annotations

        from billing.engines import get_engine
        from billing.models import Account

        engine = get_engine(account_id=Account.owner)
        """,
        """
        from __future__ import annotations

        from billing.models import Account
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create(user_id=Account.owner)
        """,
    ),
    case(
        "calls-removed-first-import-keeps-comment-above-it",
        CALLS,
        """
        import os

        # engines and the models they run on
        from billing.engines import get_engine
        from billing.models import Account

        engine = get_engine(os.environ, Account)
        """,
        """
        import os

        # engines and the models they run on
        from billing.models import Account
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create(os.environ, Account)
        """,
    ),
    case(
        "calls-removed-whole-group-leaves-one-separator",
        CALLS,
        """
        import os

        from billing.engines import get_engine

        from app.local import helper

        engine = get_engine(os.environ, helper)
        """,
        """
        import os

        from app.local import helper
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create(os.environ, helper)
        """,
    ),
    case(
        "cleanup-removes-first-import-of-group-keeps-blank-line",
        CALLS,
        """
        from __future__ import annotations

        from billing.config import REUSE
        from billing.engines import get_engine
        from billing.models import Account

        engine = get_engine(Account.owner, reuse=REUSE)
        """,
        """
        from __future__ import annotations

        from billing.models import Account
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create(Account.owner)
        """,
    ),
    case(
        "rewrite-drops-first-import-of-group-keeps-blank-line-and-comment",
        {},
        """
        import os

        # engines
        from core.compat import Engine
        from core.engine.user_engine import UserEngine

        engine = Engine(os.environ) or UserEngine
        """,
        """
        import os

        # engines
        from core.engine.user_engine import UserEngine

        engine = UserEngine(os.environ) or UserEngine
        """,
    ),
    case(
        "function-body-first-import-removed-no-blank-line-opens-the-body",
        CALLS,
        """
        from billing.models import Account


        def build(account: Account):
            from billing.engines import get_engine

            from billing.audit import log

            log(account)
            return get_engine(account)
        """,
        """
        from billing.models import Account
        from core.engine.factory import EngineFactory


        def build(account: Account):
            from billing.audit import log

            log(account)
            return EngineFactory.create(account)
        """,
    ),
    case(
        "function-body-first-import-removed-comment-and-separator-stay",
        CALLS,
        """
        from billing.models import Account


        def build(account: Account):
            # the engine, then the audit log
            from billing.engines import get_engine

            from billing.audit import log

            log(account)
            return get_engine(account)
        """,
        """
        from billing.models import Account
        from core.engine.factory import EngineFactory


        def build(account: Account):
            # the engine, then the audit log

            from billing.audit import log

            log(account)
            return EngineFactory.create(account)
        """,
    ),
    case(
        "welcome-shape-calls-and-symbols",
        {
            "path": "accounts/onboarding/welcome.py",
            "module": "accounts.onboarding.welcome",
            "symbols": (ACCOUNT_ENGINE,),
            "calls": (BUILD, CREATE_ENGINE),
        },
        '''
        """First-run tasks for a new account."""

        from __future__ import annotations

        from accounts.engine_factory import AccountsEngineFactory
        from accounts.models.account import Account
        from core.legacy.helpers import create_engine

        from ..engines import AccountEngine

        WELCOME_TASKS = ("create-workspace",)


        def run_onboarding(account: Account) -> AccountEngine:
            return AccountsEngineFactory.build(account.owner_id, context={"onboarding": True})


        def trial_engine(account: Account) -> AccountEngine:
            return create_engine(account.owner_id, user_context={"trial": True})
        ''',
        # The relative import is rewritten in place (rule 5), so it stays in its own group.
        '''
        """First-run tasks for a new account."""

        from __future__ import annotations

        from accounts.models.account import Account
        from core.engine.factory import EngineFactory

        from core.engine.user_engine import UserEngine

        WELCOME_TASKS = ("create-workspace",)


        def run_onboarding(account: Account) -> UserEngine:
            return EngineFactory.create(account.owner_id, context={"onboarding": True})


        def trial_engine(account: Account) -> UserEngine:
            return EngineFactory.create(account.owner_id, context={"trial": True}, strict=True)
        ''',
    ),
    # ------------------------------------------------------------------- where new imports go
    case(
        "sorted-block-new-import-at-its-sorted-place",
        CALLS,
        """
        import logging

        from accounts.models import Account
        from billing.engines import get_engine
        from core.config.settings import Settings
        from core.utils.clock import utcnow

        engine = get_engine(Account, Settings, utcnow, logging)
        """,
        """
        import logging

        from accounts.models import Account
        from core.config.settings import Settings
        from core.engine.factory import EngineFactory
        from core.utils.clock import utcnow

        engine = EngineFactory.create(Account, Settings, utcnow, logging)
        """,
    ),
    case(
        "unsorted-block-new-import-after-the-last-import",
        CALLS,
        """
        from core.utils.clock import utcnow
        from billing.engines import get_engine
        from accounts.models import Account

        engine = get_engine(Account, utcnow)
        """,
        """
        from core.utils.clock import utcnow
        from accounts.models import Account
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create(Account, utcnow)
        """,
    ),
    case(
        "new-import-sorts-first-in-its-group",
        {"calls": (ZZ_GET_ENGINE,)},
        """
        import os

        from core.events.bus import EventBus
        from core.utils.clock import utcnow
        from zz.legacy import get_engine

        engine = get_engine(os.environ, EventBus, utcnow)
        """,
        """
        import os

        from core.engine.factory import EngineFactory
        from core.events.bus import EventBus
        from core.utils.clock import utcnow

        engine = EngineFactory.create(os.environ, EventBus, utcnow)
        """,
    ),
    case(
        "new-import-sorts-first-comment-stays-with-its-import",
        {"calls": (ZZ_GET_ENGINE,)},
        """
        import os

        # the bus
        from core.events.bus import EventBus
        from zz.legacy import get_engine

        engine = get_engine(os.environ, EventBus)
        """,
        """
        import os

        from core.engine.factory import EngineFactory
        # the bus
        from core.events.bus import EventBus

        engine = EngineFactory.create(os.environ, EventBus)
        """,
    ),
    case(
        "new-import-sorts-last",
        CALLS,
        """
        from __future__ import annotations

        from accounts.models import Account
        from billing.engines import get_engine
        from billing.models import Invoice

        engine = get_engine(Account, Invoice)
        """,
        """
        from __future__ import annotations

        from accounts.models import Account
        from billing.models import Invoice
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create(Account, Invoice)
        """,
    ),
    case(
        "only-stdlib-imports-new-import-gets-its-own-group",
        CALLS,
        """
        import logging

        from billing.engines import get_engine

        engine = get_engine(logging)
        """,
        """
        import logging

        from core.engine.factory import EngineFactory

        engine = EngineFactory.create(logging)
        """,
    ),
    case(
        "never-into-type-checking-block",
        CALLS,
        """
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from billing.engines import get_engine

        if TYPE_CHECKING:
            from billing.models import Account


        def build(account: Account):
            return get_engine(account)
        """,
        """
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from core.engine.factory import EngineFactory

        if TYPE_CHECKING:
            from billing.models import Account


        def build(account: Account):
            return EngineFactory.create(account)
        """,
    ),
    case(
        "group-after-a-try-block-is-used",
        CALLS,
        """
        import os

        try:
            import ujson as json
        except ImportError:
            import json

        from billing.engines import get_engine
        from billing.models import Account

        engine = get_engine(json, os, Account)
        """,
        """
        import os

        try:
            import ujson as json
        except ImportError:
            import json

        from billing.models import Account
        from core.engine.factory import EngineFactory

        engine = EngineFactory.create(json, os, Account)
        """,
    ),
    case(
        "merging-into-an-import-of-the-module-is-preferred",
        CALLS,
        """
        from billing.engines import get_engine
        from core.engine.factory import get_engine_factory

        engine = get_engine(get_engine_factory())
        """,
        """
        from core.engine.factory import EngineFactory, get_engine_factory

        engine = EngineFactory.create(get_engine_factory())
        """,
    ),
    case(
        "rewrite-created-import-sorted-into-its-group",
        {},
        """
        from core.config import settings
        from core.unified import UnifiedEngineFactory, helper

        factory = UnifiedEngineFactory(settings, helper)
        """,
        """
        from core.config import settings
        from core.engine.factory import EngineFactory
        from core.unified import helper

        factory = EngineFactory(settings, helper)
        """,
    ),
    case(
        "rewrite-created-import-unsorted-block-right-after-the-old-one",
        {},
        """
        from core.zeta import zeta
        from core.unified import UnifiedEngineFactory, helper

        factory = UnifiedEngineFactory(zeta, helper)
        """,
        """
        from core.zeta import zeta
        from core.unified import helper
        from core.engine.factory import EngineFactory

        factory = EngineFactory(zeta, helper)
        """,
    ),
    case(
        "rewrite-created-import-in-function-stays-after-the-old-one",
        {},
        """
        from core.config import settings


        def build():
            from core.unified import UnifiedEngineFactory, helper

            return UnifiedEngineFactory(settings, helper)
        """,
        """
        from core.config import settings


        def build():
            from core.unified import helper
            from core.engine.factory import EngineFactory

            return EngineFactory(settings, helper)
        """,
    ),
    case(
        "already-sorted-file-without-changes-untouched",
        CALLS,
        """
        from billing.models import Account

        account = Account()
        """,
        SAME,
    ),
]


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_case(c: Case) -> None:
    check_case(c)


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


def test_crlf_file_keeps_its_separator_and_sorts_the_new_import() -> None:
    data = (
        b'"""Nightly jobs."""\r\n'
        b"\r\n"
        b"from __future__ import annotations\r\n"
        b"\r\n"
        b"from collections.abc import Iterable\r\n"
        b"\r\n"
        b"from billing.engines import get_engine\r\n"
        b"from core.legacy.compat import Engine\r\n"
        b"\r\n"
        b"\r\n"
        b"def nightly(ids: Iterable[str]) -> list[Engine]:\r\n"
        b"    return [get_engine(i) for i in ids]\r\n"
    )
    engine = SymbolTarget(
        canonical="core.engine.user_engine:UserEngine",
        aliases=frozenset({"core.legacy.compat:Engine"}),
    )
    spec = make_spec(
        path="billing/tasks.py", module="billing.tasks", symbols=(engine,), calls=(GET_ENGINE,)
    )
    first = transform_source(data, spec)
    assert first.error is None, first.error
    assert first.new == (
        b'"""Nightly jobs."""\r\n'
        b"\r\n"
        b"from __future__ import annotations\r\n"
        b"\r\n"
        b"from collections.abc import Iterable\r\n"
        b"\r\n"
        b"from core.engine.factory import EngineFactory\r\n"
        b"from core.engine.user_engine import UserEngine\r\n"
        b"\r\n"
        b"\r\n"
        b"def nightly(ids: Iterable[str]) -> list[UserEngine]:\r\n"
        b"    return [EngineFactory.create(i) for i in ids]\r\n"
    )
    ast.parse(first.new)
    second = transform_source(first.new, spec)
    assert second.new == first.new and not second.changed


def test_rewrite_calls_alone_keeps_the_separator_of_a_removed_first_import() -> None:
    before = (
        "import os\n\nfrom billing.engines import get_engine\nfrom billing.models import Account\n"
        "\nengine = get_engine(os, Account)\n"
    )
    out, _ = rewrite_calls(
        cst.parse_module(before), FileSpec("app/a.py", "app.a", calls=CALLS["calls"])
    )
    assert out.code == (
        "import os\n\nfrom billing.models import Account\n"
        "from core.engine.factory import EngineFactory\n\nengine = EngineFactory.create(os, Account)\n"
    )
