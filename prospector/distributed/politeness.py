"""Per-site politeness across the workers of a distributed crawl.

Scrapy keeps its download delay per process: two workers could each hit a site every
`DOWNLOAD_DELAY` seconds, together twice as often. In distributed mode the delay is kept
in Redis instead, per host (Scrapy's slot key), with Redis's own clock (workers' clocks
may differ), by two Lua scripts:

- `lua/acquire.lua`: the host is free when no request to it is in flight from any worker and
  its next-allowed time has come; then this request holds it (a key that expires after
  the download timeout, should the worker die holding it).
- `lua/release.lua` (the response, or the error, is back): the hold ends and the next-allowed
  time becomes now + the delay.

So a host sees one request at a time from the whole crawl, and never two closer than the
delay: the gap is counted from the moment the previous answer was back, which a lagging
worker (a busy reactor between taking its slot and sending) cannot shorten. A request
whose host is not free waits without blocking the reactor and asks again.

The wait happens in this downloader middleware, last before the download; Scrapy's own
per-process delay and AutoThrottle are off in this mode (they would only add to it).
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import defer, task

from prospector.config.scrapy import CrawlSettings
from prospector.distributed.client import connect, job_key, lua, worker_id

DELAY_SETTING = "PROSPECTOR_SHARED_DELAY"
MIDDLEWARE = "prospector.distributed.politeness.SharedPoliteness"
# Last before the download (Scrapy's own are at most 900, the fetch log is at 950).
MIDDLEWARE_ORDER = 960
_META = "_prospector_polite_host"


def share_delay(settings: BaseSettings, priority: int | str) -> None:
    """Distributed mode: move the configured download delay into Redis (a no-op when
    there is none, e.g. `--fast`)."""
    delay = settings.getfloat("DOWNLOAD_DELAY")
    if delay <= 0:
        return
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares[MIDDLEWARE] = MIDDLEWARE_ORDER
    settings.setdict({
        DELAY_SETTING: delay,
        "DOWNLOAD_DELAY": 0.0,
        "DOWNLOAD_DELAY_JITTER": 0.0,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOADER_MIDDLEWARES": middlewares,
    }, priority=priority)


class SharedPoliteness:
    """Downloader middleware: one request at a time per host across all workers, the
    next one at least `delay` seconds after the previous answer (see the module)."""

    def __init__(self, server: redis.Redis, prefix: str, delay: float, hold: float) -> None:
        self.r = server
        self.prefix = prefix
        self.delay_ms = max(1, round(delay * 1000))
        self.hold_ms = max(1000, round(hold * 1000))
        # While a host is held elsewhere, ask again this often.
        self.poll = min(0.05, delay / 4)
        # One request per host at a time in this worker asks Redis; the others wait here.
        self.gates: dict[str, defer.DeferredLock] = {}
        self.worker = worker_id()
        self._count = itertools.count()
        self._acquire = server.register_script(lua("acquire"))
        self._release_script = server.register_script(lua("release"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPoliteness:
        s = crawler.settings
        job = CrawlSettings.from_settings(s)
        delay = s.getfloat(DELAY_SETTING)
        if not job.redis_url or delay <= 0:
            raise NotConfigured
        return cls(connect(job.redis_url), job.redis_prefix, delay,
                   s.getfloat("DOWNLOAD_TIMEOUT", 180) + 10)

    @staticmethod
    def host(request: Request) -> str:
        return str(request.meta.get("download_slot") or urlparse_cached(request).hostname or "")

    def _keys(self, host: str) -> list[str]:
        return [job_key(self.prefix, f"polite:{host}"), job_key(self.prefix, f"polite:{host}:held")]

    def wait_ms(self, host: str, holder: str) -> int:
        """0 when `holder` now holds `host`, else milliseconds to wait before asking again."""
        poll_ms = max(1, round(self.poll * 1000))
        return int(self._acquire(keys=self._keys(host), args=[holder, self.hold_ms, poll_ms]))

    def release(self, host: str, holder: str) -> None:
        self._release_script(keys=self._keys(host), args=[holder, self.delay_ms])

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if not request.url.startswith(("http://", "https://")):
            return
        host = self.host(request)
        gate = self.gates.setdefault(host, defer.DeferredLock())
        await maybe_deferred_to_future(gate.acquire())
        holder = f"{self.worker}:{next(self._count)}"
        try:
            while (wait := self.wait_ms(host, holder)) > 0:
                # A few milliseconds of jitter: workers waiting for one host do not all
                # ask again at the same instant.
                seconds = wait / 1000 + random.uniform(0.001, 0.01)
                await maybe_deferred_to_future(task.deferLater(_reactor(), seconds, _noop))
        except BaseException:
            gate.release()
            raise
        request.meta[_META] = (host, holder)

    def _done(self, request: Request) -> None:
        held = request.meta.pop(_META, None)
        if held is not None:
            host, holder = held
            self.release(host, holder)
            self.gates[host].release()

    def process_response(self, request: Request, response: Any, spider: Any = None) -> Any:
        self._done(request)
        return response

    def process_exception(self, request: Request, exception: BaseException,
                          spider: Any = None) -> None:
        self._done(request)


def _noop() -> None:
    pass


def _reactor() -> Any:
    from twisted.internet import reactor

    return reactor
