"""Byte-level prefilters: cheap checks that decide which files the detectors need.

There is one check per question, and it is asked twice with the same answer: by the scan, to decide
what gets read and parsed, and by the analysis, to decide whether a parsed file (parsed for another
reason) goes through the detector. Each check is a superset of its detector (a file that fails the
check cannot produce a finding; `tests/migrator/test_prefilter.py` states this as a property over
generated sources), computed from the bytes with a few regular-expression passes, no parsing.

Python reads identifiers NFKC-normalised (a fullwidth ``list`` is ``list``), so non-ASCII files are
normalised first; keywords are ASCII either way.
"""

from __future__ import annotations

import bisect
import functools
import keyword
import re
import unicodedata

__all__ = ["may_have_shared_state", "may_have_singleton"]


def _nfkc(data: bytes) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    return unicodedata.normalize("NFKC", text).encode("utf-8", "surrogateescape")


def _normalised(data: bytes) -> bytes:
    """NFKC identifiers, and ``\\n`` for every newline (Python also ends lines at a lone ``\\r``)."""
    if not data.isascii():
        data = _nfkc(data)
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


# Between tokens: whitespace, a line continuation, a comment (only valid inside brackets, harmless
# elsewhere). The comment must run to the end of its line, so there is nothing to backtrack into.
_GAP = rb"\s|\\|#[^\n]*\n"
_OPEN = rb"(?:" + _GAP + rb"|\()*"  # ... and opening parentheses, before an expression
_CLOSE = rb"(?:" + _GAP + rb"|\))*"  # ... and closing parentheses, after one
_IDENT = rb"[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*"  # (non-ASCII: any UTF-8 byte)
_DOTTED = rb"(?:" + _IDENT + _CLOSE + rb"\." + _OPEN + rb")*"  # `a.b.`, `(a).b.` before a name

# --------------------------------------------------------------------------------------------------
# Singletons

# A `global` statement: the keyword at the start of a statement (after indentation, `;` or `:`), then
# a comma-separated list of names up to the end of the statement. Prose such as "the global state"
# in comments and docstrings does not match.
_SEP = rb"(?:[ \t\f]|\\\n)"  # blanks and line continuations inside a statement
_GLOBAL_STMT = (
    rb"global(?<![^\s;:]global)"
    + _SEP
    + rb"+"
    + _IDENT
    + rb"(?:"
    + _SEP
    + rb"*,"
    + _SEP
    + rb"*"
    + _IDENT
    + rb")*"
    + _SEP
    + rb"*(?:[\n;#]|\Z)"
)

_GLOBAL = re.compile(_GLOBAL_STMT)
# `@cache`, `@functools.lru_cache(...)`, ... before a `def get_*`.
_CACHED_GETTER = re.compile(
    rb"@" + _OPEN + _DOTTED + rb"(?:lru_)?cache\b(?=[\s\S]*?\bdef(?:[ \t\f]|\\\n)+get_)"
)


def may_have_singleton(data: bytes) -> bool:
    """Could ``singletons.find_singletons`` find anything in this file? Substring checks first."""
    data = _normalised(data)
    return (
        b"__new__" in data  # class_instance
        or (b"global" in data and _GLOBAL.search(data) is not None)  # module_instance
        or (b"get_" in data and b"cache" in data and _CACHED_GETTER.search(data) is not None)
        or b"ingleton" in data.lower()  # decorator (the name contains "singleton", any case)
    )


# --------------------------------------------------------------------------------------------------
# Shared state

_CTORS = rb"(?:list|dict|set|defaultdict|OrderedDict|Counter|deque|bytearray)"
# `=` of an assignment (not `==`, `!=`, `<=`, `+=`, `:=`, ...), then a list/dict/set display or
# comprehension, or a call of a container constructor (possibly dotted, parenthesised, spread over
# continuation lines).
_CONTAINER = re.compile(
    rb"=(?<![=!<>+\-*/%&|^@:]=)" + _OPEN + rb"(?:[\[{]|" + _DOTTED + _CTORS + _CLOSE + rb"\()"
)
# A name an assignment can bind: not an attribute, and not followed by what makes it a call, a
# subscript or an attribute (`dict[str, int]` in an annotation binds nothing).
_TARGET = re.compile(
    rb"(?<![A-Za-z0-9_.\x80-\xff])" + _IDENT + rb"(?![A-Za-z0-9_\x80-\xff])(?![ \t]*[\[(.])"
)
_KEYWORDS = frozenset(k.encode() for k in keyword.kwlist)
_MUTATORS = (
    rb"append|extend|insert|update|setdefault|pop|popitem|clear|add|remove|discard|appendleft"
    rb"|extendleft|sort|reverse"
)
# Comments and strings, as the tokenizer meets them; used only on lines that hold a triple quote.
_TOKEN = re.compile(
    rb"#[^\n]*"
    rb'|"""(?:[^\\"]+|\\(?:.|\Z)|"(?!""))*(?:"""|\Z)'
    rb"|'''(?:[^\\']+|\\(?:.|\Z)|'(?!''))*(?:'''|\Z)"
    rb'|"(?:[^\\"\n]+|\\(?:.|\Z))*(?:"|$)'
    rb"|'(?:[^\\'\n]+|\\(?:.|\Z))*(?:'|$)",
    re.DOTALL | re.MULTILINE,
)


