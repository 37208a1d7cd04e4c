"""Send every request (robots.txt included) through the configured proxy: the bundled
sample web is reached this way, without DNS."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler

from prospector.config.scrapy import CrawlSettings


class ProxyMiddleware:
    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProxyMiddleware:
        return cls(CrawlSettings.from_settings(crawler.settings).proxy)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if self.proxy and "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy
