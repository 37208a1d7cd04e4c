"""The address guard's DNS lookups: a few lanes, the crawl's own requests first, and the
sites still queued looked up ahead of their turn.

A fast crawl keeps 32 requests in flight, and each released site's first request waits
in the guard for its name's answer, holding a downloader slot: with lost questions
retried after a second or more, the whole crawl stood still a second or two at a time
with all 32 slots waiting on DNS (bench/RESULTS.md, issue 23). Here the spider hands
over the run's sites at the start (`prefetch`), looked up in release order by `LANES`
tasks at most WINDOW sites ahead of the crawl, so most answers are in before a request
asks; a request that finds none starts its own lookup at once, and one name is never
looked up twice at the same time. It all runs on an event loop of its own (`DnsLoop`),
in a thread beside the crawl's busy one. The lookup itself is the guard's: its DNS stub
(crawl.dns_stub), or getaddrinfo in a thread (`in_thread`) where the stub cannot stand
in for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable, MutableMapping
from typing import Any, TypeVar, cast
from urllib.parse import unquote

from prospector.hosts import HostError, ascii_host
from prospector.urls import hostname

# Names looked up ahead at once. The resolver here drops what comes beyond about 50
# questions a second (after a burst of about 50): more lanes only spend that sooner.
LANES = 2
# How far ahead of the crawl the lanes look names up: at most this many sites past the
# last one a request asked for. Twice the requests a fast crawl has in flight: enough
# to stay ahead, and the questions follow the crawl's pace instead of a whole seed
# list's names sent at once to the user's resolver (whose answers could also be stale
# by the time a slow crawl reaches them).
WINDOW = 64
ANSWERS_KEPT = 100_000  # answers held for the guard to take (the oldest go first)

Answer = list[str] | None  # the addresses; [] none; None no answer in time
_MISSING = object()
LookUp = Callable[[str], Awaitable[Answer]]
T = TypeVar("T")


class Lookups:
    """Answers to `look_up(host)`, each looked up once: at once for a request waiting on
    it, and by `lanes` tasks for the sites ahead, at most `window` sites ahead of the
    furthest one asked for. Runs on one event loop (the crawl's: `DnsLoop`)."""

    def __init__(self, look_up: LookUp, lanes: int = LANES, window: int = WINDOW) -> None:
        self._look_up = look_up
        self._lanes = lanes
        self._window = window
        self._ahead: deque[tuple[int, str]] = deque()  # (place in the order, host)
        self._places: dict[str, int] = {}  # host → its place, while it is ahead
        self._queued = 0  # hosts handed over so far
        self._asked = -1  # the furthest place a request asked for
        self._moved: asyncio.Event | None = None  # set when `_asked` moves on
        self._answers: dict[str, Answer] = {}
        self._running: dict[str, asyncio.Task[Answer]] = {}
        self._lane_tasks: set[asyncio.Task[None]] = set()

    def prefetch(self, hosts: Iterable[str]) -> None:
        """Look these up ahead, in this order, `lanes` at a time (from the event loop)."""
        for host in hosts:
            self._places.setdefault(host, self._queued)
            self._ahead.append((self._queued, host))
            self._queued += 1
        loop = asyncio.get_running_loop()
        while len(self._lane_tasks) < self._lanes:
            lane = loop.create_task(self._lane())
            self._lane_tasks.add(lane)
            lane.add_done_callback(self._lane_tasks.discard)

    def known(self, host: str) -> tuple[bool, Answer]:
        """(True, its answer) when `host`'s is in, else (False, None). Safe from another
        thread (one dict read): the crawl's loop takes an answer in without a hop to
        the lookups' loop, then `claim`s the host there."""
        answer = self._answers.get(host, _MISSING)
        return (False, None) if answer is _MISSING else (True, cast(Answer, answer))

    def claim(self, host: str) -> None:
        """A request asked for `host`: the lanes may go `window` sites past it."""
        place = self._places.pop(host, None)
        if place is not None and place > self._asked:
            self._asked = place
            if self._moved is not None:
                self._moved.set()

    async def answer(self, host: str) -> Answer:
        """`host`'s answer: at once when it is in, else once its lookup is (started now
        unless one is under way)."""
        self.claim(host)
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
            place, host = self._ahead[0]
            if place > self._asked + self._window:
                self._moved = self._moved or asyncio.Event()
                self._moved.clear()
                await self._moved.wait()
                continue
            self._ahead.popleft()
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


class DnsLoop:
    """An event loop of the lookups' own, in a daemon thread. On the crawl's loop, busy
    with pages, each lookup waited for several of its turns (to send, to read the
    reply, for the lane to ask the next name): the lanes took 50-500 ms a name and
    never got ahead of the crawl (bench/RESULTS.md, issue 23). Here a name takes about
    a millisecond, the thread waiting on its sockets without the GIL."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="dns", daemon=True).start()

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """`work` run on this loop, awaited from the caller's."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))

    def call(self, function: Callable[..., object], *args: object) -> None:
        self.loop.call_soon_threadsafe(function, *args)


_dns_loop: DnsLoop | None = None
_dns_loop_lock = threading.Lock()


def dns_loop() -> DnsLoop:
    """The process's one DNS loop (started at the first lookup)."""
    global _dns_loop
    with _dns_loop_lock:
        if _dns_loop is None:
            _dns_loop = DnsLoop()
        return _dns_loop


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
        dns_loop().call(current.prefetch, [host for host in map(lookup_host, urls) if host])


# glibc retries a lost DNS query after 5 s by default (resolv.conf(5)); a crawl asks for
# hundreds of names a minute, and resolvers drop some when many come at once (here a
# quarter of 100 lookups, 8 at a time). One second, three tries: a lost query costs a
# second. Read by glibc once, at the process's first lookup, so set before any; a
# RES_OPTIONS the user set is kept.
QUICK_RETRIES = "timeout:1 attempts:3"


def quick_dns_retries(environ: MutableMapping[str, str]) -> None:
    environ.setdefault("RES_OPTIONS", QUICK_RETRIES)
