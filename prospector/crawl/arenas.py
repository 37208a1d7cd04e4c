"""One glibc malloc arena for the crawl process (issue 23's memory goal).

glibc gives each thread that allocates while another holds the main arena an arena of
its own, up to 8 per core, and memory freed into an arena stays in that arena. The
crawl's store writes run in the reactor's thread pool (a different thread each time, as
do DNS lookups), so every batch's large blocks (its page texts, DuckDB's Python-side
arrays) landed in whichever thread's arena was free, and each arena kept its high
water: the crawl's resting RSS rose ≈ 5 MB a batch (184 -> 234 MB over 3,000 pages,
bench/memory.py; flat at 193-202 MB with MALLOC_ARENA_MAX=1 in the environment).
The environment variable is read at process start, which the CLI, `scrapy crawl` and
scrapyd do not control; `mallopt(M_ARENA_MAX, 1)` does the same if it comes before
other threads have made arenas of their own (glibc fixes its limit once more than 8
exist): `run_crawl` calls it first thing, before the DB and discovery start threads
(called only from the extension, the CLI's crawl still had 13 thread arenas), and the
extension covers `scrapy crawl` and scrapyd, where it is the first thing built. The
writes are one thread at a time and Python's own allocations hold the GIL, so a single
arena costs no contention worth measuring (DuckDB allocates through its own jemalloc)."""

from __future__ import annotations

import ctypes
import sys

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

M_ARENA_MAX = -8  # glibc malloc.h
ARENAS = 1


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process; False where there is no glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # musl and others: no such call
        return False


class OneArena:
    """Extension (settings EXTENSIONS): applies the cap when the crawler is built, before
    the reactor starts its thread pool, then stays out of the crawl."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OneArena:
        limit_arenas()
        raise NotConfigured  # without a message: Scrapy logs nothing
