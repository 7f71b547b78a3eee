"""End to end on samples/monorepo: plan, apply the whole consolidation, and check the result.

Runs the real CLI in a subprocess on a git copy of the sample, the sample's own test suite before and
after, and ruff's undefined/redefined/unused-name checks on the changed files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.treeutil import git_init

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "monorepo"
RUFF = Path(sys.executable).with_name("ruff")
ENV = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def migrator(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )


def sample_tests(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts="],
        cwd=root,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )


def ruff_findings(root: Path, paths: list[str]) -> set[tuple[str, str]]:
    """(path, rule) pairs; line numbers shift with rewrites, so they are not compared."""
    proc = subprocess.run(
        [
            str(RUFF),
            "check",
            "--select",
            "F821,F811,F401",
            "--no-cache",
            "--output-format",
            "json",
            *paths,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        (Path(d["filename"]).relative_to(root).as_posix(), d["code"])
        for d in json.loads(proc.stdout or "[]")
    }


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
        and ".git" not in p.parts
        and ".migrator" not in p.parts
        and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def migrated(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, str], subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("e2e") / "monorepo"
    shutil.copytree(SAMPLE, root)
    git_init(root)
    before = tree_hashes(root)
    tests_before = sample_tests(root)
    assert tests_before.returncode == 0, tests_before.stdout[-2000:]
    applied = migrator(root, "apply", ".", "--retire-shims", "--no-cache", "--json")
    assert applied.returncode == 0, applied.stderr
    return root, before, applied


def test_sample_tests_pass_after_the_consolidation(
    migrated: tuple[Path, dict[str, str], subprocess.CompletedProcess[str]],
) -> None:
    root, _, _ = migrated
    after = sample_tests(root)
    assert after.returncode == 0, after.stdout[-3000:]


def test_no_fragmented_imports_or_duplicate_calls_remain(
    migrated: tuple[Path, dict[str, str], subprocess.CompletedProcess[str]],
) -> None:
    root, _, _ = migrated
    proc = migrator(root, "plan", ".", "--format", "json", "--no-cache")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    for s in doc["symbols"]:
        assert s["imports_fragmented"] == 0, [
            i for i in s["imports"] if i["status"] == "fragmented"
        ]
        assert s["string_references"] == []
    for f in doc["factories"]:
        for d in f["duplicates"]:
            if d["kind"] == "alias":
                assert d["call_sites"] == [], d
    for c in doc["calls"]:
        assert c["call_sites"] == [], c
    # A second run has nothing left to do.
    again = migrator(root, "diff", ".", "--exit-code", "--no-cache", "--quiet")
    assert again.returncode == 0, again.stdout[-3000:]


def test_other_class_with_the_same_name_is_untouched(
    migrated: tuple[Path, dict[str, str], subprocess.CompletedProcess[str]],
) -> None:
    root, before, _ = migrated
    after = tree_hashes(root)
    for path in (
        "analytics/reporting/engine.py",
        "analytics/reporting/dashboards.py",
        "analytics/reporting/__init__.py",
    ):
        assert after[path] == before[path], path


def test_encodings_survive(
    migrated: tuple[Path, dict[str, str], subprocess.CompletedProcess[str]],
) -> None:
    root, before, _ = migrated
    crlf = (root / "billing" / "tasks.py").read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n")
    assert (root / "accounts" / "notifications.py").read_bytes().startswith(b"\xef\xbb\xbf")
    latin = (root / "billing" / "invoicing" / "pdf.py").read_bytes()
    assert "dû".encode("latin-1") in latin
    for path in ("billing/tasks.py", "accounts/notifications.py", "billing/invoicing/pdf.py"):
        assert tree_hashes(root)[path] != before[path], f"{path} was expected to be rewritten"


def test_ruff_reports_nothing_new_in_changed_files(
    migrated: tuple[Path, dict[str, str], subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    root, _before, applied = migrated
    written = list(json.loads(applied.stdout)["written"])
    original = tmp_path / "original"
    shutil.copytree(SAMPLE, original)
    assert ruff_findings(root, written) <= ruff_findings(original, written)


def test_retire_shims_deletes_exactly_the_unused_shims(
    migrated: tuple[Path, dict[str, str], subprocess.CompletedProcess[str]],
) -> None:
    root, _before, applied = migrated
    deleted = sorted(json.loads(applied.stdout)["deleted"])
    assert deleted == ["accounts/engines.py", "core/canonical_imports.py", "core/legacy/compat.py"]
    # The shim that a skip-file test still imports stays.
    assert (root / "core" / "legacy" / "engine_shim.py").exists()
    for path in deleted:
        assert not (root / path).exists()
