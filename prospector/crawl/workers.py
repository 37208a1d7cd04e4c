"""Extraction in worker processes (issue 23): every core used, and no page can stall
the crawl.

Scrapy's reactor is one thread: extraction run inside it used one core, and one hostile
page (100,000 nested elements: over a minute in the parser) stopped every download for
as long as it took. Here the reactor hands each HTML page (bytes, URL) to a pool of
processes and gets a `PageResult` back as a Deferred:

- **In the reactor, no threads.** Each worker's end of a socket pair is one more reactor
  connection (length-prefixed pickles both ways); its wall clock is a reactor timer. The
  first design gave each worker a thread that waited on a pipe: every page then needed
  that thread to take the GIL from the busy reactor thread (up to the 5 ms switch
  interval each time) while the worker sat idle, and two workers delivered ≈ 240 pages/s
  on the bulk sample web (bench/RESULTS.md, issue 23).
- **Eight pages in flight per worker** (`IN_FLIGHT`): the next pages wait in the
  worker's socket while it reads one, so a worker never waits for the reactor between
  pages (which reads answers and writes pages once per turn of its loop).
- **Back-pressure.** At most `QUEUED_PER_WORKER` pages per worker are waiting or being
  extracted; `submit` waits for room (a DeferredSemaphore), so the spider's callbacks
  wait, Scrapy's scraper fills and stops the downloader: pending pages stay bounded.
- **A CPU deadline per page.** The worker arms `ITIMER_PROF` (the process's CPU time)
  before each page. SIGPROF's default action ends the process, and it is delivered in the
  middle of native code too, where a Python-level timeout would wait for the parser to
  return. A page past its deadline is answered `extraction_timeout`, a new worker takes
  its place, pages sent after it are read again there, and the crawl goes on. A worker
  that stops answering without using CPU (it cannot, but the kernel may stall it) is
  killed after a wall-clock limit.
- **Recycling.** A worker takes no new page after `recycle_after` and ends once it has
  answered them; a new one takes its place: whatever native memory a parser keeps cannot
  grow without bound.
- Forked from a forkserver that imported the extractor once (milliseconds, none of the
  crawl's threads or sockets), workers ignore SIGINT and SIGTERM (the crawl owns
  shutdown) and end when their socket closes: a killed crawl leaves none behind.

`workers=0` runs extraction inline, in the reactor, with no deadline: for debugging
(a breakpoint in an extractor, a traceback where it raised).
"""

from __future__ import annotations

import heapq
import logging
import multiprocessing
import os
import pickle
import signal
import socket
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from twisted.internet import defer
from twisted.internet.protocol import Factory
from twisted.protocols.basic import Int32StringReceiver

from prospector.crawl.worker_process import GOODBYE, worker_main
from prospector.extract.page_job import PageJob, PageResult, run_job
from prospector.hosts import REFUSED
from prospector.models import PageFacts
from prospector.urls import canonicalize, registered_domain

log = logging.getLogger(__name__)

# Sent to a worker and not answered: the page it reads and those waiting in its socket.
# A busy reactor reads answers and writes pages once per turn of its loop (7 ms median
# on the bulk sample web, ≈ 1.2 ms of CPU a page in a worker): with 2 in flight the
# workers sat idle most of the time and the crawl waited on them (bench/RESULTS.md).
IN_FLIGHT = 8
# Pages handed to the pool per worker (in flight, or waiting for one): when a worker
# answers, the next page is ready to go. Scrapy's scraper also caps the bytes of the
# responses being processed (SCRAPER_SLOT_MAX_ACTIVE_SIZE), these included.
QUEUED_PER_WORKER = 2 * IN_FLIGHT
# The wall-clock limit on one page is this many CPU deadlines (a loaded machine gives a
# worker a fraction of a core), and at least WALL_FLOOR_SECONDS.
WALL_FACTOR = 10.0
WALL_FLOOR_SECONDS = 30.0
# Seconds a closing pool waits for its workers to say goodbye before killing them.
CLOSE_SECONDS = 5.0
_START_METHOD = "forkserver"
_PRELOAD = ["prospector.crawl.worker_warm"]  # warm workers: see that module

MAX_FRAME = 1 << 30  # an answer this large is a broken worker: that page fails

