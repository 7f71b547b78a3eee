"""apply_patches and rollback on real files, in real git repositories and plain directories."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from codemods.sources import decode_source
from migrator.applier import ApplyOptions, apply_patches, rollback
from migrator.errors import MigratorError, RefusedError, RollbackRefusedError, RolledBackError
from migrator.journal import list_runs, load_run
from migrator.lock import lock_path
from migrator.patches import FilePatch, make_patch
from tests.conftest import run_git as git

BOM = b"\xef\xbb\xbf"


FILES: dict[str, bytes] = {
    "app/engine.py": b"from legacy.shim import Engine\n\nengine = Engine()\n",
    "app/win.py": b"from legacy.shim import Engine\r\nx = Engine\r\n",
    "app/bom.py": BOM + b"from legacy.shim import Engine\ny = 'caf\xc3\xa9'\n",
    "app/latin.py": b"# -*- coding: latin-1 -*-\nfrom legacy.shim import Engine\nz = 'caf\xe9'\n",
    "app/nonl.py": b"from legacy.shim import Engine",
    "legacy/shim.py": b"from core.engine import UserEngine as Engine\n",
    "core/engine.py": b"class UserEngine:\n    pass\n",
    "tools/run.sh": b"#!/bin/sh\necho legacy.shim\n",
    "README.md": b"docs\n",
}


def make_tree(root: Path, use_git: bool) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "tools" / "run.sh").chmod(0o755)
    if use_git:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "repo", use_git=True)


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "plain", use_git=False)


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """sha256 and permission bits of every file, outside .git and .migrator."""
    result: dict[str, tuple[str, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".migrator")]
        for name in filenames:
            path = Path(dirpath) / name
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            result[path.relative_to(root).as_posix()] = (digest, path.stat().st_mode & 0o777)
    return result


def dirs(root: Path) -> set[str]:
    found: set[str] = set()
    for dirpath, dirnames, _ in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".migrator")]
        found.update((Path(dirpath) / d).relative_to(root).as_posix() for d in dirnames)
    return found


def rewrite(root: Path, path: str, old: str = "legacy.shim", new: str = "core.engine") -> FilePatch:
    """A patch like a codemod makes: decode, replace, encode back the same way."""
    target = root / path
    data = target.read_bytes()
    source = decode_source(data)
    text = source.text.replace(old, new).replace("Engine", "UserEngine")
    return make_patch(path, data, source.encode(text), mode=target.stat().st_mode)


def migration(root: Path) -> list[FilePatch]:
    return [
        rewrite(root, "app/engine.py"),
        rewrite(root, "app/win.py"),
        rewrite(root, "app/bom.py"),
        rewrite(root, "app/latin.py"),
        rewrite(root, "app/nonl.py"),
        rewrite(root, "tools/run.sh"),
        make_patch("legacy/shim.py", (root / "legacy/shim.py").read_bytes(), None),
        make_patch("core/compat/__init__.py", None, b"from core.engine import UserEngine\n"),
    ]


def status(root: Path) -> str:
    return git(root, "status", "--porcelain", "--untracked-files=all")


@pytest.mark.parametrize("use_git", [True, False], ids=["git", "plain"])
def test_apply_then_rollback_is_byte_identical(tmp_path: Path, use_git: bool) -> None:
    root = make_tree(tmp_path / "tree", use_git)
    before, before_dirs = snapshot(root), dirs(root)
    patches = migration(root)
    result = apply_patches(root, patches, ApplyOptions())
    assert result.run_id is not None
    assert set(result.written) == {p.path for p in patches if p.new is not None}
    assert result.deleted == ("legacy/shim.py",)
    for patch in patches:
        if patch.new is None:
            assert not (root / patch.path).exists()
        else:
            assert (root / patch.path).read_bytes() == patch.new
    assert load_run(root).status == "applied"

    undone = rollback(root)
    assert undone.run_id == result.run_id
    assert undone.removed == ("core/compat/__init__.py",)
    assert snapshot(root) == before
    assert dirs(root) == before_dirs  # the created core/compat directory is gone again
    assert load_run(root).status == "rolled-back"
    if use_git:
        assert status(root) == ""


def test_encodings_and_newlines_survive(repo: Path) -> None:
    patches = [rewrite(repo, p) for p in ("app/win.py", "app/bom.py", "app/latin.py")]
    apply_patches(repo, patches, ApplyOptions())
    win = (repo / "app/win.py").read_bytes()
    assert win == b"from core.engine import UserEngine\r\nx = UserEngine\r\n"
    assert (repo / "app/bom.py").read_bytes().startswith(BOM + b"from core.engine")
    assert (repo / "app/latin.py").read_bytes().endswith(b"z = 'caf\xe9'\n")
    rollback(repo)
    for path in ("app/win.py", "app/bom.py", "app/latin.py"):
        assert (repo / path).read_bytes() == FILES[path]


def test_file_mode_is_kept(plain: Path) -> None:
    created = make_patch("tools/new.sh", None, b"#!/bin/sh\n", mode=0o100755)
    apply_patches(plain, [rewrite(plain, "tools/run.sh"), created], ApplyOptions())
    assert os.access(plain / "tools/run.sh", os.X_OK)
    assert (plain / "tools/run.sh").stat().st_mode & 0o777 == 0o755
    assert (plain / "tools/new.sh").stat().st_mode & 0o777 == 0o755
    rollback(plain)
    assert (plain / "tools/run.sh").stat().st_mode & 0o777 == 0o755
    assert not (plain / "tools/new.sh").exists()


def test_branch_commit_and_rollback_by_revert(repo: Path) -> None:
    initial = git(repo, "rev-parse", "HEAD").strip()
    before = snapshot(repo)
    patches = migration(repo)
    result = apply_patches(repo, patches, ApplyOptions(branch="migrate/engine", commit=True))
    assert result.branch == "migrate/engine"
    assert result.commit == git(repo, "rev-parse", "HEAD").strip()
    assert git(repo, "branch", "--show-current").strip() == "migrate/engine"
    assert status(repo) == ""
    message = git(repo, "log", "-1", "--format=%B")
    assert f"Migrator-Run: {result.run_id}" in message
    committed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(committed) == sorted(p.path for p in patches)
    run = load_run(repo)
    assert run.commit == result.commit
    assert run.git.original_branch == "main"
    assert run.git.branch == "migrate/engine"

    undone = rollback(repo)
    assert undone.revert_commit == git(repo, "rev-parse", "HEAD").strip()
    log = git(repo, "log", "--format=%H %s").splitlines()
    assert len(log) == 3
    assert log[1].split()[0] == result.commit  # history is kept, not rewritten
    assert log[2].split()[0] == initial
    assert log[0].split(" ", 1)[1].startswith('Revert "migrator: consolidate 8 files"')
    assert f"Migrator-Run: {result.run_id}" in git(repo, "log", "-1", "--format=%B")
    assert status(repo) == ""
    assert snapshot(repo) == before
    assert load_run(repo).git.revert_commit == undone.revert_commit


def test_commit_with_own_message(repo: Path) -> None:
    result = apply_patches(
        repo, [rewrite(repo, "app/engine.py")], ApplyOptions(commit=True, message="Use core")
    )
    body = git(repo, "log", "-1", "--format=%B").strip()
    assert body == f"Use core\n\nMigrator-Run: {result.run_id}"


def test_committed_rollback_after_unrelated_commit(repo: Path) -> None:
    apply_patches(repo, [rewrite(repo, "app/engine.py")], ApplyOptions(commit=True))
    (repo / "README.md").write_bytes(b"more docs\n")
    git(repo, "commit", "-q", "-am", "docs")
    rollback(repo)
    assert (repo / "app/engine.py").read_bytes() == FILES["app/engine.py"]
    assert (repo / "README.md").read_bytes() == b"more docs\n"
    assert status(repo) == ""


def test_committed_rollback_refused_when_head_conflicts(repo: Path) -> None:
    result = apply_patches(repo, [rewrite(repo, "app/engine.py")], ApplyOptions(commit=True))
    (repo / "app/engine.py").write_bytes(b"from core.engine import Other\n\nengine = Other()\n")
    git(repo, "commit", "-q", "-am", "later change on the same lines")
    head = git(repo, "rev-parse", "HEAD").strip()
    with pytest.raises(RollbackRefusedError, match=r"app/engine\.py") as refused:
        rollback(repo)
    assert refused.value.exit_code == 4
    with pytest.raises(RollbackRefusedError, match="cannot revert"):
        rollback(repo, force=True)
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert status(repo) == ""
    assert load_run(repo, result.run_id).status == "applied"


def test_stale_plan_is_refused_and_nothing_written(repo: Path) -> None:
    patches = migration(repo)
    (repo / "app/win.py").write_bytes(b"changed meanwhile\n")
    (repo / "core/compat").mkdir()
    (repo / "core/compat/__init__.py").write_bytes(b"")  # a file the plan creates now exists
    before = snapshot(repo)
    with pytest.raises(RefusedError, match=r"app/win\.py") as refused:
        apply_patches(repo, patches, ApplyOptions(allow_dirty=True))
    assert "core/compat/__init__.py" in str(refused.value)
    assert refused.value.exit_code == 2
    assert snapshot(repo) == before
    assert list_runs(repo) == []


def test_dirty_tree_is_refused_unless_allowed(repo: Path) -> None:
    (repo / "app/engine.py").write_bytes(b"from legacy.shim import Engine\nlocal = 1\n")
    git(repo, "add", "app/engine.py")
    (repo / "app/win.py").write_bytes(b"from legacy.shim import Engine\n")
    (repo / "untracked.py").write_bytes(b"from legacy.shim import Engine\n")
    patches = [rewrite(repo, p) for p in ("app/engine.py", "app/win.py", "untracked.py")]
    patches.append(rewrite(repo, "app/bom.py"))
    before = snapshot(repo)
    with pytest.raises(RefusedError, match="uncommitted changes") as refused:
        apply_patches(repo, patches, ApplyOptions())
    for name in ("app/engine.py", "app/win.py", "untracked.py"):
        assert name in str(refused.value)
    assert "app/bom.py" not in str(refused.value)
    assert snapshot(repo) == before
    result = apply_patches(repo, patches, ApplyOptions(allow_dirty=True))
    assert len(result.written) == 4
    rollback(repo)
    assert snapshot(repo) == before


def test_dirty_files_elsewhere_do_not_matter(repo: Path) -> None:
    (repo / "README.md").write_bytes(b"local edit\n")
    result = apply_patches(repo, [rewrite(repo, "app/engine.py")], ApplyOptions(commit=True))
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["app/engine.py"]
    assert status(repo) == " M README.md\n"
    assert result.commit is not None


HOLD_LOCK = """
import sys, time
from pathlib import Path
from migrator.lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_lock_held_by_a_live_process_refuses_and_dies_with_it(plain: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(plain)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(RefusedError, match=f"process {holder.pid}") as refused:
            apply_patches(plain, [rewrite(plain, "app/engine.py")], ApplyOptions())
        assert str(lock_path(plain)) in str(refused.value)
        assert (plain / "app/engine.py").read_bytes() == FILES["app/engine.py"]
    finally:
        holder.kill()  # kill -9: the kernel releases its lock
        holder.wait()
    result = apply_patches(plain, [rewrite(plain, "app/engine.py")], ApplyOptions())
    assert result.written == ("app/engine.py",)


@pytest.mark.parametrize(
    "path", ["../outside.py", "/tmp/abs.py", "app/../../outside.py", ".git/config", "link/x.py"]
)
def test_paths_outside_the_root_are_refused(tmp_path: Path, path: str) -> None:
    root = make_tree(tmp_path / "repo", use_git=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.py").write_bytes(b"x\n")
    (root / "link").symlink_to(outside)
    git(root, "add", "link")
    git(root, "commit", "-q", "-m", "link")
    before = snapshot(root)
    patch = FilePatch(path, b"x\n", b"y\n", hashlib.sha256(b"x\n").hexdigest())
    with pytest.raises(RefusedError, match="refusing"):
        apply_patches(root, [rewrite(root, "app/engine.py"), patch], ApplyOptions())
    assert snapshot(root) == before
    assert (outside / "x.py").read_bytes() == b"x\n"


def test_symlink_inside_the_root_is_followed(plain: Path) -> None:
    (plain / "alias").symlink_to(plain / "app")
    patch = rewrite(plain, "alias/engine.py")
    apply_patches(plain, [patch], ApplyOptions())
    assert (plain / "alias").is_symlink()
    assert (plain / "app/engine.py").read_bytes() == patch.new


def test_verify_failure_rolls_back(repo: Path) -> None:
    before = snapshot(repo)
    script = "echo checking; for i in $(seq 1 30); do echo line $i; done; echo FAILED >&2; exit 3"
    options = ApplyOptions(branch="migrate/v", commit=True, verify=script)
    with pytest.raises(RolledBackError) as stopped:
        apply_patches(repo, migration(repo), options)
    assert stopped.value.exit_code == 3
    message = str(stopped.value)
    assert "exit code 3" in message
    assert "FAILED" in message and "line 30" in message
    assert "line 5\n" not in message  # only the last ~20 lines
    assert snapshot(repo) == before
    assert status(repo) == ""
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert "migrate/v" not in git(repo, "branch")
    assert len(git(repo, "log", "--format=%H").split()) == 1
    run = load_run(repo)
    assert run.status == "rolled-back"
    with pytest.raises(RefusedError, match="already rolled back"):
        rollback(repo)


def test_verify_that_edits_files_is_still_rolled_back(plain: Path) -> None:
    before = snapshot(plain)
    options = ApplyOptions(verify="echo formatted >> app/engine.py; exit 1")
    with pytest.raises(RolledBackError, match="exit code 1"):
        apply_patches(plain, migration(plain), options)
    assert snapshot(plain) == before


def test_failed_commit_rolls_back(repo: Path) -> None:
    before = snapshot(repo)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    with pytest.raises(RolledBackError, match="hook says no") as stopped:
        apply_patches(repo, migration(repo), ApplyOptions(branch="migrate/c", commit=True))
    assert stopped.value.exit_code == 3
    assert snapshot(repo) == before
    assert status(repo) == ""  # the index is clean again too
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert load_run(repo).status == "rolled-back"


def test_verify_success_runs_in_root(plain: Path) -> None:
    options = ApplyOptions(verify="grep -q core.engine app/engine.py")
    result = apply_patches(plain, [rewrite(plain, "app/engine.py")], options)
    assert load_run(plain, result.run_id).status == "applied"


def test_rollback_refuses_changed_files_unless_forced(plain: Path) -> None:
    before = snapshot(plain)
    apply_patches(plain, migration(plain), ApplyOptions())
    (plain / "app/engine.py").write_bytes(b"edited after the run\n")
    (plain / "legacy/shim.py").write_bytes(b"recreated by hand\n")
    with pytest.raises(RollbackRefusedError) as refused:
        rollback(plain)
    assert refused.value.exit_code == 4
    assert "app/engine.py" in str(refused.value) and "legacy/shim.py" in str(refused.value)
    assert (plain / "app/win.py").read_bytes() != FILES["app/win.py"]  # nothing restored
    assert load_run(plain).status == "applied"
    result = rollback(plain, force=True)
    assert set(result.forced) == {"app/engine.py", "legacy/shim.py"}
    assert snapshot(plain) == before


def test_rollback_twice_is_refused(plain: Path) -> None:
    result = apply_patches(plain, [rewrite(plain, "app/engine.py")], ApplyOptions())
    rollback(plain, result.run_id)
    with pytest.raises(RefusedError, match="already rolled back"):
        rollback(plain, result.run_id)
    with pytest.raises(RefusedError, match="already rolled back"):
        rollback(plain)


def test_failure_in_the_middle_can_be_rolled_back(repo: Path) -> None:
    before = snapshot(repo)
    patches = migration(repo)
    seen: list[str] = []

    def explode_on_third(patch: FilePatch) -> None:
        if not seen:  # the journal is complete before the first file is written
            run = load_run(repo)
            assert len(run.files) == len(patches)
            for entry in run.files:
                if entry.old_sha256:
                    assert run.original(entry.old_sha256) == FILES[entry.path]
        seen.append(patch.path)
        if len(seen) == 3:
            raise RuntimeError("disk on fire")

    with pytest.raises(MigratorError, match="disk on fire") as stopped:
        apply_patches(repo, patches, ApplyOptions(), on_progress=explode_on_third)
    assert "after writing 3 of 8" in str(stopped.value)
    assert snapshot(repo) != before
    assert not list(repo.rglob("*.migrator-tmp"))  # staged files that were not swapped in
    assert not (repo / "core/compat").exists()  # not created yet: its directory is gone again
    run = load_run(repo)
    assert run.status == "failed"
    result = rollback(repo)
    assert len(result.untouched) == 5
    assert snapshot(repo) == before
    assert status(repo) == ""


def test_file_changed_during_apply_stops_the_run(plain: Path) -> None:
    before = snapshot(plain)
    patches = migration(plain)

    def sabotage(patch: FilePatch) -> None:
        if patch.path == "app/bom.py":
            (plain / "app/engine.py").write_bytes(b"someone else\n")  # written after bom.py

    with pytest.raises(MigratorError, match="changed while migrator was applying"):
        apply_patches(plain, patches, ApplyOptions(), on_progress=sabotage)
    assert load_run(plain).status == "failed"
    with pytest.raises(RollbackRefusedError, match=r"app/engine\.py"):
        rollback(plain)
    rollback(plain, force=True)
    assert snapshot(plain) == before


def test_interrupted_run_is_incomplete_and_can_be_rolled_back(plain: Path) -> None:
    before = snapshot(plain)
    script = textwrap.dedent(
        """
        import os, sys
        from pathlib import Path
        from migrator.applier import ApplyOptions, apply_patches
        from migrator.patches import make_patch
        root = Path(sys.argv[1])
        names = ["app/engine.py", "app/win.py", "core/engine.py"]
        patches = [make_patch(n, (root / n).read_bytes(), b"new\\n") for n in names]
        count = []
        def die(patch):
            count.append(patch)
            if len(count) == 2:
                os._exit(9)
        apply_patches(root, patches, ApplyOptions(), on_progress=die)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script, str(plain)], check=False)
    assert proc.returncode == 9
    [info] = list_runs(plain)
    assert info.status == "incomplete"
    assert lock_path(plain).exists()  # left behind by the dead process
    assert [p.name for p in plain.rglob("*.migrator-tmp")] == [
        f".engine.py.{info.id}.migrator-tmp"  # staged, never swapped in
    ]
    result = rollback(plain)  # takes over the stale lock
    assert sorted(result.restored) == ["app/engine.py", "app/win.py"]
    assert result.untouched == ("core/engine.py",)
    assert snapshot(plain) == before
    assert list_runs(plain)[0].status == "rolled-back"


def test_interactive_confirm_skips_declined(repo: Path) -> None:
    patches = migration(repo)
    declined = {"app/win.py", "legacy/shim.py"}

    def confirm(patch: FilePatch) -> bool:
        return patch.path not in declined

    progress: list[str] = []
    result = apply_patches(
        repo, patches, ApplyOptions(), confirm=confirm, on_progress=_append(progress)
    )
    assert set(result.skipped) == declined
    assert (repo / "app/win.py").read_bytes() == FILES["app/win.py"]
    assert (repo / "legacy/shim.py").exists()
    assert result.deleted == ()
    assert declined.isdisjoint(progress)
    assert {entry.path for entry in load_run(repo).files}.isdisjoint(declined)


def test_everything_declined_writes_no_run(repo: Path) -> None:
    result = apply_patches(repo, migration(repo), ApplyOptions(), confirm=lambda patch: False)
    assert result.run_id is None
    assert len(result.skipped) == 8
    assert list_runs(repo) == []


def test_branch_and_commit_need_git(plain: Path) -> None:
    with pytest.raises(RefusedError, match="git work tree"):
        apply_patches(plain, migration(plain), ApplyOptions(branch="x"))
    with pytest.raises(RefusedError, match="git work tree"):
        apply_patches(plain, migration(plain), ApplyOptions(commit=True))


def test_existing_branch_is_refused_before_writing(repo: Path) -> None:
    git(repo, "branch", "taken")
    before = snapshot(repo)
    with pytest.raises(RefusedError, match="already exists"):
        apply_patches(repo, migration(repo), ApplyOptions(branch="taken"))
    assert snapshot(repo) == before
    assert list_runs(repo) == []


def test_journal_file_lists_hashes(repo: Path) -> None:
    result = apply_patches(repo, migration(repo), ApplyOptions())
    data = json.loads((repo / ".migrator" / "runs" / str(result.run_id) / "run.json").read_text())
    entries = {entry["path"]: entry for entry in data["files"]}
    assert entries["legacy/shim.py"]["kind"] == "delete"
    assert entries["legacy/shim.py"]["new_sha256"] is None
    assert entries["core/compat/__init__.py"]["old_sha256"] is None
    assert entries["core/compat/__init__.py"]["created_dirs"] == ["core/compat"]
    assert entries["tools/run.sh"]["mode"] & 0o777 == 0o755
    assert data["git"]["original_branch"] == "main"
    assert status(repo) != ""  # changes are there, but .migrator/ is ignored
    assert ".migrator" not in status(repo)


def _append(items: list[str]) -> Callable[[FilePatch], None]:
    return lambda patch: items.append(patch.path)
