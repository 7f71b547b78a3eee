"""Scanning: discover files, prefilter their bytes, analyse the few that can matter (cached, in a pool).

The prefilter is what makes a large repository fast: a file is parsed only when its bytes contain a
word that can matter (a symbol name, a configured call, the full path of a re-export module), a star
import from a module that re-exports one, or a pattern one of the per-file detectors needs. The set of
words grows as the index learns of new aliases (``Engine = UserEngine`` in a compat module makes
``Engine`` matter), until nothing new is found.

Workers do everything per file (read, prefilter, cache lookup, parse), in chunks, so the parent only
lists files and merges frozen results.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from migrator import prefilter
from migrator.analysis import analyze_source
from migrator.cache import Cache, content_key
from migrator.config import Config
from migrator.files import SourceFile, discover
from migrator.moduleinfo import ModuleInfo
from migrator.parallel import pmap

Progress = Callable[[str, int, int], None]

_CONFLICT_RE = re.compile(rb"^<<<<<<< ", re.MULTILINE)
_CHUNK = 200


@functools.lru_cache(maxsize=64)
def _word_re(words: frozenset[bytes]) -> re.Pattern[bytes]:
    """Any of ``words`` as a whole word (dots allowed inside, for full module paths)."""
    alt = b"|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rb"(?<![A-Za-z0-9_])(?:" + alt + rb")(?![A-Za-z0-9_])")


@functools.lru_cache(maxsize=64)
def _star_re(tails: frozenset[bytes]) -> re.Pattern[bytes]:
    alt = b"|".join(re.escape(t) for t in sorted(tails))
    return re.compile(rb"\bfrom[ \t]+[\w.]*\b(?:" + alt + rb")[ \t]+import[ \t]+\*")


@functools.lru_cache(maxsize=256)
def _boundary(
    services: tuple[str, ...], mine: str, package_depth: int
) -> tuple[tuple[bytes, ...], re.Pattern[bytes]]:
    """Imports that can reach another service: absolute imports naming another service, or relative
    imports with enough dots to climb out of the file's own service."""
    others = sorted({s.split(".", 1)[0] for s in services if s != mine})
    alts = [re.escape(o.encode()) + rb"\b" for o in others]
    # `from .` stays in the file's package; each further dot climbs one package up.
    climb = package_depth - mine.count(".")
    alts.append(rb"\.{" + str(climb + 1).encode() + rb",}")
    pattern = re.compile(
        rb"(?:^|[\s;])(?:from|import)[ \t]+(?:" + b"|".join(alts) + rb")", re.MULTILINE
    )
    return tuple(o.encode() for o in others), pattern


# What identifies a file's content without reading it: (mtime_ns, size) on disk, the blob id in git.
Stamp = Hashable


class Reader(Protocol):
    """Where file bytes come from. Picklable: workers read their own chunk of files."""

    @property
    def kind(self) -> str: ...

    def stamp(self, root: str, path: str) -> Stamp | None: ...

    def read(
        self, root: str, paths: Sequence[str]
    ) -> Iterator[tuple[str, bytes | None, Stamp | None, str | None]]:
        """(path, data or None, stamp or None, error or None) for each of ``paths``, in order."""
        ...


@dataclass(frozen=True, slots=True)
class DiskReader:
    """The work tree: a file's stamp is its (mtime_ns, size)."""

    kind: str = "disk"

    def stamp(self, root: str, path: str) -> Stamp | None:
        return _stamp(os.path.join(root, path))

    def read(
        self, root: str, paths: Sequence[str]
    ) -> Iterator[tuple[str, bytes | None, Stamp | None, str | None]]:
        for path in paths:
            full = os.path.join(root, path)
            stamp = _stamp(full)
            try:
                with open(full, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                yield path, None, None, exc.strerror or str(exc)
                continue
            if stamp is not None and stamp[1] != len(data):
                stamp = None  # changed while we read it: do not remember anything about it
            yield path, data, stamp, None


@dataclass(frozen=True, slots=True)
class _Round:
    """What one scanning round looks for (the same for every file; sent once per chunk)."""

    root: str
    words: frozenset[bytes]
    tails: frozenset[bytes]
    first: bool  # also the files the detectors and the boundary check need
    everything: bool
    services: tuple[str, ...]
    use_cache: bool
    reader: Reader


def _round_key(r: _Round) -> str:
    blob = repr(
        (sorted(r.words), sorted(r.tails), r.first, r.everything, r.services, r.reader.kind)
    ).encode()
    return hashlib.sha256(blob).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class _Outcome:
    path: str
    info: ModuleInfo | None  # None: the prefilter left the file out
    cached: bool = False
    read_error: str | None = None
    stamp: Stamp | None = None  # what the file was when read
    key: str | None = None  # content key, for wanted files


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _service_of(services: tuple[str, ...], module: str) -> str | None:
    best = None
    for s in services:
        if (module == s or module.startswith(s + ".")) and (best is None or len(s) > len(best)):
            best = s
    return best


def _wanted(r: _Round, f: SourceFile, data: bytes) -> bool:
    if r.everything:
        return True
    if r.first:
        if b"<<<<<<< " in data and _CONFLICT_RE.search(data):
            return True
        if prefilter.may_have_singleton(data) or prefilter.may_have_shared_state(data):
            return True
        mine = _service_of(r.services, f.module) if r.services else None
        if mine is not None:
            others, pattern = _boundary(
                r.services, mine, f.module.count(".") + (1 if f.is_package else 0)
            )
            if (any(o in data for o in others) or b"from .." in data) and pattern.search(data):
                return True
    if r.words and any(w in data for w in r.words) and _word_re(r.words).search(data):
        return True
    return bool(r.tails and b"import *" in data and _star_re(r.tails).search(data))


def _scan_chunk(task: tuple[_Round, Sequence[SourceFile]]) -> list[_Outcome]:
    r, files = task
    cache = Cache(Path(r.root), enabled=r.use_cache)
    out: list[_Outcome] = []
    by_path = {f.path: f for f in files}
    for path, data, stamp, error in r.reader.read(r.root, [f.path for f in files]):
        f = by_path[path]
        if data is None:
            out.append(_Outcome(f.path, None, read_error=error or "cannot read"))
            continue
        if not _wanted(r, f, data):
            out.append(_Outcome(f.path, None, stamp=stamp))
            continue
        key = content_key(data, f.module, f.is_package)
        hit = cache.get(key, f.path)
        if hit is not None:
            out.append(_Outcome(f.path, hit, cached=True, stamp=stamp, key=key))
            continue
        info = analyze_source(data, f.path, f.module, f.is_package)
        cache.put(key, info)
        out.append(_Outcome(f.path, info, stamp=stamp, key=key))
    return out


@dataclass
class ScanResult:
    files: list[SourceFile]
    infos: dict[str, ModuleInfo] = field(default_factory=dict)  # by path: every analysed file
    read_errors: dict[str, str] = field(default_factory=dict)
    parsed_from_cache: int = 0


class Scanner:
    """Analyses files on demand; each file is analysed at most once per scan."""

    def __init__(
        self,
        config: Config,
        *,
        jobs: int | None = None,
        use_cache: bool = True,
        progress: Progress | None = None,
        files: list[SourceFile] | None = None,
        reader: Reader | None = None,
    ) -> None:
        self.config = config
        self.root = config.root
        self.jobs = jobs
        self.use_cache = use_cache
        self.cache = Cache(self.root, enabled=use_cache)
        self.progress = progress
        self.reader: Reader = reader or DiskReader()
        self.result = ScanResult(files=discover(config) if files is None else files)
        self._words: set[bytes] = set()
        self._tails: set[bytes] = set()
        self._pending: dict[str, SourceFile] = {f.path: f for f in self.result.files}

    def snapshot_key(self, extra: str) -> str:
        """A key for the whole repository's state: every file's path, mtime and size, plus ``extra``."""
        h = hashlib.sha256(extra.encode())
        root = str(self.root)
        for f in self.result.files:
            h.update(f"{f.path}\0{f.module}\0{self.reader.stamp(root, f.path)}\n".encode())
        return h.hexdigest()

    def scan(
        self,
        words: Iterable[str],
        star_tails: Iterable[str] = (),
        *,
        everything: bool = False,
        first: bool = False,
    ) -> list[ModuleInfo]:
        """Analyse every pending file that contains one of ``words`` as a word, or star-imports from a
        module whose last component is in ``star_tails`` (every pending file with ``everything``).

        ``first`` also takes the files the detectors need. Returns the newly analysed files.
        """
        new = {w.encode() for w in words if w} - self._words
        self._words |= new
        tails = {t.encode() for t in star_tails if t} - self._tails
        self._tails |= tails
        if not new and not tails and not everything and not first:
            return []
        r = _Round(
            root=str(self.root),
            words=frozenset(new),
            tails=frozenset(tails),
            first=first,
            everything=everything,
            services=tuple(self.config.services),
            use_cache=self.use_cache,
            reader=self.reader,
        )
        found: list[ModuleInfo] = []
        # Warm runs: files whose (mtime, size) match what an identical earlier round saw need no
        # reading at all; the ones it wanted come straight from the analysis cache.
        index = self.cache.prefilter_index(_round_key(r)) if self.use_cache else None
        pending: list[SourceFile] = []
        for f in list(self._pending.values()):
            known = index.get(f.path) if index is not None else None
            if known is not None and known[0] == self.reader.stamp(r.root, f.path):
                wanted, key = known[1], known[2]
                if not wanted:
                    continue
                hit = self.cache.get(key, f.path) if key else None
                if hit is not None:
                    self._take(f.path, hit, True, found)
                    continue
            pending.append(f)
        chunks = [(r, pending[i : i + _CHUNK]) for i in range(0, len(pending), _CHUNK)]
        done = 0
        for outcomes in pmap(_scan_chunk, chunks, self.jobs, chunksize=1, min_parallel=2):
            for o in outcomes:
                if o.read_error is not None:
                    self.result.read_errors[o.path] = o.read_error
                    self._pending.pop(o.path, None)
                    continue
                if index is not None and o.stamp is not None:
                    index[o.path] = (o.stamp, o.info is not None, o.key)
                if o.info is not None:
                    self._take(o.path, o.info, o.cached, found)
            done += len(outcomes)
            if self.progress:
                self.progress("scan", done, len(pending))
        if index is not None and pending:
            self.cache.save_prefilter_index(_round_key(r), index)
        return found

    def _take(self, path: str, info: ModuleInfo, cached: bool, found: list[ModuleInfo]) -> None:
        self._pending.pop(path, None)
        self.result.infos[path] = info
        self.result.parsed_from_cache += cached
        found.append(info)
