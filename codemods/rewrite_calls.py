"""Rewrite call sites of one callable to another (``[[calls]]``, factory method maps, ``construct_via``).

One module goes through four steps, each with fresh visitors (nothing is shared between files):

1. ``_CallRewriter`` finds every call whose callee refers to a ``CallRewrite.old`` path or one of its
   ``old_aliases`` (``QualifiedNameProvider``; relative imports resolved against ``spec.module``). A safe
   call gets the new callee and its arguments mapped; the new callee's first name is a placeholder for
   now. The import that bound the old callee is queued on ``RemoveImportsVisitor``. Unsafe calls and
   references that are not calls are left alone and reported as notes.
2. ``RemoveImportsVisitor`` drops the queued imports that nothing uses any more (the blank lines and
   comments above an emptied line stay, ``codemods._call_imports``). Imports the rewrite did
   not touch are never queued, so an import that was already unused stays.
3. ``_choose_names`` picks the local name for each new callee now that dead imports are gone: a name
   already bound to the same object by an import, else the plain name when it is free at every call
   site, else ``Name as TopName`` (never shadowing anything).
4. The placeholders are replaced and the imports added: at their sorted place when the module's
   import block is sorted, else by ``AddImportsVisitor`` (``codemods._call_imports``).

Style choice: the new callee is always written as its attribute path under a from-import
(``from core.engine.factory import EngineFactory`` then ``EngineFactory.create_for_user(...)``), also
for calls that were written ``m.create_engine(...)``: one shape for every call site.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.helpers import get_absolute_module_from_package_for_import, get_full_name_for_node
from libcst.metadata import (
    Assignment,
    BaseAssignment,
    MetadataWrapper,
    PositionProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    Scope,
    ScopeProvider,
)

from codemods._call_imports import add_imports, remove_imports
from codemods.names import Symbol
from codemods.spec import CallRewrite, FileSpec, Note

__all__ = ["RewriteCallsCommand", "rewrite_calls"]

_KEEP_RE = re.compile(r"#\s*migrator:\s*keep\b")
_EMPTY = cst.SimpleWhitespace("")
_SPACE = cst.SimpleWhitespace(" ")

Op = Literal["keep", "rename", "drop", "keyword"]


@dataclass(frozen=True)
class _Rule:
    """One ``CallRewrite`` ready for matching."""

    rewrite: CallRewrite
    targets: frozenset[str]  # dotted paths that are the old callable
    new: Symbol
    placeholder: str  # stands for the new callee's first name until step 3
    adds: tuple[tuple[str, cst.BaseExpression], ...]


@dataclass(frozen=True)
class _ArgPlan:
    """What happens to each argument of one call, and which keywords are appended."""

    ops: tuple[tuple[Op, str], ...]
    adds: tuple[tuple[str, cst.BaseExpression], ...]


@dataclass
class _Pass:
    """What step 1 found in one module."""

    module: cst.Module
    notes: list[Note] = field(default_factory=list)
    used: dict[str, _Rule] = field(default_factory=dict)  # placeholder -> a rule writing it


def rewrite_calls(module: cst.Module, spec: FileSpec) -> tuple[cst.Module, tuple[Note, ...]]:
    """Rewrite every call of each CallRewrite.old (or its old_aliases) to CallRewrite.new."""
    context = _context_for(spec)
    tree, notes = _rewrite(module, spec, context)
    return add_imports(tree, context), notes


def _package_of(spec: FileSpec) -> str | None:
    if not spec.module:
        return None
    if spec.is_package:
        return spec.module
    return spec.module.rpartition(".")[0] or None


def _context_for(spec: FileSpec) -> CodemodContext:
    return CodemodContext(
        filename=spec.path or None,
        full_module_name=spec.module or None,
        full_package_name=_package_of(spec),
    )


def _rewrite(
    module: cst.Module, spec: FileSpec, context: CodemodContext
) -> tuple[cst.Module, tuple[Note, ...]]:
    """Steps 1-3 (and the placeholder part of 4); the import additions are left queued in ``context``."""
    rules = _compile_rules(spec, module.code)
    if not rules:
        return module, ()
    wrapper = MetadataWrapper(module)
    rewriter = _CallRewriter(rules, spec, context, wrapper.module.code)
    tree = wrapper.visit(rewriter)
    notes = tuple(dict.fromkeys(rewriter.notes))
    if not rewriter.used:
        return module, notes
    tree = remove_imports(tree, context)
    tree, names = _choose_names(tree, rewriter.used, context)
    return tree.visit(_Rename(names)), notes


def _compile_rules(spec: FileSpec, code: str) -> list[_Rule]:
    rules: list[_Rule] = []
    placeholders: dict[tuple[str, str], str] = {}
    for rewrite in spec.calls:
        old = Symbol.parse(rewrite.old)
        new = Symbol.parse(rewrite.new)
        # The module defining ``old`` calls it on purpose; the module of ``new`` may implement it with
        # ``old`` (a factory constructing the class): rewriting either would recurse.
        if spec.module in (old.module, new.module):
            continue
        key = (new.module, new.name)
        if key not in placeholders:
            n = len(placeholders)
            name = f"__migrator_callee_{n}__"
            while name in code:
                n += 1
                name = f"__migrator_callee_{n}__"
            placeholders[key] = name
        targets = frozenset(Symbol.parse(p).dotted for p in (rewrite.old, *rewrite.old_aliases))
        rules.append(_Rule(rewrite, targets, new, placeholders[key], _parse_adds(rewrite.add)))
    return rules


def _parse_adds(adds: Sequence[tuple[str, str]]) -> tuple[tuple[str, cst.BaseExpression], ...]:
    out: list[tuple[str, cst.BaseExpression]] = []
    for name, source in adds:
        try:
            out.append((name, cst.parse_expression(source)))
        except cst.ParserSyntaxError as exc:
            raise ValueError(f"add {name}={source!r}: not a Python expression") from exc
    return tuple(out)


class _CallRewriter(cst.CSTTransformer):
    """Step 1: map matching calls, note unsafe calls and plain references."""

    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider, ScopeProvider)

    def __init__(
        self, rules: list[_Rule], spec: FileSpec, context: CodemodContext, code: str
    ) -> None:
        super().__init__()
        self.rules = rules
        self.spec = spec
        self.context = context
        self.package = _package_of(spec)
        self.lines = code.splitlines()
        self.notes: list[Note] = []
        self.used: dict[str, _Rule] = {}
        self.plans: dict[cst.Call, tuple[_Rule, _ArgPlan]] = {}
        self.callees: set[cst.CSTNode] = set()

    # -- matching ---------------------------------------------------------------------------------

    def _match(self, node: cst.CSTNode) -> tuple[_Rule | None, bool]:
        """The rule whose old callable ``node`` refers to, and whether that is only one possibility."""
        names = self.get_metadata(QualifiedNameProvider, node, set())
        resolved = [
            _absolute(q.name, self.package) if q.source is QualifiedNameSource.IMPORT else None
            for q in names
        ]
        for rule in self.rules:
            hits = [r in rule.targets for r in resolved]
            if hits and all(hits):
                return rule, False
            if any(hits):
                return rule, True
        return None, False

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def _note(self, node: cst.CSTNode, code: str, message: str) -> None:
        self.notes.append(Note(self._line(node), code, message))

    # -- visitors ---------------------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        self._check_getattr(node)
        rule, ambiguous = self._match(node.func)
        if rule is None:
            return True
        self.callees.add(node.func)
        shown = _source(node.func)
        if ambiguous:
            self._note(node, "call-unsafe", f"{shown}(...) may also be another object here; kept")
            return True
        pos = self.get_metadata(PositionProvider, node)
        if any(_KEEP_RE.search(self.lines[i - 1]) for i in {pos.start.line, pos.end.line}):
            self._note(node, "kept", f"{shown}(...) kept by '# migrator: keep'")
            return True
        plan = _plan_args(node, rule)
        if isinstance(plan, str):
            self._note(node, "call-unsafe", f"{shown}(...) kept: {plan}")
            return True
        self.plans[node] = (rule, plan)
        self.used[rule.placeholder] = rule
        self._queue_import_removal(node.func, rule.new)
        return True

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        found = self.plans.get(original_node)
        if found is None:
            return updated_node
        rule, plan = found
        callee: cst.BaseExpression = cst.Name(rule.placeholder)
        for attr in rule.new.attr.split(".")[1:]:
            callee = cst.Attribute(value=callee, attr=cst.Name(attr))
        return _apply_plan(updated_node.with_changes(func=callee), plan)

    def visit_Name(self, node: cst.Name) -> bool:
        return self._check_reference(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return self._check_reference(node)

    def _check_reference(self, node: cst.Name | cst.Attribute) -> bool:
        if node in self.callees:
            return False
        rule, _ = self._match(node)
        if rule is None:
            return True
        # A class named by ``construct_via`` is used in annotations and isinstance checks all the time;
        # only its construction moves to the factory.
        if rule.rewrite.kind != "construct":
            self._note(node, "reference-kept", f"{_source(node)} is used without a call; kept")
        return False

    def _check_getattr(self, node: cst.Call) -> None:
        names = self.get_metadata(QualifiedNameProvider, node.func, set())
        if len(node.args) < 2 or {q.name for q in names} != {"builtins.getattr"}:
            return
        owner, attr = node.args[0].value, node.args[1].value
        if not isinstance(attr, cst.SimpleString) or not isinstance(attr.evaluated_value, str):
            return
        for q in self.get_metadata(QualifiedNameProvider, owner, set()):
            path = f"{_absolute(q.name, self.package)}.{attr.evaluated_value}"
            if q.source is QualifiedNameSource.IMPORT and any(
                path in r.targets for r in self.rules
            ):
                self._note(node, "reference-kept", f"{_source(node)} looks the callable up; kept")
                return

    # -- imports ----------------------------------------------------------------------------------

    def _queue_import_removal(self, callee: cst.BaseExpression, new: Symbol) -> None:
        """Queue the import that bound ``callee``; RemoveImportsVisitor keeps it while still used.

        An import of ``new``'s own class (``EngineFactory.create`` -> ``EngineFactory.build``) is
        reused rather than removed and added again.
        """
        chain = [callee]
        while isinstance(chain[-1], cst.Attribute):
            chain.append(chain[-1].value)
        local = get_full_name_for_node(callee)
        scope = self.get_metadata(ScopeProvider, chain[-1], None)
        if local is None or scope is None:
            return
        # An access is filed under the dotted name it resolved with (``billing.engines``), and its
        # node is then that part of the callee.
        parts = local.split(".")
        prefixes = {".".join(parts[: i + 1]) for i in range(len(parts))}
        accesses = [
            a for p in prefixes for a in scope.accesses[p] if any(a.node is n for n in chain)
        ]
        for access in accesses:
            for referent in access.referents:
                if not isinstance(referent, Assignment):
                    continue
                if referent.scope is referent.scope.globals and (
                    referent.name in self.spec.keep_local_names
                ):
                    continue
                self._queue_from_statement(referent.node, local, f"{new.module}.{new.name}")

    def _queue_from_statement(self, stmt: cst.CSTNode, local: str, keep: str) -> None:
        if isinstance(stmt, cst.Import):
            for alias in stmt.names:
                prefix = alias.evaluated_alias or alias.evaluated_name
                if local == prefix or local.startswith(f"{prefix}."):
                    RemoveImportsVisitor.remove_unused_import(
                        self.context, alias.evaluated_name, asname=alias.evaluated_alias
                    )
        elif isinstance(stmt, cst.ImportFrom) and not isinstance(stmt.names, cst.ImportStar):
            module = get_absolute_module_from_package_for_import(self.package, stmt)
            if module is None:
                return
            for alias in stmt.names:
                prefix = alias.evaluated_alias or alias.evaluated_name
                if f"{module}.{alias.evaluated_name}" == keep:
                    continue
                if local == prefix or local.startswith(f"{prefix}."):
                    RemoveImportsVisitor.remove_unused_import(
                        self.context, module, alias.evaluated_name, alias.evaluated_alias
                    )


def _absolute(name: str, package: str | None) -> str | None:
    """``.mod.create_engine`` (as QualifiedNameProvider writes relative imports) made absolute."""
    if not name.startswith("."):
        return name
    if package is None:
        return None
    level = len(name) - len(name.lstrip("."))
    parts = package.split(".")
    if level - 1 >= len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    rest = name[level:]
    return ".".join([*base, rest]) if rest else ".".join(base)


def _source(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


# -- arguments ------------------------------------------------------------------------------------


def _plan_args(call: cst.Call, rule: _Rule) -> _ArgPlan | str:
    """Map each argument, or say why the call is unsafe to rewrite."""
    rewrite = rule.rewrite
    renames = dict(rewrite.args)
    positional = rewrite.positional
    positional_drops = rewrite.drop & set(positional)
    stars = {arg.star for arg in call.args}
    if "**" in stars and (rewrite.drop or renames):
        return "a **kwargs splat may hold a renamed or dropped keyword"
    if "**" in stars and rule.adds:
        return "a **kwargs splat may already hold an added keyword"
    if "*" in stars and positional_drops:
        return "a *args splat may hold a dropped positional argument"
    given = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if positional and len(given) > len(positional):
        return f"{len(given)} positional arguments, but only {len(positional)} parameters are known"
    ops: list[tuple[Op, str]] = []
    present: list[str] = []
    index = 0
    shifted = False  # a positional argument before this one was dropped
    for arg in call.args:
        if arg.star:
            ops.append(("keep", ""))
        elif arg.keyword is not None:
            name = arg.keyword.value
            known = rewrite.known_keywords
            if known is not None and name not in known | rewrite.drop and name not in renames:
                return f"unknown keyword {name}="
            if name in rewrite.drop:
                ops.append(("drop", ""))
            elif name in renames:
                ops.append(("rename", renames[name]))
                present.append(renames[name])
            else:
                ops.append(("keep", ""))
                present.append(name)
        else:
            param = positional[index] if index < len(positional) else ""
            index += 1
            if param and param in rewrite.drop:
                ops.append(("drop", ""))
                shifted = True
            elif shifted:  # keep its meaning by passing it by name
                ops.append(("keyword", renames.get(param, param)))
                present.append(renames.get(param, param))
            else:
                ops.append(("keep", ""))
                if param:
                    present.append(renames.get(param, param))
    repeated = sorted({name for name in present if present.count(name) > 1})
    if repeated:
        return f"keyword {repeated[0]}= would be passed twice"
    adds = tuple((name, expr) for name, expr in rule.adds if name not in present)
    return _ArgPlan(tuple(ops), adds)


def _apply_plan(call: cst.Call, plan: _ArgPlan) -> cst.Call:
    before = call.whitespace_before_args
    out: list[cst.Arg] = []
    last = len(call.args) - 1
    for i, (arg, (op, name)) in enumerate(zip(call.args, plan.ops, strict=True)):
        if op == "drop":
            if i < last:
                gap = _comma_ws(arg)
                if out:
                    out[-1] = _with_comma_ws(out[-1], _join_between(_comma_ws(out[-1]), gap))
                else:
                    before = _join_between(before, gap)
            elif out:
                out[-1] = _close_after_drop(out[-1], arg)
            else:  # no argument left: ``f()`` unless comments are in the way
                closing = (
                    _comma_ws(arg) if isinstance(arg.comma, cst.Comma) else arg.whitespace_after_arg
                )
                before = _join_closing(before, closing)
                before = before if _has_comments(before) else _EMPTY
            continue
        if op == "rename" and arg.keyword is not None:
            arg = arg.with_changes(keyword=arg.keyword.with_changes(value=name))
        elif op == "keyword":
            arg = arg.with_changes(keyword=cst.Name(name), equal=_tight_equal())
        out.append(arg)
    added = [
        cst.Arg(value=expr, keyword=cst.Name(name), equal=_tight_equal())
        for name, expr in plan.adds
    ]
    return call.with_changes(whitespace_before_args=before, args=_append_args(out, before, added))


def _tight_equal() -> cst.AssignEqual:
    return cst.AssignEqual(whitespace_before=_EMPTY, whitespace_after=_EMPTY)


def _comma_ws(arg: cst.Arg) -> cst.BaseParenthesizableWhitespace:
    return arg.comma.whitespace_after if isinstance(arg.comma, cst.Comma) else _EMPTY


def _with_comma_ws(arg: cst.Arg, ws: cst.BaseParenthesizableWhitespace) -> cst.Arg:
    comma = arg.comma if isinstance(arg.comma, cst.Comma) else cst.Comma()
    return arg.with_changes(comma=comma.with_changes(whitespace_after=ws))


def _has_comments(ws: cst.BaseParenthesizableWhitespace) -> bool:
    return isinstance(ws, cst.ParenthesizedWhitespace) and (
        ws.first_line.comment is not None or any(e.comment is not None for e in ws.empty_lines)
    )


def _combine(
    keep: cst.ParenthesizedWhitespace, dropped: cst.ParenthesizedWhitespace
) -> cst.ParenthesizedWhitespace:
    """``keep``'s own line end, the comment lines of both, and ``dropped``'s indentation."""
    return cst.ParenthesizedWhitespace(
        first_line=keep.first_line,
        empty_lines=(*keep.empty_lines, *dropped.empty_lines),
        indent=dropped.indent,
        last_line=dropped.last_line,
    )


def _fresh_line(ws: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    """A line break to ``ws``'s indentation, without its comments."""
    return cst.ParenthesizedWhitespace(indent=ws.indent, last_line=ws.last_line)


