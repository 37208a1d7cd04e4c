"""SIGTERM (or Ctrl-C) ends a crawl within its grace period, whatever it is waiting for.

Scrapy's own first-signal stop is graceful: it closes the spider once every request in
progress has finished. A request still inside a huge download delay, or a download that
never ends (a server that accepts and then says nothing), holds that close up: for an
hour, or until the download timeout, and a cron job never ends. So, after the signal:

- at half the `grace` period, the downloads still in progress are cancelled (download-
  delay timers too), as a download timeout cancels one: the spider closes, the
  pipeline stores what it holds and closes the run as partial, and the reactor stops;
- at three quarters of it, if the reactor still runs, it is stopped outright;
- at the end of it, if the process is still in the crawl (a lookup stuck in a thread
  the reactor waits for), it exits with code 6 (partial). What was committed stays.

A second signal still forces Scrapy's immediate stop, as before.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess

from prospector.errors import ExitCode

DEFAULT_GRACE_S = 10.0
logger = logging.getLogger(__name__)


# The coroutine Scrapy runs each request's download in (through the downloader
# middlewares, the download-delay queue and the download handler), one asyncio task each.
_DOWNLOAD_COROUTINE = "DownloaderMiddlewareManager.download_async"


def give_up_in_progress(crawler: Crawler) -> int:
    """Cancel every download still in progress, so the engine's graceful close goes on;
    how many there were. Each is cancelled as a download timeout cancels it: its
    connection dropped, its request failed through Scrapy's own error path (Scrapy has
    no public call for this; the download-delay timers are cancelled first, so nothing
    more leaves the queue)."""
    engine = crawler.engine
    if engine is None:
        return 0
    for download_slot in engine.downloader.slots.values():
        download_slot.close()
    tasks = [task for task in asyncio.all_tasks(asyncio.get_running_loop())
             if getattr(task.get_coro(), "__qualname__", "") == _DOWNLOAD_COROUTINE]
    for task in tasks:
        task.cancel()
    return len(tasks)


def _reactor() -> Any:
    from twisted.internet import reactor  # the one Scrapy installed, once it has

    return reactor


class Deadline:
    """Bounds the time from the first SIGTERM/SIGINT to the end of `process`'s crawls."""

    def __init__(self, process: CrawlerProcess, grace: float = DEFAULT_GRACE_S,
                 exit_now: Callable[[int], Any] = os._exit) -> None:
        self.process, self.grace, self.exit_now = process, grace, exit_now
        self.signalled = False
        self._last_resort: threading.Timer | None = None
        scrapy_shutdown = process._signal_shutdown

        def on_signal(signum: int, frame: Any) -> None:
            scrapy_shutdown(signum, frame)  # graceful stop; a second signal kills
            if not self.signalled:
                self.signalled = True
                _reactor().callFromThread(self._arm)
                self._last_resort = threading.Timer(grace, self._exit)
                self._last_resort.daemon = True
                self._last_resort.start()

        # Scrapy installs `process._signal_shutdown` as the handler when the reactor
        # starts (CrawlerProcessBase._start); set before `start`, ours is installed.
        setattr(process, "_signal_shutdown", on_signal)  # noqa: B010 (a method, replaced)

    def _arm(self) -> None:
        _reactor().callLater(self.grace / 2, self._give_up)
        _reactor().callLater(self.grace * 3 / 4, self.process._stop_reactor)

    def _give_up(self) -> None:
        dropped = sum(give_up_in_progress(c) for c in self.process.crawlers)
        if dropped:
            logger.warning("stopping: %d request(s) still in progress given up, half the "
                           "%g s grace period gone", dropped, self.grace)

    def _exit(self) -> None:
        print(f"stopped: the crawl did not end within {self.grace:g} s of the signal; "
              "what was stored is kept", file=sys.stderr, flush=True)
        self.exit_now(ExitCode.PARTIAL)

    def done(self) -> None:
        """The crawl ended: the last resort is not needed."""
        if self._last_resort is not None:
            self._last_resort.cancel()
