"""The scoring's two lanes (issue 23: every core used). DuckDB lets go of the GIL while a
statement runs, so the scoring's writes and the site graph's SQL run in a thread on the
store's connection (the `Lane`, its jobs in order) while the scoring's own thread goes
on with what does not wait for them: relevance and the ranking gates on a second
connection while the graph is made, then PageRank, HITS and every site's breakdown (in
Python) while the graph is stored as site_links and the scores go in behind it. The
work is the same; the wait is shorter by what the lanes overlap."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, TypeVar

from prospector.store.db import Store

T = TypeVar("T")
# Jobs waiting in the lane at most: the scoring hands it a slice of scores at a time,
# and waits when this many are queued. The site graph's INSERT ahead of them takes ≈1 s
# at 100,000 sites, while a slice takes ≈0.08 s to make and holds ≈8 MB of breakdowns:
# with 3 the scoring waited ≈0.7 s of that second; with 8, 0.25–0.45 s less in all, the
# peak 543 MB against 527–536 (bench/RESULTS.md, "the scoring in two lanes").
PENDING = 8

_Job = tuple[Future[Any], Callable[[], Any]]


class Lane:
    """Jobs run one after another, in the order given, in a thread of their own on the
    store's connection (nothing else may use it meanwhile). After a job fails, the later
    ones fail with its error without running (they were part of one transaction)."""

    def __init__(self, store: Store, pending: int = PENDING) -> None:
        self._store = store
        self._jobs: queue.Queue[_Job | None] = queue.Queue(maxsize=pending)
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="prospector-score-lane",
                                        daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Queue `fn(*args)`; its future. Waits while PENDING jobs are queued."""
        done: Future[T] = Future()
        self._jobs.put((done, lambda: fn(*args)))
        return done

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            done, call = job
            if self._failed is not None:
                done.set_exception(self._failed)
                continue
            try:
                done.set_result(call())
            except BaseException as exc:  # handed to the scoring's thread, raised there
                self._failed = exc
                done.set_exception(exc)

    def finish(self) -> None:
        """Wait for every job queued; the first failure's error, if any."""
        self._jobs.put(None)
        self._thread.join()
        if self._failed is not None:
            raise self._failed

    def abort(self) -> None:
        """Stop: the running statement interrupted, the queued jobs dropped, the thread
        ended (the caller's rollback must not meet a running statement), through a
        second Ctrl-C."""
        self._failed = self._failed or RuntimeError("the scoring stopped")
        self._store.interrupt()
        while True:
            try:
                self._jobs.put_nowait(None)
                break
            except queue.Full:
                _drop_one(self._jobs)
        while self._thread.is_alive():
            try:
                self._thread.join()
            except KeyboardInterrupt:
                continue


def _drop_one(jobs: queue.Queue[_Job | None]) -> None:
    """Take a queued job out unrun (abort's room for the stop mark)."""
    try:
        job = jobs.get_nowait()
    except queue.Empty:
        return
    if job is not None:
        job[0].cancel()


@contextmanager
def lanes(store: Store) -> Iterator[tuple[Lane, Store]]:
    """A Lane on `store`'s connection and a sibling connection (its own statements, no
    view of the open transaction) for the body's reads. On leaving: the body's error,
    if any, once the lane is stopped; else the lane's first error, if any; else every
    job is done."""
    lane = Lane(store)
    try:
        other = store.sibling()
        try:
            yield lane, other
        finally:
            other.close()
        lane.finish()
    except BaseException:
        lane.abort()
        raise
