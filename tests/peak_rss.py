"""A child process's own peak RSS, measured from a small launcher.

Linux keeps a process's RSS high-water mark across exec (`setmax_mm_hiwater_rss` in
fs/exec.c folds the old mm's peak into the signal struct's maxrss), so `os.wait4` on a
child that pytest forked reports at least pytest's own peak: late in the suite that is
~500 MB whatever the child used. The launcher here is a fresh ~10 MB interpreter; the
command it forks inherits only that, so its ru_maxrss is the command's own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

_LAUNCHER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[2:])\n"
    "_pid, status, usage = os.wait4(p.pid, 0)\n"
    "p.returncode = 0\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status) % 256)\n"
)


def run_measured(args: list[str], report: Path, **popen: Any) -> tuple[int, float]:
    """Run ARGS through the launcher; (exit code, the command's own peak RSS in MB).
    `report` is a scratch file the launcher writes the figure to."""
    proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(report), *args], **popen)
    _pid, status, _usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, int(report.read_text()) / 1024  # ru_maxrss is KiB on Linux