def _join_between(
    keep: cst.BaseParenthesizableWhitespace, dropped: cst.BaseParenthesizableWhitespace
) -> cst.BaseParenthesizableWhitespace:
    """The gap before a dropped middle argument joined with the gap after it."""
    if isinstance(dropped, cst.ParenthesizedWhitespace):
        if isinstance(keep, cst.ParenthesizedWhitespace):
            return _combine(keep, dropped)
        return dropped.with_changes(first_line=cst.TrailingWhitespace())
    return keep


def _join_closing(
    keep: cst.BaseParenthesizableWhitespace, closing: cst.BaseParenthesizableWhitespace
) -> cst.BaseParenthesizableWhitespace:
    """The gap before a dropped last argument joined with the whitespace before ``)``."""
    if isinstance(closing, cst.ParenthesizedWhitespace):
        if isinstance(keep, cst.ParenthesizedWhitespace):
            return _combine(keep, closing)
        return closing.with_changes(first_line=cst.TrailingWhitespace())
    return keep if _has_comments(keep) else closing


def _close_after_drop(prev: cst.Arg, dropped: cst.Arg) -> cst.Arg:
    """``prev`` becomes the last argument: it takes over the dropped one's closing layout."""
    gap = _comma_ws(prev)
    if isinstance(dropped.comma, cst.Comma):  # a trailing comma stays a trailing comma
        return _with_comma_ws(prev, _join_closing(gap, dropped.comma.whitespace_after))
    return prev.with_changes(
        comma=cst.MaybeSentinel.DEFAULT,
        whitespace_after_arg=_join_closing(gap, dropped.whitespace_after_arg),
    )


