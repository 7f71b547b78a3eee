"""Detector cases as (id, source, expected) tables, shared by the detector and prefilter tests."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable

import pytest

from migrator.detection import Detection

Expected = list[tuple[str, str, int]]  # (kind, name, line)
Detector = Callable[[ast.Module], tuple[Detection, ...]]
Case = tuple[str, str, Expected]  # (id, source, expected)


def src(text: str) -> str:
    """Dedent a snippet; line 1 is the first line after the opening quotes."""
    return textwrap.dedent(text).lstrip("\n")


def case(text: str, expected: Expected, id: str) -> Case:
    return (id, src(text), expected)


def params(cases: list[Case]) -> list[object]:
    return [pytest.param(source, expected, id=id) for id, source, expected in cases]


def run(detector: Detector, source: str) -> Expected:
    return [(f.kind, f.name, f.line) for f in detector(ast.parse(source))]


SINGLETON_CASES = [
    # ---- module_instance
    case(
        """
        _engine = None

        def get_engine():
            global _engine
            if _engine is None:
                _engine = Engine()
            return _engine
        """,
        [("module_instance", "get_engine", 3)],
        id="module-instance-basic",
    ),
    case(
        """
        _conn: Connection | None = None

        async def connect():
            global _conn
            try:
                with lock:
                    _conn = await open_connection()
            finally:
                pass
        """,
        [("module_instance", "connect", 3)],
        id="module-instance-annotated-async-nested-statements",
    ),
    case(
        """
        _count = None

        def bump():
            global _count
            _count += 1
        """,
        [("module_instance", "bump", 3)],
        id="module-instance-augmented",
    ),
    case(
        """
        _a = _b = None

        def init():
            global _a, _b
            _a, _b = make()
        """,
        [("module_instance", "init", 3)],
        id="module-instance-tuple-one-finding-per-function",
    ),
    case(
        """
        _cfg = None

        @trace
        @other(level=2)
        def load():
            global _cfg
            _cfg = read()
        """,
        [("module_instance", "load", 5)],
        id="module-instance-decorated-def-line",
    ),
    case(
        """
        class Registry:
            @classmethod
            def instance(cls):
                global _registry
                if _registry is None:
                    _registry = cls()
                return _registry

        _registry = None
        """,
        [("module_instance", "Registry.instance", 3)],
        id="module-instance-method-and-late-none",
    ),
    case(
        """
        try:
            _client = None
        except ImportError:
            pass
        if TYPE_CHECKING:
            _other = None

        def client():
            global _client
            for _ in range(3):
                _client = connect()
        """,
        [("module_instance", "client", 8)],
        id="module-instance-none-in-module-try",
    ),
    case(
        """
        _engine = Engine()

        def reset():
            global _engine
            _engine = Engine()
        """,
        [],
        id="module-instance-not-none-initialised",
    ),
    case(
        """
        _engine = None

        def read():
            global _engine
            return _engine

        def attr():
            global _engine
            _engine.ready = True
            _engine[0] = 1
        """,
        [],
        id="module-instance-global-never-assigned",
    ),
    case(
        """
        _engine = None

        def outer():
            def inner():
                global _engine
                _engine = 1
            global _engine
            class Local:
                _engine = 2
            def other():
                _engine = 3
            return inner
        """,
        [],
        id="module-instance-nested-scopes-do-not-count",
    ),
    case(
        """
        global _engine
        _engine = None
        _engine = Engine()
        def make():
            _engine = Engine()
            return _engine
        """,
        [],
        id="module-instance-module-level-global-or-local",
    ),
    # ---- decorator
    case(
        """
        @singleton
        class Config:
            pass

        @dataclass
        @Singleton()
        class Settings:
            pass

        @utils.singleton_factory(scope="app")
        class Cache:
            pass
        """,
        [
            ("decorator", "Config", 2),
            ("decorator", "Settings", 7),
            ("decorator", "Cache", 11),
        ],
        id="decorator-name-attribute-call",
    ),
    case(
        """
        class Outer:
            @SINGLETON
            class Inner:
                pass
        """,
        [("decorator", "Outer.Inner", 3)],
        id="decorator-nested-class",
    ),
    case(
        """
        def singleton(cls):
            instances = {}
            return cls

        @singleton
        def helper():
            pass

        @SINGLETON_REGISTRY.register
        @registry.register(singleton=True)
        class NotASingleton:
            pass
        """,
        [],
        id="decorator-definition-functions-and-other-names",
    ),
    # ---- class_instance
    case(
        """
        class Config:
            _instance = None

            def __new__(cls):
                if cls._instance is None:
                    cls._instance = super().__new__(cls)
                return cls._instance
        """,
        [("class_instance", "Config", 1)],
        id="class-instance-basic",
    ),
    case(
        """
        class A:
            __instance: ClassVar[A | None] = None
            def __new__(cls, *args):
                return cls.__instance

        def make():
            class Local:
                _shared_Instance = None
                async def other(self):
                    pass
                def __new__(cls):
                    pass
            return Local
        """,
        [("class_instance", "A", 1), ("class_instance", "make.Local", 7)],
        id="class-instance-annotated-and-in-function",
    ),
    case(
        """
        class NoNew:
            _instance = None

        class NoAttr:
            def __new__(cls):
                return super().__new__(cls)

        class NotNone:
            _instance = object()
            def __new__(cls):
                return cls._instance

        class OnlyInMethod:
            def reset(cls):
                cls._instance = None
            def __new__(cls):
                pass

        class AnnotationOnly:
            _instance: AnnotationOnly | None
            def __new__(cls):
                pass

        class Outer:
            _instance = None
            class Inner:
                def __new__(cls):
                    pass
        """,
        [],
        id="class-instance-negatives",
    ),
    # ---- cached_factory
    case(
        """
        import functools
        from functools import cache, lru_cache

        @lru_cache
        def get_settings():
            return Settings()

        @functools.lru_cache(maxsize=None)
        def get_db():
            return connect()

        @cache
        async def get_client():
            return Client()

        @functools.cache
        def get_registry():
            return {}
        """,
        [
            ("cached_factory", "get_settings", 5),
            ("cached_factory", "get_db", 9),
            ("cached_factory", "get_client", 13),
            ("cached_factory", "get_registry", 17),
        ],
        id="cached-factory-module-functions",
    ),
    case(
        """
        class Services:
            @functools.cache
            def get_mailer(self):
                return Mailer()

            @classmethod
            @lru_cache()
            def get_default(cls):
                return cls()

            @staticmethod
            @lru_cache(maxsize=1)
            def get_registry():
                return {}

            @lru_cache
            def get_unbound():
                return {}
        """,
        [
            ("cached_factory", "Services.get_mailer", 3),
            ("cached_factory", "Services.get_default", 8),
            ("cached_factory", "Services.get_registry", 13),
            ("cached_factory", "Services.get_unbound", 17),
        ],
        id="cached-factory-methods",
    ),
    case(
        """
        cache = {}

        @lru_cache
        def get_user(user_id):
            return load(user_id)

        @lru_cache
        def load_settings():
            return Settings()

        @lru_cache
        def get_args(*args):
            pass

        @lru_cache
        def get_kw(*, flag=False):
            pass

        @lru_cache
        def get_default(x=1):
            pass

        def get_plain():
            return cache

        @cache.memoize()
        @other.cache
        def get_other():
            pass

        class Services:
            @staticmethod
            @lru_cache
            def get_one(name):
                pass

            @lru_cache
            def get_two(self, key):
                pass

        def outer():
            @lru_cache
            def get_inner():
                pass
        """,
        [],
        id="cached-factory-negatives",
    ),
]

SHARED_STATE_CASES = [
    # ---- class_mutable
    case(
        """
        import collections
        from typing import ClassVar

        class Registry:
            handlers = []
            by_name: dict[str, int] = {}
            tags = set()
            counts = collections.Counter()
            index: ClassVar[dict[str, int]] = {}
            squares = [i * i for i in range(3)]
            lookup = {k: v for k, v in pairs}
            seen = {x for x in range(3)}
            buf = bytearray()
            queue = deque()
            ordered = collections.OrderedDict()
            groups = defaultdict(list)
            explicit = dict(a=1)
            listed = list()
        """,
        [
            ("class_mutable", "Registry.handlers", 5),
            ("class_mutable", "Registry.by_name", 6),
            ("class_mutable", "Registry.tags", 7),
            ("class_mutable", "Registry.counts", 8),
            ("class_mutable", "Registry.index", 9),
            ("class_mutable", "Registry.squares", 10),
            ("class_mutable", "Registry.lookup", 11),
            ("class_mutable", "Registry.seen", 12),
            ("class_mutable", "Registry.buf", 13),
            ("class_mutable", "Registry.queue", 14),
            ("class_mutable", "Registry.ordered", 15),
            ("class_mutable", "Registry.groups", 16),
            ("class_mutable", "Registry.explicit", 17),
            ("class_mutable", "Registry.listed", 18),
        ],
        id="class-mutable-containers",
    ),
    case(
        """
        class A:
            b = a = []
            x, y = [], {}
            if DEBUG:
                hooks = []
            else:
                hooks = None
        """,
        [
            ("class_mutable", "A.a", 2),
            ("class_mutable", "A.b", 2),
            ("class_mutable", "A.x", 3),
            ("class_mutable", "A.y", 3),
            ("class_mutable", "A.hooks", 5),
        ],
        id="class-mutable-multiple-targets-and-if-block",
    ),
    case(
        """
        class Outer:
            names = []
            class Inner:
                items = {}

        def make():
            class Local:
                cache = {}
            return Local
        """,
        [
            ("class_mutable", "Outer.names", 2),
            ("class_mutable", "Outer.Inner.items", 4),
            ("class_mutable", "make.Local.cache", 8),
        ],
        id="class-mutable-nested-and-local-classes",
    ),
    case(
        """
        class A:
            __slots__ = []
            __hash__ = None
            names = ("a", "b")
            frozen = frozenset()
            nothing = None
            factory = list
            copied = tuple([])
            lazy = field(default_factory=list)
            gen = (x for x in range(3))
            annotated_only: list[int]
            text = "[]"

            def __init__(self):
                self.items = []
                local = {}
                for x in range(3):
                    pass

        class B:
            for _ in range(1):
                looped = []
        """,
        [],
        id="class-mutable-negatives",
    ),
    # ---- module_mutable
    case(
        """
        _registry = {}

        def register(name, obj):
            _registry[name] = obj
        """,
        [("module_mutable", "_registry", 1)],
        id="module-mutable-item-assignment",
    ),
    case(
        """
        handlers = []
        cache = {}
        counts = collections.Counter()
        seen = set()
        queue = deque()

        def add(h):
            handlers.append(h)

        def forget(key):
            del cache[key]

        def count(word):
            counts[word] += 1

        class Tracker:
            def track(self, x):
                seen.add(x)

        async def drain():
            while queue:
                queue.popleft()
                queue.appendleft(1)
        """,
        [
            ("module_mutable", "handlers", 1),
            ("module_mutable", "cache", 2),
            ("module_mutable", "counts", 3),
            ("module_mutable", "seen", 4),
            ("module_mutable", "queue", 5),
        ],
        id="module-mutable-methods-del-augmented-async",
    ),
    case(
        """
        _items = []

        def reset():
            global _items
            _items = []
        """,
        [("module_mutable", "_items", 1)],
        id="module-mutable-global-rebinding",
    ),
    case(
        """
        HOOKS = []
        SEEN = set()
        STACK = []
        ORDER = []

        hook = lambda x: HOOKS.append(x)

        def visit(xs):
            return [SEEN.add(x) for x in xs]

        def outer():
            def inner():
                STACK.clear()
            return inner

        def sorter():
            ORDER.sort()

        LEAKED = []

        def no_leak(xs):
            [0 for LEAKED in xs]
            LEAKED.reverse()
        """,
        [
            ("module_mutable", "HOOKS", 1),
            ("module_mutable", "SEEN", 2),
            ("module_mutable", "STACK", 3),
            ("module_mutable", "ORDER", 4),
            ("module_mutable", "LEAKED", 19),
        ],
        id="module-mutable-lambda-comprehension-closure",
    ),
    case(
        """
        if sys.platform == "win32":
            _paths = []
        else:
            _paths = ["/usr"]
        try:
            import fast
        except ImportError:
            _fallback = {}
        A = B = {}
        _paths = []

        def add(p):
            _paths.insert(0, p)
            _fallback.setdefault(p, 1)
            B.update(a=1)
        """,
        [
            ("module_mutable", "_paths", 2),
            ("module_mutable", "_fallback", 8),
            ("module_mutable", "B", 9),
        ],
        id="module-mutable-if-try-first-binding-multiple-targets",
    ),
    case(
        """
        REGISTRY = {}
        LATE = []

        class Plugin:
            hooks = []

            def register(self):
                REGISTRY[self.name] = self

        def factory():
            class Local:
                LATE.append(1)
                cache = {}
            return Local
        """,
        [
            ("module_mutable", "REGISTRY", 1),
            ("module_mutable", "LATE", 2),
            ("class_mutable", "Plugin.hooks", 5),
            ("class_mutable", "factory.Local.cache", 13),
        ],
        id="mixed-module-and-class-state-class-body-in-function",
    ),
    case(
        """
        ITEMS = [1, 2]
        TABLE = {}
        TABLE["a"] = 1
        ITEMS.append(3)
        for x in range(3):
            ITEMS.append(x)

        class A:
            ITEMS.append(4)

        @ITEMS.append
        def f(x=ITEMS.pop()):
            return ITEMS[0] + len(TABLE)
        """,
        [],
        id="module-mutable-never-mutated-or-only-at-module-level",
    ),
    case(
        """
        items = []
        names = []
        keys = []
        pairs = []
        shared = []

        def local():
            items = []
            items.append(1)

        def assigned_later():
            items.append(1)
            items = []

        def parameter(names):
            names.append(1)

        lam = lambda keys: keys.append(1)

        def comprehension(groups):
            return [pairs.pop() for pairs in groups]

        def closure():
            shared = []
            def inner():
                shared.append(1)
            return inner

        def nonlocal_():
            shared = []
            def inner():
                nonlocal shared
                shared.append(1)
            return inner

        def other_bindings(x):
            for items in x:
                items.append(1)
            with open(x) as names:
                names.clear()
            import keys
            keys.update()
            try:
                pass
            except Exception as pairs:
                pairs.add(1)

        walrus = []
        captured = []
        compwalrus = []

        def more_bindings(x):
            if (walrus := x):
                walrus.append(1)
            match x:
                case [*captured]:
                    captured.append(1)
            [(compwalrus := y) for y in x]
            compwalrus.append(1)
        """,
        [],
        id="module-mutable-local-shadowing",
    ),
    case(
        """
        __all__ = []
        items = []
        config = Config()
        data = {}
        later = None

        def f(self):
            __all__.append("x")
            self.items.append(1)
            items.copy()
            items.index(1)
            data.get("k")
            config.update(x=1)
            later.append(1)
            print(data["k"])

        def g():
            global data
            print(data)
        """,
        [],
        id="module-mutable-negatives",
    ),
    case(
        """
        for _ in range(1):
            looped = []
        with ctx:
            managed = {}

        def f():
            looped.append(1)
            managed.clear()
        """,
        [],
        id="module-mutable-binding-in-loop-or-with-not-module-level",
    ),
]
