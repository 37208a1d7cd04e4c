"""The only place that starts Scrapy: lock, discovery (or resume), one crawl, scoring."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from prospector.config import Config
from prospector.config.scrapy import build_settings
from prospector.crawl.arenas import limit_arenas
from prospector.crawl.lock import run_lock
from prospector.crawl.logs import one_line_logs
from prospector.crawl.pipeline import STORAGE_CODE_STAT, STORAGE_ERROR_STAT
from prospector.crawl.shutdown import DEFAULT_GRACE_S, Deadline
from prospector.discover import discover_for_run
from prospector.errors import ExitCode, InputError, ProspectorError
from prospector.hosts import REFUSED
from prospector.score import keyword_regex, rescore
from prospector.store.db import Store
from prospector.store.search_cache import claim_queries, mark_partial


@dataclass(frozen=True)
class CrawlResult:
    run_id: int
    status: str
    sites: int
    pages: int
    contacts: int
    resumed: bool = False
    skipped: int = 0
    fetched: int = 0  # distributed: URLs fetched by all workers
    distinct: int = 0  # distributed: distinct URLs among them
    workers: int = 0  # distributed: workers that fetched anything
    warning: str = ""  # discovery's line naming the search queries that failed




def read_job_dir(job_dir: Path) -> dict[str, Any]:
    path = job_dir / "job.json"
    if not path.exists():
        return {}
    try:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        raise InputError(f"job directory {job_dir} holds an unreadable job.json") from None
    return data


def write_job_dir(job_dir: Path, data: dict[str, Any]) -> None:
    job_dir.mkdir(parents=True, exist_ok=True)
    tmp = job_dir / "job.json.tmp"
    tmp.write_text(json.dumps(data, indent=2), "utf-8")
    os.replace(tmp, job_dir / "job.json")


@dataclass(frozen=True)
class Plan:
    run_id: int
    resumed: bool
    candidates: list[Any]
    skip: set[str]
    skip_links: list[dict[str, Any]]
    validators: dict[str, tuple[str, str]]
    search_warning: str = ""  # the failed search queries, named (prospector.discover)
    search_partial: bool = False  # more than half of them failed: the run is partial


def plan_run(store: Store, config: Config) -> Plan:
    """Start a run, or resume the job directory's unfinished one."""
    job = read_job_dir(config.job_dir) if config.job_dir else {}
    run_id = int(job.get("run_id", 0))
    resumed, warning, partial = False, "", False
    if run_id and str(job.get("db", "")) == str(config.db_path.resolve()):
        resumed = store.resume_run(run_id)  # running again if it had not ended
    if resumed:
        store.abandon_dead_runs_except(run_id)
        candidates = store.run_candidates(run_id)
        skip = store.crawled_sites(run_id=run_id)
    else:
        store.abandon_dead_runs_except(None)
        found = discover_for_run(config, store)  # exit 5 only when nothing at all was found
        candidates, warning, partial = found.candidates, found.warning(), found.mostly_failed
        run_id = store.start_run(config.keyword, config.to_json())
        store.record_discoveries(run_id, candidates)
        claim_queries(store, run_id)
        skip = set()
        if config.job_dir:
            write_job_dir(config.job_dir, {"run_id": run_id,
                                           "db": str(config.db_path.resolve()),
                                           "keyword": config.keyword})
    skip, skip_links, validators = _recent(store, config, candidates, skip)
    return Plan(run_id=run_id, resumed=resumed, candidates=candidates, skip=skip,
                skip_links=skip_links, validators=validators, search_warning=warning,
                search_partial=partial)


def _recent(store: Store, config: Config, candidates: list[Any], skip: set[str]
            ) -> tuple[set[str], list[dict[str, Any]], dict[str, tuple[str, str]]]:
    """(sites not to fetch: `skip` and, unless --refresh, those crawled to the end
    within --max-age; their stored links, which still lead on; the validators of the
    other sites' pages, for conditional requests)."""
    if not config.refresh:
        skip = skip | store.crawled_sites(max_age_days=config.max_age_days)
    pattern = keyword_regex(config.keywords) or "$^"
    domains = {c.domain for c in candidates}
    return (skip, store.links_from(skip, pattern),
            {} if config.refresh else {**store.validators(domains - skip),
                                       **store.feed_validators(skip)})


def run_crawl(config: Config) -> CrawlResult:
    """Discover (or resume), crawl and score; blocks until done. One call per process."""
    limit_arenas()  # before DuckDB's and Scrapy's threads allocate (crawl/arenas.py)
    with run_lock(config.db_path):
        # The DB is opened first so that an unusable path fails fast with one line,
        # before any search quota is spent; search pages are cached in it. It is closed
        # before Scrapy starts: the pipeline is its only writer then.
        with Store.open(config.db_path) as store:
            plan = plan_run(store, config)
        settings = build_settings(config, PROSPECTOR_RUN_ID=plan.run_id)
        crawler = start_spider(settings, keyword=config.keyword, candidates=plan.candidates,
                               keywords=config.keywords, skip=plan.skip,
                               skip_links=plan.skip_links, validators=plan.validators)
        assert crawler.stats is not None
        failed = crawler.stats.get_value(STORAGE_ERROR_STAT)
        if failed:
            code = ExitCode(crawler.stats.get_value(STORAGE_CODE_STAT, ExitCode.DATABASE))
            raise ProspectorError(str(failed), code)
        with Store.open(config.db_path) as store:
            return scored_result(store, config, plan)


def scored_result(store: Store, config: Config, plan: Plan) -> CrawlResult:
    """Score the DB after the run's crawl; the run as recorded."""
    rescore(store, config)
    if plan.search_partial:  # more than half the search queries failed
        mark_partial(store, plan.run_id)
    row = store.run_summary(plan.run_id)
    return CrawlResult(plan.run_id, str(row["status"]), int(row["sites"]), int(row["pages"]),
                       int(row["contacts"]), plan.resumed, len(plan.skip),
                       warning=plan.search_warning)


def start_spider(settings: Settings, **spider_args: Any) -> Any:
    """Run the prospect spider with `settings` until it closes; its crawler."""
    process = CrawlerProcess(settings)
    one_line_logs()
    crawler = process.create_crawler("prospect")
    process.crawl(crawler, **spider_args)
    deadline = Deadline(process, settings.getfloat("PROSPECTOR_SHUTDOWN_GRACE", DEFAULT_GRACE_S))
    process.start()
    deadline.done()
    _say_refused_hosts()
    return crawler


def _say_refused_hosts() -> None:
    """One line for the links and search results dropped for their host name (a control
    or bidi character, an invalid international name: prospector.hosts)."""
    count, examples = REFUSED.take()
    if count:
        print(f"{count} bad host name(s) in links dropped, e.g. {examples[0]}",
              file=sys.stderr)