def _append_args(
    args: list[cst.Arg], before: cst.BaseParenthesizableWhitespace, added: list[cst.Arg]
) -> list[cst.Arg]:
    """Append keyword arguments in the layout of the existing ones (one per line if they are)."""
    if not added:
        return args
    if not args:
        return [
            *(a.with_changes(comma=cst.Comma(whitespace_after=_SPACE)) for a in added[:-1]),
            added[-1],
        ]
    sep: cst.BaseParenthesizableWhitespace = _SPACE
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        sep = args[-2].comma.whitespace_after
    elif isinstance(before, cst.ParenthesizedWhitespace):
        sep = before
    if isinstance(sep, cst.ParenthesizedWhitespace):
        sep = _fresh_line(sep)
    last = args[-1]
    trailing = isinstance(last.comma, cst.Comma)
    closing = _comma_ws(last) if trailing else last.whitespace_after_arg
    if isinstance(closing, cst.ParenthesizedWhitespace):
        # ``last``'s own comment stays on its line; the new arguments end where ``last`` ended.
        if isinstance(sep, cst.ParenthesizedWhitespace):
            last_gap: cst.BaseParenthesizableWhitespace = _combine(closing, sep)
        else:
            last_gap = closing if _has_comments(closing) else sep
        end: cst.BaseParenthesizableWhitespace = _fresh_line(closing)
    else:
        last_gap, end = sep, closing
    new_last = _with_comma_ws(last, last_gap).with_changes(whitespace_after_arg=_EMPTY)
    middle = [a.with_changes(comma=cst.Comma(whitespace_after=sep)) for a in added[:-1]]
    final = (
        added[-1].with_changes(comma=cst.Comma(whitespace_after=end))
        if trailing
        else added[-1].with_changes(whitespace_after_arg=end)
    )
    return [*args[:-1], new_last, *middle, final]


