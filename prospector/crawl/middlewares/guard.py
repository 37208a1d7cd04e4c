"""What the crawl may ask for: never a loopback, private, link-local, multicast or
otherwise non-public address, nor a local file, unless the user allows it
(`--allow-private`).

A scraped page chooses the URLs the crawl follows and the redirects it takes, so a
hostile site could point it at 127.0.0.1, at the LAN, or at a cloud metadata service
(169.254.169.254). The predicates here are pure; `AddressGuard` below
applies them to every request, robots.txt and redirects included.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.statscollectors import StatsCollector

from prospector.config.scrapy import CrawlSettings
from prospector.crawl import lookups
from prospector.crawl.dns_stub import StubResolver, system_stub
from prospector.crawl.lookups import Answer, Lookups, dns_loop, in_thread, lookup_host
from prospector.crawl.pinning import PINS, parse_server
from prospector.hosts import HostError, ascii_host

# Schemes that never leave the process: the spider uses `data:` for sites it skips.
LOCAL_SCHEMES = frozenset({"data"})
WEB_SCHEMES = frozenset({"http", "https"})
# inet_aton's legacy spellings of IPv4 (2130706433, 0x7f.1, 127.1): a proxy or resolver
# takes them as addresses, so they are checked as addresses.
_LEGACY_IPV4 = re.compile(r"[0-9a-fx.]+", re.IGNORECASE)
ALLOW_HINT = "use --allow-private to allow"
# How long a name's local lookup may take. A resolver that hangs (no reachable DNS
# server) must not hold up the crawl: no answer counts as "does not resolve locally".
RESOLVE_TIMEOUT_S = 2.0

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_kind(ip: IPAddress) -> str | None:
    """Why `ip` is not a public address (loopback, private…), or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return address_kind(mapped)
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_private:
        return "private"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "site-local"  # fec0::/10: deprecated (RFC 3879), still routed inside sites
    if ip.is_reserved or not ip.is_global:
        return "reserved"
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address `host` spells literally (brackets, zone ids and legacy IPv4 forms
    allowed), or None for a name."""
    text = host.strip().strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(text) and any(ch.isdigit() for ch in text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def is_local_name(host: str) -> bool:
    """`localhost` and every `*.localhost` name are loopback by definition (RFC 6761)."""
    name = host.strip().rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def host_refusal(host: str) -> str | None:
    """Why a request to `host` is refused without asking DNS, or None. The host is
    percent-decoded first: a proxy or resolver reads `%31%32%37.0.0.1` as 127.0.0.1."""
    host = unquote(host)
    if not host:
        return "refused: no host"
    try:
        host = ascii_host(host)  # 'ｌｏｃａｌｈｏｓｔ' and '１２７.0.0.1' are what IDNA makes them
    except HostError as exc:
        return f"refused: {exc}"
    if is_local_name(host):
        return f"refused: {host} is a loopback name ({ALLOW_HINT})"
    ip = literal_address(host)
    if ip is not None:
        kind = address_kind(ip)
        if kind is not None:
            return f"refused: {host} is a {kind} address ({ALLOW_HINT})"
    return None


def resolved_refusal(host: str, addresses: Iterable[str]) -> str | None:
    """Why a request to `host` is refused given the addresses its name resolves to:
    one non-public address is enough (a resolver may answer with any of them)."""
    for text in addresses:
        ip = literal_address(text)
        if ip is None:
            continue
        kind = address_kind(ip)
        if kind is not None:
            return f"refused: {host} resolves to {text}, a {kind} address ({ALLOW_HINT})"
    return None


def scheme_refusal(url: str) -> str | None:
    """Why `url`'s scheme is refused (local files, FTP, anything but http(s)), or None."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in WEB_SCHEMES or scheme in LOCAL_SCHEMES:
        return None
    return f"refused: {scheme or 'no'} scheme in {url[:80]!r}; only http and https are fetched"



PASSED_LIMIT = 100_000  # origins remembered as let through (then each is checked again)


def url_refusal(url: str) -> str | None:
    """Why `url` is refused without DNS: its scheme, a loopback name or a literal
    non-public address. None for web URLs whose host is a name (DNS decides) or public."""
    refused = scheme_refusal(url)
    if refused or url.split(":", 1)[0].lower() in LOCAL_SCHEMES:
        return refused
    netloc = url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in netloc:
        # A proxy or parser that reads `169.254.169.254:80@evil.test` differently from
        # us would go where the check never looked: no crawl needs a user-info URL.
        return f"refused: user-info in {url[:80]!r}"
    return host_refusal(_raw_host(url))


def url_origin(url: str) -> str:
    """'scheme://netloc' as written ('' without '://'): the part of a URL the guard's
    verdict depends on."""
    start = url.find("://")
    if start < 0:
        return ""
    end = len(url)
    for mark in "/?#":
        found = url.find(mark, start + 3)
        if 0 <= found < end:
            end = found
    return url[:end]


