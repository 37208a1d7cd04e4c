"""Extraction in worker processes (issue 23): every core used, and no page can stall
the crawl.

Scrapy's reactor is one thread: extraction run inside it used one core, and one hostile
page (100,000 nested elements: over a minute in the parser) stopped every download for
as long as it took. Here the reactor hands each HTML page (bytes, URL) to a pool of
processes and gets a `PageResult` back as a Deferred:

- **Slots.** Each of N slots is a thread that owns one worker process and talks to it
  over a pipe. The thread only waits (the GIL is free while it does), pickles the job and
  unpickles the result; the reactor never blocks.
- **Back-pressure.** At most `QUEUED_PER_WORKER` pages per worker are waiting or being
  extracted; `submit` waits for room (a DeferredSemaphore), so the spider's callbacks
  wait, Scrapy's scraper fills and stops the downloader: pending pages stay bounded.
- **A CPU deadline per page.** The worker arms `ITIMER_PROF` (the process's CPU time)
  before each page. SIGPROF's default action ends the process, and it is delivered in the
  middle of native code too, where a Python-level timeout would wait for the parser to
  return. A page past its deadline is answered `extraction_timeout`, the slot starts a new
  worker, and the crawl goes on. A worker that stops answering without using CPU (it
  cannot, but the kernel may stall it) is killed after a wall-clock limit.
- **Recycling.** A worker ends after `recycle_after` pages and the slot starts a new one:
  whatever native memory a parser keeps cannot grow without bound.
- Workers are forked from a forkserver that has imported the extractor once, so a new
  worker costs milliseconds, not an interpreter start, and inherits none of the crawl's
  threads or sockets. They ignore SIGINT and SIGTERM (the crawl owns shutdown: its
  workers finish their page) and end when their pipe closes, so a killed crawl leaves
  none behind.

`workers=0` runs extraction inline, in the reactor, with no deadline: for debugging
(a breakpoint in an extractor, a traceback where it raised).
"""

from __future__ import annotations

import heapq
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from queue import SimpleQueue
from typing import Any

from twisted.internet import defer

from prospector.extract.page_job import PageJob, PageResult, run_job
from prospector.hosts import REFUSED
from prospector.models import PageFacts
from prospector.urls import canonicalize, registered_domain

log = logging.getLogger(__name__)

# Pages waiting or in extraction per worker: enough that a worker never waits for the
# reactor to hand it the next page, few enough that bodies held in memory stay small.
QUEUED_PER_WORKER = 4
# The wall-clock limit on one page is this many CPU deadlines (a loaded machine gives a
# worker a fraction of a core), and at least WALL_FLOOR_SECONDS.
WALL_FACTOR = 10.0
WALL_FLOOR_SECONDS = 30.0
# Seconds a closing pool waits for its workers to say goodbye before killing them.
CLOSE_SECONDS = 5.0
_START_METHOD = "forkserver"
_PRELOAD = ["prospector.extract.page_job"]

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

    def note_time(self, seconds: float, url: str) -> None:
        """Keep the SLOWEST_KEPT slowest pages read (the crawl logs them at its end)."""
        if len(self.slowest) < SLOWEST_KEPT:
            heapq.heappush(self.slowest, (seconds, url))
        elif seconds > self.slowest[0][0]:
            heapq.heapreplace(self.slowest, (seconds, url))

    @property
    def peak_mb(self) -> float:
        return max(self.peaks_mb.values(), default=0.0)


