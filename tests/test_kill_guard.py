"""The address guard's messages, URL parsing and resolver at their edges: the cases
mutation testing (scripts/mutate.py) showed the guard's tables let through."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from prospector.crawl.middlewares import guard


def test_refusal_messages() -> None:
    assert guard.host_refusal("") == "refused: no host"
    assert guard.scheme_refusal("bees.test/page") == (
        "refused: no scheme in 'bees.test/page'; only http and https are fetched")
    long = "gopher://" + "a" * 100
    assert guard.scheme_refusal(long) == (
        f"refused: gopher scheme in {long[:80]!r}; only http and https are fetched")


def test_one_private_answer_refuses_whatever_comes_before_it() -> None:
    refusal = guard.resolved_refusal("x.test", ["not an address", "93.184.216.34", "10.0.0.1"])
    assert refusal == "refused: x.test resolves to 10.0.0.1, a private address (use --allow-private to allow)"


@pytest.mark.parametrize("url", [
    "http://bees.test#a@b", "http://bees.test?a@b?c", "http://bees.test/a@b/c",
    "http://bees.test/a/b@c", "data:text/plain,a:b",
])
def test_an_at_sign_after_the_host_is_no_user_info(url: str) -> None:
    assert guard.url_refusal(url) is None


@pytest.mark.parametrize(("url", "host"), [
    ("http://bees.test./", "bees.test"), ("http:///x", ""), ("http://[::1/", ""),
])
def test_raw_host(url: str, host: str) -> None:
    assert guard._raw_host(url) == host


def test_resolve_gives_each_address_once() -> None:
    addresses = guard.resolve("localhost")
    assert addresses and len(addresses) == len(set(addresses))


def test_resolve_of_a_name_no_resolver_takes_is_empty() -> None:
    assert guard.resolve("..", timeout=10) == []  # an empty label: refused at once, not timed out


def test_resolve_gives_up_after_its_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def hanging(*args: Any, **kwargs: Any) -> Any:
        release.wait(5)
        raise OSError("gave up")

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    try:
        assert guard.resolve("slow.test", timeout=0.05) is None
    finally:
        release.set()


def test_from_crawler_reads_allow_private() -> None:
    for allow in (True, False):
        crawler = get_crawler(settings_dict={"PROSPECTOR_ALLOW_PRIVATE": allow})
        assert guard.AddressGuard.from_crawler(crawler).allow_private is allow


def _process(url: str, monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> str | None:
    """The guard's refusal of `url`, with `answers` as the resolver's (a name → its
    addresses; others resolve to nothing)."""
    monkeypatch.setattr(guard, "resolve", lambda host, timeout=0.0: answers.get(host, []))
    try:
        asyncio.run(guard.AddressGuard(False).process_request(Request(url)))
    except IgnoreRequest as exc:
        return str(exc)
    return None


def test_data_urls_are_not_looked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_lookup(host: str, timeout: float = 0) -> list[str]:
        raise AssertionError(f"looked up {host!r}")

    monkeypatch.setattr(guard, "resolve", no_lookup)
    asyncio.run(guard.AddressGuard(False).process_request(Request("data:,x")))


def test_the_refusal_names_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    refusal = _process("http://intranet.test/", monkeypatch, {"intranet.test": ["10.1.2.3"]})
    assert refusal == ("refused: intranet.test resolves to 10.1.2.3, a private address "
                       "(use --allow-private to allow)")


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("169.254.1.1", "link-local"), ("224.0.0.1", "multicast"),
    ("0.0.0.0", "unspecified"), ("fec0::1", "site-local"), ("100.64.0.1", "reserved"),
    ("10.0.0.1", "private"), ("93.184.216.34", None),
])
def test_address_kinds_are_named(address: str, kind: str | None) -> None:
    assert guard.address_kind(ipaddress.ip_address(address)) == kind


def test_a_trailing_dot_is_still_the_address() -> None:
    assert guard.literal_address("127.0.0.1.") == ipaddress.ip_address("127.0.0.1")


def test_only_the_first_scheme_separator_starts_the_host() -> None:
    assert guard.url_refusal("http://bees.test/?u=http://x@y") is None
    assert guard.url_refusal("http:bees.test") == "refused: no host"
    long = "http://" + "a" * 90 + "@evil.test/"
    assert guard.url_refusal(long) == f"refused: user-info in {long[:80]!r}"


def test_only_localhost_names_are_local() -> None:
    assert guard.is_local_name("LocalHost.") and guard.is_local_name("a.localhost")
    assert not guard.is_local_name("localhostX") and not guard.is_local_name("notlocalhost")


@pytest.mark.parametrize(("url", "origin"), [
    ("http://bees.test/a/b?c#d", "http://bees.test"),
    ("https://bees.test:8443?x=/y", "https://bees.test:8443"),
    ("http://bees.test#top", "http://bees.test"),
    ("http://bees.test", "http://bees.test"),
    ("data:,x", ""),
])
def test_url_origin(url: str, origin: str) -> None:
    assert guard.url_origin(url) == origin


def test_a_site_is_checked_once_and_a_refusal_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[str] = []

    def counting(host: str, timeout: float = 0) -> list[str]:
        looked_up.append(host)
        return {"bees.test": ["93.184.216.34"], "intranet.test": ["10.1.2.3"]}[host]

    monkeypatch.setattr(guard, "resolve", counting)
    checked: list[str] = []
    real = guard.url_refusal
    monkeypatch.setattr(guard, "url_refusal", lambda url: checked.append(url) or real(url))
    guard_ = guard.AddressGuard(False)

    def outcome(url: str) -> str:
        try:
            asyncio.run(guard_.process_request(Request(url)))
        except IgnoreRequest as exc:
            return str(exc)
        return "passed"

    assert [outcome(f"http://bees.test/{n}") for n in range(3)] == ["passed"] * 3
    assert checked == ["http://bees.test/0"]  # the next two: the origin already passed
    for _ in range(2):
        assert outcome("http://intranet.test/").startswith("refused: intranet.test")
        assert outcome("http://127.0.0.1/").startswith("refused: 127.0.0.1 is a loopback")
    assert looked_up == ["bees.test", "intranet.test"]  # each name looked up once
    assert "http://intranet.test" not in guard_.passed and len(checked) == 5


def test_what_dns_cost_is_in_the_crawls_stats(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.statscollectors import MemoryStatsCollector

    monkeypatch.setattr(guard, "resolve", lambda host, timeout=0.0: ["93.184.216.34"])
    crawler = get_crawler(settings_dict={"PROSPECTOR_ALLOW_PRIVATE": False})
    crawler.stats = MemoryStatsCollector(crawler)
    guard_ = guard.AddressGuard.from_crawler(crawler)
    guard_.stub = None  # getaddrinfo (monkeypatched above), not this machine's DNS

    async def crawl() -> None:
        for url in ("http://bees.test/", "http://bees.test/2", "http://hives.test/"):
            await guard_.process_request(Request(url))

    asyncio.run(crawl())
    guard_.record_stats()
    stats = crawler.stats.get_stats()
    assert stats["prospector/dns/names"] == 2 and stats["prospector/dns/waits"] == 2
    assert guard_.waited > 0 and stats["prospector/dns/wait_seconds"] == round(guard_.waited, 2)
