"""What the planner tells the codemods to do for one file.

Everything here is frozen and picklable: the planner builds one ``FileSpec`` per file and sends it to a
worker process, which runs the codemods and sends back bytes. Symbols are written ``module:Attr``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class SymbolTarget:
    """One canonical symbol and every path that resolves to the same object.

    ``canonical`` is ``"pkg.mod:Name"``. ``aliases`` holds other ``"module:Attr"`` paths that are the same
    object (re-export shims, ``Old = New`` assignments, ``canonical_imports`` modules, configured legacy
    paths). An import of the canonical path itself under another local name (``as Alias``) is also a
    target when ``rename_aliases`` is on.
    """

    canonical: str
    aliases: frozenset[str] = frozenset()
    rename_aliases: bool = True

    @property
    def module(self) -> str:
        return self.canonical.split(":", 1)[0]

    @property
    def name(self) -> str:
        return self.canonical.split(":", 1)[1]


@dataclass(frozen=True, slots=True)
class CallRewrite:
    """``old(...)`` becomes ``new(...)`` with an argument mapping (``[[calls]]``, factory method maps,
    and ``construct_via``).

    ``old`` and ``new`` are ``"module:Attr"``; ``Attr`` may be ``Class.method`` (then the call is written
    ``Class.method(...)`` with ``Class`` imported from ``module``). ``old_aliases`` are further paths that
    are the same callable (found by the index). ``args`` renames keywords, ``drop`` removes arguments (by
    keyword; positional ones by their parameter name in ``positional``), ``add`` adds keyword arguments
    (values are Python source text). ``positional`` names the old callable's positional parameters in
    order, so a positional argument can be dropped or checked; a positional argument past the end of a
    non-empty ``positional`` makes the call unsafe (left alone, reported).
    """

    old: str
    new: str
    old_aliases: frozenset[str] = frozenset()
    args: tuple[tuple[str, str], ...] = ()
    drop: frozenset[str] = frozenset()
    add: tuple[tuple[str, str], ...] = ()
    positional: tuple[str, ...] = ()
    known_keywords: frozenset[str] | None = None  # None: any keyword is accepted
    kind: Literal["call", "factory", "construct"] = "call"


@dataclass(frozen=True, slots=True)
class FileSpec:
    """Everything the codemods need to rewrite one file."""

    path: str  # repo-relative, with "/"
    module: str  # dotted module name of this file ("" when it is outside every src root)
    # True for __init__.py (relative imports resolve from the package itself).
    is_package: bool = False
    symbols: tuple[SymbolTarget, ...] = ()
    # Module-level local names of this file that other modules import or name in strings and that are not
    # all rewritten in this run: such a binding keeps its name (no alias renaming of it).
    keep_local_names: frozenset[str] = frozenset()
    # Dotted string references to rewrite: "legacy.mod.Name" -> "canon.mod.Name", and whole modules
    # ("legacy.shim" -> "canon.mod") for importlib.import_module / patch.object targets.
    string_map: tuple[tuple[str, str], ...] = ()
    strings: Literal["code", "all"] = "code"  # "all": docstrings and comments too
    calls: tuple[CallRewrite, ...] = ()
    # Rewrite imports (False for the canonical module itself and for re-export shims, which keep theirs).
    rewrite_imports: bool = True
    relative: Literal["absolute"] = "absolute"


@dataclass(frozen=True, slots=True)
class Note:
    """Something a codemod left alone on purpose, reported to the user with file and line."""

    line: int
    code: str  # e.g. "alias-kept", "call-unsafe", "conditional"
    message: str


@dataclass(frozen=True, slots=True)
class TransformResult:
    """The outcome for one file's source; ``new`` is None when the file did not parse."""

    new: bytes | None
    changed: bool
    notes: tuple[Note, ...] = ()
    error: str | None = None
    error_line: int | None = None
    counts: tuple[tuple[str, int], ...] = field(default=())  # e.g. (("imports", 3), ("strings", 1))
