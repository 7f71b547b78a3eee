"""Layout: every file's path, kind, size and public names (no text yet)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from .profiles import CLASSIC, Profile
from .vocab import (
    CLASS_SUFFIXES,
    MODULE_SUFFIXES,
    NOUNS,
    RESERVED_DIRS,
    SERVICES,
    SHARED,
    SUBPACKAGES,
    VERBS,
)

FIXED_FILES = (
    "core/__init__.py",
    "core/engine/__init__.py",
    "core/engine/user_engine.py",
    "core/engine/factory.py",
    "core/legacy/__init__.py",
    "core/legacy/engine_shim.py",
    "core/canonical_imports.py",
    "core/compat.py",
    "core/chain/__init__.py",
    "core/chain/hop1.py",
    "core/chain/hop2.py",
    "core/chain/hop3.py",
    "svc_billing/factory.py",
)
# The realistic profile adds an old shim whose code was commented out instead of deleted.
COMMENTED_SHIM = "core/legacy/engine_shim_v1.py"

BACKUP_SOURCE = "svc_search"
BACKUP_TOPS = ("svc_search_old", "backups/svc_search_2023_09_14")
LARGE_TEST_LINES = (5000, 8000)
SMALLEST_WITH_COPIES = 200  # smaller corpora get no backup copies and no 5,000-line test files


@dataclass
class Module:
    path: str  # relative to the corpus root, "/"-separated
    name: str  # dotted module name (the package itself for __init__.py)
    package: str  # dotted package the file lives in
    top: str
    kind: str  # "init" | "module" | "test" | "fixed" | "backup"
    target_lines: int = 0
    classes: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    broken: str = ""
    near_miss: str = ""
    crlf: bool = False
    bom: bool = False
    # realistic profile only
    mentions: list[str] = field(default_factory=list)  # kinds of mention outside code
    cases: list[str] = field(default_factory=list)  # planted detector cases
    commented_out: bool = False
    large: bool = False
    source: str = ""  # for a backup copy: the path of the file it copies


def lognormal_int(rng: random.Random, median: float, sigma: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, round(rng.lognormvariate(math.log(median), sigma))))


def camel(word: str) -> str:
    return "".join(part.capitalize() for part in word.split("_"))


def module_from_path(path: str, kind: str) -> Module:
    parts = path[:-3].split("/")
    if parts[-1] == "__init__":
        name = ".".join(parts[:-1])
        package = name
    else:
        name = ".".join(parts)
        package = ".".join(parts[:-1])
    return Module(path=path, name=name, package=package, top=parts[0], kind=kind)


def fixed_paths(profile: Profile) -> tuple[str, ...]:
    return FIXED_FILES + ((COMMENTED_SHIM,) if profile.commented_out_per_mille else ())


class Layout:
    """Decides every file's path, kind, size and public names."""

    def __init__(self, n: int, rng: random.Random, profile: Profile = CLASSIC) -> None:
        self.rng = rng
        self.profile = profile
        self.modules: list[Module] = [module_from_path(p, "fixed") for p in fixed_paths(profile)]
        backup_budget = (
            max(4, round(n * profile.backup_share))
            if profile.backup_copies and n >= SMALLEST_WITH_COPIES
            else 0
        )
        remaining = n - len(self.modules) - backup_budget * profile.backup_copies
        weights = [rng.uniform(0.6, 1.4) for _ in SERVICES]
        core_budget = max(3, round(remaining * 0.15))
        service_total = remaining - core_budget
        if backup_budget:
            weights[SERVICES.index(BACKUP_SOURCE)] = 0.0
            service_total -= backup_budget
        scale = service_total / sum(weights)
        budgets = [max(1, math.floor(w * scale)) for w in weights]
        if backup_budget:
            budgets[SERVICES.index(BACKUP_SOURCE)] = backup_budget
        budgets[0] += n - len(self.modules) - core_budget - sum(budgets)
        budgets[0] -= backup_budget * profile.backup_copies  # billing absorbs the rounding
        self._package(SHARED, core_budget, root_exists=True)
        for service, budget in zip(SERVICES, budgets, strict=True):
            self._package(service, budget, root_exists=False)
        if backup_budget:
            self._backups()
        if profile.large_tests_per_10k and n >= SMALLEST_WITH_COPIES:
            self._large_tests(n)
        assert len(self.modules) == n, (len(self.modules), n)

    def _package(self, top: str, budget: int, *, root_exists: bool) -> None:
        rng = self.rng
        used: dict[str, set[str]] = {top: set(RESERVED_DIRS)}
        depth: dict[str, int] = {top: 0}
        dirs = [top]
        tests_dir = ""
        if not root_exists:
            self.modules.append(module_from_path(f"{top}/__init__.py", "init"))
            budget -= 1
        if top != SHARED and budget >= 12:
            tests_dir = f"{top}/tests"
            dirs.append(tests_dir)
            depth[tests_dir] = 1
            used[tests_dir] = set()
            self.modules.append(module_from_path(f"{tests_dir}/__init__.py", "init"))
            budget -= 1
        n_dirs = max(1, round(budget / rng.uniform(16.0, 30.0)))
        for _ in range(n_dirs - 1):
            if budget < 4:
                break
            candidates = [d for d in dirs if depth[d] < 4 and d != tests_dir]
            parent = rng.choices(
                candidates, weights=[1.0 / (1 + depth[d]) ** 1.5 for d in candidates]
            )[0]
            choices = [w for w in SUBPACKAGES if w not in used[parent]]
            if not choices:
                continue
            word = rng.choice(choices)
            used[parent].add(word)
            new = f"{parent}/{word}"
            dirs.append(new)
            depth[new] = depth[parent] + 1
            used[new] = set()
            self.modules.append(module_from_path(f"{new}/__init__.py", "init"))
            budget -= 1
        if budget <= 0:
            return
        dir_weights = [rng.lognormvariate(0.0, 0.7) for _ in dirs]
        if tests_dir:
            dir_weights[dirs.index(tests_dir)] = 0.12 * sum(dir_weights)
        cumulative: list[float] = []
        acc = 0.0
        for w in dir_weights:
            acc += w
            cumulative.append(acc)
        p = self.profile
        for index in rng.choices(range(len(dirs)), cum_weights=cumulative, k=budget):
            directory = dirs[index]
            is_test = directory == tests_dir
            stem = self._module_stem(used[directory], is_test)
            module = module_from_path(f"{directory}/{stem}.py", "test" if is_test else "module")
            module.target_lines = lognormal_int(rng, p.median_lines, p.sigma, 6, p.max_lines)
            self._public_names(module)
            self.modules.append(module)

    def _backups(self) -> None:
        """Copies of the backed-up package tree: same relative module paths under other tops."""
        source = [m for m in self.modules if m.top == BACKUP_SOURCE]
        for top in BACKUP_TOPS[: self.profile.backup_copies]:
            for m in source:
                copy = module_from_path(top + m.path[len(BACKUP_SOURCE) :], "backup")
                copy.source = m.path
                self.modules.append(copy)

    def _large_tests(self, n: int) -> None:
        tests = [m for m in self.modules if m.kind == "test" and m.top != BACKUP_SOURCE]
        count = min(len(tests), max(1, round(n * self.profile.large_tests_per_10k / 10_000)))
        for m in self.rng.sample(tests, count):
            m.large = True
            m.target_lines = self.rng.randint(*LARGE_TEST_LINES)
            m.classes.clear()
            m.functions.clear()
            self._public_names(m, caps=(40, 400))

    def _module_stem(self, used: set[str], is_test: bool) -> str:
        rng = self.rng
        for _ in range(30):
            stem = rng.choice(NOUNS) + rng.choice(MODULE_SUFFIXES)
            if is_test:
                stem = "test_" + stem
            if stem not in used:
                used.add(stem)
                return stem
        stem = f"{rng.choice(NOUNS)}_{len(used)}"
        if is_test:
            stem = "test_" + stem
        used.add(stem)
        return stem

    def _public_names(self, module: Module, caps: tuple[int, int] | None = None) -> None:
        rng = self.rng
        max_classes, max_functions = caps or self.profile.max_names
        lines = module.target_lines
        n_classes = min(max_classes, round(lines / 90 * rng.uniform(0.2, 1.6)))
        n_functions = min(max_functions, max(1, round(lines / 55 * rng.uniform(0.3, 1.5))))
        seen: set[str] = set()
        for _ in range(n_classes):
            prefix = "Test" if module.kind == "test" else ""
            name = prefix + camel(rng.choice(NOUNS)) + rng.choice(CLASS_SUFFIXES)
            if name not in seen:
                seen.add(name)
                module.classes.append(name)
        for _ in range(n_functions):
            verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
            name = f"test_{verb}_{noun}" if module.kind == "test" else f"{verb}_{noun}"
            if rng.random() < 0.25:
                name += "s"
            if name not in seen:
                seen.add(name)
                module.functions.append(name)


class Corpus:
    """Shared lookup tables for the content generator."""

    def __init__(self, modules: list[Module]) -> None:
        self.by_top: dict[str, list[Module]] = {}
        self.by_package: dict[str, list[Module]] = {}
        for m in modules:
            if m.kind != "module" or not (m.classes or m.functions):
                continue
            self.by_top.setdefault(m.top, []).append(m)
            self.by_package.setdefault(m.package, []).append(m)
