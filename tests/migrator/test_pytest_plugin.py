"""The pytest plugin, run by pytester in a copy of a small project: items, failures, the fixture."""

from __future__ import annotations

import textwrap

import pytest

from tests.treeutil import write_tree

pytest_plugins = ["pytester"]

PROJECT = {
    "migrator.toml": """
        services = ["billing", "accounts"]
        shared = ["core"]
        [[symbols]]
        canonical = "core.engine:UserEngine"
        [[calls]]
        old = "core.compat:make_engine"
        new = "core.engine:UserEngine"
        [thresholds]
        fragmented_imports = 1
        boundary_violations = 5
        """,
    "core/__init__.py": "",
    "core/engine.py": "class UserEngine:\n    pass\n",
    "core/compat.py": (
        "from core.engine import UserEngine\nEngine = UserEngine\n\n\n"
        "def make_engine():\n    return UserEngine()\n"
    ),
    "billing/__init__.py": "",
    "billing/a.py": "from core.compat import Engine\nprint(Engine)\n",
    "billing/b.py": "from core.engine import UserEngine as UE\nprint(UE)\n",
    "billing/c.py": "from core.compat import make_engine\nmake_engine()\n",
    "accounts/__init__.py": "",
    "accounts/x.py": "from billing.c import make_engine\nprint(make_engine)\n",
    "tests/test_own.py": """
        def test_own():
            assert True
        """,
}


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    write_tree(pytester.path, PROJECT)
    pytester.makeini("[pytest]\naddopts = -p no:cacheprovider\n")
    return pytester


def test_off_by_default(project: pytest.Pytester) -> None:
    result = project.runpytest("-q")
    result.assert_outcomes(passed=1)


def test_one_item_per_symbol_call_and_threshold(project: pytest.Pytester) -> None:
    result = project.runpytest("--migrator", "--collect-only", "-q")
    ids = [ln for ln in result.outlines if "::" in ln]
    assert ids == [
        "tests/test_own.py::test_own",
        "migrator.toml::symbol[core.engine:UserEngine]",
        "migrator.toml::call[core.compat:make_engine]",
        "migrator.toml::threshold[fragmented_imports]",
        "migrator.toml::threshold[boundary_violations]",
    ]


def test_failures_list_file_and_line(project: pytest.Pytester) -> None:
    result = project.runpytest("--migrator", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=3)
    out = result.stdout.str()
    assert "2 non-canonical use(s) of core.engine:UserEngine" in out
    assert (
        "  billing/a.py:1: `from core.compat import Engine` imports core.engine:UserEngine "
        "through core.compat:Engine; use `from core.engine import UserEngine`"
    ) in out
    assert (
        "  billing/b.py:1: `from core.engine import UserEngine as UE` imports "
        "core.engine:UserEngine under the local name UE;"
    ) in out
    assert (
        "1 legacy use(s) of core.compat:make_engine:\n  billing/c.py:2: call of the legacy" in out
    )
    assert "threshold exceeded: fragmented_imports: 2 > 1" in out
    # Readable: no traceback of the plugin's own code.
    assert "pytest_plugin.py" not in out and "Traceback" not in out


def test_ini_option_and_keyword_selection(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\naddopts = -p no:cacheprovider\nmigrator = true\n")
    result = project.runpytest("-k", "boundary")
    result.assert_outcomes(passed=1, deselected=4)
    result = project.runpytest("--no-migrator")
    result.assert_outcomes(passed=1)


def test_fixed_project_passes(project: pytest.Pytester) -> None:
    (project.path / "billing/a.py").write_text(
        "from core.engine import UserEngine\nprint(UserEngine)\n"
    )
    (project.path / "billing/b.py").write_text(
        "from core.engine import UserEngine\nprint(UserEngine)\n"
    )
    (project.path / "billing/c.py").write_text("from core.engine import UserEngine\nUserEngine()\n")
    result = project.runpytest("--migrator", "-q")
    result.assert_outcomes(passed=5)


def test_migrator_plan_fixture(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_custom=textwrap.dedent(
            """
            def test_custom(migrator_plan):
                report = migrator_plan.report
                assert report.compliance.imports_fragmented == 2
                assert [v.path for v in report.boundary_violations] == ["accounts/x.py"]
            """
        )
    )
    result = project.runpytest("-q", "test_custom.py")
    result.assert_outcomes(passed=1)


def test_ratchet_item_when_a_baseline_exists(project: pytest.Pytester) -> None:
    from typer.testing import CliRunner

    from migrator.cli import app

    assert CliRunner().invoke(app, ["baseline", str(project.path)]).exit_code == 0
    (project.path / "billing/d.py").write_text("from core.compat import Engine\nprint(Engine)\n")
    result = project.runpytest("--migrator", "-k", "ratchet")
    result.assert_outcomes(failed=1, deselected=5)
    assert "billing/d.py" in result.stdout.str()
    assert "+1 fragmented-import: from core.compat import Engine" in result.stdout.str()


def test_config_error_is_one_failing_item(project: pytest.Pytester) -> None:
    (project.path / "migrator.toml").write_text('[[symbols]]\ncanonical = "core.engine:Nope"\n')
    result = project.runpytest("--migrator")
    result.assert_outcomes(passed=1, failed=1)
    assert "symbols[0].canonical: 'core.engine:Nope' not found" in result.stdout.str()
