"""The run's owner when no CLI owns it: `scrapy crawl prospect` and scrapyd.

`prospector crawl` takes the run lock, records the run with its config, discovers with
the search cache, crawls, and scores at the end (prospector.crawl.run). A crawl started
by Scrapy's own tools must leave the same DB behind, so this extension calls the same
steps: `plan_run` when the crawler is built (after the spider, before the engine opens
the pipeline) and the scoring when the engine has stopped (after the pipeline's last
flush). When the CLI or the distributed coordinator owns the run, it passes the run id
in the settings and this extension stays out (NotConfigured).

Spider arguments are the CLI's flags under the same names: `-a keyword=beekeeping
-a search=URL -a backend=sampleweb -a max_sites=4 -a config=FILE`; the DB and the proxy
come from `-s PROSPECTOR_DB_PATH=… -s PROSPECTOR_PROXY=…`.
"""

from __future__ import annotations

import logging
import os
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from prospector.config import Config
from prospector.config.scrapy import CrawlSettings
from prospector.crawl.lock import run_lock
from prospector.crawl.pipeline import STORAGE_ERROR_STAT
from prospector.crawl.run import Plan, plan_run
from prospector.errors import ProspectorError
from prospector.score import rescore
from prospector.store.db import Store

log = logging.getLogger(__name__)

# Spider argument → (Config field, type): the CLI's flags, spelled as Scrapy passes them.
SPIDER_ARGS: dict[str, tuple[str, type]] = {
    "keyword": ("keyword", str),
    "search": ("search_url", str),
    "backend": ("search_backend", str),
    "seeds": ("seeds_path", Path),
    "max_sites": ("max_sites", int),
    "max_pages": ("max_pages_per_site", int),
    "max_distance": ("max_distance", int),
    "max_age": ("max_age_days", float),
    "search_max_age": ("search_max_age_days", float),
    "job_dir": ("job_dir", Path),
}


def config_from_spider(spider: Any, job: CrawlSettings) -> Config:
    """The Config `prospector crawl` would build from the same arguments."""
    flags: dict[str, Any] = {"db_path": Path(job.db_path), "proxy": job.proxy or None,
                             "allow_private": job.allow_private or None,
                             "progress": job.progress, "variants": (), "exclude": ()}
    for arg, (field, kind) in SPIDER_ARGS.items():
        value = getattr(spider, arg, None)
        if value not in (None, ""):
            try:
                flags[field] = kind(value)
            except ValueError:
                raise ProspectorError(f"spider argument {arg}={value!r} is not a {kind.__name__}"
                                      ) from None
    config_file = getattr(spider, "config", None)
    return Config.from_sources(flags, Path(config_file) if config_file else None, os.environ)


class RunOwner:
    """Begins the run when the crawler is built; scores it when the engine stops."""

    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler = crawler
        self.config = config
        self.held = ExitStack()  # the run lock, from begin to end
        self.plan: Plan | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunOwner:
        job = CrawlSettings.from_settings(crawler.settings)
        spider: Any = crawler.spider
        if job.run_id or job.redis_url or spider is None \
                or getattr(spider, "candidates", None) is not None:
            raise NotConfigured  # the run has an owner (no argument: Scrapy would log it)
        try:
            owner = cls(crawler, config_from_spider(spider, job))
            owner.begin(spider)
        except ProspectorError as exc:
            # One line in the job's log, and nothing crawled: scrapyd shows the job as
            # finished, its log says why.
            log.error("prospector: %s", exc)
            spider.take_plan([], set(), [], {}, run_id=0)
            raise NotConfigured from None
        crawler.signals.connect(owner.end, signal=signals.engine_stopped)
        return owner

    def begin(self, spider: Any) -> None:
        self.held.enter_context(run_lock(self.config.db_path))
        try:
            with Store.open(self.config.db_path) as store:
                self.plan = plan_run(store, self.config)
        except BaseException:
            self.held.close()
            raise
        plan = self.plan
        spider.take_plan(plan.candidates, plan.skip, plan.skip_links, plan.validators,
                         run_id=plan.run_id, keywords=self.config.keywords)

    def end(self) -> None:
        """Score what the run stored, as `prospector crawl` does, then let go of the lock."""
        try:
            stats = self.crawler.stats
            if self.plan is not None and (stats is None
                                          or not stats.get_value(STORAGE_ERROR_STAT)):
                with Store.open(self.config.db_path) as store:
                    rescore(store, self.config)
        except ProspectorError as exc:
            log.error("prospector: scoring failed: %s", exc)
        finally:
            self.held.close()
