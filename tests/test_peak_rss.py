"""bench/peak_rss.py's launcher gives a child's own peak RSS, where os.wait4 on a child
of a big process reports at least that process's peak (Linux keeps the high-water mark
across exec): the benches and the crawl tests' memory budgets rely on it."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

# A parent that grows to ~300 MB, then runs a ~10 MB child twice: once forked directly
# and read with os.wait4, once through the launcher. Prints both peaks in MB.
_PROBE = """
import os, subprocess, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench.peak_rss import run_measured
ballast = bytearray(300 * 2**20)
ballast[::4096] = b"x" * len(ballast[::4096])  # every page touched: resident
child = [sys.executable, "-c", "pass"]
proc = subprocess.Popen(child)
_pid, _status, usage = os.wait4(proc.pid, 0)
proc.returncode = 0
code, own = run_measured(child, Path(sys.argv[2]))
print(usage.ru_maxrss / 1024, own, code)
"""


def test_launcher_reports_the_childs_own_peak(tmp_path: object) -> None:
    out = subprocess.run([sys.executable, "-c", _PROBE, str(REPO), f"{tmp_path}/rss"],
                         capture_output=True, text=True, check=True).stdout.split()
    direct, own, code = float(out[0]), float(out[1]), int(out[2])
    print(f"a 10 MB child of a 300 MB parent: os.wait4 says {direct:.0f} MB, "
          f"the launcher {own:.0f} MB")
    assert code == 0
    assert direct >= 300  # the fault the launcher exists for
    assert own < 60
