"""Scrapy's HTTP/1.1 download handler, keeping as many connections to a configured proxy
as the crawl has requests in flight.

Scrapy keeps at most CONCURRENT_REQUESTS_PER_DOMAIN idle connections per host, and
through a proxy every request goes to one host: with 32 requests in flight and 8 kept,
24 connections were opened and closed again for each round of requests (a new socket,
a connect and a close in the crawl's one busy thread for most pages of a fast crawl
through the sample web's proxy). Without a proxy nothing changes.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler

from prospector.config.scrapy import CrawlSettings


class ProxyPoolHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        if CrawlSettings.from_settings(crawler.settings).proxy:
            # (Scrapy's own pool, as it set it up; tests/test_handler.py fails if a
            # Scrapy upgrade renames it.)
            self._pool.maxPersistentPerHost = max(
                self._pool.maxPersistentPerHost, crawler.settings.getint("CONCURRENT_REQUESTS"))
