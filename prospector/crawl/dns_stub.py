"""The address guard's own DNS stub resolver: A and AAAA questions sent straight to the
system's nameservers from the crawl's event loop, each sent again after a fraction of
a second while the earlier copies still listen.

Why not getaddrinfo: it blocks a thread per name, and glibc sends a lost question again
only after `timeout` seconds (5 by default, resolv.conf(5); 1 with the RES_OPTIONS the
CLI sets). Resolvers drop questions when several arrive at once: the one on the
machine this was measured on dropped 1.5 % of them one at a time, 10 % four at a time
and 29 % sixteen at a time, and answered every other one within 16 ms
(bench/RESULTS.md, issue 23). A fast crawl asks for a new site's name several times a
second, and each lost question held a downloader slot for a second or more: the guard's
lookups capped the pipeline at half the pages/s it reached without them. Here a
question is sent again at RESEND_AFTER_S (0.1, 0.2, 0.4, 0.8 s: a recursive resolver
working on an uncached name takes longer than the first, and its answer to an earlier
copy is still taken), so a dropped question costs about 0.1 s.

It answers as getaddrinfo would on a system whose `hosts:` line in /etc/nsswitch.conf
is `files dns`: a name in /etc/hosts gets the addresses written there, any other the A
and AAAA records of the nameservers in /etc/resolv.conf, CNAMEs followed. Where the
system does anything else (mDNS, systemd-resolved, myhostname, LDAP, TCP-only DNS,
no nameserver), `system_stub` returns None and the guard keeps getaddrinfo. Names
without a dot are also left to getaddrinfo, which applies the search domains; a crawled
site's name is looked up as written, never with a search domain appended.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import dns.asyncquery
import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

# When a question still unanswered is sent again (seconds after the first copy); each
# copy keeps listening until the lookup's deadline.
RESEND_AFTER_S = (0.1, 0.2, 0.4, 0.8)
MAX_SERVERS = 3  # glibc reads at most three nameservers (resolv.h MAXNS)
# The `hosts:` sources getaddrinfo follows that this stub reproduces, in this order.
PLAIN_SOURCES = ("files", "dns")
_WORD = re.compile(r"\S+")

Answer = list[str] | None  # the addresses; [] none; None no answer in time


@dataclass(frozen=True)
class Records:
    """What a reply said of one question: its addresses, and whether the name exists
    (False: NXDOMAIN, which says the name has no records of any type)."""

    addresses: tuple[str, ...] = ()
    exists: bool = True


NO_RECORDS = Records()
NO_SUCH_NAME = Records(exists=False)


@dataclass(frozen=True)
class StubResolver:
    """The nameservers to ask (address, port) and the hosts file's names → addresses."""

    servers: tuple[tuple[str, int], ...]
    hosts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    resend_after: tuple[float, ...] = RESEND_AFTER_S
    # questions asked, copies sent (the first included), questions left without answer
    counts: Counter[str] = field(default_factory=Counter, compare=False)

    async def look_up(self, host: str, timeout: float, both: bool = True) -> Answer:
        """`host`'s addresses, A records first, as getaddrinfo with `files dns` would
        give them; [] when it has none, None when no nameserver answered within
        `timeout` seconds. AAAA is asked after A, only when the name exists (an
        NXDOMAIN holds for every type: RFC 8020 section 2) and, unless `both`, only
        when it has no A record (a direct crawl connects to an IPv4 address when
        there is one: `pinning.connect_address`)."""
        name = host.lower().rstrip(".")
        if name in self.hosts:
            return list(self.hosts[name])
        deadline = asyncio.get_running_loop().time() + timeout
        first = await self.ask(name, dns.rdatatype.A, deadline)
        if first is not None and not first.exists:
            return []
        if first is not None and first.addresses and not both:
            return list(first.addresses)
        second = await self.ask(name, dns.rdatatype.AAAA, deadline)
        if first is None and second is None:
            return None
        return [address for part in (first, second) if part for address in part.addresses]

    async def ask(self, name: str, rdtype: dns.rdatatype.RdataType,
                  deadline: float) -> Records | None:
        """One question, its copies sent to the nameservers in turn at 0 s and at each
        RESEND_AFTER_S, until a reply says something (records, no data or NXDOMAIN) or
        the loop's clock reaches `deadline`; None when none did."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        sends = [start + at for at in (0.0, *self.resend_after) if start + at < deadline]
        copies: set[asyncio.Task[dns.message.Message]] = set()
        self.counts["questions"] += 1
        try:
            for turn in range(len(sends)):
                server = self.servers[turn % len(self.servers)]
                copies.add(loop.create_task(self._send(name, rdtype, server, deadline)))
                self.counts["copies"] += 1
                until = sends[turn + 1] if turn + 1 < len(sends) else deadline
                answer = await _first_answer(copies, until, rdtype)
                if answer is not None:
                    return answer
            self.counts["unanswered"] += 1
            return None
        finally:
            for copy in copies:
                copy.cancel()

    async def _send(self, name: str, rdtype: dns.rdatatype.RdataType,
                    server: tuple[str, int], deadline: float) -> dns.message.Message:
        query = dns.message.make_query(name, rdtype)  # a fresh id for each copy
        timeout = max(deadline - asyncio.get_running_loop().time(), 0.001)
        reply, _ = await dns.asyncquery.udp_with_fallback(query, server[0], timeout=timeout,
                                                          port=server[1])
        return reply


async def _first_answer(copies: set[asyncio.Task[dns.message.Message]], until: float,
                        rdtype: dns.rdatatype.RdataType) -> Records | None:
    """The first reply among `copies` that says something, waiting until `until` (loop
    time) at most; None when none did. Copies that ended are taken out of the set."""
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        if not copies:  # every copy failed at once (a refused port): wait for the next turn
            await asyncio.sleep(until - loop.time())
            return None
        done, _ = await asyncio.wait(copies, timeout=until - loop.time(),
                                     return_when=asyncio.FIRST_COMPLETED)
        copies.difference_update(done)
        for copy in done:
            answer = _answer(copy, rdtype)
            if answer is not None:
                return answer
    return None


def _answer(copy: asyncio.Task[dns.message.Message],
            rdtype: dns.rdatatype.RdataType) -> Records | None:
    """What one copy's reply says: the addresses, none, or no such name; None when it
    says nothing (lost, refused, SERVFAIL: other copies and nameservers may answer)."""
    if copy.cancelled() or copy.exception() is not None:
        return None
    reply = copy.result()
    rcode = reply.rcode()
    if rcode == dns.rcode.NXDOMAIN:
        return NO_SUCH_NAME
    if rcode != dns.rcode.NOERROR or not isinstance(reply, dns.message.QueryMessage):
        return None
    try:
        chain = reply.resolve_chaining()  # CNAMEs followed, as getaddrinfo does
    except dns.exception.DNSException:
        return None
    if chain.answer is None or chain.answer.rdtype != rdtype:
        return NO_RECORDS
    return Records(tuple(record.to_text() for record in chain.answer))


def parse_nameservers(text: str) -> tuple[tuple[str, int], ...] | None:
    """resolv.conf's nameserver addresses (port 53, at most three); None when it asks
    for TCP only (`options use-vc`), which this stub does not do."""
    servers: list[tuple[str, int]] = []
    for line in text.splitlines():
        words = _WORD.findall(line.split("#", 1)[0].split(";", 1)[0])
        if words[:1] == ["options"] and ("use-vc" in words or "tcp" in words):
            return None
        if len(words) >= 2 and words[0] == "nameserver":
            try:
                address = ipaddress.ip_address(words[1])
            except ValueError:
                continue  # glibc skips what it cannot read, too
            servers.append((str(address), 53))
    return tuple(servers[:MAX_SERVERS])


def parse_hosts(text: str) -> dict[str, tuple[str, ...]]:
    """hosts(5): each name (and alias, lower-cased) → its addresses in file order."""
    hosts: dict[str, list[str]] = {}
    for line in text.splitlines():
        words = _WORD.findall(line.split("#", 1)[0])
        if len(words) < 2:
            continue
        try:
            address = str(ipaddress.ip_address(words[0]))
        except ValueError:
            continue
        for name in words[1:]:
            found = hosts.setdefault(name.lower().rstrip("."), [])
            if address not in found:
                found.append(address)
    return {name: tuple(addresses) for name, addresses in hosts.items()}


def plain_hosts_line(nsswitch: str) -> bool:
    """True when nsswitch.conf's `hosts:` line is exactly `files dns`. Without one,
    glibc's default is `dns [!UNAVAIL=return] files` (DNS first): not this stub's order."""
    for line in nsswitch.splitlines():
        words = _WORD.findall(line.split("#", 1)[0])
        if words[:1] == ["hosts:"]:
            return tuple(words[1:]) == PLAIN_SOURCES
    return False


def system_stub(etc: Path = Path("/etc")) -> StubResolver | None:
    """The stub for this system, or None when getaddrinfo must stay (see the module)."""
    try:
        if not plain_hosts_line((etc / "nsswitch.conf").read_text("utf-8", "replace")):
            return None
        servers = parse_nameservers((etc / "resolv.conf").read_text("utf-8", "replace"))
        hosts_file = etc / "hosts"
        hosts = parse_hosts(hosts_file.read_text("utf-8", "replace")) \
            if hosts_file.exists() else {}
    except OSError:
        return None
    return StubResolver(servers, hosts) if servers else None
