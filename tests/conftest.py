"""Fixtures for every test package: real git, never the developer's own configuration."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

GitRunner = Callable[..., str]


def run_git(root: Path, *args: str, check: bool = True) -> str:
    """``git ARGS`` in ``root``; its stdout. An AssertionError with git's stderr when it fails."""
    proc = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=120
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


@pytest.fixture(autouse=True)
def _git_identity(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A fixed identity, no global or system settings, and no "dubious ownership" refusals."""
    config = tmp_path_factory.getbasetemp() / "gitconfig"
    if not config.exists():
        config.write_text("[safe]\n\tdirectory = *\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")


@pytest.fixture
def git() -> GitRunner:
    """``git(root, *args)``: run git in a repository, return its stdout, fail the test on error."""
    return run_git
