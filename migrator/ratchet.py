"""The ratchet: a committed baseline that findings may only go down from.

``migrator-baseline.json`` holds the headline metrics and, per file, one line per finding (its rule and
what was found, without the line number, so code moving within a file is no change). Keys are sorted
and every finding is its own line, so the file diffs well in review.

``check --ratchet`` fails when any metric is worse than the baseline or any file has a finding the
baseline does not list for it (old findings are tolerated, new ones are not, as in pylint's and mypy's
baseline tools). ``baseline --update`` only ever tightens: a metric or a file's count that got better
is written down, one that got worse keeps its old value unless ``allow_worse``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from migrator.errors import MigratorError
from migrator.findings import Report
from migrator.metrics import HIGHER_IS_BETTER, SIZES, headline
from migrator.rules import Result, results

BASELINE_FILE = "migrator-baseline.json"
BASELINE_VERSION = 1

Direction = Literal["max", "min"]  # "max": the value may not grow; "min": it may not shrink


def direction(metric: str) -> Direction:
    return "min" if metric in HIGHER_IS_BETTER else "max"


def _entry(r: Result) -> str:
    return f"{r.rule}: {r.key}"


def counted(r: Result) -> bool:
    """Kept imports and calls are decisions, not findings: the ratchet does not count them."""
    return r.level == "error"


@dataclass(frozen=True, slots=True)
class Baseline:
    metrics: tuple[tuple[str, float], ...]  # sorted by name
    files: tuple[tuple[str, tuple[str, ...]], ...]  # (path, sorted entries, one per finding)

    def metric_map(self) -> dict[str, float]:
        return dict(self.metrics)

    def file_counts(self) -> dict[str, Counter[str]]:
        return {path: Counter(entries) for path, entries in self.files}

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": BASELINE_VERSION,
            "tool": "migrator",
            "metrics": dict(self.metrics),
            "files": {path: list(entries) for path, entries in self.files},
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"


def _metrics(report: Report) -> dict[str, float]:
    return {k: v for k, v in headline(report).items() if k not in SIZES}


def _build(metrics: dict[str, float], files: dict[str, Counter[str]]) -> Baseline:
    return Baseline(
        metrics=tuple(sorted(metrics.items())),
        files=tuple(
            (path, tuple(sorted(counts.elements())))
            for path, counts in sorted(files.items())
            if sum(counts.values()) > 0
        ),
    )


def make_baseline(report: Report) -> Baseline:
    files: dict[str, Counter[str]] = {}
    for r in results(report):
        if counted(r):
            files.setdefault(r.path, Counter())[_entry(r)] += 1
    return _build(_metrics(report), files)


def _worse(metric: str, before: float, now: float) -> bool:
    return now < before if direction(metric) == "min" else now > before


# -- reading and writing ---------------------------------------------------------------------------


def load_baseline(path: Path) -> Baseline:
    """Read a baseline; a missing or malformed file is one clear error naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MigratorError(
            f"{path}: no baseline; create one with `migrator baseline` and commit it"
        ) from None
    except OSError as exc:
        raise MigratorError(f"{path}: cannot read baseline: {exc.strerror}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MigratorError(f"{path}:{exc.lineno}: not a JSON baseline: {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("schema_version") != BASELINE_VERSION:
        raise MigratorError(
            f"{path}: not a migrator baseline (schema_version {BASELINE_VERSION} expected)"
        )
    metrics, files = doc.get("metrics"), doc.get("files")
    if not isinstance(metrics, dict) or not all(
        isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
        for k, v in metrics.items()
    ):
        raise MigratorError(f"{path}: metrics: expected an object of numbers")
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(e, str) for e in v)
        for k, v in files.items()
    ):
        raise MigratorError(f"{path}: files: expected an object of string lists")
    return _build(dict(metrics), {p: Counter(entries) for p, entries in files.items()})


def write_baseline(path: Path, baseline: Baseline) -> None:
    """Write atomically (a temporary file in the same directory, then a rename)."""
    data = baseline.dumps().encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- comparing -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricChange:
    name: str
    before: float | None  # None: not in the baseline
    now: float | None  # None: no longer measured
    worse: bool
    better: bool


@dataclass(frozen=True, slots=True)
class FileRegression:
    """Findings of one file beyond what the baseline lists for it."""

    path: str
    entry: str  # "rule: key"
    before: int
    now: int
    lines: tuple[int, ...]  # where the findings with this entry are now


