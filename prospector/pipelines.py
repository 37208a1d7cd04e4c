"""The only bridge from the crawl to the DB: one connection for the whole crawl,
opened in open_spider, items written in batches, closed in close_spider.

In distributed mode workers do not open the DB (DuckDB has one writer): their items go
to a Redis list that the coordinator loads (prospector.distributed)."""

from __future__ import annotations

import time
from typing import Any

import duckdb
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from prospector.errors import ProspectorError
from prospector.models import FetchedPage, SiteDone
from prospector.sink import StoreSink
from prospector.store.db import Store, explain_storage_error

RUN_ID_STAT = "prospector/run_id"
CONTACTS_STAT = "prospector/contacts"
SITES_DONE_STAT = "prospector/sites_done"
STORAGE_ERROR_STAT = "prospector/storage_error"
STORAGE_CODE_STAT = "prospector/storage_error_code"


def _count(crawler: Crawler, item: Any) -> None:
    assert crawler.stats is not None
    if isinstance(item, FetchedPage):
        crawler.stats.inc_value(CONTACTS_STAT, len(item.facts.contacts))
    elif isinstance(item, SiteDone):
        crawler.stats.inc_value(SITES_DONE_STAT)


class StorePipeline:
    def __init__(self, crawler: Crawler, db_path: str, keyword: str, config_json: str,
                 batch_size: int, run_id: int, flush_seconds: float = 5.0) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.keyword = keyword
        self.config_json = config_json
        self.batch_size = batch_size
        self.run_id = run_id
        self.sink: StoreSink | None = None
        self.failure: ProspectorError | None = None
        # A slow crawl still reaches the DB every few seconds: a kill loses at most that.
        self.flush_seconds = flush_seconds
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        s = crawler.settings
        if s.get("PROSPECTOR_REDIS_URL"):
            from prospector.distributed import RedisItemPipeline

            return RedisItemPipeline.from_crawler(crawler)  # type: ignore[return-value]
        return cls(
            crawler,
            db_path=s.get("PROSPECTOR_DB_PATH") or "prospector.duckdb",
            keyword=s.get("PROSPECTOR_KEYWORD", ""),
            config_json=s.get("PROSPECTOR_CONFIG_JSON", "{}"),
            batch_size=s.getint("PROSPECTOR_BATCH_SIZE", 200),
            run_id=s.getint("PROSPECTOR_RUN_ID", 0),
            flush_seconds=s.getfloat("PROSPECTOR_FLUSH_SECONDS", 5.0),
        )

    def open_spider(self) -> None:
        store = Store.open(self.db_path)
        if not self.run_id:
            # Run through `scrapy crawl` or scrapyd: no CLI started the run.
            keyword = self.keyword or str(getattr(self.crawler.spider, "keyword", ""))
            self.run_id = store.start_run(keyword, self.config_json)
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(RUN_ID_STAT, self.run_id)
        self.sink = StoreSink(store, self.run_id)

    def process_item(self, item: Any) -> Any:
        assert self.sink is not None
        if self.failure is not None:
            return item  # the DB cannot take more; the crawl is closing
        _count(self.crawler, item)
        try:
            self.sink.add(item)
            if len(self.sink) and (len(self.sink) >= self.batch_size
                                   or time.monotonic() - self.last_flush >= self.flush_seconds):
                self.last_flush = time.monotonic()
                self.sink.flush()
        except (duckdb.Error, OSError) as exc:
            self._storage_failed(exc)
        return item

    def _storage_failed(self, exc: BaseException) -> None:
        """A write failed (a full disk, a read-only file): stop the crawl, keep what was
        committed, and leave one line for the CLI to print instead of tracebacks."""
        self._record_failure(exc)
        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_error"))

    def close_spider(self) -> None:
        if self.sink is None:
            return
        try:
            assert self.crawler.stats is not None
            reason = self.crawler.stats.get_value("finish_reason", "finished")
            if self.failure is None:
                try:
                    self.sink.close("done" if reason == "finished" else "partial")
                except (duckdb.Error, OSError) as exc:
                    self._record_failure(exc)
        finally:
            self.sink.store.close()
            self.sink = None

    def _record_failure(self, exc: BaseException) -> None:
        error = explain_storage_error(exc, self.db_path)
        if error is None:
            raise exc
        self.failure = error
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(STORAGE_ERROR_STAT, str(error))
        self.crawler.stats.set_value(STORAGE_CODE_STAT, int(error.code))
