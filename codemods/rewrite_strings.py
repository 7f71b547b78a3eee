"""Rewrite dotted string references (``mock.patch("legacy.mod.Name")``) to their canonical paths.

A plain string literal in code whose value is exactly a key of ``spec.string_map`` takes the mapped
value; so does one that continues a symbol key with ``.attr`` (``"legacy.mod.Name.method"``). Docstrings
and comments are only touched when ``spec.strings == "all"``; then every dotted occurrence in them is
replaced on word boundaries. Strings on a line with ``# migrator: keep`` stay as they are.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext
from libcst.metadata import MetadataWrapper, PositionProvider

from codemods._util import KEEP_RE, KeptLines
from codemods.names import is_dotted
from codemods.spec import FileSpec, Note

DESCRIPTION = (
    "Rewrite dotted string references (mock.patch targets, import_module) to canonical paths."
)


class StringMap:
    """Exact and prefix lookups of dotted references.

    A key that is a module (the module part of a symbol in the spec, or a key other keys extend) is
    only replaced when it matches whole: ``"legacy.shim.helper"`` must not become
    ``"canon.mod.helper"`` just because ``"legacy.shim"`` maps to ``"canon.mod"``.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]], modules: Iterable[str] = ()) -> None:
        self.exact: dict[str, str] = {}
        for old, new in pairs:
            if old and old != new:
                self.exact.setdefault(old, new)
        keys = sorted(self.exact, key=len, reverse=True)
        module_set = set(modules)
        self.module_keys = frozenset(
            k for k in keys if k in module_set or any(o.startswith(k + ".") for o in keys)
        )
        self._keys = keys
        self._pattern = (
            re.compile(r"(?<![\w.])(" + "|".join(re.escape(k) for k in keys) + r")(?!\w)")
            if keys
            else None
        )

    def __bool__(self) -> bool:
        return bool(self.exact)

    def lookup(self, value: str) -> str | None:
        """The new value of a string literal whose whole value is ``value``, or None."""
        if value in self.exact:
            return self.exact[value]
        if not is_dotted(value):
            return None
        for key in self._keys:
            if key not in self.module_keys and value.startswith(key + "."):
                return self.exact[key] + value[len(key) :]
        return None

    def replace_words(self, text: str) -> tuple[str, int]:
        """Replace dotted occurrences in free text (docstrings, comments) on word boundaries."""
        if self._pattern is None:
            return text, 0
        count = 0

        def sub(match: re.Match[str]) -> str:
            nonlocal count
            key = match.group(1)
            rest = match.string[match.end() :]
            if key in self.module_keys and re.match(r"\.\w", rest):
                return key
            count += 1
            return self.exact[key]

        return self._pattern.sub(sub, text), count


def _docstring_nodes(module: cst.Module) -> set[int]:
    """Ids of the string nodes that are module, class or function docstrings."""
    found: set[int] = set()

    def first(body: Sequence[cst.BaseStatement] | Sequence[cst.BaseSmallStatement]) -> None:
        if not body:
            return
        stmt = body[0]
        if isinstance(stmt, cst.SimpleStatementLine) and stmt.body:
            stmt = stmt.body[0]
        if isinstance(stmt, cst.Expr) and isinstance(
            stmt.value, (cst.SimpleString, cst.ConcatenatedString)
        ):
            found.add(id(stmt.value))

    class _Finder(cst.CSTVisitor):
        def visit_Module(self, node: cst.Module) -> None:
            first(node.body)

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            first(node.body.body)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            first(node.body.body)

    module.visit(_Finder())
    return found


