"""The addresses the address guard approved, per host, for the crawl's resolver to
connect to (prospector.crawl.resolver), and the lookups both make when a DNS server is
named (PROSPECTOR_DNS_SERVER: the tests' local rebinding server)."""

from __future__ import annotations

import ipaddress
from collections import OrderedDict
from collections.abc import Sequence

import dns.exception
import dns.resolver

# Hosts a crawl keeps pinned at once (as Scrapy's DNS cache, DNSCACHE_SIZE): the oldest
# go first, and are looked up (and checked) again if asked for.
PIN_LIMIT = 10_000


class Pins:
    """host → the addresses of the answer the guard approved, at most `limit` hosts."""

    def __init__(self, limit: int = PIN_LIMIT) -> None:
        self.limit = limit
        self._pinned: OrderedDict[str, tuple[str, ...]] = OrderedDict()

    def pin(self, host: str, addresses: Sequence[str]) -> None:
        if not addresses:
            return
        key = host.lower().rstrip(".")
        self._pinned[key] = tuple(addresses)
        self._pinned.move_to_end(key)
        while len(self._pinned) > self.limit:
            self._pinned.popitem(last=False)

    def get(self, host: str) -> tuple[str, ...] | None:
        return self._pinned.get(host.lower().rstrip("."))

    def clear(self) -> None:
        self._pinned.clear()


# One per process: the guard (a downloader middleware) and the reactor's resolver of the
# same crawl process share it.
PINS = Pins()


def parse_server(server: str) -> tuple[str, int] | None:
    """'127.0.0.1:5353', '[::1]:5353' or '127.0.0.1' (port 53) → (address, port); None
    when empty. ValueError for anything else (a DNS server is named by its address)."""
    text = server.strip()
    if not text:
        return None
    if text.startswith("["):
        host, _, port = text[1:].partition("]")
        port = port.removeprefix(":")
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    else:
        host, port = text, ""
    ipaddress.ip_address(host)
    number = int(port or 53)
    if not 0 < number < 65536:
        raise ValueError(f"not a port: {port}")
    return host, number


def server_lookup(host: str, server: str, timeout: float) -> list[str] | None:
    """`host`'s A then AAAA addresses from the DNS server at `server` (host:port): []
    when it has none, None when no answer came within `timeout` seconds."""
    where = parse_server(server)
    if where is None:
        raise ValueError("no DNS server named")
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [where[0]]
    resolver.port = where[1]
    found: list[str] = []
    for kind in ("A", "AAAA"):
        try:
            answer = resolver.resolve(host, kind, lifetime=timeout, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers):
            continue
        except dns.exception.Timeout:
            return found or None
        found.extend(str(record) for record in answer)
    return found


def connect_address(addresses: Sequence[str]) -> str:
    """The address the downloader connects to: the first IPv4 one (Scrapy's HTTP
    handler opens IPv4 sockets for names), else the first."""
    return next((a for a in addresses if ":" not in a), addresses[0])
