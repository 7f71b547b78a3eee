"""Code owners from a ``CODEOWNERS`` file, matched the way GitHub matches them.

GitHub reads the first of ``.github/CODEOWNERS``, ``CODEOWNERS`` and ``docs/CODEOWNERS``; each line is
a pattern and its owners, and for a path the **last** matching line wins (a line with a pattern and
no owners makes the path unowned). Patterns follow ``.gitignore`` rules with GitHub's differences:
no ``!`` negation and no ``[...]`` ranges (such lines are skipped, as GitHub skips them), ``\\#``
for a pattern starting with ``#``, and ``dir/*`` matching only the files directly in ``dir``.

Used to group a report by owner (``--group-by owner``) and to shard a migration by owner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True, slots=True)
class OwnerRule:
    pattern: str
    owners: tuple[str, ...]
    line: int
    regex: re.Pattern[str]

    def matches(self, path: str) -> bool:
        return self.regex.match(path) is not None


@dataclass(frozen=True, slots=True)
class CodeOwners:
    """The rules of one CODEOWNERS file (``source`` None: there is none)."""

    source: str | None
    rules: tuple[OwnerRule, ...] = ()
    skipped: tuple[int, ...] = ()  # lines GitHub would not accept either (negation, ranges)

    def rule_for(self, path: str) -> OwnerRule | None:
        """The rule that decides ``path`` (repo-relative, ``/``-separated): the last one matching."""
        for rule in reversed(self.rules):
            if rule.matches(path):
                return rule
        return None

    def owners_of(self, path: str) -> tuple[str, ...]:
        rule = self.rule_for(path)
        return rule.owners if rule is not None else ()


def _segment(seg: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(seg):
        ch = seg[i]
        if ch == "\\" and i + 1 < len(seg):
            out.append(re.escape(seg[i + 1]))
            i += 2
            continue
        out.append("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch))
        i += 1
    return "".join(out)


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A regex matching the repo-relative file paths that ``pattern`` covers."""
    anchored = pattern.startswith("/")
    body = pattern.lstrip("/")
    directory = body.endswith("/")
    body = body.rstrip("/")
    segments = body.split("/")
    anchored = anchored or len(segments) > 1  # a slash before the end anchors, as in .gitignore
    parts: list[str] = []
    for k, seg in enumerate(segments):
        last = k == len(segments) - 1
        if seg == "**":
            parts.append(".*" if last else "(?:.*/)?")
            continue
        parts.append(_segment(seg) + ("" if last else "/"))
    regex = "".join(parts)
    if not anchored:
        regex = "(?:.*/)?" + regex
    if directory:
        regex += "/.*"
    elif segments[-1] == "*" and len(segments) > 1:
        pass  # `docs/*`: the files directly in docs/, not deeper (GitHub's rule)
    elif segments[-1] != "**":
        regex += "(?:/.*)?"  # a file, or a directory and everything in it
    return re.compile(regex + r"\Z")


def parse_codeowners(text: str, source: str | None = None) -> CodeOwners:
    rules: list[OwnerRule] = []
    skipped: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens = line.split()
        pattern, owners = tokens[0], []
        for token in tokens[1:]:
            if token.startswith("#"):
                break  # a comment after the owners
            owners.append(token)
        if pattern.startswith("\\#"):
            pattern = pattern[1:]
        if pattern.startswith("!") or "[" in pattern:
            skipped.append(number)
            continue
        rules.append(OwnerRule(pattern, tuple(owners), number, pattern_regex(pattern)))
    return CodeOwners(source, tuple(rules), tuple(skipped))


def load_codeowners(root: Path) -> CodeOwners:
    """The CODEOWNERS file GitHub would use for ``root`` (an empty one when there is none)."""
    for location in LOCATIONS:
        path = root / location
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            return parse_codeowners(text, location)
    return CodeOwners(None)
