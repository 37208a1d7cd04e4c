"""The only bridge from the crawl to the DB: one connection for the whole crawl,
opened in open_spider, items written in batches, closed in close_spider."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from prospector.models import Candidate, FetchedPage
from prospector.store.db import Store

RUN_ID_STAT = "prospector/run_id"


class StorePipeline:
    def __init__(self, crawler: Crawler, db_path: str, keyword: str, config_json: str,
                 batch_size: int) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.keyword = keyword
        self.config_json = config_json
        self.batch_size = batch_size
        self.store: Store | None = None
        self.run_id = 0
        self.pending: list[FetchedPage] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        s = crawler.settings
        return cls(
            crawler,
            db_path=s.get("PROSPECTOR_DB_PATH") or "prospector.duckdb",
            keyword=s.get("PROSPECTOR_KEYWORD", ""),
            config_json=s.get("PROSPECTOR_CONFIG_JSON", "{}"),
            batch_size=s.getint("PROSPECTOR_BATCH_SIZE", 200),
        )

    def open_spider(self) -> None:
        self.store = Store.open(self.db_path)
        spider = self.crawler.spider
        keyword = self.keyword or str(getattr(spider, "keyword", ""))
        self.run_id = self.store.start_run(keyword, self.config_json)
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(RUN_ID_STAT, self.run_id)

    def process_item(self, item: Any) -> Any:
        assert self.store is not None
        if isinstance(item, FetchedPage):
            self.pending.append(item)
            if len(self.pending) >= self.batch_size:
                self.flush()
        elif isinstance(item, Candidate):
            # Candidates come once, before their pages: write at once so that a site
            # row exists for every page of the first batch.
            self.store.add_candidates(self.run_id, [item])
        return item

    def flush(self) -> None:
        assert self.store is not None
        batch, self.pending = self.pending, []
        self.store.add_pages(self.run_id, batch)

    def close_spider(self) -> None:
        if self.store is None:
            return
        try:
            self.flush()
            assert self.crawler.stats is not None
            reason = self.crawler.stats.get_value("finish_reason", "finished")
            self.store.finish_run(self.run_id, "done" if reason == "finished" else "partial")
        finally:
            self.store.close()
            self.store = None
