"""plan / check / init through the CLI: formats, thresholds, baselines, errors and exit codes."""

from __future__ import annotations

import json
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
        [thresholds]
        fragmented_imports = 1
        singleton_violations = 0
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
    return write_tree(tmp_path, REPO)


def test_plan_json_schema(repo: Path) -> None:
    code, out, _ = invoke("plan", str(repo), "--format", "json", "--no-cache")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == 1
    (s,) = doc["symbols"]
    assert s["canonical"] == "core.engine:UserEngine"
    assert (s["imports_total"], s["imports_canonical"], s["imports_fragmented"]) == (4, 1, 3)
    assert s["canonical_usage_pct"] == 25.0
    assert {p["pattern"]: (p["files"], p["imports"], p["canonical"]) for p in s["patterns"]} == {
        "from core.compat import Engine": (1, 1, False),
        "from core.engine import UserEngine as UE": (1, 1, False),
        "from core.engine import UserEngine": (1, 1, True),
        "from billing.a import Engine": (1, 1, False),
    }
    # core.compat is a re-export module: both names it binds are legacy paths.
    assert s["aliases"] == ["core.compat:Engine", "core.compat:UserEngine"]
    assert [(b["path"], b["line"]) for b in doc["boundary_violations"]] == [("accounts/x.py", 1)]
    assert set(doc["compliance"]["metrics"]) >= {
        "canonical_usage_pct",
        "imports_fragmented",
        "boundary_violations",
    }
    assert all("\\" not in i["path"] and not i["path"].startswith("/") for i in s["imports"])


def test_text_and_markdown_show_the_same_numbers(repo: Path) -> None:
    code, text, _ = invoke("plan", str(repo), "--no-cache")
    assert code == 0
    assert "from core.engine import UserEngine as UE" in text
    assert "25.0" in text
    code, md, _ = invoke("plan", str(repo), "--format", "markdown", "--no-cache")
    assert code == 0
    assert "| `from core.compat import Engine` | 1 | 1 | no |" in md
    assert "| `core.engine:UserEngine` | 4 | 1 | 3 | 0 | 25.0 |" in md
    assert "core.engine:UserEngine        4          1           3     0     25.0" in text


def test_check_exit_codes(repo: Path) -> None:
    code, _, err = invoke("check", str(repo), "--no-cache")
    assert code == 1
    assert "fragmented_imports: 3 > 1" in err
    assert "boundary" not in err  # no threshold configured for it
    (repo / "migrator.toml").write_text(
        (repo / "migrator.toml")
        .read_text()
        .replace("fragmented_imports = 1", "fragmented_imports = 3")
    )
    code, _, err = invoke("check", str(repo), "--no-cache")
    assert code == 0, err


