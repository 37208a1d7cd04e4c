"""Drive Debian's headless Chromium: the report is checked as a browser renders it.

Two ways: the bare binary (`dump_dom`, `screenshot`) and Python Playwright driving the
same system binary through `executable_path` (`browser()`), for clicks and typing.
`playwright install` is never needed: its downloaded browsers do not run here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Quiet and offline: no sync, no component or background downloads, no first-run UI.
QUIET = (
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)
FLAGS = (
    "--headless", *QUIET, "--disable-quic", "--disable-default-apps", "--mute-audio",
)


def _missing(message: str) -> None:
    """Skip with one line; under CI nothing may be skipped, so fail instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    _missing("chromium not installed: report browser tests skipped (run make test as root)")
    raise AssertionError("unreachable")


def run_chromium(*args: str, timeout: float = 60) -> str:
    with tempfile.TemporaryDirectory(prefix="prospector-chromium-") as profile:
        result = subprocess.run(
            [chromium_path(), *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=timeout,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def dump_dom(page: Path, width: int = 1280) -> str:
    """The DOM after scripts ran, as Chromium serialises it."""
    return run_chromium(f"--window-size={width},900", "--virtual-time-budget=3000",
                        "--dump-dom", page.resolve().as_uri())


def screenshot(page: Path, out: Path, width: int = 1280, height: int = 900) -> Path:
    run_chromium(f"--window-size={width},{height}", "--hide-scrollbars",
                 f"--screenshot={out}", page.resolve().as_uri())
    return out


@contextmanager
def browser() -> Iterator[Browser]:
    """Playwright's Chromium API over the system binary."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright not installed: pip install -e '.[test]'")
        raise
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=list(QUIET))
        try:
            yield launched
        finally:
            launched.close()
