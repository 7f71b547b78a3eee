"""One shape for every command: the root found from anywhere inside, [PATH] everywhere, global options
before or after the command, no silent green without a migration, help that says everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrator.cli import app
from migrator.cli.base import hoist_globals
from migrator.config import find_root
from tests.treeutil import git_init, write_tree

runner = CliRunner()

CONFIG = """
    services = ["billing", "accounts"]
    shared = ["core"]
    [[symbols]]
    canonical = "core.engine:UserEngine"
    """
SOURCES = {
    ".gitignore": "__pycache__/\n",
    "core/__init__.py": "",
    "core/engine.py": "class UserEngine:\n    pass\n",
    "core/compat.py": "from core.engine import UserEngine\nEngine = UserEngine\n",
    "billing/__init__.py": "",
    "billing/invoices/__init__.py": "",
    "billing/invoices/a.py": "from core.compat import Engine\nprint(Engine)\n",
    "accounts/__init__.py": "",
    "accounts/x.py": "from billing.invoices.a import Engine\nprint(Engine)\n",
}


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "repo", {**SOURCES, "migrator.toml": CONFIG})
    git_init(root)
    return root


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "migrator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


# -- root discovery ---------------------------------------------------------------------------------


def test_root_is_the_nearest_config_else_the_git_top_level(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "mono/pyproject.toml": "[project]\nname = 'x'\n",
            "mono/app/pyproject.toml": "[tool.migrator]\nsrc = ['.']\n",
            "mono/app/pkg/mod.py": "",
            "mono/lib/pkg/mod.py": "",
            "loose/pkg/mod.py": "",
        },
    )
    git_init(tmp_path / "mono", commit=False)
    assert find_root(tmp_path / "mono/app/pkg") == (tmp_path / "mono/app").resolve()
    assert find_root(tmp_path / "mono/lib/pkg") == (tmp_path / "mono").resolve()
    assert find_root(tmp_path / "loose/pkg") == (tmp_path / "loose/pkg").resolve()
    # A config above the git work tree belongs to something else.
    (tmp_path / "migrator.toml").write_text("")
    assert find_root(tmp_path / "mono/lib/pkg") == (tmp_path / "mono").resolve()
    assert find_root(tmp_path / "loose/pkg") == tmp_path.resolve()


def test_every_command_works_from_a_subdirectory(repo: Path) -> None:
    deep = repo / "billing" / "invoices"
    top = cli(repo, "plan", "--format", "json", "--no-cache")
    sub = cli(deep, "plan", "--format", "json")
    assert top.returncode == sub.returncode == 0, sub.stderr
    assert json.loads(sub.stdout)["symbols"] == json.loads(top.stdout)["symbols"]
    assert not (deep / ".migrator").exists() and not (repo / "billing/.migrator").exists()
    assert (repo / ".migrator" / "cache").is_dir()

    diff = cli(deep, "diff", "--no-pager")
    assert diff.returncode == 0, diff.stderr
    assert "diff --git a/billing/invoices/a.py b/billing/invoices/a.py" in diff.stdout

    applied = cli(deep, "apply", "--json", "-q")
    assert applied.returncode == 0, applied.stderr
    run_id = json.loads(applied.stdout)["run_id"]
    assert (repo / ".migrator" / "runs" / run_id).is_dir()
    listed = cli(repo / "accounts", "runs", "--json")
    assert [r["id"] for r in json.loads(listed.stdout)] == [run_id]
    undone = cli(repo / "core", "rollback", "--json")
    assert undone.returncode == 0, undone.stderr
    assert json.loads(undone.stdout)["run_id"] == run_id
    assert (repo / "billing/invoices/a.py").read_text() == SOURCES["billing/invoices/a.py"]


def test_path_argument_and_run_id_for_rollback(repo: Path) -> None:
    code, out, err = invoke("apply", str(repo / "billing"), "--json", "--no-cache")
    assert code == 0, err
    run_id = json.loads(out)["run_id"]
    code, out, _ = invoke("runs", str(repo / "core"))
    header, row = out.splitlines()
    assert header.split() == ["RUN", "CREATED", "FILES", "STATUS", "BRANCH", "COMMIT"]
    assert row.split()[0] == run_id and "2 files" in row and "applied" in row
    # PATH and RUN_ID, PATH alone, or RUN_ID alone (a single argument that is not a directory).
    code, _, err = invoke("rollback", str(repo), "nope")
    assert code == 2 and "nope" in err
    code, out, err = invoke("rollback", str(repo / "accounts"), run_id[:12], "--json")
    assert code == 0, err
    assert json.loads(out)["run_id"] == run_id


def test_pyproject_tool_table_is_found(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "p",
        {
            **SOURCES,
            "pyproject.toml": '[project]\nname = "p"\n\n[tool.migrator]\n'
            '[[tool.migrator.symbols]]\ncanonical = "core.engine:UserEngine"\n',
        },
    )
    code, out, err = invoke("plan", str(root / "billing"), "--format", "json", "--no-cache")
    assert code == 0, err
    assert json.loads(out)["symbols"][0]["imports_fragmented"] == 2


# -- no migration configured --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "diff", "apply"])
def test_no_migration_configured_exits_2_pointing_to_init(tmp_path: Path, command: str) -> None:
    root = write_tree(tmp_path / "r", {**SOURCES, "migrator.toml": 'services = ["billing"]\n'})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, out, err = invoke(command, str(root), "--no-cache")
    assert code == 2
    assert out == ""
    (line,) = err.strip().splitlines()
    assert "no migration configured" in line and "migrator init" in line
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


# -- global options ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["plan", "-q"], ["-q", "plan"]),
        (["plan", ".", "--jobs", "2", "-f", "json"], ["--jobs", "2", "plan", ".", "-f", "json"]),
        (["plan", "--jobs=2", "-j3", "--no-cache"], ["--jobs=2", "-j3", "--no-cache", "plan"]),
        (["--config", "c.toml", "diff", "-q"], ["--config", "c.toml", "-q", "diff"]),
        # A command's own option keeps its value, even one that looks like a global option.
        (["apply", "-m", "-q", "--quiet"], ["--quiet", "apply", "-m", "-q"]),
        (["apply", "--message=-q"], ["apply", "--message=-q"]),
        (["plan", "--", "-q"], ["plan", "--", "-q"]),
        (["nosuchcommand", "-q"], ["nosuchcommand", "-q"]),
    ],
)
def test_global_options_are_moved_before_the_command(args: list[str], expected: list[str]) -> None:
    from typer.main import get_command

    group = get_command(app)
    ctx = group.make_context("migrator", ["--help"], resilient_parsing=True)
    assert hoist_globals(group, ctx, args) == expected  # type: ignore[arg-type]


def test_quiet_after_the_command_silences_stderr(repo: Path) -> None:
    code, out, err = invoke("check", str(repo), "-q", "--no-cache", "-j", "1")
    assert code == 0
    assert err == ""
    assert out


def test_help_shows_every_option_with_text_and_no_placeholders() -> None:
    for command in ("plan", "check", "diff", "apply", "runs", "rollback", "init"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        text = result.stdout
        assert "<bool>" not in text
        options = [line for line in text.splitlines() if line.lstrip().startswith("-")]
        for line in options:
            assert len(line.split("  ")) > 1 and line.split("  ")[-1].strip(), line
        assert f"migrator {command} [OPTIONS] [PATH]" in text
    check = runner.invoke(app, ["check", "--help"]).stdout
    assert "[thresholds]" in check
    top = runner.invoke(app, ["--help"]).stdout
    assert "-q, --quiet" in top and "[thresholds]" in top
