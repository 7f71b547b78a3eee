"""GitHub Actions workflow commands: one annotation per finding on the pull request's diff.

``::error`` for every finding, ``::warning`` for kept imports and calls and for files that do not
parse, and one ``::notice`` with the score. Values are escaped as the Actions runner expects
(``%``, CR and LF in messages; also ``:`` and ``,`` in properties).
"""

from __future__ import annotations

from collections.abc import Iterable

from migrator.findings import Report
from migrator.rules import Result, results


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    kind: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
) -> str:
    props = []
    if file is not None:
        props.append(f"file={_prop(file)}")
    if line is not None:
        props.append(f"line={line}")
    if title is not None:
        props.append(f"title={_prop(title)}")
    head = f"::{kind} {','.join(props)}" if props else f"::{kind}"
    return f"{head}::{_data(message)}"


def render_github(report: Report, selected: Iterable[Result] | None = None) -> str:
    """Workflow commands for ``report`` (one per line, ending with a newline)."""
    out: list[str] = []
    for r in results(report) if selected is None else selected:
        kind = "warning" if r.level == "warning" else "error"
        out.append(command(kind, r.message, file=r.path, line=r.line, title=f"migrator {r.rule}"))
    for u in report.unparseable:
        out.append(
            command(
                "warning",
                f"not parsed, skipped: {u.error}",
                file=u.path,
                line=u.line,
                title="migrator unparseable",
            )
        )
    c = report.compliance
    out.append(
        command(
            "notice",
            f"compliance score {c.score}/100: canonical usage {c.canonical_usage_pct}%, "
            f"{c.imports_fragmented} fragmented import(s), {c.legacy_call_sites} legacy call site(s)",
            title="migrator",
        )
    )
    return "\n".join(out) + "\n"
