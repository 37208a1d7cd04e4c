"""The guard's DNS lookups (prospector.crawl.lookups): each name looked up once, sites
ahead looked up in the background, a waiting request never queued behind them."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from prospector.crawl.lookups import QUICK_RETRIES, Lookups, lookup_host, quick_dns_retries


class Resolver:
    """Answers after `delay` s; records what it was asked, and how many at once."""

    def __init__(self, delay: float = 0.0, slow: frozenset[str] = frozenset()) -> None:
        self.delay, self.slow = delay, slow
        self.asked: list[str] = []
        self.now = self.most = 0
        self.lock = threading.Lock()

    def __call__(self, host: str) -> list[str] | None:
        with self.lock:
            self.asked.append(host)
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(1.0 if host in self.slow else self.delay)
        with self.lock:
            self.now -= 1
        return [] if host.endswith(".invalid") else ["93.184.216.34"]


def test_a_name_asked_by_many_requests_is_looked_up_once() -> None:
    resolver = Resolver(delay=0.05)
    lookups = Lookups(resolver)

    async def many() -> list[list[str] | None]:
        return await asyncio.gather(*(lookups.answer("bees.test") for _ in range(5)))

    answers = asyncio.run(many())
    assert answers == [["93.184.216.34"]] * 5 and resolver.asked == ["bees.test"]
    assert asyncio.run(lookups.answer("bees.test")) == ["93.184.216.34"]  # kept
    assert resolver.asked == ["bees.test"]


def test_sites_ahead_are_looked_up_in_order_a_few_at_a_time() -> None:
    resolver = Resolver(delay=0.01)
    lookups = Lookups(resolver, lanes=2)
    hosts = [f"site{n}.test" for n in range(20)]
    lookups.prefetch(hosts)
    deadline = time.monotonic() + 10
    while len(resolver.asked) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sorted(resolver.asked) == sorted(hosts) and resolver.most <= 2
    assert set(resolver.asked[:2]) == set(hosts[:2])  # in order (two lanes side by side)
    before = len(resolver.asked)
    assert asyncio.run(lookups.answer("site7.test")) == ["93.184.216.34"]
    assert asyncio.run(lookups.answer("gone.invalid")) == []
    assert len(resolver.asked) == before + 1  # site7 was in already


def test_a_waiting_request_does_not_queue_behind_slow_names_ahead() -> None:
    slow = frozenset(f"slow{n}.test" for n in range(4))
    resolver = Resolver(slow=slow)
    lookups = Lookups(resolver, lanes=2)
    lookups.prefetch(sorted(slow))  # both lanes busy for seconds
    time.sleep(0.05)
    began = time.monotonic()
    assert asyncio.run(lookups.answer("now.test")) == ["93.184.216.34"]
    assert time.monotonic() - began < 0.5


@pytest.mark.parametrize(("url", "host"), [
    ("http://Bees.TEST./a", "bees.test"),
    ("http://b%C3%BCcher.test/", "xn--bcher-kva.test"),
    ("http://[::1]:8080/", "::1"),
    ("data:,x", None),
])
def test_lookup_host(url: str, host: str | None) -> None:
    assert lookup_host(url) == host


def test_quick_dns_retries_keep_what_the_user_set() -> None:
    env: dict[str, str] = {}
    quick_dns_retries(env)
    assert env == {"RES_OPTIONS": QUICK_RETRIES}
    mine = {"RES_OPTIONS": "timeout:3"}
    quick_dns_retries(mine)
    assert mine == {"RES_OPTIONS": "timeout:3"}
