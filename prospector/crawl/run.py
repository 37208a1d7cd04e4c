"""The only place that starts Scrapy: lock, discovery (or resume), one crawl, scoring."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from prospector.config import Config
from prospector.config.scrapy import build_settings
from prospector.crawl.logs import one_line_logs
from prospector.crawl.pipeline import STORAGE_CODE_STAT, STORAGE_ERROR_STAT
from prospector.discover import discover
from prospector.errors import ExitCode, InputError, LockedError, ProspectorError
from prospector.score import keyword_regex, rescore
from prospector.store.db import Store
from prospector.store.search_cache import claim_queries


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


@contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """One crawl per DB at a time, for the whole run (discovery to scoring).

    DuckDB's own lock only covers the moments a connection is open; this one spans the
    run. It is a `<db>.lock` file beside the DB, like DuckDB's own `<db>.wal`.
    """
    if str(db_path) == ":memory:":
        yield
        return
    if db_path.is_dir():
        raise ProspectorError(f"database path {db_path} is a directory; give a file path",
                              ExitCode.DATABASE)
    lock_path = Path(f"{db_path}.lock")
    try:
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the whole run
    except OSError as exc:
        raise ProspectorError(f"cannot create lock file {lock_path}: {exc.strerror or exc}",
                              ExitCode.DATABASE) from None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"another crawl is running on {db_path}; not starting a second") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()


def _read_job(job_dir: Path) -> dict[str, Any]:
    path = job_dir / "job.json"
    if not path.exists():
        return {}
    try:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        raise InputError(f"job directory {job_dir} holds an unreadable job.json") from None
    return data


def _write_job(job_dir: Path, data: dict[str, Any]) -> None:
    job_dir.mkdir(parents=True, exist_ok=True)
    tmp = job_dir / "job.json.tmp"
    tmp.write_text(json.dumps(data, indent=2), "utf-8")
    os.replace(tmp, job_dir / "job.json")


@dataclass(frozen=True)
class _Plan:
    run_id: int
    resumed: bool
    candidates: list[Any]
    skip: set[str]
    skip_links: list[dict[str, Any]]
    validators: dict[str, tuple[str, str]]


def _plan(store: Store, config: Config) -> _Plan:
    """Start a run, or resume the job directory's unfinished one."""
    job = _read_job(config.job_dir) if config.job_dir else {}
    run_id = int(job.get("run_id", 0))
    resumed = False
    if run_id and str(job.get("db", "")) == str(config.db_path.resolve()):
        rows = store.rows("SELECT status FROM runs WHERE run_id = ?", [run_id])
        resumed = bool(rows) and rows[0]["status"] in ("running", "partial", "killed")
    if resumed:
        store.con.execute("UPDATE runs SET status = 'running' WHERE run_id = ?", [run_id])
        store.abandon_dead_runs_except(run_id)
        candidates = store.run_candidates(run_id)
        skip = store.crawled_sites(run_id=run_id)
    else:
        store.abandon_dead_runs_except(None)
        candidates = discover(config, store)
        if not candidates:
            raise ProspectorError(
                "no sites to crawl: the search found nothing and no seed file was given",
                ExitCode.BACKEND if (config.search_url or config.search_backend)
                else ExitCode.USAGE)
        run_id = store.start_run(config.keyword, config.to_json())
        store.record_discoveries(run_id, candidates)
        claim_queries(store, run_id)
        skip = set()
        if config.job_dir:
            _write_job(config.job_dir, {"run_id": run_id, "db": str(config.db_path.resolve()),
                                        "keyword": config.keyword})
    skip, skip_links, validators = _recent(store, config, candidates, skip)
    return _Plan(run_id=run_id, resumed=resumed, candidates=candidates, skip=skip,
                 skip_links=skip_links, validators=validators)


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
            {} if config.refresh else store.validators(domains - skip))


