"""Run the codemods on one file: ``transform_source`` (bytes) and ``transform_file`` (a path).

The pipeline for one file is: decode (coding cookie, BOM; newlines kept) → parse → call-site rewrites
(when the spec has any) → removal of imports the call rewrites left unused → import rewrites (unless
``spec.rewrite_imports`` is False) → string references → encode exactly like the input. Nothing here
raises for bad input: a file that cannot be decoded or parsed gives a ``TransformResult`` with
``new=None`` and the error and its line.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable

import libcst as cst

from codemods._util import has_skip_file
from codemods.cleanup_imports import remove_newly_unused_imports
from codemods.rewrite_imports import rewrite_imports
from codemods.rewrite_strings import rewrite_strings
from codemods.sources import DecodeError, SourceText, decode_source
from codemods.spec import FileSpec, Note, TransformResult

CallsRewriter = Callable[[cst.Module, FileSpec], tuple[cst.Module, tuple[Note, ...]]]


def _calls_rewriter() -> CallsRewriter:
    # Imported lazily: only specs with call rewrites need it.
    from codemods.rewrite_calls import rewrite_calls

    return rewrite_calls


def _parse(source: SourceText) -> cst.Module:
    return cst.parse_module(source.text)


def transform_module(
    module: cst.Module, spec: FileSpec, *, code: str | None = None
) -> tuple[cst.Module, tuple[Note, ...], tuple[tuple[str, int], ...]]:
    """Run every codemod ``spec`` asks for on a parsed module (``code``: its source, when known).

    Returns the new module, the notes of all codemods (sorted by line) and counts of what changed.
    """
    notes: list[Note] = []
    counts: list[tuple[str, int]] = []
    current = module
    text = code if code is not None else module.code

    def current_code(node: cst.Module) -> str:
        return text if node is module else node.code

    if spec.calls:
        after_calls, call_notes = _calls_rewriter()(current, spec)
        notes.extend(call_notes)
        if after_calls is not current and not after_calls.deep_equals(current):
            counts.append(("calls", 1))
            after_calls, removed = remove_newly_unused_imports(current, after_calls, spec)
            if removed:
                counts.append(("unused_imports", removed))
        current = after_calls
    current, import_notes, imports, renames = rewrite_imports(
        current, spec, code=current_code(current)
    )
    notes.extend(import_notes)
    if imports:
        counts.append(("imports", imports))
    if renames:
        counts.append(("renames", renames))
    current, string_notes, strings = rewrite_strings(current, spec, code=current_code(current))
    notes.extend(string_notes)
    if strings:
        counts.append(("strings", strings))
    ordered = tuple(sorted(notes, key=lambda n: (n.line, n.code, n.message)))
    return current, ordered, tuple(counts)


def _syntax_error(text: str, exc: cst.ParserSyntaxError) -> tuple[int, str]:
    """Line and message for a file libcst cannot parse.

    CPython's parser points at the offending line more precisely than libcst's native parser, so it
    is asked first; libcst's own position is the answer for syntax only libcst knows.
    """
    try:
        ast.parse(text)
    except SyntaxError as py_exc:
        if py_exc.lineno:
            return py_exc.lineno, f"syntax error: {py_exc.msg}"
    except (ValueError, RecursionError, MemoryError):
        pass
    return exc.raw_line, f"syntax error: {exc.message}"


def _error_line(exc: Exception) -> int | None:
    if isinstance(exc, cst.ParserSyntaxError):
        return exc.raw_line
    line = getattr(exc, "lineno", None)
    return line if isinstance(line, int) else None


def transform_source(data: bytes, spec: FileSpec) -> TransformResult:
    """Transform one file's bytes; the result's ``new`` bytes keep the input's encoding, BOM and newlines."""
    try:
        source = decode_source(data)
    except DecodeError as exc:
        return TransformResult(new=None, changed=False, error=str(exc), error_line=exc.line)
    if has_skip_file(source.text):
        note = Note(line=1, code="kept", message="file left as written (# migrator: skip-file)")
        return TransformResult(new=data, changed=False, notes=(note,))
    try:
        module = _parse(source)
    except cst.ParserSyntaxError as exc:
        line, message = _syntax_error(source.text, exc)
        return TransformResult(new=None, changed=False, error=message, error_line=line)
    except (RecursionError, ValueError, MemoryError) as exc:
        return TransformResult(
            new=None, changed=False, error=f"cannot parse: {exc}", error_line=_error_line(exc)
        )
    try:
        new_module, notes, counts = transform_module(module, spec, code=source.text)
        new_text = source.text if new_module is module else new_module.code
        if new_text == source.text:
            return TransformResult(new=data, changed=False, notes=notes, counts=counts)
        cst.parse_module(new_text)  # never hand back code that does not parse
        new_data = source.encode(new_text)
    except Exception as exc:  # a codemod bug must not stop a run over thousands of files
        message = f"codemod failed: {type(exc).__name__}: {exc}"
        return TransformResult(new=None, changed=False, error=message, error_line=_error_line(exc))
    return TransformResult(new=new_data, changed=new_data != data, notes=notes, counts=counts)


def transform_file(path: str | os.PathLike[str], spec: FileSpec) -> TransformResult:
    """Read ``path`` and transform it (the file is not written)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return TransformResult(
            new=None, changed=False, error=f"cannot read: {exc}", error_line=None
        )
    return transform_source(data, spec)
