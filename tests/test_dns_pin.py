"""DNS pinned at the guard (issue 23): a DNS server whose answer changes between lookups
(first a public address, then 127.0.0.1) never gets a crawl to connect to loopback.

Each test runs a real Scrapy crawl (the project's settings: the address guard and
prospector.crawl.resolver.GuardedResolver) in a child process pointed at a local
rebinding DNS server (tests/dns_rebind_server.py), for a name whose port is that of a
real HTTP server on 127.0.0.1 counting what it is asked. In the child every connect to a
non-loopback address is recorded and refused before any packet leaves."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from prospector.crawl.dns_stub import RESEND_AFTER_S
from prospector.crawl.pinning import Pins, connect_address, parse_server
from tests.dns_rebind_server import RebindingServer

REPO = Path(__file__).resolve().parents[1]
NAME = "rebind.test"
PUBLIC = "93.184.216.34"


class _Counting(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []  # each server's own list (a subclass per fixture)

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b"loopback secret"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def loopback_http() -> Iterator[tuple[int, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_Counting,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1]), hits
    finally:
        server.shutdown()
        server.server_close()


def _crawl(port: int, dns: RebindingServer, tmp_path: Path, allow_private: bool = False
           ) -> dict[str, Any]:
    out = tmp_path / "outcome.json"
    child = subprocess.run(
        [sys.executable, "-m", "tests.dns_rebind_server", f"http://{NAME}:{port}/",
         dns.address, "1" if allow_private else "0", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr[-3000:]
    outcome: dict[str, Any] = json.loads(out.read_text())
    outcome["log"] = child.stderr
    print(f"\nDNS A answers {dns.answers}; connects {outcome['attempts']}; "
          f"errors {outcome['errors']}; loopback server asked {port}")
    return outcome


def test_the_downloader_connects_to_the_address_the_guard_approved(
        loopback_http: tuple[int, list[str]], tmp_path: Path) -> None:
    """The guard's lookup gets the public address and approves it; the DNS server would
    answer 127.0.0.1 from then on, but the downloader is never told: it connects to the
    approved address (refused here: no network) and the DNS server is asked once."""
    port, hits = loopback_http
    with RebindingServer(NAME, [PUBLIC, "127.0.0.1"]) as dns:
        outcome = _crawl(port, dns, tmp_path)
        assert dns.answers == [PUBLIC]
    assert set(outcome["attempts"]) == {f"{PUBLIC}:{port}"}
    assert hits == [] and outcome["responses"] == []
    assert len(outcome["errors"]) == 1 and "refused" in outcome["errors"][0].lower()


def test_a_loopback_answer_at_connect_time_is_refused(
        loopback_http: tuple[int, list[str]], tmp_path: Path) -> None:
    """The guard's lookup gets no answer in time, every copy of its question lost (the
    name goes on, unresolved, as a proxy would resolve it); the downloader's own lookup
    then gets 127.0.0.1 and its resolver refuses it at resolution time: no connect."""
    port, hits = loopback_http
    lost = [None] * (1 + len(RESEND_AFTER_S))  # the guard's question and each copy resent
    with RebindingServer(NAME, [*lost, "127.0.0.1"]) as dns:
        outcome = _crawl(port, dns, tmp_path)
        assert dns.answers[:len(lost) + 1] == [*lost, "127.0.0.1"]
    assert outcome["attempts"] == [] and hits == []
    # Scrapy reports the failed lookup as such ("no results"); the resolver logs why.
    assert len(outcome["errors"]) == 1 and "lookup" in outcome["errors"][0]
    assert (f"DNS answer refused: {NAME} resolves to 127.0.0.1, a loopback address"
            in outcome["log"])


def test_the_guard_asks_again_when_its_question_is_lost(
        loopback_http: tuple[int, list[str]], tmp_path: Path) -> None:
    """The guard's first question is lost; the copy it sends a tenth of a second later
    gets the public answer, which it approves and pins (crawl.dns_stub): the crawl
    connects there, and the DNS server's later loopback answer is never asked for."""
    port, hits = loopback_http
    with RebindingServer(NAME, [None, PUBLIC, "127.0.0.1"]) as dns:
        outcome = _crawl(port, dns, tmp_path)
        assert dns.answers == [None, PUBLIC]
    assert set(outcome["attempts"]) == {f"{PUBLIC}:{port}"} and hits == []


