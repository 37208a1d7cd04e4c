"""robots.txt: Scrapy's middleware with one race fixed (see the class)."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import (
    RobotsTxtMiddleware as _ScrapyRobotsTxtMiddleware,
)
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from prospector.crawl.middlewares.recent import RecentParsers


class RobotsTxtMiddleware(_ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with one race fixed.

    While a site's robots.txt is being fetched, every request to that site awaits the
    same Deferred. Under the asyncio reactor each waiter turns it into a future with a
    callback that returns None, so only the first waiter gets the parser and the others
    get None, which means "allowed": a page robots.txt forbids could be fetched. It shows
    when several requests to one site arrive at once (distributed workers). The parser
    is stored before the Deferred fires, so it is read back from there.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._parsers = RecentParsers()  # the recent hosts' parsers only (see its module)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if not isinstance(stored, Deferred):
                return stored
        return parser
