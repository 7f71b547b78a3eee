"""Line diffs whose cost follows the file's size, not its square.

``difflib.SequenceMatcher`` (with ``autojunk=False``, needed for exact diffs of source code) is
quadratic in the number of repeated lines: every blank line of a 10 MB module is compared with every
other one, so a diff with two changed lines took minutes and gigabytes. Here the common head and tail
are taken off first, then lines that occur exactly once on both sides anchor the two versions to each
other (the longest increasing run of such pairs, as in patience diff), and only the gaps between
anchors are compared, each with difflib when it is small. A large gap with no anchor is reported as
replaced: a bigger hunk, never a wrong one. Small files go to difflib whole, so their diffs are
exactly difflib's.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from collections.abc import Hashable, Iterator, Sequence

Opcode = tuple[str, int, int, int, int]

SMALL = 250_000  # len(a) * len(b) up to which difflib compares a region directly


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """``SequenceMatcher(None, a, b, autojunk=False).get_opcodes()``, in near-linear time."""
    if len(a) * len(b) <= SMALL:
        return list(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
    out: list[Opcode] = []
    _region(a, 0, len(a), b, 0, len(b), out)
    return _merge(out)


def grouped(codes: list[Opcode], context: int = 3) -> Iterator[list[Opcode]]:
    """Hunks: runs of changes with up to ``context`` equal lines around them (as ``diff -u``).

    Equal stretches longer than twice the context split hunks; the first and last equal stretches are
    cut to the context.
    """
    if not codes:
        codes = [("equal", 0, 1, 0, 1)]
    codes = list(codes)
    tag, i1, i2, j1, j2 = codes[0]
    if tag == "equal":
        codes[0] = (tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    tag, i1, i2, j1, j2 = codes[-1]
    if tag == "equal":
        codes[-1] = (tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    hunk: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            hunk.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield hunk
            hunk = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        hunk.append((tag, i1, i2, j1, j2))
    if hunk and not (len(hunk) == 1 and hunk[0][0] == "equal"):
        yield hunk


def _prefix(
    a: Sequence[Hashable], i: int, ahi: int, b: Sequence[Hashable], j: int, bhi: int
) -> int:
    """How many lines from (i, j) on are equal: galloping slice comparisons, so the work per line is
    a pointer comparison in C, not a step of a Python loop."""
    limit = min(ahi - i, bhi - j)
    done, step = 0, 1
    while done < limit:
        size = min(step, limit - done)
        if a[i + done : i + done + size] == b[j + done : j + done + size]:
            done += size
            step *= 2
        elif size == 1:
            break
        else:
            step = max(1, size // 2)
    return done


def _suffix(
    a: Sequence[Hashable], alo: int, i: int, b: Sequence[Hashable], blo: int, j: int
) -> int:
    """How many lines before (i, j) are equal (as :func:`_prefix`, backwards)."""
    limit = min(i - alo, j - blo)
    done, step = 0, 1
    while done < limit:
        size = min(step, limit - done)
        if a[i - done - size : i - done] == b[j - done - size : j - done]:
            done += size
            step *= 2
        elif size == 1:
            break
        else:
            step = max(1, size // 2)
    return done


def _region(
    a: Sequence[Hashable],
    alo: int,
    ahi: int,
    b: Sequence[Hashable],
    blo: int,
    bhi: int,
    out: list[Opcode],
) -> None:
    head = _prefix(a, alo, ahi, b, blo, bhi)
    if head:
        out.append(("equal", alo, alo + head, blo, blo + head))
        alo, blo = alo + head, blo + head
    tail = _suffix(a, alo, ahi, b, blo, bhi)
    _middle(a, alo, ahi - tail, b, blo, bhi - tail, out)
    if tail:
        out.append(("equal", ahi - tail, ahi, bhi - tail, bhi))


def _middle(
    a: Sequence[Hashable],
    alo: int,
    ahi: int,
    b: Sequence[Hashable],
    blo: int,
    bhi: int,
    out: list[Opcode],
) -> None:
    if alo == ahi and blo == bhi:
        return
    if alo == ahi:
        out.append(("insert", alo, alo, blo, bhi))
        return
    if blo == bhi:
        out.append(("delete", alo, ahi, blo, blo))
        return
    if (ahi - alo) * (bhi - blo) <= SMALL:
        matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            out.append((tag, i1 + alo, i2 + alo, j1 + blo, j2 + blo))
        return
    anchors = _anchors(a, alo, ahi, b, blo, bhi)
    if not anchors:
        out.append(("replace", alo, ahi, blo, bhi))
        return
    starts = [i for i, _ in anchors]
    i, j = alo, blo  # the end of what is emitted so far
    pos = 0
    while pos < len(anchors):
        ai, bj = anchors[pos]
        _region(a, i, ai, b, j, bj, out)
        run = _prefix(a, ai, ahi, b, bj, bhi)  # at least the anchor itself
        out.append(("equal", ai, ai + run, bj, bj + run))
        i, j = ai + run, bj + run
        pos = bisect.bisect_left(starts, i, pos + 1)  # anchors inside the run are done
        while pos < len(anchors) and anchors[pos][1] < j:
            pos += 1
    _region(a, i, ahi, b, j, bhi, out)


def _anchors(
    a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int
) -> list[tuple[int, int]]:
    """Pairs (i, j) of lines unique in both regions, the longest run increasing on both sides."""
    part_a, part_b = a[alo:ahi], b[blo:bhi]
    count_a, count_b = Counter(part_a), Counter(part_b)
    unique = {line for line, n in count_a.items() if n == 1 and count_b.get(line) == 1}
    where_b = {line: j for j, line in enumerate(part_b, blo) if line in unique}
    pairs = [(i, where_b[line]) for i, line in enumerate(part_a, alo) if line in unique]
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by i) whose j increase too (O(n log n))."""
    js = [j for _, j in pairs]
    if js == sorted(js):  # the usual case, a few lines changed in place: O(n) in C
        return pairs
    tails: list[int] = []  # tails[k]: the smallest j ending an increasing run of length k + 1
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k] = j
            tail_index[k] = index
        previous[index] = tail_index[k - 1] if k else -1
    run: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        run.append(pairs[index])
        index = previous[index]
    run.reverse()
    return run


def _merge(codes: list[Opcode]) -> list[Opcode]:
    """Join neighbours: equal with equal, and any mix of changes into one replace/insert/delete."""
    merged: list[Opcode] = []
    for code in codes:
        tag, i1, i2, j1, j2 = code
        if i1 == i2 and j1 == j2:
            continue
        if merged:
            ptag, pi1, _, pj1, _ = merged[-1]
            if (ptag == "equal") == (tag == "equal"):
                ni2, nj2 = i2, j2
                if tag == "equal":
                    merged[-1] = ("equal", pi1, ni2, pj1, nj2)
                else:
                    merged[-1] = (_change(pi1, ni2, pj1, nj2), pi1, ni2, pj1, nj2)
                continue
        merged.append(code)
    return merged


def _change(i1: int, i2: int, j1: int, j2: int) -> str:
    if i1 == i2:
        return "insert"
    if j1 == j2:
        return "delete"
    return "replace"
