"""Byte-level prefilters: cheap checks that decide which files are worth parsing.

Each check is a superset of what the parser-based detector finds (a file that fails the check cannot
produce a finding), computed with a few regular-expression passes over the bytes, no parsing. The
structural check for shared mutable state looks at indentation to tell class bodies and module level
from function bodies; text that merely looks like a ``class``/``def`` header inside a multi-line string
could mislead it, which is the price of not tokenizing.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata

# The right-hand side of an assignment that builds a mutable container; the line's start is checked
# separately (a plain name, optionally annotated, optionally chained `a = b = []`).
_CONTAINER_RHS = re.compile(
    rb"=[ \t]*(?:\(\s*)*(?:\[|\{|(?:[A-Za-z_][A-Za-z0-9_.]*\.)?"
    rb"(?:list|dict|set|defaultdict|OrderedDict|Counter|deque|bytearray)[ \t]*\()"
)
_NOT_ASSIGN = frozenset(bytes([c]) for c in b"=!<>+-*/%&|^@:")
_TARGET = re.compile(
    rb"([ \t]*)([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[^=\n]*)?(?:=[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*)*$"
)
_MUTATORS = rb"append|extend|insert|update|setdefault|pop|popitem|clear|add|remove|discard|appendleft|extendleft|sort|reverse"


@functools.lru_cache(maxsize=4096)
def _mutation_re(name: bytes) -> re.Pattern[bytes]:
    n = re.escape(name)
    return re.compile(
        rb"(?<![A-Za-z0-9_.])" + n + rb"[ \t]*(?:\.[ \t]*(?:" + _MUTATORS + rb")\b|\[)"
        rb"|\bglobal\b[^\n]*(?<![A-Za-z0-9_])" + n + rb"(?![A-Za-z0-9_])"
    )


def _mutated(data: bytes, name: bytes) -> bool:
    return _mutation_re(name).search(data) is not None


def _nfkc(data: bytes) -> bytes:
    """Python reads identifiers NFKC-normalised (a fullwidth `list` is `list`): so do the checks."""
    text = data.decode("utf-8", "surrogateescape")
    return unicodedata.normalize("NFKC", text).encode("utf-8", "surrogateescape")


def _headers(data: bytes) -> list[tuple[int, int, bytes]]:
    """(position, indentation, b"class"|b"def") of every class/def header, in order.

    ``bytes.find`` is several times faster here than a multi-line regular expression.
    """
    found: list[tuple[int, int, bytes]] = []
    for kw in (b"def ", b"class "):
        i = data.find(kw)
        while i != -1:
            start = data.rfind(b"\n", 0, i) + 1
            prefix = data[start:i]
            if prefix.rstrip(b" \t").endswith(b"async"):
                prefix = prefix[: prefix.rfind(b"async")]
            if not prefix.strip(b" \t"):
                found.append((start, len(prefix), kw.strip()))
            i = data.find(kw, i + 1)
    found.sort()
    return found


@functools.lru_cache(maxsize=64)
def _closer(indent: int) -> re.Pattern[bytes]:
    return re.compile(rb"\n[ \t]{0,%d}[^ \t\r\n#]" % indent)


def _closed(data: bytes, header: int, line_start: int, indent: int) -> bool:
    """Does a line indented at most ``indent`` come between the header and ``line_start``?

    Continuation lines and string text at a low indentation count too; the caller stays on the
    safe side for classes that look closed."""
    body = data.find(b"\n", header)
    return (
        body != -1
        and body < line_start
        and _closer(indent).search(data, body, line_start) is not None
    )


def may_have_shared_state(data: bytes) -> bool:
    """Could ``detectors.find_shared_state`` find anything in this file?"""
    if not data.isascii():
        data = _nfkc(data)
    headers: list[tuple[int, int, bytes]] | None = None
    positions: list[int] = []
    for m in _CONTAINER_RHS.finditer(data):
        if data[m.start() - 1 : m.start()] in _NOT_ASSIGN:  # ==, <=, +=, :=, ...
            continue
        line_start = data.rfind(b"\n", 0, m.start()) + 1
        target = _TARGET.match(data, line_start, m.start())
        if target is None:
            if data[line_start : m.start()].lstrip()[:1] in (b")", b"]", b"}"):
                return True  # the end of a multi-line target or annotation: too rare to work out
            continue
        if headers is None:
            headers = _headers(data)
            positions = [h[0] for h in headers]
        indent = len(target.group(1))
        owner: bytes | None = None
        skipped_class = False
        i = bisect.bisect_left(positions, line_start) - 1
        while i >= 0:
            start, h_indent, kind = headers[i]
            # The innermost class/def whose block is still open at this line.
            if h_indent < indent:
                if not _closed(data, start, line_start, h_indent):
                    owner = kind
                    break
                skipped_class = skipped_class or kind == b"class"
            i -= 1
        if owner == b"class" or skipped_class:
            # A class that looks closed may only look so (string text at a low indentation).
            return True
        if owner is None and _mutated(data, target.group(2)):
            return True
    return False


_SINGLETON_NAME = re.compile(rb"(?i)singleton")
_INSTANCE_NAME = re.compile(rb"(?i)instance")


def may_have_singleton(data: bytes) -> bool:
    """Could ``detectors.find_singletons`` find anything in this file? Substring checks first."""
    if not data.isascii():
        data = _nfkc(data)
    if (b"ingle" in data or b"INGLE" in data) and _SINGLETON_NAME.search(data):
        return True  # a @singleton-style decorator
    if b"__new__" in data and _INSTANCE_NAME.search(data):
        return True  # class-level _instance + __new__
    if b"global" in data and b"None" in data:
        return True  # a module-level cache rebound through `global`
    return b"def get_" in data and b"cache" in data  # a cached zero-argument get_*()