SLOWEST_KEPT = 10  # the slowest pages' CPU times the crawl's log names at its end
TIMEOUT = "extraction_timeout"
FAILED = "extraction_failed"


def default_workers() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class PoolStats:
    """What the pool did, for the crawl's stats and its log."""

    pages: int = 0
    timeouts: int = 0
    failures: int = 0
    errors: int = 0
    started: int = 0  # worker processes started (recycled and replaced included)
    peaks_mb: dict[int, float] = field(default_factory=dict)  # worker pid -> peak RSS
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (CPU s, URL), a heap
    cpu_seconds: float = 0.0  # the workers' CPU time over the pages they read

    def note_time(self, seconds: float, url: str) -> None:
        """Keep the SLOWEST_KEPT slowest pages read (the crawl logs them at its end)."""
        self.cpu_seconds += seconds
        if len(self.slowest) < SLOWEST_KEPT:
            heapq.heappush(self.slowest, (seconds, url))
        elif seconds > self.slowest[0][0]:
            heapq.heapreplace(self.slowest, (seconds, url))

    @property
    def peak_mb(self) -> float:
        return max(self.peaks_mb.values(), default=0.0)


class ExtractionPool:
    """N worker processes behind `submit(job) -> Deferred[PageResult]`; N = 0: inline.

    Everything here runs in the reactor's thread: the workers' sockets are reactor
    connections, their wall clocks reactor timers."""

    def __init__(self, workers: int, deadline: float = 2.0, recycle_after: int = 2000,
                 reactor: Any = None) -> None:
        if workers < 0 or deadline <= 0 or recycle_after < 1:
            raise ValueError("workers >= 0, deadline > 0 and recycle_after >= 1")
        self.workers = workers
        self.deadline = deadline
        self.recycle_after = recycle_after
        self.wall_seconds = max(WALL_FLOOR_SECONDS, deadline * WALL_FACTOR)
        self.stats = PoolStats()
        self.reactor = reactor  # the global one when start() is called without it
        self._room = defer.DeferredSemaphore(max(1, workers * QUEUED_PER_WORKER))
        self._waiting: deque[_Task] = deque()  # in the pool, no worker yet
        self._live: list[_Worker] = []  # taking pages
        self._ending: list[_Worker] = []  # recycled, replaced or closing: no new pages
        self._context: Any = None
        self._closed = False
        self._ended: defer.Deferred[None] | None = None

    def start(self) -> None:
        if self.workers == 0 or self._context is not None:
            return
        if self.reactor is None:
            from twisted.internet import reactor

            self.reactor = reactor
        self._context = multiprocessing.get_context(_START_METHOD)
        self._context.set_forkserver_preload(_PRELOAD)
        for _ in range(self.workers):
            self._spawn()

    def submit(self, job: PageJob) -> defer.Deferred[PageResult]:
        """The page's result once a worker has read it (the Deferred waits for room)."""
        if self.workers == 0:
            self.stats.pages += 1
            return defer.succeed(run_job(job))  # inline: an exception is the caller's
        if self._closed:
            return defer.succeed(_failed(job, FAILED))
        return self._room.run(self._enqueue, job)

    def pending(self) -> int:
        """Pages handed to the pool and not answered yet (bounded by the pool's room)."""
        return len(self._waiting) + sum(len(w.in_flight) for w in self._live + self._ending)

    def worker_pids(self) -> list[int]:
        """The worker processes alive now."""
        return [w.pid for w in self._live + self._ending if w.process.is_alive()]

    def close(self) -> defer.Deferred[None]:
        """Let each worker finish its pages and end; fires when all have. Pages still
        waiting are answered extraction_failed (nobody waits for them: the crawl is over)."""
        if self._ended is not None:
            return self._ended
        self._closed = True
        self._ended = defer.Deferred()
        self._fail_waiting()
        for worker in list(self._live):
            self._retire(worker, "crawl closed")
        if self.reactor is not None and self._ending:
            self.reactor.callLater(self.wall_seconds + CLOSE_SECONDS, self._kill_all)
        self._check_ended()
        return self._ended

    # -- inside the pool ------------------------------------------------------------------
    def _enqueue(self, job: PageJob) -> defer.Deferred[PageResult]:
        task = _Task(job, defer.Deferred())
        self._waiting.append(task)
        self._dispatch()
        return task.done

    def _spawn(self) -> None:
        self._live.append(_Worker.start(self))
        self.stats.started += 1

    def _dispatch(self) -> None:
        """Hand waiting pages to workers with room, recycling those that read enough."""
        if not self._waiting:
            return
        for worker in list(self._live):
            # An idle worker killed from outside is not sent a page it would be blamed
            # for: its lost connection, next in the reactor, replaces it. (Asked only of
            # an idle worker: asking before every page was 2.5 % of a fast crawl.)
            if worker.lost or (not worker.in_flight and not worker.process.is_alive()):
                continue
            while self._waiting and len(worker.in_flight) < IN_FLIGHT:
                worker.send(self._waiting.popleft())
                if worker.sent >= self.recycle_after:
                    self._retire(worker, "recycled")
                    self._spawn()
                    break

    def _retire(self, worker: _Worker, why: str) -> None:
        """No new pages for this worker: it says goodbye once its pages are answered."""
        self._live.remove(worker)
        self._ending.append(worker)
        worker.ending = why
        if not worker.in_flight:
            worker.goodbye()

    def _answered(self, worker: _Worker, task: _Task, status: str, payload: Any) -> None:
        if status == "ok":
            result: PageResult = payload
            if result.cpu_seconds > job_slow_seconds(self.deadline):
                log.info("extraction of %s took %.2f s CPU", task.job.url, result.cpu_seconds)
            self.stats.note_time(result.cpu_seconds, result.facts.url)
            for why in result.refused:
                REFUSED.add(why)  # for the crawl's one summary line (prospector.crawl.run)
        else:
            log.warning("extraction of %s raised %s", task.job.url, payload)
            result = _failed(task.job, f"extraction_error: {payload}")
            self.stats.errors += 1
        self.stats.pages += 1
        if worker.ending and not worker.in_flight:
            worker.goodbye()
        self._dispatch()
        task.done.callback(result)

    def _lost(self, worker: _Worker, head: _Task | None, rest: list[_Task], code: int | None,
              silent: bool) -> None:
        """A worker's connection closed: after its goodbye, or because it died."""
        why = worker.ending or "found dead"
        if head is not None:
            why = TIMEOUT if silent or code == -signal.SIGPROF else FAILED
            log.warning("extraction of %s: %s (worker %d replaced)", head.job.url, why,
                        worker.pid)
            if why == TIMEOUT:
                self.stats.timeouts += 1
            else:
                self.stats.failures += 1
            self.stats.pages += 1
        if worker in self._live:
            self._live.remove(worker)
            if not self._closed:
                self._spawn()
        elif worker in self._ending:
            self._ending.remove(worker)
        if worker.peak_mb:
            self.stats.peaks_mb[worker.pid] = worker.peak_mb
        log.info("extraction worker %d peak RSS %.0f MB (%d pages, %s)", worker.pid,
                 worker.peak_mb, worker.pages, why)
        # Pages sent after the one it died on were never its fault: read again elsewhere.
        self._waiting.extendleft(reversed(rest))
        if self._closed:
            self._fail_waiting()
        self._dispatch()
        if head is not None:
            head.done.callback(_failed(head.job, why))
        self._check_ended()

    def _fail_waiting(self) -> None:
        """Answer every page still waiting extraction_failed: the crawl is over."""
        while self._waiting:
            task = self._waiting.popleft()
            task.done.callback(_failed(task.job, FAILED))

    def _check_ended(self) -> None:
        if self._closed and not self._live and not self._ending and self._ended is not None \
                and not self._ended.called:
            self._ended.callback(None)

    def _kill_all(self) -> None:
        for worker in self._live + self._ending:
            worker.kill()


