"""Can a domain receive mail? Asked of DNS with dnspython, asynchronously, a bounded
number of domains at a time, every query with a timeout; never SMTP.

For each domain (RFC 5321 section 5.1, RFC 7505):
- MX records naming hosts: deliverable;
- a null MX (one MX record, preference 0, exchange "."): no_mail, the domain says it
  accepts none;
- no MX at all (NOERROR, no answer): the domain itself is the mail host when it has an
  A record, else an AAAA record (the "implicit MX"); neither: no_mail;
- NXDOMAIN: no_mail, the domain does not exist;
- a timeout, SERVFAIL or REFUSED: unknown, with the reason (never an error).

A domain costs one query when it has MX records, a null MX or does not exist, two or
three when the A/AAAA fallback is needed. Each query is one UDP datagram (TCP when the
answer is truncated) to one resolver, with no retry: a retry would double the queries a
slow domain costs, and the next run asks again anyway (unknown is never cached).
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

import dns.asyncquery
import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.resolver

from prospector.errors import BackendError, InputError

DEFAULT_TIMEOUT = 3.0
DEFAULT_CONCURRENCY = 20


@dataclass(frozen=True, slots=True)
class ResolverSettings:
    host: str
    port: int = 53
    timeout: float = DEFAULT_TIMEOUT  # seconds, per query
    concurrency: int = DEFAULT_CONCURRENCY  # domains resolved at once

    @property
    def label(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class DomainMail:
    domain: str
    deliverability: str  # deliverable | no_mail | unknown
    reason: str
    mx: tuple[str, ...] = ()
    queries: int = 0
    answered: bool = True  # False: the resolver said nothing (timeout, refused port)


def parse_resolver(text: str) -> tuple[str, int]:
    """IP, IP:PORT, [IPv6] or [IPv6]:PORT -> (ip, port). InputError otherwise."""
    value = text.strip()
    host, port = value, "53"
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ("53" if not rest else "x")
    elif value.count(":") == 1:
        host, port = value.split(":")
    try:
        ipaddress.ip_address(host)
        number = int(port)
    except ValueError:
        raise InputError(f"--resolver: not an IP address with an optional port: {text!r}") \
            from None
    if not 0 < number < 65536:
        raise InputError(f"--resolver: port out of range: {text!r}")
    return host, number


def system_resolver() -> str:
    """The first nameserver of /etc/resolv.conf (the resolver the machine uses)."""
    try:
        servers = dns.resolver.Resolver(configure=True).nameservers
    except (dns.resolver.NoResolverConfiguration, OSError):
        servers = []
    if not servers:
        raise InputError("no resolver configured on this machine: give --resolver IP[:PORT]")
    return str(servers[0])


class _Asker:
    """Sends the queries of one run and counts them."""

    def __init__(self, settings: ResolverSettings) -> None:
        self.settings = settings
        self.sent = 0

    async def ask(self, domain: str, rdtype: dns.rdatatype.RdataType) -> dns.message.Message:
        query = dns.message.make_query(dns.name.from_text(domain), rdtype)
        self.sent += 1
        reply, _ = await dns.asyncquery.udp_with_fallback(
            query, self.settings.host, timeout=self.settings.timeout, port=self.settings.port)
        return reply


def _records(reply: dns.message.Message, rdtype: dns.rdatatype.RdataType) -> list[object]:
    return [rd for rrset in reply.answer if rrset.rdtype == rdtype for rd in rrset]


def _mx_verdict(domain: str, mx: list[object]) -> DomainMail | None:
    """The verdict of an MX answer; None when it has no MX record (fall back to A)."""
    if not mx:
        return None
    pairs = sorted((int(getattr(r, "preference", 0)), str(getattr(r, "exchange", "")))
                   for r in mx)
    hosts = [host for _, host in pairs if host != "."]
    if not hosts:  # RFC 7505: "MX 0 ." and nothing else
        return DomainMail(domain, "no_mail", "null MX (RFC 7505): the domain accepts no mail")
    names = tuple(h.rstrip(".") for h in hosts)
    return DomainMail(domain, "deliverable", f"MX {names[0]}", names)


async def _resolve(asker: _Asker, domain: str) -> DomainMail:
    start = asker.sent
    try:
        verdict = await _steps(asker, domain)
    except dns.exception.Timeout:
        verdict = DomainMail(domain, "unknown",
                             f"no answer from {asker.settings.label} within "
                             f"{asker.settings.timeout:g} s (timeout)", answered=False)
    except OSError as exc:
        verdict = DomainMail(domain, "unknown", f"resolver unreachable: {exc}", answered=False)
    except dns.exception.DNSException as exc:
        verdict = DomainMail(domain, "unknown", f"DNS error: {type(exc).__name__}: {exc}")
    return DomainMail(verdict.domain, verdict.deliverability, verdict.reason, verdict.mx,
                      asker.sent - start, verdict.answered)


async def _steps(asker: _Asker, domain: str) -> DomainMail:
    for rdtype in (dns.rdatatype.MX, dns.rdatatype.A, dns.rdatatype.AAAA):
        reply = await asker.ask(domain, rdtype)
        rcode = reply.rcode()
        if rcode == dns.rcode.NXDOMAIN:
            return DomainMail(domain, "no_mail", "domain does not exist (NXDOMAIN)")
        if rcode != dns.rcode.NOERROR:
            return DomainMail(domain, "unknown",
                              f"resolver answered {dns.rcode.to_text(rcode)} "
                              f"({dns.rdatatype.to_text(rdtype)})")
        found = _records(reply, rdtype)
        if rdtype == dns.rdatatype.MX:
            verdict = _mx_verdict(domain, found)
            if verdict is not None:
                return verdict
        elif found:
            kind = dns.rdatatype.to_text(rdtype)
            return DomainMail(domain, "deliverable",
                              f"no MX; {kind} record: mail goes to the host itself (RFC 5321)",
                              (domain,))
    return DomainMail(domain, "no_mail", "no MX, A or AAAA record")


async def _resolve_all(domains: list[str], settings: ResolverSettings
                       ) -> tuple[dict[str, DomainMail], int]:
    asker = _Asker(settings)
    gate = asyncio.Semaphore(settings.concurrency)

    async def one(domain: str) -> DomainMail:
        async with gate:
            return await _resolve(asker, domain)

    # The first domain alone: when the resolver says nothing to it, one probe tells a
    # slow domain from a resolver that is not there (which is the user's to fix, not a
    # thousand `unknown`s). A resolver that answers costs no extra query.
    first = await _resolve(asker, domains[0])
    if not first.answered:
        await _probe(settings)
        asker.sent += 1
    results = [first, *await asyncio.gather(*(one(d) for d in domains[1:]))]
    return {r.domain: r for r in results}, asker.sent


def resolve_domains(domains: Iterable[str], settings: ResolverSettings
                    ) -> tuple[dict[str, DomainMail], int]:
    """Each distinct domain resolved once; (verdict per domain, queries sent)."""
    unique = sorted({d.lower().rstrip(".") for d in domains if d})
    if not unique:
        return {}, 0
    return asyncio.run(_resolve_all(unique, settings))


async def _probe(settings: ResolverSettings) -> None:
    """Any answer to a query for the root's SOA (even REFUSED) shows the resolver is
    there; BackendError when none comes."""
    query = dns.message.make_query(dns.name.root, dns.rdatatype.SOA)
    try:
        await dns.asyncquery.udp(query, settings.host, timeout=settings.timeout,
                                 port=settings.port)
    except (dns.exception.Timeout, OSError) as exc:
        why = "no answer" if isinstance(exc, dns.exception.Timeout) else str(exc) or "refused"
        raise BackendError(f"resolver {settings.label} does not answer DNS queries ({why})") \
            from None
