"""The benchmark corpus generator (``benchmarks/repogen``): profiles, shapes, determinism, and that
migrator's plan of a generated corpus finds exactly what the generator says it planted."""

from __future__ import annotations

import ast
import hashlib
import importlib
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from migrator.planner import PlanOptions, make_plan
from migrator.report import to_json

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
N_CLASSIC = 60
N_REALISTIC = 240
# Files the plan reports besides the affected ones: the modules that define and re-export the symbols.
DEFINERS = {
    "core/canonical_imports.py",
    "core/chain/hop1.py",
    "core/chain/hop2.py",
    "core/chain/hop3.py",
    "core/compat.py",
    "core/engine/factory.py",
    "svc_billing/factory.py",
}


def load_repogen() -> ModuleType:
    """The generator package, imported from ``benchmarks/`` (it is not part of the installed project)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module("repogen")


@pytest.fixture(scope="module")
def repogen() -> ModuleType:
    return load_repogen()


Corpus = tuple[Path, dict[str, Any]]


@pytest.fixture(scope="module")
def classic(repogen: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    out = tmp_path_factory.mktemp("classic") / "c"
    return out, repogen.generate(N_CLASSIC, out, seed=7, profile="classic", git=False)


@pytest.fixture(scope="module")
def realistic(repogen: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    out = tmp_path_factory.mktemp("realistic") / "r"
    return out, repogen.generate(N_REALISTIC, out, seed=7, git=False, jobs=1)


@pytest.fixture(scope="module")
def realistic_trees(realistic: Corpus) -> dict[str, ast.Module | None]:
    """Every file of the realistic corpus parsed (None: it does not parse)."""
    root, _ = realistic
    trees: dict[str, ast.Module | None] = {}
    for path in _py_files(root):
        try:
            trees[path.relative_to(root).as_posix()] = ast.parse(path.read_bytes())
        except SyntaxError:
            trees[path.relative_to(root).as_posix()] = None
    return trees


@pytest.fixture(scope="module")
def realistic_plan(realistic: Corpus) -> dict[str, Any]:
    root, _ = realistic
    return to_json(make_plan(root, options=PlanOptions(jobs=1, use_cache=False)).report)


def _py_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if ".git" not in p.parts)


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in _py_files(root):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _unparseable(root: Path) -> list[str]:
    failures = []
    for path in _py_files(root):
        try:
            ast.parse(path.read_bytes())
        except SyntaxError:
            failures.append(path.relative_to(root).as_posix())
    return failures


def _paths(node: object) -> set[str]:
    """Every ``path`` in a JSON subtree."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("path"), str):
            found.add(node["path"])
        for value in node.values():
            found |= _paths(value)
    elif isinstance(node, list):
        for value in node:
            found |= _paths(value)
    return found


# -- classic profile -------------------------------------------------------------------------------


def test_classic_file_count_layout_and_affected_share(classic: Corpus) -> None:
    root, manifest = classic
    files = _py_files(root)
    assert len(files) == N_CLASSIC == manifest["files"]
    assert manifest["profile"]["name"] == "classic"
    for rel in (
        "core/engine/user_engine.py",
        "core/legacy/engine_shim.py",
        "svc_billing/factory.py",
    ):
        assert (root / rel).is_file()
    assert sum(1 for p in files if p.name == "__init__.py") >= 4 + 8
    assert len(manifest["affected"]) == round(N_CLASSIC * 0.05)
    assert manifest["mention_only"] == [] and manifest["detector_cases"] == []
    # Bar the definitions, the affected files and a few name-alikes, nothing mentions the names.
    mentioning = [p for p in files if b"UserEngine" in p.read_bytes()]
    assert len(mentioning) <= len(manifest["affected"]) + len(manifest["fixed"]) + len(
        manifest["near_miss"]
    )


def test_classic_everything_parses_except_the_deliberately_broken(classic: Corpus) -> None:
    root, manifest = classic
    assert len(manifest["unparseable"]) >= 1
    assert _unparseable(root) == manifest["unparseable"]


def test_classic_forms_cover_every_import_style_on_a_larger_corpus(repogen: ModuleType) -> None:
    modules = repogen.plan_corpus(1000, 3, repogen.CLASSIC)
    assert {form for m in modules for form in m.forms} == set(repogen.FORMS)
    assert sum(1 for m in modules if m.forms) == 50
    assert sum(1 for m in modules if m.broken) == 1


