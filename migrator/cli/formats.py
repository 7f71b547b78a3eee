"""The formats for other tools (SARIF, GitHub annotations, HTML) and the concise ``--files`` listing.

Each renders library values (:mod:`migrator.formats`); this module only gathers what they need
(the patches for SARIF fixes, the history for the dashboard's plot).
"""

from __future__ import annotations

import json
import sys

from migrator.cli import session
from migrator.cli.base import err_console, plural
from migrator.findings import Plan
from migrator.rules import Result, results
from migrator.view import GroupBy

# What `check --files` (the pre-commit hook) judges: the migration's own findings in those files.
MIGRATION_RULES = frozenset({"fragmented-import", "legacy-string-reference", "legacy-call"})


def selected(result: Plan, files: frozenset[str] | None) -> tuple[Result, ...]:
    found = results(result.report)
    if files is None:
        return found
    return tuple(r for r in found if r.path in files and r.rule in MIGRATION_RULES)


def write_sarif(s: session.Session, result: Plan, files: frozenset[str] | None) -> None:
    from migrator.formats.sarif import patch_edits, to_sarif

    plan = result
    if files is not None:  # rewrite only what is reported
        plan = Plan(result.report, tuple(x for x in result.specs if x.path in files), ())
    patchset = session.patches(s, plan, retire_shims=False)
    doc = to_sarif(
        result.report, fixes=patch_edits(patchset.patches), selected=selected(result, files)
    )
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def write_github(result: Plan, files: frozenset[str] | None) -> None:
    from migrator.formats.github import render_github

    sys.stdout.write(render_github(result.report, selected(result, files)))


def write_html(
    s: session.Session, result: Plan, history_commits: int | None, group: GroupBy | None = None
) -> None:
    """The dashboard; its heat map groups by ``--group-by`` (directory or CODEOWNERS owner)."""
    from migrator.formats.html import render_html

    h = None
    if history_commits:
        from migrator.history import history

        h = history(
            s.root,
            max_count=history_commits,
            config_path=s.globals.config,
            jobs=s.globals.jobs,
            use_cache=s.globals.use_cache,
        )
    if group is None:
        sys.stdout.write(render_html(result, history=h))
        return
    title = "Findings by owner" if group.kind == "owner" else f"Findings by directory ({group})"
    sys.stdout.write(render_html(result, history=h, group_by=group.key(s.root), group_title=title))


def warn_unparseable(s: session.Session, result: Plan, files: frozenset[str]) -> None:
    if s.globals.quiet:
        return
    for u in result.report.unparseable:
        if u.path in files:
            err_console().print(f"warning: {u.path}:{u.line}: {u.error} (skipped)", markup=False)


def write_listing(found: tuple[Result, ...]) -> None:
    """One ``path:line: rule message`` line per finding, then a one-line summary (like ruff)."""
    for r in found:
        sys.stdout.write(f"{r.path}:{r.line}: {r.rule} {r.message}\n")
    files = len({r.path for r in found})
    fixable = sum(r.fixable for r in found)
    if found:
        err_console().print(
            f"{plural(len(found), 'finding')} in {plural(files, 'file')} "
            f"({fixable} fixable with `migrator apply --files`)",
            markup=False,
        )
