"""Text of every file, from the decisions in ``assign`` (in a process pool for large corpora).

Each file's text depends only on the seed, its index and path, the layout and the profile: its own
``random.Random`` is seeded from those, so rendering in any order or process gives the same bytes.
"""

from __future__ import annotations

import multiprocessing
import os
import random
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .fixed import fixed_file, init_text
from .forms import form_code
from .layout import COMMENTED_SHIM, Corpus, Module
from .profiles import Profile
from .prose import mention_block
from .shapes import (
    Expectation,
    break_text,
    commented_out,
    detector_case,
    near_miss_block,
)
from .writer import Writer

Case = dict[str, Any]  # one planted detector case, as the manifest lists it
_PARALLEL_FROM = 1500  # files; below this a pool costs more than it saves

_state: tuple[list[Module], Corpus, int, Profile] | None = None  # set before forking workers


def _line_of(lines: list[str], anchor: tuple[str, ...]) -> int:
    at = 0
    for prefix in anchor:
        while not lines[at].lstrip().startswith(prefix):
            at += 1  # IndexError here is a generator bug: the anchor is not in the text
        at += 1
    return at


def render_module(
    index: int, m: Module, seed: int, corpus: Corpus, profile: Profile
) -> tuple[bytes, list[Case]]:
    """One file's bytes and the detector cases planted in it."""
    rng = random.Random(f"{seed}:{index}:{m.path}")
    expectations: list[Expectation] = []
    if m.kind == "fixed":
        text = fixed_file(m.path)
        if m.path == COMMENTED_SHIM:
            name = m.name
            expectations.append(Expectation("commented_out_shim", "shims", name, ("#",), "none"))
    elif m.kind == "init":
        text = init_text(m, rng, corpus)
    else:
        extra_imports: list[str] = []
        head: list[str] = []
        blocks: list[str] = []
        module_doc: str | None = None
        for k, form in enumerate(m.forms, start=1):
            imports, heads, body = form_code(form, m, rng, k)
            extra_imports += imports
            head += heads
            blocks += body
        if m.near_miss:
            imports, body = near_miss_block(m.near_miss, index)
            extra_imports += imports
            blocks += body
        for j, kind in enumerate(m.mentions):
            imports, body, doc = mention_block(kind, rng, index * 10 + j)
            extra_imports += imports
            blocks += body
            module_doc = doc or module_doc
        for j, kind in enumerate(m.cases):
            imports, block, exp = detector_case(kind, rng, index * 10 + j)
            extra_imports += imports
            blocks.append(block)
            expectations += exp
        writer = Writer(rng, m, corpus, verbose=profile.verbose)
        text = writer.render(extra_imports, head, blocks, module_doc)
        if m.commented_out:
            text = commented_out(text)
            expectations.append(
                Expectation("commented_out_module", "shims", m.name, ("#",), "none")
            )
        if m.broken:
            text = break_text(m.broken, text, rng)
    lines = text.split("\n")
    cases = [
        {
            "path": m.path,
            "line": _line_of(lines, e.anchor),
            "case": e.case,
            "detector": e.detector,
            "name": e.name,
            "expect": e.expect,
        }
        for e in expectations
    ]
    data = text.replace("\n", "\r\n") if m.crlf else text
    raw = data.encode("utf-8")
    if m.bom:
        raw = b"\xef\xbb\xbf" + raw
    return raw, cases


def _render_slice(bounds: tuple[int, int]) -> list[tuple[bytes, list[Case]]]:
    assert _state is not None
    modules, corpus, seed, profile = _state
    return [render_module(i, modules[i], seed, corpus, profile) for i in range(*bounds)]


def render_corpus(
    modules: list[Module],
    seed: int,
    profile: Profile,
    jobs: int | None = None,
    *,
    min_parallel: int = _PARALLEL_FROM,
) -> tuple[dict[str, bytes], list[Case]]:
    """Every file's bytes, in layout order, and every planted detector case."""
    global _state
    corpus = Corpus(modules)
    originals = [i for i, m in enumerate(modules) if m.kind != "backup"]
    assert originals == list(range(len(originals))), "backup copies come last in the layout"
    jobs = jobs or os.cpu_count() or 1
    fork = "fork" in multiprocessing.get_all_start_methods()
    if jobs > 1 and fork and len(originals) >= min_parallel:
        step = max(1, min(200, len(originals) // (jobs * 8)))
        slices = [(i, min(i + step, len(originals))) for i in range(0, len(originals), step)]
        _state = (modules, corpus, seed, profile)
        try:
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(jobs, mp_context=ctx) as pool:
                rendered = [r for part in pool.map(_render_slice, slices) for r in part]
        finally:
            _state = None
    else:
        rendered = [render_module(i, modules[i], seed, corpus, profile) for i in originals]
    out: dict[str, bytes] = {}
    cases: list[Case] = []
    for m, (raw, found) in zip(modules, rendered, strict=False):
        out[m.path] = raw
        cases += found
    by_path: dict[str, list[Case]] = {}
    for c in cases:
        by_path.setdefault(c["path"], []).append(c)
    for m in modules[len(originals) :]:  # a backup copy is its source, byte for byte
        out[m.path] = out[m.source]
        cases += [{**c, "path": m.path, "backup_of": m.source} for c in by_path.get(m.source, [])]
    return out, cases
