"""A map of the robots.txt parsers of the hosts crawled lately, not of every host ever.

Scrapy's robots.txt middleware keeps one parsed robots.txt per host (netloc) for the
whole crawl: a crawl of 5,000 sites kept 5,000 Protego parsers, ≈ 1 KB each with their
rule lists, growing with the sites crawled (tracemalloc, bench/RESULTS.md issue 23 third
pass). A site is crawled by a few requests close together and then never again, so only
the recent hosts' parsers are of use; a host evicted and asked again simply has its
robots.txt fetched again, as on its first request.
"""

from __future__ import annotations

from typing import Any

from twisted.internet.defer import Deferred

# Far more hosts than a crawl has in flight at once (CONCURRENT_REQUESTS, 32 for --fast),
# so a host is evicted long after its site has ended.
RECENT_HOSTS = 1024


class RecentParsers(dict[str, Any]):
    """netloc -> parser (or the Deferred of one being fetched), keeping the `limit` most
    recently added hosts. A host whose robots.txt is still being fetched (a Deferred:
    requests wait on it, and the middleware replaces it with the parser) is never
    evicted."""

    def __init__(self, limit: int = RECENT_HOSTS) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: str, value: Any) -> None:
        new = key not in self
        super().__setitem__(key, value)
        if new and len(self) > self.limit:
            for old, parser in self.items():
                if old != key and not isinstance(parser, Deferred):
                    del self[old]
                    break
