"""An inline SVG line plot of a migration's progress over commits (no script needed to see it)."""

from __future__ import annotations

from html import escape

from migrator.history import History

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 44


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if n == 1 else span * i / (n - 1))


def _y(value: float) -> float:
    span = HEIGHT - TOP - BOTTOM
    return TOP + span * (1 - max(0.0, min(100.0, value)) / 100)


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def progress_svg(h: History) -> str:
    """Compliance score (with a point per commit) and canonical usage, 0-100, oldest commit left."""
    n = len(h.points)
    parts = [
        f'<svg id="progress-plot" class="plot" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="Compliance score over the last {n} commits" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in (0, 25, 50, 75, 100):
        y = _fmt(_y(tick))
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>'
            f'<text class="tick" x="{LEFT - 8}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{tick}</text>'
        )
    for series, css in (("compliance_score", "score"), ("canonical_usage_pct", "usage")):
        coords = [
            f"{_fmt(_x(i, n))},{_fmt(_y(v))}"
            for i, p in enumerate(h.points)
            if (v := p.metric(series)) is not None
        ]
        if len(coords) > 1:
            parts.append(f'<polyline class="line {css}" points="{" ".join(coords)}"/>')
    for i, p in enumerate(h.points):
        score = p.metric("compliance_score")
        label = f"{p.commit.short} {p.commit.date[:10]} {p.commit.subject}"
        if score is None:
            tip = f"{label}: not measured ({p.error or 'no data'})"
            cy, css = _y(0), "point na"
        else:
            usage = p.metric("canonical_usage_pct")
            frag = p.metric("imports_fragmented")
            tip = f"{label}: score {score:g}, canonical {usage:g}%, {frag:g} fragmented"
            cy, css = _y(score), "point"
        parts.append(
            f'<circle class="{css}" data-commit="{escape(p.commit.sha)}" '
            f'cx="{_fmt(_x(i, n))}" cy="{_fmt(cy)}" r="4"><title>{escape(tip)}</title></circle>'
        )
    if n:
        base = HEIGHT - BOTTOM + 18
        first, last = h.points[0].commit, h.points[-1].commit
        parts.append(
            f'<text class="tick" x="{_fmt(_x(0, n))}" y="{base}" text-anchor="start">'
            f"{escape(first.short)} {escape(first.date[:10])}</text>"
        )
        if n > 1:
            parts.append(
                f'<text class="tick" x="{_fmt(_x(n - 1, n))}" y="{base}" text-anchor="end">'
                f"{escape(last.short)} {escape(last.date[:10])}</text>"
            )
    legend_y = HEIGHT - 8
    parts.append(
        f'<g class="legend"><line class="line score" x1="{LEFT}" x2="{LEFT + 24}" '
        f'y1="{legend_y - 4}" y2="{legend_y - 4}"/>'
        f'<text x="{LEFT + 30}" y="{legend_y}">compliance score</text>'
        f'<line class="line usage" x1="{LEFT + 170}" x2="{LEFT + 194}" '
        f'y1="{legend_y - 4}" y2="{legend_y - 4}"/>'
        f'<text x="{LEFT + 200}" y="{legend_y}">canonical usage %</text></g>'
    )
    parts.append("</svg>")
    return "".join(parts)
