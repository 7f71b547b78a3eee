"""Headless Chromium for tests: Debian's /usr/bin/chromium driven by Playwright (never a downloaded
browser). Outside CI a missing browser skips the test; in CI (``CI`` set) it fails it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("MIGRATOR_TEST_CHROMIUM", "/usr/bin/chromium")
# What Chromium needs on these machines: no sandbox as root, and no background traffic to a network
# that is not there.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


def playwright_sync() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright (pip install -e '.[integration]')")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _missing(f"Chromium ({CHROMIUM}; apt-get install chromium)")
    return sync_playwright