# After a name: a mutating method call or an item (a superset of what `find_shared_state` counts).
_MUTATED_USE = re.compile(_CLOSE + rb"(?:\.(?:" + _GAP + rb")*(?:" + _MUTATORS + rb")\b|\[)")
_NAME_BYTES = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
) | frozenset(range(0x80, 0x100))


@functools.lru_cache(maxsize=4096)
def _global_of(name: bytes) -> re.Pattern[bytes]:
    n = re.escape(name)
    return re.compile(
        rb"global\b[^\n]*(?<![A-Za-z0-9_\x80-\xff])" + n + rb"(?![A-Za-z0-9_\x80-\xff])"
    )


def _mutated(data: bytes, name: bytes) -> bool:
    """Is ``name`` mutated anywhere (a method call, an item, ``global name``)? As
    ``find_shared_state`` looks for it inside functions, but with no regard to scope."""
    i = data.find(name)
    while i != -1:
        end = i + len(name)
        if (
            (i == 0 or (data[i - 1] not in _NAME_BYTES and data[i - 1] != 0x2E))  # not `x.name`
            and (end == len(data) or data[end] not in _NAME_BYTES)
            and _MUTATED_USE.match(data, end) is not None
        ):
            return True
        i = data.find(name, end)
    return b"global" in data and _global_of(name).search(data) is not None


_TRIPLE = re.compile(rb"\"\"\"|'''")