def test_migrator_toml(classic: Corpus) -> None:
    root, _ = classic
    config = tomllib.loads((root / "migrator.toml").read_text(encoding="utf-8"))
    assert config["src"] == ["."] and config["shared"] == ["core"]
    assert "svc_billing" in config["services"] and len(config["services"]) == 8
    assert config["symbols"][0]["canonical"] == "core.engine.user_engine:UserEngine"
    assert config["symbols"][0]["rename_aliases"] is True
    assert config["factories"][0]["duplicates"] == ["svc_billing.factory:EngineFactory"]
    assert config["calls"][0]["old"] == "core.compat:create_engine"


# -- realistic profile -----------------------------------------------------------------------------


def test_realistic_sizes_follow_the_real_repository(realistic: Corpus) -> None:
    """Issue 13's repository: 17.6 KB and 379 lines a file on average, median about 17 KB."""
    root, manifest = realistic
    sizes = [p.stat().st_size for p in _py_files(root)]
    assert len(sizes) == N_REALISTIC == manifest["files"]
    assert 13_000 <= statistics.median(sizes) <= 21_000
    assert 14_000 <= manifest["bytes"] / N_REALISTIC <= 21_500
    assert 40 <= manifest["bytes"] / manifest["lines"] <= 52
    large = manifest["large_tests"]
    assert len(large) == 1 and large[0]["lines"] >= 5000
    assert (root / large[0]["path"]).read_bytes().count(b"\ndef test_") >= 50


def test_realistic_everything_parses_except_the_deliberately_broken(
    realistic: Corpus, realistic_trees: dict[str, ast.Module | None]
) -> None:
    _, manifest = realistic
    assert (
        sorted(p for p, tree in realistic_trees.items() if tree is None) == manifest["unparseable"]
    )
    assert len(manifest["unparseable"]) >= 1


def test_realistic_backup_copies_mirror_their_package(realistic: Corpus) -> None:
    root, manifest = realistic
    backups = manifest["backups"]
    assert backups["source"] == "svc_search" and len(backups["copies"]) == 2
    source = sorted(p.relative_to(root / "svc_search") for p in _py_files(root / "svc_search"))
    assert len(source) == backups["files_per_copy"] >= 4
    for top in backups["copies"]:
        copy = sorted(p.relative_to(root / top) for p in _py_files(root / top))
        assert copy == source
        for rel in source:
            assert (root / top / rel).read_bytes() == (root / "svc_search" / rel).read_bytes()
    in_copies = [p for p in manifest["affected"] if p.startswith(tuple(backups["copies"]))]
    assert len(in_copies) == 2 * sum(p.startswith("svc_search/") for p in manifest["affected"])


def test_realistic_mentions_are_outside_code_only(
    realistic: Corpus, realistic_trees: dict[str, ast.Module | None]
) -> None:
    """Mention-only files name the symbols as words, but only in comments, docstrings and strings."""
    root, manifest = realistic
    mention_only = manifest["mention_only"]
    assert set(manifest["mention_kinds"]) == {
        "comment",
        "docstring",
        "log",
        "class_docstring",
        "markdown",
        "commented_code",
        "string_constant",
        "test_name",
    }
    # About 30% of the files name a symbol as a word, most of them outside code only.
    assert 0.2 <= manifest["files_naming_symbols"] / N_REALISTIC <= 0.4
    assert len(mention_only) >= 0.15 * N_REALISTIC
    assert not set(mention_only) & set(manifest["affected"])
    words = b"|".join(re.escape(w.encode()) for w in manifest["naming_words"])
    word = re.compile(rb"(?<![\w])(?:" + words + rb")(?!\w)")
    for rel in mention_only:
        tree = realistic_trees[rel]
        if tree is None:
            continue
        assert word.search((root / rel).read_bytes()), rel
        for node in ast.walk(tree):
            if isinstance(node, ast.Name | ast.alias):
                name = node.id if isinstance(node, ast.Name) else node.asname or node.name
                assert name not in ("UserEngine", "EngineFactory", "create_engine", "Engine"), rel
            if isinstance(node, ast.ImportFrom):
                assert "engine" not in (node.module or ""), rel