class _Rewrite(cst.CSTTransformer):
    def __init__(
        self,
        mapping: StringMap,
        everything: bool,
        kept: frozenset[int],
        docstrings: set[int],
        line_of: Callable[[cst.CSTNode], int],
    ) -> None:
        super().__init__()
        self.mapping = mapping
        self.everything = everything
        self.kept_lines = kept
        self.line_of = line_of
        self.docstrings = docstrings
        self.count = 0
        self.notes: list[Note] = []
        self._concatenated = 0
        self._docstring_depth = 0

    def _kept(self, node: cst.CSTNode, before: str, after: str) -> bool:
        if not self.kept_lines:
            return False
        line = self.line_of(node)
        if line not in self.kept_lines:
            return False
        self.notes.append(
            Note(line, "kept", f"string {before!r} left as written (# migrator: keep)")
        )
        return True

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._concatenated += 1
        if id(node) in self.docstrings:
            self._docstring_depth += 1

    def leave_ConcatenatedString(
        self, original_node: cst.ConcatenatedString, updated_node: cst.ConcatenatedString
    ) -> cst.BaseExpression:
        self._concatenated -= 1
        if id(original_node) in self.docstrings:
            self._docstring_depth -= 1
        return updated_node

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        if "b" in updated_node.prefix.lower():
            return updated_node
        docstring = id(original_node) in self.docstrings or self._docstring_depth > 0
        if docstring:
            if not self.everything:
                return updated_node
            body, count = self.mapping.replace_words(updated_node.raw_value)
            if not count or self._kept(original_node, updated_node.raw_value, body):
                return updated_node
            self.count += count
            quote = updated_node.quote
            return updated_node.with_changes(value=f"{updated_node.prefix}{quote}{body}{quote}")
        if self._concatenated:
            return updated_node
        raw = updated_node.raw_value
        value = updated_node.evaluated_value
        if not isinstance(value, str) or raw != value:
            return updated_node
        new = self.mapping.lookup(value)
        if new is None or self._kept(original_node, value, new):
            return updated_node
        self.count += 1
        quote = updated_node.quote
        return updated_node.with_changes(value=f"{updated_node.prefix}{quote}{new}{quote}")

    def leave_Comment(self, original_node: cst.Comment, updated_node: cst.Comment) -> cst.Comment:
        if not self.everything:
            return updated_node
        text, count = self.mapping.replace_words(updated_node.value)
        if not count:
            return updated_node
        self.count += count
        return updated_node.with_changes(value=text)


def _modules_of(spec: FileSpec) -> set[str]:
    modules: set[str] = set()
    for target in spec.symbols:
        modules.add(target.module)
        modules.update(alias.split(":", 1)[0] for alias in target.aliases)
    return modules


def rewrite_strings(
    module: cst.Module, spec: FileSpec, *, code: str | None = None
) -> tuple[cst.Module, tuple[Note, ...], int]:
    """Rewrite the string references of ``module`` that ``spec.string_map`` names.

    Returns the new module, notes (strings kept by ``# migrator: keep``) and the number of replacements.
    ``code`` is the module's source when the caller has it (saves generating it for the pre-check).
    """
    mapping = StringMap(spec.string_map, _modules_of(spec))
    if not mapping:
        return module, (), 0
    if code is None:
        code = module.code
    if not any(key in code for key in mapping.exact):
        return module, (), 0
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    kept = KeptLines()
    if KEEP_RE.search(code):
        wrapper.visit(kept)

    def line_of(node: cst.CSTNode) -> int:
        return wrapper.resolve(PositionProvider)[node].start.line

    docstrings = _docstring_nodes(wrapper.module)
    transformer = _Rewrite(mapping, spec.strings == "all", kept.kept(), docstrings, line_of)
    new = wrapper.module.visit(transformer)
    return new, tuple(transformer.notes), transformer.count


def _parse_pairs(pairs: Sequence[str]) -> Mapping[str, str]:
    result: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not is_dotted(old.strip()) or not is_dotted(new.strip()):
            raise ValueError(f"{pair!r} is not written old.dotted.path=new.dotted.path")
        result[old.strip()] = new.strip()
    return result


class RewriteStringsCommand(CodemodCommand):
    """``python -m libcst.tool codemod rewrite_strings.RewriteStringsCommand --map old=new ...``"""

    DESCRIPTION: str = DESCRIPTION

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--map",
            dest="pairs",
            action="append",
            default=[],
            required=True,
            help="old.dotted.path=new.dotted.path (repeatable)",
        )
        arg_parser.add_argument(
            "--strings",
            choices=("code", "all"),
            default="code",
            help="'all' also rewrites docstrings and comments",
        )

    def __init__(
        self, context: CodemodContext, pairs: Sequence[str] = (), strings: str = "code"
    ) -> None:
        super().__init__(context)
        self.mapping = tuple(_parse_pairs(pairs).items())
        self.strings = "all" if strings == "all" else "code"

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        spec = FileSpec(
            path=self.context.filename or "",
            module=self.context.full_module_name or "",
            string_map=self.mapping,
            strings="all" if self.strings == "all" else "code",
        )
        new, notes, _ = rewrite_strings(tree, spec)
        for note in notes:
            self.warn(f"line {note.line}: {note.code}: {note.message}")
        return new
