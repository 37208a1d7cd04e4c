"""The scoring's two lanes (issue 23: every core used). The site graph is one long run of
DuckDB statements on the store's connection (the GROUP BY of every link, then the
site_links rows: ≈2.7 of the ≈9 CPU-s at 100,000 sites). DuckDB lets go of the GIL while
a statement runs, so the graph is built in a thread while the scoring goes on with what
does not need it (relevance and the ranking gates, ≈1.7 CPU-s) on a second connection.
The work is the same; the wait is shorter by what the two lanes overlap."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prospector.store.db import Store


@contextmanager
def alongside(store: Store, work: Callable[[], None]) -> Iterator[Store]:
    """Run `work` (statements on `store`'s connection) in a thread while the body runs
    with a sibling connection (yielded; the body must not touch `store` meanwhile). On
    leaving: the body's error, if any, after `work`'s statement is interrupted and the
    thread has ended (the caller's rollback must not meet a running statement); else
    `work`'s error, if any; else both are done."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the caller's thread, raised there
            failed.append(exc)

    thread = threading.Thread(target=run, name="prospector-site-graph", daemon=True)
    other = store.sibling()
    thread.start()
    try:
        try:
            yield other
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
