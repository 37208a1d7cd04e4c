"""The only bridge from the crawl to the DB: one connection for the whole crawl,
opened in open_spider, items written in batches, closed in close_spider."""

from __future__ import annotations

import time
from typing import Any

from scrapy.crawler import Crawler

from prospector.extract import merge_site
from prospector.models import Candidate, FetchedPage, PageFacts, PageUnchanged, SiteDone, SiteProfile
from prospector.store.db import Store

RUN_ID_STAT = "prospector/run_id"
CONTACTS_STAT = "prospector/contacts"
SITES_DONE_STAT = "prospector/sites_done"


class StorePipeline:
    def __init__(self, crawler: Crawler, db_path: str, keyword: str, config_json: str,
                 batch_size: int, run_id: int, flush_seconds: float = 5.0) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.keyword = keyword
        self.config_json = config_json
        self.batch_size = batch_size
        self.store: Store | None = None
        self.run_id = run_id
        self.pending: list[FetchedPage] = []
        self.done: list[str] = []
        self.unchanged: list[str] = []
        # Each site's page facts until its crawl ends, then merged into one profile.
        self.site_pages: dict[str, list[PageFacts]] = {}
        self.profiles: list[SiteProfile] = []
        # A slow crawl still reaches the DB every few seconds: a kill loses at most that.
        self.flush_seconds = flush_seconds
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        s = crawler.settings
        return cls(
            crawler,
            db_path=s.get("PROSPECTOR_DB_PATH") or "prospector.duckdb",
            keyword=s.get("PROSPECTOR_KEYWORD", ""),
            config_json=s.get("PROSPECTOR_CONFIG_JSON", "{}"),
            batch_size=s.getint("PROSPECTOR_BATCH_SIZE", 200),
            run_id=s.getint("PROSPECTOR_RUN_ID", 0),
            flush_seconds=s.getfloat("PROSPECTOR_FLUSH_SECONDS", 5.0),
        )

    @property
    def stats(self) -> Any:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def open_spider(self) -> None:
        self.store = Store.open(self.db_path)
        if not self.run_id:
            # Run through `scrapy crawl` or scrapyd: no CLI started the run.
            keyword = self.keyword or str(getattr(self.crawler.spider, "keyword", ""))
            self.run_id = self.store.start_run(keyword, self.config_json)
        self.stats.set_value(RUN_ID_STAT, self.run_id)

    def process_item(self, item: Any) -> Any:
        assert self.store is not None
        if isinstance(item, FetchedPage):
            self.pending.append(item)
            self.stats.inc_value(CONTACTS_STAT, len(item.facts.contacts))
            if 200 <= item.status < 300:
                self.site_pages.setdefault(item.site, []).append(item.facts)
            if (len(self.pending) >= self.batch_size
                    or time.monotonic() - self.last_flush >= self.flush_seconds):
                self.flush()
        elif isinstance(item, Candidate):
            # Candidates come once, before their pages: write at once so that a site
            # row exists for every page of the next batch.
            self.store.add_candidates(self.run_id, [item])
        elif isinstance(item, SiteDone):
            self.done.append(item.site)
            self._merge(item.site)
            self.stats.inc_value(SITES_DONE_STAT)
        elif isinstance(item, PageUnchanged):
            self.unchanged.append(item.url)
        return item

    def _merge(self, site: str) -> None:
        pages = self.site_pages.pop(site, [])
        if pages:
            self.profiles.append(merge_site(pages))

    def flush(self) -> None:
        """Pages first, then the sites they complete: a site is marked crawled only
        once everything fetched from it is stored, so a killed crawl redoes it."""
        assert self.store is not None
        self.last_flush = time.monotonic()
        batch, self.pending = self.pending, []
        done, self.done = self.done, []
        unchanged, self.unchanged = self.unchanged, []
        profiles, self.profiles = self.profiles, []
        self.store.add_pages(self.run_id, batch)
        self.store.update_site_facts(profiles)
        self.store.touch_pages(self.run_id, unchanged)
        self.store.mark_sites_crawled(self.run_id, done)

    def close_spider(self) -> None:
        if self.store is None:
            return
        try:
            for site in list(self.site_pages):  # sites whose end was never signalled
                self._merge(site)
            self.flush()
            reason = self.stats.get_value("finish_reason", "finished")
            self.store.finish_run(self.run_id, "done" if reason == "finished" else "partial")
        finally:
            self.store.close()
            self.store = None