def _raw_host(url: str) -> str:
    """`url`'s host as written (lower-cased), not yet normalised: `hostname` drops one
    it refuses, and the refusal should say why."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


def resolve(host: str, timeout: float = RESOLVE_TIMEOUT_S) -> list[str] | None:
    """The addresses the system resolver gives `host`; [] when it does not resolve,
    None when it gave no answer within `timeout` seconds.

    getaddrinfo cannot be cancelled, and with no reachable DNS server it may block for
    a long time: it runs in a daemon thread, which the process need not wait for at
    exit (an executor's threads would be joined, holding up a SIGTERM'd crawl)."""
    answer: list[list[str]] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
            answer.append([str(info[4][0]) for info in infos])
        except (OSError, UnicodeError):
            answer.append([])
        done.set()

    threading.Thread(target=lookup, name=f"resolve {host[:40]}", daemon=True).start()
    return answer[0] if done.wait(timeout) else None


class AddressGuard:
    """Refuse requests to loopback, private, link-local, multicast and other non-public
    addresses, and to non-web schemes (file:, ftp:…), unless PROSPECTOR_ALLOW_PRIVATE.

    Literal addresses and `localhost` names are refused whether or not a proxy carries
    the request (a proxy would fetch them as readily). Names are resolved here too,
    proxy or not, with a hard timeout (RESOLVE_TIMEOUT_S): one that the user's network
    resolves to a private, loopback or link-local address (`metadata.google.internal`,
    `intranet.corp`) is refused, since a proxy inside that network would reach it. A
    name that does not resolve locally goes to the proxy, which resolves it (the sample
    web's `*.test` names resolve nowhere else). Hosts are percent-decoded and IDNA-
    normalised before any check; user-info URLs are refused outright.
    Runs first (priority 50), so a refused request never even asks for robots.txt;
    redirects pass through again and are checked too. The refusal is an IgnoreRequest
    whose message the spider records as the page's error.
    """

    def __init__(self, allow_private: bool, proxy: str = "", dns_server: str = "",
                 stub: StubResolver | None = None) -> None:
        self.allow_private = allow_private
        self.proxy = proxy  # (names are resolved here whether or not it is set)
        self.dns_server = dns_server  # PROSPECTOR_DNS_SERVER; '' the system resolver
        # Names are asked of DNS from the event loop (crawl.dns_stub): of the server
        # named, else of the system's nameservers where the stub can stand in for
        # getaddrinfo (`system_stub`); getaddrinfo in a thread otherwise.
        where = parse_server(dns_server)
        self.stub = StubResolver((where,)) if where else stub
        self.stats: StatsCollector | None = None
        self.resolved: dict[str, str | None] = {}  # host → refusal, per crawl
        # 'scheme://netloc' of URLs already let through: the verdict depends on nothing
        # else (the host's answer is kept above), and checking every request of a site
        # again was 3 % of a fast crawl's busy thread.
        self.passed: set[str] = set()
        # Looked up in a few lanes, those a request waits for first (crawl.lookups).
        self.lookups = Lookups(self._look_up)
        self.waits = 0  # requests that waited for their name's answer
        self.waited = 0.0  # and how long in all, in seconds

    async def _look_up(self, host: str) -> Answer:
        # A dotless name is left to getaddrinfo, which applies the search domains.
        if self.stub is not None and (self.dns_server or "." in host):
            # Through a proxy, AAAA too: the proxy may connect over IPv6 (dns_stub).
            return await self.stub.look_up(host, RESOLVE_TIMEOUT_S, both=bool(self.proxy))
        return await in_thread(resolve, host)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuard:
        job = CrawlSettings.from_settings(crawler.settings)
        guard = cls(job.allow_private, job.proxy, job.dns_server,
                    None if job.allow_private else system_stub())
        # The spider hands the run's sites to it, to be looked up ahead of their turn.
        lookups.current = None if job.allow_private else guard.lookups
        crawler.signals.connect(guard.record_stats, signal=signals.spider_closed)
        guard.stats = crawler.stats
        return guard

    def record_stats(self) -> None:
        """What DNS cost the crawl, in its stats: names looked up, questions and their
        copies (a copy more is a question lost or slow), requests that waited."""
        if self.stats is None:
            return
        for key, value in (self.stub.counts if self.stub is not None else {}).items():
            self.stats.set_value(f"prospector/dns/{key}", value)
        self.stats.set_value("prospector/dns/names", len(self.resolved))
        self.stats.set_value("prospector/dns/waits", self.waits)
        self.stats.set_value("prospector/dns/wait_seconds", round(self.waited, 2))

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if self.allow_private:
            return
        origin = url_origin(request.url)
        if origin in self.passed:
            return
        refused = url_refusal(request.url)
        if refused is None and not request.url.startswith("data:"):
            # Looked up as a proxy or resolver would read it: decoded, in punycode.
            # ('VM%2E' is 'vm.', which /etc/hosts does not match but DNS may: 'vm' it is.)
            # (lookups.lookup_host: the same name the spider's sites were looked up by.)
            host = lookup_host(request.url)
            refused = await self._resolve(host) if host else "refused: no host"
        if refused is not None:
            raise IgnoreRequest(refused)
        if origin and len(self.passed) < PASSED_LIMIT:
            self.passed.add(origin)

    async def _resolve(self, host: str) -> str | None:
        if host not in self.resolved:
            # No answer in time counts as no answer: direct, the download then fails
            # with its own DNS error; through a proxy, the proxy resolves the name.
            known, addresses = self.lookups.known(host)
            if known:  # (looked up ahead: no hop to the lookups' loop to wait on)
                dns_loop().call(self.lookups.claim, host)
            else:
                began = time.monotonic()
                addresses = await dns_loop().run(self.lookups.answer(host))
                self.waits += 1
                self.waited += time.monotonic() - began
            if host in self.resolved:  # (another request for it got there first)
                return self.resolved[host]
            self.resolved[host] = resolved_refusal(host, addresses or [])
            if self.resolved[host] is None and addresses:
                # What the downloader connects to (crawl.resolver): this answer, not
                # a second lookup a rebinding DNS server could answer with 127.0.0.1.
                PINS.pin(host, addresses)
        return self.resolved[host]
