"""The guard's DNS lookups (prospector.crawl.lookups): each name looked up once, sites
ahead looked up in the background, a waiting request never queued behind them."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from prospector.crawl.lookups import (
    QUICK_RETRIES,
    Answer,
    Lookups,
    dns_loop,
    in_thread,
    lookup_host,
    quick_dns_retries,
)


class Resolver:
    """Answers after `delay` s (1 s for the `slow` names); records what it was asked,
    and how many at once."""

    def __init__(self, delay: float = 0.0, slow: frozenset[str] = frozenset()) -> None:
        self.delay, self.slow = delay, slow
        self.asked: list[str] = []
        self.now = self.most = 0

    async def __call__(self, host: str) -> Answer:
        self.asked.append(host)
        self.now += 1
        self.most = max(self.most, self.now)
        await asyncio.sleep(1.0 if host in self.slow else self.delay)
        self.now -= 1
        if host.startswith("broken"):
            raise ValueError("an answer the resolver could not read")
        return [] if host.endswith(".invalid") else ["93.184.216.34"]


def test_a_name_asked_by_many_requests_is_looked_up_once() -> None:
    resolver = Resolver(delay=0.05)
    lookups = Lookups(resolver)

    async def many() -> list[Answer]:
        answers = await asyncio.gather(*(lookups.answer("bees.test") for _ in range(5)))
        answers.append(await lookups.answer("bees.test"))  # kept
        return answers

    assert asyncio.run(many()) == [["93.184.216.34"]] * 6
    assert resolver.asked == ["bees.test"]


def test_sites_ahead_are_looked_up_in_order_a_few_at_a_time() -> None:
    resolver = Resolver(delay=0.01)
    lookups = Lookups(resolver, lanes=2)
    hosts = [f"site{n}.test" for n in range(20)]

    async def crawl() -> tuple[Answer, Answer, int]:
        lookups.prefetch(hosts)
        while len(resolver.asked) < 20:
            await asyncio.sleep(0.01)
        before = len(resolver.asked)
        kept, gone = await lookups.answer("site7.test"), await lookups.answer("gone.invalid")
        return kept, gone, len(resolver.asked) - before

    kept, gone, asked_after = asyncio.run(asyncio.wait_for(crawl(), 10))
    assert sorted(resolver.asked[:20]) == sorted(hosts) and resolver.most <= 2
    assert set(resolver.asked[:2]) == set(hosts[:2])  # in order (two lanes side by side)
    assert kept == ["93.184.216.34"] and gone == []
    assert asked_after == 1  # site7 was in already


def test_a_waiting_request_does_not_queue_behind_slow_names_ahead() -> None:
    slow = frozenset(f"slow{n}.test" for n in range(4))
    lookups = Lookups(Resolver(slow=slow), lanes=2)

    async def crawl() -> tuple[Answer, float]:
        lookups.prefetch(sorted(slow))  # both lanes busy for seconds
        await asyncio.sleep(0.05)
        began = time.monotonic()
        return await lookups.answer("now.test"), time.monotonic() - began

    answer, waited = asyncio.run(crawl())
    assert answer == ["93.184.216.34"] and waited < 0.5


def test_the_lanes_stay_a_window_ahead_of_the_furthest_site_asked_for() -> None:
    resolver = Resolver()
    lookups = Lookups(resolver, lanes=2, window=5)
    hosts = [f"site{n}.test" for n in range(50)]

    async def crawl() -> tuple[int, int]:
        lookups.prefetch(hosts)
        await asyncio.sleep(0.2)
        before = len(resolver.asked)
        await lookups.answer("site10.test")  # the crawl moved on to the eleventh site
        await asyncio.sleep(0.2)
        return before, len(resolver.asked)

    before, after = asyncio.run(crawl())
    assert before == 5  # sites 0-4: none asked for yet
    assert after == 16 and resolver.asked[:16] == [*hosts[:5], "site10.test",
                                                   *hosts[5:10], *hosts[11:16]]


def test_the_dns_loop_looks_up_while_the_crawls_loop_is_busy() -> None:
    resolver = Resolver(delay=0.01)
    lookups = Lookups(resolver, lanes=2)
    hosts = [f"site{n}.test" for n in range(20)]
    dns_loop().call(lookups.prefetch, hosts)
    time.sleep(0.5)  # the crawl's thread busy with a page: its own loop turns not once
    assert sorted(resolver.asked) == sorted(hosts)
    assert lookups.known("site3.test") == (True, ["93.184.216.34"])
    assert lookups.known("other.test") == (False, None)

    async def ask() -> Answer:
        return await dns_loop().run(lookups.answer("other.test"))

    assert asyncio.run(ask()) == ["93.184.216.34"] and resolver.asked[-1] == "other.test"


def test_a_lookup_that_fails_is_no_answer_and_kept() -> None:
    resolver = Resolver()
    lookups = Lookups(resolver)

    async def twice() -> list[Answer]:
        return [await lookups.answer("broken.test"), await lookups.answer("broken.test")]

    assert asyncio.run(twice()) == [None, None] and resolver.asked == ["broken.test"]


def test_a_blocking_lookup_runs_beside_the_loop_in_a_daemon_thread() -> None:
    threads: list[threading.Thread] = []

    def blocking(host: str) -> Answer:
        threads.append(threading.current_thread())
        time.sleep(0.2)
        if host == "bad.test":
            raise OSError("resolver broke")
        return ["93.184.216.34"]

    async def both() -> tuple[list[Answer], int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.get_running_loop().create_task(tick())
        answers = await asyncio.gather(in_thread(blocking, "bees.test"),
                                       in_thread(blocking, "bad.test"))
        ticker.cancel()
        return list(answers), ticks

    answers, ticks = asyncio.run(both())
    assert answers == [["93.184.216.34"], None]
    assert ticks >= 5  # the loop went on while the lookups blocked
    assert len(threads) == 2 and all(t.daemon for t in threads)


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
