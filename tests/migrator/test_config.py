from __future__ import annotations

from pathlib import Path

import pytest

from codemods.names import Symbol
from migrator.config import load_config
from migrator.errors import ConfigError


def write(tmp_path: Path, text: str, name: str = "migrator.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_full_config_is_read(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
src = ["src", "."]
exclude = ["backups/**"]
services = ["billing", "auth"]
shared = ["common"]

[[symbols]]
canonical = "app.engine.user_engine:UserEngine"
legacy = ["app.engine.engine:Engine"]
rename_aliases = false
construct_via = "app.engine.factory:EngineFactory.create"
construct_exclude = ["tests/**"]

[[factories]]
canonical = "app.engine.factory:EngineFactory"
duplicates = ["app.core.factory:EngineFactory"]
methods = { create = "create_for_user" }

[[calls]]
old = "app.compat:create_engine"
new = "app.engine.factory:EngineFactory.create_for_user"
args = { user_context = "context" }
drop = ["legacy_flag"]
add = { strict = "True" }

[thresholds]
fragmented_imports = 5
canonical_usage_pct = 95.0
""",
    )
    c = load_config(tmp_path)
    assert c.src == ("src", ".")
    assert c.services == ("billing", "auth")
    s = c.symbols[0]
    assert s.canonical == Symbol("app.engine.user_engine", "UserEngine")
    assert s.legacy == (Symbol("app.engine.engine", "Engine"),)
    assert s.rename_aliases is False
    assert s.construct_via == Symbol("app.engine.factory", "EngineFactory.create")
    assert c.factories[0].methods == (("create", "create_for_user"),)
    assert c.calls[0].args == (("user_context", "context"),)
    assert c.calls[0].drop == ("legacy_flag",)
    assert c.calls[0].add == (("strict", "True"),)
    assert c.thresholds.fragmented_imports == 5
    assert c.thresholds.canonical_usage_pct == 95.0


def test_pyproject_table(tmp_path: Path) -> None:
    write(tmp_path, '[project]\nname = "x"\n[tool.migrator]\nservices = ["a"]\n', "pyproject.toml")
    assert load_config(tmp_path).services == ("a",)


def test_migrator_toml_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path, '[tool.migrator]\nservices = ["a"]\n', "pyproject.toml")
    write(tmp_path, 'services = ["b"]\n')
    assert load_config(tmp_path).services == ("b",)


def test_no_config_means_defaults(tmp_path: Path) -> None:
    c = load_config(tmp_path)
    assert c.symbols == () and c.src == (".",) and c.source is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("symbolz = []\n", "symbolz: unknown key"),
        (
            '[[symbols]]\ncanonical = "a.b.C"\n',
            "symbols[0].canonical: 'a.b.C' is not written 'package.module:Name'",
        ),
        ('[[symbols]]\nlegacy = ["a:B"]\n', "symbols[0].canonical: is required"),
        (
            '[[symbols]]\ncanonical = "a:B"\nrenam_aliases = true\n',
            "symbols[0].renam_aliases: unknown key",
        ),
        (
            '[[symbols]]\ncanonical = "a:B"\nrename_aliases = "yes"\n',
            "symbols[0].rename_aliases: must be true or false",
        ),
        (
            '[[calls]]\nold = "a:f"\nnew = "b:g"\nadd = { x = "1 +" }\n',
            "calls[0].add.x: '1 +' is not a Python expression",
        ),
        (
            "[thresholds]\nfragmented_imports = -1\n",
            "thresholds.fragmented_imports: must be a non-negative number",
        ),
        ("[thresholds]\nfragmented = 1\n", "thresholds.fragmented: unknown key"),
        ('src = ["../elsewhere"]\n', "src: '../elsewhere' must be a path inside the repository"),
        ("services = 3\n", "services: must be a list of strings"),
        ("symbols = 1\n", "symbols: must be an array of tables"),
        ("x = [\n", "invalid TOML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_explicit_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path, tmp_path / "nope.toml")


def test_non_utf8_byte_in_a_comment_is_one_line_naming_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "migrator.toml").write_bytes(b'src = ["."]\n# caf\xe9\n')
    with pytest.raises(ConfigError) as bad:
        load_config(tmp_path)
    assert str(bad.value) == (
        f"{tmp_path / 'migrator.toml'}:2:6: not UTF-8 (byte 0xe9); TOML files are UTF-8"
    )
