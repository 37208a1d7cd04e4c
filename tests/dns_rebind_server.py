"""A DNS server whose answer changes between lookups (DNS rebinding), on a free loopback
UDP port, and the crawl child the rebinding tests run against it.

The server answers A queries for its one name from a script, one entry per query, the
last one repeated: an address (TTL 0, as a rebinding attacker sets it), or None to drop
the query (the asker times out). AAAA queries get an empty NOERROR answer, any other name
NXDOMAIN. Messages are read and written with dnspython (a dependency), as
prospector.sampleweb.mail's slow server does.

    python -m tests.dns_rebind_server URL DNS_SERVER ALLOW_PRIVATE OUT.json

runs a Scrapy crawl of URL with the project's settings (the address guard, the guarded
resolver) in a process whose every connect to a non-loopback address is recorded and
refused (ECONNREFUSED): the sandbox has no network, and the test needs to see which
address the downloader chose without any packet leaving the machine."""

from __future__ import annotations

import errno
import ipaddress
import json
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dns.exception
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

from prospector.sampleweb.mail import UdpDnsServer


class RebindingServer(UdpDnsServer):
    def __init__(self, name: str, script: Sequence[str | None]) -> None:
        super().__init__()
        self.name = name.rstrip(".").lower()
        self.script = list(script)
        self.a_queries = 0  # A queries for `name`, dropped ones included
        self.answers: list[str | None] = []  # what each of them got

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _handle(self, data: bytes, peer: tuple[str, int]) -> None:
        try:
            reply = self._reply(dns.message.from_wire(data))
        except dns.exception.DNSException:
            return  # unreadable: no answer, as a lost packet
        if reply is not None:
            self._send(reply, peer)

    def _reply(self, query: dns.message.Message) -> dns.message.Message | None:
        reply = dns.message.make_response(query)
        question = query.question[0]
        if str(question.name).rstrip(".").lower() != self.name:
            reply.set_rcode(dns.rcode.NXDOMAIN)
            return reply
        if question.rdtype != dns.rdatatype.A:
            return reply  # NOERROR, no records
        step = self.script[min(self.a_queries, len(self.script) - 1)]
        self.a_queries += 1
        self.answers.append(step)
        if step is None:
            return None
        reply.answer.append(dns.rrset.from_text(question.name, 0, "IN", "A", step))
        return reply


def _firewall(attempts: list[str]) -> None:
    """Record every connect; refuse those to a non-loopback address (Twisted's TCP
    client connects with connect_ex)."""
    real_connect_ex = socket.socket.connect_ex

    def connect_ex(self: socket.socket, address: Any) -> int:
        host = str(address[0]) if isinstance(address, tuple) else str(address)
        attempts.append(f"{host}:{address[1]}" if isinstance(address, tuple) else host)
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        return real_connect_ex(self, address) if loopback else errno.ECONNREFUSED

    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]


def crawl(url: str, dns_server: str, allow_private: bool, out: Path) -> None:
    attempts: list[str] = []
    _firewall(attempts)
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    outcome: dict[str, Any] = {"responses": [], "errors": []}

    class Probe(scrapy.Spider):
        name = "probe"

        async def start(self) -> Any:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed,
                                 dont_filter=True)

        def parse(self, response: Any) -> None:
            outcome["responses"].append([response.url, response.status, response.text[:40]])

        def failed(self, failure: Any) -> None:
            outcome["errors"].append(f"{failure.type.__name__}: {failure.value}")

    settings = Settings()
    settings.setmodule("prospector.crawl.settings", priority="project")
    settings.setdict({
        "ITEM_PIPELINES": {}, "EXTENSIONS": {}, "ROBOTSTXT_OBEY": False,
        "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_ENABLED": False,
        "DOWNLOAD_TIMEOUT": 10, "DNS_TIMEOUT": 5, "LOG_LEVEL": "WARNING",
        "PROSPECTOR_DNS_SERVER": dns_server, "PROSPECTOR_ALLOW_PRIVATE": allow_private,
    }, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(Probe)
    process.start()
    outcome["attempts"] = attempts
    out.write_text(json.dumps(outcome))


if __name__ == "__main__":
    crawl(sys.argv[1], sys.argv[2], sys.argv[3] == "1", Path(sys.argv[4]))
