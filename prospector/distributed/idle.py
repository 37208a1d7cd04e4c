"""Quick idle checks for a job's crawls (an extension the job's settings turn on).

Distributed workers wait at rest for each other: the spider's idle handler asks Redis
whether every worker is done. Scrapy re-checks an idle spider on its engine's heartbeat,
every 5 s, which would add up to 5 s per worker to every crawl's end. The interval is
`ExecutionEngine._SLOT_HEARTBEAT_INTERVAL`, a private class attribute read when the
engine starts processing requests, just after `engine_started`: it is set here on this
crawl's engine only (an instance attribute), never on the class, so nothing else in the
process changes. Should Scrapy rename it, only this speed-up is lost."""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler

# The attribute and its place: scrapy/core/engine.py (Scrapy 2.19), read by
# ExecutionEngine._start_request_processing as self._SLOT_HEARTBEAT_INTERVAL.
_ATTRIBUTE = "_SLOT_HEARTBEAT_INTERVAL"
IDLE_CHECK_SECONDS = 0.2


class FastIdleChecks:
    ORDER = 500

    def __init__(self, crawler: Crawler, seconds: float = IDLE_CHECK_SECONDS) -> None:
        self.crawler = crawler
        self.seconds = seconds

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FastIdleChecks:
        extension = cls(crawler)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        engine = self.crawler.engine
        if engine is not None and hasattr(type(engine), _ATTRIBUTE):
            setattr(engine, _ATTRIBUTE, self.seconds)