def _failed(job: PageJob, error: str) -> PageResult:
    """A page with no extraction: its URL and site only, and why."""
    url = canonicalize(job.url)
    return PageResult(PageFacts(url=url, domain=registered_domain(url)), None, error)


@dataclass(frozen=True, slots=True)
class _Task:
    job: PageJob
    done: defer.Deferred[PageResult]


class _Link(Int32StringReceiver):
    """The reactor's end of one worker's socket: 4-byte big-endian lengths, pickles."""

    MAX_LENGTH = MAX_FRAME

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker

    def stringReceived(self, string: bytes) -> None:
        self.worker.received(string)

    def lengthLimitExceeded(self, length: int) -> None:
        self.worker.kill()  # an answer over MAX_FRAME: that page fails, not the crawl

    def connectionLost(self, reason: Any = None) -> None:
        self.worker.connection_lost()


class _LinkFactory(Factory):
    def __init__(self, worker: _Worker) -> None:
        self.worker = worker

    def buildProtocol(self, addr: Any) -> _Link:
        link = _Link(self.worker)
        link.factory = self
        self.worker.link = link
        return link


class _Worker:
    """The reactor's side of one worker process: the pages it was sent, in order."""

    def __init__(self, pool: ExtractionPool, process: Any) -> None:
        self.pool = pool
        self.process = process
        self.pid: int = process.pid
        self.link: _Link | None = None
        self.in_flight: deque[_Task] = deque()  # the first is the page it reads now
        self.sent = 0
        self.pages = 0
        self.ending = ""  # why it takes no new pages ("" while it does)
        self.peak_mb = 0.0
        self.lost = False
        self._said_goodbye = False
        self._silent = False  # killed past its wall-clock limit
        self._timer: Any = None  # that limit, for the page it reads now

    @classmethod
    def start(cls, pool: ExtractionPool) -> _Worker:
        parent, child = socket.socketpair()
        process = pool._context.Process(target=worker_main, args=(child, pool.deadline),
                                        name="prospector-extract", daemon=True)
        process.start()
        child.close()  # the worker's end lives in the worker: its death closes the socket
        worker = cls(pool, process)
        pool.reactor.adoptStreamConnection(parent.fileno(), socket.AF_UNIX,
                                           _LinkFactory(worker))
        parent.close()  # the reactor holds its own duplicate
        return worker

    def send(self, task: _Task) -> None:
        assert self.link is not None
        self.in_flight.append(task)
        self.sent += 1
        self.link.sendString(pickle.dumps(task.job, pickle.HIGHEST_PROTOCOL))  # type: ignore[no-untyped-call]
        if len(self.in_flight) == 1:
            self._arm()

    def goodbye(self) -> None:
        """Ask for the worker's peak RSS and its end; killed if it does not answer."""
        if self._said_goodbye or self.lost or self.link is None:
            return
        self._said_goodbye = True
        self.link.sendString(GOODBYE)  # type: ignore[no-untyped-call]
        self._disarm()
        self._timer = self.pool.reactor.callLater(CLOSE_SECONDS, self.kill)

    def received(self, frame: bytes) -> None:
        status, payload = pickle.loads(frame)
        if status == "bye":
            self.peak_mb = float(payload)
            transport: Any = self.link.transport if self.link else None
            transport.loseConnection()
            return
        task = self.in_flight.popleft()
        self.pages += 1
        self._arm()  # the next page, if any, is the one it reads from now on
        self.pool._answered(self, task, status, payload)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()

    def connection_lost(self) -> None:
        """Its socket closed: wait (in the reactor) for its exit code, then report."""
        self.lost = True
        self._disarm()
        self.kill()  # a worker whose connection is gone is of no use
        self._await_exit(self.pool.reactor.seconds() + CLOSE_SECONDS)

    def _await_exit(self, until: float) -> None:
        code = self.process.exitcode  # non-blocking: the forkserver reports it
        if code is None and self.pool.reactor.seconds() < until:
            self.pool.reactor.callLater(0.005, self._await_exit, until)
            return
        head = self.in_flight.popleft() if self.in_flight else None
        rest = list(self.in_flight)
        self.in_flight.clear()
        self.pool._lost(self, head, rest, code, self._silent)

    def _arm(self) -> None:
        self._disarm()
        if self.in_flight:
            self._timer = self.pool.reactor.callLater(self.pool.wall_seconds, self._too_long)

    def _disarm(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None

    def _too_long(self) -> None:
        """Alive but silent past the wall-clock limit (it cannot use CPU past its deadline,
        but the kernel may stall it): killed, and its page recorded as timed out."""
        self._timer = None
        self._silent = True
        self.kill()


def job_slow_seconds(deadline: float) -> float:
    """A page slower than this is named in the log (INFO): a quarter of the deadline."""
    return deadline / 4