# -- choosing the new callee's local name ---------------------------------------------------------


class _NameScan(cst.CSTVisitor):
    """Scopes of the placeholder sites, and every other name written in the module."""

    METADATA_DEPENDENCIES = (ScopeProvider,)

    def __init__(self, placeholders: Collection[str]) -> None:
        super().__init__()
        self.placeholders = placeholders
        self.sites: dict[str, list[Scope]] = {p: [] for p in placeholders}
        self.names: set[str] = set()
        self.skip: set[cst.Name] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(node.attr)

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.placeholders:
            scope = self.get_metadata(ScopeProvider, node, None)
            if scope is not None:
                self.sites[node.value].append(scope)
        elif node not in self.skip:
            self.names.add(node.value)


def _choose_names(
    tree: cst.Module, used: dict[str, _Rule], context: CodemodContext
) -> tuple[cst.Module, dict[str, str]]:
    """Placeholder -> local name, with the needed imports queued on AddImportsVisitor.

    Returns the module the names were chosen on (a copy of ``tree``) with the mapping.
    """
    # Copied: the rewritten tree shares whitespace nodes, which metadata must not see twice.
    wrapper = MetadataWrapper(tree)
    tree = wrapper.module
    scan = _NameScan(used)
    wrapper.visit(scan)
    globals_ = wrapper.resolve(ScopeProvider)[tree]
    if globals_ is None:  # pragma: no cover - a module always has its global scope
        return tree, {p: r.new.name for p, r in used.items()}
    package = context.full_package_name
    top_imports = {
        stmt
        for line in tree.body
        if isinstance(line, cst.SimpleStatementLine)
        for stmt in line.body
        if isinstance(stmt, cst.ImportFrom)
    }
    chosen: dict[str, str] = {}
    for placeholder, rule in sorted(used.items()):
        sites = scan.sites[placeholder]
        target = f"{rule.new.module}.{rule.new.name}"

        def binds(a: BaseAssignment, target: str = target) -> bool:
            return _binds(a, target, package)

        def state(name: str, sites: list[Scope] = sites) -> Literal["bound", "free", "taken"]:
            bound = set(globals_[name])
            if bound:
                if all(binds(a) for a in bound) and all(set(s[name]) == bound for s in sites):
                    return "bound"
                return "taken"
            if name in scan.names or any(s[name] for s in sites):
                return "taken"
            return "free"

        existing = sorted({a.name for a in globals_.assignments if binds(a)})
        existing.sort(key=lambda n: n != rule.new.name)
        name = next((n for n in existing if state(n) == "bound"), None)
        if name is not None:
            if not any(isinstance(a, Assignment) and a.node in top_imports for a in globals_[name]):
                _add_import(context, rule.new, name)
        elif state(rule.new.name) == "free":
            name = rule.new.name
            _add_import(context, rule.new, name)
        else:
            name = _alias_for(rule.new)
            n = 1
            while state(name) != "free" or name in chosen.values():
                n += 1
                name = f"{_alias_for(rule.new)}{n}"
            _add_import(context, rule.new, name)
        chosen[placeholder] = name
    return tree, chosen