class ExtractionPool:
    """N worker processes behind `submit(job) -> Deferred[PageResult]`; N = 0: inline."""

    def __init__(self, workers: int, deadline: float = 2.0, recycle_after: int = 2000,
                 call_in_reactor: Callable[..., Any] | None = None) -> None:
        if workers < 0 or deadline <= 0 or recycle_after < 1:
            raise ValueError("workers >= 0, deadline > 0 and recycle_after >= 1")
        self.workers = workers
        self.deadline = deadline
        self.recycle_after = recycle_after
        self.stats = PoolStats()
        self._call = call_in_reactor or _reactor_call
        self._room = defer.DeferredSemaphore(max(1, workers * QUEUED_PER_WORKER))
        self._jobs: SimpleQueue[tuple[PageJob, defer.Deferred[PageResult]] | None] = SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()  # PoolStats is updated from the slot threads
        self._closed = False
        self._queued = 0  # handed to the slots, not answered yet

    def start(self) -> None:
        if self.workers == 0 or self._threads:
            return
        context = multiprocessing.get_context(_START_METHOD)
        context.set_forkserver_preload(_PRELOAD)
        for number in range(self.workers):
            slot = _Slot(self, context)
            self._slots.append(slot)
            thread = threading.Thread(target=slot.serve, name=f"extraction-slot-{number}",
                                      daemon=True)
            thread.start()
            self._threads.append(thread)

    def submit(self, job: PageJob) -> defer.Deferred[PageResult]:
        """The page's result once a worker has read it (the Deferred waits for room)."""
        if self.workers == 0:
            self.stats.pages += 1
            return defer.succeed(run_job(job))  # inline: an exception is the caller's
        if self._closed:
            return defer.succeed(_failed(job, FAILED))
        return self._room.run(self._enqueue, job)

    def _enqueue(self, job: PageJob) -> defer.Deferred[PageResult]:
        done: defer.Deferred[PageResult] = defer.Deferred()
        with self._lock:
            self._queued += 1
        self._jobs.put((job, done))
        return done

    def pending(self) -> int:
        """Pages handed to the slots and not answered yet (bounded by the pool's room)."""
        with self._lock:
            return self._queued

    def worker_pids(self) -> list[int]:
        """The worker processes alive now."""
        return [s.worker.pid for s in self._slots
                if s.worker is not None and s.worker.process.is_alive()]

    def close(self) -> None:
        """Let each worker finish its page and end; pages still queued are answered
        extraction_failed (nobody waits for them: the crawl is over)."""
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join(self.deadline * WALL_FACTOR + CLOSE_SECONDS)
        self._threads.clear()
        self._slots.clear()

    # -- called from the slot threads -------------------------------------------------
    def _deliver(self, done: defer.Deferred[PageResult], result: PageResult) -> None:
        with self._lock:
            self._queued -= 1
            self.stats.pages += 1
            if result.error == TIMEOUT:
                self.stats.timeouts += 1
            elif result.error == FAILED:
                self.stats.failures += 1
            elif result.error:
                self.stats.errors += 1
            else:
                self.stats.note_time(result.cpu_seconds, result.facts.url)
        for why in result.refused:
            REFUSED.add(why)  # for the crawl's one summary line (prospector.crawl.run)
        self._call(done.callback, result)

    def _worker_started(self) -> None:
        with self._lock:
            self.stats.started += 1

    def _worker_ended(self, pid: int, peak_mb: float, pages: int, why: str) -> None:
        with self._lock:
            if peak_mb:
                self.stats.peaks_mb[pid] = peak_mb
        log.info("extraction worker %d peak RSS %.0f MB (%d pages, %s)", pid, peak_mb,
                 pages, why)


def _reactor_call(function: Callable[..., Any], *args: Any) -> None:
    from twisted.internet import reactor

    reactor.callFromThread(function, *args)


def _failed(job: PageJob, error: str) -> PageResult:
    """A page with no extraction: its URL and site only, and why."""
    url = canonicalize(job.url)
    return PageResult(PageFacts(url=url, domain=registered_domain(url)), None, error)