@dataclass(frozen=True, slots=True)
class RatchetResult:
    metrics: tuple[MetricChange, ...]
    regressions: tuple[FileRegression, ...]
    fixed: tuple[tuple[str, str, int], ...]  # (path, entry, how many fewer than the baseline)

    @property
    def worse_metrics(self) -> tuple[MetricChange, ...]:
        return tuple(m for m in self.metrics if m.worse)

    @property
    def ok(self) -> bool:
        return not self.worse_metrics and not self.regressions

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "metrics": [
                {
                    "name": m.name,
                    "before": m.before,
                    "now": m.now,
                    "worse": m.worse,
                    "better": m.better,
                }
                for m in self.metrics
            ],
            "new_findings": [
                {
                    "path": r.path,
                    "finding": r.entry,
                    "before": r.before,
                    "now": r.now,
                    "lines": list(r.lines),
                }
                for r in self.regressions
            ],
            "fixed": [{"path": p, "finding": e, "fewer": n} for p, e, n in self.fixed],
        }


def compare(baseline: Baseline, report: Report) -> RatchetResult:
    now = make_baseline(report)
    before_m, now_m = baseline.metric_map(), now.metric_map()
    changes: list[MetricChange] = []
    for name in sorted(set(before_m) | set(now_m)):
        b, n = before_m.get(name), now_m.get(name)
        worse = b is not None and n is not None and _worse(name, b, n)
        better = b is not None and n is not None and _worse(name, n, b)
        changes.append(MetricChange(name, b, n, worse, better))
    lines: dict[tuple[str, str], list[int]] = {}
    for r in results(report):
        if counted(r):
            lines.setdefault((r.path, _entry(r)), []).append(r.line)
    before_f, now_f = baseline.file_counts(), now.file_counts()
    regressions: list[FileRegression] = []
    fixed: list[tuple[str, str, int]] = []
    for path in sorted(set(before_f) | set(now_f)):
        b_counts, n_counts = before_f.get(path, Counter()), now_f.get(path, Counter())
        for entry in sorted(set(b_counts) | set(n_counts)):
            b, n = b_counts[entry], n_counts[entry]
            if n > b:
                regressions.append(
                    FileRegression(path, entry, b, n, tuple(lines.get((path, entry), ())))
                )
            elif n < b:
                fixed.append((path, entry, b - n))
    return RatchetResult(tuple(changes), tuple(regressions), tuple(fixed))


@dataclass(frozen=True, slots=True)
class Update:
    baseline: Baseline
    kept: tuple[str, ...]  # what got worse and kept its baseline value (without allow_worse)
    changed: bool


def update(old: Baseline, report: Report, *, allow_worse: bool = False) -> Update:
    """The baseline after ``report``: tightened only, or the current state with ``allow_worse``."""
    now = make_baseline(report)
    if allow_worse:
        return Update(now, (), now != old)
    old_m, now_m = old.metric_map(), now.metric_map()
    metrics: dict[str, float] = {}
    kept: list[str] = []
    for name, value in now_m.items():
        prior = old_m.get(name)
        if prior is not None and _worse(name, prior, value):
            metrics[name] = prior
            kept.append(f"{name}: {_num(prior)} (now {_num(value)})")
        else:
            metrics[name] = value
    old_f, now_f = old.file_counts(), now.file_counts()
    files: dict[str, Counter[str]] = {}
    for path, counts in old_f.items():
        current = now_f.get(path, Counter())
        files[path] = Counter({e: min(n, current[e]) for e, n in counts.items()})
        for entry, n in current.items():
            if n > counts[entry]:
                kept.append(f"{path}: {entry} ({counts[entry]}, now {n})")
    for path, current in sorted(now_f.items()):
        if path not in old_f:
            for entry, n in current.items():
                kept.append(f"{path}: {entry} (0, now {n})")
    new = _build(metrics, files)
    return Update(new, tuple(sorted(kept)), new != old)


def _num(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:g}" if isinstance(v, float) else str(v)


def render(result: RatchetResult, baseline_name: str = BASELINE_FILE) -> str:
    """What got worse, metric by metric and file by file (and what got better), for people."""
    out: list[str] = []
    worse = result.worse_metrics
    if worse:
        out.append(f"{len(worse)} metric(s) worse than {baseline_name}:")
        for m in worse:
            out.append(f"  {m.name}: {_num(m.before)} -> {_num(m.now)}")
    if result.regressions:
        paths = sorted({r.path for r in result.regressions})
        out.append(f"{len(paths)} file(s) with new findings:")
        for path in paths:
            out.append(f"  {path}")
            for r in result.regressions:
                if r.path == path:
                    where = ", ".join(str(n) for n in r.lines)
                    out.append(
                        f"    +{r.now - r.before} {r.entry}  (line {where}; baseline {r.before})"
                    )
    better = [m for m in result.metrics if m.better]
    if better:
        out.append(
            f"{len(better)} metric(s) better than {baseline_name} "
            "(`migrator baseline --update` records them):"
        )
        for m in better:
            out.append(f"  {m.name}: {_num(m.before)} -> {_num(m.now)}")
    if result.ok:
        out.insert(0, f"ratchet: nothing worse than {baseline_name}")
    return "\n".join(out)
