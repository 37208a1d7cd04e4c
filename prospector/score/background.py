"""The scoring's two lanes (issue 23: every core used). The site graph is one long run of
DuckDB statements on the store's connection (the GROUP BY of every link, then the
site_links rows: ≈2.7 of the ≈9 CPU-s at 100,000 sites). DuckDB lets go of the GIL while
a statement runs, so the graph is built in a thread while the scoring goes on with what
does not need it (relevance and the ranking gates, ≈1.7 CPU-s) on a second connection,
then with what needs only the graph's edges (PageRank and HITS) while the thread stores
the graph. The work is the same; the wait is shorter by what the lanes overlap."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import TypeVar

from prospector.store.db import Store

T = TypeVar("T")


@contextmanager
def alongside(store: Store, work: Callable[[Future[T]], None]
              ) -> Iterator[tuple[Store, Future[T]]]:
    """Run `work` (statements on `store`'s connection) in a thread while the body runs
    with a sibling connection; yields (the sibling, the future `work` hands its first
    result to: `result()` waits for it, or raises `work`'s error). The body must not touch
    `store` meanwhile. On leaving: the body's error, if any, once `work`'s statement is
    interrupted and the thread has ended (the caller's rollback must not meet a running
    statement); else `work`'s error, if any; else both are done."""
    failed: list[BaseException] = []
    handed: Future[T] = Future()

    def run() -> None:
        try:
            work(handed)
            if not handed.done():
                raise RuntimeError("the scoring's graph lane ended without its result")
        except BaseException as exc:  # handed to the caller's thread, raised there
            failed.append(exc)
            if not handed.done():
                handed.set_exception(exc)

    thread = threading.Thread(target=run, name="prospector-site-graph", daemon=True)
    other = store.sibling()
    thread.start()
    try:
        try:
            yield other, handed
        finally:
            other.close()
        thread.join()
    except BaseException:
        store.interrupt()
        _wait(thread)
        raise
    if failed:
        raise failed[0]


def _wait(thread: threading.Thread) -> None:
    """Join `thread` after an interrupt, through another Ctrl-C: its statement holds the
    connection until it ends (the interrupt stops it at its next vector)."""
    while thread.is_alive():
        try:
            thread.join()
        except KeyboardInterrupt:
            continue