def test_baseline_shows_then_and_now(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    base = tmp_path_factory.mktemp("b") / "old.json"
    code, out, _ = invoke("plan", str(repo), "--format", "json", "--no-cache")
    base.write_text(out)
    (repo / "billing" / "b.py").write_text(
        "from core.engine import UserEngine\nprint(UserEngine)\n"
    )
    code, out, _ = invoke(
        "plan", str(repo), "--format", "json", "--baseline", str(base), "--no-cache"
    )
    assert code == 0
    delta = json.loads(out)["baseline"]
    assert delta["imports_fragmented"] == {"before": 3, "now": 2, "change": -1}
    assert delta["canonical_usage_pct"] == {"before": 25.0, "now": 50.0, "change": 25.0}
    code, md, _ = invoke(
        "plan", str(repo), "--format", "markdown", "--baseline", str(base), "--no-cache"
    )
    assert "| imports_fragmented | 3 | 2 | -1 |" in md


def test_bad_baseline_and_bad_config_exit_2(repo: Path) -> None:
    bad = repo / "bad.json"
    bad.write_text("{not json")
    code, _, err = invoke("plan", str(repo), "--baseline", str(bad))
    assert code == 2
    assert f"{bad}:1: not a JSON report" in err
    (repo / "migrator.toml").write_text('[[symbols]]\ncanonical = "core.engine:Nope"\n')
    code, _, err = invoke("plan", str(repo))
    assert code == 2
    assert "symbols[0].canonical: 'core.engine:Nope' not found" in err
    assert len(err.strip().splitlines()) == 1


def test_unparseable_file_is_reported_and_run_goes_on(repo: Path) -> None:
    (repo / "billing" / "broken.py").write_text(
        "from core.engine import UserEngine as X\ndef f(:\n"
    )
    code, out, err = invoke("plan", str(repo), "--format", "json", "--no-cache")
    assert code == 0
    doc = json.loads(out)
    assert doc["unparseable"] == [
        {"path": "billing/broken.py", "line": 2, "error": "invalid syntax"}
    ]
    assert "billing/broken.py:2" in err


def test_global_options_before_or_after_the_command(repo: Path) -> None:
    a = invoke("--no-cache", "--jobs", "1", "plan", str(repo), "--format", "json")
    b = invoke("plan", str(repo), "--format", "json", "--no-cache", "--jobs", "1")
    assert a[0] == b[0] == 0
    assert json.loads(a[1])["symbols"] == json.loads(b[1])["symbols"]


def test_init_proposes_and_never_overwrites(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/engine.py": "class UserEngine:\n    pass\n",
            "core/shim.py": "from core.engine import UserEngine\n__all__ = ['UserEngine']\n",
            "core/compat.py": "from core.engine import UserEngine as Engine\n",
            "svc/__init__.py": "",
            "svc/factory.py": "class EngineFactory:\n    pass\n",
            "core/factory.py": "class EngineFactory:\n    pass\n",
            "svc/use.py": "from core.shim import UserEngine\nfrom core.engine import UserEngine as UE\nprint(UE)\n",
        },
    )
    code, _, err = invoke("init", str(tmp_path))
    assert code == 0, err
    text = (tmp_path / "migrator.toml").read_text()
    assert 'canonical = "core.engine:UserEngine"' in text
    assert "core.shim:UserEngine" in text
    assert "[[factories]]" in text and "EngineFactory" in text
    code, _, err = invoke("plan", str(tmp_path), "--no-cache")  # the proposal is a valid config
    assert code == 0, err
    code, _, err = invoke("init", str(tmp_path))
    assert code == 2
    assert "already exists" in err
    assert (tmp_path / "migrator.toml").read_text() == text


def test_real_subprocess_entry_points(repo: Path) -> None:
    for cmd in (
        [sys.executable, "-m", "migrator"],
        [str(Path(sys.executable).with_name("migrator"))],
    ):
        proc = subprocess.run(
            [*cmd, "plan", str(repo), "--format", "json", "--no-cache"],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["symbols"][0]["imports_fragmented"] == 3
    proc = subprocess.run(
        [sys.executable, "-m", "migrator", "plan", str(repo / "nope")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"migrator: error: {repo / 'nope'}: not a directory"


def test_apply_runs_and_rollback_json(repo: Path) -> None:
    before = {p: p.read_bytes() for p in repo.rglob("*.py")}
    code, out, err = invoke("apply", str(repo), "--no-cache", "--json")
    assert code == 0, err
    applied = json.loads(out)
    assert sorted(applied["written"]) == ["accounts/x.py", "billing/a.py", "billing/b.py"]
    code, out, _ = invoke("runs", str(repo), "--json")
    assert code == 0
    (run,) = json.loads(out)
    assert (run["id"], run["status"], run["files"]) == (applied["run_id"], "applied", 3)
    code, out, _ = invoke("rollback", str(repo), "--json")
    assert code == 0
    assert json.loads(out)["run_id"] == applied["run_id"]
    assert {p: p.read_bytes() for p in repo.rglob("*.py")} == before
    code, out, _ = invoke("runs", str(repo))
    assert "rolled-back" in out
