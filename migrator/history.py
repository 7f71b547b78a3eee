"""Progress over git history: the headline metrics at each commit, computed from git objects.

Nothing is checked out. For each commit, the tree's ``.py`` blobs are listed (``git ls-tree``), the
same files the work tree would give are selected (``src``, ``exclude``), and the plan is built with a
scanner that reads blobs (``git cat-file --batch``) instead of files. Every commit is judged by the
*current* configuration: the question is how far along this migration each commit was.

What makes it cheap:

- a blob id is a content stamp, so the scanner's prefilter index skips every blob an earlier commit
  already looked at (consecutive commits share almost all of them);
- analyses are cached by content, the same cache the work tree uses (HEAD usually costs nothing);
- each commit's metrics are kept under ``.migrator/cache/history/`` keyed by the commit, the
  configuration and the tool version, so a second run reads one small JSON file per commit.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrator import __version__
from migrator.cache import CACHE_DIR
from migrator.config import Config, load_config
from migrator.errors import ConfigError, MigratorError
from migrator.files import select
from migrator.fsutil import atomic_write
from migrator.gitobjects import Commit, GitReader, commits, python_blobs
from migrator.metrics import headline
from migrator.moduleinfo import ANALYSIS_VERSION
from migrator.planner import Planner, PlanOptions
from migrator.state import check_state_dir, ensure_state_dir, state_dir

HISTORY_VERSION = 1

Progress = Callable[[str, int, int], None]

# The columns of the table and CSV, in order (JSON has every metric).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("compliance_score", "score"),
    ("canonical_usage_pct", "canonical %"),
    ("imports_fragmented", "fragmented"),
    ("legacy_call_sites", "legacy calls"),
    ("duplicate_factories", "dup factories"),
    ("singleton_violations", "singletons"),
    ("boundary_violations", "cross-service"),
    ("shared_state", "shared state"),
)


@dataclass(frozen=True, slots=True)
class Point:
    """One commit's headline metrics, or why there are none (the configuration does not apply)."""

    commit: Commit
    metrics: tuple[tuple[str, float], ...]
    error: str | None = None
    cached: bool = False
    seconds: float = 0.0

    def metric(self, name: str) -> float | None:
        return dict(self.metrics).get(name)


@dataclass(frozen=True, slots=True)
class History:
    ref: str
    points: tuple[Point, ...]  # oldest first

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.points)

    @property
    def from_cache(self) -> int:
        return sum(p.cached for p in self.points)

    def metric_names(self) -> list[str]:
        names: dict[str, None] = {}
        for p in self.points:
            for k, _ in p.metrics:
                names.setdefault(k)
        return list(names)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": HISTORY_VERSION,
            "ref": self.ref,
            "commits": [
                {
                    "commit": p.commit.sha,
                    "date": p.commit.date,
                    "subject": p.commit.subject,
                    "metrics": dict(p.metrics) if p.error is None else None,
                    "error": p.error,
                }
                for p in self.points
            ],
        }

    def to_csv(self) -> str:
        """One row per commit: commit, date, subject, then every metric (empty where it failed)."""
        names = self.metric_names()
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["commit", "date", "subject", *names, "error"])
        for p in self.points:
            values = dict(p.metrics)
            writer.writerow(
                [
                    p.commit.sha,
                    p.commit.date,
                    p.commit.subject,
                    *(_cell(values.get(n)) for n in names),
                    p.error or "",
                ]
            )
        return buf.getvalue()


def _cell(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:g}" if isinstance(v, float) else str(v)


class _PointCache:
    """One JSON file per (commit, configuration, tool version). Data only; anything odd is a miss."""

    def __init__(self, root: Path, config: Config, enabled: bool) -> None:
        self.root = root
        self.dir = root / CACHE_DIR / "history"
        self.enabled = enabled
        if enabled:
            check_state_dir(root)
        self.salt = f"{config.fingerprint()}\0{__version__}\0{ANALYSIS_VERSION}\0{HISTORY_VERSION}"

    def _path(self, commit: Commit) -> Path:
        key = hashlib.sha256(f"{commit.sha}\0{self.salt}".encode()).hexdigest()[:40]
        return self.dir / f"{key}.json"

    def get(self, commit: Commit) -> Point | None:
        if not self.enabled:
            return None
        try:
            doc = json.loads(self._path(commit).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(doc, dict) or doc.get("commit") != commit.sha:
            return None
        metrics, error = doc.get("metrics"), doc.get("error")
        if not isinstance(metrics, dict) or not isinstance(error, str | None):
            return None
        if not all(isinstance(v, int | float) for v in metrics.values()):
            return None
        return Point(commit, tuple(metrics.items()), error, cached=True)

    def put(self, point: Point) -> None:
        if not self.enabled:
            return
        doc = {"commit": point.commit.sha, "metrics": dict(point.metrics), "error": point.error}
        try:
            ensure_state_dir(self.root, *self.dir.relative_to(state_dir(self.root)).parts)
            atomic_write(self._path(point.commit), json.dumps(doc).encode(), durable=False)
        except (OSError, MigratorError):
            return


def point_at(
    root: Path, config: Config, commit: Commit, *, jobs: int | None = None, use_cache: bool = True
) -> Point:
    """The headline metrics of ``commit`` (uncached)."""
    start = time.perf_counter()
    blobs = python_blobs(root, commit.sha)
    files = select(config, blobs)
    planner = Planner(
        config,
        PlanOptions(jobs=jobs, use_cache=use_cache),
        files=files,
        reader=GitReader({f.path: blobs[f.path] for f in files}),
    )
    try:
        report = planner.build().report
    except ConfigError as exc:
        # The configured symbols do not exist yet (or any more) at this commit.
        return Point(commit, (), error=str(exc), seconds=time.perf_counter() - start)
    return Point(commit, tuple(headline(report).items()), seconds=time.perf_counter() - start)


def history(
    root: Path,
    *,
    ref: str = "HEAD",
    max_count: int | None = None,
    since: str | None = None,
    config_path: Path | None = None,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> History:
    """Headline metrics at each first-parent commit of ``ref`` (oldest first)."""
    config = load_config(root, config_path)
    found = commits(root, ref, max_count=max_count, since=since)
    cache = _PointCache(root, config, use_cache)
    points: list[Point] = []
    for i, commit in enumerate(found):
        start = time.perf_counter()
        point = cache.get(commit)
        if point is None:
            point = point_at(root, config, commit, jobs=jobs, use_cache=use_cache)
            cache.put(point)
        else:
            point = Point(
                commit, point.metrics, point.error, True, seconds=time.perf_counter() - start
            )
        points.append(point)
        if progress:
            progress("history", i + 1, len(found))
    return History(ref, tuple(points))
