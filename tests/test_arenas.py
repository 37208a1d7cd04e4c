"""The crawl process keeps to one glibc malloc arena (prospector/crawl/arenas.py): the
store's writes in the reactor's thread pool had each thread fill an arena of its own."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

# Four threads allocate once each, then glibc's malloc_stats() lists the arenas on
# stderr ("Arena N:"); argv[1] says whether the crawl's cap is applied first.
_PROBE = """
import ctypes, sys, threading
sys.path.insert(0, sys.argv[2])
from prospector.crawl.arenas import limit_arenas
if sys.argv[1] == "capped":
    assert limit_arenas()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
def grab():
    libc.malloc(4096)
threads = [threading.Thread(target=grab) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc.malloc_stats()
"""


def _arenas(mode: str) -> int:
    err = subprocess.run([sys.executable, "-c", _PROBE, mode, str(REPO)], capture_output=True,
                         text=True, check=True).stderr
    return sum(1 for line in err.splitlines() if line.startswith("Arena "))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_threads_share_one_arena_once_capped() -> None:
    free, capped = _arenas("free"), _arenas("capped")
    print(f"malloc arenas after four threads allocate: {free} uncapped, {capped} capped")
    assert free > 1  # the probe does make arenas: else the capped figure proves nothing
    assert capped == 1


def test_the_crawl_settings_apply_the_cap_first() -> None:
    from prospector.crawl import settings

    first = min(settings.EXTENSIONS.items(), key=lambda kv: kv[1])
    assert first[0] == "prospector.crawl.arenas.OneArena"
