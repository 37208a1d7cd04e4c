"""Downloader middlewares: send every request (robots.txt included) through the
configured proxy (the bundled sample web is reached this way, without DNS); refuse
requests to non-public addresses (`AddressGuard`)."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import (
    RobotsTxtMiddleware as _ScrapyRobotsTxtMiddleware,
)
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import IgnoreRequest
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class ProxyMiddleware:
    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProxyMiddleware:
        return cls(crawler.settings.get("PROSPECTOR_PROXY", ""))

    def process_request(self, request: Request, spider: Any = None) -> None:
        if self.proxy and "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy


class AddressGuard:
    """Refuse requests to loopback, private, link-local, multicast and other non-public
    addresses, and to non-web schemes (file:, ftp:…), unless PROSPECTOR_ALLOW_PRIVATE.

    Literal addresses and `localhost` names are refused whether or not a proxy carries
    the request (a proxy would fetch them as readily). A name is resolved here only for
    direct requests: through a proxy, the proxy resolves it (the sample web's `*.test`
    names resolve nowhere else). Runs first (priority 50), so a refused request never
    even asks for robots.txt; redirects pass through again and are checked too.
    The refusal is an IgnoreRequest whose message the spider records as the page's error.
    The configured proxy (PROSPECTOR_PROXY) counts as the request's proxy: it is set on
    the request only later, by ProxyMiddleware (740), and names it carries are not
    looked up here.
    """

    def __init__(self, allow_private: bool, proxy: str = "") -> None:
        self.allow_private = allow_private
        self.proxy = proxy
        self.resolved: dict[str, str | None] = {}  # host → refusal, per crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuard:
        return cls(crawler.settings.getbool("PROSPECTOR_ALLOW_PRIVATE", False),
                   crawler.settings.get("PROSPECTOR_PROXY", "") or "")

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if self.allow_private:
            return
        from prospector import guard

        refused = guard.url_refusal(request.url)
        proxied = request.meta.get("proxy", self.proxy)
        if refused is None and not request.url.startswith("data:") and not proxied:
            refused = await self._resolve(guard.url_host(request.url))
        if refused is not None:
            raise IgnoreRequest(refused)

    async def _resolve(self, host: str) -> str | None:
        if host not in self.resolved:
            import asyncio
            import socket

            from prospector import guard

            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, None,
                                                                     type=socket.SOCK_STREAM)
            except OSError:
                infos = []  # unresolvable: the download fails with its own DNS error
            self.resolved[host] = guard.resolved_refusal(host, (str(i[4][0]) for i in infos))
        return self.resolved[host]


class RedirectDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, except that it lets redirects through.

    A redirect loop (/a → /b → /a) would otherwise be dropped silently at its first
    repeat, and the site would vanish from the run without a reason. Let through, the
    loop ends at REDIRECT_MAX_TIMES with an IgnoreRequest the spider records as the
    page's error. The spider never requests a URL twice itself (it keeps its own set).
    """

    def request_seen(self, request: Request) -> bool:
        if request.meta.get("redirect_times"):
            return False
        return bool(super().request_seen(request))


class RobotsTxtMiddleware(_ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with one race fixed.

    While a site's robots.txt is being fetched, every request to that site awaits the
    same Deferred. Under the asyncio reactor each waiter turns it into a future with a
    callback that returns None, so only the first waiter gets the parser and the others
    get None, which means "allowed": a page robots.txt forbids could be fetched. It shows
    when several requests to one site arrive at once (distributed workers). The parser
    is stored before the Deferred fires, so it is read back from there.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if not isinstance(stored, Deferred):
                return stored
        return parser
