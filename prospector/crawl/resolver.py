"""DNS pinned at the guard: the address the address guard approved is the one the
downloader connects to.

Without this, a name is looked up twice: once by the guard (`AddressGuard`, which
refuses a loopback, private, link-local or multicast answer) and once more by the
downloader's own resolver when it connects. A hostile DNS server can answer the first
lookup with a public address and the second with 127.0.0.1 (DNS rebinding), and the
crawl would fetch from loopback what the guard refused.

Two parts close it:
- the guard pins what it approved (`PINS`): host → the addresses of that answer;
- `GuardedResolver`, installed in Scrapy (TWISTED_DNS_RESOLVER), answers the downloader
  from the pin when there is one; otherwise it looks the name up itself and refuses a
  non-public answer at resolution time, the guard's check applied to the address that
  will be connected to. Unless --allow-private, and the proxy's own host excepted (the
  user chose it; the sample web's proxy listens on loopback).

Every lookup has a timeout. By default names go to the system resolver (getaddrinfo in
a daemon thread, `guard.resolve`); PROSPECTOR_DNS_SERVER (host:port) sends them to one
DNS server instead, through dnspython (the tests' local rebinding server).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, cast

from twisted.internet import defer, threads
from twisted.internet.base import ThreadedResolver
from twisted.internet.error import DNSLookupError

from prospector.config.scrapy import CrawlSettings
from prospector.crawl.middlewares.guard import literal_address, resolve, resolved_refusal
from prospector.crawl.pinning import PINS, connect_address, server_lookup
from prospector.urls import hostname

log = logging.getLogger(__name__)

def lookup(host: str, server: str, timeout: float) -> list[str] | None:
    """`host`'s addresses ([] none, None no answer within `timeout` s): from the system
    resolver, or from the DNS server at `server` when one is named."""
    return server_lookup(host, server, timeout) if server else resolve(host, timeout)


class GuardedResolver(ThreadedResolver):
    """The reactor's resolver for the crawl (TWISTED_DNS_RESOLVER; an IResolverSimple,
    as the ThreadedResolver it extends and Scrapy's default): the guard's pinned
    answer when there is one, else a lookup of its own whose non-public answers are
    refused (DNSLookupError naming the address), each with a timeout (Scrapy's
    DNS_TIMEOUT)."""

    def __init__(self, reactor: Any, allow_private: bool, proxy: str = "",
                 server: str = "", timeout: float = 60.0) -> None:
        super().__init__(reactor)
        self.allow_private = allow_private
        self.proxy_host = hostname(proxy).lower() if proxy else ""
        self.server = server
        self.timeout = timeout

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        job = CrawlSettings.from_settings(crawler.settings)
        return cls(reactor, job.allow_private, job.proxy, job.dns_server,
                   crawler.settings.getfloat("DNS_TIMEOUT", 60.0))

    def install_on_reactor(self) -> None:
        # (mypy does not see zope interfaces: ThreadedResolver declares IResolverSimple)
        self.reactor.installResolver(cast(Any, self))

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        pinned = PINS.get(name)
        if pinned:
            return defer.succeed(connect_address(pinned))
        literal = literal_address(name)
        if literal is not None:
            # An address is its own answer: checked as one, with no thread and no lookup
            # (a proxy named by its address was looked up once per connection).
            return defer.maybeDeferred(self._checked, [str(literal)], name)
        d: defer.Deferred[list[str] | None] = threads.deferToThreadPool(
            cast(Any, self.reactor), self.reactor.getThreadPool(), lookup, name, self.server,
            self.timeout)
        return d.addCallback(self._checked, name)

    def _checked(self, addresses: list[str] | None, name: str) -> str:
        if not addresses:
            raise DNSLookupError(f"{name}: no address" if addresses is not None
                                 else f"{name}: no answer within {self.timeout:g} s")
        if not self.allow_private and name.lower() != self.proxy_host:
            refused = resolved_refusal(name, addresses)
            if refused is not None:
                # Scrapy reports any failed lookup as "no results": the log says why.
                log.warning("DNS answer %s", refused)
                raise DNSLookupError(refused)
        # Pinned whether checked or not (the proxy the user chose, --allow-private): the
        # next connection to the same host needs no lookup, as with Scrapy's DNS cache.
        PINS.pin(name, addresses)
        return connect_address(addresses)
