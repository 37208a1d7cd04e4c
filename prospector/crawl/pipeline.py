"""The only bridge from the crawl to the DB: items written in batches by the StoreSink,
which holds the DB only while it writes (readers get in between), the run closed on
spider_closed (where Scrapy says why the crawl ended).

The connection's memory is bounded (PROSPECTOR_DB_MEMORY_LIMIT, PROSPECTOR_DB_THREADS):
with DuckDB's defaults (80 % of RAM, a thread per core) its buffer pool keeps what it
wrote and each checkpoint's peak grows, so a long crawl's memory grows with its pages
(a 10,000-page write: peak 333 MB by default, 179 MB with 64 MB and one thread); the
writes are one statement a table a batch and gain nothing from more threads.

Writes happen off the reactor (issue 23): a batch's write, and above all the checkpoint
DuckDB makes when the sink lets go of the file (over a second on a loaded machine),
stopped every download and every callback while it ran. The sink is handed to one
thread of the reactor's pool at a time; while a write is in flight, new items wait
beside it in the pipeline and join the sink when the write is done, so the sink is
never used from two threads at once. Past MAX_BUFFERED_BATCHES batches waiting,
process_item returns a Deferred and Scrapy's item processing waits for the write.
Without a running reactor (unit tests, tools) writes happen in the caller's thread.

In distributed mode workers do not open the DB (DuckDB has one writer): their items go
to a Redis list that the coordinator loads: a job's settings put
prospector.distributed.items.RedisItemPipeline in this pipeline's place."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import duckdb
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import defer, task, threads
from twisted.python.failure import Failure

from prospector.config.scrapy import CrawlSettings
from prospector.crawl.sink import StoreSink, write_opener
from prospector.crawl.stats import count_item
from prospector.errors import LockedError, ProspectorError
from prospector.store.connection import MEMORY_SIZE
from prospector.store.db import Store, explain_storage_error

RUN_ID_STAT = "prospector/run_id"
STORAGE_ERROR_STAT = "prospector/storage_error"
STORAGE_CODE_STAT = "prospector/storage_error_code"
# A write that finds the DB held by a reader is tried again this much later; past this
# many batches in memory, the crawl waits for the reader instead.
RETRY_SECONDS = 0.25
RELEASE_CHECK_SECONDS = 0.5
MAX_BUFFERED_BATCHES = 10


class StorePipeline:
    def __init__(self, crawler: Crawler, db_path: str, batch_size: int, run_id: int,
                 flush_seconds: float, open_store: Callable[[float], Store]) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.batch_size = batch_size
        self.run_id = run_id
        self.sink: StoreSink | None = None
        self.open_store = open_store  # the DB, opened for writing
        self.failure: ProspectorError | None = None
        # A slow crawl still reaches the DB every few seconds: a kill loses at most that.
        self.flush_seconds = flush_seconds
        self.last_flush = time.monotonic()
        self.retry_at = 0.0  # after a write that found the file held by a reader
        self.release_loop: task.LoopingCall | None = None
        self.threaded = False  # writes in a thread: only when a reactor runs
        self.writing = False  # a write (or a release) is in flight in its thread
        self.incoming: list[Any] = []  # items that came while it was
        self.waiting: list[defer.Deferred[None]] = []  # fired when it is done

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        job = CrawlSettings.from_settings(crawler.settings)
        pipeline = cls(
            crawler,
            db_path=job.db_path,
            batch_size=job.batch_size,
            run_id=job.run_id,
            flush_seconds=job.flush_seconds,
            # The size is checked here, before the crawl: it is formatted into SQL.
            open_store=write_opener(job.db_path, replace(
                job, db_memory_limit=_size(job.db_memory_limit) if job.db_memory_limit else "")),
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        # Opened once now, so that an unusable DB fails the crawl at its start; an
        # in-memory DB stays open (it would not outlive a close).
        store = Store.open(self.db_path)  # created and migrated if new
        # The CLI passes its run in the settings; under `scrapy crawl` and scrapyd the
        # run's owner (prospector.crawl.owner) gave it to the spider.
        self.run_id = self.run_id or int(getattr(self.crawler.spider, "run_id", 0) or 0)
        if not self.run_id:
            # No owner at all (RunOwner disabled in the settings): a bare run.
            keyword = str(getattr(self.crawler.spider, "keyword", ""))
            self.run_id = store.start_run(keyword, "{}")
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(RUN_ID_STAT, self.run_id)
        from twisted.internet import reactor

        self.threaded = bool(getattr(reactor, "running", False)) and self.db_path != ":memory:"
        if self.db_path == ":memory:":
            self.sink = StoreSink(store, self.run_id)
        else:
            store.close()
            self.sink = StoreSink(self.open_store, self.run_id)
            # The sink keeps the DB open across quick batches; this lets go of it when
            # the crawl has gone quiet, so readers are never kept out for long.
            self.release_loop = task.LoopingCall(self._release_tick)
            self.release_loop.start(RELEASE_CHECK_SECONDS, now=False)

    def process_item(self, item: Any) -> Any:
        assert self.sink is not None
        if self.failure is not None:
            return item  # the DB cannot take more; the crawl is closing
        count_item(self.crawler.stats, item)
        if self.writing:
            self.incoming.append(item)
            if len(self.incoming) < MAX_BUFFERED_BATCHES * self.batch_size:
                return item
            return self._when_written().addCallback(lambda _: item)  # back-pressure
        self.sink.add(item)
        self._maybe_write()
        return item

    def _maybe_write(self) -> None:
        assert self.sink is not None
        now = time.monotonic()
        if len(self.sink) and now >= self.retry_at and (
                len(self.sink) >= self.batch_size or now - self.last_flush >= self.flush_seconds):
            # A reader holding the file makes the crawl wait only when the buffer is
            # already full several times over; else it tries again shortly.
            wait = len(self.sink) >= MAX_BUFFERED_BATCHES * self.batch_size
            self._in_writer(self.sink.flush, wait).addCallback(self._flushed, now)

    def _flushed(self, wrote: bool | None, began: float) -> None:
        if wrote:
            self.last_flush, self.retry_at = began, 0.0
        elif wrote is False:
            self.retry_at = time.monotonic() + RETRY_SECONDS

    def _release_tick(self) -> None:
        if self.sink is not None and not self.writing and self.failure is None:
            self._in_writer(self.sink.maybe_release)

    def _in_writer(self, write: Callable[..., Any], *args: Any) -> defer.Deferred[Any]:
        """Run `write` on the sink in the writer's thread (see the module's docstring);
        the Deferred fires with its result, or with None when it failed."""
        self.writing = True
        done = (threads.deferToThread(write, *args) if self.threaded
                else defer.maybeDeferred(write, *args))
        return done.addBoth(self._written)

    def _written(self, result: Any) -> Any:
        self.writing = False
        failed = isinstance(result, Failure)
        if failed:
            if result.check(duckdb.Error, OSError, LockedError, ProspectorError):
                self._storage_failed(result.value)
            else:  # a bug: say it, and stop the crawl rather than lose its pages quietly
                self._record_failure(ProspectorError(f"storage failed: {result.value!r}"))
                self._close_crawl()
        items, self.incoming = self.incoming, []
        if self.sink is not None:
            for item in items:
                self.sink.add(item)
        waiting, self.waiting = self.waiting, []
        for waiter in waiting:
            waiter.callback(None)
        if not failed and not waiting and self.sink is not None and self.failure is None:
            self._maybe_write()
        return None if failed else result

    def _when_written(self) -> defer.Deferred[None]:
        waiter: defer.Deferred[None] = defer.Deferred()
        self.waiting.append(waiter)
        return waiter

    def _storage_failed(self, exc: BaseException) -> None:
        """A write failed (a full disk, a read-only file): stop the crawl, keep what was
        committed, and leave one line for the CLI to print instead of tracebacks."""
        self._record_failure(exc)
        self._close_crawl()

    def _close_crawl(self) -> None:
        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_error"))

    def spider_closed(self, reason: str) -> defer.Deferred[None] | None:
        """Closes the run once Scrapy knows why the crawl ended: `finish_reason` is not
        in the stats yet when item pipelines' close_spider runs, so a crawl stopped by
        SIGTERM ('shutdown') was recorded as done. A write still in flight is waited for
        (Scrapy waits for the Deferred), then the rest is written here."""
        if self.release_loop is not None and self.release_loop.running:
            self.release_loop.stop()
        if self.writing:
            return self._when_written().addCallback(lambda _: self._close_run(reason))
        self._close_run(reason)
        return None

    def _close_run(self, reason: str) -> None:
        if self.sink is None:
            return
        try:
            if self.failure is None:
                try:
                    self.sink.close("done" if reason == "finished" else "partial")
                except (duckdb.Error, OSError, LockedError) as exc:
                    self._record_failure(exc)
        finally:
            self.sink.release()
            if isinstance(self.sink.target, Store):
                self.sink.target.close()
            self.sink = None

    def _record_failure(self, exc: BaseException) -> None:
        error = exc if isinstance(exc, ProspectorError) else explain_storage_error(exc, self.db_path)
        if error is None:
            raise exc
        self.failure = error
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(STORAGE_ERROR_STAT, str(error))
        self.crawler.stats.set_value(STORAGE_CODE_STAT, int(error.code))


def _size(text: str) -> str:
    """A DuckDB memory size ('128MB', '1.5GiB'), checked at the start of the crawl (the
    store checks it again: it is formatted into SQL)."""
    value = text.strip()
    if not MEMORY_SIZE.fullmatch(value):
        raise ProspectorError(f"PROSPECTOR_DB_MEMORY_LIMIT: not a memory size: {text!r}")
    return value
