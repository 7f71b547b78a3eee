"""The third peer: LibCST's own codemod CLI doing a single ``RenameCommand``.

LibCST writes files, so every run gets a fresh copy of the corpus (copying is not timed). A full run
on 10,000 files takes about 20 minutes on 2 cores, so before the round-robin one run on a seeded
random subset predicts the full time; beyond ``timeout`` every run uses that subset, scaled by files.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

from .measure import Sample, log, measure
from .tools import PY

LIBCST_CONFIG = """\
generated_code_marker: '@generated'
formatter: ['black', '-']
blacklist_patterns: []
modules:
- 'libcst.codemod.commands'
repo_root: '.'
"""
# --isolated: a parent pyproject.toml (this repository's) would otherwise exclude the corpus.
RUFF_ARGS = ("check", "--isolated", "--select", "F401", "--no-cache", "--exit-zero", ".")

LIBCST_OLD = "core.legacy.engine_shim.UserEngine"
LIBCST_NEW = "core.engine.user_engine.UserEngine"


LIBCST_SUMMARY = re.compile(
    r"Finished codemodding (\d+) files!.*?Transformed (\d+) files.*?Skipped (\d+) files.*?Failed to codemod (\d+) files",
    re.S,
)


class LibcstRunner:
    """LibCST's codemod CLI doing one RenameCommand, on a fresh copy (it writes files) every time."""

    def __init__(
        self,
        corpus: Path,
        n_files: int,
        jobs: int,
        timeout: float,
        subset_fraction: float,
        seed: int,
    ) -> None:
        self.corpus = corpus
        self.n_files = n_files
        self.jobs = jobs
        self.timeout = timeout
        self.subset_fraction = subset_fraction
        self.seed = seed
        self.mode = "full"
        self.subset: list[str] = []
        self.bytes_scale = 1.0
        self.work = (
            corpus.parent / f"{corpus.name}.libcst-copy"
        )  # matches benchmarks/corpus*/ in .gitignore
        self.cmd = [
            PY, "-m", "libcst.tool", "codemod", "rename.RenameCommand",
            "-j", str(jobs), "--no-format", "--hide-progress",
            "--old_name", LIBCST_OLD, "--new_name", LIBCST_NEW, ".",
        ]  # fmt: skip

    def _files(self) -> list[str]:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--", "*.py"],
            cwd=self.corpus,
            capture_output=True,
            check=True,
        )
        return sorted(p for p in proc.stdout.decode().split("\0") if p)

    def choose_subset(self) -> None:
        # A plain random sample: adding every parent __init__.py (mostly empty files) would make the
        # file-count scale factor under-state the work (RenameCommand resolves names per file anyway).
        files = self._files()
        rng = random.Random(self.seed)
        self.subset = sorted(rng.sample(files, max(1, round(len(files) * self.subset_fraction))))
        total = sum((self.corpus / p).stat().st_size for p in files)
        part = sum((self.corpus / p).stat().st_size for p in self.subset)
        self.bytes_scale = total / part if part else 1.0

    def _prepare(self, subset: bool) -> int:
        if self.work.exists():
            shutil.rmtree(self.work)
        if subset:
            for rel in self.subset:
                dst = self.work / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.corpus / rel, dst)
            count = len(self.subset)
        else:
            shutil.copytree(
                self.corpus, self.work, ignore=shutil.ignore_patterns(".git", ".migrator")
            )
            count = self.n_files
        (self.work / ".libcst.codemod.yaml").write_text(LIBCST_CONFIG, encoding="utf-8")
        return count

    def cleanup(self) -> None:
        if self.work.exists():
            shutil.rmtree(self.work)

    def run_once(self, subset: bool) -> Sample:
        count = self._prepare(subset)
        try:
            sample, _ = measure(self.cmd, self.work, self.timeout)
        finally:
            self.cleanup()
        sample.extra["files_run"] = count
        match = LIBCST_SUMMARY.search(sample.stderr_tail)
        if match:
            total, transformed, skipped, failed = (int(g) for g in match.groups())
            sample.extra.update(
                codemodded=total, transformed=transformed, skipped=skipped, failed=failed
            )
        if subset:
            sample.extra["bytes_scale"] = round(
                self.bytes_scale, 3
            )  # for reference; files are the scale
            sample.scale = self.n_files / count
            sample.wall = sample.raw_wall * sample.scale
            sample.cpu *= sample.scale
        return sample

    def probe(self) -> Sample:
        """Time the subset once and decide whether a full run fits in the timeout."""
        self.choose_subset()
        sample = self.run_once(subset=True)
        if sample.timed_out:
            self.mode = "timeout"
        elif sample.wall > self.timeout * 0.9:
            self.mode = "scaled"
        else:
            self.mode = "full"
        return sample

    def run(self) -> Sample:
        if self.mode == "full":
            sample = self.run_once(subset=False)
            if not sample.timed_out:
                return sample
            log(
                f"  libcst: full run exceeded {self.timeout:.0f} s; measuring a subset and scaling instead"
            )
            self.mode = "scaled"
        return self.run_once(subset=True)
