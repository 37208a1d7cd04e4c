"""The download handler (prospector.crawl.handler): through a proxy, as many kept
connections as requests in flight; without one, Scrapy's own number."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from prospector.crawl.handler import ProxyPoolHandler


@pytest.mark.parametrize(("proxy", "kept"), [
    ("http://127.0.0.1:8080", 32),
    ("", 8),  # per site, as Scrapy keeps them
])
def test_connections_kept_per_host(proxy: str, kept: int) -> None:
    from twisted.internet import reactor  # noqa: F401 - installed, as a crawl has one

    crawler = get_crawler(settings_dict={
        "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "PROSPECTOR_PROXY": proxy, "TWISTED_REACTOR_ENABLED": True})
    handler = ProxyPoolHandler(crawler)
    assert handler._pool.maxPersistentPerHost == kept


def test_the_crawl_uses_it() -> None:
    from prospector.crawl import settings

    assert settings.DOWNLOAD_HANDLERS == {"http": "prospector.crawl.handler.ProxyPoolHandler",
                                          "https": "prospector.crawl.handler.ProxyPoolHandler"}
