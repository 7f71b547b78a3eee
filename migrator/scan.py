"""Scanning: discover files, prefilter their bytes, analyse the few that can matter (cached, in a pool).

The prefilter is what makes a large repository fast: a file is parsed only when its bytes contain a
word that can matter (a symbol name, a module path tail that re-exports one, a configured call), or a
pattern one of the per-file detectors needs. The set of words grows as the index learns of new aliases
(``Engine = UserEngine`` in a compat module makes ``Engine`` and ``compat`` matter), until nothing new
is found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from migrator import detectors
from migrator.analysis import ModuleInfo, analyze_source
from migrator.cache import Cache, content_key
from migrator.config import Config
from migrator.files import SourceFile, discover
from migrator.parallel import pmap

Progress = Callable[[str, int, int], None]

_CONFLICT_RE = re.compile(rb"^<<<<<<< ", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class _Task:
    path: str
    module: str
    is_package: bool
    data: bytes


def _analyze(task: _Task) -> ModuleInfo:
    return analyze_source(task.data, task.path, task.module, task.is_package)


@dataclass
class ScanResult:
    files: list[SourceFile]
    infos: dict[str, ModuleInfo] = field(default_factory=dict)  # by path: every analysed file
    read_errors: dict[str, str] = field(default_factory=dict)
    parsed_from_cache: int = 0


class Scanner:
    """Analyses files on demand; each file is read and analysed at most once per scan."""

    def __init__(
        self,
        config: Config,
        *,
        jobs: int | None = None,
        use_cache: bool = True,
        progress: Progress | None = None,
        files: list[SourceFile] | None = None,
    ) -> None:
        self.config = config
        self.root = config.root
        self.jobs = jobs
        self.cache = Cache(self.root, enabled=use_cache)
        self.progress = progress
        self.result = ScanResult(files=discover(config) if files is None else files)
        self._needles: set[bytes] = set()
        self._pending = {f.path: f for f in self.result.files}

    def _read(self, f: SourceFile) -> bytes | None:
        try:
            return (self.root / f.path).read_bytes()
        except OSError as exc:
            self.result.read_errors[f.path] = exc.strerror or str(exc)
            self._pending.pop(f.path, None)
            return None

    def _always(self, f: SourceFile, data: bytes) -> bool:
        """Files that the per-file detectors or the boundary check need, whatever the symbols."""
        if _CONFLICT_RE.search(data):
            return True
        if detectors.SINGLETON_PREFILTER.search(data) or detectors.SHARED_STATE_PREFILTER.search(data):
            return True
        return bool(self._boundary_re is not None and self._boundary_re.search(data))

    @property
    def _boundary_re(self) -> re.Pattern[bytes] | None:
        services = self.config.services
        if not services:
            return None
        heads = sorted({s.split(".", 1)[0] for s in services})
        alt = b"|".join(re.escape(h.encode()) for h in heads)
        return re.compile(rb"(?:^|\s)(?:from|import)\s+(?:(?:" + alt + rb")\b|\.\.)", re.MULTILINE)

    def scan(self, words: Iterable[str], *, everything: bool = False, first: bool = False) -> list[ModuleInfo]:
        """Analyse every pending file containing one of ``words`` (all of them with ``everything``).

        ``first`` also takes the files the detectors need. Returns the newly analysed files.
        """
        new = {w.encode() for w in words if w} - self._needles
        self._needles |= new
        if not new and not everything and not first:
            return []
        pattern = (
            re.compile(rb"(?<![A-Za-z0-9_])(?:" + b"|".join(re.escape(n) for n in sorted(new)) + rb")(?![A-Za-z0-9_])")
            if new
            else None
        )
        chosen: list[_Task] = []
        pending = list(self._pending.values())
        for i, f in enumerate(pending):
            data = self._read(f)
            if data is None:
                continue
            take = everything or (first and self._always(f, data))
            if not take and pattern is not None and any(n in data for n in new):
                take = pattern.search(data) is not None
            if take:
                chosen.append(_Task(f.path, f.module, f.is_package, data))
            if self.progress and i % 500 == 0:
                self.progress("prefilter", i, len(pending))
        return self._analyze_all(chosen)

    def _analyze_all(self, tasks: list[_Task]) -> list[ModuleInfo]:
        out: list[ModuleInfo] = []
        misses: list[tuple[_Task, str]] = []
        for t in tasks:
            self._pending.pop(t.path, None)
            key = content_key(t.data, t.module, t.is_package)
            hit = self.cache.get(key, t.path)
            if hit is not None:
                self.result.parsed_from_cache += 1
                out.append(hit)
            else:
                misses.append((t, key))
        total = len(misses)
        for i, info in enumerate(pmap(_analyze, [t for t, _ in misses], self.jobs)):
            self.cache.put(misses[i][1], info)
            out.append(info)
            if self.progress and (i % 50 == 0 or i == total - 1):
                self.progress("parse", i + 1, total)
        for info in out:
            self.result.infos[info.path] = info
        return out