class _Slot:
    """One slot thread's loop: take a job, run it in this slot's worker, deliver."""

    def __init__(self, pool: ExtractionPool, context: Any) -> None:
        self.pool = pool
        self.context = context
        self.worker: _Worker | None = None

    def serve(self) -> None:
        try:
            while (item := self.pool._jobs.get()) is not None:
                job, done = item
                self.pool._deliver(done, self._run(job))
        finally:
            if self.worker is not None:
                self.worker.stop(self.pool, "crawl closed")
            self.worker = None

    def _run(self, job: PageJob) -> PageResult:
        if self.worker is not None and not self.worker.process.is_alive():
            # Died between pages (killed from outside): the page it never saw is not
            # its fault; a new worker reads it.
            self.worker.stop(self.pool, "found dead")
            self.worker = None
        if self.worker is None:
            self.worker = _Worker.start(self.context, self.pool.deadline)
            self.pool._worker_started()
        worker = self.worker
        result = worker.run(job, self.pool.deadline * WALL_FACTOR)
        if result.error in (TIMEOUT, FAILED):
            log.warning("extraction of %s: %s (worker %d replaced)", job.url, result.error,
                        worker.pid)
            worker.stop(self.pool, result.error)
            self.worker = None
        elif worker.pages >= self.pool.recycle_after:
            worker.stop(self.pool, "recycled")
            self.worker = None
        return result


class _Worker:
    """The parent's side of one worker process."""

    def __init__(self, process: Any, conn: Connection, deadline: float) -> None:
        self.process = process
        self.conn = conn
        self.deadline = deadline
        self.pid: int = process.pid
        self.pages = 0

    @classmethod
    def start(cls, context: Any, deadline: float) -> _Worker:
        parent, child = context.Pipe()
        process = context.Process(target=worker_main, args=(child, deadline),
                                  name="prospector-extract", daemon=True)
        process.start()
        child.close()  # the worker's end lives in the worker: its death closes the pipe
        return cls(process, parent, deadline)

    def run(self, job: PageJob, wall_seconds: float) -> PageResult:
        self.pages += 1
        try:
            self.conn.send(job)
            if not self.conn.poll(max(WALL_FLOOR_SECONDS, wall_seconds)):
                self.process.kill()  # alive but silent past the wall-clock limit
                return _failed(job, TIMEOUT)
            status, payload = self.conn.recv()
        except (EOFError, OSError):  # the worker died: past its CPU deadline, or worse
            self.process.join(CLOSE_SECONDS)
            timed_out = self.process.exitcode == -signal.SIGPROF
            return _failed(job, TIMEOUT if timed_out else FAILED)
        if status == "ok":
            result: PageResult = payload
            if result.cpu_seconds > job_slow_seconds(self.deadline):
                log.info("extraction of %s took %.2f s CPU", job.url, result.cpu_seconds)
            return result
        log.warning("extraction of %s raised %s", job.url, payload)
        return _failed(job, f"extraction_error: {payload}")

    def stop(self, pool: ExtractionPool, why: str) -> None:
        peak = 0.0
        if self.process.is_alive():
            try:
                self.conn.send(None)
                if self.conn.poll(CLOSE_SECONDS):
                    peak = float(self.conn.recv())
            except (EOFError, OSError):
                pass
        self.conn.close()
        self.process.join(CLOSE_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(CLOSE_SECONDS)
        pool._worker_ended(self.pid, peak, self.pages, why)


# -- the worker process ------------------------------------------------------------------
def worker_main(conn: Connection, deadline: float) -> None:
    """Read jobs until the pipe closes or says None; each under a CPU deadline."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGPROF, signal.SIG_DFL)  # past the deadline: end the process
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the crawl is gone
        if job is None:
            conn.send(peak_rss_mb())
            return
        signal.setitimer(signal.ITIMER_PROF, deadline)
        began = time.process_time()
        try:
            result = run_job(job)
            reply: tuple[str, Any] = ("ok", replace(
                result, cpu_seconds=time.process_time() - began, refused=tuple(REFUSED.drain())))
        except Exception as exc:  # a bug met on one page must not end the crawl
            reply = ("error", f"{type(exc).__name__}: {exc}"[:300])
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        try:
            conn.send(reply)
        except OSError:  # BrokenPipeError: the crawl is gone
            return


def job_slow_seconds(deadline: float) -> float:
    """A page slower than this is named in the log (INFO): a quarter of the deadline."""
    return deadline / 4


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM: reset at exec, unlike getrusage's ru_maxrss,
    which a forked child inherits from its parent's peak)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
