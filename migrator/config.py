"""Configuration: ``migrator.toml`` at the repo root, or ``[tool.migrator]`` in ``pyproject.toml``.

Every problem is reported as one line naming the file, the key and what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from codemods.names import Symbol, is_dotted
from migrator.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CONFIG_FILE = "migrator.toml"


@dataclass(frozen=True, slots=True)
class SymbolConfig:
    canonical: Symbol
    legacy: tuple[Symbol, ...] = ()
    rename_aliases: bool = True
    construct_via: Symbol | None = None
    construct_exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FactoryConfig:
    canonical: Symbol
    duplicates: tuple[Symbol, ...] = ()
    methods: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CallConfig:
    old: Symbol
    new: Symbol
    args: tuple[tuple[str, str], ...] = ()
    drop: tuple[str, ...] = ()
    add: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Thresholds:
    fragmented_imports: int | None = None
    singleton_violations: int | None = None
    boundary_violations: int | None = None
    shared_state: int | None = None
    duplicate_factories: int | None = None
    canonical_usage_pct: float | None = None  # a minimum
    compliance_score: float | None = None  # a minimum


@dataclass(frozen=True, slots=True)
class ReportConfig:
    """``[report]``: what ``plan`` and ``check`` show unless the command line says otherwise."""

    select: tuple[str, ...] = ()  # sections shown in detail (empty: the default sections)
    ignore: tuple[str, ...] = ()  # sections left out
    group_by: str | None = None  # "dir", "dir:DEPTH" or "owner"


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    source: Path | None = None  # the file the config came from (None: defaults)
    src: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    symbols: tuple[SymbolConfig, ...] = ()
    factories: tuple[FactoryConfig, ...] = ()
    calls: tuple[CallConfig, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)
    report: ReportConfig = field(default_factory=ReportConfig)

    @property
    def migration_configured(self) -> bool:
        """Whether there is anything to migrate (a symbol, a factory or a call)."""
        return bool(self.symbols or self.factories or self.calls)

    def fingerprint(self) -> str:
        """A stable hash of the settings that shape analysis (for the cache and reports)."""
        data = asdict(self)
        data.pop("root")
        data.pop("source")
        data.pop("report")  # presentation only: the analysis does not depend on it
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


_TOP_KEYS = {
    "src",
    "exclude",
    "services",
    "shared",
    "symbols",
    "factories",
    "calls",
    "thresholds",
    "report",
}
_SYMBOL_KEYS = {"canonical", "legacy", "rename_aliases", "construct_via", "construct_exclude"}
_FACTORY_KEYS = {"canonical", "duplicates", "methods"}
_CALL_KEYS = {"old", "new", "args", "drop", "add"}
_THRESHOLD_KEYS = {f for f in Thresholds.__dataclass_fields__}
_REPORT_KEYS = {"select", "ignore", "group_by"}
REPORT_SECTIONS = (
    "symbols",
    "factories",
    "calls",
    "shims",
    "singletons",
    "boundaries",
    "shared-state",
)


class _Reader:
    """Typed access to a TOML table with errors that name the file and the key."""

    def __init__(self, path: Path, prefix: str) -> None:
        self.path = path
        self.prefix = prefix

    def fail(self, key: str, problem: str) -> ConfigError:
        where = f"{self.prefix}{key}" if key else self.prefix.rstrip(".")
        return ConfigError(f"{self.path}: {where}: {problem}")

    def check_keys(self, table: Mapping[str, Any], allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(key, f"unknown key (expected one of: {', '.join(sorted(allowed))})")

    def str_list(
        self, table: Mapping[str, Any], key: str, default: tuple[str, ...] = ()
    ) -> tuple[str, ...]:
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of strings")
        return tuple(value)

    def boolean(self, table: Mapping[str, Any], key: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def symbol(self, table: Mapping[str, Any], key: str) -> Symbol:
        if key not in table:
            raise self.fail(key, "is required")
        return self.parse_symbol(key, table[key])

    def parse_symbol(self, key: str, value: Any) -> Symbol:
        if not isinstance(value, str):
            raise self.fail(key, "must be a string written 'package.module:Name'")
        try:
            return Symbol.parse(value)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None

    def symbol_list(self, table: Mapping[str, Any], key: str) -> tuple[Symbol, ...]:
        return tuple(self.parse_symbol(key, v) for v in self.str_list(table, key))

    def str_map(
        self, table: Mapping[str, Any], key: str, *, identifiers: bool = True
    ) -> tuple[tuple[str, str], ...]:
        value = table.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise self.fail(key, "must be a table of strings")
        if identifiers:
            for k, v in value.items():
                if not (k.isidentifier() and v.isidentifier()):
                    raise self.fail(f"{key}.{k}", "keys and values must be Python identifiers")
        return tuple(value.items())


def _tables(
    reader: _Reader, raw: Mapping[str, Any], key: str
) -> list[tuple[_Reader, Mapping[str, Any]]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise reader.fail(key, f"must be an array of tables ([[{key}]])")
    return [(_Reader(reader.path, f"{key}[{i}]."), t) for i, t in enumerate(value)]


def parse_config(raw: Mapping[str, Any], root: Path, source: Path) -> Config:
    """Validate a config table (the whole ``migrator.toml`` or ``[tool.migrator]``)."""
    top = _Reader(source, "")
    top.check_keys(raw, _TOP_KEYS)
    src = top.str_list(raw, "src", (".",)) or (".",)
    for entry in src:
        if Path(entry).is_absolute() or ".." in Path(entry).parts:
            raise top.fail("src", f"{entry!r} must be a path inside the repository")
    services = top.str_list(raw, "services")
    shared = top.str_list(raw, "shared")
    for key, names in (("services", services), ("shared", shared)):
        for name in names:
            if not is_dotted(name):
                raise top.fail(key, f"{name!r} is not a package name")

    symbols: list[SymbolConfig] = []
    for r, t in _tables(top, raw, "symbols"):
        r.check_keys(t, _SYMBOL_KEYS)
        construct = (
            r.parse_symbol("construct_via", t["construct_via"]) if "construct_via" in t else None
        )
        symbols.append(
            SymbolConfig(
                canonical=r.symbol(t, "canonical"),
                legacy=r.symbol_list(t, "legacy"),
                rename_aliases=r.boolean(t, "rename_aliases", True),
                construct_via=construct,
                construct_exclude=r.str_list(t, "construct_exclude"),
            )
        )
    factories: list[FactoryConfig] = []
    for r, t in _tables(top, raw, "factories"):
        r.check_keys(t, _FACTORY_KEYS)
        factories.append(
            FactoryConfig(
                canonical=r.symbol(t, "canonical"),
                duplicates=r.symbol_list(t, "duplicates"),
                methods=r.str_map(t, "methods"),
            )
        )
    calls: list[CallConfig] = []
    for r, t in _tables(top, raw, "calls"):
        r.check_keys(t, _CALL_KEYS)
        add = r.str_map(t, "add", identifiers=False)
        for k, v in add:
            if not k.isidentifier():
                raise r.fail(f"add.{k}", "must be a Python identifier")
            try:
                compile(v, "<config>", "eval")
            except SyntaxError:
                raise r.fail(f"add.{k}", f"{v!r} is not a Python expression") from None
        drop = r.str_list(t, "drop")
        for d in drop:
            if not d.isidentifier():
                raise r.fail("drop", f"{d!r} is not a Python identifier")
        calls.append(
            CallConfig(
                old=r.symbol(t, "old"),
                new=r.symbol(t, "new"),
                args=r.str_map(t, "args"),
                drop=drop,
                add=add,
            )
        )

    thresholds = Thresholds()
    if "thresholds" in raw:
        tr = _Reader(source, "thresholds.")
        t = raw["thresholds"]
        if not isinstance(t, dict):
            raise top.fail("thresholds", "must be a table")
        tr.check_keys(t, _THRESHOLD_KEYS)
        values: dict[str, Any] = {}
        for k, v in t.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise tr.fail(k, "must be a non-negative number")
            if k in ("canonical_usage_pct", "compliance_score"):
                if v > 100:
                    raise tr.fail(k, "must be a percentage from 0 to 100")
                values[k] = float(v)
            else:
                if not isinstance(v, int):
                    raise tr.fail(k, "must be a whole number")
                values[k] = v
        thresholds = Thresholds(**values)

    report = ReportConfig()
    if "report" in raw:
        rr = _Reader(source, "report.")
        t = raw["report"]
        if not isinstance(t, dict):
            raise top.fail("report", "must be a table")
        rr.check_keys(t, _REPORT_KEYS)
        for key in ("select", "ignore"):
            for name in rr.str_list(t, key):
                if name not in (*REPORT_SECTIONS, "all"):
                    raise rr.fail(
                        key,
                        f"unknown section {name!r} (expected: {', '.join(REPORT_SECTIONS)}, all)",
                    )
        group_by = t.get("group_by")
        if group_by is not None and not (
            isinstance(group_by, str) and re.fullmatch(r"owner|dir(:[1-9][0-9]*)?", group_by)
        ):
            raise rr.fail("group_by", 'must be "dir", "dir:DEPTH" or "owner"')
        report = ReportConfig(rr.str_list(t, "select"), rr.str_list(t, "ignore"), group_by)

    return Config(
        root=root,
        source=source,
        src=src,
        exclude=top.str_list(raw, "exclude"),
        services=services,
        shared=shared,
        symbols=tuple(symbols),
        factories=tuple(factories),
        calls=tuple(calls),
        thresholds=thresholds,
        report=report,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:  # TOML is UTF-8, comments included
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            f"{path}:{line}:{column}: not UTF-8 (byte 0x{raw[exc.start]:02x}); TOML files are UTF-8"
        ) from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return data


# A cheap look before parsing: most pyproject.toml files met while walking up are not ours.
_TOOL_TABLE_RE = re.compile(rb"^[ \t]*\[\[?[ \t]*tool[ \t]*\.[ \t]*\"?migrator\b", re.MULTILINE)


def find_config(root: Path) -> Path | None:
    """The config file for ``root``: ``migrator.toml``, else a pyproject with ``[tool.migrator]``."""
    candidate = root / CONFIG_FILE
    if candidate.is_file():
        return candidate
    pyproject = root / "pyproject.toml"
    try:
        head = pyproject.read_bytes() if pyproject.is_file() else b""
    except OSError:
        return None
    if _TOOL_TABLE_RE.search(head) and "migrator" in _read_toml(pyproject).get("tool", {}):
        return pyproject
    return None


def find_root(start: Path) -> Path:
    """The project root for ``start`` (any directory inside the project), the way ruff and git find it.

    The nearest ancestor (``start`` included) holding ``migrator.toml`` or a ``pyproject.toml`` with
    ``[tool.migrator]``; else the top level of the git work tree ``start`` is in; else ``start``. The
    search never leaves a git work tree: a config above it belongs to something else.
    """
    here = Path(os.path.abspath(start))
    if not here.is_dir():
        raise ConfigError(f"{start}: not a directory")
    for directory in (here, *here.parents):
        if find_config(directory) is not None or os.path.lexists(directory / ".git"):
            return directory.resolve()
    return here.resolve()


def load_config(root: Path, path: Path | None = None) -> Config:
    """Load and validate the config for ``root`` (``path`` overrides discovery)."""
    root = root.resolve()
    if path is None:
        path = find_config(root)
        if path is None:
            return Config(root=root)
    elif not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    raw = _read_toml(path)
    if path.name == "pyproject.toml":
        tool = raw.get("tool", {})
        if "migrator" not in tool:
            raise ConfigError(f"{path}: no [tool.migrator] table")
        raw = tool["migrator"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: tool.migrator: must be a table")
    return parse_config(raw, root, path)
