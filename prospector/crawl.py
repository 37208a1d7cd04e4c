"""The only place that starts Scrapy: discovery, then one crawl, then scoring."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from prospector.config import SETTINGS_PRIORITY, Config
from prospector.discover import discover
from prospector.errors import ExitCode, ProspectorError
from prospector.logs import one_line_logs
from prospector.pipelines import RUN_ID_STAT
from prospector.score import rescore
from prospector.store.db import Store
from prospector.store.search_cache import claim_queries


@dataclass(frozen=True)
class CrawlResult:
    run_id: int
    status: str
    sites: int
    pages: int
    contacts: int


def build_settings(config: Config) -> Settings:
    settings = Settings()
    settings.setmodule("prospector.settings", priority="project")
    settings.setdict(config.scrapy_settings(), priority=SETTINGS_PRIORITY)
    settings.set("PROSPECTOR_KEYWORD", config.keyword, priority=SETTINGS_PRIORITY)
    settings.set("PROSPECTOR_CONFIG_JSON", config.to_json(), priority=SETTINGS_PRIORITY)
    return settings


def run_crawl(config: Config) -> CrawlResult:
    """Discover, crawl and score; blocks until done. One call per process (Twisted)."""
    # The DB is opened first so that a locked or unusable path fails fast with one
    # line, before any search quota is spent; search pages are cached in it. It is
    # closed again before Scrapy starts: the pipeline is its only writer then.
    with Store.open(config.db_path) as store:
        candidates = discover(config, store)
    if not candidates:
        raise ProspectorError(
            "no sites to crawl: the search found nothing and no seed file was given",
            ExitCode.BACKEND if config.search_url else ExitCode.USAGE,
        )
    process = CrawlerProcess(build_settings(config))
    one_line_logs()
    crawler = process.create_crawler("prospect")
    process.crawl(crawler, keyword=config.keyword, candidates=candidates,
                  keywords=config.keywords)
    process.start()
    assert crawler.stats is not None
    run_id = crawler.stats.get_value(RUN_ID_STAT)
    if not run_id:
        raise ProspectorError("the crawl did not start; see the log above", ExitCode.DATABASE)
    with Store.open(config.db_path) as store:
        claim_queries(store, int(run_id))
        rescore(store, config)
        row = store.rows("SELECT status, sites, pages, contacts FROM runs WHERE run_id = ?",
                         [run_id])[0]
    return CrawlResult(int(run_id), str(row["status"]), int(row["sites"]), int(row["pages"]),
                       int(row["contacts"]))
