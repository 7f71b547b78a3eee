"""The integration commands and formats through the CLI: sarif, github, html, --files, the ratchet
(baseline, check --ratchet) and history."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrator.cli import app
from tests.treeutil import git_init, write_tree

runner = CliRunner()

REPO = {
    "migrator.toml": """
        services = ["billing", "accounts"]
        shared = ["core"]
        [[symbols]]
        canonical = "core.engine:UserEngine"
        """,
    "core/__init__.py": "",
    "core/engine.py": "class UserEngine:\n    pass\n",
    "core/compat.py": "from core.engine import UserEngine\nEngine = UserEngine\n",
    "billing/__init__.py": "",
    "billing/a.py": "from core.compat import Engine\nprint(Engine)\n",
    "billing/b.py": "from core.engine import UserEngine as UE\nprint(UE)\n",
    "billing/c.py": "from core.engine import UserEngine\nprint(UserEngine)\n",
    "accounts/__init__.py": "",
    "accounts/x.py": "from billing.a import Engine\nprint(Engine)\n",
}


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "repo", REPO)


def test_plan_sarif_has_results_and_fixes(repo: Path) -> None:
    code, out, _ = invoke("plan", str(repo), "--format", "sarif", "--no-cache", "-q")
    assert code == 0
    doc = json.loads(out)
    results = doc["runs"][0]["results"]
    frag = [r for r in results if r["ruleId"] == "fragmented-import"]
    assert len(frag) == 3
    fixed = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["fixes"][0]
        for r in frag
    }
    change = fixed["billing/a.py"]["artifactChanges"][0]["replacements"]
    assert [c["insertedContent"]["text"] for c in change] == [
        "from core.engine import UserEngine\nprint(UserEngine)"
    ]
    assert any(r["ruleId"] == "cross-service-import" for r in results)


def test_check_github_exits_1_with_annotations(repo: Path) -> None:
    (repo / "migrator.toml").write_text(
        (repo / "migrator.toml").read_text() + "[thresholds]\nfragmented_imports = 0\n"
    )
    code, out, err = invoke("check", str(repo), "--format", "github", "--no-cache")
    assert code == 1
    assert "threshold exceeded: fragmented_imports: 3 > 0" in err
    assert out.count("::error file=") == 4
    assert "::error file=billing/a.py,line=1,title=migrator fragmented-import::" in out


def test_check_files_reports_only_those_files(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    code, out, err = invoke("check", "--files", "billing/c.py", "--no-cache")
    assert (code, out) == (0, "")
    code, out, err = invoke("check", "--files", "billing/c.py", "billing/a.py", "--no-cache")
    assert code == 1
    assert out == (
        "billing/a.py:1: fragmented-import `from core.compat import Engine` imports "
        "core.engine:UserEngine through core.compat:Engine; use `from core.engine import "
        "UserEngine`\n"
    )
    assert "1 finding in 1 file (1 fixable" in err
    # A cross-service import is not what the hook judges.
    code, out, _ = invoke("check", "--files", "accounts/x.py", "--no-cache")
    assert code == 1 and "cross-service" not in out and out.startswith("accounts/x.py:1: ")
    code, _, err = invoke("check", "billing/a.py", "extra.py", "--no-cache")
    assert code == 2 and "files need --files" in err


def test_apply_files_rewrites_only_those_files(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    before = (repo / "billing/b.py").read_bytes()
    code, _, err = invoke("apply", "--files", "billing/a.py", "--no-cache")
    assert code == 0, err
    assert (repo / "billing/a.py").read_text() == (
        "from core.engine import UserEngine\nprint(UserEngine)\n"
    )
    assert (repo / "billing/b.py").read_bytes() == before


def test_baseline_and_ratchet(repo: Path) -> None:
    code, _, err = invoke("baseline", str(repo), "--no-cache")
    assert code == 0 and "wrote migrator-baseline.json: 4 findings in 3 files" in err
    text = (repo / "migrator-baseline.json").read_text()
    code, _, err = invoke("baseline", str(repo), "--no-cache")
    assert code == 2 and "exists; use --update" in err
    code, _, err = invoke("check", str(repo), "--ratchet", "--no-cache", "-f", "json")
    assert code == 0 and "ratchet: nothing worse than migrator-baseline.json" in err

    (repo / "billing/c.py").write_text("from core.compat import Engine\nprint(Engine)\n")
    code, _, err = invoke("check", str(repo), "--ratchet", "--no-cache", "-f", "json")
    assert code == 1
    assert "imports_fragmented: 3 -> 4" in err
    assert "1 file(s) with new findings:\n  billing/c.py\n" in err
    assert "+1 fragmented-import: from core.compat import Engine  (line 1; baseline 0)" in err

    code, _, err = invoke("baseline", str(repo), "--update", "--no-cache")
    assert code == 1 and "got worse and kept the baseline's" in err
    assert (repo / "migrator-baseline.json").read_text() == text
    code, _, err = invoke("baseline", str(repo), "--allow-worse", "--no-cache")
    assert code == 0 and "worse values accepted" in err
    code, _, _ = invoke("check", str(repo), "--ratchet", "--no-cache", "-f", "json")
    assert code == 0

    (repo / "billing/c.py").write_text("from core.engine import UserEngine\nprint(UserEngine)\n")
    (repo / "billing/a.py").write_text("from core.engine import UserEngine\nprint(UserEngine)\n")
    code, _, err = invoke("baseline", str(repo), "--update", "--no-cache")
    assert code == 0 and "updated" in err
    doc = json.loads((repo / "migrator-baseline.json").read_text())
    assert sorted(doc["files"]) == ["accounts/x.py", "billing/b.py"]
    assert doc["metrics"]["imports_fragmented"] == 1  # x.py imported Engine from a.py


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def history_repo(repo: Path) -> Path:
    git_init(repo)
    (repo / "billing/a.py").write_text("from core.engine import UserEngine\nprint(UserEngine)\n")
    git(repo, "commit", "-qam", "fix a")
    return repo


def test_history_formats(history_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = invoke("history", "HEAD", str(history_repo), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert [c["subject"] for c in doc["commits"]] == ["initial", "fix a"]
    assert [c["metrics"]["imports_fragmented"] for c in doc["commits"]] == [3, 1]
    assert "2 commits in" in err
    code, out, _ = invoke("history", "-n", "1", "--format", "csv", "HEAD", str(history_repo))
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("commit,date,subject,compliance_score,")
    code, out, _ = invoke("history", "HEAD~1", str(history_repo), "-q")
    assert code == 0 and "initial" in out and "fix a" not in out
    # A lone directory argument is the PATH (the convention of every other command).
    monkeypatch.chdir(history_repo.parent)
    code, out, _ = invoke("history", "repo", "-q", "-f", "json")
    assert code == 0 and len(json.loads(out)["commits"]) == 2
    code, _, err = invoke("history", "nope", str(history_repo))
    assert code == 2 and "nope" in err


def test_plan_html_with_history(history_repo: Path) -> None:
    code, out, err = invoke("plan", str(history_repo), "--format", "html", "--history", "5", "-q")
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>")
    assert out.count('<circle class="point"') == 2
    assert "<script src" not in out and "http://" not in out.replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_html_heat_map_by_codeowners_owner(repo: Path) -> None:
    (repo / "CODEOWNERS").write_text("billing/ @team-billing\naccounts/ @team-accounts\n")
    code, out, err = invoke("plan", str(repo), "--format", "html", "--group-by", "owner", "-q")
    assert code == 0, err
    assert "<h2>Findings by owner</h2>" in out
    assert 'data-dir="@team-billing"' in out and 'data-dir="@team-accounts"' in out
