"""The HTML dashboard in real headless Chromium: no console errors, no network, one plot point per
commit, filters that change the visible rows, and a summary that reads with JavaScript off."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from migrator.findings import Report
from migrator.formats.html import render_html
from migrator.history import history
from migrator.planner import PlanOptions, make_plan
from migrator.rules import results
from tests.browser import CHROMIUM, FLAGS, playwright_sync

ROOT = Path(__file__).resolve().parents[3]
COMMITS = 8


def _make_history() -> Any:
    spec = importlib.util.spec_from_file_location("bench_history", ROOT / "benchmarks/history.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_history"] = module
    spec.loader.exec_module(module)
    return module.make_history


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    work = tmp_path_factory.mktemp("dash")
    repo = work / "repo"
    _make_history()(ROOT / "samples" / "monorepo", repo, COMMITS, jobs=1)
    plan = make_plan(repo, options=PlanOptions(jobs=1, use_cache=False))
    h = history(repo, max_count=COMMITS, jobs=1)
    page = work / "report.html"
    page.write_text(render_html(plan, history=h), encoding="utf-8")
    return page, plan.report


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    sync_playwright = playwright_sync()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def open_page(browser: Any, page_path: Path, *, javascript: bool = True) -> tuple[Any, list[str]]:
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def no_network(route: Any) -> None:
        if not route.request.url.startswith("file://"):
            problems.append(f"network request: {route.request.url}")
            route.abort()
        else:
            route.continue_()

    page.route("**/*", no_network)
    page.goto(page_path.as_uri())
    return page, problems


def visible_rows(page: Any) -> int:
    return int(page.locator("#findings tbody tr:visible").count())


def test_dashboard_in_chromium(
    browser: Any, dashboard: tuple[Path, Report], tmp_path: Path
) -> None:
    page_path, report = dashboard
    page, problems = open_page(browser, page_path)
    assert page.title() == "migrator dashboard"
    assert page.locator("#score").inner_text() == f"{report.compliance.score:g}"
    # The plot: one point per commit, the last one at the migrated score.
    points = page.locator("svg#progress-plot circle.point")
    assert points.count() == COMMITS
    assert "score" in points.nth(COMMITS - 1).locator("title").text_content()
    first_y = float(points.nth(0).get_attribute("cy"))
    last_y = float(points.nth(COMMITS - 1).get_attribute("cy"))
    assert last_y < first_y  # the score went up over the history: higher on the page

    total = visible_rows(page)
    assert total == len(results(report)) > 20
    assert page.locator("#visible-count").inner_text() == f"{total} of {total} shown"
    page.select_option("#kind-filter", "singleton")
    assert visible_rows(page) == len(report.singletons) == 7
    page.select_option("#kind-filter", "")
    page.fill("#text-filter", "billing/invoicing/")
    narrowed = visible_rows(page)
    assert 0 < narrowed < total
    page.fill("#text-filter", "")
    assert visible_rows(page) == total
    # A heat-map cell filters by its group.
    cell = page.locator('.heat .cell[data-dir="billing/invoicing/"]')
    cell.click()
    assert page.locator("#text-filter").input_value() == "billing/invoicing/"
    assert visible_rows(page) == narrowed
    cell.click()
    assert visible_rows(page) == total

    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
    assert problems == []


def test_summary_reads_without_javascript(browser: Any, dashboard: tuple[Path, Report]) -> None:
    page_path, report = dashboard
    page, problems = open_page(browser, page_path, javascript=False)
    assert page.locator("#score").inner_text() == f"{report.compliance.score:g}"
    assert page.locator("table.metrics").is_visible()
    assert page.locator("svg#progress-plot circle.point").count() == COMMITS
    assert not page.locator(".filters").is_visible()  # controls that need a script stay hidden
    assert visible_rows(page) == page.locator("#findings tbody tr").count()
    assert problems == []
