"""gitops against real repositories in temporary directories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import git
import pytest

from migrator import gitops
from migrator.errors import RefusedError, RollbackRefusedError
from tests.conftest import run_git as sh


@pytest.fixture
def repo_dir(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    sh(root, "init", "-q", "-b", "main")
    (root / "a.py").write_text("a = 1\n")
    (root / "b.py").write_text("b = 1\n")
    (root / "sub").mkdir()
    (root / "sub" / "c.py").write_text("c = 1\n")
    sh(root, "add", "-A")
    sh(root, "commit", "-q", "-m", "initial")
    return root


@pytest.fixture
def repo(repo_dir: Path) -> Iterator[git.Repo]:
    opened = gitops.open_repo(repo_dir)
    assert opened is not None
    yield opened
    opened.close()


def test_open_repo_none_outside_git(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert gitops.open_repo(plain) is None


def test_open_repo_from_subdirectory(repo_dir: Path) -> None:
    opened = gitops.open_repo(repo_dir / "sub")
    assert opened is not None
    assert gitops.work_tree(opened) == repo_dir.resolve()
    assert gitops.repo_path(opened, repo_dir / "sub" / "c.py") == "sub/c.py"
    opened.close()


def test_dirty_paths(repo_dir: Path, repo: git.Repo) -> None:
    (repo_dir / "a.py").write_text("a = 2\n")  # modified
    (repo_dir / "b.py").write_text("b = 2\n")
    sh(repo_dir, "add", "b.py")  # staged
    (repo_dir / "new.py").write_text("")  # untracked
    (repo_dir / "[glob].py").write_text("")  # untracked, a name that is a glob pattern
    (repo_dir / ".gitignore").write_text("ignored.py\n")
    (repo_dir / "ignored.py").write_text("")
    paths = ["a.py", "b.py", "new.py", "sub/c.py", "ignored.py", "missing.py", "[glob].py"]
    assert gitops.dirty_paths(repo, paths) == ["[glob].py", "a.py", "b.py", "new.py"]
    assert gitops.dirty_paths(repo, ["sub/c.py"]) == []


def test_dirty_paths_sees_deletions(repo_dir: Path, repo: git.Repo) -> None:
    (repo_dir / "a.py").unlink()
    assert gitops.dirty_paths(repo, ["a.py", "b.py"]) == ["a.py"]


def test_create_branch_and_refuse_existing(repo: git.Repo) -> None:
    gitops.create_branch(repo, "migrate/one")
    assert gitops.head_info(repo).branch == "migrate/one"
    with pytest.raises(RefusedError, match="already exists"):
        gitops.create_branch(repo, "migrate/one")
    with pytest.raises(RefusedError, match="not a valid"):
        gitops.create_branch(repo, "bad..name")


def test_head_info(repo_dir: Path, repo: git.Repo) -> None:
    info = gitops.head_info(repo)
    assert info.branch == "main"
    assert info.commit == sh(repo_dir, "rev-parse", "HEAD").strip()
    sh(repo_dir, "checkout", "-q", "--detach")
    assert gitops.head_info(repo).branch is None


def test_head_info_without_commits(tmp_path: Path) -> None:
    sh(tmp_path, "init", "-q", "-b", "main")
    opened = gitops.open_repo(tmp_path)
    assert opened is not None
    assert gitops.head_info(opened) == gitops.HeadInfo(branch="main", commit=None)
    opened.close()


def test_commit_paths_commits_exactly_those_paths(repo_dir: Path, repo: git.Repo) -> None:
    (repo_dir / "a.py").write_text("a = 2\n")
    (repo_dir / "b.py").unlink()
    (repo_dir / "sub" / "new.py").write_text("n = 1\n")
    (repo_dir / "sub" / "c.py").write_text("c = 2\n")
    sh(repo_dir, "add", "sub/c.py")  # staged by the user, must stay out of the commit
    (repo_dir / "other.py").write_text("")  # untracked, not ours
    sha = gitops.commit_paths(repo, ["a.py", "b.py", "sub/new.py"], "migrate\n\nMigrator-Run: x\n")
    assert sha == sh(repo_dir, "rev-parse", "HEAD").strip()
    changed = sh(repo_dir, "show", "--name-status", "--format=", sha).split("\n")
    assert sorted(line for line in changed if line) == ["A\tsub/new.py", "D\tb.py", "M\ta.py"]
    status = sh(repo_dir, "status", "--porcelain").splitlines()
    assert sorted(status) == ["?? other.py", "M  sub/c.py"]


def test_commit_paths_nothing_to_commit(repo: git.Repo) -> None:
    assert gitops.commit_paths(repo, ["a.py"], "nothing") is None


def test_revert_commit(repo_dir: Path, repo: git.Repo) -> None:
    (repo_dir / "a.py").write_text("a = 2\n")
    sha = gitops.commit_paths(repo, ["a.py"], "change a")
    assert sha is not None
    (repo_dir / "b.py").write_text("b = 2\n")  # HEAD moves, elsewhere
    gitops.commit_paths(repo, ["b.py"], "change b")
    revert = gitops.revert_commit(repo, sha, "Revert a\n\nMigrator-Run: r\n")
    assert (repo_dir / "a.py").read_text() == "a = 1\n"
    assert (repo_dir / "b.py").read_text() == "b = 2\n"
    assert sh(repo_dir, "log", "-1", "--format=%B", revert).strip() == "Revert a\n\nMigrator-Run: r"
    assert sh(repo_dir, "status", "--porcelain") == ""


def test_revert_commit_conflict_is_refused_and_leaves_nothing(
    repo_dir: Path, repo: git.Repo
) -> None:
    (repo_dir / "a.py").write_text("a = 2\n")
    sha = gitops.commit_paths(repo, ["a.py"], "change a")
    assert sha is not None
    (repo_dir / "a.py").write_text("a = 3\n")
    later = gitops.commit_paths(repo, ["a.py"], "change a again")
    with pytest.raises(RollbackRefusedError, match="cannot revert"):
        gitops.revert_commit(repo, sha, "revert")
    assert sh(repo_dir, "rev-parse", "HEAD").strip() == later
    assert sh(repo_dir, "status", "--porcelain") == ""
    assert (repo_dir / "a.py").read_text() == "a = 3\n"


def test_revert_commit_not_in_history(repo_dir: Path, repo: git.Repo) -> None:
    gitops.create_branch(repo, "side")
    (repo_dir / "a.py").write_text("a = 2\n")
    sha = gitops.commit_paths(repo, ["a.py"], "on side")
    assert sha is not None
    sh(repo_dir, "checkout", "-q", "main")
    with pytest.raises(RollbackRefusedError, match="not in the history"):
        gitops.revert_commit(repo, sha, "revert")


def test_commit_message_has_trailer() -> None:
    message = gitops.commit_message(["migrator: consolidate 2 files", "", "M a.py"], "RUN1")
    assert message == "migrator: consolidate 2 files\n\nM a.py\n\nMigrator-Run: RUN1\n"
    assert gitops.commit_message([], "RUN2") == "migrator: apply run RUN2\n\nMigrator-Run: RUN2\n"
    assert gitops.with_trailer("Use core", "R") == "Use core\n\nMigrator-Run: R\n"
    assert gitops.with_trailer("x\n\nMigrator-Run: R\n", "R") == "x\n\nMigrator-Run: R\n"


@pytest.mark.parametrize(
    "name", ["@", "refs/heads/x", "@{-1}", "HEAD", "-x", "a..b", "x.lock", "a b", "", "x@{1}"]
)
def test_branch_names_git_would_expand_or_reject_are_refused(repo: git.Repo, name: str) -> None:
    sh(Path(repo.working_tree_dir or "."), "branch", "other")  # so that @{-1} has a meaning
    with pytest.raises(RefusedError, match="not a valid name for a new git branch"):
        gitops.check_branch_name(repo, name)


def test_plain_branch_names_pass(repo: git.Repo) -> None:
    for name in ("ssot", "ssot/user-engine", "feature_1.2"):
        gitops.check_branch_name(repo, name)


def test_git_failures_are_one_line(repo_dir: Path, repo: git.Repo) -> None:
    with pytest.raises(gitops.GitError) as failed:
        gitops.commit_subject(repo, "0" * 40)
    message = str(failed.value)
    assert message.startswith("git show 000000000000 failed: ")
    assert "\n" not in message and "Cmd(" not in message


def test_index_and_tree_blobs_match_hash_object(repo_dir: Path, repo: git.Repo) -> None:
    data = (repo_dir / "a.py").read_bytes()
    expected = sh(repo_dir, "hash-object", "a.py").strip()
    assert gitops.blob_id(data) == expected
    assert gitops.index_blobs(repo, ["a.py", "missing.py"]) == {"a.py": expected}
    head = sh(repo_dir, "rev-parse", "HEAD").strip()
    assert gitops.tree_blobs(repo, head, ["a.py", "sub/c.py"])["a.py"] == expected


def test_find_run_commit_by_trailer_and_parent(repo_dir: Path, repo: git.Repo) -> None:
    parent = sh(repo_dir, "rev-parse", "HEAD").strip()
    (repo_dir / "a.py").write_text("a = 2\n")
    sha = gitops.commit_paths(repo, ["a.py"], "change\n\nMigrator-Run: RUN1\n")
    assert gitops.find_run_commit(repo, "RUN1", parent, ["main"]) == sha
    assert gitops.find_run_commit(repo, "RUN2", parent, ["main"]) is None
    assert gitops.find_run_commit(repo, "RUN1", sha, ["main"]) is None


def test_dirty_paths_many_paths_use_one_status(repo_dir: Path, repo: git.Repo) -> None:
    names = [f"sub/m{i}.py" for i in range(300)]
    (repo_dir / "a.py").write_text("a = 2\n")
    (repo_dir / "sub" / "m7.py").write_text("")
    (repo_dir / "elsewhere.py").write_text("")  # dirty, but not asked about
    assert gitops.dirty_paths(repo, [*names, "a.py", "b.py"]) == ["a.py", "sub/m7.py"]
