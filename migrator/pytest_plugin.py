"""pytest plugin: the migration's rules as test items, instead of hand-written regex tests.

Enabled with ``pytest --migrator`` or the ini option ``migrator = true`` (``--no-migrator`` turns the
ini option off for one run). It adds one item per configured symbol, factory and call, one per
configured threshold, and one for the ratchet when ``migrator-baseline.json`` exists. Each fails
with the offending ``file:line`` entries. The project is planned once per session, when the first
item runs; the ``migrator_plan`` fixture hands the same plan to custom tests.

Registered through the ``pytest11`` entry point, so installing migrator is enough. Everything heavy is
imported when an item runs, not when pytest starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from migrator.config import Config
    from migrator.findings import Plan
    from migrator.rules import Result


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("migrator", "single-source-of-truth migration checks")
    group.addoption(
        "--migrator",
        action="store_true",
        dest="migrator",
        default=None,
        help="Add one test per configured symbol, factory, call and threshold (migrator.toml).",
    )
    group.addoption(
        "--no-migrator",
        action="store_false",
        dest="migrator",
        help="Do not add the migrator tests, even with the ini option on.",
    )
    group.addoption(
        "--migrator-root",
        metavar="DIR",
        default=None,
        help="Project to check (default: found from pytest's rootdir, like the migrator CLI).",
    )
    parser.addini("migrator", type="bool", default=False, help="Add the migrator tests.")


@dataclass
class _State:
    """The project and its plan, computed once per session."""

    start: Path
    _root: Path | None = None
    _config: Config | None = None
    _plan: Plan | None = None
    _error: str | None = None
    _planned: bool = field(default=False)

    def config(self) -> Config:
        from migrator.config import find_root, load_config

        if self._config is None:
            self._root = find_root(self.start)
            self._config = load_config(self._root)
        return self._config

    def plan(self) -> Plan:
        from migrator.errors import MigratorError
        from migrator.planner import make_plan

        if not self._planned:
            self._planned = True
            try:
                config = self.config()
                assert self._root is not None
                self._plan = make_plan(self._root, config=config)
            except MigratorError as exc:
                self._error = str(exc)
        if self._plan is None:
            raise MigratorCheckError(f"migrator: {self._error}")
        return self._plan


_STATE = pytest.StashKey[_State]()


def _state(config: pytest.Config) -> _State:
    if _STATE not in config.stash:
        start = config.getoption("migrator_root") or config.rootpath
        config.stash[_STATE] = _State(Path(start))
    return config.stash[_STATE]


def _enabled(config: pytest.Config) -> bool:
    option = config.getoption("migrator")
    return bool(config.getini("migrator") if option is None else option)


@pytest.fixture(scope="session")
def migrator_plan(pytestconfig: pytest.Config) -> Plan:
    """The project's migrator plan (``.report`` has every finding), computed once per session."""
    return _state(pytestconfig).plan()


class MigratorCheckError(Exception):
    """A migrator item failed; the message is the whole, readable report."""


class MigratorFile(pytest.File):
    """The config file the items come from (their node ids read ``migrator.toml::symbol[...]``)."""

    def collect(self) -> Iterator[pytest.Item]:
        from migrator.errors import MigratorError

        state = _state(self.config)
        try:
            config = state.config()
        except MigratorError as exc:
            yield MigratorItem.from_parent(self, name="config", check=("error", str(exc)))
            return
        for s in config.symbols:
            yield MigratorItem.from_parent(
                self, name=f"symbol[{s.canonical}]", check=("symbol", str(s.canonical))
            )
        for f in config.factories:
            yield MigratorItem.from_parent(
                self, name=f"factory[{f.canonical}]", check=("factory", str(f.canonical))
            )
        for c in config.calls:
            yield MigratorItem.from_parent(self, name=f"call[{c.old}]", check=("call", str(c.old)))
        for name, value in _thresholds(config):
            if value is not None:
                yield MigratorItem.from_parent(
                    self, name=f"threshold[{name}]", check=("threshold", name)
                )
        from migrator.ratchet import BASELINE_FILE

        assert state._root is not None
        if (state._root / BASELINE_FILE).is_file():
            yield MigratorItem.from_parent(self, name="ratchet", check=("ratchet", BASELINE_FILE))


def _thresholds(config: Config) -> list[tuple[str, float | None]]:
    import dataclasses

    t = config.thresholds
    return [(f.name, getattr(t, f.name)) for f in dataclasses.fields(t)]


# Which findings a threshold is about, to list them when it is exceeded.
_THRESHOLD_RULES = {
    "fragmented_imports": {"fragmented-import"},
    "singleton_violations": {"singleton"},
    "boundary_violations": {"cross-service-import"},
    "shared_state": {"shared-state"},
    "duplicate_factories": {"duplicate-factory"},
    "canonical_usage_pct": {"fragmented-import"},
    "compliance_score": {
        "fragmented-import",
        "legacy-call",
        "duplicate-factory",
        "singleton",
        "cross-service-import",
        "shared-state",
    },
}


def _listing(found: list[Result]) -> list[str]:
    return [f"  {r.path}:{r.line}: {r.message}" for r in found]


class MigratorItem(pytest.Item):
    def __init__(self, *, check: tuple[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.add_marker("migrator")

    def runtest(self) -> None:
        kind, subject = self.check
        if kind == "error":
            raise MigratorCheckError(f"migrator: {subject}")
        from migrator.rules import results

        plan = _state(self.config).plan()
        report = plan.report
        found = list(results(report))
        if kind == "symbol":
            bad = [
                r
                for r in found
                if r.subject == subject
                and r.rule in ("fragmented-import", "legacy-string-reference")
            ]
            if bad:
                from migrator.rules import canonical_statement

                raise MigratorCheckError(
                    "\n".join(
                        [
                            f"{len(bad)} non-canonical use(s) of {subject} "
                            f"(canonical: {canonical_statement(subject)}):",
                            *_listing(bad),
                            "`migrator apply` rewrites them; `# migrator: keep` keeps one on purpose.",
                        ]
                    )
                )
        elif kind in ("factory", "call"):
            bad = [
                r
                for r in found
                if r.subject == subject and r.rule in ("duplicate-factory", "legacy-call")
            ]
            if bad:
                raise MigratorCheckError(
                    "\n".join([f"{len(bad)} legacy use(s) of {subject}:", *_listing(bad)])
                )
        elif kind == "threshold":
            from migrator.report import check_thresholds

            config = _state(self.config).config()
            exceeded = [
                line
                for line in check_thresholds(report, config.thresholds)
                if line.startswith(f"{subject}:")
            ]
            if exceeded:
                rules = _THRESHOLD_RULES.get(subject, set())
                bad = [r for r in found if r.rule in rules]
                raise MigratorCheckError(
                    "\n".join([f"threshold exceeded: {exceeded[0]}", *_listing(bad)])
                )
        elif kind == "ratchet":
            from migrator.ratchet import compare, load_baseline, render

            state = _state(self.config)
            assert state._root is not None
            outcome = compare(load_baseline(state._root / subject), report)
            if not outcome.ok:
                raise MigratorCheckError(render(outcome, subject))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, MigratorCheckError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"migrator {self.name}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "migrator: a check added by the migrator plugin")


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect, so they apply to these items too
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if not _enabled(config):
        return
    from migrator.config import find_config, find_root
    from migrator.errors import MigratorError

    state = _state(config)
    try:
        root = find_root(state.start)
        path = find_config(root) or root / "migrator.toml"
    except MigratorError:
        path = state.start / "migrator.toml"
    node = MigratorFile.from_parent(session, path=path)
    items.extend(node.collect())
