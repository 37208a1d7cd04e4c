"""How many URLs the workers of a job fetched, and how many distinct ones: a run's
proof that no URL was fetched twice across workers.

Always on in a job, at a fixed cost: a count per worker (`fetched_by`, a hash) and the
distinct URLs counted by a HyperLogLog (`fetched_hll`: at most 12 KB whatever the crawl's
size, a standard error of 0.81 %, https://redis.io/docs/latest/develop/data-types/probabilistic/hyperloglogs/).
The exact figure needs every URL: with PROSPECTOR_FETCH_LOG on (the tests turn it on,
see `job.publish_job`) they also go to a set (`fetched_urls`) which Redis counts; nothing
is ever loaded into the coordinator's memory."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import redis
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler

from prospector.config.scrapy import CrawlSettings
from prospector.distributed.client import connect, job_key, worker_id

FETCH_LOG_SETTING = "PROSPECTOR_FETCH_LOG"
MIDDLEWARE = "prospector.distributed.fetchlog.FetchLog"
# After Scrapy's own downloader middlewares (at most 900): it sees what was downloaded.
MIDDLEWARE_ORDER = 950


@dataclass(frozen=True)
class FetchCounts:
    fetched: int  # responses received by all workers (robots.txt left out)
    distinct: int  # distinct URLs among them: exact with the fetch log, else estimated
    workers: int  # workers that fetched anything
    exact: bool


class FetchLog:
    """Downloader middleware of a job's workers: counts every response's URL. Sent in
    batches (every `FLUSH_SECONDS`, when the spider idles and when it closes); a worker
    killed loses its last entries."""

    FLUSH_SECONDS = 0.5

    def __init__(self, server: redis.Redis, prefix: str, exact: bool) -> None:
        self.r = server
        self.prefix = prefix
        self.exact = exact
        self.worker = worker_id()
        self.pending: list[str] = []
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchLog:
        job = CrawlSettings.from_settings(crawler.settings)
        log = cls(connect(job.redis_url), job.redis_prefix,
                  crawler.settings.getbool(FETCH_LOG_SETTING))
        crawler.signals.connect(log.flush, signal=signals.spider_idle)
        crawler.signals.connect(log.flush, signal=signals.spider_closed)
        return log

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if self.pending:
            pending, self.pending = self.pending, []
            pipe = self.r.pipeline(transaction=False)
            pipe.hincrby(job_key(self.prefix, "fetched_by"), self.worker, len(pending))
            pipe.pfadd(job_key(self.prefix, "fetched_hll"), *pending)
            if self.exact:
                pipe.sadd(job_key(self.prefix, "fetched_urls"), *pending)
            pipe.execute()

    def process_response(self, request: scrapy.Request, response: Any) -> Any:
        # robots.txt is left out: Scrapy keeps it per process, so each worker reads it
        # once per site.
        if request.url.startswith("http") and not request.url.endswith("/robots.txt"):
            self.pending.append(request.url)
            if time.monotonic() - self.last_flush >= self.FLUSH_SECONDS:
                self.flush()
        return response


def fetch_counts(server: redis.Redis, prefix: str, exact: bool) -> FetchCounts:
    """The job's figures; `exact` when its fetch log was on."""
    by_worker = [int(n) for n in server.hvals(job_key(prefix, "fetched_by"))]
    if exact:
        distinct = int(server.scard(job_key(prefix, "fetched_urls")))
    else:
        distinct = int(server.pfcount(job_key(prefix, "fetched_hll")))
    return FetchCounts(sum(by_worker), distinct, len(by_worker), exact)
