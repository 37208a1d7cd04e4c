"""The address guard's DNS lookups: a few lanes, the crawl's own requests first, and the
sites still queued looked up ahead of their turn.

A fast crawl keeps 32 requests in flight, and each released site's first request waits
in the guard for its name's answer. Resolvers drop queries when many arrive at once
(the one here dropped 2-8 % of lookups, a quarter with 16 at once, each then taking
glibc's 5-s retry, cut at RESOLVE_TIMEOUT_S), and every request waiting on one holds a
downloader slot: the whole crawl stood still a second or two at a time with all 32
slots waiting on DNS (bench/RESULTS.md, issue 23). Here the spider hands over the run's
sites at the start (`prefetch`), looked up in release order by `LANES` background
threads, so most answers are in before a request asks; a request that finds none
starts its own lookup at once, in a thread of its own, and one name is never looked
up twice at the same time.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Iterable, MutableMapping
from urllib.parse import unquote

from prospector.hosts import HostError, ascii_host
from prospector.urls import hostname

# Lookups ahead at once: the resolver here dropped more the more came at once (8, 14
# and 26 % of 100 lookups with 2, 4 and 8 threads).
LANES = 2
ANSWERS_KEPT = 100_000  # answers held for the guard to take (the oldest go first)

Answer = list[str] | None  # the addresses; [] none; None no answer in time


class Lookups:
    """Answers to `look_up(host)`, each looked up once: at once, in a thread of its own,
    for a request waiting on it; in `lanes` background threads for the sites ahead."""

    def __init__(self, look_up: Callable[[str], Answer], lanes: int = LANES) -> None:
        self._look_up = look_up
        self._lanes = lanes
        self._ahead: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._answers: dict[str, Answer] = {}
        self._running: set[str] = set()
        self._waiters: dict[str, list[asyncio.Future[Answer]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started = False

    def prefetch(self, hosts: Iterable[str]) -> None:
        """Look these up ahead, in this order, in the background lanes."""
        for host in hosts:
            self._ahead.put(host)
        with self._lock:
            start, self._started = not self._started, True
        for _ in range(self._lanes if start else 0):
            threading.Thread(target=self._lane, name="dns-ahead", daemon=True).start()

    async def answer(self, host: str) -> Answer:
        """`host`'s answer: at once when it is in, else once its lookup is (started now,
        in a thread of its own, unless one is under way)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if host in self._answers:
                return self._answers[host]
            future: asyncio.Future[Answer] = loop.create_future()
            self._waiters.setdefault(host, []).append(future)
            self._loop = loop
            start = host not in self._running
            self._running.add(host)
        if start:
            threading.Thread(target=self._run, args=(host,), name="dns-now",
                             daemon=True).start()
        return await future

    def _lane(self) -> None:
        while True:
            host = self._ahead.get()
            with self._lock:
                if host in self._answers or host in self._running:
                    continue
                self._running.add(host)
            self._run(host)

    def _run(self, host: str) -> None:
        try:
            answer = self._look_up(host)
        except Exception:  # an answer the resolver could not read is no answer
            answer = None
        with self._lock:
            self._answers[host] = answer
            while len(self._answers) > ANSWERS_KEPT:
                del self._answers[next(iter(self._answers))]
            self._running.discard(host)
            waiters = self._waiters.pop(host, [])
            loop = self._loop
        if waiters and loop is not None:
            loop.call_soon_threadsafe(_deliver, waiters, answer)


def _deliver(waiters: list[asyncio.Future[Answer]], answer: Answer) -> None:
    for future in waiters:
        if not future.done():
            future.set_result(answer)


def lookup_host(url: str) -> str | None:
    """The name the guard looks up for `url`: decoded, in punycode, no trailing dot (as a
    proxy or resolver reads it); None when there is none to look up."""
    try:
        host = ascii_host(unquote(hostname(url))).rstrip(".")
    except (HostError, ValueError):
        return None
    return host or None


# The crawl's (set by its address guard, one per crawl process), for the spider to hand
# its sites to; None when nothing is checked (--allow-private) or before the guard is.
current: Lookups | None = None


def prefetch_urls(urls: Iterable[str]) -> None:
    if current is not None:
        current.prefetch(host for host in map(lookup_host, urls) if host)


# glibc retries a lost DNS query after 5 s by default (resolv.conf(5)); a crawl asks for
# hundreds of names a minute, and resolvers drop some when many come at once (here a
# quarter of 100 lookups, 8 at a time). One second, three tries: a lost query costs a
# second. Read by glibc once, at the process's first lookup, so set before any; a
# RES_OPTIONS the user set is kept.
QUICK_RETRIES = "timeout:1 attempts:3"


def quick_dns_retries(environ: MutableMapping[str, str]) -> None:
    environ.setdefault("RES_OPTIONS", QUICK_RETRIES)