def _binds(assignment: BaseAssignment, target: str, package: str | None) -> bool:
    """Whether ``assignment`` is a from-import of the dotted ``target``."""
    if not isinstance(assignment, Assignment):
        return False
    stmt = assignment.node
    if not isinstance(stmt, cst.ImportFrom) or isinstance(stmt.names, cst.ImportStar):
        return False
    module = get_absolute_module_from_package_for_import(package, stmt)
    return any(
        (alias.evaluated_alias or alias.evaluated_name) == assignment.name
        and f"{module}.{alias.evaluated_name}" == target
        for alias in stmt.names
    )


def _alias_for(symbol: Symbol) -> str:
    """``core.engine.factory:EngineFactory`` -> ``CoreEngineFactory``; ``make`` -> ``core_make``."""
    top = symbol.module.split(".", 1)[0]
    if symbol.name[:1].isupper():
        return "".join(part.capitalize() for part in top.split("_")) + symbol.name
    return f"{top}_{symbol.name}"


def _add_import(context: CodemodContext, symbol: Symbol, name: str) -> None:
    asname = None if name == symbol.name else name
    AddImportsVisitor.add_needed_import(context, symbol.module, symbol.name, asname)


class _Rename(cst.CSTTransformer):
    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self.names = names

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.names.get(updated_node.value)
        return updated_node if new is None else updated_node.with_changes(value=new)


