"""Symbol names: ``package.module:Name`` or ``package.module:Class.method``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = rf"{_IDENT}(?:\.{_IDENT})*"
_SYMBOL_RE = re.compile(rf"^({_DOTTED}):({_DOTTED})$")
DOTTED_RE = re.compile(rf"^{_DOTTED}$")


@dataclass(frozen=True, slots=True, order=True)
class Symbol:
    """A module path and an attribute path inside it, e.g. ``app.engine:UserEngine``."""

    module: str
    attr: str

    @classmethod
    def parse(cls, text: str) -> Symbol:
        """Parse ``module:Attr``; raise ``ValueError`` with a readable message otherwise."""
        m = _SYMBOL_RE.match(text.strip())
        if not m:
            raise ValueError(f"{text!r} is not written 'package.module:Name'")
        return cls(m.group(1), m.group(2))

    @property
    def name(self) -> str:
        """The first attribute component (the name bound in the module)."""
        return self.attr.split(".", 1)[0]

    @property
    def last(self) -> str:
        """The last attribute component (``Class.method`` -> ``method``)."""
        return self.attr.rsplit(".", 1)[-1]

    @property
    def dotted(self) -> str:
        """The dotted form used in strings such as ``mock.patch('pkg.mod.Name')``."""
        return f"{self.module}.{self.attr}"

    def __str__(self) -> str:
        return f"{self.module}:{self.attr}"


def is_dotted(text: str) -> bool:
    return bool(DOTTED_RE.match(text))


def module_tail(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str | None:
    """Absolute module for ``from <level dots><target> import ...`` written in ``module``.

    Returns None when the relative import climbs above the top-level package.
    """
    if level == 0:
        return target or None
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    drop = level - 1
    if drop > len(parts) or (drop == len(parts) and not target):
        return None
    base = parts[: len(parts) - drop] if drop else parts
    if target:
        base = [*base, *target.split(".")]
    return ".".join(base) or None
