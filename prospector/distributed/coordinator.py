"""The two ways into a distributed crawl: the coordinator (`prospector crawl --redis`)
and an extra worker (`prospector worker`).

The coordinator plans the run as a single-process crawl does (prospector.crawl.run:
lock, discovery or resume, the sites to skip), publishes the job, crawls as one of the
workers, waits for the others, loads every worker's items into the DB, scores and
cleans up. A worker reads the published job and crawls until the job rests.

Neither changes anything process-wide to make its crawl a worker: `job_settings` only
fills Scrapy settings (the quick idle checks are an extension on the crawl's own engine,
prospector.distributed.idle)."""

from __future__ import annotations

import os
from dataclasses import replace

import redis

from prospector.config import Config
from prospector.config.scrapy import build_settings
from prospector.crawl.lock import run_lock
from prospector.crawl.run import (
    CrawlResult,
    Plan,
    plan_run,
    read_job_dir,
    scored_result,
    start_spider,
    write_job_dir,
)
from prospector.crawl.sink import StoreSink
from prospector.distributed.client import connect, worker_id
from prospector.distributed.fetchlog import fetch_counts
from prospector.distributed.items import ItemLoader, load_items
from prospector.distributed.job import (
    cleanup,
    job_settings,
    publish_job,
    read_job,
    wait_for_workers,
)
from prospector.store.db import Store

# Set to 1 in the coordinator's environment: the job keeps every fetched URL, so the
# run's "distinct" figure is exact (the tests' proof that no URL was fetched twice);
# otherwise it is a HyperLogLog estimate (prospector.distributed.fetchlog).
FETCH_LOG_ENV = "PROSPECTOR_FETCH_LOG"


def run_distributed(config: Config) -> CrawlResult:
    """Coordinate a distributed crawl (see the module); blocks until done."""
    assert config.redis_url
    server = connect(config.redis_url)
    fetch_log = os.environ.get(FETCH_LOG_ENV) == "1"
    with run_lock(config.db_path):
        plan, prefix = _publish(server, config, fetch_log)
        settings = build_settings(config)
        job_settings(settings, config.redis_url, prefix, fetch_log)
        with Store.open(config.db_path) as store:
            sink = StoreSink(store, plan.run_id)
            # The workers' items are loaded while the crawl runs (in a thread: DuckDB
            # works without the GIL), not all at the end.
            loader = ItemLoader(connect(config.redis_url), prefix, sink)
            loader.start()
            try:
                crawler = start_spider(settings, keyword=config.keyword,
                                       candidates=plan.candidates, keywords=config.keywords,
                                       skip=plan.skip, skip_links=plan.skip_links,
                                       validators=plan.validators)
                assert crawler.stats is not None
                reason = crawler.stats.get_value("finish_reason", "finished")
                wait_for_workers(server, prefix)
            finally:
                loader.finish()
            loader.load(final=True)
            loader.server.close()
            sink.close("done" if reason == "finished" else "partial")
            result = scored_result(store, config, plan)
        counts = fetch_counts(server, prefix, fetch_log)
        cleanup(server, prefix)
    return replace(result, fetched=counts.fetched, distinct=counts.distinct,
                   workers=counts.workers)


def _publish(server: redis.Redis, config: Config, fetch_log: bool) -> tuple[Plan, str]:
    """Plan the run (or resume the job directory's), then publish it as a job."""
    with Store.open(config.db_path) as store:
        plan = plan_run(store, config)
        old = str(read_job_dir(config.job_dir).get("prefix") or "") \
            if plan.resumed and config.job_dir else ""
        if old:
            # The killed run's job: what its workers shipped but it never loaded is
            # stored now (idempotent), then its state goes. The run goes on as a new
            # job over the sites it had not finished.
            load_items(server, old, StoreSink(store, plan.run_id))
            cleanup(server, old)
    prefix = publish_job(server, config, plan.run_id, plan.skip, plan.validators, fetch_log,
                         coordinator=worker_id())
    if config.job_dir:
        write_job_dir(config.job_dir, {"run_id": plan.run_id,
                                       "db": str(config.db_path.resolve()),
                                       "keyword": config.keyword, "prefix": prefix})
    return plan, prefix


def run_worker(redis_url: str, job: str | None = None, log_level: str | None = None,
               extract_workers: int | None = None) -> str:
    """An extra worker for the job running on this Redis (the current one unless `job`
    names another); returns the job's prefix when the crawl rests. Its extraction runs
    in `extract_workers` processes (prospector.crawl.workers) when given, else as the
    job says (by default one a core of this machine)."""
    server = connect(redis_url)
    try:
        published = read_job(server, job)
    finally:
        server.close()
    config = published.config
    if log_level:
        config = replace(config, log_level=log_level)
    if extract_workers is not None:
        config = replace(config, workers=extract_workers)
    settings = build_settings(config)
    job_settings(settings, redis_url, published.prefix, published.fetch_log)
    start_spider(settings, keyword=config.keyword, candidates=[], keywords=config.keywords,
                 skip=published.skip, validators=published.validators)
    return published.prefix