# -- libcst codemod CLI ---------------------------------------------------------------------------


def _pairs(items: Sequence[str] | None, what: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--{what} {item!r}: expected NAME=VALUE")
        pairs.append((key.strip(), value.strip()))
    return tuple(pairs)


class RewriteCallsCommand(VisitorBasedCodemodCommand):
    """``python -m libcst.tool codemod rewrite_calls.RewriteCallsCommand --old a:f --new b:C.g``."""

    DESCRIPTION = "Rewrite calls of one callable to another, mapping their keyword arguments."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--old", required=True, help="callable to replace, module:Attr")
        arg_parser.add_argument("--new", required=True, help="callable to call, module:Attr")
        arg_parser.add_argument(
            "--rename", action="append", metavar="OLD=NEW", help="rename a keyword argument"
        )
        arg_parser.add_argument("--drop", action="append", metavar="NAME", help="drop an argument")
        arg_parser.add_argument(
            "--add", action="append", metavar="NAME=EXPR", help="add a keyword argument"
        )
        arg_parser.add_argument(
            "--kind", choices=("call", "factory", "construct"), default="call", help="call kind"
        )

    def __init__(
        self,
        context: CodemodContext,
        old: str,
        new: str,
        rename: Sequence[str] | None = None,
        drop: Sequence[str] | None = None,
        add: Sequence[str] | None = None,
        kind: Literal["call", "factory", "construct"] = "call",
    ) -> None:
        super().__init__(context)
        self.rewrite = CallRewrite(
            old=old,
            new=new,
            args=_pairs(rename, "rename"),
            drop=frozenset(drop or ()),
            add=_pairs(add, "add"),
            kind=kind,
        )

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        filename = self.context.filename or ""
        spec = FileSpec(
            path=filename,
            module=self.context.full_module_name or "",
            is_package=filename.endswith("__init__.py"),
            calls=(self.rewrite,),
        )
        new_tree, notes = _rewrite(tree, spec, self.context)
        for note in notes:
            self.warn(f"line {note.line}: {note.code}: {note.message}")
        return add_imports(new_tree, self.context)
