"""Drive Debian's headless Chromium: the report is checked as a browser renders it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--mute-audio",
)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed (make test installs the Debian package)")
    pytest.skip("chromium not installed: report browser tests skipped (run make test as root)")


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
