"""Dependencies run one way: ``migrator`` imports ``codemods``, never the reverse.

The codemods must run under LibCST's own codemod CLI with nothing of ``migrator`` loaded, so the
direction is checked here, in the test suite CI runs, both statically (every import statement under
``codemods/``) and for real (importing every codemods module in a fresh interpreter).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODEMODS = ROOT / "codemods"
# The lowest layer of ``codemods``: plain values and helpers that both packages use. They import
# nothing from the rest of ``codemods`` (so the transformers can depend on them, not the reverse).
BASE_LAYER = {"codemods.names", "codemods.sources", "codemods.spec"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement in ``path`` names (any scope, relative ones resolved)."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = (
        _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _module_name(path)
    )
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def _codemods_files() -> list[Path]:
    return sorted(CODEMODS.rglob("*.py"))


def test_codemods_never_import_migrator() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line}: imports {module}"
        for path in _codemods_files()
        for line, module in _imported_modules(path)
        if module == "migrator" or module.startswith("migrator.")
    ]
    assert offending == []


def test_base_layer_imports_only_itself() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line}: imports {module}"
        for path in _codemods_files()
        if _module_name(path) in BASE_LAYER
        for line, module in _imported_modules(path)
        if module.startswith("codemods") and module not in BASE_LAYER
    ]
    assert offending == []


def test_importing_every_codemod_loads_nothing_of_migrator() -> None:
    modules = [_module_name(path) for path in _codemods_files()]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'migrator' or m.startswith('migrator.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_repository_codemods_package_does_not_shadow_ours(tmp_path: Path) -> None:
    # `python -m migrator` run inside a repository that has its own top-level `codemods` package.
    (tmp_path / "codemods").mkdir()
    for name in ("__init__", "names", "sources", "spec", "api"):
        (tmp_path / "codemods" / f"{name}.py").write_text(
            "raise ImportError('the repository codemods')\n"
        )
    (tmp_path / "migrator.toml").write_text('[[symbols]]\ncanonical = "pkg.mod:Name"\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "mod.py").write_text("class Name:\n    pass\n")
    done = subprocess.run(
        [sys.executable, "-m", "migrator", "plan", "--no-cache", "--format", "json", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "the repository codemods" not in done.stderr
    assert done.returncode == 0, done.stderr
