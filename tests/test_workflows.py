"""End to end: the README's four workflows, run as `python -m migrator` in a real git repository.

One small repository (``base_repo``) has a canonical ``core.engine:UserEngine``, a star-import shim,
a compat alias, and a ``billing`` service importing through all of them (``as`` aliases, an import
in a function, a module-attribute import, CRLF, UTF-8 BOM and latin-1 files, an executable file),
plus tests using ``mock.patch("core.legacy.UserEngine")``. ``applied`` is a copy after a plain
``migrator apply . --json``: its bytes are what every other way of applying the migration must give.

The README's own commands run exactly as written (``exact=True``); the commands around them run with
``--jobs 1``, and quick refusals and listings run in-process through typer's CliRunner, to keep the
file near a minute on two busy cores.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pytest
from typer.testing import CliRunner

from migrator import __version__
from migrator.cli import app
from migrator.lock import run_lock
from tests.treeutil import git_init, write_tree

BOM = b"\xef\xbb\xbf"
CANONICAL_IMPORT = b"from core.engine import UserEngine"
RUN_ID_RE = re.compile(r"\d{8}T\d{6}-[0-9a-f]{6}")
ANSI_RE = re.compile(r"\x1b\[")
PROMPT = r"\[y\]es \[n\]o \[a\]ll remaining \[q\]uit \[d\]iff again"
HEADER_RE = r"\((\d+)/(\d+)\) ([\w./-]+)"
BRANCH = "ssot/user-engine"

LATIN1_SOURCE = (
    "# -*- coding: latin-1 -*-\n"
    '"""Receipts in French: caf\u00e9, cr\u00e8me br\u00fbl\u00e9e."""\n'
    "from core.legacy import UserEngine\n"
    "\n"
    'GREETING = "caf\u00e9"\n'
    "\n"
    "\n"
    "def receipt(user: str) -> str:\n"
    "    return GREETING + UserEngine(user).run()\n"
)

FILES: dict[str, str | bytes] = {
    ".gitignore": "__pycache__/\n",
    "migrator.toml": """
        src = ["."]
        services = ["billing"]
        shared = ["core"]

        [[symbols]]
        canonical = "core.engine:UserEngine"
        """,
    "core/__init__.py": "",
    "core/engine.py": '''
        """The one true engine."""

        __all__ = ["UserEngine"]


        class UserEngine:
            def __init__(self, user: str) -> None:
                self.user = user

            def run(self) -> str:
                return f"ran for {self.user}"
        ''',
    "core/legacy.py": '''
        """Deprecated: import from core.engine."""
        from core.engine import *

        __all__ = ["UserEngine"]
        ''',
    "core/compat.py": '''
        """The old name, kept for compatibility."""
        from core.engine import UserEngine

        Engine = UserEngine
        ''',
    "billing/__init__.py": "",
    "billing/invoices.py": """
        from core.legacy import UserEngine


        def make_invoice(user: str) -> str:
            return UserEngine(user).run()
        """,
    "billing/payments.py": """
        from core.compat import Engine


        def pay(user: str) -> str:
            return Engine(user).run()
        """,
    "billing/refunds.py": """
        from core.legacy import UserEngine as LegacyEngine


        def refund(user: str) -> str:
            engine = LegacyEngine(user)
            return engine.run()
        """,
    "billing/reports.py": """
        #!/usr/bin/env python3
        def report(user: str) -> str:
            from core.legacy import UserEngine

            return UserEngine(user).run()
        """,
    "billing/ledger.py": '''
        """Ledger entries."""
        import core.legacy as legacy_mod
        from core.compat import Engine as CompatEngine, UserEngine


        def post(user: str) -> list[str]:
            engines = [legacy_mod.UserEngine(user), CompatEngine(user), UserEngine(user)]
            return [engine.run() for engine in engines]
        ''',
    "billing/crlf_mod.py": (
        b"from core.legacy import UserEngine\r\n"
        b"\r\n"
        b"\r\n"
        b"def crlf(user: str) -> str:\r\n"
        b"    return UserEngine(user).run()\r\n"
    ),
    "billing/bom_mod.py": (
        BOM + b"from core.compat import UserEngine\n"
        b"\n"
        b"\n"
        b"def bom(user: str) -> str:\n"
        b"    return UserEngine(user).run()\n"
    ),
    "billing/latin1_mod.py": LATIN1_SOURCE.encode("latin-1"),
    "tests/__init__.py": "",
    "tests/test_billing.py": """
        from unittest import mock

        from billing.invoices import make_invoice
        from billing.ledger import post
        from billing.payments import pay
        from billing.reports import report


        def test_engines() -> None:
            assert make_invoice("a") == pay("a") == "ran for a"
            assert post("b") == ["ran for b"] * 3


        def test_report_uses_the_patched_engine() -> None:
            # report() imports at call time: only right while the string names its import path.
            with mock.patch("core.legacy.UserEngine") as engine:
                engine.return_value.run.return_value = "mocked"
                assert report("u") == "mocked"
        """,
}

# What the migration rewrites in this repository (every billing module and the mock.patch string).
EXPECTED_CHANGED = frozenset(
    {
        "billing/bom_mod.py",
        "billing/crlf_mod.py",
        "billing/invoices.py",
        "billing/latin1_mod.py",
        "billing/ledger.py",
        "billing/payments.py",
        "billing/refunds.py",
        "billing/reports.py",
        "tests/test_billing.py",
    }
)
EXECUTABLE = "billing/reports.py"
ENCODED = ("billing/crlf_mod.py", "billing/bom_mod.py", "billing/latin1_mod.py")
VERIFY_TESTS = "python -m pytest -x -q"  # README workflow 2: the fixture's own tests


# -- helpers ---------------------------------------------------------------------------------------


def cli_env(*, no_color: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    for name in [*env]:
        if name.startswith("PYTEST_") or name in ("FORCE_COLOR", "NO_COLOR", "PYTHONPATH"):
            del env[name]
    if no_color:
        env["NO_COLOR"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["TERM"] = "xterm"
    # `--verify "python ..."` must find the interpreter that has migrator installed.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


@dataclass(frozen=True)
class Run:
    code: int
    stdout: bytes
    stderr: str

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "stdout": self.stdout.hex(), "stderr": self.stderr}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Run:
        return cls(int(data["code"]), bytes.fromhex(data["stdout"]), str(data["stderr"]))

    def __str__(self) -> str:  # shown by pytest when an assertion about a run fails
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.stderr}"


def migrator(
    repo: Path, *args: str, stdin: str = "", no_color: bool = True, exact: bool = False
) -> Run:
    """``python -m migrator ARGS`` in ``repo``; stdin is a pipe holding ``stdin``, never a tty.

    ``exact`` runs the command as written (the README's); otherwise ``--jobs 1`` comes first: on a
    repo this small, forking workers that each import libcst costs more than it saves.
    """
    jobs = () if exact else ("--jobs", "1")
    proc = subprocess.run(
        [sys.executable, "-m", "migrator", *jobs, *args],
        cwd=repo,
        env=cli_env(no_color=no_color),
        input=stdin.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))


def invoke(*args: str) -> Run:
    """The CLI in-process (quick refusals and listings)."""
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(app, ["--jobs", "1", *args])
    return Run(result.exit_code, result.stdout.encode(), result.stderr)


def git(repo: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(
        ["git", "--no-optional-locks", *args],  # reads never refresh (write) the index
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def tree_bytes(root: Path, skip: Iterable[str] = ()) -> dict[str, bytes]:
    """Every file under ``root`` (path -> bytes), without state directories and ``skip`` entries."""
    ignored = {".git", ".migrator", ".pytest_cache", *skip}
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in ignored or not path.is_file() or path.is_symlink():
            continue
        files[rel.as_posix()] = path.read_bytes()
    return files


def tree_hashes(root: Path, skip: Iterable[str] = ()) -> dict[str, str]:
    return {p: hashlib.sha256(data).hexdigest() for p, data in tree_bytes(root, skip).items()}


def changed_between(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def copy_repo(source: Path, dest: Path, *, with_git: bool = True) -> Path:
    ignore = None if with_git else shutil.ignore_patterns(".git")
    shutil.copytree(source, dest, symlinks=True, ignore=ignore)
    return dest


def run_ids(repo: Path) -> list[str]:
    runs = repo / ".migrator" / "runs"
    return sorted(p.name for p in runs.iterdir()) if runs.is_dir() else []


def run_status(repo: Path, run_id: str) -> str:
    data = json.loads((repo / ".migrator" / "runs" / run_id / "run.json").read_text("utf-8"))
    return str(data["status"])


# -- fixtures --------------------------------------------------------------------------------------
#
# The three shared trees are built once per session, whichever xdist worker asks first (the others
# wait on a lock and read the recorded results). They are never written after that: tests copy them
# before running migrator or anything else that writes, and git reads them without optional locks.


def build_once(
    factory: pytest.TempPathFactory, name: str, build: Callable[[Path], dict[str, Any]]
) -> tuple[Path, dict[str, Any]]:
    """Run ``build(directory)`` once per session; return the directory and what it returned."""
    base = factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    directory = shared / f"workflows-{name}"
    recorded = shared / f"workflows-{name}.json"
    with (shared / f"workflows-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not recorded.exists():
            shutil.rmtree(directory, ignore_errors=True)  # left by a build that failed
            directory.mkdir()
            recorded.write_text(json.dumps(build(directory)), encoding="utf-8")
    return directory, json.loads(recorded.read_text(encoding="utf-8"))


def _build_base(directory: Path) -> dict[str, Any]:
    root = write_tree(directory / "repo", FILES)
    (root / EXECUTABLE).chmod(0o755)
    git_init(root, commit=False)
    git(root, "config", "core.autocrlf", "false")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return {}


@pytest.fixture(scope="module")
def base_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory, _ = build_once(tmp_path_factory, "base", _build_base)
    return directory / "repo"


@pytest.fixture(scope="module")
def originals(base_repo: Path) -> dict[str, bytes]:
    return tree_bytes(base_repo)


@dataclass(frozen=True)
class Applied:
    repo: Path
    run: Run  # `migrator apply . --json`
    files: dict[str, bytes]  # the tree right after it


@pytest.fixture(scope="module")
def applied(base_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Applied:
    """A copy of the repo after `migrator apply . --json`."""

    def build(directory: Path) -> dict[str, Any]:
        repo = copy_repo(base_repo, directory / "repo")
        return {"run": migrator(repo, "apply", ".", "--json", exact=True).to_json()}

    directory, data = build_once(tmp_path_factory, "applied", build)
    run = Run.from_json(data["run"])
    assert run.code == 0, run
    repo = directory / "repo"
    return Applied(repo, run, tree_bytes(repo))


@dataclass(frozen=True)
class DryRun:
    repo: Path  # holds migration.patch and patches/
    before: dict[str, str]  # sha256 of every file before the two diff commands
    after: dict[str, str]  # and after (without their outputs)
    output: Run  # migrator diff . --output migration.patch
    patch_dir: Run  # migrator diff . --patch-dir patches/


@pytest.fixture(scope="module")
def dry_run(base_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> DryRun:
    """Workflow 1's two commands, run once."""

    def build(directory: Path) -> dict[str, Any]:
        repo = copy_repo(base_repo, directory / "repo")
        before = tree_hashes(repo)
        output = migrator(repo, "diff", ".", "--output", "migration.patch", exact=True)
        patch_dir = migrator(repo, "diff", ".", "--patch-dir", "patches/", exact=True)
        after = tree_hashes(repo, skip=("migration.patch", "patches"))
        return {
            "before": before,
            "after": after,
            "output": output.to_json(),
            "patch_dir": patch_dir.to_json(),
        }

    directory, data = build_once(tmp_path_factory, "dry-run", build)
    return DryRun(
        directory / "repo",
        data["before"],
        data["after"],
        Run.from_json(data["output"]),
        Run.from_json(data["patch_dir"]),
    )


def test_fixture_needs_migrating(originals: dict[str, bytes], applied: Applied) -> None:
    """The premise of every other test: apply rewrites exactly EXPECTED_CHANGED."""
    assert changed_between(originals, applied.files) == EXPECTED_CHANGED
    for path in EXPECTED_CHANGED - {"tests/test_billing.py"}:
        assert CANONICAL_IMPORT in applied.files[path], path
        assert b"core.legacy import" not in applied.files[path], path
        assert b"core.compat import" not in applied.files[path], path
    assert b'mock.patch("core.engine.UserEngine")' in applied.files["tests/test_billing.py"]


# -- 1. review a dry run ---------------------------------------------------------------------------


def test_dry_run_writes_nothing(dry_run: DryRun) -> None:
    assert dry_run.output.code == 0, dry_run.output
    assert dry_run.patch_dir.code == 0, dry_run.patch_dir
    assert dry_run.after == dry_run.before
    assert (dry_run.repo / "migration.patch").stat().st_size > 0
    assert f"{len(EXPECTED_CHANGED)} files would change" in dry_run.output.stderr
    assert dry_run.output.stdout == b""  # the patch went to the file, not to stdout


def test_combined_patch_passes_git_apply_check(dry_run: DryRun) -> None:
    git(dry_run.repo, "apply", "--check", "migration.patch")
    listed = git(dry_run.repo, "apply", "--numstat", "migration.patch").splitlines()
    assert {line.split("\t")[2] for line in listed} == EXPECTED_CHANGED


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch is not installed")
def test_combined_patch_passes_patch_p1(dry_run: DryRun, applied: Applied, tmp_path: Path) -> None:
    patch_file = str(dry_run.repo / "migration.patch")
    check = subprocess.run(
        ["patch", "-p1", "--dry-run", "--batch", "-i", patch_file],
        cwd=dry_run.repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    # And for real, in a copy: the bytes migrator apply writes (CRLF, BOM and latin-1 included).
    repo = copy_repo(dry_run.repo, tmp_path / "repo")
    proc = subprocess.run(
        ["patch", "-p1", "--batch", "-i", patch_file],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert tree_bytes(repo, skip=("migration.patch", "patches")) == applied.files


def test_git_apply_gives_the_bytes_migrator_apply_writes(
    dry_run: DryRun, applied: Applied, tmp_path: Path
) -> None:
    repo = copy_repo(dry_run.repo, tmp_path / "repo")
    git(repo, "apply", "migration.patch")
    assert tree_bytes(repo, skip=("migration.patch", "patches")) == applied.files
    # git agrees that nothing but the content changed (no mode change, no CRLF conversion).
    assert "mode change" not in git(repo, "diff", "--summary")


def test_patch_dir_mirrors_the_repo(dry_run: DryRun, tmp_path: Path) -> None:
    patch_dir = dry_run.repo / "patches"
    found = sorted(p.relative_to(patch_dir).as_posix() for p in patch_dir.rglob("*") if p.is_file())
    assert found == sorted(f"{path}.patch" for path in EXPECTED_CHANGED)
    combined = (dry_run.repo / "migration.patch").read_bytes()
    pieces = [(patch_dir / name).read_bytes() for name in found]
    assert b"".join(pieces) == combined
    for name, piece in zip(found, pieces, strict=True):
        path = name.removesuffix(".patch")
        assert piece.startswith(f"diff --git a/{path} b/{path}\n".encode())
    # Each per-file patch applies on its own.
    repo = copy_repo(dry_run.repo, tmp_path / "repo")
    for name in found:
        git(repo, "apply", str(patch_dir / name))
    assert changed_between(tree_bytes(dry_run.repo), tree_bytes(repo)) == EXPECTED_CHANGED


def test_diff_stdout_is_the_plain_patch_and_exit_code_signals_changes(
    dry_run: DryRun, applied: Applied, tmp_path: Path
) -> None:
    repo = copy_repo(dry_run.repo, tmp_path / "repo")
    # Without NO_COLOR: piped stdout must be plain because it is not a terminal.
    run = migrator(repo, "diff", ".", "--exit-code", no_color=False)
    assert run.code == 1, run
    assert not ANSI_RE.search(run.out)
    assert not ANSI_RE.search(run.stderr)
    assert run.stdout == (dry_run.repo / "migration.patch").read_bytes()
    assert f"{len(EXPECTED_CHANGED)} files would change" in run.stderr

    done = invoke("diff", str(copy_repo(applied.repo, tmp_path / "applied")), "--exit-code")
    assert done.code == 0, done
    assert done.stdout == b""
    assert "0 files would change" in done.stderr


def test_diff_json_lists_the_files(
    dry_run: DryRun, originals: dict[str, bytes], tmp_path: Path
) -> None:
    run = migrator(copy_repo(dry_run.repo, tmp_path / "repo"), "diff", ".", "--json")
    assert run.code == 0, run
    doc = json.loads(run.out)
    assert doc["changed"] == len(EXPECTED_CHANGED)
    assert doc["errors"] == []
    assert {entry["path"] for entry in doc["files"]} == EXPECTED_CHANGED
    for entry in doc["files"]:
        path = entry["path"]
        assert entry["kind"] == "modify"
        assert entry["old_sha256"] == hashlib.sha256(originals[path]).hexdigest()
        assert entry["new_sha256"] != entry["old_sha256"]
        assert entry["diff"].startswith(f"diff --git a/{path} b/{path}\n")


def test_dry_run_leaves_git_status_clean(dry_run: DryRun) -> None:
    status = git(dry_run.repo, "status", "--porcelain", "--untracked-files=normal").splitlines()
    assert sorted(status) == ["?? migration.patch", "?? patches/"]


# -- 2. batch-apply on a branch --------------------------------------------------------------------


def test_apply_on_a_branch_with_commit_then_rollback(
    base_repo: Path, applied: Applied, tmp_path: Path
) -> None:
    repo = copy_repo(base_repo, tmp_path / "repo")
    before = tree_hashes(repo)
    main_sha = git(repo, "rev-parse", "HEAD").strip()

    run = migrator(
        repo, "apply", ".", "--branch", BRANCH, "--commit", "--verify", VERIFY_TESTS, exact=True
    )
    assert run.code == 0, run
    assert git(repo, "branch", "--show-current").strip() == BRANCH
    assert git(repo, "rev-parse", "main").strip() == main_sha
    assert git(repo, "rev-list", "--count", f"{main_sha}..HEAD").strip() == "1"
    assert git(repo, "rev-parse", "HEAD~1").strip() == main_sha
    commit_sha = git(repo, "rev-parse", "HEAD").strip()
    in_commit = git(repo, "diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD").split()
    assert sorted(in_commit) == sorted(EXPECTED_CHANGED)
    assert tree_bytes(repo) == applied.files
    assert git(repo, "status", "--porcelain") == ""

    (run_id,) = run_ids(repo)
    trailer = git(repo, "log", "-1", "--format=%(trailers:key=Migrator-Run,valueonly)").strip()
    assert trailer == run_id
    assert RUN_ID_RE.fullmatch(run_id)
    journal = json.loads((repo / ".migrator/runs" / run_id / "run.json").read_text("utf-8"))
    assert journal["verify"] == {"command": VERIFY_TESTS, "exit_code": 0, "timed_out": False}
    assert f"run {run_id}:" in run.stderr
    assert commit_sha[:10] in run.stderr
    assert run.stdout == b""

    again = migrator(repo, "apply", ".")
    assert again.code == 0, again
    assert "nothing to apply" in again.stderr
    assert git(repo, "rev-parse", "HEAD").strip() == commit_sha
    assert run_ids(repo) == [run_id]
    check = invoke("diff", str(repo), "--exit-code")
    assert check.code == 0, check
    assert check.stdout == b""

    undo = migrator(repo, "rollback")
    assert undo.code == 0, undo
    assert f"run {run_id} rolled back" in undo.stderr
    assert tree_hashes(repo) == before
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-parse", "HEAD~1").strip() == commit_sha  # a revert, history kept
    assert git(repo, "branch", "--show-current").strip() == BRANCH
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert subject.startswith("Revert ")
    assert git(repo, "diff", main_sha, "HEAD") == ""

    runs = invoke("runs", str(repo))
    assert runs.code == 0, runs
    header, *rows = runs.out.splitlines()
    assert header.split() == ["RUN", "CREATED", "FILES", "STATUS", "BRANCH", "COMMIT"]
    (line,) = [line for line in rows if run_id in line]
    assert line.split()[-3:] == ["rolled-back", BRANCH, commit_sha[:10]]
    assert run_status(repo, run_id) == "rolled-back"


def test_apply_to_an_existing_branch_exits_2(base_repo: Path, tmp_path: Path) -> None:
    repo = copy_repo(base_repo, tmp_path / "repo")
    git(repo, "branch", BRANCH)
    before = tree_hashes(repo)
    run = invoke("apply", str(repo), "--branch", BRANCH, "--commit")
    assert run.code == 2, run
    assert BRANCH in run.stderr and "already exists" in run.stderr
    assert tree_hashes(repo) == before
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert run_ids(repo) == []


# -- --verify (workflow 2) -------------------------------------------------------------------------


def test_failing_verify_restores_every_file_and_exits_3(base_repo: Path, tmp_path: Path) -> None:
    repo = copy_repo(base_repo, tmp_path / "repo")
    before = tree_bytes(repo)
    command = "python -c 'import sys; print(\"verify-output-tail\"); sys.exit(3)'"
    run = migrator(repo, "apply", ".", "--verify", command)
    assert run.code == 3, run
    assert tree_bytes(repo) == before
    assert git(repo, "status", "--porcelain") == ""
    assert "verify-output-tail" in run.stderr
    assert "exit code 3" in run.stderr
    assert run.stdout == b""
    (run_id,) = run_ids(repo)
    assert run_status(repo, run_id) == "rolled-back"


# -- dirty work tree and lock ----------------------------------------------------------------------


def test_dirty_file_to_rewrite_is_refused_unless_allow_dirty(
    base_repo: Path, originals: dict[str, bytes], tmp_path: Path
) -> None:
    repo = copy_repo(base_repo, tmp_path / "repo")
    edit = b"# local edit, not committed\n"
    with (repo / "billing/invoices.py").open("ab") as fh:
        fh.write(edit)
    with (repo / "core/engine.py").open("ab") as fh:  # dirty, but not a file the run touches
        fh.write(b"# another local edit\n")
    (repo / "notes.txt").write_text("untracked\n")
    before = tree_bytes(repo)

    refused = invoke("apply", str(repo))
    assert refused.code == 2, refused
    assert "billing/invoices.py" in refused.stderr
    assert "1 file(s)" in refused.stderr
    assert "core/engine.py" not in refused.stderr
    assert "--allow-dirty" in refused.stderr
    assert tree_bytes(repo) == before
    assert run_ids(repo) == []

    forced = migrator(repo, "apply", ".", "--allow-dirty")
    assert forced.code == 0, forced
    after = tree_bytes(repo)
    assert changed_between(before, after) == EXPECTED_CHANGED
    invoices = after["billing/invoices.py"]
    assert invoices.startswith(CANONICAL_IMPORT) and invoices.endswith(edit)

    # The journal holds the dirty bytes, so a rollback gives the uncommitted edit back.
    undo = migrator(repo, "rollback")
    assert undo.code == 0, undo
    assert tree_bytes(repo) == before
    assert before["billing/invoices.py"] == originals["billing/invoices.py"] + edit


def test_a_held_lock_stops_apply(base_repo: Path, tmp_path: Path) -> None:
    repo = copy_repo(base_repo, tmp_path / "repo")
    before = tree_bytes(repo)
    with run_lock(repo):  # held by this process; invoke runs the CLI in-process on another handle
        run = invoke("apply", str(repo))
    assert run.code == 2, run
    assert "holds the lock" in run.stderr
    assert tree_bytes(repo) == before
    assert run_ids(repo) == []


# -- 3. confirm file by file -----------------------------------------------------------------------


def spawn_interactive(repo: Path, *, exact: bool = False) -> pexpect.spawn:
    """``migrator apply . --interactive`` in a pseudo-terminal (see ``migrator()`` for ``exact``)."""
    jobs = [] if exact else ["--jobs", "1"]
    return pexpect.spawn(
        sys.executable,
        ["-m", "migrator", *jobs, "apply", ".", "--interactive"],
        cwd=str(repo),
        env=cli_env(),
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 220),
    )


def test_interactive_in_a_terminal(
    base_repo: Path, originals: dict[str, bytes], applied: Applied, tmp_path: Path
) -> None:
    repo = copy_repo(base_repo, tmp_path / "repo")
    total = len(EXPECTED_CHANGED)
    child = spawn_interactive(repo, exact=True)
    try:
        child.expect(HEADER_RE)
        first = child.match.group(3)
        assert (child.match.group(1), child.match.group(2)) == ("1", str(total))
        child.expect(PROMPT)
        child.sendline("d")
        child.expect(HEADER_RE)  # the same diff again
        assert (child.match.group(1), child.match.group(3)) == ("1", first)
        child.expect(f"diff --git a/{re.escape(first)} b/{re.escape(first)}")
        child.expect(PROMPT)
        child.sendline("y")
        child.expect(HEADER_RE)
        second = child.match.group(3)
        assert child.match.group(1) == "2"
        child.expect(PROMPT)
        child.sendline("n")
        child.expect(HEADER_RE)
        assert child.match.group(1) == "3"
        child.expect(PROMPT)
        child.sendline("a")
        child.expect(r"run \S+: (\d+) written, 0 deleted, (\d+) skipped")
        assert (child.match.group(1), child.match.group(2)) == (str(total - 1), "1")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert [first, second] == sorted(EXPECTED_CHANGED)[:2]

    after = tree_bytes(repo)
    assert after[second] == originals[second]
    for path in EXPECTED_CHANGED - {second}:
        assert after[path] == applied.files[path], path
    assert changed_between(originals, after) == EXPECTED_CHANGED - {second}


def test_interactive_quit_first_writes_nothing(base_repo: Path, tmp_path: Path) -> None:
    repo = copy_repo(base_repo, tmp_path / "repo")
    before = tree_bytes(repo)
    child = spawn_interactive(repo)
    try:
        child.expect(PROMPT)
        child.sendline("q")
        child.expect("nothing to apply")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert tree_bytes(repo) == before
    assert run_ids(repo) == []


def test_interactive_with_piped_answers(
    base_repo: Path, originals: dict[str, bytes], applied: Applied, tmp_path: Path
) -> None:
    repo = copy_repo(base_repo, tmp_path / "repo")
    run = migrator(repo, "apply", ".", "--interactive", stdin="y\nn\nq\n")
    assert run.code == 0, run
    first = sorted(EXPECTED_CHANGED)[0]
    after = tree_bytes(repo)
    assert changed_between(originals, after) == {first}
    assert after[first] == applied.files[first]
    total = len(EXPECTED_CHANGED)
    # The review goes to stderr: stdout stays free for `--json`.
    assert run.out == ""
    assert f"(3/{total})" in run.stderr and f"(4/{total})" not in run.stderr
    assert not ANSI_RE.search(run.stderr)
    assert f"1 written, 0 deleted, {total - 1} skipped" in run.stderr


# -- outside git -----------------------------------------------------------------------------------


def test_apply_and_rollback_outside_git(
    base_repo: Path, originals: dict[str, bytes], applied: Applied, tmp_path: Path
) -> None:
    repo = copy_repo(base_repo, tmp_path / "plain", with_git=False)
    inside = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"], cwd=repo, capture_output=True, check=False
    )
    if inside.returncode == 0:
        pytest.skip("the temporary directory is inside a git work tree")
    assert tree_bytes(repo) == originals

    branch = invoke("apply", str(repo), "--branch", BRANCH)
    assert branch.code == 2, branch
    assert "--branch needs a git work tree" in branch.stderr
    commit = invoke("apply", str(repo), "--commit")
    assert commit.code == 2, commit
    assert "--commit needs a git work tree" in commit.stderr
    assert tree_bytes(repo) == originals
    assert run_ids(repo) == []

    run = migrator(repo, "apply", ".")
    assert run.code == 0, run
    assert tree_bytes(repo) == applied.files
    (run_id,) = run_ids(repo)

    undo = migrator(repo, "rollback")
    assert undo.code == 0, undo
    assert f"run {run_id} rolled back: {len(EXPECTED_CHANGED)} restored" in undo.stderr
    assert tree_bytes(repo) == originals
    assert stat.S_IMODE((repo / EXECUTABLE).stat().st_mode) == 0o755


# -- rollback refusal ------------------------------------------------------------------------------


def test_rollback_refuses_a_file_changed_after_the_run(
    applied: Applied, originals: dict[str, bytes], tmp_path: Path
) -> None:
    repo = copy_repo(applied.repo, tmp_path / "repo")
    with (repo / "billing/payments.py").open("ab") as fh:
        fh.write(b"# edited after the run\n")
    edited = tree_bytes(repo)

    refused = migrator(repo, "rollback")
    assert refused.code == 4, refused
    assert "billing/payments.py" in refused.stderr
    assert "1 file(s) changed" in refused.stderr
    assert "--force" in refused.stderr
    assert tree_bytes(repo) == edited  # all or nothing: no other file was restored either

    forced = migrator(repo, "rollback", "--force")
    assert forced.code == 0, forced
    assert tree_bytes(repo) == originals
    assert git(repo, "status", "--porcelain") == ""


# -- encodings -------------------------------------------------------------------------------------


def test_apply_keeps_newlines_bom_and_encoding(applied: Applied) -> None:
    crlf = applied.files["billing/crlf_mod.py"]
    assert crlf.startswith(CANONICAL_IMPORT + b"\r\n")
    assert crlf.count(b"\n") == crlf.count(b"\r\n") == 5

    bom = applied.files["billing/bom_mod.py"]
    assert bom.startswith(BOM + CANONICAL_IMPORT + b"\n")
    assert bom.count(BOM) == 1

    latin1 = applied.files["billing/latin1_mod.py"]
    with pytest.raises(UnicodeDecodeError):
        latin1.decode("utf-8")
    text = latin1.decode("latin-1")
    assert text == LATIN1_SOURCE.replace(
        "from core.legacy import UserEngine", "from core.engine import UserEngine"
    )
    assert "caf\u00e9" in text and "cr\u00e8me br\u00fbl\u00e9e" in text


def test_apply_keeps_the_file_mode(applied: Applied) -> None:
    assert stat.S_IMODE((applied.repo / EXECUTABLE).stat().st_mode) == 0o755
    assert "mode change" not in git(applied.repo, "diff", "--summary")


def test_rollback_restores_encoded_files_byte_for_byte(
    applied: Applied, originals: dict[str, bytes], tmp_path: Path
) -> None:
    repo = copy_repo(applied.repo, tmp_path / "repo")
    undo = migrator(repo, "rollback")
    assert undo.code == 0, undo
    for path in ENCODED:
        assert (repo / path).read_bytes() == originals[path], path
    assert tree_bytes(repo) == originals


# -- 4. CI in a migration pull request -------------------------------------------------------------


def test_ci_check_against_a_baseline(base_repo: Path, tmp_path: Path) -> None:
    repo = copy_repo(base_repo, tmp_path / "repo")
    with (repo / "migrator.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[thresholds]\nfragmented_imports = 2\ncanonical_usage_pct = 90.0\n")
    git(repo, "commit", "-q", "-am", "thresholds")

    plan = migrator(repo, "plan", ".", "--format", "json")
    assert plan.code == 0, plan
    baseline = tmp_path / "main-report.json"
    baseline.write_bytes(plan.stdout)
    (symbol,) = json.loads(plan.out)["symbols"]
    fragmented = symbol["imports_fragmented"]
    assert fragmented > 2

    # The pull request before the migration: both thresholds exceeded.
    args = ("check", ".", "--format", "markdown", "--baseline", str(baseline))
    check = migrator(repo, *args, exact=True)
    assert check.code == 1, check
    assert f"threshold exceeded: fragmented_imports: {fragmented} > 2" in check.stderr
    assert "threshold exceeded: canonical_usage_pct" in check.stderr
    assert "threshold exceeded" not in check.out
    assert "### Since the baseline" in check.out
    assert f"| imports_fragmented | {fragmented} | {fragmented} | = |" in check.out

    unfinished = invoke("diff", str(repo), "--exit-code", "--quiet")
    assert unfinished.code == 1, unfinished
    assert unfinished.stdout.startswith(b"diff --git ")
    assert unfinished.stderr == ""

    # After the migration commit on the branch: thresholds met, nothing left to rewrite.
    assert invoke("apply", str(repo), "--branch", BRANCH, "--commit").code == 0
    check = migrator(repo, *args, exact=True)
    assert check.code == 0, check
    assert "all thresholds met" in check.stderr
    assert f"| imports_fragmented | {fragmented} | 0 | -{fragmented} |" in check.out
    assert "| canonical_usage_pct | 0 | 100 | +100 |" in check.out
    done = migrator(repo, "diff", ".", "--exit-code", "--quiet", exact=True)
    assert done.code == 0, done
    assert done.stdout == b""
    assert done.stderr == ""


# -- --json ----------------------------------------------------------------------------------------


def test_apply_json_summary_on_stdout_status_on_stderr(applied: Applied) -> None:
    run = applied.run
    doc = json.loads(run.out)  # the whole of stdout is the JSON document
    run_id = doc["run_id"]
    assert RUN_ID_RE.fullmatch(run_id)
    assert run_ids(applied.repo) == [run_id]
    assert sorted(doc["written"]) == sorted(EXPECTED_CHANGED)
    assert (doc["deleted"], doc["skipped"], doc["errors"]) == ([], [], [])
    assert (doc["branch"], doc["commit"]) == (None, None)
    assert f"run {run_id}: {len(EXPECTED_CHANGED)} written" in run.stderr
    assert f"undo with: migrator rollback {run_id}" in run.stderr
    assert "undo with" not in run.out
    assert not ANSI_RE.search(run.stderr)


# -- small CLI checks (in-process) -----------------------------------------------------------------


def test_runs_json(applied: Applied) -> None:
    run = invoke("runs", str(applied.repo), "--json")
    assert run.code == 0, run
    (entry,) = json.loads(run.out)
    assert entry["id"] == json.loads(applied.run.out)["run_id"]
    assert (entry["status"], entry["files"]) == ("applied", len(EXPECTED_CHANGED))


def test_version_flag() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"migrator {__version__}"
