"""Rewrite imports of a symbol's legacy paths to its canonical module, in place.

``rewrite_imports(module, spec)`` is the library entry point; ``RewriteImportsCommand`` runs the same
transform from libcst's codemod CLI. The work is done in three steps over one parsed module:

1. collect every import statement with its block, run of adjacent imports, scope and opt-out state
   (``codemods._imports``, ``codemods._planner``);
2. decide, scope by scope, which local names can take the canonical name (renaming their usages),
   and rewrite attribute usages of legacy modules (``shim.Engine``) to attribute usages of the
   canonical module (``core.engine.user_engine.UserEngine``; ``codemods._module_attrs``);
3. place the new imports where the old ones were (merging into an adjacent canonical import, never
   duplicating a binding, relative imports of the canonical module made absolute;
   ``codemods._placing``), then apply everything in one transformer pass.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext
from libcst.metadata import MetadataWrapper

from codemods._imports import Targets
from codemods._module_attrs import decide_module_uses
from codemods._names import annotation_rename
from codemods._placing import place, requests_for
from codemods._planner import Planner
from codemods._statements import StatementEditor
from codemods.names import Symbol
from codemods.spec import FileSpec, Note, SymbolTarget

DESCRIPTION = "Rewrite imports of legacy paths of a symbol to its canonical module, in place."


# ------------------------------------------------------------------------------------- transformer


class _Apply(StatementEditor):
    def __init__(self, planner: Planner) -> None:
        super().__init__(planner.edits)
        self.p = planner
        self.renamed = 0

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.p.renames.get(id(original_node))
        if new is None:
            return updated_node
        self.renamed += 1
        return updated_node.with_changes(value=new)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        new = self.p.replacements.get(id(original_node))
        if new is None:
            return updated_node
        return new.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        renames = self.p.annotation_renames.get(id(original_node))
        if not renames:
            return updated_node
        self.renamed += 1
        return updated_node.with_changes(value=annotation_rename(updated_node.value, renames))


# ------------------------------------------------------------------------------------------- API


def rewrite_imports(
    module: cst.Module, spec: FileSpec, *, code: str | None = None
) -> tuple[cst.Module, tuple[Note, ...], int, int]:
    """Rewrite the imports of ``module`` as ``spec`` says.

    Returns the new module, notes, the number of imported names rewritten and the number of usages
    renamed. Nothing happens when ``spec.rewrite_imports`` is False. ``code`` is the module's source
    when the caller has it (saves generating it for the pre-checks).
    """
    targets = Targets.build(spec.symbols)
    if (
        not spec.rewrite_imports
        or not targets.by_key
        or not targets.mentioned_in(code if code is not None else module.code)
    ):
        return module, (), 0, 0
    if not targets.changes_any(module, spec):
        return module, (), 0, 0
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    planner = Planner(wrapper, spec, targets, code if code is not None else module.code)
    bindings, uses = planner.collect()
    planner.decide(bindings)
    decide_module_uses(planner, uses)
    requests_for(planner, bindings)
    place(planner, bindings)
    notes = tuple(sorted(planner.notes, key=lambda n: (n.line, n.code, n.message)))
    if not planner.edits and not planner.renames and not planner.replacements:
        return module, notes, 0, 0
    apply = _Apply(planner)
    new = wrapper.module.visit(apply)
    return new, notes, planner.imports, apply.renamed


class RewriteImportsCommand(CodemodCommand):
    """``python -m libcst.tool codemod rewrite_imports.RewriteImportsCommand --canonical a.b:C ...``"""

    DESCRIPTION: str = DESCRIPTION

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--canonical", required=True, help="canonical symbol, written package.module:Name"
        )
        arg_parser.add_argument(
            "--alias",
            dest="aliases",
            action="append",
            default=[],
            help="another path of the same object, module:Name (repeatable)",
        )
        arg_parser.add_argument(
            "--no-rename-aliases",
            dest="rename_aliases",
            action="store_false",
            help="keep local 'as' names instead of renaming usages",
        )
        arg_parser.add_argument(
            "--keep-local-name",
            dest="keep_local_names",
            action="append",
            default=[],
            help="module-level name that must keep its name (repeatable)",
        )
        arg_parser.add_argument(
            "--module-name",
            dest="module_name",
            default=None,
            help="dotted name of the file's module (default: from the codemod context)",
        )

    def __init__(
        self,
        context: CodemodContext,
        canonical: str,
        aliases: Sequence[str] = (),
        rename_aliases: bool = True,
        keep_local_names: Sequence[str] = (),
        module_name: str | None = None,
    ) -> None:
        super().__init__(context)
        for text in (canonical, *aliases):
            Symbol.parse(text)
        self.target = SymbolTarget(
            canonical=canonical.strip(),
            aliases=frozenset(a.strip() for a in aliases),
            rename_aliases=rename_aliases,
        )
        self.keep_local_names = frozenset(keep_local_names)
        self.module_name = module_name

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        filename = self.context.filename or ""
        spec = FileSpec(
            path=filename,
            module=self.module_name or self.context.full_module_name or "",
            is_package=filename.endswith("__init__.py"),
            symbols=(self.target,),
            keep_local_names=self.keep_local_names,
        )
        new, notes, _, _ = rewrite_imports(tree, spec)
        for note in notes:
            self.warn(f"line {note.line}: {note.code}: {note.message}")
        return new


__all__ = ["DESCRIPTION", "RewriteImportsCommand", "rewrite_imports"]