def test_realistic_detector_cases_point_at_their_code(realistic: Corpus) -> None:
    root, manifest = realistic
    cases = manifest["detector_cases"]
    kinds = {c["case"] for c in cases}
    assert {"class_constants", "pydantic_model", "singleton_reset"} <= kinds
    assert "commented_out_shim" in kinds
    assert {c["expect"] for c in cases} == {"finding", "none"}
    for case in cases:
        line = (root / case["path"]).read_text("utf-8-sig").splitlines()[case["line"] - 1]
        last = case["name"].rsplit(".", 1)[-1]
        assert case["detector"] == "shims" or last in line, (case, line)
    shim = next(c for c in cases if c["case"] == "commented_out_shim")
    assert all(line.startswith("#") for line in (root / shim["path"]).read_text().splitlines())


def test_realistic_plan_finds_exactly_what_was_planted(
    realistic: Corpus, realistic_plan: dict[str, Any]
) -> None:
    """The plan's symbol, factory and call findings name the affected files and the modules that
    define the symbols, and no file that mentions the names only outside code."""
    _, manifest = realistic
    planned = _paths(realistic_plan["symbols"]) | _paths(realistic_plan["factories"])
    planned |= _paths(realistic_plan["calls"])
    assert planned == set(manifest["affected"]) | DEFINERS
    assert not planned & set(manifest["mention_only"])
    reported = {u["path"] for u in realistic_plan["unparseable"]}
    assert reported <= set(manifest["unparseable"])
    assert realistic_plan["files_scanned"] == N_REALISTIC


def test_realistic_plan_parses_about_as_much_as_the_real_repository(
    realistic: Corpus, realistic_plan: dict[str, Any]
) -> None:
    """Issue 13: 29% of the real repository's files passed the prefilter. A prefilter may let
    through less than the files that name a symbol (if it tells comments from code), never more
    than those plus the detectors' shapes."""
    _, manifest = realistic
    assert realistic_plan["files_parsed"] >= len(manifest["affected"])
    assert realistic_plan["files_parsed"] <= 0.45 * N_REALISTIC


def test_planted_true_findings_are_reported(
    realistic: Corpus, realistic_plan: dict[str, Any]
) -> None:
    """Every planted case a reviewer calls a finding (a mutated registry, a ``get_*`` singleton) is
    reported at its line; ``benchmarks/detector_cases.py`` prints the false positives too."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    detector_cases = importlib.import_module("detector_cases")
    _, manifest = realistic
    scored = detector_cases.score(manifest["detector_cases"], realistic_plan)
    true = [c for c in scored if c["expect"] == "finding"]
    assert {c["case"] for c in true} == {"class_registry", "module_registry", "singleton_reset"}
    assert [c for c in true if not c["reported"]] == []


def test_deterministic_for_a_seed(repogen: ModuleType, tmp_path: Path) -> None:
    a = repogen.generate(repogen.MIN_FILES * 2, tmp_path / "a", seed=11, git=False, jobs=1)
    b = repogen.generate(repogen.MIN_FILES * 2, tmp_path / "b", seed=11, git=False)
    c = repogen.generate(repogen.MIN_FILES * 2, tmp_path / "c", seed=12, git=False, jobs=1)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b") != _digest(tmp_path / "c")
    assert a["affected"] == b["affected"] and a["detector_cases"] == b["detector_cases"]
    assert c["files"] == repogen.MIN_FILES * 2


def test_parallel_rendering_gives_the_same_bytes(repogen: ModuleType) -> None:
    render = importlib.import_module("repogen.render")
    modules = repogen.plan_corpus(120, 5, repogen.REALISTIC)
    serial, serial_cases = render.render_corpus(modules, 5, repogen.REALISTIC, jobs=1)
    pooled, pooled_cases = render.render_corpus(
        modules, 5, repogen.REALISTIC, jobs=2, min_parallel=0
    )
    assert serial == pooled and serial_cases == pooled_cases


def test_command_line_writes_a_git_repository(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / "make_corpus.py"), "50", "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "50 files" in proc.stdout
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=out, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(listed) == 50
    manifest = json.loads((out / "corpus_manifest.json").read_text())
    assert manifest["profile"]["name"] == "realistic"
    again = subprocess.run(
        [sys.executable, str(BENCHMARKS / "make_corpus.py"), "30", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 2 and "at least 40 files" in again.stderr
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    refused = subprocess.run(
        [sys.executable, str(BENCHMARKS / "make_corpus.py"), "50", "--out", str(tmp_path / "mine")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2 and "not a generated corpus" in refused.stderr
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