class _Layout:
    """Where the ``class``/``def`` headers of a file are, which of them are code (not text in a
    string), and where each block ends; each part computed on first use."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.headers: list[tuple[int, int, bytes]] = []  # (line start, indentation, kind)
        # `bytes.find` is several times faster here than a regular expression. A missed `def` only
        # makes the check say yes more often; a missed `class` could hide a class body inside a
        # function, so every spelling of that one is found.
        for kw, follow in ((b"def", b" \t"), (b"class", b" \t\f\\")):
            i = data.find(kw)
            while i != -1:
                start = data.rfind(b"\n", 0, i) + 1
                if data[i + len(kw) : i + len(kw) + 1] in follow:
                    prefix = data[start:i]
                    if kw == b"def" and prefix.rstrip(b" \t").endswith(b"async"):
                        prefix = prefix[: prefix.rfind(b"async")]
                    if not prefix.strip(b" \t\f"):
                        self.headers.append((start, len(prefix), kw))
                i = data.find(kw, i + 1)
        self.headers.sort()
        self.positions = [h[0] for h in self.headers]
        self._ends: dict[int, int] = {}  # header -> end of its block
        self._code: dict[int, bool] = {}  # header -> not in a string
        self._string_starts: list[int] = []  # triple-quoted strings, in order ...
        self._string_ends: list[int] = []
        self._scanned = 0  # ... as far as this offset

    def _end(self, i: int) -> int:
        """Where the block of header ``i`` ends: the newline before the first line of code indented
        at most as much as the header. Such a line in a string or in brackets also ends it here, so
        a block may end early, never late."""
        end = self._ends.get(i)
        if end is None:
            start, indent, _ = self.headers[i]
            body = self.data.find(b"\n", start)
            m = _closer(indent).search(self.data, body) if body != -1 else None
            end = self._ends[i] = m.start() if m is not None else len(self.data)
        return end

    def _is_code(self, i: int) -> bool:
        code = self._code.get(i)
        if code is None:
            code = self._code[i] = not self._in_string(self.headers[i][0])
        return code

    def _in_string(self, line_start: int) -> bool:
        """Is this line start inside a string literal (a triple-quoted one, or one continued with
        a backslash at the end of the line before)?"""
        data = self.data
        if data[max(line_start - 2, 0) : line_start] == b"\\\n":
            return True
        # Find the triple-quoted strings that start before `line_start`. Only the lines holding a
        # triple quote are tokenized: one in a comment or in a one-line string opens nothing.
        while self._scanned <= line_start:
            done = self._scanned
            t = _TRIPLE.search(data, done)
            if t is None:
                self._scanned = len(data) + 1
                break
            p = t.start()
            line = data.rfind(b"\n", 0, p) + 1
            while line > 1 and data[line - 2 : line] == b"\\\n":  # a continued line: its start
                line = data.rfind(b"\n", 0, line - 2) + 1
            self._scanned = p + 1
            for m in _TOKEN.finditer(data, max(line, done)):
                if m.end() <= p:
                    continue
                if m.start() == p:  # the triple quote opens a string
                    self._string_starts.append(p)
                    self._string_ends.append(m.end())
                self._scanned = max(m.end(), p + 1)  # (or it is in a comment or a short string)
                break
        i = bisect.bisect_right(self._string_starts, line_start) - 1
        return i >= 0 and line_start < self._string_ends[i]

    def header_at(self, line_start: int) -> bytes | None:
        i = bisect.bisect_left(self.positions, line_start)
        if i < len(self.positions) and self.positions[i] == line_start:
            return self.headers[i][2]
        return None

    def owner(self, line_start: int, indent: int) -> tuple[bytes | None, int, bool]:
        """The kind of the innermost block a line at ``line_start`` indented ``indent`` is in
        (``b"def"``, ``b"class"``, or None for the module), the index of its header, and whether
        a class was passed over as closed on the way out."""
        skipped_class = False
        i = bisect.bisect_left(self.positions, line_start) - 1
        while i >= 0:
            _, h_indent, kind = self.headers[i]
            if h_indent < indent:
                if self._end(i) + 1 < line_start:
                    skipped_class = skipped_class or kind == b"class"
                elif kind == b"class" or self._is_code(i):
                    return kind, i, skipped_class
            i -= 1
        return None, -1, skipped_class

    def skip_function(self, i: int, line_start: int) -> int:
        """Where to look next after a line of the function of header ``i``: the next class header
        in the function (a class body there can hold findings), else the end of the function."""
        end = self._end(i)
        j = bisect.bisect_right(self.positions, line_start)
        while j < len(self.headers) and self.positions[j] < end:
            if self.headers[j][2] == b"class":
                return self.positions[j]
            j += 1
        return end


@functools.lru_cache(maxsize=64)
def _closer(indent: int) -> re.Pattern[bytes]:
    return re.compile(rb"\n[ \t]{0,%d}[^ \t\n#]" % indent)


def may_have_shared_state(data: bytes) -> bool:
    """Could ``shared_state.find_shared_state`` find anything in this file?

    Every container assignment is looked at: one inside a function body cannot be a finding; one in
    a class body can; one at module level only if its name is mutated somewhere. Where the target of
    an assignment is not on the line of its ``=`` (a multi-line target, a line continuation, a form
    feed in the indentation), the answer is yes.
    """
    data = _normalised(data)
    layout: _Layout | None = None
    checked: set[bytes] = set()
    pos = 0
    while (m := _CONTAINER.search(data, pos)) is not None:
        pos = m.end()
        eq = m.start()
        line_start = data.rfind(b"\n", 0, eq) + 1
        prefix = data[line_start:eq]
        indent = len(prefix) - len(prefix.lstrip(b" \t"))
        owner: bytes | None = None
        skipped_class = False
        if indent or prefix[:3] in (b"def", b"cla", b"asy"):
            if layout is None:
                layout = _Layout(data)
            own = layout.header_at(line_start)
            if own is not None:  # a one-line body: `class A: items = []`, `def f(x=[]): ...`
                if own == b"class":
                    return True
                continue
            owner, header, skipped_class = layout.owner(line_start, indent)
            if owner == b"def":
                # A function's local, however its statement is spread over lines, and so is all
                # the rest of the function up to a class in it.
                pos = max(pos, layout.skip_function(header, line_start))
                continue
        if (
            b"\f" in prefix
            or data[max(line_start - 2, 0) : line_start] == b"\\\n"
            or _unbalanced(prefix)
        ):
            return True  # the statement started on an earlier line
        if owner == b"class" or skipped_class:
            # A class that looks closed may only look so (a bracketed line at a low indentation).
            return True
        for name in _TARGET.findall(prefix):
            if name not in checked and name not in _KEYWORDS:
                checked.add(name)
                if _mutated(data, name):
                    return True
    return False


def _unbalanced(prefix: bytes) -> bool:
    """More closing than opening brackets: the statement started on an earlier line."""
    depth = 0
    for c in prefix:
        if c in b"([{":
            depth += 1
        elif c in b")]}":
            depth -= 1
            if depth < 0:
                return True
    return False
