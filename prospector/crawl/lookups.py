"""The address guard's DNS lookups: a few lanes, the crawl's own requests first, and the
sites still queued looked up ahead of their turn.

A fast crawl keeps 32 requests in flight, and each released site's first request waits
in the guard for its name's answer, holding a downloader slot: with lost questions
retried after a second or more, the whole crawl stood still a second or two at a time
with all 32 slots waiting on DNS (bench/RESULTS.md, issue 23). Here the spider hands
over the run's sites at the start (`prefetch`), looked up in release order by `LANES`
tasks, so most answers are in before a request asks; a request that finds none starts
its own lookup at once, and one name is never looked up twice at the same time. The
lookup itself is the guard's: its DNS stub on the event loop (crawl.dns_stub), or
getaddrinfo in a thread (`in_thread`) where the stub cannot stand in for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from urllib.parse import unquote

from prospector.hosts import HostError, ascii_host
from prospector.urls import hostname

# Names looked up ahead at once. The resolver here drops what comes beyond about 50
# questions a second (after a burst of about 50): more lanes only spend that sooner.
LANES = 2
ANSWERS_KEPT = 100_000  # answers held for the guard to take (the oldest go first)

Answer = list[str] | None  # the addresses; [] none; None no answer in time
LookUp = Callable[[str], Awaitable[Answer]]


class Lookups:
    """Answers to `look_up(host)`, each looked up once: at once for a request waiting on
    it, and by `lanes` tasks for the sites ahead. Runs on the crawl's event loop."""

    def __init__(self, look_up: LookUp, lanes: int = LANES) -> None:
        self._look_up = look_up
        self._lanes = lanes
        self._ahead: deque[str] = deque()
        self._answers: dict[str, Answer] = {}
        self._running: dict[str, asyncio.Task[Answer]] = {}
        self._lane_tasks: set[asyncio.Task[None]] = set()

    def prefetch(self, hosts: Iterable[str]) -> None:
        """Look these up ahead, in this order, `lanes` at a time (from the event loop)."""
        self._ahead.extend(hosts)
        loop = asyncio.get_running_loop()
        while len(self._lane_tasks) < self._lanes:
            lane = loop.create_task(self._lane())
            self._lane_tasks.add(lane)
            lane.add_done_callback(self._lane_tasks.discard)

    async def answer(self, host: str) -> Answer:
        """`host`'s answer: at once when it is in, else once its lookup is (started now
        unless one is under way)."""
        if host in self._answers:
            return self._answers[host]
        # (shielded: a cancelled request does not cancel a lookup others may wait on)
        return await asyncio.shield(self._start(host))

    def _start(self, host: str) -> asyncio.Task[Answer]:
        task = self._running.get(host)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._run(host))
            self._running[host] = task
        return task

    async def _lane(self) -> None:
        while self._ahead:
            host = self._ahead.popleft()
            if host not in self._answers:
                await self._start(host)

    async def _run(self, host: str) -> Answer:
        try:
            answer = await self._look_up(host)
        except Exception:  # an answer the resolver could not read is no answer
            answer = None
        self._answers[host] = answer
        while len(self._answers) > ANSWERS_KEPT:
            del self._answers[next(iter(self._answers))]
        self._running.pop(host, None)
        return answer


async def in_thread(look_up: Callable[[str], Answer], host: str) -> Answer:
    """A blocking lookup (getaddrinfo) awaited: in a daemon thread of its own, which the
    process need not wait for at exit (an executor's threads would be joined, holding
    up a SIGTERM'd crawl on a resolver that hangs)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Answer] = loop.create_future()

    def work() -> None:
        try:
            answer = look_up(host)
        except Exception:
            answer = None
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
            loop.call_soon_threadsafe(_settle, future, answer)

    threading.Thread(target=work, name="dns", daemon=True).start()
    return await future


def _settle(future: asyncio.Future[Answer], answer: Answer) -> None:
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