def test_allow_private_reaches_a_loopback_answer(loopback_http: tuple[int, list[str]],
                                                 tmp_path: Path) -> None:
    """With --allow-private the same resolver connects where the DNS server says: the
    server named by PROSPECTOR_DNS_SERVER is the one asked."""
    port, hits = loopback_http
    with RebindingServer(NAME, ["127.0.0.1"]) as dns:
        outcome = _crawl(port, dns, tmp_path, allow_private=True)
        assert dns.a_queries >= 1
    # (Twisted calls connect_ex again once a non-blocking connect is under way.)
    assert set(outcome["attempts"]) == {f"127.0.0.1:{port}"} and hits == ["/"]
    assert outcome["responses"] == [[f"http://{NAME}:{port}/", 200, "loopback secret"]]


@pytest.mark.parametrize(("text", "expected"),
                         [("127.0.0.1:5353", ("127.0.0.1", 5353)), ("10.0.0.1", ("10.0.0.1", 53)),
                          ("[::1]:5300", ("::1", 5300)), ("::1", ("::1", 53)), ("", None)])
def test_parse_server(text: str, expected: tuple[str, int] | None) -> None:
    assert parse_server(text) == expected


@pytest.mark.parametrize("bad", ["dns.example:53", "127.0.0.1:0", "127.0.0.1:http"])
def test_parse_server_refuses(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_server(bad)


def test_pins_keep_the_newest_and_prefer_ipv4() -> None:
    pins = Pins(limit=2)
    pins.pin("A.test.", ["2001:4860::1", "8.8.4.4"])
    pins.pin("b.test", ["1.1.1.1"])
    pins.pin("c.test", [])
    assert pins.get("a.test") == ("2001:4860::1", "8.8.4.4")
    pins.pin("d.test", ["9.9.9.9"])
    assert pins.get("a.test") is None and pins.get("d.test") == ("9.9.9.9",)
    assert connect_address(["2001:4860::1", "8.8.4.4"]) == "8.8.4.4"
    assert connect_address(["2001:4860::1"]) == "2001:4860::1"


class _NoThreads:
    """A reactor whose thread pool must not be used: an address is its own answer."""

    def getThreadPool(self) -> Any:
        raise AssertionError("an address literal was looked up in a thread")


@pytest.mark.parametrize(("name", "allow_private", "proxy", "expected"), [
    ("93.184.216.34", False, "", "93.184.216.34"),
    ("127.0.0.1", False, "", None),  # refused at resolution time, as a looked-up answer
    ("0x7f.1", False, "", None),  # a legacy spelling of 127.0.0.1
    ("[::1]", False, "", None),
    ("127.0.0.1", True, "", "127.0.0.1"),
    ("127.0.0.1", False, "http://127.0.0.1:8080", "127.0.0.1"),  # the proxy the user chose
])
def test_an_address_is_checked_and_pinned_without_a_lookup(
        name: str, allow_private: bool, proxy: str, expected: str | None) -> None:
    from twisted.internet.error import DNSLookupError

    from prospector.crawl.pinning import PINS
    from prospector.crawl.resolver import GuardedResolver

    PINS.clear()
    got: list[Any] = []
    GuardedResolver(_NoThreads(), allow_private, proxy).getHostByName(name).addBoth(got.append)
    [answer] = got
    if expected is None:
        assert isinstance(answer.value, DNSLookupError) and "loopback" in str(answer.value)
        assert PINS.get(name) is None
    else:
        assert answer == expected
        assert PINS.get(name) == (expected,)  # the next connection is served from the pin
    PINS.clear()
