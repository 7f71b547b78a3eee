"""The import rewrite alone on the sample's module-attribute and relative imports, checked by running
the sample's own tests.

``billing/invoicing/ledger.py`` builds ``shim.Engine(owner_id)`` and tests/test_billing.py patches
``core.legacy.engine_shim.Engine`` (which the string rewrite turns into the canonical path): the
rewritten usage must still look the class up on a module when it runs, or the patch misses it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codemods.api import transform_source
from codemods.spec import FileSpec, SymbolTarget

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "monorepo"

ENGINE = SymbolTarget(
    canonical="core.engine.user_engine:UserEngine",
    aliases=frozenset(
        {
            "core.engine:UserEngine",
            "core.legacy.engine_shim:Engine",
            "core.legacy.engine_shim:UserEngine",
        }
    ),
)
SETTINGS = SymbolTarget(canonical="core.config.settings:Settings")
STRINGS = (
    ("core.legacy.engine_shim.Engine", "core.engine.user_engine.UserEngine"),
    ("core.legacy.engine_shim.UserEngine", "core.engine.user_engine.UserEngine"),
)

# (path, module) of the files rewritten here
FILES = (
    ("billing/invoicing/ledger.py", "billing.invoicing.ledger"),
    ("analytics/tracking/metrics.py", "analytics.tracking.metrics"),
    ("core/jobs/scheduler.py", "core.jobs.scheduler"),
    ("core/config/loader.py", "core.config.loader"),
    ("tests/test_billing.py", "tests.test_billing"),
)


@pytest.fixture(scope="module")
def rewritten(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample") / "monorepo"
    shutil.copytree(SAMPLE, root)
    for path, module in FILES:
        spec = FileSpec(path=path, module=module, symbols=(ENGINE, SETTINGS), string_map=STRINGS)
        target = root / path
        result = transform_source(target.read_bytes(), spec)
        assert result.error is None, (path, result.error)
        assert result.new is not None
        target.write_bytes(result.new)
    return root


def _text(root: Path, path: str) -> str:
    return (root / path).read_text(encoding="utf-8")


def test_ledger_uses_the_canonical_module_attribute(rewritten: Path) -> None:
    text = _text(rewritten, "billing/invoicing/ledger.py")
    assert "import core.engine.user_engine\n" in text
    assert "shim" not in text
    assert "-> core.engine.user_engine.UserEngine:" in text
    assert "engine = core.engine.user_engine.UserEngine(owner_id).start()" in text
    test_text = _text(rewritten, "tests/test_billing.py")
    assert 'mock.patch("core.engine.user_engine.UserEngine")' in test_text


def test_package_attribute_becomes_canonical_module_attribute(rewritten: Path) -> None:
    text = _text(rewritten, "analytics/tracking/metrics.py")
    assert "import core.engine.user_engine\n" in text
    assert "import core.engine\n" not in text
    assert "isinstance(engine, core.engine.user_engine.UserEngine)" in text


def test_relative_imports_of_canonical_modules_become_absolute(rewritten: Path) -> None:
    assert "from core.engine.user_engine import UserEngine\n" in _text(
        rewritten, "core/jobs/scheduler.py"
    )
    assert "from core.config.settings import Settings\n" in _text(
        rewritten, "core/config/loader.py"
    )


def test_sample_tests_pass_on_the_rewritten_files(rewritten: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts="],
        cwd=rewritten,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
