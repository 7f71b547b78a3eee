"""CODEOWNERS matching follows GitHub: gitignore-style patterns, last match wins, `dir/*` one level."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.owners import load_codeowners, parse_codeowners

# The example file from GitHub's documentation on code owners, abridged, in its order.
GITHUB_EXAMPLE = """
# These owners will be the default owners for everything in the repo.
*       @global-owner1 @global-owner2

# JS files are owned by the js-owner, overriding the global owners.
*.js    @js-owner #This is an inline comment.

*.go docs@example.com

*.txt @octo-org/octocats

/build/logs/ @doctocat

# docs/* owns docs/getting-started.md but not docs/build-app/troubleshooting.md
docs/*  docs@example.com

# apps/ anywhere in the repository
apps/ @octocat

/docs/ @doctocat

/scripts/ @doctocat @octocat

**/logs @octocat

/apps/ @octocat
/apps/github

!negated @nobody
[Bb]uild/ @nobody
"""


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        ("README.md", ("@global-owner1", "@global-owner2")),
        ("src/app.js", ("@js-owner",)),
        ("main.go", ("docs@example.com",)),
        ("notes/a.txt", ("@octo-org/octocats",)),
        ("build/logs/today.log", ("@octocat",)),  # /build/logs/ matches, **/logs comes later
        ("build/output.txt", ("@octo-org/octocats",)),
        ("docs/getting-started.md", ("@doctocat",)),  # /docs/ comes later and wins
        ("deep/logs/x.py", ("@octocat",)),
        ("scripts/deploy.sh", ("@doctocat", "@octocat")),
        ("apps/web/main.py", ("@octocat",)),
        ("apps/github/main.py", ()),  # a pattern without owners leaves the path unowned
        ("Build/x.py", ("@global-owner1", "@global-owner2")),  # [ranges] are not supported
    ],
)
def test_last_matching_rule_wins(path: str, owners: tuple[str, ...]) -> None:
    codeowners = parse_codeowners(GITHUB_EXAMPLE, "CODEOWNERS")
    assert codeowners.owners_of(path) == owners
    lines = GITHUB_EXAMPLE.splitlines()
    assert codeowners.skipped == (
        lines.index("!negated @nobody") + 1,
        lines.index("[Bb]uild/ @nobody") + 1,
    )


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("docs/*", ["docs/a.md"], ["docs/build/a.md", "x/docs/a.md"]),
        ("docs/", ["docs/a.md", "docs/b/c.md", "x/docs/a.md"], ["docs.md"]),
        ("/build/logs/", ["build/logs/a.log"], ["sub/build/logs/a.log", "build/logs"]),
        ("/docs", ["docs/a.md", "docs"], ["x/docs/a.md"]),
        ("billing", ["billing/x.py", "svc/billing/x.py", "billing"], ["billing2/x.py"]),
        ("billing/api", ["billing/api/x.py", "billing/api"], ["svc/billing/api/x.py"]),
        ("*.py", ["a.py", "a/b.py"], ["a.pyc"]),
        ("a/**/b", ["a/b", "a/x/b", "a/x/y/b/c.py"], ["x/a/b"]),
        ("a/**", ["a/x", "a/x/y"], ["b/a/x"]),
        ("\\#hash", ["#hash"], ["hash"]),
        ("te?t.py", ["test.py"], ["teest.py"]),
    ],
)
def test_patterns(pattern: str, matches: list[str], misses: list[str]) -> None:
    (rule,) = parse_codeowners(f"{pattern} @o\n").rules
    for path in matches:
        assert rule.matches(path), path
    for path in misses:
        assert not rule.matches(path), path


def test_files_are_looked_for_where_github_looks(tmp_path: Path) -> None:
    assert load_codeowners(tmp_path).source is None
    assert load_codeowners(tmp_path).owners_of("a.py") == ()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/CODEOWNERS").write_text("* @docs\n")
    assert load_codeowners(tmp_path).owners_of("a.py") == ("@docs",)
    (tmp_path / "CODEOWNERS").write_text("* @root\n")
    assert load_codeowners(tmp_path).owners_of("a.py") == ("@root",)
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/CODEOWNERS").write_text("* @github\n")
    owners = load_codeowners(tmp_path)
    assert (owners.source, owners.owners_of("a.py")) == (".github/CODEOWNERS", ("@github",))
