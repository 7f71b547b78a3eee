"""The benchmark corpus generator (benchmarks/make_corpus.py): size, syntax, affected share, config."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "make_corpus.py"
N = 60


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_corpus() -> ModuleType:
    return _load_generator()


@pytest.fixture(scope="module")
def corpus(
    make_corpus: ModuleType, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("corpus") / "c"
    manifest = make_corpus.generate(N, out, seed=7, git=False)
    return out, manifest


def _list(manifest: dict[str, Any], key: str) -> list[str]:
    value = manifest[key]
    assert isinstance(value, list)
    return value


def _py_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if ".git" not in p.parts)


def test_file_count_and_manifest(corpus: tuple[Path, dict[str, Any]]) -> None:
    root, manifest = corpus
    files = _py_files(root)
    assert len(files) == N == manifest["files"]
    assert (root / "core" / "engine" / "user_engine.py").is_file()
    assert (root / "core" / "legacy" / "engine_shim.py").is_file()
    assert (root / "svc_billing" / "factory.py").is_file()
    assert sum(1 for p in files if p.name == "__init__.py") >= 4 + 8


def test_everything_parses_except_the_deliberately_broken(
    corpus: tuple[Path, dict[str, Any]],
) -> None:
    root, manifest = corpus
    broken = manifest["unparseable"]
    assert isinstance(broken, list) and len(broken) >= 1
    failures = []
    for path in _py_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            ast.parse(path.read_bytes(), filename=rel)
        except SyntaxError:
            failures.append(rel)
    assert failures == sorted(broken)


def test_affected_fraction(corpus: tuple[Path, dict[str, Any]]) -> None:
    root, manifest = corpus
    affected = manifest["affected"]
    assert isinstance(affected, list)
    assert len(affected) == round(N * 0.05)
    for rel in affected:
        text = (root / rel).read_text(encoding="utf-8-sig")
        assert any(
            word in text for word in ("UserEngine", "EngineFactory", "create_engine", "Engine")
        )
    # The other files (bar the definitions and re-exports, and a few name-alikes) never mention them.
    mentioning = [p for p in _py_files(root) if b"UserEngine" in p.read_bytes()]
    allowance = (
        len(affected) + len(_list(manifest, "fixed")) + len(_list(manifest, "near_miss")) + 2
    )
    assert len(mentioning) <= allowance


def test_forms_cover_every_import_style_on_a_larger_corpus(make_corpus: ModuleType) -> None:
    modules = make_corpus.plan_corpus(1000, seed=3)
    forms = {form for m in modules for form in m.forms}
    assert forms == set(make_corpus.FORMS)
    assert sum(1 for m in modules if m.forms) == 50
    assert sum(1 for m in modules if m.broken) == 1


def test_migrator_toml(corpus: tuple[Path, dict[str, Any]]) -> None:
    root, _ = corpus
    config = tomllib.loads((root / "migrator.toml").read_text(encoding="utf-8"))
    assert config["src"] == ["."]
    assert config["shared"] == ["core"]
    assert "svc_billing" in config["services"] and len(config["services"]) == 8
    assert config["symbols"][0]["canonical"] == "core.engine.user_engine:UserEngine"
    assert config["symbols"][0]["rename_aliases"] is True
    assert config["factories"][0]["canonical"] == "core.engine.factory:EngineFactory"
    assert config["factories"][0]["duplicates"] == ["svc_billing.factory:EngineFactory"]
    assert config["calls"][0]["old"] == "core.compat:create_engine"


def test_deterministic_for_a_seed(make_corpus: ModuleType, tmp_path: Path) -> None:
    def digest(root: Path) -> str:
        h = hashlib.sha256()
        for path in _py_files(root):
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
        return h.hexdigest()

    a = make_corpus.generate(N, tmp_path / "a", seed=11, git=False)
    b = make_corpus.generate(N, tmp_path / "b", seed=11, git=False)
    c = make_corpus.generate(N, tmp_path / "c", seed=12, git=False)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")
    assert a["affected"] == b["affected"]
    assert c["files"] == N
