"""What the analysis knows about one file: frozen values, and the contract of the analysis cache.

``analysis.analyze_source`` produces one ``ModuleInfo`` per file; worker processes send it back to the
parent, the cache stores it (``cache.py``, a data-only encoding checked against these types), and the
index, the planner and the detectors read it. Change a field here and bump ``ANALYSIS_VERSION``, so that
no cached entry of the old shape is ever read as the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from migrator.detection import Detection

ANALYSIS_VERSION = "3"

Scope = Literal["module", "class", "function"]
BindingKind = Literal["def", "class", "from", "module", "alias", "other"]


@dataclass(frozen=True, slots=True)
class Binding:
    """One module-level binding of a name.

    kind ``from``: ``target`` is ``"module:Name"``; ``module``: ``target`` is a module name;
    ``alias``: ``target`` is a dotted expression in this module's namespace (``X`` or ``mod.X``);
    ``def``/``class``/``other``: defined here.
    """

    name: str
    kind: BindingKind
    target: str
    line: int
    conditional: bool  # inside if/try/except/with/for/while at module level
    type_checking: bool  # only under `if TYPE_CHECKING:` (does not exist at run time)


@dataclass(frozen=True, slots=True)
class ImportedName:
    name: str  # the imported name (from-import) or the module path (import)
    asname: str | None

    @property
    def local(self) -> str:
        if self.asname:
            return self.asname
        return self.name.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class ImportStmt:
    """One import statement anywhere in the file."""

    line: int
    end_line: int
    kind: Literal["from", "import"]
    raw_module: str  # as written, without the dots
    level: int
    module: str | None  # absolute module (None: unresolvable relative import)
    names: tuple[ImportedName, ...]  # ("*", None) for a star import
    scope: Scope
    type_checking: bool
    in_try: bool
    keep: bool  # a `# migrator: keep` comment on one of its lines

    @property
    def is_star(self) -> bool:
        return self.kind == "from" and len(self.names) == 1 and self.names[0].name == "*"

    def written_module(self) -> str:
        return "." * self.level + self.raw_module


@dataclass(frozen=True, slots=True)
class AttrUse:
    """``root.a.b`` where ``root`` is a local name bound by an import statement."""

    root: str
    attrs: str  # "a.b"
    line: int


@dataclass(frozen=True, slots=True)
class StringRef:
    value: str
    line: int
    context: Literal["patch", "import_module", "other"]


@dataclass(frozen=True, slots=True)
class CallSite:
    callee: str  # dotted: "create_engine", "m.create_engine", "Factory.create"
    line: int
    awaited: bool
    keep: bool = False  # `# migrator: keep` on its first or last line


@dataclass(frozen=True, slots=True)
class ClassInfo:
    name: str
    line: int
    bases: tuple[str, ...]  # dotted expressions as written
    mentions: frozenset[str]  # dotted names referenced in the body (for delegation)
    methods: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    name: str
    line: int
    mentions: frozenset[str]
    params: tuple[str, ...] = ()  # positional parameters, in order
    kwonly: tuple[str, ...] = ()
    varargs: bool = False
    varkw: bool = False


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    """Everything the planner needs to know about one file."""

    path: str
    module: str
    is_package: bool
    error: str | None = None
    error_line: int | None = None
    skip_file: bool = False
    reexport_only: bool = False  # top level is only imports, __all__, aliases (a shim)
    all_names: tuple[str, ...] | None = None
    bindings: tuple[Binding, ...] = ()
    stars: tuple[ImportStmt, ...] = ()  # module-level star imports (runtime and conditional)
    imports: tuple[ImportStmt, ...] = ()
    attr_uses: tuple[AttrUse, ...] = ()
    name_loads: frozenset[str] = frozenset()
    strings: tuple[StringRef, ...] = ()
    calls: tuple[CallSite, ...] = ()
    classes: tuple[ClassInfo, ...] = ()
    functions: tuple[FunctionInfo, ...] = ()
    singletons: tuple[Detection, ...] = ()
    shared_state: tuple[Detection, ...] = ()
    parser: Literal["ast", "libcst", ""] = "ast"

    @property
    def ok(self) -> bool:
        return self.error is None
