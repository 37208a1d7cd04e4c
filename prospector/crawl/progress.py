"""Crawl progress for whoever watches: a live line on a terminal, plain periodic log
lines otherwise (cron, scrapyd), so a scheduled job's log shows it is alive."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from prospector.config.scrapy import CrawlSettings
from prospector.crawl.stats import CONTACTS_STAT, SITES_DONE_STAT


class Progress:
    def __init__(self, crawler: Crawler, stream: TextIO, interval: float) -> None:
        self.crawler = crawler
        self.stream = stream
        self.live = stream.isatty()
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        job = CrawlSettings.from_settings(crawler.settings)
        if not job.progress:
            raise NotConfigured
        stream = sys.stderr
        interval = 1.0 if stream.isatty() else job.progress_seconds
        ext = cls(crawler, stream, interval)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        stats = self.crawler.stats
        assert stats is not None
        spider: Any = self.crawler.spider
        state = getattr(spider, "state", None)
        found = state.known if state is not None else 0
        released = state.released if state is not None else 0
        elapsed = int(time.monotonic() - self.started)
        return (f"progress: {found} sites found, {released} started, "
                f"{stats.get_value(SITES_DONE_STAT, 0)} done, "
                f"{stats.get_value('response_received_count', 0)} pages, "
                f"{stats.get_value(CONTACTS_STAT, 0)} contacts, "
                f"{stats.get_value('log_count/ERROR', 0)} errors, "
                f"{elapsed // 60}m{elapsed % 60:02d}s")

    def show(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[2K" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def opened(self) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.show()
        if self.live:
            self.stream.write("\n")
