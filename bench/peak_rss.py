"""A child process's own peak RSS, measured from a small launcher; the processes it
forks (extraction workers) watched while they live. Used by bench/crawl.py,
bench/memory.py and the tests (tests/test_feeds.py, tests/test_hostile.py).

Linux keeps a process's RSS high-water mark across exec (`setmax_mm_hiwater_rss` in
fs/exec.c folds the old mm's peak into the signal struct's maxrss, and a forked or
vforked child's old mm is a copy of, or is, its parent's), so `os.wait4` on a child of
a big process reports at least that process's own peak: late in a pytest session that
is ~500 MB whatever the child used. The launcher here is a fresh ~10 MB interpreter; the
command it forks inherits only that, so its ru_maxrss is the command's own. (VmHWM in
/proc/PID/status is the current mm's peak and starts afresh at exec: it needs no launcher,
but can only be read while the process lives.)"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# argv: report-file command...; writes the command's pid to REPORT.pid at its start and
# its ru_maxrss (KiB) to REPORT at its end; exits with the command's exit code.
LAUNCHER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[2:])\n"
    "open(sys.argv[1] + '.tmp', 'w').write(str(p.pid))\n"
    "os.replace(sys.argv[1] + '.tmp', sys.argv[1] + '.pid')\n"
    "_pid, status, usage = os.wait4(p.pid, 0)\n"
    "p.returncode = 0\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status) % 256)\n"
)


def run_measured(args: list[str], report: Path, **popen: Any) -> tuple[int, float]:
    """Run ARGS through the launcher; (exit code, the command's own peak RSS in MB).
    `report` is a scratch file the launcher writes the figure to."""
    proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(report), *args], **popen)
    _pid, status, _usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, int(report.read_text()) / 1024  # ru_maxrss is KiB on Linux


def status_kb(pid: int, field_name: str) -> int:
    """One field of /proc/PID/status in KiB (VmRSS:, VmHWM:); 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field_name):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def pss_kb(pid: int) -> int:
    """The process's proportional set size: pages shared with a forked parent counted
    once across them, so the PSS of a family sums to what it really holds."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as listed:
                found.extend(int(c) for c in listed.read().split())
    except (OSError, ValueError):
        pass
    return found


def children(pid: int) -> list[int]:
    """PID's live descendants that run Python as it does: extraction workers and the
    forkserver they are forked from (a child of PID, the workers its children); not
    the short helpers a library may start, such as ctypes' ldconfig."""
    exe = _exe(pid)
    found: list[int] = []
    todo = _children(pid)
    while todo:
        kid = todo.pop()
        if exe and _exe(kid) == exe:
            found.append(kid)
        todo.extend(_children(kid))
    return found


def _exe(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


@dataclass
class Family:
    """What a watcher saw of one command and its children while they lived."""

    pid: int = 0
    child_peaks_kb: dict[int, int] = field(default_factory=dict)  # descendant: last VmHWM
    most_children: int = 0  # the most descendants seen alive at once
    total_rss_kb: int = 0  # the largest sum of VmRSS seen at one instant (command + them)
    total_pss_kb: int = 0  # the same as PSS (shared pages counted once)
    timeline: list[tuple[float, int]] = field(default_factory=list)  # (s, the command's VmRSS)

    def sample(self, started: float, with_pss: bool) -> None:
        kids = children(self.pid)
        self.most_children = max(self.most_children, len(kids))
        rss = status_kb(self.pid, "VmRSS:")
        total = rss
        for kid in kids:
            total += status_kb(kid, "VmRSS:")
            peak = status_kb(kid, "VmHWM:")
            if peak:
                self.child_peaks_kb[kid] = max(peak, self.child_peaks_kb.get(kid, 0))
        self.total_rss_kb = max(self.total_rss_kb, total)
        if with_pss:
            pss = pss_kb(self.pid) + sum(pss_kb(kid) for kid in kids)
            self.total_pss_kb = max(self.total_pss_kb, pss)
        if rss:
            self.timeline.append((time.monotonic() - started, rss))


def watch_family(report: Path, done: threading.Event, interval: float = 0.25) -> Family:
    """Start a thread that samples the launched command (its pid from REPORT.pid) and its
    children every INTERVAL s until DONE; the Family fills in as it runs."""
    family = Family()
    started = time.monotonic()

    def loop() -> None:
        pid_file = Path(f"{report}.pid")
        while not done.is_set() and not family.pid:
            try:
                family.pid = int(pid_file.read_text())
            except (OSError, ValueError):
                time.sleep(0.01)
        n = 0
        while not done.is_set():
            family.sample(started, with_pss=n % 4 == 0)  # PSS walks page tables: 1 s
            n += 1
            time.sleep(interval)

    threading.Thread(target=loop, daemon=True).start()
    return family