def run_crawl(config: Config) -> CrawlResult:
    """Discover (or resume), crawl and score; blocks until done. One call per process."""
    if config.redis_url:
        return run_distributed(config)
    with run_lock(config.db_path):
        # The DB is opened first so that an unusable path fails fast with one line,
        # before any search quota is spent; search pages are cached in it. It is closed
        # before Scrapy starts: the pipeline is its only writer then.
        with Store.open(config.db_path) as store:
            plan = _plan(store, config)
        settings = build_settings(config, PROSPECTOR_RUN_ID=plan.run_id)
        crawler = _start_spider(settings, keyword=config.keyword, candidates=plan.candidates,
                                keywords=config.keywords, skip=plan.skip,
                                skip_links=plan.skip_links, validators=plan.validators)
        assert crawler.stats is not None
        failed = crawler.stats.get_value(STORAGE_ERROR_STAT)
        if failed:
            code = ExitCode(crawler.stats.get_value(STORAGE_CODE_STAT, ExitCode.DATABASE))
            raise ProspectorError(str(failed), code)
        with Store.open(config.db_path) as store:
            rescore(store, config)
            row = store.rows("SELECT status, sites, pages, contacts FROM runs WHERE run_id = ?",
                             [plan.run_id])[0]
    return CrawlResult(plan.run_id, str(row["status"]), int(row["sites"]), int(row["pages"]),
                       int(row["contacts"]), plan.resumed, len(plan.skip))


def _start_spider(settings: Settings, **spider_args: Any) -> Any:
    process = CrawlerProcess(settings)
    one_line_logs()
    crawler = process.create_crawler("prospect")
    process.crawl(crawler, **spider_args)
    process.start()
    return crawler


def run_distributed(config: Config) -> CrawlResult:
    """The coordinator of a distributed crawl: discover (or resume the job directory's
    unfinished run), publish the job, crawl as one of the workers, wait for the others,
    load every worker's items, score, clean up."""
    from prospector.crawl.sink import StoreSink
    from prospector.distributed.core import (
        ItemLoader,
        cleanup,
        connect,
        distributed_settings,
        fetch_counts,
        load_items,
        publish_job,
        wait_for_workers,
    )

    assert config.redis_url
    server = connect(config.redis_url)
    with run_lock(config.db_path):
        with Store.open(config.db_path) as store:
            plan = _plan(store, config)
            old = str(_read_job(config.job_dir).get("prefix") or "") \
                if plan.resumed and config.job_dir else ""
            if old:
                # The killed run's job: what its workers shipped but it never loaded is
                # stored now (idempotent), then its state goes. The run goes on as a new
                # job over the sites it had not finished.
                load_items(server, old, StoreSink(store, plan.run_id))
                cleanup(server, old)
        run_id, candidates = plan.run_id, plan.candidates
        skip, skip_links, validators = plan.skip, plan.skip_links, plan.validators
        prefix = publish_job(server, config, run_id, skip, validators)
        if config.job_dir:
            _write_job(config.job_dir, {"run_id": run_id, "db": str(config.db_path.resolve()),
                                        "keyword": config.keyword, "prefix": prefix})
        settings = build_settings(config)
        distributed_settings(settings, config.redis_url, prefix)
        with Store.open(config.db_path) as store:
            sink = StoreSink(store, run_id)
            # The workers' items are loaded while the crawl runs (in a thread: DuckDB
            # works without the GIL), not all at the end.
            loader = ItemLoader(connect(config.redis_url), prefix, sink)
            loader.start()
            try:
                crawler = _start_spider(settings, keyword=config.keyword,
                                        candidates=candidates, keywords=config.keywords,
                                        skip=skip, skip_links=skip_links,
                                        validators=validators)
                assert crawler.stats is not None
                reason = crawler.stats.get_value("finish_reason", "finished")
                wait_for_workers(server, prefix)
            finally:
                loader.finish()
            loader.load(final=True)
            loader.server.close()
            sink.close("done" if reason == "finished" else "partial")
            rescore(store, config)
            row = store.rows("SELECT status, sites, pages, contacts FROM runs WHERE run_id = ?",
                             [run_id])[0]
        fetched, distinct = fetch_counts(server, prefix)
        workers = len(server.hkeys(f"{prefix}:fetched_by"))
        cleanup(server, prefix)
    return CrawlResult(run_id, str(row["status"]), int(row["sites"]), int(row["pages"]),
                       int(row["contacts"]), plan.resumed, len(skip), fetched=fetched,
                       distinct=distinct, workers=workers)


def run_worker(redis_url: str, job: str | None = None, log_level: str | None = None) -> str:
    """An extra worker for the job running on this Redis; returns when the crawl rests."""
    from prospector.distributed.core import connect, distributed_settings, job_config, job_plan

    server = connect(redis_url)
    prefix, config = job_config(server, job)
    skip, validators = job_plan(server, prefix)
    if log_level:
        config = replace(config, log_level=log_level)
    settings = build_settings(config)
    distributed_settings(settings, redis_url, prefix)
    _start_spider(settings, keyword=config.keyword, candidates=[], keywords=config.keywords,
                  skip=skip, validators=validators)
    return prefix
