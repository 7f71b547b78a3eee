"""The report a team lead reads: summary first, sections selected and grouped in every format,
nothing truncated when piped, short on a big repository while the JSON keeps every finding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrator.cli import app
from tests.treeutil import write_tree

runner = CliRunner()

REPO = {
    "migrator.toml": """
        services = ["billing", "accounts"]
        shared = ["core"]
        [[symbols]]
        canonical = "core.engine:UserEngine"
        """,
    ".github/CODEOWNERS": "* @platform\n/billing/ @billing-team\n/billing/legacy/ @legacy\n",
    "core/__init__.py": "",
    "core/engine.py": "class UserEngine:\n    pass\n",
    "core/compat.py": "from core.engine import UserEngine\nEngine = UserEngine\n",
    "core/state.py": "_SEEN: dict[str, int] = {}\n\n\ndef see(k: str) -> None:\n    _SEEN[k] = 1\n",
    "billing/__init__.py": "",
    "billing/a.py": "from core.compat import Engine\nprint(Engine)\n",
    "billing/legacy/__init__.py": "",
    "billing/legacy/b.py": "from core.compat import Engine\nfrom accounts.x import thing\nprint(Engine, thing)\n",
    "accounts/__init__.py": "",
    "accounts/x.py": "from core.compat import Engine\n\n\ndef thing():\n    return Engine()\n",
}


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--no-cache"])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "repo", REPO)


def titles(text: str) -> list[str]:
    """Section titles of a plain-text report (unindented lines after the headline)."""
    return [line for line in text.splitlines()[2:] if line and not line.startswith(" ")]


def md_titles(md: str) -> list[str]:
    return [line[4:] for line in md.splitlines() if line.startswith("### ")]


def test_default_report_summary_first_structure_as_counts(repo: Path) -> None:
    code, text, err = invoke("plan", str(repo))
    assert code == 0, err
    first, second = text.splitlines()[:2]
    assert first.startswith("migrator plan · ")
    assert second.startswith("compliance score ")
    assert titles(text)[0] == "Summary"
    assert "files to change: 3" in text
    assert "cross-service imports: 1 · shared mutable state: 1" in text
    assert "Structural findings (summary)" in titles(text)
    assert "core/state.py" not in text  # a structural finding is counted, not listed
    code, doc, _ = invoke("plan", str(repo), "--format", "json")
    data = json.loads(doc)
    assert [f["path"] for f in data["shared_state"]] == ["core/state.py"]  # JSON keeps it
    assert data["files_to_change"] == ["accounts/x.py", "billing/a.py", "billing/legacy/b.py"]
    assert "sections" not in data


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_select_and_ignore_in_every_format(repo: Path, fmt: str) -> None:
    code, out, err = invoke("plan", str(repo), "-f", fmt, "--select", "boundaries,shared-state")
    assert code == 0, err
    if fmt == "json":
        data = json.loads(out)
        assert data["sections"] == ["boundaries", "shared-state"]
        assert "symbols" not in data and "singletons" not in data
        assert [f["path"] for f in data["boundary_violations"]] == ["billing/legacy/b.py"]
        assert data["compliance"]["score"] is not None  # the numbers stay whole
    else:
        shown = titles(out) if fmt == "text" else md_titles(out)
        assert shown == ["Summary", "Cross-service imports (1)", "Shared mutable state (1)"]
        assert "billing/legacy/b.py:2" in out and "core/state.py:1" in out
        assert "Import patterns" not in out
    code, out, err = invoke(
        "plan", str(repo), "-f", fmt, "--ignore", "symbols", "--ignore", "shims"
    )
    assert code == 0, err
    if fmt == "json":
        data = json.loads(out)
        assert "symbols" not in data and "shims" not in data and "shared_state" in data
    else:
        assert "Import patterns" not in out and "Re-export shims" not in out
        assert "Structural findings (summary)" in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_group_by_directory_and_owner_in_every_format(repo: Path, fmt: str) -> None:
    code, out, err = invoke("plan", str(repo), "-f", fmt, "--group-by", "dir:2")
    assert code == 0, err
    code2, owners, err = invoke("plan", str(repo), "-f", fmt, "--group-by", "owner")
    assert code2 == 0, err
    if fmt == "json":
        by_dir = {g["group"]: g for g in json.loads(out)["groups"]["groups"]}
        assert by_dir["billing/legacy"]["fragmented_imports"] == 1
        assert by_dir["billing/legacy"]["boundary_violations"] == 1
        assert by_dir["billing"]["files_to_change"] == 1
        assert by_dir["core"]["shared_state"] == 1
        by_owner = {g["group"]: g for g in json.loads(owners)["groups"]["groups"]}
        assert json.loads(owners)["groups"]["by"] == "owner"
        assert by_owner["@legacy"]["files_to_change"] == 1  # the last matching rule wins
        assert by_owner["@billing-team"]["files_to_change"] == 1
        assert by_owner["@platform"]["files_to_change"] == 1
        return
    title = "By directory (dir:2)"
    assert title in (titles(out) if fmt == "text" else md_titles(out))
    assert "By owner (CODEOWNERS)" in (titles(owners) if fmt == "text" else md_titles(owners))
    row = "`@legacy` | 1 | 1 | 0 | 0 | 1 | 0 |" if fmt == "markdown" else "@legacy"
    assert row in owners


def test_report_options_from_config_and_command_line_wins(repo: Path) -> None:
    config = repo / "migrator.toml"
    config.write_text(
        config.read_text() + '\n[report]\nselect = ["shared-state"]\ngroup_by = "owner"\n'
    )
    code, out, err = invoke("plan", str(repo))
    assert code == 0, err
    assert titles(out) == ["Summary", "By owner (CODEOWNERS)", "Shared mutable state (1)"]
    code, out, _ = invoke("plan", str(repo), "--select", "boundaries", "--group-by", "dir")
    assert titles(out) == ["Summary", "By directory (dir:1)", "Cross-service imports (1)"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "symbols,nope"], "--select: unknown section 'nope'"),
        (["--ignore", "shared_state"], "--ignore: unknown section 'shared_state'"),
        (["--group-by", "dir:0"], "--group-by: 'dir:0': expected dir, dir:DEPTH"),
        (["--group-by", "team"], "--group-by: 'team': expected dir, dir:DEPTH"),
    ],
)
def test_bad_report_options_exit_2_in_one_line(repo: Path, args: list[str], message: str) -> None:
    code, out, err = invoke("plan", str(repo), *args)
    assert code == 2
    assert out == ""
    (line,) = err.strip().splitlines()
    assert message in line


def test_bad_report_config_names_the_key(repo: Path) -> None:
    config = repo / "migrator.toml"
    config.write_text(config.read_text() + '\n[report]\nignore = ["boundary"]\n')
    code, _, err = invoke("plan", str(repo))
    assert code == 2
    assert "migrator.toml: report.ignore: unknown section 'boundary'" in err


def test_plan_without_a_migration_shows_structure_and_no_score(repo: Path) -> None:
    (repo / "migrator.toml").write_text('services = ["billing", "accounts"]\n')
    code, text, err = invoke("plan", str(repo))
    assert code == 0, err
    assert text.splitlines()[0].startswith("migrator plan · No symbols configured")
    assert "compliance score" not in text
    assert "Cross-service imports" in text or "cross-service imports: 1" in text
    code, out, _ = invoke("plan", str(repo), "-f", "json")
    data = json.loads(out)
    assert data["migration_configured"] is False
    assert data["compliance"]["score"] is None
    assert data["compliance"]["metrics"]["canonical_usage_pct"] is None
    assert len(data["boundary_violations"]) == 1
    code, md, _ = invoke("plan", str(repo), "-f", "markdown")
    assert md.splitlines()[2].startswith("No symbols configured")


def test_baseline_comes_right_after_the_summary_in_report_order(repo: Path, tmp_path: Path) -> None:
    code, out, _ = invoke("plan", str(repo), "-f", "json")
    (tmp_path / "base.json").write_text(out)
    (repo / "billing/a.py").write_text("from core.engine import UserEngine\nprint(UserEngine)\n")
    for fmt, read in (("text", titles), ("markdown", md_titles)):
        code, report, _ = invoke(
            "plan",
            str(repo),
            "-f",
            fmt,
            "--baseline",
            str(tmp_path / "base.json"),
            "--group-by",
            "dir",
        )
        assert code == 0
        assert read(report)[:3] == ["Summary", "Since the baseline", "By directory (dir:1)"]
    section = report.split("### Since the baseline")[1].split("### ")[0]
    metrics = [line.split()[1] for line in section.splitlines() if line.startswith("| ")][2:6]
    assert metrics == [
        "compliance_score",
        "canonical_usage_pct",
        "clean_files_pct",
        "files_scanned",
    ]


def test_piped_output_never_truncates_a_300_column_name(tmp_path: Path) -> None:
    long_pkg = "p" * 140
    long_mod = "m" * 150
    root = write_tree(
        tmp_path / "wide",
        {
            "migrator.toml": '[[symbols]]\ncanonical = "core.engine:UserEngine"\n',
            "core/__init__.py": "",
            "core/engine.py": "class UserEngine:\n    pass\n",
            f"{long_pkg}/__init__.py": "",
            f"{long_pkg}/{long_mod}.py": "from core.engine import UserEngine\nUserEngineAlias = UserEngine\n",
            "use.py": f"from {long_pkg}.{long_mod} import UserEngineAlias\nprint(UserEngineAlias)\n",
        },
    )
    pattern = f"from {long_pkg}.{long_mod} import UserEngineAlias"
    assert len(pattern) > 300
    for fmt in ("text", "markdown"):
        proc = subprocess.run(
            [sys.executable, "-m", "migrator", "plan", str(root), "-f", fmt, "--no-cache"],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "80"},
        )
        assert proc.returncode == 0, proc.stderr
        assert "…" not in proc.stdout
        assert any(pattern in line for line in proc.stdout.splitlines())
        assert f"{long_pkg}.{long_mod}:UserEngineAlias" in proc.stdout


def _generate(root: Path, files: int) -> dict[str, int]:
    """A repository of ``files`` modules in 40 packages, with known numbers of findings."""
    counts = {"fragmented": 0, "singletons": 0, "shared_state": 0}
    (root / "core").mkdir(parents=True)
    (root / "core/__init__.py").write_text("")
    (root / "core/engine.py").write_text("class UserEngine:\n    pass\n")
    (root / "core/shim.py").write_text(
        "from core.engine import UserEngine\n__all__ = ['UserEngine']\n"
    )
    (root / "migrator.toml").write_text('[[symbols]]\ncanonical = "core.engine:UserEngine"\n')
    for k in range(files - 3 - 40):
        package = root / f"pkg{k % 40:02d}"
        if k < 40:
            package.mkdir()
            (package / "__init__.py").write_text("")
        if k % 20 == 0:
            body = "from core.shim import UserEngine\n\n\ndef make():\n    return UserEngine()\n"
            counts["fragmented"] += 1
        elif k % 20 == 1:
            body = (
                "_CLIENT = None\n\n\ndef get_client():\n    global _CLIENT\n"
                "    if _CLIENT is None:\n        _CLIENT = object()\n    return _CLIENT\n"
            )
            counts["singletons"] += 1
        elif k % 20 == 2:
            body = (
                "_SEEN: dict[str, int] = {}\n\n\ndef see(key: str) -> None:\n    _SEEN[key] = 1\n"
            )
            counts["shared_state"] += 1
        else:
            body = f"VALUE_{k} = {k}\n\n\ndef f_{k}(x: int) -> int:\n    return x + VALUE_{k}\n"
        (package / f"m{k:05d}.py").write_text(body)
    return counts


def test_big_repository_text_report_is_short_and_json_is_complete(tmp_path: Path) -> None:
    root = tmp_path / "big"
    counts = _generate(root, 10_000)
    code, text, err = invoke("plan", str(root), "--jobs", "2")
    assert code == 0, err
    assert text.startswith("migrator plan · 10,000 files scanned")
    assert len(text.splitlines()) < 200, text
    code, out, _ = invoke("plan", str(root), "-f", "json")
    data = json.loads(out)
    (symbol,) = data["symbols"]
    assert symbol["imports_fragmented"] == counts["fragmented"] > 400
    assert len(data["singletons"]) == counts["singletons"]
    assert len(data["shared_state"]) == counts["shared_state"]
    assert len(data["files_to_change"]) == counts["fragmented"]
