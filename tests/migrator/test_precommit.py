"""The pre-commit hooks, run for real: ``pre-commit try-repo`` (from PyPI) installs this project into
its own environment and runs a hook in a git repository copied from the sample."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.treeutil import git_init

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "monorepo"
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")

CLEAN = "core/engine/user_engine.py"
OFFENDING = "billing/tasks.py"


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not PRE_COMMIT.exists():
        if os.environ.get("CI"):
            pytest.fail("pre-commit is missing in CI (.ci/run installs the integration extras)")
        pytest.skip("pre-commit is not installed (pip install -e '.[integration]')")
    return tmp_path_factory.mktemp("pre-commit-home")  # one hook environment for the module


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".migrator", "__pycache__"))
    git_init(root)
    return root


def try_repo(repo: Path, home: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(ROOT), hook, "--verbose", "--files", *files],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=900,
    )


def test_check_and_fix_hooks(repo: Path, pre_commit_home: Path) -> None:
    # try-repo installs the hook environment afresh on every call, so one test makes three calls.
    bad = try_repo(repo, pre_commit_home, "migrator-check", CLEAN, OFFENDING)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "migrator check" in bad.stdout and "Failed" in bad.stdout
    assert (
        "billing/tasks.py:8: fragmented-import `from core.legacy.compat import Engine`"
        in bad.stdout
    )
    listed = {m.group(1) for m in re.finditer(r"^(\S+\.py):\d+: ", bad.stdout, re.MULTILINE)}
    assert listed == {OFFENDING}  # only findings in the files given: the clean one has none
    assert "csv_export.py" not in bad.stdout  # nor warnings about other files

    other = (repo / "billing/currency.py").read_bytes()
    fixed = try_repo(repo, pre_commit_home, "migrator-fix", OFFENDING)
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # pre-commit: files were modified
    assert "files were modified by this hook" in fixed.stdout
    text = (repo / OFFENDING).read_text()
    assert "from core.engine.user_engine import UserEngine" in text
    assert "core.legacy.compat" not in text
    assert (repo / "billing/currency.py").read_bytes() == other  # only the given file

    clean = try_repo(repo, pre_commit_home, "migrator-check", CLEAN, OFFENDING)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
